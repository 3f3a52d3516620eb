"""The business network (næringsnettverk): its meetings and the next meeting's agenda.

The agenda is drafted from the data, per municipality. Each item stands under the
municipality that must act on it:

- a decision taken since the last meeting, and a decision point planned in the
  next 6 weeks, under the project's lead owner (the applicant municipality); an
  owner whose anchoring is still missing for that decision point sees it too;
- an overdue milestone under the responsible person's municipality (else the
  project's lead owner), grouped by person;
- a joint measure with no change for 90 days under its responsible municipality.

With no meeting recorded yet, "since the last meeting" means the last 6 weeks. A
planned decision meeting whose date has passed without a decision stays on the
agenda until it is decided or planned anew.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp import engine
from plp.dates import local_tz
from plp.db import Database
from plp.errors import AlreadyExists
from plp.models import Decision, Milestone, NetworkMeeting, Org, Person, Project, ProjectOwner
from plp.texts import criteria
from plp.texts import Labels
from plp.services.common import clean_text, facts_of, names_of, not_after_today, workflow_of
from plp.services import timed_report
from plp.services.plans import measure_rows
from plp.services.results import Result
from plp.services.results_ops import MeetingView
from plp.services.results_plans import AgendaDeadline

WINDOW = dt.timedelta(weeks=6)
STALE = dt.timedelta(days=90)
OPEN_MEASURES = ("not_started", "in_progress")


def check_meeting(note: str | None) -> None:
    """What 'meeting record' (and 'import json') accepts as a note."""
    clean_text(note, "note", multiline=True, max_len=5000, required=False)


def record_meeting(db: Database, *, date: dt.date, today: dt.date, attendees: list[str] | None = None,
                   note: str | None = None, now: dt.datetime, actor: Actor) -> MeetingView:
    """Record a meeting of the business network that has taken place."""
    not_after_today(date, today, "meeting date")
    check_meeting(note)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        if uow.session.exec(select(NetworkMeeting).where(NetworkMeeting.date == date)).first():
            raise AlreadyExists(f"a network meeting on {date.isoformat()} is already recorded")
        present = names_of(uow, attendees)
        uow.end_read()
        meeting = NetworkMeeting(date=date, note=note, attendees=json.dumps(present, ensure_ascii=False),
                                 created_at=now)
        uow.add(meeting)
        uow.flush()
        uow.event("network_meeting_recorded", {"meeting_id": meeting.id, "date": date.isoformat(),
                                               "attendees": present, "note": note})
        uow.commit()
        return meeting_view(meeting)


def meeting_view(m: NetworkMeeting) -> MeetingView:
    return MeetingView(id=m.id, date=m.date, attendees=json.loads(m.attendees), note=m.note)


def list_meetings(db: Database) -> list[MeetingView]:
    with db.unit() as uow:
        return [meeting_view(m) for m in uow.session.exec(select(NetworkMeeting).order_by(NetworkMeeting.date)).all()]


@dataclasses.dataclass(frozen=True)
class AgendaDecision(Result):
    project: str
    name: str
    decision_point: str
    label: str | None
    outcome: str
    outcome_label: str | None
    date: dt.date
    by: str
    note: str | None
    phase_label: str | None


@dataclasses.dataclass(frozen=True)
class AgendaGate(Result):
    project: str
    name: str
    decision_point: str
    label: str | None
    planned_on: dt.date
    passed: bool
    ready: bool
    status_label: str | None
    missing: list[str]
    anchoring_from: str | None


@dataclasses.dataclass(frozen=True)
class OverdueMilestone(Result):
    id: int
    project: str
    title: str
    due: dt.date
    days_overdue: int


@dataclasses.dataclass(frozen=True)
class OverduePerson(Result):
    person: str
    milestones: list[OverdueMilestone]


@dataclasses.dataclass(frozen=True)
class StaleMeasure(Result):
    id: int
    plan: str
    title: str
    status: str
    status_label: str
    last_changed: dt.date
    days: int
    projects: list[str]


@dataclasses.dataclass(frozen=True)
class AgendaSection(Result):
    """What one municipality must act on; ``deadlines`` come from plp/services/timed_report.py."""

    org: str
    decisions: list[AgendaDecision]
    gates: list[AgendaGate]
    overdue: list[OverduePerson]
    measures: list[StaleMeasure]
    deadlines: list[AgendaDeadline]
    empty: bool


@dataclasses.dataclass(frozen=True)
class LastMeeting(Result):
    date: dt.date
    attendees: list[str]
    note: str | None


@dataclasses.dataclass(frozen=True)
class Agenda(Result):
    """The next meeting's agenda: the shape of ``network agenda --format json``."""

    date: dt.date
    lang: str
    last_meeting: LastMeeting | None
    decisions_since: dt.date
    window_until: dt.date
    municipalities: list[AgendaSection]


