"""Moves that time makes: what the check finds because a date passed.

Five kinds, each defined by the workflow file (see plp/workflow.py):

- ``condition_missed``: a condition of a conditional go still open after its date;
  the decision point's ``on_condition_missed`` says ``hold`` (the project goes on
  hold, with the reason) or ``notify``. Sponsor, steering group and leader are told.
- ``hold_review``: a project on hold reached its review date; its deciders are
  reminded to resume or stop.
- ``dormant``: a project on hold for the workflow's ``dormant_after``; it is marked
  dormant, or stopped when the workflow says ``on_dormant: stop``.
- ``anchoring_lapsed``: an approval with ``valid_until`` passed before the project
  passed the decision point that needs it; a lapse is recorded for that owner, so
  the gate blocks again, and the leader is told which municipality must vote again.
- ``benefit_review``: a benefit review after completion fell due; it is opened and
  the sponsor reminded.

This module only *finds* moves (reads); plp/services/timed_apply.py carries each
out exactly once. Engine code never names a phase: everything comes from the
workflow version a project runs on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from plp import criteria, durations, engine
from plp.db import UnitOfWork
from plp.models import Anchoring, BenefitReview, Condition, Org, Project, TimedMove
from plp.services.common import facts_of, workflow_of
from plp.workflow import AnchoringCriterion, DecisionPoint, Workflow

KINDS = ("anchoring_lapsed", "condition_missed", "hold_review", "dormant", "benefit_review")
OPEN = ("active", "on_hold")
EVERYONE = ("sponsor", "steering", "leader")


@dataclass
class Move:
    """One move that is due: its key makes it happen once."""

    kind: str
    project_id: int
    code: str
    name: str
    item_id: int  # the condition, the anchoring decision, or the project
    item: str  # what it is about, in words (condition text, decision point, owner, review)
    step: str
    due: dt.date
    effect: str  # hold|notify|review|dormant|stop|lapse|open
    reason: str
    roles: tuple[str, ...]  # who is told
    first_role_only: bool = False  # tell the first role that has holders (the leader, else the sponsor)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item_id}:{self.step}"


def remaining_decision_points(wf: Workflow, phase: str) -> list[DecisionPoint]:
    """The decision point after ``phase`` and every one after it, following go."""
    out: list[DecisionPoint] = []
    current: str | None = phase
    while current is not None and len(out) < len(wf.decision_points):
        dp = wf.decision_point_from(current)
        out.append(dp)
        current = dp.to
    return out


# ------------------------------------------------------------------- per kind


def condition_move(uow: UnitOfWork, p: Project, c: Condition) -> Move:
    wf = workflow_of(uow, p)
    dp = next((x for x in wf.decision_points if x.key == c.decision_point), None)
    rule = dp.on_condition_missed if dp else "notify"
    here = wf.decision_point_from(p.phase)
    effect = "hold" if rule == "hold" and p.status == "active" and "hold" in here.outcomes else "notify"
    reason = f"condition of {c.decision_point} not met by {c.due.isoformat()}: {c.text}"
    return Move("condition_missed", p.id, p.code, p.name, c.id, c.text, "missed", c.due, effect, reason, EVERYONE,
                data={"condition_id": c.id, "decision_point": c.decision_point, "rule": rule,
                      "due": c.due.isoformat(), "text": c.text})


def hold_moves(uow: UnitOfWork, p: Project, today: dt.date) -> list[Move]:
    """The review reminder and the dormancy of one project on hold."""
    if p.status != "on_hold" or p.held_on is None:
        return []
    wf = workflow_of(uow, p)
    dp = wf.decision_point_from(p.phase)
    held = p.held_on.isoformat()
    out = []
    if p.review_on is not None and p.review_on <= today:
        out.append(Move("hold_review", p.id, p.code, p.name, p.id, dp.key, held, p.review_on, "review",
                        f"on hold since {held}; review date {p.review_on.isoformat()}: resume or stop",
                        tuple(dp.deciders), data={"decision_point": dp.key, "held_on": held,
                                                  "review_on": p.review_on.isoformat()}))
    if wf.dormant_after and p.dormant_since is None:
        due = durations.add(p.held_on, wf.dormant_after)
        if due <= today:
            effect = "stop" if wf.on_dormant == "stop" else "dormant"
            out.append(Move("dormant", p.id, p.code, p.name, p.id, dp.key, held, due, effect,
                            f"on hold since {held}, longer than {wf.dormant_after}", EVERYONE,
                            data={"decision_point": dp.key, "held_on": held, "dormant_after": wf.dormant_after}))
    return out


def lapse_moves(uow: UnitOfWork, p: Project, expired: list[Anchoring], orgs: dict[int, str]) -> list[Move]:
    """Expired approvals that still count for a decision point the project has not passed."""
    wf = workflow_of(uow, p)
    facts = facts_of(uow, p)
    grades = {o.org: o.grade for o in facts.owners}
    out = []
    for a in expired:
        org = orgs[a.org_id]
        for dp in remaining_decision_points(wf, p.phase):
            crit = next((c for c in dp.criteria if isinstance(c, AnchoringCriterion) and _counts(c, a, grades.get(org))
                         and _latest(c, facts, org) == a.id), None)
            if crit is None:
                continue
            assert a.valid_until is not None
            reason = (f"the approval of {org} ({a.body} {a.ref}, {a.date.isoformat()}) was valid until "
                      f"{a.valid_until.isoformat()}; {dp.key} needs {org} to vote again")
            out.append(Move("anchoring_lapsed", p.id, p.code, p.name, a.id, org, "lapsed", a.valid_until, "lapse",
                            reason, ("leader", "sponsor"), first_role_only=True,
                            data={"decision_point": dp.key, "lapse_of": a.id, "org_id": a.org_id, "body": a.body,
                                  "kind": a.kind, "ref": a.ref, "valid_until": a.valid_until.isoformat()}))
            break
    return out


def _counts(crit: AnchoringCriterion, a: Anchoring, grade: str | None) -> bool:
    return criteria.counts_for(crit, a.kind, a.body) and grade in crit.grades


def _latest(crit: AnchoringCriterion, facts: engine.GateFacts, org: str) -> int | None:
    """The id of the decision of ``org`` that counts for ``crit`` now (the latest)."""
    latest = criteria.latest_decisions(crit, facts).get(org)
    return latest.seq if latest else None


def benefit_move(p: Project, review: int, after: str, due: dt.date, goals: int) -> Move:
    return Move("benefit_review", p.id, p.code, p.name, p.id, f"{review} ({after})", f"r{review}", due, "open",
                f"benefit review {review}, {after} after completion: {goals} effect goal(s) to assess",
                ("sponsor",), data={"review": review, "after": after, "due": due.isoformat()})


# -------------------------------------------------------------------- finding


def find_moves(uow: UnitOfWork, today: dt.date) -> list[Move]:
    """Every move due at ``today`` that has not been made, in a stable order."""
    s = uow.session
    projects: dict[int, Project] = {}

    def project(pid: int) -> Project:
        if pid not in projects:
            projects[pid] = s.get(Project, pid)
        return projects[pid]

    moves: list[Move] = []
    expired: dict[int, list[Anchoring]] = {}
    for a in s.scalars(select(Anchoring).join(Project, Project.id == Anchoring.project_id)
                       .where(Anchoring.outcome == "approved", Anchoring.valid_until < today,
                              Project.status.in_(OPEN)).order_by(Anchoring.id)).all():
        expired.setdefault(a.project_id, []).append(a)
    if expired:
        orgs = dict(s.execute(select(Org.id, Org.name)).all())
        for pid, rows in expired.items():
            moves += lapse_moves(uow, project(pid), rows, orgs)
    for c in s.scalars(select(Condition).join(Project, Project.id == Condition.project_id)
                       .where(Condition.status == "open", Condition.due < today, Project.status.in_(OPEN))
                       .order_by(Condition.due, Condition.id)).all():
        moves.append(condition_move(uow, project(c.project_id), c))
    for p in s.scalars(select(Project).where(Project.status == "on_hold", Project.held_on.is_not(None))
                       .order_by(Project.code)).all():
        moves += hold_moves(uow, projects.setdefault(p.id, p), today)
    rows = s.execute(select(BenefitReview.project_id, BenefitReview.review, BenefitReview.after, BenefitReview.due,
                            BenefitReview.id).where(BenefitReview.opened_at.is_(None), BenefitReview.due <= today)
                     .order_by(BenefitReview.project_id, BenefitReview.review)).all()
    grouped: dict[tuple[int, int], list[Any]] = {}
    for r in rows:
        grouped.setdefault((r.project_id, r.review), []).append(r)
    for (pid, review), rs in grouped.items():
        moves.append(benefit_move(project(pid), review, rs[0].after, rs[0].due, len(rs)))
    if not moves:
        return []
    done = set(s.scalars(select(TimedMove.key).where(TimedMove.key.in_([m.key for m in moves]))).all())
    return [m for m in moves if m.key not in done]


def still_due(uow: UnitOfWork, move: Move, today: dt.date) -> Move | None:
    """The move as it stands on a fresh read (its effect may have changed), or None if it is no longer due."""
    s = uow.session
    p = s.get(Project, move.project_id)
    if p is None:
        return None
    if move.kind == "condition_missed":
        c = s.get(Condition, move.item_id)
        return condition_move(uow, p, c) if c and c.status == "open" and p.status in OPEN else None
    if move.kind in ("hold_review", "dormant"):
        return next((m for m in hold_moves(uow, p, today) if m.key == move.key), None)
    if move.kind == "anchoring_lapsed":
        a = s.get(Anchoring, move.item_id)
        if a is None or p.status not in OPEN:
            return None
        orgs = {a.org_id: move.item}
        return next((m for m in lapse_moves(uow, p, [a], orgs) if m.key == move.key), None)
    return move  # a benefit review: opening it is guarded by opened_at
