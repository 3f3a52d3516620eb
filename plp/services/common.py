"""Lookups and checks shared by the use cases."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
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
    """Refuse empty text, control characters and absurd lengths; keep everything else exactly.

    Refused because some output cannot carry them: control characters (terminals act
    on them, XML and PostgreSQL refuse NUL), lone surrogates (not encodable as UTF-8)
    and the non-characters U+FFFE and U+FFFF (not allowed in XML, so not in an SVG
    chart). Every other character, right-to-left marks and emoji included, is kept and
    shown literally (see "Text is data" in the README).
    """
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
        if ch in "\ufffe\uffff":
            raise InvalidInput(f"{what} contains U+{ord(ch):04X}, which is not a character")
    return value


def check_code(code: str) -> str:
    if not _CODE.match(code):
        raise InvalidInput(f"invalid project code '{_short(code)}': use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit")
    return code


def _short(value: str, n: int = 40) -> str:
    value = value.encode("unicode_escape").decode("ascii")
    return value if len(value) <= n else value[:n] + "..."


@cache
def _project_by_code():
    """Statements here are built once, on first use (building one costs more than running it on SQLite)."""
    from sqlalchemy import bindparam

    return select(Project).where(Project.code == bindparam("code"))


def get_project(uow: UnitOfWork, code: str) -> Project:
    p = uow.session.execute(_project_by_code(), {"code": code}).scalars().first()
    if p is None:
        raise NotFound(f"unknown project '{_short(code)}' (see 'plp project list')")
    return p


@cache
def _project_with_sha():
    from sqlalchemy import bindparam
    from sqlalchemy import select as core_select

    t, w = Project.__table__, WorkflowDef.__table__
    return (core_select(t, w.c.sha256.label("workflow_sha256"))
            .join(w, w.c.id == t.c.workflow_id).where(t.c.code == bindparam("code")))


def get_project_and_workflow(uow: UnitOfWork, code: str) -> tuple[Any, Workflow]:
    """The project's columns and its workflow version in one statement (see :func:`workflow_of`).

    The project is a plain record of its columns (no ORM object to load and track):
    for a change that writes it through :meth:`UnitOfWork.bump` only.
    """
    from types import SimpleNamespace

    row = uow.session.connection().execute(_project_with_sha(), {"code": code}).first()
    if row is None:
        raise NotFound(f"unknown project '{_short(code)}' (see 'plp project list')")
    values = dict(row._mapping)
    sha = values.pop("workflow_sha256")
    project = SimpleNamespace(**values)
    wf = _WORKFLOWS.get(sha)
    if wf is None:
        table = WorkflowDef.__table__
        definition = uow.session.connection().execute(
            select(table.c.definition).where(table.c.id == project.workflow_id)).scalar_one()
        wf = parsed_workflow(sha, definition)
    uow.cache[("workflow", project.workflow_id)] = wf
    return project, wf


def get_org(uow: UnitOfWork, name: str) -> Org:
    org = uow.session.exec(select(Org).where(func.lower(Org.name) == name.lower())).first()
    if org is None:
        raise NotFound(f"unknown organisation '{_short(name)}' (add it with 'plp org add')")
    return org


def find_person(uow: UnitOfWork, ref: str) -> Person | None:
    """A person by id, email or exact name; None when nobody matches."""
    return _one_of(people_matching(uow, ref), ref)


def _one_of(matches: list[Any], ref: str) -> Any:
    if len(matches) > 1:
        raise InvalidInput(f"{len(matches)} people are called '{_short(ref)}'; use the email or id")
    return matches[0] if matches else None


def people_matching(uow: UnitOfWork, ref: str) -> list[Person]:
    """The people ``ref`` names: by id, else by email, else by exact name, else by name in any case."""
    s = uow.session
    return _matching(lambda stmt, value: s.execute(stmt, {"ref": value}).scalars(), _people_by(False), ref)


def person_row(uow: UnitOfWork, ref: str) -> Any:
    """The id and name of the person ``ref`` names, as :func:`get_person` finds them.

    The same lookup order and the same refusals, read as a plain row (no ORM object):
    for a change that needs only who it is, such as the decider of a decision.
    """
    conn = uow.session.connection()
    p = _one_of(_matching(lambda stmt, value: conn.execute(stmt, {"ref": value}), _people_by(True), ref), ref)
    if p is None:
        raise NotFound(f"unknown person '{_short(ref)}' (add them with 'plp person add')")
    return p


def _matching(run: Any, statements: tuple, ref: str) -> list[Any]:
    """The lookup order of :func:`people_matching`, over the statements of ORM objects or of rows."""
    by_id, by_email, by_name, by_any_case = statements
    ref = ref.strip()
    if ref.isdigit():
        p = run(by_id, int(ref)).first()
        if p:
            return [p]
    if "@" in ref:
        p = run(by_email, ref.lower()).first()
        if p:
            return [p]
    matches = run(by_name, ref).all()
    if not matches:
        matches = run(by_any_case, ref.lower()).all()
    return list(matches)


@cache
def _people_by(rows: bool) -> tuple:
    """The four lookups of a person (id, email, exact name, name in any case): ORM objects, or (id, name) rows."""
    from sqlalchemy import bindparam
    from sqlalchemy import select as core_select

    ref_ = bindparam("ref")
    t = Person.__table__
    if rows:
        base = core_select(t.c.id, t.c.name)
        email, name = t.c.email, t.c.name
    else:
        base, email, name = select(Person), Person.email, Person.name
    return (base.where(t.c.id == ref_ if rows else Person.id == ref_),
            base.where(func.lower(email) == ref_).limit(1),
            base.where(name == ref_),
            base.where(func.lower(name) == ref_))


def names_of(uow: UnitOfWork, refs: list[str] | None) -> list[str]:
    """The names of the people ``refs`` name (each must exist), in order, each once."""
    names: list[str] = []
    for ref in refs or []:
        name = get_person(uow, ref).name
        if name not in names:
            names.append(name)
    return names


def get_person(uow: UnitOfWork, ref: str) -> Person:
    p = find_person(uow, ref)
    if p is None:
        raise NotFound(f"unknown person '{_short(ref)}' (add them with 'plp person add')")
    return p


def workflow_of(uow: UnitOfWork, project: Project) -> Workflow:
    """The workflow version the project runs on: the stored copy, not today's file.

    Stored versions never change: the definition is read and parsed only the first
    time a process meets its content hash.
    """
    cached = uow.cache.get(("workflow", project.workflow_id))
    if cached is not None:
        return cached
    conn = uow.session.connection()
    table = WorkflowDef.__table__
    sha = conn.execute(select(table.c.sha256).where(table.c.id == project.workflow_id)).scalar_one()
    wf = _WORKFLOWS.get(sha)
    if wf is None:
        definition = conn.execute(select(table.c.definition).where(table.c.id == project.workflow_id)).scalar_one()
        wf = parsed_workflow(sha, definition)
    uow.cache[("workflow", project.workflow_id)] = wf
    return wf


_WORKFLOWS: dict[str, Workflow] = {}


def parsed_workflow(sha: str, definition: str) -> Workflow:
    """A stored workflow version, parsed once per process (found again by its content hash)."""
    wf = _WORKFLOWS.get(sha)
    if wf is None:
        wf = _WORKFLOWS[sha] = Workflow.from_json(definition)
    return wf


def workflow_label_of(uow: UnitOfWork, project: Project) -> tuple[str, int]:
    wf = workflow_of(uow, project)
    return wf.name, wf.version


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


@cache
def _fact_statements():
    """The queries behind :func:`facts_for`, built once (Core, an expanding list of project ids)."""
    from sqlalchemy import bindparam
    from sqlalchemy import select as core_select

    pids = bindparam("pids", expanding=True)
    ra, pe, go, ct, po, og, an, ms = (RoleAssignment.__table__, Person.__table__, Goal.__table__,
                                      ChecklistTick.__table__, ProjectOwner.__table__, Org.__table__,
                                      Anchoring.__table__, Milestone.__table__)
    return (
        core_select(ra.c.project_id, ra.c.role, pe.c.id, pe.c.name).join(pe, pe.c.id == ra.c.person_id)
        .where(ra.c.project_id.in_(pids)).order_by(ra.c.id),
        core_select(go.c.project_id, go.c.level).where(go.c.project_id.in_(pids)).distinct(),
        core_select(ct.c.project_id, ct.c.item_key).where(ct.c.project_id.in_(pids)),
        core_select(po.c.project_id, og.c.name, po.c.grade).join(og, og.c.id == po.c.org_id)
        .where(po.c.project_id.in_(pids)).order_by(po.c.id),
        core_select(an.c.project_id, og.c.name, an.c.body, an.c.kind, an.c.outcome, an.c.date, an.c.ref, an.c.id)
        .join(og, og.c.id == an.c.org_id).where(an.c.project_id.in_(pids)),
        core_select(ms.c.project_id, ms.c.id, ms.c.title, ms.c.phase)
        .where(ms.c.project_id.in_(pids), ms.c.done_on.is_(None)).order_by(ms.c.due, ms.c.id),
    )


def facts_of(uow: UnitOfWork, project: Project) -> engine.GateFacts:
    """Everything the gate criteria look at for one project, in one statement (a round trip)."""
    facts = engine.GateFacts(phase=project.phase, status=project.status)
    for kind, _, _, num, a, b, c, d, e, day in uow.session.connection().execute(_one_project_facts(),
                                                                                {"pid": project.id}):
        if kind == 1:
            facts.roles.setdefault(a, []).append(b)
            facts.holders.setdefault(a, set()).add(num)
        elif kind == 2:
            facts.goal_levels.add(a)
        elif kind == 3:
            facts.ticked.add(a)
        elif kind == 4:
            facts.owners.append(engine.OwnerFact(a, b))
        elif kind == 5:
            facts.anchoring.append(engine.AnchorFact(a, b, c, d, day, e, num))
        else:
            facts.open_milestones.setdefault(b, []).append(f"#{num} {a}")
    return facts


@cache
def _one_project_facts():
    """The six queries of :func:`facts_for` for one project as one UNION ALL, in their order.

    Each row is (kind, sort date, sort number, number, five texts, date); what a kind
    does not use is a typed NULL, so both SQLite and PostgreSQL see one row type.
    """
    from sqlalchemy import Date, Integer, String, bindparam, cast, literal, null, union_all
    from sqlalchemy import select as core_select

    pid = bindparam("pid", type_=Integer)
    ra, pe, go, ct, po, og, an, ms = (RoleAssignment.__table__, Person.__table__, Goal.__table__,
                                      ChecklistTick.__table__, ProjectOwner.__table__, Org.__table__,
                                      Anchoring.__table__, Milestone.__table__)
    no_int, no_text, no_date = cast(null(), Integer), cast(null(), String), cast(null(), Date)

    def row(kind, sort_day, sort_num, num, *texts, day=no_date):
        texts = list(texts) + [no_text] * (5 - len(texts))
        columns = [literal(kind, Integer), sort_day, sort_num, num, *texts, day]
        return core_select(*(c.label(f"c{n}") for n, c in enumerate(columns)))

    q = union_all(
        row(1, no_date, ra.c.id, pe.c.id, ra.c.role, pe.c.name).select_from(ra.join(pe, pe.c.id == ra.c.person_id))
        .where(ra.c.project_id == pid),
        row(2, no_date, no_int, no_int, go.c.level).where(go.c.project_id == pid),
        row(3, no_date, no_int, no_int, ct.c.item_key).where(ct.c.project_id == pid),
        row(4, no_date, po.c.id, no_int, og.c.name, po.c.grade).select_from(po.join(og, og.c.id == po.c.org_id))
        .where(po.c.project_id == pid),
        row(5, no_date, an.c.id, an.c.id, og.c.name, an.c.body, an.c.kind, an.c.outcome, an.c.ref, day=an.c.date)
        .select_from(an.join(og, og.c.id == an.c.org_id)).where(an.c.project_id == pid),
        row(6, ms.c.due, ms.c.id, ms.c.id, ms.c.title, ms.c.phase).where(ms.c.project_id == pid,
                                                                          ms.c.done_on.is_(None)),
    )
    return q.order_by(q.selected_columns.c0, q.selected_columns.c1, q.selected_columns.c2)


def facts_for(uow: UnitOfWork, projects: list[Project]) -> dict[int, engine.GateFacts]:
    """Gate facts for many projects in six set-based queries (per 500 projects)."""
    q_roles, q_goals, q_ticks, q_owners, q_anchoring, q_open = _fact_statements()
    conn = uow.session.connection()
    out = {p.id: engine.GateFacts(phase=p.phase, status=p.status) for p in projects}
    ids = list(out)
    for i in range(0, len(ids), 500):
        params = {"pids": ids[i:i + 500]}
        for pid, role, person_id, name in conn.execute(q_roles, params):
            out[pid].roles.setdefault(role, []).append(name)
            out[pid].holders.setdefault(role, set()).add(person_id)
        for pid, level in conn.execute(q_goals, params):
            out[pid].goal_levels.add(level)
        for pid, key in conn.execute(q_ticks, params):
            out[pid].ticked.add(key)
        for pid, name, grade in conn.execute(q_owners, params):
            out[pid].owners.append(engine.OwnerFact(name, grade))
        for pid, *row in conn.execute(q_anchoring, params):
            out[pid].anchoring.append(engine.AnchorFact(*row))
        for pid, mid, title, phase in conn.execute(q_open, params):
            out[pid].open_milestones.setdefault(phase, []).append(f"#{mid} {title}")
    return out


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


def check_version(project: Project, if_version: int | None) -> None:
    """Refuse a change made from a page that showed an older version of the project."""
    if if_version is not None and project.version != if_version:
        from plp.errors import ConcurrentChange

        raise ConcurrentChange(f"project {project.code} was changed meanwhile (version {project.version}, "
                               f"you read {if_version}); reload and try again")


def ensure_open(project: Project) -> None:
    """Completed and stopped projects are a closed record: nothing changes them."""
    if project.status in engine.END_STATES:
        raise InvalidTransition(f"project {project.code} is {project.status}; it can no longer be changed")


def not_after_today(day: "dt.date", today: "dt.date", what: str) -> "dt.date":
    if day > today:
        raise InvalidInput(f"{what} {day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def commit_change(uow: UnitOfWork, project: Project, facts: engine.GateFacts | None = None) -> None:
    """Commit a change to a project, keeping ``ready_since`` true to the new state.

    The gate is evaluated inside the write transaction, on the rows just written;
    pass ``facts`` when the change cannot have altered them (a decision moves the
    phase, nothing else).
    """
    from sqlalchemy import update

    from plp.db import utcnow

    uow.flush()
    if facts is None or project.status in engine.END_STATES:
        gate = gate_of(uow, project)
    else:
        gate = engine.gate_status(workflow_of(uow, project), facts)
    ready = bool(gate and gate.ready)
    since = project.ready_since if ready else None
    if ready and since is None:
        since = utcnow()
    if since != project.ready_since:
        uow.session.execute(update(Project).where(Project.id == project.id).values(ready_since=since)
                            .execution_options(synchronize_session=False))
        project.ready_since = since
    uow.commit()
