"""What the reports show, read in one unit of work each and labelled in one language.

Labels of phases, outcomes, roles, goal levels and statuses come from the
workflow version each project runs on; the reports' own words from
``plp/texts/labels.yaml``. Rendering (Markdown, HTML, CSV, iCalendar, charts)
is in ``plp.reports``.

Traffic lights of a milestone: ``done`` when reached; else ``red`` when overdue
(due before today), ``yellow`` when due within 14 days (today included), else
``green``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlmodel import select

from plp import engine
from plp.db import Database, UnitOfWork
from plp.errors import InvalidInput
from plp.models import Anchoring, Decision, Goal, Milestone, Org, Person, Project, ProjectOwner
from plp.texts import criteria
from plp.texts import Labels
from plp.services.common import (
    facts_for,
    facts_of,
    get_project,
    owners_of,
    roles_of,
    workflow_label_of,
    workflow_of,
)
from plp.services import timed_report
from plp.services.plans import measure_rows
from plp.services.results_plans import (
    CalendarDecision,
    CalendarMilestone,
    CalendarProject,
    MeasureRow,
    PlannedMeeting,
)
from plp.services.results import Owner
from plp.services.results_reports import (
    AnchoringEntry,
    CriterionView,
    GateSummary,
    GoalGroup,
    GoalItem,
    LightCounts,
    MeasureRef,
    OwnerAnchoring,
    PhaseSpan,
    PortfolioGroup,
    PortfolioRow,
    ReportDecision,
    ReportMilestone,
    RoleLine,
    StatusReport,
    Timeline,
    WorkflowLabel,
    values_of,
)
from plp.workflow import GOAL_LEVELS

YELLOW_DAYS = 14
GROUPINGS = ("owner", "measure")


def light(due: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    if done_on is not None:
        return "done"
    if due < today:
        return "red"
    if due <= today + dt.timedelta(days=YELLOW_DAYS):
        return "yellow"
    return "green"


def _gate(uow: UnitOfWork, p: Project, lang: str, facts: engine.GateFacts | None = None) -> GateSummary | None:
    if p.status in engine.END_STATES:
        return None
    wf = workflow_of(uow, p)
    facts = facts or facts_of(uow, p)
    gate = engine.gate_status(wf, facts)
    said = [CriterionView(**c) for c in criteria.describe(wf, gate, facts, lang)]
    dp = gate.decision_point
    to = wf.phase_label(dp.to, lang) if dp.to else wf.statuses["completed"].get(lang)
    return GateSummary(decision_point=dp.key, label=dp.labels.get(lang), to_label=to, planned_on=p.gate_planned_on,
                       ready=gate.ready, met=sum(c.met for c in said), total=len(said),
                       deciders=[wf.roles[r].labels.get(lang) for r in dp.deciders], criteria=said)


def _milestones(uow: UnitOfWork, p: Project, today: dt.date, lang: str,
                people: dict[int | None, str], rows: list[Milestone] | None = None) -> list[ReportMilestone]:
    wf = workflow_of(uow, p)
    if rows is None:
        rows = uow.session.exec(select(Milestone).where(Milestone.project_id == p.id)
                                .order_by(Milestone.due, Milestone.id)).all()
    return [ReportMilestone(id=m.id, title=m.title, due=m.due, done_on=m.done_on,
                            responsible=people.get(m.responsible_id), phase=m.phase,
                            phase_label=wf.phase_label(m.phase, lang), light=light(m.due, m.done_on, today))
            for m in rows]


def status_report(db: Database, *, code: str, today: dt.date, lang: str) -> StatusReport:
    """Everything the steering group's status report shows."""
    t = Labels(lang)
    with db.unit() as uow:
        s = uow.session
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        rows = s.exec(select(Milestone).where(Milestone.project_id == p.id)
                      .order_by(Milestone.due, Milestone.id)).all()
        decisions = s.exec(select(Decision).where(Decision.project_id == p.id)
                           .order_by(Decision.date, Decision.id)).all()
        # Only the names this report shows (not every person: 2,000 rows on each project page).
        named = {m.responsible_id for m in rows} | {d.by_id for d in decisions}
        people = dict(s.exec(select(Person.id, Person.name).where(Person.id.in_(named - {None}))).all())
        milestones = _milestones(uow, p, today, lang, people, rows)
        goals = s.exec(select(Goal).where(Goal.project_id == p.id).order_by(Goal.id)).all()
        owners = owners_of(uow, p)
        anchoring = s.exec(select(Anchoring).where(Anchoring.project_id == p.id)
                           .order_by(Anchoring.date, Anchoring.id)).all()
        roles = [RoleLine(person=person.name, role=role,
                          role_label=wf.roles[role].labels.get(lang) if role in wf.roles else role)
                 for role, person in roles_of(uow, p)]
        gate = _gate(uow, p, lang)
        time_rules = timed_report.for_project(uow, p, today, t)
        return StatusReport(
            code=p.code, name=p.name, as_of=today, lang=lang,
            workflow=WorkflowLabel(name=wf.name, version=wf.version, label=wf.labels.get(lang)),
            phase=p.phase, phase_label=wf.phase_label(p.phase, lang), status=p.status,
            status_label=timed_report.status_label(p, wf.statuses[p.status].get(lang), t, time_rules.benefit_status),
            round=p.round, outcome_labels={key: label.get(lang) for key, label in wf.outcomes.items()},
            owners=[Owner(org=org.name, grade=po.grade, lead=po.lead) for po, org in owners], roles=roles,
            gate=gate, time_rules=time_rules, goals=goal_groups(wf, goals, lang), milestones=milestones,
            counts=LightCounts(**{c: sum(m.light == c for m in milestones)
                                  for c in ("red", "yellow", "green", "done")}),
            decisions=[_decision(wf, d, people, lang) for d in decisions],
            anchoring=_anchoring(owners, anchoring, t))


