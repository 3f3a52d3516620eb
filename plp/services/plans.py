"""The region's strategic plan and its joint measures (fellestiltak).

A plan has a code (like a project) and an optional period of years. Each joint
measure belongs to one plan, has one responsible municipality and any number of
supporting ones, and can be linked to the projects that carry it out. A measure is
named by its id (shown by ``measure add`` and ``measure list``).

Every change writes one event. Measure events belong to no project (``project_id``
is empty); their data names the plan, the measure and, for a link, the project.
A status change is a guarded ``UPDATE ... WHERE version = :read``, like a project's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, update
from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database, UnitOfWork
from plp.errors import AlreadyExists, ConcurrentChange, InvalidInput, InvalidTransition, NotFound
from plp.models import Measure, MeasureProject, MeasureSupport, Org, Plan, Project
from plp.services.common import _short, check_code, choose, clean_text, get_org, get_project
from plp.services.results_ops import MeasureLinked, MeasureRef, PlanRef, PlanRow
from plp.services.results_plans import MeasureRole, MeasureRow, OrgMeasure
from plp.services.results_reports import values_of

MEASURE_STATUSES = ("not_started", "in_progress", "done", "dropped")
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def parse_period(period: str | None) -> tuple[int | None, int | None]:
    """``2015-2019`` (or one year, ``2016``) as (first, last) year."""
    if period is None:
        return None, None
    m = _PERIOD.match(period.strip())
    if not m:
        raise InvalidInput(f"invalid period '{_short(period)}': use YEAR-YEAR, e.g. 2015-2019")
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise InvalidInput(f"invalid period '{period}': {last} is before {first}")
    return first, last


def period_text(first: int | None, last: int | None) -> str | None:
    if first is None:
        return None
    return str(first) if first == last else f"{first}–{last}"


def get_plan(uow: UnitOfWork, code: str) -> Plan:
    plan = uow.session.exec(select(Plan).where(func.lower(Plan.code) == code.lower())).first()
    if plan is None:
        raise NotFound(f"unknown plan '{_short(code)}' (see 'plp plan list')")
    return plan


def get_measure(uow: UnitOfWork, ref: str | int) -> Measure:
    text = str(ref).strip().lstrip("#")
    measure = uow.session.get(Measure, int(text)) if text.isdigit() else None
    if measure is None:
        raise NotFound(f"unknown measure '{_short(str(ref))}': name a measure by its id (see 'plp measure list')")
    return measure


def check_plan(code: str, title: str) -> None:
    """What 'plan add' (and 'import json') accepts as a plan's code and title."""
    try:
        check_code(code)
    except InvalidInput:
        raise InvalidInput(f"invalid plan code '{_short(code)}': use 1-64 letters, digits, '-', '_' or '.', "
                           "starting with a letter or digit") from None
    clean_text(title, "plan title", max_len=300)


def check_measure(title: str, status: str, note: str | None) -> None:
    """What 'measure add' and 'measure status' (and 'import json') accept."""
    clean_text(title, "measure title", max_len=300)
    choose(status, MEASURE_STATUSES, "measure status")
    clean_text(note, "note", multiline=True, max_len=5000, required=False)


def add_plan(db: Database, *, code: str, title: str, period: str | None = None, now: dt.datetime,
             actor: Actor) -> PlanRef:
    check_plan(code, title)
    first, last = parse_period(period)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        if uow.session.exec(select(Plan).where(func.lower(Plan.code) == code.lower())).first():
            raise AlreadyExists(f"a plan with code '{code}' already exists")
        uow.end_read()
        plan = Plan(code=code, title=title, period_start=first, period_end=last, created_at=now)
        uow.add(plan)
        uow.flush()
        uow.event("plan_added", {"plan_id": plan.id, "plan": code, "title": title,
                                 "period": period_text(first, last)})
        uow.commit()
        return PlanRef(id=plan.id, code=code, title=title)


def list_plans(db: Database) -> list[PlanRow]:
    with db.unit() as uow:
        counts = dict(uow.session.exec(select(Measure.plan_id, func.count(Measure.id)).group_by(Measure.plan_id)).all())
        return [PlanRow(id=p.id, code=p.code, title=p.title, period=period_text(p.period_start, p.period_end),
                        measures=counts.get(p.id, 0))
                for p in uow.session.exec(select(Plan).order_by(Plan.code)).all()]


def add_measure(db: Database, *, plan: str, title: str, responsible: str, supporting: list[str] | None = None,
                now: dt.datetime, actor: Actor) -> MeasureRef:
    """Add a joint measure with its responsible municipality and the supporting ones."""
    clean_text(title, "measure title", max_len=300)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        plan_row = get_plan(uow, plan)
        lead = get_org(uow, responsible)
        helpers: list[Org] = []
        for name in supporting or []:
            org = get_org(uow, name)
            if org.id == lead.id:
                raise InvalidInput(f"{org.name} is responsible for the measure; it cannot also be supporting")
            if any(h.id == org.id for h in helpers):
                raise InvalidInput(f"supporting organisation '{org.name}' is given twice")
            helpers.append(org)
        uow.end_read()
        measure = Measure(plan_id=plan_row.id, title=title, responsible_org_id=lead.id, created_at=now,
                          changed_at=now)
        uow.add(measure)
        uow.flush()
        uow.add(*[MeasureSupport(measure_id=measure.id, org_id=h.id) for h in helpers])
        uow.event("measure_added", {"measure_id": measure.id, "plan": plan_row.code, "plan_id": plan_row.id,
                                    "title": title, "responsible": lead.name, "responsible_org_id": lead.id, "supporting": [h.name for h in helpers]})
        uow.commit()
        return measure_ref(measure)


