"""``plp report status | portfolio | timeline`` and ``plp export ics``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import say
from plp.cli.state import FORCE_HELP, NOW_HELP, state

report_app = typer.Typer(help="Reports people read: status report, portfolio, timeline.", no_args_is_help=True)
export_app = typer.Typer(help="Export to other programs: iCalendar (Outlook, Google).", no_args_is_help=True)

REPORT_LANG_HELP = "Language: nn, nb or en (default: PLP_LANG, else nn)."
OUTPUT_HELP = "Write to this file instead of stdout."


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.add_typer(export_app, name="export")


def _done(path, what: str) -> None:
    if path is not None:
        say(f"Wrote {what} to {path}.")


@report_app.command("status")
def report_status(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                  format: str = typer.Option("md", "--format", help="md, html (one file, prints on A4) or json."),
                  lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
                  output: Optional[str] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
                  force: bool = typer.Option(False, "--force", help=FORCE_HELP),
                  now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """The steering group's status report for one project.

    Phase, next decision point with every criterion met or not, goals by level,
    milestones with traffic lights (green on track, yellow due within 14 days, red
    overdue), the decision log and the anchoring of each owner.

    Example: plp report status smartskog --format html --output smartskog.html
    """
    from plp.dates import today
    from plp.reports import documents
    from plp.texts import report_lang
    from plp.reports.render import check_format, check_output, write
    from plp.services.reporting import status_report

    check_format(format, documents.STATUS_FORMATS)
    lang = report_lang(lang)
    path = check_output(output, force=force)
    data = status_report(state(ctx).db, code=code, today=today(now), lang=lang)
    write(documents.status(data, format), path)
    _done(path, f"the status report of {code}")


@report_app.command("portfolio")
def report_portfolio(ctx: typer.Context,
                     format: str = typer.Option("md", "--format", help="md, html, csv or json."),
                     by: Optional[str] = typer.Option(None, "--by", help="Group by owner or measure."),
                     lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
                     output: Optional[str] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
                     force: bool = typer.Option(False, "--force", help=FORCE_HELP),
                     now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Every project with its phase, status, next decision point, readiness and red/yellow milestones.

    With --by owner a project stands under each of its owners; with --by measure
    under each joint measure it is linked to.

    Example: plp report portfolio --by owner --format html --output portfolio.html
    """
    from plp.dates import today
    from plp.reports import documents
    from plp.texts import report_lang
    from plp.reports.render import check_format, check_output, write
    from plp.services.reporting import GROUPINGS, portfolio

    from plp.services.common import choose

    check_format(format, documents.PORTFOLIO_FORMATS)
    if by is not None:
        choose(by, GROUPINGS, "grouping")
    lang = report_lang(lang)
    path = check_output(output, force=force)
    day = today(now)
    rows = portfolio(state(ctx).db, today=day, lang=lang, by=by)
    write(documents.portfolio(rows, format, lang=lang, by=by, as_of=day.isoformat()), path)
    _done(path, "the portfolio")


@report_app.command("timeline")
def report_timeline(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                    output: str = typer.Option(..., "--output", metavar="FILE.svg|png",
                                               help="The chart file: .svg or .png."),
                    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
                    lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
                    now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Draw the project's phases, decisions and milestones on a time axis.

    Example: plp report timeline vdc --output vdc-timeline.svg
    """
    from plp.dates import today
    from plp.reports.charts import chart_format, timeline
    from plp.texts import report_lang
    from plp.reports.render import check_output, write
    from plp.services.reporting import timeline as timeline_data

    path = check_output(output, (".svg", ".png"), force=force)
    fmt = chart_format(path)
    lang = report_lang(lang)
    data = timeline_data(state(ctx).db, code=code, today=today(now), lang=lang)
    write(timeline(data, lang=lang, fmt=fmt), path)
    _done(path, f"the timeline of {code}")


@export_app.command("ics")
def export_ics(ctx: typer.Context, code: Optional[str] = typer.Argument(None, help="Project code (default: all)."),
               output: Optional[str] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
               force: bool = typer.Option(False, "--force", help=FORCE_HELP),
               lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
               now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Write milestones, planned decision meetings and decisions as an iCalendar file.

    Imports into Outlook and Google Calendar. UIDs are stable: importing a newer
    export updates the events instead of adding copies.

    Example: plp export ics smartskog --output smartskog.ics
    """
    from plp import dates
    from plp.reports.ics import build
    from plp.texts import report_lang
    from plp.reports.render import check_output, write
    from plp.services.reporting import calendar

    lang = report_lang(lang)
    path = check_output(output, force=force)
    items = calendar(state(ctx).db, code=code, lang=lang)
    write(build(items, lang=lang, now=dates.now(now)), path)
    _done(path, f"{sum(len(i.milestones) + len(i.decisions) + bool(i.planned) for i in items)} events")


@export_app.command("json")
def export_json(ctx: typer.Context,
                output: Optional[str] = typer.Option(None, "--output", help="File to write (default: stdout)."),
                force: bool = typer.Option(False, "--force", help=FORCE_HELP)) -> None:
    """Export the whole database as JSON, for 'plp import json' (e.g. from SQLite to PostgreSQL).

    Example: plp export json --output region.json
    """
    import io

    from plp.reports.render import check_output, write
    from plp.services.transfer import export_json as dump_json

    path = check_output(output, (".json",), force=force)
    buffer = io.StringIO()
    counts = dump_json(state(ctx).db, buffer)
    write(buffer.getvalue(), path)
    if path:
        say(f"Exported {counts.total} rows to {output}.")
