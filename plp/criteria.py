"""The five kinds of gate criteria, each handled once: evaluated, explained and described.

A workflow's decision point lists criteria by ``kind`` (see :mod:`plp.workflow`).
Every kind is one class here, registered by its name, that knows how to

- **evaluate** it against a project's :class:`GateFacts` (met or not, with the
  engine's one-line English detail that ``gate status`` and refusals show);
- **explain** it in a report's language (label, detail, short detail, the owners
  still missing), worded through the translator the caller hands in, so this
  module needs no catalogue of its own;
- **describe** it as a rule: in the workflow's labels for ``workflow show``, and in
  plain words with the file's keys for ``workflow diff`` and migration notes.

The engine, the reports and the workflow description all come here, so a new kind
is one class, not three ladders of ``if``. Pure: the standard library and the
workflow schema only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Protocol

from plp.workflow import CRITERION_KINDS, AnchoringCriterion, Workflow

#: A translator: ``t("crit_role", role="sponsor")`` → text in the caller's language.
Translate = Callable[..., str]


# ------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class OwnerFact:
    org: str
    grade: str


@dataclass(frozen=True)
class AnchorFact:
    org: str
    body: str
    kind: str
    outcome: str
    date: dt.date
    ref: str
    seq: int = 0  # insertion order, to break ties on the same date


@dataclass
class GateFacts:
    """What the criteria look at, for one project at one moment."""

    phase: str
    status: str = "active"
    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> holders' names
    holders: dict[str, set[int]] = field(default_factory=dict)  # role -> holders' person ids
    goal_levels: set[str] = field(default_factory=set)
    ticked: set[str] = field(default_factory=set)
    owners: list[OwnerFact] = field(default_factory=list)
    anchoring: list[AnchorFact] = field(default_factory=list)
    open_milestones: dict[str, list[str]] = field(default_factory=dict)  # phase -> titles


@dataclass(frozen=True)
class CriterionResult:
    key: str
    met: bool
    detail: str


@dataclass(frozen=True)
class Explained:
    """A criterion said in a report's language."""

    label: str
    detail: str
    short: str  # the detail without long lists, for overviews
    missing_orgs: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------ kinds


class Kind(Protocol):
    name: ClassVar[str]

    def key(self, crit: Any) -> str: ...
    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult: ...
    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained: ...
    def describe(self, wf: Workflow, crit: Any, lang: str) -> str: ...
    def summary(self, crit: Any) -> str: ...


KINDS: dict[str, Kind] = {}


def _register(cls: type) -> type:
    KINDS[cls.name] = cls()
    return cls


def kind_of(crit: Any) -> Kind:
    """The handler of a criterion of the workflow schema."""
    return KINDS[crit.kind]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shown(titles: list[str]) -> str:
    return ", ".join(titles[:5]) + (" ..." if len(titles) > 5 else "")


def _same(label: str, detail: str) -> Explained:
    return Explained(label, detail, detail)


@_register
class RoleKind:
    """Someone holds the given role in the project."""

    name = "role"

    def key(self, crit: Any) -> str:
        return f"role:{crit.role}"

    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
        label = wf.roles[crit.role].labels.en
        holders = facts.roles.get(crit.role, [])
        detail = f"{label}: {', '.join(holders)}" if holders else f"no {label} assigned"
        return CriterionResult(self.key(crit), bool(holders), detail)

    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained:
        role = wf.roles[crit.role].labels.get(lang)
        holders = facts.roles.get(crit.role, [])
        detail = f"{role}: {', '.join(holders)}" if holders else t("crit_role_missing", role=role)
        return _same(_cap(t("crit_role", role=role)), detail)

    def describe(self, wf: Workflow, crit: Any, lang: str) -> str:
        return f"a {wf.roles[crit.role].labels.get(lang)} assigned"

    def summary(self, crit: Any) -> str:
        return f"a {crit.role} assigned"


