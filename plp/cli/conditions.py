"""``plp condition`` (conditions of a conditional go) and ``plp benefit`` (reviews after completion)."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.options import if_version_option
from plp.cli.output import emit_json, say, table
from plp.cli.state import JSON_HELP, NOW_HELP, state

condition_app = typer.Typer(help="Conditions of a conditional approval: list them, mark them met.",
                            no_args_is_help=True)
benefit_app = typer.Typer(help="Benefit reviews of effect goals after completion.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(condition_app, name="condition")
    app.add_typer(benefit_app, name="benefit")


@condition_app.command("list")
def condition_list(ctx: typer.Context, code: Optional[str] = typer.Argument(None, help="Project code (default: all)."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                   json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List conditions: open, met or missed, with their due dates.

    Example: plp condition list vdc
    """
    from plp.dates import today
    from plp.services.conditions import list_conditions

    rows = list_conditions(state(ctx).db, code=code, today=today(now))
    if json_:
        emit_json(rows)
        return
    table([(r.id, r.project, r.decision_point, r.due.isoformat(), r.status + (" (overdue)" if r.overdue else ""),
            r.text) for r in rows], ["id", "project", "decision point", "due", "status", "condition"])


@condition_app.command("met")
def condition_met(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                  condition_id: int = typer.Argument(..., metavar="ID", help="The condition's id (condition list)."),
                  note: Optional[str] = typer.Option(None, "--note", help="How it was met."),
                  on: Optional[str] = typer.Option(None, "--on", help="When it was met (default: today)."),
                  now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                  if_version: Optional[int] = if_version_option('project')) -> None:
    """Mark a condition of a conditional approval met.

    Example: plp condition met vdc 1 --note "Iveland kommunestyre PS 9/26"
    """
    from plp.dates import parse_date, today
    from plp.services.conditions import condition_met as met

    st = state(ctx)
    c = met(st.db, code=code, if_version=if_version,
            condition_id=condition_id, today=today(now, writes=True), on=parse_date(on, "--on") if on else None,
            note=note, actor=st.actor)
    say(f"Condition {c.id} of {code} is met ({c.met_on.isoformat() if c.met_on else ''}).")


@benefit_app.command("record")
def benefit_record(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                   goal: int = typer.Argument(..., metavar="GOAL", help="The effect goal's id (project show)."),
                   review: int = typer.Option(..., "--review", help="Which review: 1 for the first."),
                   achieved: str = typer.Option(..., "--achieved", help="yes, partly or no."),
                   value: str = typer.Option(..., "--value", help="What was measured, e.g. '41 new jobs'."),
                   now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                   if_version: Optional[int] = if_version_option('project')) -> None:
    """Record the answer of a benefit review for one effect goal.

    When the last review is recorded for every effect goal, the follow-up is closed.

    Example: plp benefit record vdc 3 --review 1 --achieved partly --value "25 of 40 jobs"
    """
    from plp.dates import today
    from plp.services.conditions import benefit_record as record

    st = state(ctx)
    r = record(st.db, code=code, if_version=if_version,
               goal_id=goal, review=review, achieved=achieved, value=value, today=today(now, writes=True),
               actor=st.actor)
    say(f"Benefit review {review} of goal {goal} in {code}: {achieved}."
        + (" The follow-up is closed." if r.closed else ""))


@benefit_app.command("list")
def benefit_list(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                 json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List a completed project's benefit reviews and their answers.

    Example: plp benefit list vdc
    """
    from plp.dates import today
    from plp.services.projects import show_project

    reviews = show_project(state(ctx).db, code=code, today=today()).benefit_reviews
    if json_:
        emit_json(reviews)
        return
    table([(r.review, r.after, r.due.isoformat(), g.goal_id, g.goal, g.achieved or "", g.value or "")
           for r in reviews for g in r.goals], ["review", "after", "due", "goal", "effect goal", "achieved", "value"])
