"""Reminders: find what is due with set-based SQL, write it to the outbox once, deliver.

Exactly once:
- A due reminder is a row in ``reminder`` with a unique key ``kind:item:step``,
  inserted with ``ON CONFLICT DO NOTHING``. Only the process whose insert took
  effect writes its deliveries to the outbox, so two ``plp check`` processes never
  create the same reminder twice.
- Each outbox row is *claimed* by one process (a guarded ``UPDATE`` with a claim
  that expires), sent, and marked sent (:mod:`plp.services.outbox`). A failed
  delivery stays in the outbox with its error and is retried by later runs with
  backoff (5 minutes, doubling, at most 6 hours). Nothing is deleted.
- The one gap no outbox can close: a process killed after the SMTP server took a
  mail but before the row was marked sent. Its claim expires and the mail is sent
  again: at least once, never lost.

Milestone ladder (per workflow file, ``reminders:``): a reminder at each of
``before_days`` before the due date (0 is "due today"), then every
``overdue_every_days`` while overdue; after ``escalate_after_days`` overdue the
project leader and the sponsor are told as well. Only the step reached now is sent,
so a check that did not run for a while does not send a burst of stale steps.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import String, case, cast, exists, literal, select

from plp import engine
from plp.actor import system
from plp.dates import local_tz
from plp.db import Database, UnitOfWork
from plp.models import Milestone, Org, Person, Project, Reminder, RoleAssignment, WorkflowDef
from plp.notify import Channels
from plp.reminders import DueReminder, Planned, Recipient, plan
from plp.services.common import facts_for, parsed_workflow
from plp.services.outbox import CLAIM, deliver, write_outbox
from plp.services.results_ops import CheckRow
from plp.sqlfuncs import days_between, in_id_list
from plp.workflow import AnchoringCriterion, ReminderLadder, Workflow



# ------------------------------------------------------------------------ finding


def _workflow_groups(uow: UnitOfWork) -> list[tuple[ReminderLadder, dict[int, Workflow]]]:
    """Workflow versions grouped by their reminder ladder: one query per group."""
    groups: dict[str, tuple[ReminderLadder, dict[int, Workflow]]] = {}
    for wf_id, sha, definition in uow.session.execute(
            select(WorkflowDef.id, WorkflowDef.sha256, WorkflowDef.definition)).all():
        wf = parsed_workflow(sha, definition)
        groups.setdefault(wf.reminders.model_dump_json(), (wf.reminders, {}))[1][wf_id] = wf
    return list(groups.values())


def _people_in_roles(uow: UnitOfWork, project_ids: set[int], roles: tuple[str, ...]) -> dict[int, list[Recipient]]:
    """The people holding ``roles`` in each project, in the order they were given them: one query."""
    if not project_ids:
        return {}
    rows = _driver_rows(uow, select(RoleAssignment.project_id, RoleAssignment.role, Person.id, Person.name,
                                    Person.email, Person.lang)
                        .join(Person, Person.id == RoleAssignment.person_id)
                        .where(in_id_list(RoleAssignment.project_id, json.dumps(sorted(project_ids))),
                               RoleAssignment.role.in_(roles))
                        .order_by(RoleAssignment.id))
    out: dict[int, list[Recipient]] = {}
    made: dict[tuple[int, str], Recipient] = {}  # one recipient per person and role (read, never changed)
    for pid, role, person_id, name, email, lang in rows:
        who = made.get((person_id, role))
        if who is None:
            who = made[person_id, role] = Recipient(person_id, name, email, lang or "nn", role)
        out.setdefault(pid, []).append(who)
    return out


def _driver_rows(uow: UnitOfWork, stmt: Any) -> list[tuple]:
    """The rows of ``stmt`` as the database driver's own tuples, for queries of thousands of rows.

    SQLAlchemy's result rows cost more to build, sort and unpack than the query
    costs to run (issue 13); the columns must be ones the driver returns as they are
    (numbers and text; SQLite gives a date as its ISO text).
    """
    result = uow.session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _key(kind: str, item: Any, step: Any) -> Any:
    return literal(f"{kind}:") + cast(item, String) + literal(":") + step


def _due_milestones(ladder: ReminderLadder, wf_ids: list[int], today: dt.date) -> Any:
    """The open milestones of active projects within the ladder's reach whose step has no reminder yet.

    A row: id, project id, title, due, responsible's id, days left, step, project code
    and name, responsible's name, email and language.
    """
    days_left = days_between(Milestone.due, literal(today))
    steps = [(days_left <= t, literal("due" if t == 0 else f"before-{t}")) for t in sorted(set(ladder.before_days))]
    overdue_step = literal("overdue-") + cast(((-days_left) - 1) // ladder.overdue_every_days, String)
    step = case((days_left < 0, overdue_step), *steps)
    sq = (select(Milestone.id.label("mid"), Milestone.project_id.label("pid"), Milestone.title, Milestone.due,
                 Milestone.responsible_id.label("rid"), days_left.label("days"), step.label("step"))
          .join(Project, Project.id == Milestone.project_id)
          .where(Project.workflow_id.in_(wf_ids), Project.status == "active", Milestone.done_on.is_(None),
                 days_left <= max(ladder.before_days))
          .subquery())
    return (select(sq, Project.code, Project.name, Person.name, Person.email, Person.lang)
            .join(Project, Project.id == sq.c.pid).join(Person, Person.id == sq.c.rid)
            .where(~exists().where(Reminder.key == _key("milestone", sq.c.mid, sq.c.step))))


def _milestones(uow: UnitOfWork, ladder: ReminderLadder, wf_ids: list[int], today: dt.date) -> list[DueReminder]:
    """The due milestone reminders, each to its responsible person (and, escalated, leaders and sponsors)."""
    rows = _driver_rows(uow, _due_milestones(ladder, wf_ids, today))
    # Sorted here, not in SQL: ORDER BY due would make SQLite walk the due index and
    # fetch every milestone row by row instead of scanning the table once.
    rows.sort(key=itemgetter(3, 0))  # due, id (ISO text sorts as the date does)
    limit = ladder.escalate_after_days
    # A milestone overdue past the limit is escalated to its project's leaders and sponsors.
    escalate = {row[1] for row in rows if -row[5] > limit}
    bosses = {pid: _distinct_people(people)
              for pid, people in _people_in_roles(uow, escalate, ("leader", "sponsor")).items()}
    # One list of recipients, and one dict of text values, per responsible person,
    # shared by the milestones they alone are told of: a reminder's recipients and
    # extra are read, never changed.
    responsible: dict[int, tuple[list[Recipient], dict[str, str]]] = {}
    out, day = [], _day
    for mid, pid, title, due, rid, days, step, code, name, rname, email, lang in rows:
        person = responsible.get(rid)
        if person is None:
            person = responsible[rid] = ([Recipient(rid, rname, email, lang or "nn", "responsible")],
                                         {"limit": str(limit), "responsible": rname})
        recipients = person[0]
        escalated = -days > limit
        if escalated:
            recipients = recipients + [boss for boss in bosses.get(pid, ()) if boss.person_id != rid]
        out.append(DueReminder("milestone", pid, code, name, mid, title, step, day(due), recipients, days, escalated,
                               person[1]))
    return out


def _day(value: dt.date | str) -> dt.date:
    """A date column as the driver gave it: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if type(value) is dt.date else dt.date.fromisoformat(value)


