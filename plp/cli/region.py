"""``plp plan``, ``plp measure``, ``plp network`` and ``plp trust``: the region's view."""

from __future__ import annotations

from typing import List, Optional

import typer

from plp.cli.options import if_version_option
from plp.cli.output import emit_json, say, table
from plp.cli.state import FORCE_HELP, JSON_HELP, NOW_HELP, state

plan_app = typer.Typer(help="The region's strategic plan.", no_args_is_help=True)
measure_app = typer.Typer(help="Joint measures (fellestiltak): one responsible municipality, others supporting.",
                          no_args_is_help=True)
network_app = typer.Typer(help="The business network (næringsnettverk): meetings and agenda.", no_args_is_help=True)
meeting_app = typer.Typer(help="Meetings of the business network.", no_args_is_help=True)
trust_app = typer.Typer(help="The trust check: five factors of trust, scored 1-5 in rounds.", no_args_is_help=True)

REPORT_LANG_HELP = "Language: nn, nb or en (default: PLP_LANG, else nn)."


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
    app.add_typer(measure_app, name="measure")
    network_app.add_typer(meeting_app, name="meeting")
    app.add_typer(network_app, name="network")
    app.add_typer(trust_app, name="trust")


# ------------------------------------------------------------------------ plan


@plan_app.command("add")
def plan_add(ctx: typer.Context, code: str = typer.Argument(..., help="Short unique code, e.g. snp."),
             title: str = typer.Argument(..., help="The plan's title."),
             period: Optional[str] = typer.Option(None, "--period", help="Years it covers, e.g. 2015-2019."),
             now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Add the region's strategic plan.

    Example: plp plan add snp "Strategisk næringsplan for Kristiansandregionen" --period 2015-2019
    """
    from plp import dates
    from plp.services.plans import add_plan

    st = state(ctx)
    plan = add_plan(st.db, code=code, title=title, period=period, now=dates.now(now, writes=True), actor=st.actor)
    say(f"Added plan {plan.code}.")


@plan_app.command("list")
def plan_list(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the plans and how many joint measures each has.

    Example: plp plan list
    """
    from plp.services.plans import list_plans

    rows = list_plans(state(ctx).db)
    if json_:
        emit_json(rows)
    else:
        table([(r.code, r.title, r.period or "", r.measures) for r in rows],
              ["code", "title", "period", "measures"])


# --------------------------------------------------------------------- measure


@measure_app.command("add")
def measure_add(ctx: typer.Context, plan: str = typer.Argument(..., help="Plan code."),
                title: str = typer.Argument(..., help="What the measure is."),
                responsible: str = typer.Option(..., "--responsible", metavar="ORG",
                                                help="The municipality that follows the measure up."),
                supporting: List[str] = typer.Option([], "--supporting", metavar="ORG",
                                                     help="A supporting organisation; repeat for each."),
                now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Add a joint measure to a plan; prints its id, which names it in later commands.

    Example: plp measure add snp "Grøn datalagring i regionen" --responsible Vennesla --supporting Kristiansand
    """
    from plp import dates
    from plp.services.plans import add_measure

    st = state(ctx)
    m = add_measure(st.db, plan=plan, title=title, responsible=responsible, supporting=supporting,
                    now=dates.now(now, writes=True), actor=st.actor)
    say(f"Added measure {m.id} to {plan}.")


@measure_app.command("link")
def measure_link(ctx: typer.Context, measure: str = typer.Argument(..., help="Measure id (see 'plp measure list')."),
                 project: str = typer.Argument(..., help="Project code."),
                 now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                 if_version: Optional[int] = if_version_option('measure')) -> None:
    """Link a project to the joint measure it carries out.

    Example: plp measure link 1 vdc
    """
    from plp import dates
    from plp.services.plans import link_measure

    st = state(ctx)
    linked = link_measure(st.db, measure=measure, if_version=if_version,
                          project=project, now=dates.now(now, writes=True), actor=st.actor)
    say(f"Linked project {linked.project} to measure {linked.measure.id} ({linked.measure.title}).")


@measure_app.command("status")
def measure_status(ctx: typer.Context, measure: str = typer.Argument(..., help="Measure id."),
                   status: str = typer.Argument(..., help="not_started, in_progress, done or dropped."),
                   note: Optional[str] = typer.Option(None, "--note", help="What changed, or why."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                   if_version: Optional[int] = if_version_option('measure')) -> None:
    """Set a joint measure's status; the same status with a --note records news.

    Example: plp measure status 1 in_progress --note "Areal avklart med grunneigarar"
    """
    from plp import dates
    from plp.services.plans import set_measure_status

    st = state(ctx)
    m = set_measure_status(st.db, measure=measure, if_version=if_version,
                           status=status, note=note, now=dates.now(now, writes=True),
                           actor=st.actor)
    say(f"Measure {m.id} ({m.title}) is {m.status}.")


@measure_app.command("list")
def measure_list(ctx: typer.Context,
                 org: Optional[str] = typer.Option(None, "--org", help="Only what this organisation is "
                                                                       "responsible for or supports."),
                 plan: Optional[str] = typer.Option(None, "--plan", help="Only this plan's measures."),
                 json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List what each municipality is responsible for and what it supports.

    Example: plp measure list --org Iveland
    """
    from plp.services.plans import by_org, list_measures

    rows = list_measures(state(ctx).db, org=org, plan=plan)
    if json_:
        emit_json(rows)  # "version" is what --if-version of measure status and measure link takes
        return
    pairs = [(r.org, r.role, r) for r in rows] if org else [(x.org, x.role, x.measure) for x in by_org(rows)]
    table([(name, role, r.id, r.title, r.status, r.responsible, ", ".join(r.supporting),
            ", ".join(r.projects)) for name, role, r in pairs],
          ["organisation", "role", "id", "measure", "status", "responsible", "supporting", "projects"])


# --------------------------------------------------------------------- network


@meeting_app.command("record")
def meeting_record(ctx: typer.Context, date: str = typer.Option(..., "--date", help="Date of the meeting, YYYY-MM-DD."),
                   attendee: List[str] = typer.Option([], "--attendee", metavar="PERSON",
                                                      help="Who attended; repeat for each."),
                   note: Optional[str] = typer.Option(None, "--note", help="Minutes or remarks."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Record a meeting of the business network that has taken place.

    Example: plp network meeting record --date 2017-08-24 --attendee "Ingrid Aasen" --attendee "Anne Gro Homme"
    """
    from plp import dates
    from plp.services.network import record_meeting

    st = state(ctx)
    moment = dates.now(now, writes=True)
    m = record_meeting(st.db, date=dates.parse_date(date, "--date"), today=dates.today(now), attendees=attendee,
                       note=note, now=moment, actor=st.actor)
    say(f"Recorded the network meeting of {m.date.isoformat()}.")


@meeting_app.command("list")
def meeting_list(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the network's meetings, oldest first.

    Example: plp network meeting list
    """
    from plp.services.network import list_meetings

    rows = list_meetings(state(ctx).db)
    if json_:
        emit_json(rows)
    else:
        table([(r.id, r.date.isoformat(), ", ".join(r.attendees), r.note or "") for r in rows],
              ["id", "date", "attendees", "note"])


@network_app.command("agenda")
def network_agenda(ctx: typer.Context,
                   format: str = typer.Option("md", "--format", help="md, html or json."),
                   lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
                   output: Optional[str] = typer.Option(None, "--output", metavar="FILE",
                                                        help="Write to this file instead of stdout."),
                   force: bool = typer.Option(False, "--force", help=FORCE_HELP),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Draft the next network meeting's agenda, per municipality.

    Decisions since the last meeting, decision points planned in the next 6 weeks
    with what is still missing, overdue milestones by responsible person, and joint
    measures with no change for 90 days.

    Example: plp network agenda --format html --output agenda.html
    """
    from plp import dates
    from plp.reports import documents
    from plp.texts import report_lang
    from plp.reports.render import check_format, check_output, write
    from plp.services.network import agenda

    check_format(format, documents.AGENDA_FORMATS)
    lang = report_lang(lang)
    path = check_output(output, force=force)
    data = agenda(state(ctx).db, now=dates.now(now), lang=lang)
    write(documents.agenda(data, format), path)
    if path is not None:
        say(f"Wrote the agenda to {path}.")


# ----------------------------------------------------------------------- trust


@trust_app.command("record")
def trust_record(ctx: typer.Context, round: str = typer.Option(..., "--round", help="The round, e.g. 2016."),
                 respondent: str = typer.Option(..., "--respondent", metavar="PERSON", help="Name, email or id."),
                 scores: str = typer.Option(..., "--scores", metavar="G,A,T,P,F",
                                            help="Five scores 1-5: shared goals, anchoring, attitudes, "
                                                 "good processes, framework."),
                 comment: Optional[str] = typer.Option(None, "--comment", help="A free comment (shown unnamed)."),
                 date: Optional[str] = typer.Option(None, "--date", help="Date answered (default: today)."),
                 replace: bool = typer.Option(False, "--replace", help="Correct this respondent's earlier answer."),
                 now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Record one respondent's trust scores in a round.

    Example: plp trust record --round 2016 --respondent "Anne Gro Homme" --scores 4,3,5,4,3
    """
    from plp import dates
    from plp.services.trust import record

    st = state(ctx)
    day = dates.today(now, writes=True)
    a = record(st.db, round=round, respondent=respondent, scores=scores, comment=comment,
               on=dates.parse_date(date, "--date") if date else day, today=day, replace=replace,
               now=dates.now(now, writes=True), actor=st.actor)
    say(f"Recorded the answer of {respondent} in round {a.round}.")


@trust_app.command("report")
def trust_report(ctx: typer.Context,
                 round: Optional[str] = typer.Option(None, "--round", help="The round to report (default: latest)."),
                 chart: Optional[str] = typer.Option(None, "--chart", metavar="FILE.svg|png",
                                                     help="Also draw the trend of every factor."),
                 force: bool = typer.Option(False, "--force", help=FORCE_HELP),
                 lang: Optional[str] = typer.Option(None, "--lang", help=REPORT_LANG_HELP),
                 json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Per factor: mean, spread, answers, change since the previous round, and a flag.

    A factor is flagged when its mean fell by 0.5 or more since the previous round,
    or is below 3.

    Example: plp trust report --chart trust.svg
    """
    from plp.reports.charts import chart_format, trust_trend
    from plp.reports.documents import trust_rows
    from plp.texts import Labels, report_lang
    from plp.reports.render import check_output, write
    from plp.services.trust import report

    lang = report_lang(lang)
    path = check_output(chart, (".svg", ".png"), force=force)
    fmt = chart_format(path) if path else None
    data = report(state(ctx).db, round=round)
    if path is not None:
        write(trust_trend(data, lang=lang, fmt=fmt), path)
    if json_:
        emit_json(data)
    else:
        t = Labels(lang)
        prev = f" ← {data.previous_round}" if data.previous_round else ""
        table([(r["label"], f"{r['mean']:.2f}", f"{r['spread']:.2f}", r["answers"],
                "" if r["change"] is None else f"{r['change']:+.2f}", ("⚠ " + r["flag_text"]) if r["flag"] else "")
               for r in trust_rows(data, lang)],
              [t("factor"), t("mean"), t("spread"), t("answers"), t("change"), t("flag")],
              title=f"{t('trust')}: {data.round}{prev}")
    if path is not None:
        say(f"Wrote the trust chart to {path}.")
