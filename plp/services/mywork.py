"""My work: what one person must act on, most urgent (earliest date) first.

Four kinds of item, each with a date and the page where it is settled:

- ``decision``: a decision point waiting for the person as one of its deciders
  (the roles come from the workflow), because the gate is ready or a decision
  meeting is planned; dated by the meeting, else the day it became ready;
- ``milestone``: a milestone the person is responsible for that is overdue or
  due within 14 days (the yellow light of the reports);
- ``anchoring``: a decision meeting is planned, and the person's organisation is
  an owner whose formal anchoring the gate still lacks; dated by the meeting;
- ``trust``: the newest trust-check round began within 60 days and has no answer
  from the person yet; dated by the round's first answer.

The reminder finder (:mod:`plp.services.reminders`) answers a different question
(which reminders to create *once*), so this reads the same facts directly; the
criteria and their missing owners come from :func:`plp.texts.criteria.describe`,
as in the reports.
"""

from __future__ import annotations

import datetime as dt
from sqlalchemy import func
from sqlmodel import select

from plp import engine, permissions
from plp.dates import local_tz
from plp.db import Database, UnitOfWork
from plp.errors import NotFound
from plp.models import Milestone, Org, Person, Project, ProjectOwner, RoleAssignment, TrustAnswer
from plp.texts import criteria
from plp.services.common import facts_for, workflow_of
from plp.services.reporting import YELLOW_DAYS
from plp.services.results_web import WorkItem
from plp.services.trust import answer_of

TRUST_OPEN_DAYS = 60


def my_work(db: Database, *, person_id: int, today: dt.date, lang: str) -> list[WorkItem]:
    with db.unit() as uow:
        person = uow.session.get(Person, person_id)
        if person is None:
            raise NotFound("unknown person")
        items = (_decisions(uow, person, today, lang) + _milestones(uow, person, today)
                 + _anchoring(uow, person, today, lang) + _trust(uow, person, today))
    order = {"decision": 0, "milestone": 1, "anchoring": 2, "trust": 3}
    return sorted(items, key=lambda i: (i.date, order[i.kind], i.code or ""))


def _decisions(uow: UnitOfWork, person: Person, today: dt.date, lang: str) -> list[WorkItem]:
    rows = uow.session.exec(select(Project, RoleAssignment.role)
                            .join(RoleAssignment, RoleAssignment.project_id == Project.id)
                            .where(RoleAssignment.person_id == person.id, Project.status == "active")).all()
    roles: dict[int, set[str]] = {}
    projects: dict[int, Project] = {}
    for p, role in rows:
        roles.setdefault(p.id, set()).add(role)
        projects[p.id] = p
    out = []
    for pid, p in sorted(projects.items(), key=lambda kv: kv[1].code):
        if p.ready_since is None and p.gate_planned_on is None:
            continue
        wf = workflow_of(uow, p)
        if not permissions.may_decide(wf, p, person.id, {role: {person.id} for role in roles[pid]}):
            continue
        dp = wf.decision_point_from(p.phase)
        day = p.gate_planned_on or p.ready_since.astimezone(local_tz()).date()
        out.append(WorkItem(kind="decision", date=day, code=p.code, project=p.name, what=dp.labels.get(lang),
                            overdue=day < today, link=f"/projects/{p.code}/decide",
                            ready=p.ready_since is not None, planned=p.gate_planned_on is not None))
    return out


def _milestones(uow: UnitOfWork, person: Person, today: dt.date) -> list[WorkItem]:
    rows = uow.session.exec(select(Milestone, Project).join(Project, Project.id == Milestone.project_id)
                            .where(Milestone.responsible_id == person.id, Milestone.done_on.is_(None),
                                   Project.status == "active",
                                   Milestone.due <= today + dt.timedelta(days=YELLOW_DAYS))
                            .order_by(Milestone.due, Milestone.id)).all()
    return [WorkItem(kind="milestone", date=m.due, code=p.code, project=p.name, what=m.title,
                     overdue=m.due < today, link=f"/projects/{p.code}#milestone-{m.id}") for m, p in rows]


def _anchoring(uow: UnitOfWork, person: Person, today: dt.date, lang: str) -> list[WorkItem]:
    if person.org_id is None:
        return []
    org = uow.session.get(Org, person.org_id)
    rows = uow.session.exec(select(Project).join(ProjectOwner, ProjectOwner.project_id == Project.id)
                            .where(ProjectOwner.org_id == person.org_id, Project.status == "active",
                                   Project.gate_planned_on.is_not(None), Project.gate_planned_on >= today)
                            .order_by(Project.gate_planned_on, Project.code)).all()
    facts = facts_for(uow, list(rows))  # set-based: a few queries for all of them
    out = []
    for p in rows:
        wf = workflow_of(uow, p)
        said = criteria.describe(wf, engine.gate_status(wf, facts[p.id]), facts[p.id], lang)
        if any(org.name in c["missing_orgs"] for c in said if not c["met"]):
            out.append(WorkItem(kind="anchoring", date=p.gate_planned_on, code=p.code, project=p.name,
                                what=org.name, overdue=False, link=f"/projects/{p.code}#anchoring"))
    return out


def _trust(uow: UnitOfWork, person: Person, today: dt.date) -> list[WorkItem]:
    rounds = uow.session.exec(select(TrustAnswer.round, func.min(TrustAnswer.answered_on))
                              .group_by(TrustAnswer.round)).all()
    if not rounds:
        return []
    name, first = max(rounds, key=lambda r: (r[1], r[0]))
    if first < today - dt.timedelta(days=TRUST_OPEN_DAYS):
        return []
    if answer_of(uow, name, person.id) is not None:
        return []
    return [WorkItem(kind="trust", date=first, code=None, project=None, what=name, overdue=False,
                     link=f"/trust/{name}")]
