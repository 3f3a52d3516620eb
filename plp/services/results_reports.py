"""Typed results of the read side: status report, portfolio, timeline, gate status, project page.

The JSON of each (``to_json``, see :mod:`plp.services.results`) is what ``report status
--format json``, ``report portfolio --format json`` and ``gate status --json`` print:
the field order is the key order of that contract. Dates are real ``date`` values
here; they become ``YYYY-MM-DD`` only in the JSON and when a template prints them.

The lists of conditions and benefit reviews are embedded as the condition and
benefit services shape them (:mod:`plp.services.conditions`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar

from plp.services.results import BenefitReviewView, ChecklistItem, ConditionView, Hold, Owner, Result, internal


def values_of(result: Result) -> dict[str, Any]:
    """The fields of ``result`` by name, unconverted (to build a wider result from a narrower one)."""
    return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}


@dataclasses.dataclass(frozen=True)
class _OmitsUnset(Result):
    """A result whose fields named in ``OMITTED_WHEN_NONE`` are left out of the JSON while None
    (keys the contract has only in some cases)."""

    OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ()

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        for name in self.OMITTED_WHEN_NONE:
            if getattr(self, name) is None:
                del out[name]
        return out


# ------------------------------------------------------------------ gate status


@dataclasses.dataclass(frozen=True)
class OpenCondition(Result):
    """A condition of a go not met yet, as ``gate status`` lists it."""

    id: int
    decision_point: str
    text: str
    due: dt.date
    status: str


@dataclasses.dataclass(frozen=True)
class CriterionCheck(Result):
    key: str
    met: bool
    detail: str


@dataclasses.dataclass(frozen=True)
class GateStatus(_OmitsUnset):
    """The next decision point, criterion by criterion: the shape of ``gate status --json``.

    ``outcomes`` is None (and not in the JSON) when there is no next decision point.
    """

    OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("outcomes",)

    project: str
    phase: str
    status: str
    round: int
    planned_on: dt.date | None
    hold: Hold | None
    conditions: list[OpenCondition]
    decision_point: str | None
    label: str | None
    from_phase: str
    to_phase: str | None
    ready: bool
    deciders: list[str]
    outcomes: list[str] | None
    criteria: list[CriterionCheck]


# ------------------------------------------------------------------ status report


@dataclasses.dataclass(frozen=True)
class WorkflowLabel(Result):
    name: str
    version: int
    label: str


@dataclasses.dataclass(frozen=True)
class RoleLine(Result):
    person: str
    role: str
    role_label: str


@dataclasses.dataclass(frozen=True)
class CriterionView(Result):
    """One criterion in words (:func:`plp.texts.criteria.describe`)."""

    key: str
    kind: str
    met: bool
    label: str
    detail: str
    short: str
    missing_orgs: list[str]


@dataclasses.dataclass(frozen=True)
class GateSummary(Result):
    """The next decision point as the reports show it."""

    decision_point: str
    label: str
    to_label: str
    planned_on: dt.date | None
    ready: bool
    met: int
    total: int
    deciders: list[str]
    criteria: list[CriterionView]


@dataclasses.dataclass(frozen=True)
class ReportTimeRules(Result):
    """The time rules of one project, with one line of text per item for the report."""

    hold: Hold | None
    dormant: bool
    conditions: list[ConditionView]
    benefit_reviews: list[BenefitReviewView]
    benefit_status: str | None
    lines: list[str]


@dataclasses.dataclass(frozen=True)
class GoalItem(Result):
    text: str
    indicator: str | None
    target: str | None


@dataclasses.dataclass(frozen=True)
class GoalGroup(Result):
    level: str
    level_label: str
    items: list[GoalItem]


@dataclasses.dataclass(frozen=True)
class ReportMilestone(Result):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str | None
    phase: str
    phase_label: str
    light: str


@dataclasses.dataclass(frozen=True)
class LightCounts(Result):
    red: int
    yellow: int
    green: int
    done: int


@dataclasses.dataclass(frozen=True)
class ReportDecision(Result):
    date: dt.date
    decision_point: str
    label: str
    outcome: str
    outcome_label: str
    by: str | None
    note: str | None
    attendees: list[str]
    round: int
    to_label: str | None


@dataclasses.dataclass(frozen=True)
class AnchoringEntry(Result):
    body: str
    kind: str
    kind_label: str
    ref: str
    date: dt.date
    outcome: str
    outcome_label: str


@dataclasses.dataclass(frozen=True)
class OwnerAnchoring(Result):
    """One owner's anchoring: the latest answer and the earlier ones, newest first."""

    org: str
    grade: str
    lead: bool
    latest: AnchoringEntry | None
    earlier: list[AnchoringEntry]


