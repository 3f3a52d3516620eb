"""Workflow definitions: load YAML, validate, and explain every problem with its line.

A workflow is data (see ``workflows/*.yaml``): phases with checklists, and one
decision point leaving each phase. The engine only knows the *kinds* of criteria
listed in :data:`CRITERION_KINDS`; it never names a phase of a particular workflow.

Problems are collected, not raised one at a time, so ``plp workflow validate`` can
report them all, each with the line of the file where it stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from plp import durations
from plp.errors import NotFound, WorkflowError

LANGS = ("nn", "nb", "en")
OUTCOMES = ("go", "rework", "hold", "resume", "stop")
GOAL_LEVELS = ("societal", "effect", "result")
STATUSES = ("active", "on_hold", "stopped", "completed")
CRITERION_KINDS = ("role", "goals", "checklist", "anchoring", "milestones")

#: A length of time in a workflow file: 90d, 6w, 6m, 1y (or a number of days).
Duration = Annotated[str, BeforeValidator(durations.check)]


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Labels(_Strict):
    """A label in each of the three languages."""

    nn: str
    nb: str
    en: str

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en


class ChecklistItem(_Strict):
    key: str
    labels: Labels
    mandatory: bool = True


class Phase(_Strict):
    key: str
    labels: Labels
    checklist: list[ChecklistItem] = []


class RoleDef(_Strict):
    labels: Labels
    single: bool = False  # one holder at a time (a new assignment replaces the old)


class RoleCriterion(_Strict):
    """Someone holds the given role in the project."""

    kind: Literal["role"]
    role: str


class GoalsCriterion(_Strict):
    """At least one goal at each of the given levels."""

    kind: Literal["goals"]
    levels: list[Literal["societal", "effect", "result"]] = Field(min_length=1)


class ChecklistCriterion(_Strict):
    """Every mandatory checklist item of the phase being left is ticked."""

    kind: Literal["checklist"]


class AnchoringCriterion(_Strict):
    """Every owner (optionally only of some grades) has an approved formal decision.

    The latest decision per owner among the accepted bodies counts: a refusal or
    lapse after an approval blocks again, a later approval unblocks.
    """

    kind: Literal["anchoring"]
    anchoring: Literal["political", "administrative", "any"] = "political"
    bodies: list[str] = []  # empty: any body of the right kind
    grades: list[Literal["A", "B", "C"]] = ["A", "B", "C"]


class MilestonesCriterion(_Strict):
    """No milestone of the phase being left is still open."""

    kind: Literal["milestones"]


Criterion = Annotated[
    Union[RoleCriterion, GoalsCriterion, ChecklistCriterion, AnchoringCriterion, MilestonesCriterion],
    Field(discriminator="kind"),
]


class DecisionPoint(_Strict):
    key: str
    from_: str = Field(alias="from")
    to: str | None = None  # None: the closing decision, which completes the project
    labels: Labels
    deciders: list[str] = Field(min_length=1)
    outcomes: list[Literal["go", "rework", "hold", "resume", "stop"]] = Field(min_length=1)
    criteria: list[Criterion] = []
    # A condition of a conditional go that is still open after its date: put the
    # project on hold (with the reason) or only tell the sponsor, steering group and leader.
    on_condition_missed: Literal["hold", "notify"] = "notify"

    @property
    def closing(self) -> bool:
        return self.to is None

    @property
    def decidable_outcomes(self) -> list[str]:
        """The outcomes a decision here can have: the listed ones, and resume where hold is.

        The one place of the rule "resume exists only where hold does": a hold must
        be undone where it was put, and only there. Listing resume without hold adds
        nothing.
        """
        listed = [o for o in self.outcomes if o != "resume"]
        return listed + (["resume"] if "hold" in listed else [])


#: A number of days in the reminder ladder: at most ten years, so dates stay dates.
Days = Annotated[int, Field(ge=0, le=3660, strict=True)]


class ReminderLadder(_Strict):
    """When milestone reminders are sent (used by the scheduler)."""

    before_days: list[Days] = [14, 3, 0]
    overdue_every_days: Annotated[int, Field(ge=1, le=3660, strict=True)] = 7  # divides: never 0
    escalate_after_days: Days = 14
    decision_waiting_days: Days = 14
    anchoring_window_days: Days = 14


class Workflow(_Strict):
    name: str
    version: int = Field(ge=1, le=2**31 - 1, strict=True)  # stored in an INTEGER column
    labels: Labels
    description: str = ""
    roles: dict[str, RoleDef]
    outcomes: dict[Literal["go", "rework", "hold", "resume", "stop"], Labels]
    goal_levels: dict[Literal["societal", "effect", "result"], Labels]
    statuses: dict[Literal["active", "on_hold", "stopped", "completed"], Labels]
    phases: list[Phase] = Field(min_length=1)
    decision_points: list[DecisionPoint] = Field(min_length=1)
    reminders: ReminderLadder = ReminderLadder()
    # Time rules (plp/services/timed.py): the review of a hold, when a hold turns
    # dormant and what that does, and the benefit reviews after completion.
    hold_review_after: Duration | None = None
    dormant_after: Duration | None = None
    on_dormant: Literal["mark", "stop"] = "mark"
    benefit_reviews: list[Duration] = []

    @field_validator("name")
    @classmethod
    def _name_is_simple(cls, v: str) -> str:
        if not v or not all(c.isalnum() or c in "-_" for c in v):
            raise ValueError("must be letters, digits, '-' or '_'")
        return v

    # --- lookups used by the engine and the services -------------------------

    @cached_property
    def phase_keys(self) -> list[str]:
        return [p.key for p in self.phases]

    def phase(self, key: str) -> Phase:
        for p in self.phases:
            if p.key == key:
                return p
        raise NotFound(f"workflow {self.name} has no phase '{key}' (phases: {', '.join(self.phase_keys)})")

    def decision_point_from(self, phase: str) -> DecisionPoint:
        for dp in self.decision_points:
            if dp.from_ == phase:
                return dp
        raise NotFound(f"workflow {self.name} has no decision point after phase '{phase}'")

    def checklist_item(self, key: str) -> tuple[Phase, ChecklistItem]:
        for p in self.phases:
            for item in p.checklist:
                if item.key == key:
                    return p, item
        keys = [i.key for p in self.phases for i in p.checklist]
        raise NotFound(f"no checklist item '{key}' in workflow {self.name} (items: {', '.join(keys)})")

    def phase_label(self, key: str, lang: str = "en") -> str:
        return self.phase(key).labels.get(lang)

    @cached_property
    def fingerprint(self) -> str:
        """The canonical JSON, computed once: equal content, equal fingerprint."""
        return self.to_json()

    def to_json(self) -> str:
        data = self.model_dump(mode="json", by_alias=True)
        # Time rules left at their defaults are left out, so a file that does not use
        # them keeps the fingerprint it had before they existed.
        for key, default in TIME_RULE_DEFAULTS.items():
            if data.get(key) == default:
                data.pop(key)
        for dp in data["decision_points"]:
            if dp.get("on_condition_missed") == "notify":
                dp.pop("on_condition_missed")
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Workflow":
        return cls.model_validate_json(text)


TIME_RULE_DEFAULTS: dict[str, Any] = {"hold_review_after": None, "dormant_after": None, "on_dormant": "mark",
                                      "benefit_reviews": []}


# ------------------------------------------------------------------ loading


def _format_loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for i, p in enumerate(loc):
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif p in CRITERION_KINDS and i >= 2 and loc[i - 2] == "criteria" and isinstance(loc[i - 1], int):
            continue  # the discriminator tag pydantic adds for a criterion
        elif p == "[key]":  # pydantic's mark for a mapping's key, after the key itself
            parts.append(" (key)")
        else:
            parts.append(("." if parts else "") + ("from" if p == "from_" else str(p)))
    return "".join(parts)


@dataclass
class Loaded:
    workflow: Workflow | None
    problems: list[tuple[int | None, str]]
    source: str


def parse(text: str, source: str = "<workflow>") -> Loaded:
    """Parse and check a workflow; never raises for a bad file, returns problems.

    Any shape of YAML is a problem with a line, never an exception: keys that are
    lists, mappings, numbers or true/false, a mapping where a list belongs, numbers
    where text belongs, characters YAML forbids, nesting too deep for Python.
    """
    from plp import yamllines  # YAML only where a file is read: a stored workflow is JSON

    loaded = _parse(text, source)
    loaded.problems = [(line, yamllines.printable(message)) for line, message in loaded.problems]
    return loaded


def _parse(text: str, source: str) -> Loaded:
    from plp import workflow_checks, yamllines

    data, problems = yamllines.load(text)
    if data is None and problems:
        return Loaded(None, problems, source)
    if not isinstance(data, dict):
        return Loaded(None, problems + [(1, "a workflow file must be a mapping with name, version, phases ...")], source)
    try:
        wf = Workflow.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            where = _format_loc(err["loc"])
            problems.append((_line_of(data, err["loc"]), f"{where}: {err['msg']}" if where else err["msg"]))
        return Loaded(None, sorted(problems, key=lambda p: p[0] or 0), source)
    problems += workflow_checks.check(wf, lambda *loc: _line_of(data, loc),
                                      {"goal_levels": GOAL_LEVELS, "statuses": STATUSES})
    problems.sort(key=lambda p: p[0] or 0)
    return Loaded(None if problems else wf, problems, source)


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line in the file of the value at pydantic location ``loc``."""
    from plp import yamllines

    return yamllines.line_of(data, loc, {"from_": "from"})