def _distinct_people(people: list[Recipient]) -> list[Recipient]:
    """``people`` without a person's second role (the first one given stays)."""
    seen: set[int | None] = set()
    return [p for p in people if not (p.person_id in seen or seen.add(p.person_id))]


def _waiting_decisions(uow: UnitOfWork, ladder: ReminderLadder, wfs: dict[int, Workflow],
                       now: dt.datetime) -> list[DueReminder]:
    step = Project.phase + literal("-r") + cast(Project.round, String)
    since = now - dt.timedelta(days=ladder.decision_waiting_days)
    rows = uow.session.execute(
        select(Project.id, Project.code, Project.name, Project.phase, Project.workflow_id, Project.ready_since,
               step.label("step"))
        .where(Project.workflow_id.in_(list(wfs)), Project.status == "active", Project.ready_since.is_not(None),
               Project.ready_since <= since,
               ~exists().where(Reminder.key == _key("decision_waiting", Project.id, step)))
        .order_by(Project.code)).all()
    sponsors = _people_in_roles(uow, {r.id for r in rows}, ("sponsor", "leader"))
    out = []
    for r in rows:
        people = sponsors.get(r.id, [])
        chosen = [p for p in people if p.role == "sponsor"] or people
        dp = wfs[r.workflow_id].decision_point_from(r.phase).key
        ready_day = r.ready_since.astimezone(local_tz()).date()
        out.append(DueReminder("decision_waiting", r.id, r.code, r.name, r.id, dp, r.step, ready_day, chosen,
                               days=(now - r.ready_since).days))
    return out


