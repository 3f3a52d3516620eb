"""Milestones: checkable states with a due date and one responsible person."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import InvalidTransition, NotFound
from plp.models import Milestone, Person, Project
from plp.services.common import check_version, commit_change, choose, clean_text, ensure_open, get_person, get_project, not_after_today, workflow_of
from plp.services.projects import milestone_view
from plp.services.results import MilestoneRow
from plp.services.results_ops import MilestoneSaved


def check_milestone(title: str) -> None:
    """What 'milestone add' (and 'import json') accepts as a milestone's title."""
    clean_text(title, "milestone title", max_len=300)


def add_milestone(db: Database, *, code: str, title: str, due: dt.date, responsible: str,
                  if_version: int | None = None,
                  phase: str | None = None, actor: Actor) -> MilestoneSaved:
    """Add a milestone; it belongs to the project's current phase unless ``phase`` is given."""
    check_milestone(title)
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        wf = workflow_of(uow, p)
        ms_phase = choose(phase, wf.phase_keys, "phase") if phase else p.phase
        who = get_person(uow, responsible)
        permissions.check(uow, "milestone.add", p)
        uow.bump(p)
        m = Milestone(project_id=p.id, title=title, due=due, responsible_id=who.id, phase=ms_phase)
        uow.add(m)
        uow.flush()
        uow.event("milestone_added", {"milestone_id": m.id, "title": title, "due": due.isoformat(),
                                      "responsible": who.name, "responsible_id": who.id, "phase": ms_phase}, p.id)
        commit_change(uow, p)
        return MilestoneSaved(id=m.id, project=p.code, title=title, due=due, done_on=None, responsible=who.name,
                              phase=ms_phase)


def complete_milestone(db: Database, *, code: str, milestone_id: int, on: dt.date, today: dt.date,
                       actor: Actor, if_version: int | None = None) -> MilestoneSaved:
    not_after_today(on, today, "completion date")
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        m = uow.session.get(Milestone, milestone_id)
        if m is None or m.project_id != p.id:
            raise NotFound(f"project {p.code} has no milestone {milestone_id} (see 'plp milestone list {p.code}')")
        if m.done_on is not None:
            raise InvalidTransition(f"milestone {milestone_id} was already done on {m.done_on.isoformat()}")
        permissions.check(uow, "milestone.done", p, responsible_id=m.responsible_id)
        uow.bump(p)
        m.done_on = on
        uow.add(m)
        uow.event("milestone_done", {"milestone_id": m.id, "title": m.title, "done_on": on.isoformat()}, p.id)
        saved = MilestoneSaved(id=m.id, project=p.code, title=m.title, due=m.due, done_on=on,
                               responsible=uow.session.get(Person, m.responsible_id).name, phase=m.phase)
        commit_change(uow, p)
        return saved


def list_milestones(db: Database, *, code: str | None, overdue: bool, today: dt.date) -> list[MilestoneRow]:
    with db.unit() as uow:
        q = select(Milestone, Project.code).join(Project).order_by(Milestone.due, Milestone.id)
        if code:
            q = q.where(Milestone.project_id == get_project(uow, code).id)
        if overdue:
            q = q.where(Milestone.done_on.is_(None), Milestone.due < today)
        people = {pr.id: pr.name for pr in uow.session.exec(select(Person)).all()}
        return [MilestoneRow(project=pc, **vars(milestone_view(m, people, today)))
                for m, pc in uow.session.exec(q).all()]
