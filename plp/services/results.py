"""Typed results of the use cases, and the one serialiser both front ends render from.

Services hand the CLI and the web frozen dataclasses of plain values, never ORM
rows (which would reach back into a closed session) nor dicts that mix ISO
strings, datetimes and tuples. A result keeps real ``date`` and ``datetime``
values for whoever computes with them; :meth:`Result.to_json` turns it into the
JSON the CLI prints: dates as ``YYYY-MM-DD``, moments in local time with their
offset (:func:`plp.dates.show`), exactly as the CLI contract has them.

A field marked ``internal()`` is for the front ends only (a row id the web links
to) and stays out of the JSON, so the JSON contract does not grow by accident.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any

def internal() -> Any:
    """A field the front ends may use but that ``to_json`` leaves out."""
    return dataclasses.field(metadata={"json": False})


def plain(value: Any) -> Any:
    """``value`` as JSON-ready plain data (the one place dates become text)."""
    if isinstance(value, Result):
        return value.to_json()
    if isinstance(value, dt.datetime):
        from plp.dates import show

        return show(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclasses.dataclass(frozen=True)
class Result:
    """Base of every typed result: frozen, and serialised by :meth:`to_json`."""

    def to_json(self) -> dict[str, Any]:
        out = {}
        for name in _json_fields(type(self)):
            value = getattr(self, name)
            # Text, numbers, flags and None are JSON as they are: plain() only for the rest
            # (``plp check --json`` turns 15,000 rows of 11 fields into JSON).
            out[name] = value if type(value) in _AS_IS else plain(value)
        return out


_AS_IS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _json_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of ``cls`` that ``to_json`` gives, in order."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("json", True))


# ------------------------------------------------------------------ projects


@dataclasses.dataclass(frozen=True)
class ProjectRow(Result):
    """One line of ``project list``."""

    code: str
    name: str
    workflow: str
    workflow_version: int
    phase: str
    status: str


@dataclasses.dataclass(frozen=True)
class Owner(Result):
    org: str
    grade: str
    lead: bool


@dataclasses.dataclass(frozen=True)
class RoleHolder(Result):
    person: str
    role: str


@dataclasses.dataclass(frozen=True)
class GoalView(Result):
    id: int
    level: str
    text: str
    indicator: str | None
    target: str | None


@dataclasses.dataclass(frozen=True)
class MilestoneView(Result):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str | None
    phase: str
    overdue: bool


@dataclasses.dataclass(frozen=True)
class MilestoneRow(Result):
    """A milestone with its project, for ``milestone list``."""

    project: str
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str | None
    phase: str
    overdue: bool


@dataclasses.dataclass(frozen=True)
class DecisionView(Result):
    decision_point: str
    outcome: str
    by: str | None
    date: dt.date
    note: str | None
    round: int
    from_phase: str
    to_phase: str
    attendees: list[str]


@dataclasses.dataclass(frozen=True)
class AnchoringView(Result):
    org: str
    body: str
    ref: str
    date: dt.date
    outcome: str
    kind: str
    valid_until: dt.date | None


@dataclasses.dataclass(frozen=True)
class Hold(Result):
    held_on: dt.date
    review_on: dt.date | None
    dormant_since: dt.date | None


# ------------------------------------------- what the time rules add to a project


@dataclasses.dataclass(frozen=True)
class ConditionView(Result):
    """A condition of a conditional approval (``condition list``, ``project show``)."""

    id: int
    project: str
    decision_point: str
    text: str
    due: dt.date
    status: str
    met_on: dt.date | None
    note: str | None
    overdue: bool


@dataclasses.dataclass(frozen=True)
class BenefitAnswer(Result):
    """One effect goal's answer in a benefit review (None until recorded)."""

    goal_id: int
    goal: str
    achieved: str | None
    value: str | None
    recorded_on: dt.date | None


@dataclasses.dataclass(frozen=True)
class BenefitReviewView(Result):
    """One benefit review after completion: when it is due, and each effect goal's answer."""

    review: int
    after: str
    due: dt.date
    opened: bool
    goals: list[BenefitAnswer]
    done: bool


@dataclasses.dataclass(frozen=True)
class TimeRules(Result):
    """What the time rules add to ``project show``: conditions, the hold, the benefit follow-up."""

    conditions: list[ConditionView]
    hold: Hold | None
    dormant: bool
    follow_up: str | None
    benefit_status: str | None
    benefit_reviews: list[BenefitReviewView]


@dataclasses.dataclass(frozen=True)
class BenefitRecorded(Result):
    """The answer of one benefit review, and whether it closed the follow-up."""

    project: str
    goal_id: int
    review: int
    achieved: str
    closed: bool


# ---------------------------------------------------------------- one project


@dataclasses.dataclass(frozen=True)
class ProjectView(Result):
    """Everything about one project: the shape of ``project show --json``."""

    code: str
    name: str
    workflow: str
    workflow_version: int
    phase: str
    status: str
    round: int
    version: int
    next_decision_point: str | None
    ready: bool | None
    gate_planned_on: dt.date | None
    created_by: str | None
    owners: list[Owner]
    roles: list[RoleHolder]
    goals: list[GoalView]
    milestones: list[MilestoneView]
    decisions: list[DecisionView]
    anchoring: list[AnchoringView]
    # What the time rules add (plp/services/projects.py's time_rules_of, typed as TimeRules).
    conditions: list[ConditionView]
    hold: Hold | None
    dormant: bool
    follow_up: str | None
    benefit_status: str | None
    benefit_reviews: list[BenefitReviewView]


@dataclasses.dataclass(frozen=True)
class EventView(Result):
    """One history event; ``id`` is for the web's anchors, not part of the JSON."""

    id: int = internal()
    at: dt.datetime
    actor: str
    kind: str
    data: dict[str, Any]

    @property
    def when(self) -> str:
        """The moment in local time, as the JSON shows it."""
        from plp.dates import show

        return show(self.at)


@dataclasses.dataclass(frozen=True)
class ChecklistItem(Result):
    key: str
    phase: str
    label: str | None
    mandatory: bool
    done: bool
    current_phase: bool
    ticked_by: str | None
