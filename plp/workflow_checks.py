"""Checks of a workflow that span several parts of the file: references, reachability, time rules.

The schema (:mod:`plp.workflow`) checks each part on its own; these check how the
parts fit together. Each returns problems as ``(line, message)``, the line found
by ``at(*location)`` in the file the workflow came from.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterable

from plp import durations

Problem = tuple[int | None, str]
At = Callable[..., "int | None"]
END_STATE_NAMES = ("completed", "stopped")


def check(wf: Any, at: At, required_labels: dict[str, Iterable[str]]) -> list[Problem]:
    """Every problem of how the parts of ``wf`` fit together, in reading order of the checks.

    ``required_labels`` names, per labels section (``goal_levels``, ``statuses``), the
    keys it must have.
    """
    out = _phases(wf, at) + _checklist_items(wf, at)
    for section, keys in required_labels.items():
        out += [(at(section), f"{section}: no labels for '{k}'") for k in keys if k not in getattr(wf, section)]
    leaving, dp_problems = _decision_points(wf, at)
    out += dp_problems + _outcome_labels(wf, at)
    out += [(at("phases", i, "key"), f"phase '{key}' has no decision point leaving it")
            for i, key in enumerate(wf.phase_keys) if key not in leaving]
    closing = [dp for dp in wf.decision_points if dp.closing]
    if len(closing) != 1:
        out.append((at("decision_points"),
                    f"there must be exactly one closing decision point (without 'to'), found {len(closing)}"))
    if not out:  # following 'go' only makes sense through a sound file
        out += _reachability(wf, at)
    return out + time_rules(wf, at)


def _phases(wf: Any, at: At) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for i, key in enumerate(wf.phase_keys):
        if key in seen:
            out.append((at("phases", i, "key"), f"duplicate phase '{key}'"))
        seen.add(key)
        if key in END_STATE_NAMES:
            out.append((at("phases", i, "key"), f"'{key}' is reserved for the end state; name the phase otherwise"))
    return out


def _checklist_items(wf: Any, at: At) -> list[Problem]:
    out: list[Problem] = []
    items: set[str] = set()
    for i, p in enumerate(wf.phases):
        for j, item in enumerate(p.checklist):
            if item.key in items:
                out.append((at("phases", i, "checklist", j, "key"), f"duplicate checklist item '{item.key}'"))
            items.add(item.key)
    return out


def _decision_points(wf: Any, at: At) -> tuple[dict[str, str], list[Problem]]:
    """The decision point leaving each phase, and what is wrong with the decision points."""
    out: list[Problem] = []
    phases = set(wf.phase_keys)
    leaving: dict[str, str] = {}
    dp_keys: set[str] = set()
    for i, dp in enumerate(wf.decision_points):
        where = partial(at, "decision_points", i)
        if dp.key in dp_keys:
            out.append((where("key"), f"duplicate decision point '{dp.key}'"))
        dp_keys.add(dp.key)
        if dp.from_ not in phases:
            out.append((where("from"), f"decision point {dp.key}: unknown phase '{dp.from_}'"))
        elif dp.from_ in leaving:
            out.append((where("from"), f"decision point {dp.key}: phase '{dp.from_}' already has decision point "
                                       f"{leaving[dp.from_]}"))
        else:
            leaving[dp.from_] = dp.key
        if dp.to is not None and dp.to not in phases:
            out.append((where("to"), f"decision point {dp.key}: unknown phase '{dp.to}'"))
        out += _references(wf, dp, where)
    return leaving, out


def _references(wf: Any, dp: Any, where: At) -> list[Problem]:
    """Roles and outcomes one decision point names."""
    out: list[Problem] = [(where("deciders", j), f"decision point {dp.key}: unknown role '{role}' in deciders")
                          for j, role in enumerate(dp.deciders) if role not in wf.roles]
    if "go" not in dp.outcomes:
        out.append((where("outcomes"), f"decision point {dp.key}: outcomes must include 'go'"))
    out += [(where("criteria", j, "role"), f"decision point {dp.key}: unknown role '{c.role}' in criterion")
            for j, c in enumerate(dp.criteria) if c.kind == "role" and c.role not in wf.roles]
    return out


def _outcome_labels(wf: Any, at: At) -> list[Problem]:
    used = {o for dp in wf.decision_points for o in dp.decidable_outcomes}
    return [(at("outcomes"), f"outcomes: no labels for '{o}'") for o in sorted(used) if o not in wf.outcomes]


def _reachability(wf: Any, at: At) -> list[Problem]:
    """Follow 'go' from the first phase: every phase once, ending at the closing decision."""
    out: list[Problem] = []
    phases = wf.phase_keys
    by_from = {dp.from_: dp for dp in wf.decision_points}
    visited: list[str] = []
    current: str | None = phases[0]
    while current is not None:
        if current in visited:
            dp = by_from[visited[-1]]
            idx = wf.decision_points.index(dp)
            out.append((at("decision_points", idx, "to"), f"decision point {dp.key} leads back to phase '{current}' "
                                                          f"(a cycle)"))
            break
        visited.append(current)
        current = by_from[current].to
    for i, key in enumerate(phases):
        if key not in visited and not any(key in m for _, m in out):
            out.append((at("phases", i, "key"), f"phase '{key}' is unreachable from the first phase '{phases[0]}'"))
    return out


def time_rules(wf: Any, at: At) -> list[Problem]:
    """The time rules must fit the decision points: a hold must be possible where they need one."""
    out = _condition_holds(wf, at)
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


def _condition_holds(wf: Any, at: At) -> list[Problem]:
    """``on_condition_missed: hold`` needs a next decision point where a hold is possible."""
    out: list[Problem] = []
    by_from = {dp.from_: dp for dp in wf.decision_points}
    phases = set(wf.phase_keys)
    for i, dp in enumerate(wf.decision_points):
        if dp.on_condition_missed != "hold":
            continue
        where = at("decision_points", i, "on_condition_missed")
        if dp.to is None:
            out.append((where, f"decision point {dp.key}: on_condition_missed: hold on the closing decision point "
                               f"(the project is completed, it cannot be put on hold)"))
        elif dp.to in phases and dp.to in by_from and "hold" not in by_from[dp.to].outcomes:
            out.append((where, f"decision point {dp.key}: on_condition_missed: hold, but {by_from[dp.to].key} "
                               f"(after phase '{dp.to}') has no 'hold' outcome"))
    return out
