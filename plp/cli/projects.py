"""``plp project``, ``plp role`` and ``plp goal``."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

import typer

from plp.cli.options import if_version_option
from plp.cli.output import emit_json, out, say, table, yes_no
from plp.cli.state import JSON_HELP, LANG_HELP, NOW_HELP, state

if TYPE_CHECKING:
    from plp.services.results import ProjectView

project_app = typer.Typer(help="Projects: create, list, show, history.", no_args_is_help=True)
role_app = typer.Typer(help="Roles in a project: sponsor, leader, steering, reference, worker.",
                       no_args_is_help=True)
goal_app = typer.Typer(help="Goals: societal, effect and result goals.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(project_app, name="project")
    app.add_typer(role_app, name="role")
    app.add_typer(goal_app, name="goal")


@project_app.command("create")
def project_create(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Short unique code, e.g. smartskog."),
    name: str = typer.Argument(..., help="The project's name."),
    workflow: str = typer.Option(..., "--workflow", help="Workflow name: plp, prosjektveiviseren, pm2, ..."),
    owner: List[str] = typer.Option(..., "--owner", metavar="ORG[:A|B|C]",
                                    help="An owner organisation and its grade; repeat for each owner. "
                                         "The first is the lead (default A), others default to B."),
    phase: Optional[str] = typer.Option(None, "--phase", help="Start in this phase (default: the first)."),
) -> None:
    """Create a project on the current version of a workflow.

    Example: plp project create smartskog "SMARTSKOG" --workflow plp --owner Birkenes:A --owner Kristiansand:B --phase pre_project
    """
    from plp.services.projects import create_project

    st = state(ctx)
    p = create_project(st.db, code=code, name=name, workflow=workflow, owners=owner, phase=phase, actor=st.actor)
    say(f"Created project {p.code} in phase {p.phase}.")


@project_app.command("list")
def project_list(ctx: typer.Context,
                 phase: Optional[str] = typer.Option(None, "--phase", help="Only projects in this phase."),
                 status: Optional[str] = typer.Option(None, "--status", help="active, on_hold, stopped or completed."),
                 json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List projects.

    Example: plp project list --status active
    """
    from plp.services.projects import list_projects

    rows = list_projects(state(ctx).db, phase=phase, status=status)
    if json_:
        emit_json(rows)
    else:
        table([(r.code, r.name, f"{r.workflow} v{r.workflow_version}", r.phase, r.status)
               for r in rows], ["code", "name", "workflow", "phase", "status"])


@project_app.command("show")
def project_show(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                 json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                 now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
                 lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP)) -> None:
    """Show everything about a project.

    Example: plp project show smartskog
    """
    from plp.cli.state import check_lang
    from plp.dates import today
    from plp.services.projects import show_project

    lang = check_lang(lang)
    st = state(ctx)
    d = show_project(st.db, code=code, today=today(now))
    if json_:
        emit_json(d)
        return
    labels = _labels(st, code)
    out(f"{d.code}: {d.name}")
    out(f"  workflow   {d.workflow} version {d.workflow_version}")
    out(f"  phase      {labels.phase(d.phase, lang)} [{d.phase}]   status: {labels.status(d.status, lang)}")
    if d.next_decision_point:
        planned = f", meeting planned {d.gate_planned_on}" if d.gate_planned_on else ""
        rnd = f", round {d.round}" if d.round > 1 else ""
        out(f"  next       {d.next_decision_point} (ready: {yes_no(d.ready)}{rnd}{planned})")
    _show_time_rules(d)
    out("  owners     " + ", ".join(f"{o.org} ({o.grade}{', lead' if o.lead else ''})" for o in d.owners))
    if d.roles:
        out("  roles      " + ", ".join(f"{r.person} ({labels.role(r.role, lang)})" for r in d.roles))
    for g in d.goals:
        extra = "".join(f"; {k}: {v}" for k, v in (("indicator", g.indicator), ("target", g.target)) if v)
        out(f"  goal       [{labels.goal(g.level, lang)}] {g.text}{extra}")
    if d.milestones:
        out("")
        table([(m.id, m.title, m.due, m.done_on or ("OVERDUE" if m.overdue else ""),
                m.responsible, m.phase) for m in d.milestones],
              ["id", "milestone", "due", "done", "responsible", "phase"], title="Milestones")
    if d.anchoring:
        out("")
        table([(a.org, a.body, a.ref, a.date, a.outcome, a.kind, a.valid_until or "")
               for a in d.anchoring], ["owner", "body", "case", "date", "outcome", "kind", "valid until"],
              title="Anchoring")
    if d.conditions:
        out("")
        table([(c.id, c.decision_point, c.due.isoformat(), c.status + (" (overdue)" if c.overdue else ""),
                c.text) for c in d.conditions], ["id", "decision point", "due", "status", "condition"],
              title="Conditions")
    if d.benefit_reviews:
        out("")
        table([(r.review, r.after, r.due.isoformat(), g.goal_id, g.goal, g.achieved or "", g.value or "")
               for r in d.benefit_reviews for g in r.goals],
              ["review", "after", "due", "goal", "effect goal", "achieved", "value"], title="Benefit reviews")
    if d.decisions:
        out("")
        table([(x.decision_point, labels.outcome(x.outcome, lang), x.by, x.date, x.note)
               for x in d.decisions], ["decision point", "outcome", "by", "date", "note"], title="Decisions")


