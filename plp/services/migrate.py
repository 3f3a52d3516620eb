"""Moving a running project to a newer version of its workflow.

A project runs on the workflow version it was created with, whatever the file
says later (see :mod:`plp.services.workflows`). ``plp workflow migrate CODE --to
VERSION`` moves it on, by choice and one project at a time, and records the move
as a ``workflow_migrated`` event in the same transaction.

What is refused, and why (nothing is changed then):

- a completed or stopped project: a closed record stays on the rules it was
  decided under;
- a version that is not newer than the project's own (plp moves only forward),
  or that neither the database nor a workflow file on the search path holds;
- a target without the project's current phase: there is no sound place to put
  the project;
- a project on hold when the target's decision point after its phase has no
  ``hold`` outcome: it could never be resumed;
- a project whose record names something the target cannot show: a milestone
  belonging to a phase the target lacks, a decision that led to such a phase, or
  a decision outcome the target has no labels for. The status report, the agenda
  and ``project show`` name these with the labels of the project's workflow
  version, so the record would no longer read.

What is kept as it is, and reported (in the result's ``notes`` and the event):

- checklist ticks whose item the target does not have: the rows stay (they are
  history) but count for nothing;
- roles held that the target does not define: the assignments stay and can be
  removed with ``plp role remove``; roles the target makes single-holder while
  several people hold them;
- a next decision point with another key than before.

Everything else stays as it is: phase, status, rework round, the planned
decision meeting. The gate is evaluated under the new rules right away, so the
project can become ready or stop being ready (``ready_since`` follows).
"""

from __future__ import annotations

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp import engine
from plp.db import Database, UnitOfWork
from plp.errors import InvalidInput, InvalidTransition
from plp.models import Decision, Milestone, Project
from plp.services import workflows as wfservice
from plp.services.common import check_version, commit_change, ensure_open, facts_of, get_project, workflow_of
from plp.services.results_ops import MigrationResult
from plp.workflow import Workflow


def _check_newer(p: Project, current: Workflow, to_version: int) -> None:
    """A project moves only forward, to a version it does not run on yet."""
    if to_version == current.version:
        raise InvalidInput(f"project {p.code} already runs on {current.name} version {to_version}")
    if to_version < current.version:
        raise InvalidInput(f"{current.name} version {to_version} is older than version {current.version}, "
                           f"which project {p.code} runs on; a project only moves to a newer version")


def migrate_project(db: Database, *, code: str, to_version: int, actor: Actor,
                    dry_run: bool = False, if_version: int | None = None) -> MigrationResult:
    """Move project ``code`` to version ``to_version`` of its workflow, or refuse clearly.

    The version comes from the database when some project already uses it, else
    from the workflow file on the search path, which is then stored (as when a
    project is created). With ``dry_run`` everything is checked and reported but
    nothing is written. Returns what happened: versions, phase, the next decision
    point before and after, whether it is ready now (and what is unmet), and notes.
    """
    wfservice.check_version(to_version)
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        permissions.check(uow, "workflow.migrate", p)
        current = workflow_of(uow, p)
        _check_newer(p, current, to_version)
        target, row, path = wfservice.find_version(uow, current.name, to_version)
        refusals = _refusals(uow, p, target)
        if refusals:
            raise InvalidTransition(f"cannot move {p.code} to {current.name} version {to_version}: "
                                    + "; ".join(refusals))
        facts = facts_of(uow, p)
        before = engine.gate_status(current, facts)
        after = engine.gate_status(target, facts)
        orphan_ticks = sorted(facts.ticked - {i.key for ph in target.phases for i in ph.checklist})
        undefined_roles = sorted({role for role in facts.roles if role not in target.roles})
        notes = _notes(target, facts, orphan_ticks, undefined_roles, before, after)
        notes += _time_rule_notes(uow, p, current, target)
        result = MigrationResult(
            code=p.code, workflow=current.name, from_version=current.version, to_version=to_version,
            phase=p.phase, status=p.status,
            decision_point_before=before.decision_point.key, decision_point=after.decision_point.key,
            ready_before=before.ready, ready=after.ready,
            unmet=[c.detail for c in after.unmet],
            kept_checklist_items=orphan_ticks, undefined_roles=undefined_roles,
            source=str(path) if path else "database", notes=notes, dry_run=dry_run,
        )
        if dry_run:
            return result
        if row is not None:
            uow.bump(p, workflow_id=row.id)
        else:
            # The guard first: register() writes (the stored copy and its event),
            # and must do so in this change's transaction.
            assert path is not None  # find_version gives a file for a version not stored
            uow.bump(p)
            row = wfservice.register(uow, target, path)
            _set_workflow(uow, p, row.id)
        uow.event("workflow_migrated", {
            "workflow": current.name, "from_version": current.version, "to_version": to_version,
            "sha256": row.sha256, "phase": p.phase, "status": p.status,
            "decision_point": after.decision_point.key, "ready": after.ready,
            "kept_checklist_items": orphan_ticks, "undefined_roles": undefined_roles,
        }, p.id)
        commit_change(uow, p)
        return result