@dataclasses.dataclass
class _Items:
    """One municipality's items while the agenda is drafted (its :class:`AgendaSection` to be)."""

    decisions: list[AgendaDecision] = dataclasses.field(default_factory=list)
    gates: list[AgendaGate] = dataclasses.field(default_factory=list)
    overdue: list[OverduePerson] = dataclasses.field(default_factory=list)
    measures: list[StaleMeasure] = dataclasses.field(default_factory=list)
    deadlines: list[AgendaDeadline] = dataclasses.field(default_factory=list)

    def section(self, org: str) -> AgendaSection:
        items = vars(self)
        return AgendaSection(org=org, **items, empty=not any(items.values()))


class _Draft:
    """What the agenda's parts share while it is drafted: the rows read once, and the sections."""

    def __init__(self, uow: Any, today: dt.date, lang: str):
        s = uow.session
        self.uow, self.today, self.lang, self.t = uow, today, lang, Labels(lang)
        self.orgs = {o.id: o for o in s.exec(select(Org)).all()}
        self.people = {p.id: p for p in s.exec(select(Person)).all()}
        self.projects = {p.id: p for p in s.exec(select(Project)).all()}
        self.lead = {po.project_id: self.orgs[po.org_id].name
                     for po in s.exec(select(ProjectOwner).where(ProjectOwner.lead.is_(True))).all()}
        self.sections: dict[str, _Items] = {}

    def section(self, org: str | None) -> _Items:
        return self.sections.setdefault(org or self.t("no_org"), _Items())

    def lead_of(self, p: Project) -> str | None:
        return self.lead.get(p.id)


def agenda(db: Database, *, now: dt.datetime, lang: str) -> Agenda:
    """The next meeting's agenda, per municipality (the shape of ``network agenda --format json``)."""
    today = now.astimezone(local_tz()).date()
    with db.unit() as uow:
        last = uow.session.exec(select(NetworkMeeting).where(NetworkMeeting.date <= today)
                                .order_by(NetworkMeeting.date.desc())).first()
        since = last.date if last else today - WINDOW
        horizon = today + WINDOW
        draft = _Draft(uow, today, lang)
        _decisions(draft, since)
        _gates(draft, horizon)
        _overdue(draft)
        _stale_measures(draft, now)
        for x in timed_report.agenda_items(uow, draft.projects, draft.lead, today, horizon, draft.t):
            draft.section(x.org).deadlines.append(x.item)
        for o in draft.orgs.values():  # every municipality gets its slot on the agenda
            if o.kind in ("municipality", "county"):
                draft.section(o.name)
        met = LastMeeting(date=last.date, attendees=json.loads(last.attendees), note=last.note) if last else None
    return Agenda(date=today, lang=lang, last_meeting=met, decisions_since=since, window_until=horizon,
                  municipalities=[items.section(name)
                                  for name, items in sorted(draft.sections.items(), key=lambda kv: kv[0].lower())])


