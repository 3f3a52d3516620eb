"""The calendar: milestones, planned decision meetings and decisions as iCalendar (RFC 5545).

Every event is an all-day event with a UID that depends only on what it is, never
on when the file was made, so importing a newer export into Outlook or Google
updates the events instead of adding copies:

- a milestone: ``{code}-milestone-{id}-{stamp}@plp``;
- a condition's deadline, a hold's review, an anchoring's expiry, a benefit review:
  ``{code}-condition-{id}-...``, ``{code}-review-{held_on}-...``, ``{code}-expiry-{id}-...``,
  ``{code}-benefit-{n}-...``;
- the k-th meeting at a decision point in a round: ``{code}-{BP}-r{round}-m{k}-{stamp}@plp``.
  While it is planned the event stands on the planned date; the decision that
  ends it moves the same event to the decision's date and names the outcome.

``stamp`` is the project's creation time, so two databases that both have a
project ``vdc`` do not share UIDs. ``SEQUENCE`` is the project's version, which
grows with every change, so calendars take the newer event as the update.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from plp.services.results_plans import CalendarProject
from plp.texts import Labels


def _uid(project: CalendarProject, what: str) -> str:
    created = project.created_at
    if created.tzinfo is not None:
        created = created.astimezone(dt.timezone.utc)
    return f"{project.code}-{what}-{created.strftime('%Y%m%dT%H%M%S')}@plp"


def build(projects: list[CalendarProject], *, lang: str, now: dt.datetime, name: str | None = None) -> bytes:
    """The calendar for ``plp.services.reporting.calendar``'s projects (read in the same ``lang``)."""
    from icalendar import Calendar

    t = Labels(lang)
    cal = Calendar()
    for key, value in (("prodid", "-//plp//PLP project calendar//EN"), ("version", "2.0"),
                       ("calscale", "GREGORIAN"), ("method", "PUBLISH"), ("x-wr-calname", name or t("ics_calendar"))):
        cal.add(key, value)
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)

    def event(uid: str, day: dt.date, summary: str, description: str, sequence: int, category: str) -> None:
        cal.add_component(_event(stamp, uid, day, summary, description, sequence, category))

    for item in projects:
        _project_events(item, t, event)
    return cal.to_ical()


def _event(stamp: dt.datetime, uid: str, day: dt.date, summary: str, description: str, sequence: int,
           category: str) -> Any:
    """One all-day event."""
    from icalendar import Event

    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", description)
    ev.add("sequence", sequence)
    ev.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    ev.add("status", "CONFIRMED")
    ev.add("categories", [category])
    return ev


def _project_events(p: CalendarProject, t: Labels, event: Callable[..., None]) -> None:
    """One project's milestones, decisions, time-rule dates and planned meeting, as events."""
    head = f"{p.name} ({p.code})" + (f" · {p.lead}" if p.lead else "")
    for m in p.milestones:
        mark = "✓ " if m.done_on else ""
        lines = [head, f"{t('ics_milestone')} · {t('responsible')}: {m.responsible or ''}",
                 f"{t('due')}: {m.due.isoformat()}"]
        if m.done_on:
            lines.append(f"{t('reached_on')}: {m.done_on.isoformat()}")
        event(_uid(p, f"milestone-{m.id}"), m.due, f"{mark}{p.code}: {m.title}", "\n".join(lines),
              p.version, t("ics_milestone"))
    seen: dict[tuple[str, int], int] = {}
    for d in p.decisions:
        k = seen[(d.decision_point, d.round)] = seen.get((d.decision_point, d.round), 0) + 1
        lines = [head, f"{t('decided_by')}: {d.by or ''}"]
        if d.note:
            lines.append(d.note)
        event(_uid(p, f"{d.decision_point}-r{d.round}-m{k}"), d.date,
              f"{p.code}: {d.label} – {t('ics_decided', outcome=d.outcome_label)}", "\n".join(lines), p.version,
              t("decision_point"))
    for x in p.dates:  # the time rules: deadlines, reviews, expiries
        label = t(x.kind)
        summary = f"{'✓ ' if x.done else ''}{p.code}: {label}" + (f" – {x.text}" if x.text else "")
        event(_uid(p, x.what), x.date, summary, f"{head}\n{label}", p.version, label)
    planned = p.planned
    if planned:
        k = seen.get((planned.decision_point, planned.round), 0) + 1
        event(_uid(p, f"{planned.decision_point}-r{planned.round}-m{k}"), planned.date,
              f"{p.code}: {planned.label} ({t('ics_meeting')})", f"{head}\n{t('planned_meeting')}: {planned.label}",
              p.version, t("decision_point"))