@_register
class GoalsKind:
    """At least one goal at each of the given levels."""

    name = "goals"

    def key(self, crit: Any) -> str:
        return "goals:" + ",".join(crit.levels)

    def _missing(self, crit: Any, facts: GateFacts) -> list[str]:
        return [lvl for lvl in crit.levels if lvl not in facts.goal_levels]

    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
        missing = self._missing(crit, facts)
        if missing:
            return CriterionResult(self.key(crit), False, f"missing: {_levels(wf, missing, 'en')}")
        return CriterionResult(self.key(crit), True, f"present: {_levels(wf, crit.levels, 'en')}")

    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained:
        label = t("crit_goals", levels=_levels(wf, crit.levels, lang))
        missing = self._missing(crit, facts)
        if missing:
            return _same(label, t("crit_goals_missing", items=_levels(wf, missing, lang)))
        return _same(label, t("crit_goals_present", items=_levels(wf, crit.levels, lang)))

    def describe(self, wf: Workflow, crit: Any, lang: str) -> str:
        return "goals: " + _levels(wf, crit.levels, lang)

    def summary(self, crit: Any) -> str:
        return "goals at level " + ", ".join(crit.levels)


def _levels(wf: Workflow, levels: list[str], lang: str) -> str:
    return ", ".join(wf.goal_levels[lvl].get(lang) for lvl in levels)


@_register
class ChecklistKind:
    """Every mandatory checklist item of the phase being left is ticked."""

    name = "checklist"

    def key(self, crit: Any) -> str:
        return "checklist"

    def _items(self, wf: Workflow, facts: GateFacts) -> tuple[list[Any], list[Any]]:
        """The phase's mandatory items, and those not ticked yet."""
        items = [i for i in wf.phase(facts.phase).checklist if i.mandatory]
        return items, [i for i in items if i.key not in facts.ticked]

    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
        items, open_items = self._items(wf, facts)
        if open_items:
            return CriterionResult("checklist", False, f"checklist not done: {', '.join(i.key for i in open_items)}")
        return CriterionResult("checklist", True, f"all {len(items)} mandatory items done")

    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained:
        # A report names the open items by their labels, not by the keys the CLI takes.
        items, open_items = self._items(wf, facts)
        if open_items:
            names = ", ".join(i.labels.get(lang) for i in open_items)
            return _same(t("crit_checklist"), t("crit_checklist_open", items=names))
        return _same(t("crit_checklist"), t("crit_checklist_done", n=len(items)))

    def describe(self, wf: Workflow, crit: Any, lang: str) -> str:
        return "the phase's mandatory checklist done"

    def summary(self, crit: Any) -> str:
        return "the phase's mandatory checklist done"


@_register
class AnchoringKind:
    """Every owner (of the given grades) has an approved formal decision of the given kind.

    The latest decision per owner among the accepted bodies counts: a refusal or
    lapse after an approval blocks again, a later approval unblocks.
    """

    name = "anchoring"

    def key(self, crit: Any) -> str:
        return f"anchoring:{crit.anchoring}"

    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
        what = "formal anchoring" if crit.anchoring == "any" else f"{crit.anchoring} anchoring"
        owners = [o for o in facts.owners if o.grade in crit.grades]
        if not owners:
            return CriterionResult(self.key(crit), False, "no owners registered")
        gaps = anchoring_gaps(crit, facts)
        missing = [org for org, a in gaps if a is None]
        refused = [f"{org} ({a.outcome} by {a.body} {a.ref}, {a.date.isoformat()})" for org, a in gaps if a]
        parts = ([f"{what} missing: {', '.join(missing)}"] if missing else []) + \
                ([f"not approved: {', '.join(refused)}"] if refused else [])
        if parts:
            return CriterionResult(self.key(crit), False, "; ".join(parts))
        return CriterionResult(self.key(crit), True, f"approved by all {len(owners)} owners")

    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained:
        kind = t(f"kind_{crit.anchoring}")
        label = t("crit_anchoring", kind=kind) + (f" ({', '.join(crit.bodies)})" if crit.bodies else "")
        owners = [o for o in facts.owners if o.grade in crit.grades]
        if not owners:
            return _same(label, t("crit_anchoring_no_owners"))
        gaps = anchoring_gaps(crit, facts)
        missing = [org for org, a in gaps if a is None]
        refused = [f"{org} ({_said_by(a, t)})" for org, a in gaps if a is not None]
        parts = ([t("crit_anchoring_missing", kind=kind, orgs=", ".join(missing))] if missing else []) + \
                ([t("crit_anchoring_refused", items=", ".join(refused))] if refused else [])
        if parts:
            detail = "; ".join(parts)
            return Explained(label, detail, detail, [org for org, _ in gaps])
        return _same(label, t("crit_anchoring_ok", n=len(owners)))

    def describe(self, wf: Workflow, crit: Any, lang: str) -> str:
        grades = "" if set(crit.grades) == {"A", "B", "C"} else f" ({'/'.join(crit.grades)}-owners)"
        bodies = f" by {' or '.join(crit.bodies)}" if crit.bodies else ""
        what = "formal" if crit.anchoring == "any" else crit.anchoring
        return f"approved {what} anchoring from every owner{grades}{bodies}"

    def summary(self, crit: Any) -> str:
        bodies = f" by {', '.join(crit.bodies)}" if crit.bodies else ""
        grades = "" if set(crit.grades) == {"A", "B", "C"} else f" of {'/'.join(crit.grades)}-owners"
        return f"{crit.anchoring} anchoring{grades}{bodies}"


