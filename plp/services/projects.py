"""Projects: create, list, show and history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from plp import workflow as wfmod
from plp import permissions
from plp.actor import Actor
from plp.db import Database, utcnow
from plp.errors import AlreadyExists, InvalidInput
from plp.models import (
    Anchoring,
    Decision,
    Goal,
    Milestone,
    Org,
    Person,
    Project,
    ProjectOwner,
    WorkflowDef,
)
from plp.services.results import (
    AnchoringView,
    DecisionView,
    EventView,
    GoalView,
    Hold,
    MilestoneView,
    Owner,
    ProjectRow,
    ProjectView,
    RoleHolder,
    TimeRules,
)
from plp.services.common import (
    commit_change,
    check_code,
    choose,
    clean_text,
    gate_of,
    get_org,
    get_project,
    owners_of,
    roles_of,
    workflow_of,
)

GRADES = ("A", "B", "C")


def parse_owner(spec: str) -> tuple[str, str | None]:
    """``ORG`` or ``ORG:A|B|C``."""
    name, sep, grade = spec.rpartition(":")
    if sep and grade.upper() in GRADES and name:
        return name, grade.upper()
    if sep and len(grade) == 1 and name:
        raise InvalidInput(f"invalid owner grade '{grade}' in '{spec}' (use A, B or C)")
    return spec, None


def check_project(code: str, name: str) -> None:
    """What 'project create' (and 'import json') accepts as a project's code and name."""
    check_code(code)
    clean_text(name, "project name", max_len=300)


def create_project(db: Database, *, code: str, name: str, workflow: str, owners: list[str],
                   phase: str | None = None, actor: Actor) -> ProjectRow:
    """Create a project on the current version of ``workflow``.

    The first owner is the lead (the applicant municipality) and is an A-owner
    unless a grade is given; the others are B-owners unless a grade is given.
    """
    check_project(code, name)
    if not owners:
        raise InvalidInput("a project needs at least one owner (--owner ORG[:A|B|C])")
    wf, path = wfmod.find(workflow)
    start = phase or wf.phase_keys[0]
    choose(start, wf.phase_keys, f"phase of workflow {wf.name}")
    parsed = [parse_owner(o) for o in owners]
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        if uow.session.exec(select(Project).where(func.lower(Project.code) == code.lower())).first():
            raise AlreadyExists(f"a project with code '{code}' already exists")
        orgs: list[tuple[Org, str]] = []
        for i, (org_name, grade) in enumerate(parsed):
            org = get_org(uow, org_name)
            if any(o.id == org.id for o, _ in orgs):
                raise InvalidInput(f"owner '{org.name}' is given twice")
            orgs.append((org, grade or ("A" if i == 0 else "B")))
        uow.end_read()
        from plp.services import workflows as wfservice  # only a create registers a workflow version

        wdef = wfservice.register(uow, wf, path)
        project = Project(code=code, name=name, workflow_id=wdef.id, phase=start, status="active",
                          created_at=utcnow(), created_by=uow.actor, created_by_id=uow.actor_person_id)
        uow.add(project)
        uow.flush()
        for i, (org, grade) in enumerate(orgs):
            uow.add(ProjectOwner(project_id=project.id, org_id=org.id, grade=grade, lead=i == 0))
        uow.event("project_created", {
            "code": code, "name": name, "workflow": wf.name, "workflow_version": wf.version, "phase": start,
            "owners": [{"org": o.name, "grade": g} for o, g in orgs], "created_by_id": uow.actor_person_id,
        }, project.id)
        commit_change(uow, project)
        return ProjectRow(code=code, name=name, workflow=wf.name, workflow_version=wf.version, phase=start,
                          status="active")


def list_projects(db: Database, *, phase: str | None = None, status: str | None = None) -> list[ProjectRow]:
    if status is not None:
        choose(status, wfmod.STATUSES, "status")
    with db.unit() as uow:
        q = select(Project, WorkflowDef.name, WorkflowDef.version).join(WorkflowDef).order_by(Project.code)
        if phase:
            q = q.where(Project.phase == phase)
        if status:
            q = q.where(Project.status == status)
        return [ProjectRow(code=p.code, name=p.name, workflow=wn, workflow_version=wv, phase=p.phase,
                           status=p.status)
                for p, wn, wv in uow.session.exec(q).all()]


