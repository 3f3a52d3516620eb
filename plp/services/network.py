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
from plp.reports import criteria
from plp.reports.labels import Labels
from plp.services.common import clean_text, facts_of, names_of, not_after_today, workflow_of
from plp.services import timed_report
from plp.services.plans import measure_rows

WINDOW = dt.timedelta(weeks=6)
STALE = dt.timedelta(days=90)
OPEN_MEASURES = ("not_started", "in_progress")


def check_meeting(note: str | None) -> None:
    """What 'meeting record' (and 'import json') accepts as a note."""
    clean_text(note, "note", multiline=True, max_len=5000, required=False)


def record_meeting(db: Database, *, date: dt.date, today: dt.date, attendees: list[str] | None = None,
                   note: str | None = None, now: dt.datetime, actor: Actor) -> NetworkMeeting:
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
        return meeting


def list_meetings(db: Database) -> list[dict[str, Any]]:
    with db.unit() as uow:
        return [{"id": m.id, "date": m.date.isoformat(), "attendees": json.loads(m.attendees), "note": m.note}
                for m in uow.session.exec(select(NetworkMeeting).order_by(NetworkMeeting.date)).all()]


def agenda(db: Database, *, now: dt.datetime, lang: str) -> dict[str, Any]:
    """The next meeting's agenda, per municipality (the shape of ``network agenda --format json``)."""
    t = Labels(lang)
    today = now.astimezone(local_tz()).date()
    with db.unit() as uow:
        s = uow.session
        last = s.exec(select(NetworkMeeting).where(NetworkMeeting.date <= today)
                      .order_by(NetworkMeeting.date.desc())).first()
        since = last.date if last else today - WINDOW
        orgs = {o.id: o for o in s.exec(select(Org)).all()}
        people = {p.id: p for p in s.exec(select(Person)).all()}
        projects = {p.id: p for p in s.exec(select(Project)).all()}
        lead = {po.project_id: orgs[po.org_id].name
                for po in s.exec(select(ProjectOwner).where(ProjectOwner.lead.is_(True))).all()}
        sections: dict[str, dict[str, list]] = {}

        def section(org: str) -> dict[str, list]:
            return sections.setdefault(org, {"decisions": [], "gates": [], "overdue": [], "measures": [],
                                             "deadlines": []})

        for d in s.exec(select(Decision).where(Decision.date > since, Decision.date <= today)
                        .order_by(Decision.date, Decision.id)).all():
            p = projects[d.project_id]
            wf = workflow_of(uow, p)
            dp = next((x for x in wf.decision_points if x.key == d.decision_point), None)
            section(lead.get(p.id, t("no_org")))["decisions"].append({
                "project": p.code, "name": p.name, "decision_point": d.decision_point,
                "label": dp.labels.get(lang) if dp else d.decision_point, "outcome": d.outcome,
                "outcome_label": wf.outcomes[d.outcome].get(lang), "date": d.date.isoformat(),
                "by": people[d.by_id].name, "note": d.note,
                "phase_label": wf.phase_label(d.to_phase, lang) if d.to_phase else None})

        horizon = today + WINDOW
        for p in sorted(projects.values(), key=lambda p: (p.gate_planned_on or today, p.code)):
            if p.gate_planned_on is None or p.status in engine.END_STATES or p.gate_planned_on > horizon:
                continue
            wf = workflow_of(uow, p)
            facts = facts_of(uow, p)
            gate = engine.gate_status(wf, facts)
            said = criteria.describe(wf, gate, facts, lang)
            item = {"project": p.code, "name": p.name, "decision_point": gate.decision_point.key,
                    "label": gate.decision_point.labels.get(lang), "planned_on": p.gate_planned_on.isoformat(),
                    "passed": p.gate_planned_on < today, "ready": gate.ready,
                    "status_label": wf.statuses[p.status].get(lang),
                    "missing": [c["detail"] for c in said if not c["met"]], "anchoring_from": None}
            owner = lead.get(p.id, t("no_org"))
            section(owner)["gates"].append(item)
            for org in sorted({o for c in said for o in c["missing_orgs"]} - {owner}):
                section(org)["gates"].append(dict(item, anchoring_from=org))

        overdue = s.exec(select(Milestone).where(Milestone.done_on.is_(None), Milestone.due < today)
                         .order_by(Milestone.due, Milestone.id)).all()
        by_person: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for m in overdue:
            p = projects[m.project_id]
            if p.status in engine.END_STATES:
                continue
            who = people[m.responsible_id]
            org = orgs[who.org_id].name if who.org_id in orgs else lead.get(p.id, t("no_org"))
            by_person.setdefault((org, who.name), []).append({
                "id": m.id, "project": p.code, "title": m.title, "due": m.due.isoformat(),
                "days_overdue": (today - m.due).days})
        for (org, name), items in sorted(by_person.items()):
            section(org)["overdue"].append({"person": name, "milestones": items})

        for r in measure_rows(uow):
            if r["status"] in OPEN_MEASURES and r["changed_at"] <= now - STALE:
                changed = r["changed_at"].astimezone(local_tz()).date()
                section(r["responsible"])["measures"].append({
                    "id": r["id"], "plan": r["plan"], "title": r["title"], "status": r["status"],
                    "status_label": t("measure_" + r["status"]), "last_changed": changed.isoformat(),
                    "days": (today - changed).days, "projects": r["projects"]})

        for org, item in timed_report.agenda_items(uow, projects, lead, today, horizon, t):
            section(org or t("no_org"))["deadlines"].append(item)

        for o in orgs.values():  # every municipality gets its slot on the agenda
            if o.kind in ("municipality", "county"):
                section(o.name)
        attendees = json.loads(last.attendees) if last else []
    return {
        "date": today.isoformat(),
        "lang": lang,
        "last_meeting": {"date": last.date.isoformat(), "attendees": attendees, "note": last.note} if last else None,
        "decisions_since": since.isoformat(),
        "window_until": horizon.isoformat(),
        "municipalities": [dict(org=name, **items, empty=not any(items.values()))
                           for name, items in sorted(sections.items(), key=lambda kv: kv[0].lower())],
    }