def _show_time_rules(d: "ProjectView") -> None:
    """The hold and the benefit follow-up, in one line each."""
    if d.hold:
        h = d.hold
        out(f"  on hold    since {h.held_on}" + (f", review on {h.review_on}" if h.review_on else "")
            + (f", DORMANT since {h.dormant_since}" if h.dormant_since else ""))
    if d.follow_up:
        out(f"  benefits   follow-up {d.follow_up} ({d.benefit_status})")


class _Labels:
    def __init__(self, wf):
        self.wf = wf

    def phase(self, key: str, lang: str) -> str:
        return self.wf.phase_label(key, lang)

    def status(self, key: str, lang: str) -> str:
        return self.wf.statuses[key].get(lang)

    def role(self, key: str, lang: str) -> str:
        return self.wf.roles[key].labels.get(lang) if key in self.wf.roles else key

    def goal(self, key: str, lang: str) -> str:
        return self.wf.goal_levels[key].get(lang)

    def outcome(self, key: str, lang: str) -> str:
        return self.wf.outcomes[key].get(lang)


def _labels(st, code: str) -> _Labels:
    from plp.services.common import get_project, workflow_of

    with st.db.unit() as uow:
        return _Labels(workflow_of(uow, get_project(uow, code)))


@project_app.command("history")
def project_history(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                    json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show every change to a project, oldest first, with who and when.

    Example: plp project history smartskog
    """
    from plp.services.projects import history
    from plp.texts.events import describe_event

    events = history(state(ctx).db, code=code)
    if json_:
        emit_json(events)
        return
    for e in events:
        out(f"{e.when[:16].replace('T', ' ')}  {e.actor}: {describe_event(e.kind, e.data)}")


@project_app.command("publish")
def project_publish(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                    undo: bool = typer.Option(False, "--undo", help="Withdraw it from the public page."),
                    if_version: Optional[int] = if_version_option('project')) -> None:
    """Show the project's results on the public web page (/public), or with --undo withdraw them.

    The public page shows the phase, the milestones reached, the owners, the goals and
    the people in the project's roles; nothing else.

    Example: plp project publish vdc
    """
    from plp.services.publish import publish

    st = state(ctx)
    changed = publish(st.db, code=code, if_version=if_version, undo=undo, actor=st.actor)
    if undo:
        say(f"{code} is withdrawn from the public page." if changed else f"{code} was not published.")
    else:
        say(f"{code} is published on the public page." if changed else f"{code} was already published.")


@role_app.command("assign")
def role_assign(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                person: str = typer.Argument(..., help="Name, email or id."),
                role: str = typer.Argument(..., help="sponsor, leader, steering, reference or worker."),
                if_version: Optional[int] = if_version_option('project')) -> None:
    """Give a person a role in a project (a new sponsor or leader replaces the old).

    Example: plp role assign smartskog "Kari Nordmann" sponsor
    """
    from plp.services.team import assign_role

    st = state(ctx)
    replaced = assign_role(st.db, code=code, if_version=if_version, person=person, role=role, actor=st.actor)
    say(f"{person} is now {role} of {code}." + (f" (replaces {', '.join(replaced)})" if replaced else ""))


@role_app.command("remove")
def role_remove(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                person: str = typer.Argument(..., help="Name, email or id."),
                role: str = typer.Argument(..., help="The role to take away."),
                if_version: Optional[int] = if_version_option('project')) -> None:
    """Take a role away from a person.

    Example: plp role remove smartskog "Ola Nordmann" steering
    """
    from plp.services.team import remove_role

    st = state(ctx)
    remove_role(st.db, code=code, if_version=if_version, person=person, role=role, actor=st.actor)
    say(f"{person} is no longer {role} of {code}.")


@goal_app.command("add")
def goal_add(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
             level: str = typer.Argument(..., help="societal, effect or result."),
             text: str = typer.Argument(..., help="The goal."),
             indicator: Optional[str] = typer.Option(None, "--indicator", help="How it is measured."),
             target: Optional[str] = typer.Option(None, "--target", help="The value to reach."),
             if_version: Optional[int] = if_version_option('project')) -> None:
    """Add a goal to a project.

    Example: plp goal add smartskog effect "More value from Agder timber" --indicator "turnover" --target "+20 %"
    """
    from plp.services.team import add_goal

    st = state(ctx)
    g = add_goal(st.db, code=code, if_version=if_version,
                 level=level, text=text, indicator=indicator, target=target, actor=st.actor)
    say(f"Added {level} goal {g.id} to {code}.")
