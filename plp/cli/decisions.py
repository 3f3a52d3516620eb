"""``plp anchor``, ``plp gate`` and ``plp decide``."""

from __future__ import annotations

from typing import List, Optional

import typer

from plp.cli.options import if_version_option
from plp.cli.output import emit_json, out, say, table
from plp.cli.state import JSON_HELP, LANG_HELP, NOW_HELP, state

anchor_app = typer.Typer(help="Formal anchoring by the owners: council, committee or administration.",
                         no_args_is_help=True)
gate_app = typer.Typer(help="Decision points: readiness and planned meetings.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(anchor_app, name="anchor")
    app.add_typer(gate_app, name="gate")
    app.command("decide")(decide)


@anchor_app.command("record")
def anchor_record(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Project code."),
    org: str = typer.Option(..., "--org", help="The owner organisation."),
    body: str = typer.Option(..., "--body", help="kommunestyre, bystyre, formannskap, fylkesting, fylkesutval, "
                                                 "kommunedirektor, fylkeskommunedirektor or styre."),
    ref: str = typer.Option(..., "--ref", metavar="CASE_REF", help='Case number, e.g. "PS 45/16".'),
    date: str = typer.Option(..., "--date", help="Date of the decision, YYYY-MM-DD."),
    outcome: str = typer.Option("approved", "--outcome", help="approved, refused or lapsed."),
    kind: Optional[str] = typer.Option(None, "--kind", help="political or administrative (follows from the body)."),
    valid_until: Optional[str] = typer.Option(None, "--valid-until",
                                              help="Last day the approval holds (a budget year, a deadline); "
                                                   "after it the check records a lapse."),
    now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
    if_version: Optional[int] = if_version_option('project'),
) -> None:
    """Record an owner's formal decision on the project.

    Example: plp anchor record vdc --org Iveland --body kommunestyre --ref "PS 12/16" --date 2016-03-10 --valid-until 2016-12-31
    """
    from plp.dates import parse_date, today
    from plp.services.anchoring import record

    st = state(ctx)
    a = record(st.db, code=code, if_version=if_version, org=org, body=body, ref=ref, date=parse_date(date, "--date"),
               today=today(now, writes=True), outcome=outcome, kind=kind, actor=st.actor,
               valid_until=parse_date(valid_until, "--valid-until") if valid_until else None)
    say(f"Recorded {a.kind} anchoring for {org} in {code}: {a.body} {a.ref} {a.date.isoformat()} ({a.outcome}).")


@anchor_app.command("list")
def anchor_list(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the anchoring decisions recorded for a project.

    Example: plp anchor list vdc
    """
    from plp.dates import today
    from plp.services.projects import show_project

    rows = show_project(state(ctx).db, code=code, today=today()).anchoring
    if json_:
        emit_json(rows)
    else:
        table([(a.org, a.body, a.ref, a.date, a.outcome, a.kind, a.valid_until or "")
               for a in rows], ["owner", "body", "case", "date", "outcome", "kind", "valid until"])


@gate_app.command("status")
def gate_status(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP)) -> None:
    """Show what the next decision point needs, met or not.

    Example: plp gate status vdc
    """
    from plp.cli.state import check_lang
    from plp.services.decisions import gate_status as status

    g = status(state(ctx).db, code=code, lang=check_lang(lang))
    if json_:
        emit_json(g)
        return
    if g.decision_point is None:
        out(f"{g.project} is {g.status}: there is no next decision point.")
        return
    to = g.to_phase or "completed"
    out(f"{g.project}: {g.label} ({g.from_phase} → {to})")
    if g.status == "on_hold":
        out("The project is on hold: it accepts only resume or stop.")
        if g.hold:
            h = g.hold
            out(f"On hold since {h.held_on}" + (f", review on {h.review_on}" if h.review_on else "")
                + (f"; dormant since {h.dormant_since}" if h.dormant_since else "") + ".")
    for c in g.conditions:
        out(f"  condition #{c.id} ({c.status}, due {c.due}): {c.text}")
    if g.planned_on:
        out(f"Decision meeting planned {g.planned_on}.")
    for c in g.criteria:
        out(f"  [{'x' if c.met else ' '}] {c.key}: {c.detail}")
    out("Ready: yes" if g.ready else f"Ready: no ({sum(not c.met for c in g.criteria)} criteria unmet)")


@gate_app.command("plan")
def gate_plan(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
              date: str = typer.Option(..., "--date", help="Date of the decision meeting, YYYY-MM-DD."),
              now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
              if_version: Optional[int] = if_version_option('project')) -> None:
    """Record when the next decision meeting is planned.

    Example: plp gate plan vdc --date 2026-12-10
    """
    from plp.dates import parse_date, today
    from plp.services.decisions import plan_gate

    st = state(ctx)
    d = parse_date(date, "--date")
    dp = plan_gate(st.db, code=code, if_version=if_version, date=d, today=today(now, writes=True), actor=st.actor)
    say(f"{dp} of {code} is planned for {d.isoformat()}.")


def decide(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Project code."),
    outcome: str = typer.Argument(..., help="go, rework, hold, resume or stop."),
    by: str = typer.Option(..., "--by", help="Who decides: the sponsor or a steering group member."),
    note: Optional[str] = typer.Option(None, "--note", help="The decision's wording or remarks."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of the decision (default: today)."),
    attendee: List[str] = typer.Option([], "--attendee", help="Who attended; repeat for each."),
    if_version: Optional[int] = typer.Option(None, "--if-version",
                                             help="Refuse if the project changed since this version "
                                                  "(see 'project show --json')."),
    condition: List[str] = typer.Option([], "--condition", help="go on condition that ...; repeat for each "
                                                                "(each with its --condition-due)."),
    condition_due: List[str] = typer.Option([], "--condition-due", help="By when the condition must be met, "
                                                                        "YYYY-MM-DD; one per --condition."),
    review_on: Optional[str] = typer.Option(None, "--review-on", help="hold: when to review it (default: the "
                                                                      "workflow's hold_review_after)."),
    now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
) -> None:
    """Record a decision at the project's next decision point.

    go moves to the next phase (or completes the project after the last one);
    rework stays in the phase for a new round; hold pauses the project, which then
    accepts only resume or stop; stop ends it.

    go may carry conditions that must be met by a date (--condition TEXT
    --condition-due DATE); hold may name its review date (--review-on DATE).

    Example: plp decide vdc go --by "Kari Nordmann" --note "Main project approved" --attendee "Ola Nordmann"

    Example: plp decide vdc go --by "Kari Nordmann" --condition "Iveland confirms its financing" --condition-due 2026-03-01
    """
    from plp.dates import parse_date, today
    from plp.errors import InvalidInput
    from plp.services.decisions import decide as record_decision

    st = state(ctx)
    day = today(now, writes=True)
    if len(condition) != len(condition_due):
        raise InvalidInput(f"give one --condition-due per --condition ({len(condition)} conditions, "
                           f"{len(condition_due)} due dates)")
    conds = [(text, parse_date(due, "--condition-due")) for text, due in zip(condition, condition_due)]
    r = record_decision(st.db, code=code, outcome=outcome, by=by, date=parse_date(date, "--date") if date else day,
                        today=day, note=note, attendees=attendee, if_version=if_version, conditions=conds,
                        review_on=parse_date(review_on, "--review-on") if review_on else None, actor=st.actor)
    if r.status == "completed":
        say(f"{r.decision_point}: {outcome}. {code} is completed.")
    elif r.status == "stopped":
        say(f"{r.decision_point}: {outcome}. {code} is stopped.")
    elif r.status == "on_hold":
        say(f"{r.decision_point}: {outcome}. {code} is on hold in {r.phase}.")
    elif outcome == "rework":
        say(f"{r.decision_point}: rework. {code} stays in {r.phase}, round {r.round}.")
    else:
        say(f"{r.decision_point}: {outcome}. {code} is now in {r.phase}."
            + (f" Open conditions: {len(conds)} (see 'plp condition list {code}')." if conds else ""))
