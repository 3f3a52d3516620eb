"""Lookups and checks shared by the use cases."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from plp import engine
from plp.db import UnitOfWork
from plp.errors import InvalidInput, InvalidTransition, NotFound
from plp.models import (
    Anchoring,
    ChecklistTick,
    Goal,
    Milestone,
    Org,
    Person,
    Project,
    ProjectOwner,
    RoleAssignment,
    WorkflowDef,
)
from plp.workflow import Workflow

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_TEXT = 10_000


def clean_text(value: str | None, what: str, *, multiline: bool = False, max_len: int = 500,
               required: bool = True) -> str | None:
    """Refuse empty text, control characters and absurd lengths; keep everything else exactly."""
    if value is None or value == "":
        if required:
            raise InvalidInput(f"{what} must not be empty")
        return None
    if not value.strip():
        raise InvalidInput(f"{what} must not be blank")
    if len(value) > max_len:
        raise InvalidInput(f"{what} is too long ({len(value)} characters; at most {max_len})")
    allowed = "\n\t" if multiline else ""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InvalidInput(f"{what} contains a control character ({ch!r})")
    return value


def check_code(code: str) -> str:
    if not _CODE.match(code):
        raise InvalidInput(f"invalid project code '{_short(code)}': use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit")
    return code


def _short(value: str, n: int = 40) -> str:
    value = value.encode("unicode_escape").decode("ascii")
    return value if len(value) <= n else value[:n] + "..."


def get_project(uow: UnitOfWork, code: str) -> Project:
    p = uow.session.exec(select(Project).where(Project.code == code)).first()
    if p is None:
        raise NotFound(f"unknown project '{_short(code)}' (see 'plp project list')")
    return p


def get_org(uow: UnitOfWork, name: str) -> Org:
    org = uow.session.exec(select(Org).where(func.lower(Org.name) == name.lower())).first()
    if org is None:
        raise NotFound(f"unknown organisation '{_short(name)}' (add it with 'plp org add')")
    return org


def find_person(uow: UnitOfWork, ref: str) -> Person | None:
    """A person by id, email or exact name; None when nobody matches."""
    s = uow.session
    ref = ref.strip()
    if ref.isdigit():
        p = s.get(Person, int(ref))
        if p:
            return p
    if "@" in ref:
        p = s.exec(select(Person).where(func.lower(Person.email) == ref.lower())).first()
        if p:
            return p
    matches = s.exec(select(Person).where(Person.name == ref)).all()
    if not matches:
        matches = s.exec(select(Person).where(func.lower(Person.name) == ref.lower())).all()
    if len(matches) > 1:
        raise InvalidInput(f"'{_short(ref)}' names {len(matches)} people; use the email or id instead")
    return matches[0] if matches else None


def get_person(uow: UnitOfWork, ref: str) -> Person:
    p = find_person(uow, ref)
    if p is None:
        raise NotFound(f"unknown person '{_short(ref)}' (add them with 'plp person add')")
    return p


def workflow_of(uow: UnitOfWork, project: Project) -> Workflow:
    """The workflow version the project runs on: the stored copy, not today's file."""
    row = uow.session.get(WorkflowDef, project.workflow_id)
    assert row is not None
    return _parse_def(row.id, row.definition)


_DEF_CACHE: dict[tuple[int, str], Workflow] = {}


def _parse_def(row_id: int | None, definition: str) -> Workflow:
    key = (row_id or 0, definition)
    wf = _DEF_CACHE.get(key)
    if wf is None:
        wf = _DEF_CACHE[key] = Workflow.from_json(definition)
    return wf


def workflow_label_of(uow: UnitOfWork, project: Project) -> tuple[str, int]:
    row = uow.session.get(WorkflowDef, project.workflow_id)
    assert row is not None
    return row.name, row.version


def roles_of(uow: UnitOfWork, project: Project) -> list[tuple[str, Person]]:
    rows = uow.session.exec(
        select(RoleAssignment, Person).join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.project_id == project.id).order_by(RoleAssignment.id)
    ).all()
    return [(ra.role, person) for ra, person in rows]


def owners_of(uow: UnitOfWork, project: Project) -> list[tuple[ProjectOwner, Org]]:
    return list(uow.session.exec(
        select(ProjectOwner, Org).join(Org, Org.id == ProjectOwner.org_id)
        .where(ProjectOwner.project_id == project.id).order_by(ProjectOwner.id)
    ).all())


def facts_of(uow: UnitOfWork, project: Project) -> engine.GateFacts:
    """Everything the gate criteria look at, read in a handful of queries."""
    s = uow.session
    roles: dict[str, list[str]] = {}
    for role, person in roles_of(uow, project):
        roles.setdefault(role, []).append(person.name)
    levels = set(s.exec(select(Goal.level).where(Goal.project_id == project.id)).all())
    ticked = set(s.exec(select(ChecklistTick.item_key).where(ChecklistTick.project_id == project.id)).all())
    owners = [engine.OwnerFact(org.name, po.grade) for po, org in owners_of(uow, project)]
    anchoring = [
        engine.AnchorFact(org.name, a.body, a.kind, a.outcome, a.date, a.ref, a.id or 0)
        for a, org in s.exec(select(Anchoring, Org).join(Org, Org.id == Anchoring.org_id)
                             .where(Anchoring.project_id == project.id)).all()
    ]
    open_ms: dict[str, list[str]] = {}
    for m in s.exec(select(Milestone).where(Milestone.project_id == project.id, Milestone.done_on.is_(None))
                    .order_by(Milestone.due, Milestone.id)).all():
        open_ms.setdefault(m.phase, []).append(f"#{m.id} {m.title}")
    return engine.GateFacts(phase=project.phase, status=project.status, roles=roles, goal_levels=levels,
                            ticked=ticked, owners=owners, anchoring=anchoring, open_milestones=open_ms)


def gate_of(uow: UnitOfWork, project: Project) -> engine.GateStatus | None:
    """The next decision point's status, or None for a completed or stopped project."""
    if project.status in engine.END_STATES:
        return None
    return engine.gate_status(workflow_of(uow, project), facts_of(uow, project))




def choose(value: str, options: Any, what: str) -> str:
    """``value`` if it is one of ``options``, else a clear error listing them."""
    options = list(options)
    if value not in options:
        raise InvalidInput(f"unknown {what} '{_short(value)}' (choose one of: {', '.join(options)})")
    return value


def ensure_open(project: Project) -> None:
    """Completed and stopped projects are a closed record: nothing changes them."""
    if project.status in engine.END_STATES:
        raise InvalidTransition(f"project {project.code} is {project.status}; it can no longer be changed")


def not_after_today(day: "dt.date", today: "dt.date", what: str) -> "dt.date":
    if day > today:
        raise InvalidInput(f"{what} {day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def commit_change(uow: UnitOfWork, project: Project) -> None:
    """Commit a change to a project, keeping ``ready_since`` true to the new state.

    The gate is evaluated inside the write transaction, on the rows just written.
    """
    from sqlalchemy import update

    from plp.db import utcnow

    uow.flush()
    gate = gate_of(uow, project)
    ready = bool(gate and gate.ready)
    since = project.ready_since if ready else None
    if ready and since is None:
        since = utcnow()
    if since != project.ready_since:
        uow.session.execute(update(Project).where(Project.id == project.id).values(ready_since=since)
                            .execution_options(synchronize_session=False))
        project.ready_since = since
    uow.commit()