def _decisions(draft: _Draft, since: dt.date) -> None:
    """Decisions taken since the last meeting, under the project's lead owner."""
    lang = draft.lang
    for d in draft.uow.session.exec(select(Decision).where(Decision.date > since, Decision.date <= draft.today)
                                    .order_by(Decision.date, Decision.id)).all():
        p = draft.projects[d.project_id]
        wf = workflow_of(draft.uow, p)
        dp = next((x for x in wf.decision_points if x.key == d.decision_point), None)
        draft.section(draft.lead_of(p)).decisions.append(AgendaDecision(
            project=p.code, name=p.name, decision_point=d.decision_point,
            label=dp.labels.get(lang) if dp else d.decision_point, outcome=d.outcome,
            outcome_label=wf.outcomes[d.outcome].get(lang), date=d.date, by=draft.people[d.by_id].name,
            note=d.note, phase_label=wf.phase_label(d.to_phase, lang) if d.to_phase else None))


def _gates(draft: _Draft, horizon: dt.date) -> None:
    """Decision meetings planned before ``horizon``: under the lead owner, and every owner still to anchor."""
    today, lang = draft.today, draft.lang
    for p in sorted(draft.projects.values(), key=lambda p: (p.gate_planned_on or today, p.code)):
        if p.gate_planned_on is None or p.status in engine.END_STATES or p.gate_planned_on > horizon:
            continue
        wf = workflow_of(draft.uow, p)
        facts = facts_of(draft.uow, p)
        gate = engine.gate_status(wf, facts)
        said = criteria.describe(wf, gate, facts, lang)
        item = AgendaGate(project=p.code, name=p.name, decision_point=gate.decision_point.key,
                          label=gate.decision_point.labels.get(lang), planned_on=p.gate_planned_on,
                          passed=p.gate_planned_on < today, ready=gate.ready,
                          status_label=wf.statuses[p.status].get(lang),
                          missing=[c["detail"] for c in said if not c["met"]], anchoring_from=None)
        owner = draft.lead_of(p) or draft.t("no_org")
        draft.section(owner).gates.append(item)
        for org in sorted({o for c in said for o in c["missing_orgs"]} - {owner}):
            draft.section(org).gates.append(dataclasses.replace(item, anchoring_from=org))


def _overdue(draft: _Draft) -> None:
    """Overdue milestones of open projects, per person, under the person's municipality (else the lead owner)."""
    today = draft.today
    overdue = draft.uow.session.exec(select(Milestone).where(Milestone.done_on.is_(None), Milestone.due < today)
                                     .order_by(Milestone.due, Milestone.id)).all()
    by_person: dict[tuple[str, str], list[OverdueMilestone]] = {}
    for m in overdue:
        p = draft.projects[m.project_id]
        if p.status in engine.END_STATES:
            continue
        who = draft.people[m.responsible_id]
        org = draft.orgs[who.org_id].name if who.org_id in draft.orgs else (draft.lead_of(p) or draft.t("no_org"))
        by_person.setdefault((org, who.name), []).append(OverdueMilestone(
            id=m.id, project=p.code, title=m.title, due=m.due, days_overdue=(today - m.due).days))
    for (org, name), items in sorted(by_person.items()):
        draft.section(org).overdue.append(OverduePerson(person=name, milestones=items))


def _stale_measures(draft: _Draft, now: dt.datetime) -> None:
    """Open joint measures with no change for 90 days, under the responsible municipality."""
    for r in measure_rows(draft.uow):
        if r.status in OPEN_MEASURES and r.changed_at <= now - STALE:
            changed = r.changed_at.astimezone(local_tz()).date()
            draft.section(r.responsible).measures.append(StaleMeasure(
                id=r.id, plan=r.plan, title=r.title, status=r.status,
                status_label=draft.t("measure_" + r.status), last_changed=changed,
                days=(draft.today - changed).days, projects=r.projects))