def measure_ref(m: Measure) -> MeasureRef:
    return MeasureRef(id=m.id, title=m.title, status=m.status, version=m.version)


def check_measure_version(measure: Measure, if_version: int | None) -> None:
    """Refuse a change made from a page that showed an older version of the measure."""
    if if_version is not None and measure.version != if_version:
        raise ConcurrentChange(f"measure {measure.id} was changed meanwhile (version {measure.version}, "
                               f"you read {if_version}); reload and try again")


def _touch(uow: UnitOfWork, measure: Measure, now: dt.datetime, **changes: Any) -> None:
    """Write ``changes`` (and the change time) if nobody changed the measure since we read it."""
    uow.end_read()
    result = uow.session.execute(
        update(Measure).where(Measure.id == measure.id, Measure.version == measure.version)
        .values(version=measure.version + 1, changed_at=now, **changes)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        uow.session.rollback()
        raise ConcurrentChange(f"measure {measure.id} was changed meanwhile by someone else; reload and try again")
    measure.version += 1
    measure.changed_at = now
    for k, v in changes.items():
        setattr(measure, k, v)


def link_measure(db: Database, *, measure: str, project: str, now: dt.datetime, actor: Actor,
                 if_version: int | None = None) -> MeasureLinked:
    """Link a project to the joint measure it carries out; ``if_version`` is the measure's version read."""
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        m = get_measure(uow, measure)
        check_measure_version(m, if_version)
        p = get_project(uow, project)
        if uow.session.exec(select(MeasureProject).where(MeasureProject.measure_id == m.id,
                                                         MeasureProject.project_id == p.id)).first():
            raise AlreadyExists(f"project {p.code} is already linked to measure {m.id}")
        _touch(uow, m, now)
        uow.add(MeasureProject(measure_id=m.id, project_id=p.id))
        uow.event("measure_linked", {"measure_id": m.id, "title": m.title, "project": p.code})
        uow.commit()
        return MeasureLinked(measure=measure_ref(m), project=p.code)


def set_measure_status(db: Database, *, measure: str, status: str, note: str | None = None, now: dt.datetime,
                       if_version: int | None = None,
                       actor: Actor) -> MeasureRef:
    choose(status, MEASURE_STATUSES, "measure status")
    clean_text(note, "note", multiline=True, max_len=5000, required=False)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        m = get_measure(uow, measure)
        check_measure_version(m, if_version)
        if m.status == status and note is None:
            raise InvalidTransition(f"measure {m.id} is already {status}")
        before = m.status
        _touch(uow, m, now, status=status, note=note)  # the note belongs to this update
        uow.event("measure_status", {"measure_id": m.id, "title": m.title, "from": before, "status": status,
                                     "note": note})
        uow.commit()
        return measure_ref(m)


def measure_rows(uow: UnitOfWork, *, measure_ids: list[int] | None = None) -> list[MeasureRow]:
    """Every measure (or those named) with its plan, organisations and projects."""
    s = uow.session
    q = (select(Measure, Plan, Org).join(Plan, Plan.id == Measure.plan_id)
         .join(Org, Org.id == Measure.responsible_org_id).order_by(Plan.code, Measure.id))
    if measure_ids is not None:
        q = q.where(Measure.id.in_(measure_ids))
    rows = s.exec(q).all()
    supporting: dict[int, list[str]] = {}
    for ms, org in s.exec(select(MeasureSupport, Org).join(Org, Org.id == MeasureSupport.org_id)
                          .order_by(Org.name)).all():
        supporting.setdefault(ms.measure_id, []).append(org.name)
    linked: dict[int, list[str]] = {}
    for mp, code in s.exec(select(MeasureProject, Project.code).join(Project, Project.id == MeasureProject.project_id)
                           .order_by(Project.code)).all():
        linked.setdefault(mp.measure_id, []).append(code)
    return [MeasureRow(id=m.id, plan=plan.code, plan_title=plan.title, title=m.title, status=m.status, note=m.note,
                       responsible=org.name, supporting=supporting.get(m.id, []), projects=linked.get(m.id, []),
                       changed_at=m.changed_at, version=m.version)
            for m, plan, org in rows]


def list_measures(db: Database, *, org: str | None = None,
                  plan: str | None = None) -> list[MeasureRow] | list[OrgMeasure]:
    """Joint measures; with ``org``, those it is responsible for or supports, with its ``role``."""
    with db.unit() as uow:
        org_row = get_org(uow, org) if org else None
        plan_row = get_plan(uow, plan) if plan else None
        rows = measure_rows(uow)
    if plan_row is not None:
        rows = [r for r in rows if r.plan == plan_row.code]
    if org_row is None:
        return rows
    out = []
    for r in rows:
        if r.responsible == org_row.name:
            out.append(OrgMeasure(**values_of(r), org=org_row.name, role="responsible"))
        elif org_row.name in r.supporting:
            out.append(OrgMeasure(**values_of(r), org=org_row.name, role="supporting"))
    return out


def by_org(rows: list[MeasureRow]) -> list[MeasureRole]:
    """Each organisation a measure names, with its role (responsible or supporting) in that measure."""
    out = [MeasureRole(org=r.responsible, role="responsible", measure=r) for r in rows]
    out += [MeasureRole(org=name, role="supporting", measure=r) for r in rows for name in r.supporting]
    return sorted(out, key=lambda x: (x.org.lower(), x.role != "responsible", x.measure.id))
