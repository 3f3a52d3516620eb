"""Roles and goals: who is in the project, and what it aims at."""

from __future__ import annotations

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import AlreadyExists, NotFound
from plp.models import Goal, RoleAssignment
from plp.services.results import GoalView
from plp.services.common import check_version, commit_change, choose, clean_text, ensure_open, get_person, get_project, workflow_of
from plp.workflow import GOAL_LEVELS


def assign_role(db: Database, *, code: str, person: str, role: str, actor: Actor,
                if_version: int | None = None) -> list[str]:
    """Give ``person`` a role; for a single-holder role (sponsor, leader) replace the holder.

    Returns the names of the people the role was taken from.
    """
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        wf = workflow_of(uow, p)
        choose(role, wf.roles, "role")
        permissions.check(uow, "role.assign", p)
        who = get_person(uow, person)
        held = uow.session.exec(select(RoleAssignment).where(RoleAssignment.project_id == p.id,
                                                             RoleAssignment.role == role)).all()
        if any(ra.person_id == who.id for ra in held):
            raise AlreadyExists(f"{who.name} already holds the role {role} in {p.code}")
        replaced = [ra for ra in held] if wf.roles[role].single else []
        replaced_names = [get_person(uow, str(ra.person_id)).name for ra in replaced]
        uow.bump(p)
        for ra in replaced:
            uow.session.delete(ra)
        assignment = RoleAssignment(project_id=p.id, person_id=who.id, role=role)
        uow.add(assignment)
        uow.flush()
        # Ids let 'audit verify' replay exactly which rows this change made and removed.
        uow.event("role_assigned", {"person": who.name, "role": role, "replaced": replaced_names,
                                    "assignment_id": assignment.id, "person_id": who.id,
                                    "replaced_ids": [ra.id for ra in replaced]}, p.id)
        commit_change(uow, p)
        return replaced_names


def remove_role(db: Database, *, code: str, person: str, role: str, actor: Actor,
                if_version: int | None = None) -> None:
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        permissions.check(uow, "role.assign", p)
        who = get_person(uow, person)
        ra = uow.session.exec(select(RoleAssignment).where(
            RoleAssignment.project_id == p.id, RoleAssignment.person_id == who.id,
            RoleAssignment.role == role)).first()
        if ra is None:
            raise NotFound(f"{who.name} does not hold the role {role} in {p.code}")
        uow.bump(p)
        uow.session.delete(ra)
        uow.event("role_removed", {"person": who.name, "role": role, "assignment_id": ra.id, "person_id": who.id},
                  p.id)
        commit_change(uow, p)


def check_goal(level: str, text: str, indicator: str | None, target: str | None) -> None:
    """What 'goal add' (and 'import json') accepts as a goal."""
    choose(level, GOAL_LEVELS, "goal level")
    clean_text(text, "goal text", multiline=True, max_len=2000)
    clean_text(indicator, "indicator", max_len=500, required=False)
    clean_text(target, "target", max_len=500, required=False)


def add_goal(db: Database, *, code: str, level: str, text: str, indicator: str | None = None,
             if_version: int | None = None,
             target: str | None = None, actor: Actor) -> GoalView:
    check_goal(level, text, indicator, target)
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        permissions.check(uow, "goal.add", p)
        uow.bump(p)
        goal = Goal(project_id=p.id, level=level, text=text, indicator=indicator, target=target)
        uow.add(goal)
        uow.flush()
        uow.event("goal_added", {"goal_id": goal.id, "level": level, "text": text, "indicator": indicator,
                                 "target": target}, p.id)
        commit_change(uow, p)
        return GoalView(id=goal.id, level=level, text=text, indicator=indicator, target=target)