def goal_groups(wf: Any, goals: list[Goal], lang: str) -> list[GoalGroup]:
    """The goals per level, in the levels' order (the status report's and the public page's)."""
    return [GoalGroup(level=level, level_label=label.get(lang),
                      items=[GoalItem(text=g.text, indicator=g.indicator, target=g.target)
                             for g in goals if g.level == level])
            for level, label in sorted(wf.goal_levels.items(), key=lambda kv: GOAL_LEVELS.index(kv[0]))
            if any(g.level == level for g in goals)]


def _decision(wf: Any, d: Decision, people: dict[int | None, str], lang: str) -> ReportDecision:
    return ReportDecision(
        date=d.date, decision_point=d.decision_point,
        label=next((x.labels.get(lang) for x in wf.decision_points if x.key == d.decision_point), d.decision_point),
        outcome=d.outcome, outcome_label=wf.outcomes[d.outcome].get(lang), by=people.get(d.by_id),
        note=d.note, attendees=json.loads(d.attendees), round=d.round,
        to_label=wf.phase_label(d.to_phase, lang) if d.to_phase else None)


def _anchoring(owners: list[tuple[ProjectOwner, Org]], anchoring: list[Anchoring], t: Labels) -> list[OwnerAnchoring]:
    out = []
    for po, org in owners:
        mine = [AnchoringEntry(body=a.body, kind=a.kind, kind_label=t("kind_" + a.kind), ref=a.ref, date=a.date,
                               outcome=a.outcome, outcome_label=t("outcome_" + a.outcome))
                for a in anchoring if a.org_id == org.id]
        out.append(OwnerAnchoring(org=org.name, grade=po.grade, lead=po.lead,
                                  latest=mine[-1] if mine else None, earlier=mine[:-1][::-1]))
    return out