def _said_by(a: AnchorFact, t: Translate) -> str:
    return t("crit_anchoring_by", outcome=t("outcome_" + a.outcome), body=a.body, ref=a.ref, date=a.date.isoformat())


def counts_for(crit: AnchoringCriterion, kind: str, body: str) -> bool:
    """Whether a decision of this kind by this body is one the criterion looks at."""
    return (crit.anchoring == "any" or kind == crit.anchoring) and (not crit.bodies or body in crit.bodies)


def latest_decisions(crit: AnchoringCriterion, facts: GateFacts) -> dict[str, AnchorFact]:
    """Per owner, the decision that counts for ``crit`` now: the latest one it looks at."""
    latest: dict[str, AnchorFact] = {}
    for a in sorted(facts.anchoring, key=lambda a: (a.date, a.seq)):
        if counts_for(crit, a.kind, a.body):
            latest[a.org] = a
    return latest


def anchoring_gaps(crit: AnchoringCriterion, facts: GateFacts) -> list[tuple[str, AnchorFact | None]]:
    """The owners whose anchoring is not approved: (org, latest decision or None if missing)."""
    latest = latest_decisions(crit, facts)
    return [(o.org, latest.get(o.org)) for o in facts.owners
            if o.grade in crit.grades and (o.org not in latest or latest[o.org].outcome != "approved")]


@_register
class MilestonesKind:
    """No milestone of the phase being left is still open."""

    name = "milestones"

    def key(self, crit: Any) -> str:
        return "milestones"

    def evaluate(self, wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
        open_titles = facts.open_milestones.get(facts.phase, [])
        if open_titles:
            return CriterionResult("milestones", False, f"{len(open_titles)} open milestone(s): {_shown(open_titles)}")
        return CriterionResult("milestones", True, "no open milestones in this phase")

    def explain(self, wf: Workflow, crit: Any, facts: GateFacts, t: Translate, lang: str) -> Explained:
        open_titles = facts.open_milestones.get(facts.phase, [])
        if open_titles:
            detail = t("crit_milestones_open", n=len(open_titles), items=_shown(open_titles))
            # an overview lists the milestones elsewhere: the count is enough there
            return Explained(t("crit_milestones"), detail, t("crit_milestones_open_short", n=len(open_titles)))
        return _same(t("crit_milestones"), t("crit_milestones_ok"))

    def describe(self, wf: Workflow, crit: Any, lang: str) -> str:
        return "every milestone of the phase done"

    def summary(self, crit: Any) -> str:
        return "no open milestone of the phase"


# The schema and this registry must name the same kinds; fail at import, not in use.
if set(KINDS) != set(CRITERION_KINDS):  # pragma: no cover - a programming error
    raise RuntimeError(f"criterion kinds {sorted(KINDS)} do not match the schema's {CRITERION_KINDS}")
