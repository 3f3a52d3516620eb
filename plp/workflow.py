"""Workflow definitions: load YAML, validate, and explain every problem with its line.

A workflow is data (see ``workflows/*.yaml``): phases with checklists, and one
decision point leaving each phase. The engine only knows the *kinds* of criteria
listed in :data:`CRITERION_KINDS`; it never names a phase of a particular workflow.

Problems are collected, not raised one at a time, so ``plp workflow validate`` can
report them all, each with the line of the file where it stands.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
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


# ----------------------------------------------------------------- YAML with lines


class _LDict(dict):
    line: int = 0
    key_lines: dict[Any, int]


class _LList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers lines and refuses duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.problems: list[tuple[int | None, str]] = []

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        result = _LDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):  # every key of a workflow is a name: report, skip
                self.problems.append((line, _key_problem(key_node, key)))
                continue
            if key in result:
                self.problems.append((line, f"duplicate key '{key}' (first at line {result.key_lines[key]})"))
                continue
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node, deep=False):  # type: ignore[override]
        result = _LList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


def _key_problem(node: yaml.Node, key: Any) -> str:
    """Why a key that is not text cannot be a name, in the words of the file."""
    if isinstance(node, yaml.ScalarNode):
        return (f"key '{node.value}' is read as {_kind_of(key)}, not as a name; "
                f"write it in quotes (\"{node.value}\") if it is one")
    return f"a key must be a name, not {_kind_of(key)}"


def _kind_of(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", type(None): "empty (null)",
             list: "a list", dict: "a mapping", _LList: "a list", _LDict: "a mapping"}
    return kinds.get(type(value), f"a {type(value).__name__} value")


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line in the file of the value at pydantic location ``loc``."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, _LDict):
            key = "from" if part == "from_" else part
            if key in node:
                line = node.key_lines.get(key, line)
                node = node[key]
                continue
            # a union tag or a missing field: stay at the mapping
            continue
        if isinstance(node, _LList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
            continue
    return line


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


def _printable(message: str) -> str:
    """A problem message that is safe on a terminal: control characters and lone
    surrogates from the file are shown as escapes, not sent to the screen."""
    if message.isprintable():
        return message
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs") else c for c in message)


# ----------------------------------------------------------------------- loading


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
    loaded = _parse(text, source)
    loaded.problems = [(line, _printable(message)) for line, message in loaded.problems]
    return loaded


def _parse(text: str, source: str) -> Loaded:
    try:
        loader = _LineLoader(text)
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(x for x in (e.context, e.problem) if x) or "invalid YAML"
        return Loaded(None, [(line, f"invalid YAML: {msg}")], source)
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, ...)
        line = text.count("\n", 0, e.position) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        return Loaded(None, [(line, f"invalid YAML: character U+{code:04X} is not allowed in a YAML file")],
                      source)
    except yaml.YAMLError as e:
        return Loaded(None, [(None, "invalid YAML: " + " ".join(str(e).split()))], source)
    except RecursionError:
        return Loaded(None, [(None, "invalid YAML: nested too deeply")], source)
    problems = list(loader.problems)
    if not isinstance(data, dict):
        return Loaded(None, problems + [(1, "a workflow file must be a mapping with name, version, phases ...")], source)
    try:
        wf = Workflow.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            where = _format_loc(err["loc"])
            problems.append((_line_of(data, err["loc"]), f"{where}: {err['msg']}" if where else err["msg"]))
        return Loaded(None, sorted(problems, key=lambda p: p[0] or 0), source)
    problems += _check_semantics(wf, data)
    problems.sort(key=lambda p: p[0] or 0)
    return Loaded(None if problems else wf, problems, source)


def _check_semantics(wf: Workflow, data: Any) -> list[tuple[int | None, str]]:
    """Checks that span several parts of the file: references, reachability."""
    out: list[tuple[int | None, str]] = []

    def at(*loc: Any) -> int | None:
        return _line_of(data, loc)

    phases = wf.phase_keys
    seen: dict[str, int] = {}
    for i, key in enumerate(phases):
        if key in seen:
            out.append((at("phases", i, "key"), f"duplicate phase '{key}'"))
        seen.setdefault(key, i)
        if key in ("completed", "stopped"):
            out.append((at("phases", i, "key"), f"'{key}' is reserved for the end state; name the phase otherwise"))
    items: set[str] = set()
    for i, p in enumerate(wf.phases):
        for j, item in enumerate(p.checklist):
            if item.key in items:
                out.append((at("phases", i, "checklist", j, "key"), f"duplicate checklist item '{item.key}'"))
            items.add(item.key)
    for lvl in GOAL_LEVELS:
        if lvl not in wf.goal_levels:
            out.append((at("goal_levels"), f"goal_levels: no labels for '{lvl}'"))
    for st in STATUSES:
        if st not in wf.statuses:
            out.append((at("statuses"), f"statuses: no labels for '{st}'"))

    leaving: dict[str, str] = {}
    dp_keys: set[str] = set()
    used_outcomes: set[str] = set()
    for i, dp in enumerate(wf.decision_points):
        if dp.key in dp_keys:
            out.append((at("decision_points", i, "key"), f"duplicate decision point '{dp.key}'"))
        dp_keys.add(dp.key)
        if dp.from_ not in seen:
            out.append((at("decision_points", i, "from"), f"decision point {dp.key}: unknown phase '{dp.from_}'"))
        elif dp.from_ in leaving:
            out.append((at("decision_points", i, "from"),
                        f"decision point {dp.key}: phase '{dp.from_}' already has decision point {leaving[dp.from_]}"))
        else:
            leaving[dp.from_] = dp.key
        if dp.to is not None and dp.to not in seen:
            out.append((at("decision_points", i, "to"), f"decision point {dp.key}: unknown phase '{dp.to}'"))
        for j, role in enumerate(dp.deciders):
            if role not in wf.roles:
                out.append((at("decision_points", i, "deciders", j), f"decision point {dp.key}: unknown role '{role}' in deciders"))
        if "go" not in dp.outcomes:
            out.append((at("decision_points", i, "outcomes"), f"decision point {dp.key}: outcomes must include 'go'"))
        used_outcomes.update(dp.outcomes)
        if "hold" in dp.outcomes:
            used_outcomes.add("resume")
        for j, c in enumerate(dp.criteria):
            if isinstance(c, RoleCriterion) and c.role not in wf.roles:
                out.append((at("decision_points", i, "criteria", j, "role"), f"decision point {dp.key}: unknown role '{c.role}' in criterion"))
    for o in sorted(used_outcomes):
        if o not in wf.outcomes:
            out.append((at("outcomes"), f"outcomes: no labels for '{o}'"))

    for i, key in enumerate(phases):
        if key not in leaving:
            out.append((at("phases", i, "key"), f"phase '{key}' has no decision point leaving it"))
    closing = [dp for dp in wf.decision_points if dp.closing]
    if len(closing) != 1:
        out.append((at("decision_points"), f"there must be exactly one closing decision point (without 'to'), found {len(closing)}"))
    # Follow 'go' from the first phase: every phase once, ending at the closing decision.
    if not out:
        by_from = {dp.from_: dp for dp in wf.decision_points}
        visited: list[str] = []
        current: str | None = phases[0]
        while current is not None:
            if current in visited:
                dp = by_from[visited[-1]]
                idx = wf.decision_points.index(dp)
                out.append((at("decision_points", idx, "to"), f"decision point {dp.key} leads back to phase '{current}' (a cycle)"))
                break
            visited.append(current)
            current = by_from[current].to
        for i, key in enumerate(phases):
            if key not in visited and not any(key in m for _, m in out):
                out.append((at("phases", i, "key"), f"phase '{key}' is unreachable from the first phase '{phases[0]}'"))
    return out + _check_time_rules(wf, at, seen)


def _check_time_rules(wf: Workflow, at: Any, phases: dict[str, int]) -> list[tuple[int | None, str]]:
    """The time rules must fit the decision points: a hold must be possible where they need one."""
    out: list[tuple[int | None, str]] = []
    by_from = {dp.from_: dp for dp in wf.decision_points}
    for i, dp in enumerate(wf.decision_points):
        if dp.on_condition_missed != "hold":
            continue
        if dp.to is None:
            out.append((at("decision_points", i, "on_condition_missed"),
                        f"decision point {dp.key}: on_condition_missed: hold on the closing decision point "
                        f"(the project is completed, it cannot be put on hold)"))
        elif dp.to in phases and dp.to in by_from and "hold" not in by_from[dp.to].outcomes:
            out.append((at("decision_points", i, "on_condition_missed"),
                        f"decision point {dp.key}: on_condition_missed: hold, but {by_from[dp.to].key} "
                        f"(after phase '{dp.to}') has no 'hold' outcome"))
    holds = any("hold" in dp.outcomes for dp in wf.decision_points)
    for key in ("hold_review_after", "dormant_after"):
        if getattr(wf, key) is not None and not holds:
            out.append((at(key), f"{key}: no decision point has a 'hold' outcome"))
    if wf.on_dormant == "stop" and wf.dormant_after is None:
        out.append((at("on_dormant"), "on_dormant: stop needs dormant_after (how long a hold lasts before)"))
    if wf.hold_review_after and wf.dormant_after and (
            durations.approx_days(wf.dormant_after) <= durations.approx_days(wf.hold_review_after)):
        out.append((at("dormant_after"), f"dormant_after ({wf.dormant_after}) must be longer than "
                                         f"hold_review_after ({wf.hold_review_after})"))
    lengths = [durations.approx_days(d) for d in wf.benefit_reviews]
    for j in range(1, len(lengths)):
        if lengths[j] <= lengths[j - 1]:
            out.append((at("benefit_reviews", j), f"benefit_reviews: {wf.benefit_reviews[j]} must come after "
                                                  f"{wf.benefit_reviews[j - 1]}"))
    if wf.benefit_reviews and "effect" not in wf.goal_levels:
        out.append((at("benefit_reviews"), "benefit_reviews: the workflow has no 'effect' goal level to review"))
    return out


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