def _set_workflow(uow: UnitOfWork, p: Project, workflow_id: int) -> None:
    from sqlalchemy import update

    uow.session.execute(update(Project).where(Project.id == p.id).values(workflow_id=workflow_id)
                        .execution_options(synchronize_session=False))
    p.workflow_id = workflow_id


def _refusals(uow: UnitOfWork, p: Project, target: Workflow) -> list[str]:
    """Every reason the project cannot run on ``target``; empty when it can."""
    phases = target.phase_keys
    if p.phase not in phases:
        return [f"its phase '{p.phase}' does not exist there (phases: {', '.join(phases)})"]
    out: list[str] = []
    dp = target.decision_point_from(p.phase)
    if p.status == "on_hold" and "resume" not in dp.decidable_outcomes:
        out.append(f"it is on hold, and decision point {dp.key} there has no hold, so it could never be "
                   f"resumed; resume it first")
    s = uow.session
    by_phase: dict[str, list[str]] = {}
    for mid, phase in s.exec(select(Milestone.id, Milestone.phase).where(Milestone.project_id == p.id)
                             .order_by(Milestone.id)).all():
        if phase not in phases:
            by_phase.setdefault(phase, []).append(f"#{mid}")
    for phase, ids in by_phase.items():
        out.append(f"milestone {', '.join(ids)} belongs to phase '{phase}', which that version does not have"
                   if len(ids) == 1 else
                   f"milestones {', '.join(ids)} belong to phase '{phase}', which that version does not have")
    led: dict[str, list[str]] = {}
    outcomes: set[str] = set()
    for dpk, to_phase, outcome in s.exec(select(Decision.decision_point, Decision.to_phase, Decision.outcome)
                                         .where(Decision.project_id == p.id).order_by(Decision.id)).all():
        if to_phase and to_phase not in phases:
            keys = led.setdefault(to_phase, [])
            if dpk not in keys:
                keys.append(dpk)
        if outcome not in target.outcomes:
            outcomes.add(outcome)
    for phase, dps in led.items():
        out.append(f"a decision at {', '.join(dps)} led to phase '{phase}', which that version does not have")
    for outcome in sorted(outcomes):
        out.append(f"a decision '{outcome}' was taken, and that version has no labels for that outcome")
    return out


def _notes(target: Workflow, facts: engine.GateFacts, orphan_ticks: list[str], undefined_roles: list[str],
           before: engine.GateStatus, after: engine.GateStatus) -> list[str]:
    """What the user should know about a move that is allowed."""
    notes: list[str] = []
    if orphan_ticks:
        notes.append(f"ticked checklist item(s) kept but not in version {target.version}: {', '.join(orphan_ticks)}")
    for role in undefined_roles:
        notes.append(f"role {role} (held by {', '.join(facts.roles[role])}) is not defined in version "
                     f"{target.version}; the assignment stays until 'plp role remove'")
    for role, names in facts.roles.items():
        if role in target.roles and target.roles[role].single and len(names) > 1:
            notes.append(f"role {role} has one holder at a time in version {target.version}, "
                         f"but {', '.join(names)} hold it")
    if before.decision_point.key != after.decision_point.key:
        notes.append(f"the next decision point is now {after.decision_point.key} "
                     f"(was {before.decision_point.key})")
    if before.ready and not after.ready:
        notes.append(f"{after.decision_point.key} is no longer ready: "
                     + "; ".join(c.detail for c in after.unmet))
    elif after.ready and not before.ready:
        notes.append(f"{after.decision_point.key} is ready now")
    return notes


def _time_rule_notes(uow: UnitOfWork, p: Project, current: Workflow, target: Workflow) -> list[str]:
    """How the target's time rules treat what the project carries: open conditions, a hold.

    Nothing already set moves: a condition keeps its date, a hold its review date;
    from the move on, the check applies the target's rules.
    """
    from plp.services.conditions import conditions_of

    notes: list[str] = []
    rules = {dp.key: dp.on_condition_missed for dp in target.decision_points}
    old_rules = {dp.key: dp.on_condition_missed for dp in current.decision_points}
    for c in conditions_of(uow, [p.id]):
        if c.status == "open" and rules.get(c.decision_point, "notify") != old_rules.get(c.decision_point, "notify"):
            notes.append(f"open condition {c.id} ({c.decision_point}, due {c.due.isoformat()}) now follows "
                         f"on_condition_missed: {rules.get(c.decision_point, 'notify')}")
    if p.status == "on_hold" and (current.dormant_after, current.on_dormant) != (target.dormant_after,
                                                                                  target.on_dormant):
        notes.append(f"the hold now turns {'stopped' if target.on_dormant == 'stop' else 'dormant'} after "
                     f"{target.dormant_after or 'never'} (was {current.dormant_after or 'never'})")
    return notes
