"""The workflow engine: what a decision means, and whether a gate is ready.

Pure: no database, no CLI, no clock. The services hand it plain facts about a
project (:class:`GateFacts`) and get back criteria results and the new state.

One ``transitions.Machine`` is built per workflow version and projects are added
to it as models for the length of one decision. Its states are the workflow's
phases plus the two end states; its triggers are the outcomes each decision
point allows. Nothing here names a phase of a particular workflow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from transitions import Machine, MachineError

from plp.errors import GateBlocked, InvalidInput, InvalidTransition
from plp.workflow import (
    OUTCOMES,
    AnchoringCriterion,
    ChecklistCriterion,
    DecisionPoint,
    GoalsCriterion,
    MilestonesCriterion,
    RoleCriterion,
    Workflow,
)

COMPLETED = "completed"
STOPPED = "stopped"
END_STATES = (COMPLETED, STOPPED)


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
class GateStatus:
    decision_point: DecisionPoint
    from_phase: str
    to_phase: str | None  # None: the closing decision
    criteria: list[CriterionResult]

    @property
    def ready(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def unmet(self) -> list[CriterionResult]:
        return [c for c in self.criteria if not c.met]


# ---------------------------------------------------------------------- criteria


def anchoring_gaps(crit: AnchoringCriterion, facts: GateFacts) -> list[tuple[str, AnchorFact | None]]:
    """The owners whose anchoring is not approved: (org, latest decision or None if missing).

    The latest decision per owner among the accepted bodies counts.
    """
    latest: dict[str, AnchorFact] = {}
    for a in sorted(facts.anchoring, key=lambda a: (a.date, a.seq)):
        if crit.anchoring != "any" and a.kind != crit.anchoring:
            continue
        if crit.bodies and a.body not in crit.bodies:
            continue
        latest[a.org] = a
    return [(o.org, latest.get(o.org)) for o in facts.owners
            if o.grade in crit.grades and (o.org not in latest or latest[o.org].outcome != "approved")]


def evaluate(wf: Workflow, crit: object, facts: GateFacts) -> CriterionResult:
    """One criterion, met or not, with a detail that says what is missing."""
    if isinstance(crit, RoleCriterion):
        label = wf.roles[crit.role].labels.en
        holders = facts.roles.get(crit.role, [])
        if holders:
            return CriterionResult(f"role:{crit.role}", True, f"{label}: {', '.join(holders)}")
        return CriterionResult(f"role:{crit.role}", False, f"no {label} assigned")
    if isinstance(crit, GoalsCriterion):
        key = "goals:" + ",".join(crit.levels)
        missing = [lvl for lvl in crit.levels if lvl not in facts.goal_levels]
        names = lambda lvls: ", ".join(wf.goal_levels[lvl].en for lvl in lvls)  # noqa: E731
        if missing:
            return CriterionResult(key, False, f"missing: {names(missing)}")
        return CriterionResult(key, True, f"present: {names(crit.levels)}")
    if isinstance(crit, ChecklistCriterion):
        items = [i for i in wf.phase(facts.phase).checklist if i.mandatory]
        open_items = [i.key for i in items if i.key not in facts.ticked]
        if open_items:
            return CriterionResult("checklist", False, f"checklist not done: {', '.join(open_items)}")
        return CriterionResult("checklist", True, f"all {len(items)} mandatory items done")
    if isinstance(crit, AnchoringCriterion):
        key = f"anchoring:{crit.anchoring}"
        what = "formal anchoring" if crit.anchoring == "any" else f"{crit.anchoring} anchoring"
        owners = [o for o in facts.owners if o.grade in crit.grades]
        if not owners:
            return CriterionResult(key, False, "no owners registered")
        gaps = anchoring_gaps(crit, facts)
        missing = [org for org, a in gaps if a is None]
        refused = [f"{org} ({a.outcome} by {a.body} {a.ref}, {a.date.isoformat()})" for org, a in gaps if a is not None]
        parts = []
        if missing:
            parts.append(f"{what} missing: {', '.join(missing)}")
        if refused:
            parts.append(f"not approved: {', '.join(refused)}")
        if parts:
            return CriterionResult(key, False, "; ".join(parts))
        return CriterionResult(key, True, f"approved by all {len(owners)} owners")
    if isinstance(crit, MilestonesCriterion):
        open_titles = facts.open_milestones.get(facts.phase, [])
        if open_titles:
            shown = ", ".join(open_titles[:5]) + (" ..." if len(open_titles) > 5 else "")
            return CriterionResult("milestones", False, f"{len(open_titles)} open milestone(s): {shown}")
        return CriterionResult("milestones", True, "no open milestones in this phase")
    raise InvalidInput(f"unknown criterion {crit!r}")  # pragma: no cover - the schema forbids it


def gate_status(wf: Workflow, facts: GateFacts) -> GateStatus:
    """The decision point after the project's phase, criterion by criterion."""
    dp = wf.decision_point_from(facts.phase)
    return GateStatus(dp, dp.from_, dp.to, [evaluate(wf, c, facts) for c in dp.criteria])


# ---------------------------------------------------------------------- machine


class _Flow:
    """The model a Machine moves: a project's phase and status for one decision."""

    def __init__(self, state: str, status: str, ready: bool):
        self.state = state
        self.status = status
        self.ready = ready
        self.rounds = 0

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_on_hold(self) -> bool:
        return self.status == "on_hold"

    def set_on_hold(self) -> None:
        self.status = "on_hold"

    def set_active(self) -> None:
        self.status = "active"

    def next_round(self) -> None:
        self.rounds += 1