def portfolio(db: Database, *, today: dt.date, lang: str,
              by: str | None = None) -> list[PortfolioRow] | list[PortfolioGroup]:
    """Every project with phase, status, next decision point, readiness and red/yellow counts.

    With ``by`` (owner or measure) the list is grouped: ``[PortfolioGroup(group, projects), ...]``;
    a project stands under each of its owners, or each measure it is linked to.
    """
    if by is not None and by not in GROUPINGS:
        raise InvalidInput(f"unknown grouping '{by}' (choose one of: {', '.join(GROUPINGS)})")
    t = Labels(lang)
    with db.unit() as uow:
        s = uow.session
        people = {pr.id: pr.name for pr in s.exec(select(Person)).all()}
        measures = measure_rows(uow)
        projects = s.exec(select(Project).order_by(Project.code)).all()
        # Set-based: the facts, milestones and owners of all projects in a few queries.
        facts = facts_for(uow, projects)
        milestones: dict[int, list[Milestone]] = {}
        for m in s.exec(select(Milestone).order_by(Milestone.due, Milestone.id)).all():
            milestones.setdefault(m.project_id, []).append(m)
        owners: dict[int, list[tuple[ProjectOwner, Org]]] = {}
        for po, org in s.exec(select(ProjectOwner, Org).join(Org, Org.id == ProjectOwner.org_id)
                              .order_by(ProjectOwner.id)).all():
            owners.setdefault(po.project_id, []).append((po, org))
        rows = [_portfolio_row(uow, p, today, lang, t, _gate(uow, p, lang, facts[p.id]),
                               _milestones(uow, p, today, lang, people, milestones.get(p.id, [])),
                               owners.get(p.id, []), measures) for p in projects]
    return rows if by is None else _grouped(rows, by, measures, t)


def _portfolio_row(uow: UnitOfWork, p: Project, today: dt.date, lang: str, t: Labels, gate: GateSummary | None,
                   ms: list[ReportMilestone], owners: list[tuple[ProjectOwner, Org]],
                   measures: list[MeasureRow]) -> PortfolioRow:
    wf = workflow_of(uow, p)
    name, version = workflow_label_of(uow, p)
    time_facts = timed_report.portfolio_fields(uow, p, today)
    return PortfolioRow(
        code=p.code, name=p.name, workflow=name, workflow_version=version,
        phase=p.phase, phase_label=wf.phase_label(p.phase, lang), status=p.status,
        status_label=timed_report.status_label(p, wf.statuses[p.status].get(lang), t, time_facts.benefit_status),
        round=p.round,
        next_decision_point=gate.decision_point if gate else None,
        next_decision_label=gate.label if gate else None,
        planned_on=gate.planned_on if gate else None,
        ready=gate.ready if gate else None,
        criteria_met=gate.met if gate else None, criteria_total=gate.total if gate else None,
        missing=[c.short for c in gate.criteria if not c.met] if gate else [],
        red=sum(m.light == "red" for m in ms), yellow=sum(m.light == "yellow" for m in ms),
        owners=[Owner(org=org.name, grade=po.grade, lead=po.lead) for po, org in owners],
        measures=[MeasureRef(id=m.id, title=m.title) for m in measures if p.code in m.projects],
        **values_of(time_facts))


def _grouped(rows: list[PortfolioRow], by: str, measures: list[MeasureRow], t: Labels) -> list[PortfolioGroup]:
    groups: dict[str, list[PortfolioRow]] = {}
    if by == "owner":
        for r in rows:
            for o in r.owners:
                groups.setdefault(o.org, []).append(dataclasses.replace(r, grade=o.grade))
        return [PortfolioGroup(group=g, projects=groups[g]) for g in sorted(groups, key=str.lower)]
    for m in measures:
        groups[f"#{m.id} {m.title}"] = [r for r in rows if r.code in m.projects]
    loose = [r for r in rows if not r.measures]
    out = [PortfolioGroup(group=g, projects=ps) for g, ps in groups.items()]
    return out + ([PortfolioGroup(group=t("no_measure"), projects=loose)] if loose else [])


def calendar(db: Database, *, lang: str, code: str | None = None,
             project_ids: set[int] | None = None) -> list[CalendarProject]:
    """Milestones, planned decision meetings and decisions taken, per project, for the calendar.

    ``code`` names one project; ``project_ids`` keeps only those (a person's own feed).
    Labels are in ``lang``.
    """
    with db.unit() as uow:
        s = uow.session
        q = select(Project).order_by(Project.code)
        if code:
            q = q.where(Project.id == get_project(uow, code).id)
        if project_ids is not None:
            q = q.where(Project.id.in_(sorted(project_ids)))
        people = {pr.id: pr.name for pr in s.exec(select(Person)).all()}
        return [_calendar_project(uow, p, people, lang) for p in s.exec(q).all()]


