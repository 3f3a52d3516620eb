"""Decision points: their status, the planned meeting, and the decisions themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from plp import engine
from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import ConcurrentChange, InvalidInput, NotAllowed
from plp.models import Decision
from plp.workflow import OUTCOMES
from plp.services import conditions as timed_rules
from plp.services.results_reports import CriterionCheck, GateStatus, OpenCondition
from plp.services.common import (
    check_version,
    commit_change,
    choose,
    clean_text,
    ensure_open,
    facts_of,
    gate_of,
    get_project,
    get_project_and_workflow,
    names_of,
    not_after_today,
    person_row,
    workflow_of,
)


def gate_status(db: Database, *, code: str, lang: str = "en") -> GateStatus:
    """The next decision point, criterion by criterion (``gate status --json``)."""
    with db.unit() as uow:
        p = get_project(uow, code)
        gate = gate_of(uow, p)
        base = dict(project=p.code, phase=p.phase, status=p.status, round=p.round, planned_on=p.gate_planned_on,
                    **_time_rules(uow, p))
        if gate is None:
            return GateStatus(**base, decision_point=None, label=None, from_phase=p.phase, to_phase=None,
                              ready=False, deciders=[], outcomes=None, criteria=[])
        dp = gate.decision_point
        return GateStatus(**base, decision_point=dp.key, label=dp.labels.get(lang), from_phase=gate.from_phase,
                          to_phase=gate.to_phase, ready=gate.ready, deciders=list(dp.deciders),
                          outcomes=list(dp.decidable_outcomes),
                          criteria=[CriterionCheck(key=c.key, met=c.met, detail=c.detail) for c in gate.criteria])


def _time_rules(uow: Any, p: Any) -> dict[str, Any]:
    """The hold and the conditions not met yet, for ``gate status``."""
    from plp.services.projects import hold_of

    open_ = [c for c in timed_rules.conditions_of(uow, [p.id]) if c.status != "met"]
    return {"hold": hold_of(p), "conditions": [OpenCondition(id=c.id, decision_point=c.decision_point, text=c.text,
                                                             due=c.due, status=c.status) for c in open_]}


def plan_gate(db: Database, *, code: str, date: dt.date, today: dt.date, actor: Actor,
              if_version: int | None = None) -> str:
    """Record when the next decision meeting is planned; returns the decision point."""
    if date < today:
        raise InvalidInput(f"the planned date {date.isoformat()} is in the past (today is {today.isoformat()})")
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        dp = workflow_of(uow, p).decision_point_from(p.phase)
        permissions.check(uow, "gate.plan", p)
        uow.bump(p, gate_planned_on=date)
        uow.event("gate_planned", {"decision_point": dp.key, "date": date.isoformat()}, p.id)
        commit_change(uow, p)
        return dp.key


def check_decision(outcome: str, note: str | None) -> None:
    """What 'decide' (and 'import json') accepts as an outcome and a note."""
    choose(outcome, OUTCOMES, "outcome")
    clean_text(note, "note", multiline=True, max_len=5000, required=False)


def decide(db: Database, *, code: str, outcome: str, by: str, date: dt.date, today: dt.date,
           note: str | None = None, attendees: list[str] | None = None, if_version: int | None = None,
           conditions: list[tuple[str, dt.date]] | None = None, review_on: dt.date | None = None,
           actor: Actor) -> engine.Outcome:
    """Record a decision at the project's next decision point.

    Only a holder of one of the decision point's decider roles (sponsor or steering
    group in PLP) may decide. ``go`` needs every criterion met; rework, hold and stop
    can always be decided, since they are how a sponsor reacts to a gate that is not
    ready. With ``if_version`` the decision is refused when the project changed
    since the caller read that version. ``conditions`` (text, due date) make a go
    conditional; ``review_on`` dates the review of a hold (see services/conditions.py).
    """
    check_decision(outcome, note)
    not_after_today(date, today, "decision date")
    conditions = conditions or []
    timed_rules.check_decision(outcome, conditions, review_on, date)
    with db.unit(actor) as uow:
        p, wf = get_project_and_workflow(uow, code)
        if if_version is not None and p.version != if_version:
            raise ConcurrentChange(f"project {p.code} was changed meanwhile (version {p.version}, "
                                   f"you read {if_version}); reload and try again")
        ensure_open(p)
        facts = facts_of(uow, p)
        gate = engine.gate_status(wf, facts)
        dp = gate.decision_point
        permissions.check(uow, "decision.record", p, holders=facts.holders)
        decider = person_row(uow, by)
        if not any(decider.id in facts.holders.get(role, ()) for role in dp.deciders):
            who = " or ".join(wf.roles[r].labels.en for r in dp.deciders)
            raise NotAllowed(f"{decider.name} may not decide at {dp.key}: only the {who} of {p.code} may")
        present = names_of(uow, attendees)
        result = engine.decide(wf, phase=p.phase, status=p.status, round=p.round, outcome=outcome, gate=gate)
        timed_rules.check_at(dp, conditions)
        decided_in_round = p.round
        # A decision moves the phase and nothing else the criteria look at: whether the
        # next gate is ready is known now, and written by the same guarded update.
        after = dataclasses.replace(facts, phase=result.phase, status=result.status)
        uow.bump(p, phase=result.phase, status=result.status, round=result.round, gate_planned_on=None,
                 ready_since=_ready_since(wf, after),
                 **timed_rules.project_fields(wf, result, date, review_on, p, facts.goal_levels))
        to_phase = result.phase if result.status not in engine.END_STATES and result.phase != result.from_phase else None
        decision_id = uow.insert(Decision, project_id=p.id, decision_point=dp.key, round=decided_in_round,
                                 outcome=outcome, from_phase=result.from_phase, to_phase=to_phase, by_id=decider.id,
                                 date=date, note=note, attendees=json.dumps(present, ensure_ascii=False))
        extra = timed_rules.after_decision(uow, p, wf, dp, result, decision_id, date, conditions)
        uow.event("decision_taken", {**extra,
            "decision_id": decision_id, "decision_point": dp.key, "outcome": outcome, "by": decider.name,
            "by_id": decider.id, "date": date.isoformat(), "decided_round": decided_in_round, "to_phase": to_phase,
            "note": note, "attendees": present, "from_phase": result.from_phase, "phase": result.phase,
            "status": result.status, "round": result.round,
            "criteria": {c.key: c.met for c in gate.criteria},
        }, p.id)
        # ready_since was written by the guarded update, from the same facts that
        # commit_change would evaluate again: commit as it is.
        uow.commit()
        return result


def _ready_since(wf: Any, facts: Any) -> dt.datetime | None:
    """``ready_since`` right after a decision: now if the next gate is ready, else None."""
    from plp.db import utcnow

    if facts.status in engine.END_STATES:
        return None
    return utcnow() if engine.gate_status(wf, facts).ready else None