_MACHINES: dict[tuple[str, int, str], Machine] = {}


def transitions_for(wf: Workflow) -> list[dict]:
    """The workflow's decision points as transitions data."""
    out: list[dict] = []
    for dp in wf.decision_points:
        src = dp.from_
        for outcome in dp.outcomes:
            if outcome == "go":
                out.append({"trigger": "go", "source": src, "dest": dp.to or COMPLETED,
                            "conditions": ["is_active", "ready"]})
            elif outcome == "rework":
                out.append({"trigger": "rework", "source": src, "dest": None,
                            "conditions": ["is_active"], "after": "next_round"})
            elif outcome == "hold":
                out.append({"trigger": "hold", "source": src, "dest": None,
                            "conditions": ["is_active"], "after": "set_on_hold"})
                out.append({"trigger": "resume", "source": src, "dest": None,
                            "conditions": ["is_on_hold"], "after": "set_active"})
            elif outcome == "stop":
                out.append({"trigger": "stop", "source": src, "dest": STOPPED})
    return out


def machine_for(wf: Workflow) -> Machine:
    """One Machine per workflow version, built once and shared by all projects."""
    key = (wf.name, wf.version, wf.fingerprint)
    m = _MACHINES.get(key)
    if m is None:
        m = Machine(model=None, states=wf.phase_keys + list(END_STATES), transitions=transitions_for(wf),
                    initial=wf.phase_keys[0], auto_transitions=False)
        _MACHINES[key] = m
    return m


@dataclass(frozen=True)
class Outcome:
    """What a decision does to the project."""

    decision_point: str
    outcome: str
    from_phase: str
    phase: str  # the phase afterwards (unchanged when completed or stopped)
    status: str
    round: int


def decide(wf: Workflow, *, phase: str, status: str, round: int, outcome: str,
           gate: GateStatus) -> Outcome:
    """Apply ``outcome`` at the decision point after ``phase``, or refuse clearly."""
    if outcome not in OUTCOMES:
        raise InvalidInput(f"unknown outcome '{outcome}' (choose one of: {', '.join(OUTCOMES)})")
    if status in END_STATES:
        raise InvalidTransition(f"the project is {status}; it accepts no further decisions")
    dp = gate.decision_point
    allowed = list(dp.outcomes) + (["resume"] if "hold" in dp.outcomes else [])
    if status == "on_hold" and outcome not in ("resume", "stop"):
        raise InvalidTransition("the project is on hold; it accepts only resume or stop")
    if status == "active" and outcome == "resume":
        raise InvalidTransition("the project is not on hold; there is nothing to resume")
    if outcome not in allowed:
        raise InvalidTransition(f"decision point {dp.key} allows only: {', '.join(allowed)}")
    if outcome == "go" and not gate.ready:
        unmet = [c.detail for c in gate.unmet]
        raise GateBlocked(f"{dp.key} is not ready: " + "; ".join(unmet), unmet)

    flow = _Flow(phase, status, gate.ready)
    machine = machine_for(wf)
    machine.add_model(flow, initial=phase)
    try:
        moved = flow.trigger(outcome)
    except MachineError as e:  # pragma: no cover - the checks above come first
        raise InvalidTransition(f"{outcome} is not possible from {phase}: {e.value}") from None
    finally:
        machine.remove_model(flow)
    if not moved:  # pragma: no cover - the checks above come first
        raise InvalidTransition(f"{outcome} is not possible at {dp.key} now")

    if flow.state == COMPLETED:
        return Outcome(dp.key, outcome, phase, phase, COMPLETED, round)
    if flow.state == STOPPED:
        return Outcome(dp.key, outcome, phase, phase, STOPPED, round)
    new_round = 1 if flow.state != phase else round + flow.rounds
    return Outcome(dp.key, outcome, phase, flow.state, flow.status, new_round)


def mermaid(wf: Workflow, lang: str = "en") -> str:
    """A Mermaid state diagram of the workflow, drawn by transitions' mermaid engine."""
    from transitions.extensions.diagrams import GraphMachine

    class _Model:
        pass

    states = [{"name": p.key} for p in wf.phases] + [{"name": s} for s in END_STATES]
    dp_of = {dp.from_: dp.key for dp in wf.decision_points}
    trans = [{"trigger": f"{dp_of[t['source']]}: {wf.outcomes[t['trigger']].get(lang)}",
              "source": t["source"], "dest": t["dest"]} for t in transitions_for(wf)]
    model = _Model()
    GraphMachine(model=model, states=states, transitions=trans, initial=wf.phase_keys[0],
                 auto_transitions=False, graph_engine="mermaid", title=f"{wf.labels.get(lang)} v{wf.version}",
                 show_state_attributes=False)
    drawn = model.get_graph().draw(None)
    # transitions styles the initial state as "active" with a capitalised 'Class'
    # keyword that Mermaid does not know; a workflow diagram has no current state.
    labels = {p.key: p.labels.get(lang) for p in wf.phases}
    labels.update({s: wf.statuses[s].get(lang) for s in END_STATES})
    lines = []
    for line in drawn.splitlines():
        stripped = line.strip()
        if stripped.startswith(("classDef ", "Class ")):
            continue
        for key, label in labels.items():
            if stripped == f'state "{key}" as {key}':
                line = line.replace(f'"{key}"', '"' + label.replace('"', "'") + '"')
        lines.append(line)
    return "\n".join(lines).replace("\n  \n", "\n") + "\n"
