"""Publishing a project's results on the public page (``/public``).

Publishing does not touch the project's version: it changes nothing a decision
depends on, so an open decision form stays valid.

The public page shows a published project's phase, milestones reached, owners,
goals and the people in its roles, and nothing else: no notes, no responsible
persons, no decision log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database, utcnow
from plp.models import Goal, Milestone, Org, Person, Project, ProjectOwner, Publication, RoleAssignment
from plp.services import timed_report
from plp.services.common import check_version, get_project, workflow_of
from plp.services.reporting import goal_groups
from plp.services.results import Owner
from plp.services.results_web import PublicProject, PublicRole, ReachedMilestone
from plp.texts import Labels


def publish(db: Database, *, code: str, undo: bool = False, actor: Actor,
            if_version: int | None = None) -> bool:
    """Publish (or with ``undo`` withdraw) the project; False when it already was so."""
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        permissions.check(uow, "project.publish", p)
        row = uow.session.get(Publication, p.id)
        if (row is None) == undo:
            return False
        uow.end_read()
        if undo:
            uow.session.delete(uow.session.get(Publication, p.id))
            uow.event("project_unpublished", {"code": p.code}, p.id)
        else:
            uow.insert(Publication, project_id=p.id, published_at=utcnow(), published_by=uow.actor)
            uow.event("project_published", {"code": p.code}, p.id)
        uow.commit()
        return True


def public_projects(db: Database, *, today: dt.date, lang: str) -> list[PublicProject]:
    """The published projects, with only what may be shown to anyone.

    Set-based, as the portfolio is: a few queries for all published projects (the
    page needs no sign-in, so it must stay cheap however many are published).
    """
    t = Labels(lang)
    with db.unit() as uow:
        s = uow.session
        projects = s.exec(select(Project).join(Publication, Publication.project_id == Project.id)
                          .order_by(Project.code)).all()
        ids = [p.id for p in projects]
        owners = _grouped(s.exec(select(ProjectOwner.project_id, ProjectOwner, Org)
                                 .join(Org, Org.id == ProjectOwner.org_id)
                                 .where(ProjectOwner.project_id.in_(ids)).order_by(ProjectOwner.id)))
        roles = _grouped(s.exec(select(RoleAssignment.project_id, RoleAssignment.role, Person.name)
                                .join(Person, Person.id == RoleAssignment.person_id)
                                .where(RoleAssignment.project_id.in_(ids)).order_by(RoleAssignment.id)))
        goals = _grouped(s.exec(select(Goal.project_id, Goal).where(Goal.project_id.in_(ids)).order_by(Goal.id)))
        reached = _grouped(s.exec(select(Milestone.project_id, Milestone.title, Milestone.done_on)
                                  .where(Milestone.project_id.in_(ids), Milestone.done_on.is_not(None))
                                  .order_by(Milestone.due, Milestone.id)))
        out = []
        for p in projects:
            wf = workflow_of(uow, p)
            benefit = timed_report.portfolio_fields(uow, p, today).benefit_status
            out.append(PublicProject(
                code=p.code, name=p.name, phase_label=wf.phase_label(p.phase, lang), status=p.status,
                status_label=timed_report.status_label(p, wf.statuses[p.status].get(lang), t, benefit),
                owners=[Owner(org=org.name, grade=po.grade, lead=po.lead) for po, org in owners.get(p.id, [])],
                roles=[PublicRole(person=name,
                                  role_label=wf.roles[role].labels.get(lang) if role in wf.roles else role)
                       for role, name in roles.get(p.id, [])],
                goals=goal_groups(wf, [g for (g,) in goals.get(p.id, [])], lang),
                reached=[ReachedMilestone(title=title, done_on=done_on) for title, done_on in reached.get(p.id, [])],
            ))
    return out


def _grouped(rows: Any) -> dict[int, list[tuple]]:
    """project id -> the rest of each row, in the rows' order."""
    out: dict[int, list[tuple]] = {}
    for pid, *rest in rows:
        out.setdefault(pid, []).append(tuple(rest))
    return out