@dataclasses.dataclass(frozen=True)
class StatusReport(Result):
    """Everything the steering group's status report shows (``report status --format json``)."""

    code: str
    name: str
    as_of: dt.date
    lang: str
    workflow: WorkflowLabel
    phase: str
    phase_label: str
    status: str
    status_label: str
    round: int
    outcome_labels: dict[str, str]
    owners: list[Owner]
    roles: list[RoleLine]
    gate: GateSummary | None
    time_rules: ReportTimeRules
    goals: list[GoalGroup]
    milestones: list[ReportMilestone]
    counts: LightCounts
    decisions: list[ReportDecision]
    anchoring: list[OwnerAnchoring]


# ------------------------------------------------------------------ portfolio


@dataclasses.dataclass(frozen=True)
class PortfolioTimeFacts(Result):
    """The few time-rule facts a portfolio row carries."""

    dormant: bool
    held_on: dt.date | None
    review_on: dt.date | None
    follow_up: str | None
    benefit_status: str | None


@dataclasses.dataclass(frozen=True)
class MeasureRef(Result):
    id: int
    title: str


@dataclasses.dataclass(frozen=True)
class PortfolioRow(_OmitsUnset):
    """One project of the portfolio; ``grade`` only under an owner (``--by owner``)."""

    OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("grade",)

    code: str
    name: str
    workflow: str
    workflow_version: int
    phase: str
    phase_label: str
    status: str
    status_label: str
    round: int
    next_decision_point: str | None
    next_decision_label: str | None
    planned_on: dt.date | None
    ready: bool | None
    criteria_met: int | None
    criteria_total: int | None
    missing: list[str]
    red: int
    yellow: int
    owners: list[Owner]
    measures: list[MeasureRef]
    dormant: bool
    held_on: dt.date | None
    review_on: dt.date | None
    follow_up: str | None
    benefit_status: str | None
    grade: str | None = None


@dataclasses.dataclass(frozen=True)
class PortfolioGroup(Result):
    group: str | None
    projects: list[PortfolioRow]


# ------------------------------------------------------------------ timeline


@dataclasses.dataclass(frozen=True)
class PhaseSpan(Result):
    phase: str
    start: dt.date
    end: dt.date
    label: str
    index: int


@dataclasses.dataclass(frozen=True)
class Timeline(Result):
    """The project's phases as spans, its holds, and the status report for its marks."""

    report: StatusReport
    spans: list[PhaseSpan]
    holds: list[tuple[dt.date, dt.date]]
    hold_label: str
    start: dt.date
    end: dt.date
    closed: bool
    today: dt.date


# ------------------------------------------------------------------ the web's project page


@dataclasses.dataclass(frozen=True)
class ProjectHeader(Result):
    code: str
    name: str


@dataclasses.dataclass(frozen=True)
class PhaseChoice(Result):
    key: str
    label: str


@dataclasses.dataclass(frozen=True)
class TeamMember(Result):
    id: int
    name: str
    role: str


@dataclasses.dataclass(frozen=True)
class PeopleFacts(Result):
    """What the page needs about the person looking: read first, with the version.

    ``milestone_ids`` is None when the person may mark any milestone done, else the
    ids of the milestones they are responsible for.
    """

    version: int
    workflow: Any = internal()
    phases: list[PhaseChoice]
    published: bool
    checklist: bool
    anchoring: bool
    decide: bool
    publish: bool
    milestone_ids: frozenset[int] | None
    team: list[TeamMember]


@dataclasses.dataclass(frozen=True)
class PageRights(Result):
    """Which forms the page shows."""

    checklist: bool
    anchoring: bool
    decide: bool
    publish: bool
    milestones: bool


@dataclasses.dataclass(frozen=True)
class PageMilestone(ReportMilestone):
    may_done: bool


@dataclasses.dataclass(frozen=True)
class OutcomeChoice(Result):
    key: str
    label: str


@dataclasses.dataclass(frozen=True)
class ProjectPage(StatusReport):
    """The status report plus the version, the phases, the checklist and what the person may do."""

    milestones: list[PageMilestone]
    version: int
    phases: list[PhaseChoice]
    published: bool
    may: PageRights
    team: list[TeamMember]
    outcomes: list[OutcomeChoice]
    role_labels: dict[str, str]
    checklist: list[ChecklistItem]
