"""Carrying out the moves time makes (plp/services/timed.py), each exactly once.

Exactly once, under the outbox's discipline:
- each move opens its write transaction with the project's version-guarded
  update, then inserts its unique key into ``timed_move`` (``ON CONFLICT DO
  NOTHING``); only the process whose insert took effect goes on, and a process
  that loses the guard rolls back before its key is ever committed;
- the change (to the project, and the condition or review row it concerns) is
  written with its history event (actor ``scheduler``, with the reason) and its
  notification in the outbox, all in that one transaction. A check killed midway leaves each move whole or absent; a second
  check at the same time, or a check run again, finds the key and skips.
- a move that loses to a concurrent change (the project changed between the read
  and the write) is left for the next check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update

from plp import durations
from plp.actor import SCHEDULER
from plp.dates import local_tz
from plp.db import Database, UnitOfWork
from plp.errors import ConcurrentChange
from plp.models import Anchoring, BenefitReview, Condition, Person, Project, RoleAssignment, TimedMove
from plp.notify import Channels
from plp.reminders import DueReminder, Recipient, plan
from plp.services.common import commit_change, workflow_of
from plp.services.outbox import write_outbox
from plp.services.results_ops import MoveRow
from plp.services.timed import Move, find_moves, still_due
from plp.sqlfuncs import insert_ignore


@dataclass
class MovesResult:
    """The moves of one check (with ``--dry-run``: each followed by the notices it would send)."""

    moves: list[MoveRow] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(1 for r in self.moves if r.channel == "move" and r.status == "applied")


def run(db: Database, *, now: dt.datetime, dry_run: bool, channels: Channels) -> MovesResult:
    """Find the moves due at ``now``; with ``dry_run`` only report them and their notices."""
    today = now.astimezone(local_tz()).date()
    with db.unit(SCHEDULER) as uow:
        moves = find_moves(uow, today)
        notices = {m.key: notice(uow, m) for m in moves}
    result = MovesResult()
    for m in moves:
        if dry_run:
            result.moves.append(row(m, "would apply"))
            for p in plan(notices[m.key], channels):
                who = p.recipient.name if p.recipient else "webhook"
                result.moves.append(replace(row(m, "would send"), recipient=who, channel=p.channel,
                                            unreachable=p.unreachable))
        else:
            result.moves.append(row(m, apply(db, m, today=today, now=now, channels=channels)))
        result.unreachable += [p.name for p in notices[m.key].recipients if not p.email]
    result.unreachable = sorted(set(result.unreachable))
    return result


def row(m: Move, status: str) -> MoveRow:
    """A move as a row of ``plp check --json``: channel ``move``, the effect and the reason."""
    return MoveRow(kind=m.kind, project=m.code, item=m.item, item_id=m.item_id, step=m.step, recipient="",
                   channel="move", due=m.due, status=status, unreachable=False, error=None, effect=m.effect,
                   reason=m.reason)


def apply(db: Database, move: Move, *, today: dt.date, now: dt.datetime, channels: Channels) -> str:
    """Carry out one move: ``applied``, ``done before`` (by another check) or ``deferred``."""
    try:
        with db.unit(SCHEDULER) as uow:
            fresh = still_due(uow, move, today)
            if fresh is None:
                return "no longer due"
            p = uow.session.get(Project, move.project_id)
            message = notice(uow, fresh)
            # Each effect starts with the project's guarded bump, which ends the read
            # transaction; the key is taken after it, in the write transaction, so a
            # move that loses the bump never leaves its key behind.
            failed = EFFECTS[fresh.kind](uow, p, fresh, today, now)
            if failed:
                uow.session.rollback()
                return failed
            write_outbox(uow, [message], channels, now)
            commit_change(uow, p)
            move.effect = fresh.effect
            return "applied"
    except ConcurrentChange:
        return "deferred"


def _take(uow: UnitOfWork, move: Move, now: dt.datetime) -> bool:
    """Insert the move's unique key; False when another check made the move first."""
    taken = uow.session.execute(
        insert_ignore(uow.session, TimedMove).values(key=move.key, kind=move.kind, project_id=move.project_id,
                                                     due=move.due, at=now)
        .on_conflict_do_nothing(index_elements=["key"]).returning(TimedMove.id)).scalar()
    return taken is not None


def _bump_and_take(uow: UnitOfWork, p: Any, move: Move, now: dt.datetime, **changes: Any) -> str | None:
    uow.bump(p, **changes)
    return None if _take(uow, move, now) else "done before"


