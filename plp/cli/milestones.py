"""``plp milestone`` and ``plp checklist``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.options import if_version_option
from plp.cli.output import emit_json, say, table, yes_no
from plp.cli.state import JSON_HELP, LANG_HELP, NOW_HELP, state

milestone_app = typer.Typer(help="Milestones: checkable states with a due date and a responsible person.",
                            no_args_is_help=True)
checklist_app = typer.Typer(help="Phase checklists.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(milestone_app, name="milestone")
    app.add_typer(checklist_app, name="checklist")


@milestone_app.command("add")
def milestone_add(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                  title: str = typer.Argument(..., help='A checkable state, e.g. "Area plan adopted".'),
                  due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD."),
                  responsible: str = typer.Option(..., "--responsible", help="Name, email or id."),
                  phase: Optional[str] = typer.Option(None, "--phase", help="Phase it belongs to (default: current)."),
                  if_version: Optional[int] = if_version_option('project')) -> None:
    """Add a milestone.

    Example: plp milestone add vdc "Area plan adopted" --due 2016-06-30 --responsible "Kari Nordmann"
    """
    from plp.dates import parse_date
    from plp.services.milestones import add_milestone

    st = state(ctx)
    m = add_milestone(st.db, code=code, if_version=if_version,
                      title=title, due=parse_date(due, "--due"), responsible=responsible,
                      phase=phase, actor=st.actor)
    say(f"Added milestone {m.id} to {code}, due {m.due.isoformat()}.")


@milestone_app.command("done")
def milestone_done(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                   id: int = typer.Argument(..., help="Milestone id (see 'plp milestone list CODE')."),
                   on: Optional[str] = typer.Option(None, "--on", help="Date it was reached (default: today)."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                   if_version: Optional[int] = if_version_option('project')) -> None:
    """Mark a milestone as reached.

    Example: plp milestone done vdc 3 --on 2016-06-20
    """
    from plp.dates import parse_date, today
    from plp.services.milestones import complete_milestone

    st = state(ctx)
    day = today(now, writes=True)
    m = complete_milestone(st.db, code=code, if_version=if_version,
                           milestone_id=id, on=parse_date(on, "--on") if on else day,
                           today=day, actor=st.actor)
    say(f"Milestone {m.id} ({m.title}) done on {m.done_on.isoformat()}.")


@milestone_app.command("list")
def milestone_list(ctx: typer.Context, code: Optional[str] = typer.Argument(None, help="Project code (default: all)."),
                   overdue: bool = typer.Option(False, "--overdue", help="Only open milestones past their due date."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                   json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List milestones, soonest first.

    Example: plp milestone list --overdue
    """
    from plp.dates import today
    from plp.services.milestones import list_milestones

    rows = list_milestones(state(ctx).db, code=code, overdue=overdue, today=today(now))
    if json_:
        emit_json(rows)
    else:
        table([(r.project, r.id, r.title, r.due, r.done_on or ("OVERDUE" if r.overdue else ""),
                r.responsible, r.phase) for r in rows],
              ["project", "id", "milestone", "due", "done", "responsible", "phase"])


@checklist_app.command("show")
def checklist_show(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                   json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                   lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP)) -> None:
    """Show the checklist of every phase, and what is done.

    Example: plp checklist show smartskog
    """
    from plp.cli.state import check_lang
    from plp.services.checklist import show_checklist

    items = show_checklist(state(ctx).db, code=code, lang=check_lang(lang))
    if json_:
        emit_json(items)
    else:
        table([(("▶ " if i.current_phase else "  ") + i.phase, i.key, i.label, yes_no(i.mandatory),
                "✓" if i.done else "") for i in items], ["phase", "key", "item", "mandatory", "done"])


@checklist_app.command("tick")
def checklist_tick(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                   item: str = typer.Argument(..., help="Item key (see 'plp checklist show CODE')."),
                   if_version: Optional[int] = if_version_option('project')) -> None:
    """Tick a checklist item.

    Example: plp checklist tick smartskog project_plan
    """
    from plp.services.checklist import tick

    st = state(ctx)
    phase = tick(st.db, code=code, if_version=if_version, item=item, actor=st.actor)
    say(f"Ticked {item} ({phase}) in {code}.")


@checklist_app.command("untick")
def checklist_untick(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                     item: str = typer.Argument(..., help="Item key."),
                     if_version: Optional[int] = if_version_option('project')) -> None:
    """Take back a tick.

    Example: plp checklist untick smartskog project_plan
    """
    from plp.services.checklist import untick

    st = state(ctx)
    untick(st.db, code=code, if_version=if_version, item=item, actor=st.actor)
    say(f"Unticked {item} in {code}.")