def show_project(db: Database, *, code: str, today: dt.date) -> ProjectView:
    """Everything about one project, in the shape of ``project show --json``."""
    with db.unit() as uow:
        s = uow.session
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        gate = gate_of(uow, p)
        milestones = s.exec(select(Milestone).where(Milestone.project_id == p.id)
                            .order_by(Milestone.due, Milestone.id)).all()
        decisions = s.exec(select(Decision).where(Decision.project_id == p.id).order_by(Decision.id)).all()
        named = {m.responsible_id for m in milestones} | {d.by_id for d in decisions}
        people = dict(s.exec(select(Person.id, Person.name).where(Person.id.in_(named - {None}))).all())
        anchoring = s.exec(select(Anchoring, Org).join(Org).where(Anchoring.project_id == p.id)
                           .order_by(Anchoring.date, Anchoring.id)).all()
        goals = s.exec(select(Goal).where(Goal.project_id == p.id).order_by(Goal.id)).all()
        return ProjectView(
            code=p.code, name=p.name, workflow=wf.name, workflow_version=wf.version, phase=p.phase,
            status=p.status, round=p.round, version=p.version,
            next_decision_point=gate.decision_point.key if gate else None,
            ready=gate.ready if gate else None,
            gate_planned_on=p.gate_planned_on, created_by=p.created_by,
            owners=[Owner(org=org.name, grade=po.grade, lead=po.lead) for po, org in owners_of(uow, p)],
            roles=[RoleHolder(person=person.name, role=role) for role, person in roles_of(uow, p)],
            goals=[GoalView(id=g.id, level=g.level, text=g.text, indicator=g.indicator, target=g.target)
                   for g in goals],
            milestones=[milestone_view(m, people, today) for m in milestones],
            decisions=[DecisionView(decision_point=d.decision_point, outcome=d.outcome, by=people.get(d.by_id),
                                    date=d.date, note=d.note, round=d.round, from_phase=d.from_phase,
                                    to_phase=d.to_phase, attendees=json.loads(d.attendees)) for d in decisions],
            anchoring=[AnchoringView(org=org.name, body=a.body, ref=a.ref, date=a.date, outcome=a.outcome,
                                     kind=a.kind, valid_until=a.valid_until) for a, org in anchoring],
            **vars(time_rules_of(uow, p, today)),
        )


def time_rules_of(uow: Any, p: Project, today: dt.date) -> TimeRules:
    """What the time rules add to ``project show``: conditions, the hold, benefit follow-up."""
    from plp.services import conditions as timed_rules

    reviews = timed_rules.benefit_reviews_of(uow, p)
    return TimeRules(
        conditions=[timed_rules.condition_view(c, p.code, today) for c in timed_rules.conditions_of(uow, [p.id])],
        hold=hold_of(p),
        dormant=p.status == "on_hold" and p.dormant_since is not None,
        follow_up=p.follow_up,
        benefit_status=timed_rules.benefit_status(p, reviews, today),
        benefit_reviews=reviews,
    )


def hold_of(p: Project) -> Hold | None:
    if p.status != "on_hold" or p.held_on is None:
        return None
    return Hold(held_on=p.held_on, review_on=p.review_on, dormant_since=p.dormant_since)


def milestone_view(m: Milestone, people: dict[int | None, str], today: dt.date) -> MilestoneView:
    return MilestoneView(id=m.id, title=m.title, due=m.due, done_on=m.done_on,
                         responsible=people.get(m.responsible_id), phase=m.phase,
                         overdue=m.done_on is None and m.due < today)


def history(db: Database, *, code: str) -> list[EventView]:
    from plp.models import Event  # the history's table: not defined for the other commands here

    with db.unit() as uow:
        p = get_project(uow, code)
        events = uow.session.exec(select(Event).where(Event.project_id == p.id).order_by(Event.id)).all()
        return [EventView(id=e.id, at=e.at, actor=e.actor, kind=e.kind, data=json.loads(e.data)) for e in events]