def _missing_anchoring(uow: UnitOfWork, ladder: ReminderLadder, wfs: dict[int, Workflow],
                       today: dt.date) -> list[DueReminder]:
    """Candidates by SQL (a decision meeting planned within the window); gaps by the engine."""
    candidates = uow.session.scalars(
        select(Project).where(Project.workflow_id.in_(list(wfs)), Project.status == "active",
                              Project.gate_planned_on >= today,
                              Project.gate_planned_on <= today + dt.timedelta(days=ladder.anchoring_window_days))
        .order_by(Project.code)).all()
    if not candidates:
        return []
    org_ids = {name: oid for oid, name in uow.session.execute(select(Org.id, Org.name)).all()}
    leaders = _people_in_roles(uow, {p.id for p in candidates}, ("leader", "sponsor"))
    all_facts = facts_for(uow, list(candidates))
    out: list[DueReminder] = []
    for p in candidates:
        wf = wfs[p.workflow_id]
        dp = wf.decision_point_from(p.phase)
        facts = all_facts[p.id]
        missing: list[str] = []
        for crit in dp.criteria:
            if isinstance(crit, AnchoringCriterion):
                missing += [org for org, _ in engine.anchoring_gaps(crit, facts) if org not in missing]
        people = leaders.get(p.id, [])
        chosen = [x for x in people if x.role == "leader"] or people
        for org in missing:
            step = f"{dp.key}-{p.gate_planned_on.isoformat()}-{org_ids[org]}"
            out.append(DueReminder("anchoring_missing", p.id, p.code, p.name, p.id, org, step, p.gate_planned_on,
                                   chosen, extra={"dp": dp.key}))
    if out:
        existing = set(uow.session.scalars(select(Reminder.key).where(Reminder.key.in_([r.key for r in out]))).all())
        out = [r for r in out if r.key not in existing]
    return out


def find_due(uow: UnitOfWork, *, now: dt.datetime) -> list[DueReminder]:
    """Every reminder that is due at ``now`` and has not been created before."""
    today = now.astimezone(local_tz()).date()
    found: list[DueReminder] = []
    for ladder, wfs in _workflow_groups(uow):
        found += _milestones(uow, ladder, list(wfs), today)
        found += _waiting_decisions(uow, ladder, wfs, now)
        found += _missing_anchoring(uow, ladder, wfs, today)
    return found


# ------------------------------------------------------------------------- outbox


def _row(r: DueReminder, p: Planned, status: str, error: str | None = None) -> CheckRow:
    to = p.recipient
    # Positional, in CheckRow's field order (kind, project, item, item_id, step, recipient,
    # channel, due, status, unreachable, error): a dry run makes one per delivery.
    return CheckRow(r.kind, r.code, r.item, r.item_id, r.step, to.name if to else "webhook", p.channel, r.due,
                    status, p.unreachable, error)


# -------------------------------------------------------------------------- check


@dataclass
class CheckResult:
    """What one check did: the moves time made, then the reminders' deliveries, a row each
    (``plp check --json`` prints ``rows``)."""

    found: int
    rows: list[CheckRow] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(1 for r in self.rows if r.status == "sent")

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.status == "failed")


def check(db: Database, *, now: dt.datetime, dry_run: bool = False, channels: Channels | None = None,
          claim: dt.timedelta = CLAIM, keep_going: Callable[[], bool] | None = None) -> CheckResult:
    """Find what is due, write it to the outbox once, and deliver what waits.

    ``claim`` and ``keep_going`` are for the scheduler: its claims last as long as
    its lease, and it stops sending once the lease is lost (see :func:`deliver`).
    """
    from plp.services.timed_apply import run as run_moves

    channels = channels or Channels.from_env()
    # The moves time makes come first (plp/services/timed.py): their notices are then
    # delivered below, and a project they put on hold sends no active reminders.
    moved = run_moves(db, now=now, dry_run=dry_run, channels=channels)
    with db.unit(system("plp check")) as uow:
        found = find_due(uow, now=now)
        planned = [(r, p) for r in found for p in plan(r, channels)]
        unreachable = sorted({p.recipient.name for _, p in planned if p.unreachable} | set(moved.unreachable))
        if dry_run:
            return CheckResult(len(found), moved.moves + [_row(r, p, "would send") for r, p in planned], unreachable)
        uow.end_read()
        created = write_outbox(uow, found, channels, now)
        uow.commit()
    rows = deliver(db, now=now, channels=channels, claim=claim, keep_going=keep_going)
    return CheckResult(created, moved.moves + rows, unreachable)