def load_file(path: str | Path) -> Workflow:
    """Load and validate one file, raising :class:`WorkflowError` with every problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"no such workflow file: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise WorkflowError(str(path), [(None, f"cannot read file: {e}")]) from None
    loaded = parse(text, str(path))
    if loaded.workflow is None:
        raise WorkflowError(str(path), loaded.problems)
    return loaded.workflow


def source_text(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")


# ---------------------------------------------------------------------- registry


def shipped_dir() -> Path:
    """The workflows shipped with plp: inside the wheel, or the checkout's workflows/."""
    here = Path(__file__).resolve().parent
    packed = here / "_workflows"
    return packed if packed.is_dir() else here.parent / "workflows"


def search_dirs() -> list[Path]:
    """``PLP_WORKFLOW_PATH`` (os.pathsep-separated folders) first, then the shipped ones."""
    from plp.settings import current

    return list(current().workflow_path) + [shipped_dir()]


def workflow_files() -> list[Path]:
    files: list[Path] = []
    for d in search_dirs():
        if d.is_dir():
            files += sorted(f for f in d.iterdir() if f.suffix in (".yaml", ".yml"))
    return files


def find(name: str) -> tuple[Workflow, Path]:
    """The workflow called ``name`` from the search path (the first folder wins)."""
    for f in workflow_files():
        if f.stem == name:
            return load_file(f), f
    for f in workflow_files():
        loaded = parse(f.read_text(encoding="utf-8"), str(f))
        if loaded.workflow and loaded.workflow.name == name:
            return loaded.workflow, f
    names = sorted({f.stem for f in workflow_files()})
    raise NotFound(f"unknown workflow '{name}' (available: {', '.join(names)})")