def _calendar_project(uow: UnitOfWork, p: Project, people: dict[int, str], lang: str) -> CalendarProject:
    s = uow.session
    wf = workflow_of(uow, p)
    lead = s.exec(select(Org.name).join(ProjectOwner, ProjectOwner.org_id == Org.id)
                  .where(ProjectOwner.project_id == p.id, ProjectOwner.lead.is_(True))).first()
    ms = s.exec(select(Milestone).where(Milestone.project_id == p.id).order_by(Milestone.due, Milestone.id)).all()
    ds = s.exec(select(Decision).where(Decision.project_id == p.id).order_by(Decision.date, Decision.id)).all()
    planned = None
    if p.gate_planned_on and p.status not in engine.END_STATES:
        dp = wf.decision_point_from(p.phase)
        planned = PlannedMeeting(decision_point=dp.key, round=p.round, date=p.gate_planned_on,
                                 label=dp.labels.get(lang))
    decisions = []
    for d in ds:
        dp = next((x for x in wf.decision_points if x.key == d.decision_point), None)
        decisions.append(CalendarDecision(
            decision_point=d.decision_point, round=d.round, date=d.date,
            label=dp.labels.get(lang) if dp else d.decision_point, outcome_label=wf.outcomes[d.outcome].get(lang),
            by=people.get(d.by_id), note=d.note))
    return CalendarProject(
        code=p.code, name=p.name, created_at=p.created_at, version=p.version, lead=lead,
        milestones=[CalendarMilestone(id=m.id, title=m.title, due=m.due, done_on=m.done_on,
                                      responsible=people.get(m.responsible_id)) for m in ms],
        decisions=decisions, dates=timed_report.calendar_dates(uow, p), planned=planned)


def timeline(db: Database, *, code: str, today: dt.date, lang: str) -> Timeline:
    """The project's phases as spans, its decisions and milestones, on dates."""
    report = status_report(db, code=code, today=today, lang=lang)
    with db.unit() as uow:
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        decisions = uow.session.exec(select(Decision).where(Decision.project_id == p.id)
                                     .order_by(Decision.date, Decision.id)).all()
        first_dates = [d.date for d in decisions] + list(uow.session.exec(
            select(Anchoring.date).where(Anchoring.project_id == p.id)).all())
        created = p.created_at.astimezone(dt.timezone.utc).date()
    start = min([created, *first_dates])
    phase_order = wf.phase_keys
    spans: list[tuple[str, dt.date, dt.date]] = []
    phase, since = _first_phase(p.phase, decisions), start
    on_hold_since: dt.date | None = None
    holds: list[tuple[dt.date, dt.date]] = []
    end: dt.date | None = None
    for d in decisions:
        if d.outcome == "go" and d.to_phase:
            spans.append((phase, since, d.date))
            phase, since = d.to_phase, d.date
        elif d.outcome == "go" or d.outcome == "stop":
            end = d.date
        elif d.outcome == "hold":
            on_hold_since = d.date
        elif d.outcome == "resume" and on_hold_since:
            holds.append((on_hold_since, d.date))
            on_hold_since = None
    last_day = end or max(today, start)
    spans.append((phase, since, last_day))
    if on_hold_since:
        holds.append((on_hold_since, last_day))
    return Timeline(report=report, spans=[PhaseSpan(phase=ph, start=a, end=b, label=wf.phase_label(ph, lang),
                                                    index=phase_order.index(ph) if ph in phase_order else 0)
                                          for ph, a, b in spans],
                    holds=holds, hold_label=wf.statuses["on_hold"].get(lang),
                    start=start, end=last_day, closed=end is not None, today=today)


def _first_phase(phase_now: str, decisions: list[Decision]) -> str:
    """The phase the project started in: before its first move, or where it is now."""
    for d in decisions:
        if d.outcome == "go" and d.to_phase:
            return d.from_phase
    return decisions[0].from_phase if decisions else phase_now