def _event(uow: UnitOfWork, move: Move, kind: str, **more: Any) -> None:
    uow.event(kind, dict(move.data, reason=move.reason, effect=move.effect, due=move.due.isoformat(), **more),
              move.project_id)


def _condition(uow: UnitOfWork, p: Any, move: Move, today: dt.date, now: dt.datetime) -> str | None:
    changes: dict[str, Any] = {}
    if move.effect == "hold":
        wf = workflow_of(uow, p)
        review = durations.add(today, wf.hold_review_after) if wf.hold_review_after else None
        changes = {"status": "on_hold", "held_on": today, "review_on": review, "dormant_since": None,
                   "gate_planned_on": None, "ready_since": None}
    failed = _bump_and_take(uow, p, move, now, **changes)
    if failed:
        return failed
    done = uow.session.execute(update(Condition).where(Condition.id == move.item_id, Condition.status == "open")
                               .values(status="missed").execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return "no longer due"
    _event(uow, move, "condition_missed", status=p.status,
           review_on=p.review_on.isoformat() if move.effect == "hold" and p.review_on else None)
    return None


def _hold_review(uow: UnitOfWork, p: Any, move: Move, today: dt.date, now: dt.datetime) -> str | None:
    failed = _bump_and_take(uow, p, move, now)
    if not failed:
        _event(uow, move, "hold_review_due")
    return failed


def _dormant(uow: UnitOfWork, p: Any, move: Move, today: dt.date, now: dt.datetime) -> str | None:
    if move.effect == "stop":
        failed = _bump_and_take(uow, p, move, now, status="stopped", gate_planned_on=None, ready_since=None,
                                review_on=None)
        if not failed:
            _event(uow, move, "project_stopped", status="stopped")
    else:
        failed = _bump_and_take(uow, p, move, now, dormant_since=today)
        if not failed:
            _event(uow, move, "project_dormant", status=p.status, dormant_since=today.isoformat())
    return failed


def _lapse(uow: UnitOfWork, p: Any, move: Move, today: dt.date, now: dt.datetime) -> str | None:
    failed = _bump_and_take(uow, p, move, now)
    if failed:
        return failed
    d = move.data
    # The lapse counts from the day after the last valid day, which is never after today.
    day = dt.date.fromisoformat(d["valid_until"]) + dt.timedelta(days=1)
    aid = uow.insert(Anchoring, project_id=p.id, org_id=d["org_id"], body=d["body"], kind=d["kind"], ref=d["ref"],
                     date=day, outcome="lapsed")
    # The same event kind as any anchoring, so the audit cross-check sees the row.
    uow.event("anchoring_recorded", {"anchoring_id": aid, "org": move.item, "org_id": d["org_id"],
                                     "body": d["body"], "kind": d["kind"],
                                     "ref": d["ref"], "date": day.isoformat(), "outcome": "lapsed",
                                     "lapse_of": d["lapse_of"], "valid_until": d["valid_until"],
                                     "decision_point": d["decision_point"], "reason": move.reason}, p.id)
    return None


def _benefit(uow: UnitOfWork, p: Any, move: Move, today: dt.date, now: dt.datetime) -> str | None:
    failed = _bump_and_take(uow, p, move, now)
    if failed:
        return failed
    done = uow.session.execute(update(BenefitReview)
                               .where(BenefitReview.project_id == p.id, BenefitReview.review == move.data["review"],
                                      BenefitReview.opened_at.is_(None))
                               .values(opened_at=now).execution_options(synchronize_session=False))
    if done.rowcount == 0:
        return "no longer due"
    _event(uow, move, "benefit_review_opened", goals=done.rowcount)
    return None


EFFECTS = {"condition_missed": _condition, "hold_review": _hold_review, "dormant": _dormant,
           "anchoring_lapsed": _lapse, "benefit_review": _benefit}


def notice(uow: UnitOfWork, m: Move) -> DueReminder:
    """The notification of a move, for the people its workflow rule names."""
    rows = uow.session.execute(
        select(RoleAssignment.role, Person.id, Person.name, Person.email, Person.lang)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.project_id == m.project_id, RoleAssignment.role.in_(m.roles))
        .order_by(RoleAssignment.id)).all()
    people: list[Recipient] = []
    for role in m.roles:
        for r_role, pid, name, email, lang in rows:
            if r_role == role and all(x.person_id != pid for x in people):
                people.append(Recipient(pid, name, email, lang or "nn", role))
        if m.first_role_only and people:
            break
    extra = {"reason": m.reason, "effect": m.effect, "dp": str(m.data.get("decision_point", ""))}
    return DueReminder(m.kind, m.project_id, m.code, m.name, m.item_id, m.item, m.step, m.due, people, extra=extra)
