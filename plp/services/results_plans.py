"""Typed results of the region's joint measures, the calendar and the time rules' agenda items.

``MeasureRow`` is one line of ``measure list --json`` (field order = key order of
that contract); ``OrgMeasure`` adds the organisation asked about and its role.
The calendar's results carry plain values only (names and labels already read in
the report's language), never ORM rows: :mod:`plp.reports.ics` renders them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from plp.services.results import Result

# ------------------------------------------------------------------ joint measures


@dataclasses.dataclass(frozen=True)
class MeasureRow(Result):
    """A joint measure with its plan, organisations and projects: one item of ``measure list --json``."""

    id: int
    plan: str
    plan_title: str
    title: str
    status: str
    note: str | None
    responsible: str
    supporting: list[str]
    projects: list[str]
    changed_at: dt.datetime
    version: int


@dataclasses.dataclass(frozen=True)
class OrgMeasure(MeasureRow):
    """A measure as seen from one organisation (``measure list --org``): responsible or supporting."""

    org: str
    role: str


@dataclasses.dataclass(frozen=True)
class MeasureRole(Result):
    """An organisation, its role in a measure (responsible or supporting), and the measure."""

    org: str
    role: str
    measure: MeasureRow


# ------------------------------------------------------------------ time rules on the agenda


@dataclasses.dataclass(frozen=True)
class AgendaDeadline(Result):
    """A time rule's deadline on the network agenda (condition, hold review, expiry, benefit review)."""

    project: str
    name: str
    text: str
    date: dt.date


@dataclasses.dataclass(frozen=True)
class OrgDeadline(Result):
    """A deadline and the municipality it stands under (None: the project has no lead owner)."""

    org: str | None
    item: AgendaDeadline


# ------------------------------------------------------------------ calendar


@dataclasses.dataclass(frozen=True)
class CalendarDate(Result):
    """A time rule's date in the calendar; ``what`` names the event for a stable UID."""

    what: str
    kind: str
    date: dt.date
    text: str
    done: bool


@dataclasses.dataclass(frozen=True)
class CalendarMilestone(Result):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str | None


@dataclasses.dataclass(frozen=True)
class CalendarDecision(Result):
    decision_point: str
    round: int
    date: dt.date
    label: str
    outcome_label: str
    by: str | None
    note: str | None


@dataclasses.dataclass(frozen=True)
class PlannedMeeting(Result):
    """The decision meeting planned at the project's next decision point."""

    decision_point: str
    round: int
    date: dt.date
    label: str


@dataclasses.dataclass(frozen=True)
class CalendarProject(Result):
    """One project's calendar: ``created_at`` and ``version`` make the events' UIDs and SEQUENCE."""

    code: str
    name: str
    created_at: dt.datetime
    version: int
    lead: str | None
    milestones: list[CalendarMilestone]
    decisions: list[CalendarDecision]
    dates: list[CalendarDate]
    planned: PlannedMeeting | None
