"""Typed results of the operational use cases: outbox, trust, settings,
workflow versions, import and export, timed moves and the network's meetings.

Like :mod:`plp.services.results` (whose :class:`~plp.services.results.Result` they
derive from), each is a frozen dataclass of plain values that the CLI and the web
render from; ``to_json`` gives exactly the JSON the CLI prints, field order being
key order. A field marked ``internal()`` never reaches the JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from plp.services.results import Result, internal

# ------------------------------------------------------------------ outbox


@dataclasses.dataclass(frozen=True)
class OutboxRow(Result):
    """One message of ``outbox list``; secrets already redacted."""

    id: int
    kind: str
    project: str
    item: str
    step: str
    recipient: str
    channel: str
    address: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    subject: str
    sent_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class OutboxChange(Result):
    """A message after ``outbox retry`` or ``outbox cancel``."""

    id: int
    status: str
    attempts: int
    recipient: str
    channel: str


# ------------------------------------------------------------------- trust


@dataclasses.dataclass(frozen=True)
class TrustFactor(Result):
    """One factor of a trust round: mean, spread, change since the round before, the flag."""

    factor: str
    mean: float
    spread: float
    answers: int
    previous_mean: float | None
    change: float | None
    flag: bool
    reasons: list[str]


@dataclasses.dataclass(frozen=True)
class TrustRound(Result):
    """One round in the trend: its first answer's date and each factor's mean."""

    round: str
    date: dt.date
    answers: int
    means: dict[str, float]


@dataclasses.dataclass(frozen=True)
class TrustSummary(Result):
    """A round against the one before, and the trend (:func:`plp.services.trust.summarise`)."""

    round: str
    previous_round: str | None
    answers: int
    factors: list[TrustFactor]
    rounds: list[TrustRound]


@dataclasses.dataclass(frozen=True)
class TrustReport(TrustSummary):
    """``trust report --json``: the summary and the round's comments, without names."""

    comments: list[str]


# ---------------------------------------------------------------- settings


@dataclasses.dataclass(frozen=True)
class PermissionRule(Result):
    action: str
    who: str


@dataclasses.dataclass(frozen=True)
class ConfigView(Result):
    """``config show --json``: each known setting's value, and the permission table."""

    settings: dict[str, str]
    permissions: list[PermissionRule]


# --------------------------------------------------------- workflow versions

#: ``old`` or ``new`` of a change that has none (not the same as a value that is null).
NOT_GIVEN: Any = type("NotGiven", (), {"__repr__": lambda self: "NOT_GIVEN"})()


@dataclasses.dataclass(frozen=True)
class WorkflowChange(Result):
    """One change between two workflow versions; the JSON has only the keys that apply.

    ``phase`` and ``decision_point`` are left out when None, ``old`` and ``new`` when
    :data:`NOT_GIVEN` (a null ``old`` is a real value: a time rule that was unset).
    """

    area: str
    change: str
    key: str
    text: str
    phase: str | None = None
    decision_point: str | None = None
    old: Any = NOT_GIVEN
    new: Any = NOT_GIVEN

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"area": self.area, "change": self.change, "key": self.key}
        for name in ("phase", "decision_point"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        for name in ("old", "new"):
            if getattr(self, name) is not NOT_GIVEN:
                out[name] = getattr(self, name)
        out["text"] = self.text
        return out


@dataclasses.dataclass(frozen=True)
class WorkflowDiff(Result):
    """``workflow diff``: where each version came from (``database`` or a file) and the changes."""

    workflow: str
    from_version: int
    to_version: int
    from_source: str
    to_source: str
    changes: list[WorkflowChange]


@dataclasses.dataclass(frozen=True)
class MigrationResult(Result):
    """``workflow migrate``: the versions, the next decision point before and after, and notes."""

    code: str
    workflow: str
    from_version: int
    to_version: int
    phase: str
    status: str
    decision_point_before: str
    decision_point: str
    ready_before: bool
    ready: bool
    unmet: list[str]
    kept_checklist_items: list[str]
    undefined_roles: list[str]
    source: str
    notes: list[str]
    dry_run: bool


# ---------------------------------------------------------- import, export


@dataclasses.dataclass(frozen=True)
class TableCounts(Result):
    """Rows per table written by ``export json`` or ``import json``, in table order."""

    tables: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.tables.values())


# ------------------------------------------------------------- timed moves


@dataclasses.dataclass(frozen=True)
class CheckRow(Result):
    """One line of ``plp check``: a reminder delivered (or, with ``--dry-run``, that would be)."""

    kind: str
    project: str
    item: str
    item_id: int
    step: str
    recipient: str
    channel: str
    due: dt.date
    status: str
    unreachable: bool
    error: str | None


@dataclasses.dataclass(frozen=True)
class MoveRow(CheckRow):
    """A move time makes, as a row of ``plp check --json``: channel ``move``, effect and reason.

    With ``--dry-run`` each move is followed by the notices it would send, which
    carry their recipient and channel.
    """

    effect: str
    reason: str


# ------------------------------------------------------------------ network


@dataclasses.dataclass(frozen=True)
class MeetingView(Result):
    """A meeting of the business network (``network meeting list``)."""

    id: int
    date: dt.date
    attendees: list[str]
    note: str | None


@dataclasses.dataclass(frozen=True)
class TrustAnswerView(Result):
    """One respondent's recorded answer in a trust round (the web's trust form)."""

    id: int = internal()
    round: str
    respondent: str
    scores: dict[str, int]
    answered_on: dt.date
    comment: str | None


# ------------------------------------------------- what a change wrote
# What a mutating use case hands back: the plain values of the row it wrote, never
# the ORM row itself (which belongs to a session that is closed by then).


@dataclasses.dataclass(frozen=True)
class OrgRef(Result):
    id: int
    name: str
    kind: str


@dataclasses.dataclass(frozen=True)
class PersonRef(Result):
    id: int
    name: str


@dataclasses.dataclass(frozen=True)
class PersonRow(Result):
    """One line of ``person list``."""

    id: int
    name: str
    email: str | None
    phone: str | None
    org: str | None
    lang: str | None


@dataclasses.dataclass(frozen=True)
class MilestoneSaved(Result):
    """A milestone as ``milestone add`` or ``milestone done`` left it."""

    id: int
    project: str
    title: str
    due: dt.date
    done_on: dt.date | None
    responsible: str
    phase: str


@dataclasses.dataclass(frozen=True)
class PlanRef(Result):
    id: int
    code: str
    title: str


@dataclasses.dataclass(frozen=True)
class PlanRow(Result):
    """One line of ``plan list``: the period as text (``2015–2019``) and how many measures."""

    id: int
    code: str
    title: str
    period: str | None
    measures: int


@dataclasses.dataclass(frozen=True)
class MeasureRef(Result):
    """A joint measure after a change; ``version`` is what the next ``--if-version`` takes."""

    id: int
    title: str
    status: str
    version: int


@dataclasses.dataclass(frozen=True)
class MeasureLinked(Result):
    measure: MeasureRef
    project: str
