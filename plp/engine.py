"""The workflow engine: what a decision means, and whether a gate is ready.

Pure: no database, no CLI, no clock. The services hand it plain facts about a
project (:class:`GateFacts`) and get back criteria results and the new state.

The rules of deciding live in one place, the transitions data built per workflow
version from :data:`EFFECTS` (what each outcome does, with its conditions and
callbacks). Every decision runs a fresh, small ``transitions.Machine`` on a fresh
model, so threads deciding at once share only the cached, immutable data. When the
Machine refuses, the refusal is explained from the very conditions it evaluated.
Nothing here names a phase of a particular workflow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from transitions import Machine, MachineError

from plp.criteria import (  # noqa: F401 - the facts are part of the engine's interface
    AnchorFact,
    CriterionResult,
    GateFacts,
    OwnerFact,
    anchoring_gaps,
    kind_of,
)
from plp.errors import GateBlocked, InvalidInput, InvalidTransition
from plp.workflow import OUTCOMES, DecisionPoint, Workflow

COMPLETED = "completed"
STOPPED = "stopped"
END_STATES = (COMPLETED, STOPPED)


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


def evaluate(wf: Workflow, crit: Any, facts: GateFacts) -> CriterionResult:
    """One criterion, met or not, with a detail that says what is missing."""
    return kind_of(crit).evaluate(wf, crit, facts)


def gate_status(wf: Workflow, facts: GateFacts) -> GateStatus:
    """The decision point after the project's phase, criterion by criterion."""
    dp = wf.decision_point_from(facts.phase)
    return GateStatus(dp, dp.from_, dp.to, [evaluate(wf, c, facts) for c in dp.criteria])


# ---------------------------------------------------------------------- the rules


class _Flow:
    """The model a Machine moves: one project's phase and status for one decision.

    Its predicates are the conditions named in :data:`EFFECTS`; its methods the
    callbacks. A new one is made for every decision and never shared.
    """

    def __init__(self, state: str, status: str, gate: GateStatus | None):
        self.state = state
        self.status = status
        self.gate = gate
        self.rounds = 0

    def status_active(self) -> bool:
        return self.status == "active"

    def status_on_hold(self) -> bool:
        return self.status == "on_hold"

    def criteria_met(self) -> bool:
        return self.gate is not None and self.gate.ready

    def set_on_hold(self) -> None:
        self.status = "on_hold"

    def set_active(self) -> None:
        self.status = "active"

    def next_round(self) -> None:
        self.rounds += 1


NEXT = object()  # the phase the decision point leads to (or completion)


@dataclass(frozen=True)
class Effect:
    """What an outcome does: where it leads, when it may be taken, what it changes."""

    dest: object  # NEXT, None (stay in the phase: an internal transition) or an end state
    conditions: tuple[str, ...] = ()
    after: str | None = None


#: The only encoding of the outcomes. Conditions are checked in order, and a
#: refusal names the first one that fails (see :data:`_WHY`).
EFFECTS: dict[str, Effect] = {
    "go": Effect(NEXT, ("status_active", "criteria_met")),
    "rework": Effect(None, ("status_active",), after="next_round"),
    "hold": Effect(None, ("status_active",), after="set_on_hold"),
    "resume": Effect(None, ("status_on_hold",), after="set_active"),
    "stop": Effect(STOPPED),
}

#: Conditions about the project's status; the gate's criteria only count where the
#: outcome exists at all.
_STATUS_CONDITIONS = ("status_active", "status_on_hold")


@dataclass(frozen=True)
class Rule:
    """One transition: ``trigger`` from ``source`` to ``dest`` under ``conditions``."""

    trigger: str
    source: str
    dest: str | None
    conditions: tuple[str, ...]
    after: str | None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"trigger": self.trigger, "source": self.source, "dest": self.dest,
                             "conditions": list(self.conditions)}
        if self.after:
            d["after"] = self.after
        return d


_RULES: dict[tuple[str, int, str], tuple[Rule, ...]] = {}
_RULES_LOCK = threading.Lock()


def rules_for(wf: Workflow) -> tuple[Rule, ...]:
    """The workflow's decision points as transitions, built once per workflow version."""
    key = (wf.name, wf.version, wf.fingerprint)
    rules = _RULES.get(key)
    if rules is None:
        with _RULES_LOCK:
            rules = _RULES.setdefault(key, tuple(_rules(wf)))
    return rules


def _rules(wf: Workflow) -> list[Rule]:
    out = []
    for dp in wf.decision_points:
        for outcome in dp.decidable_outcomes:
            effect = EFFECTS[outcome]
            dest = (dp.to or COMPLETED) if effect.dest is NEXT else effect.dest
            out.append(Rule(outcome, dp.from_, dest, effect.conditions, effect.after))  # type: ignore[arg-type]
    return out


def transitions_for(wf: Workflow) -> list[dict[str, Any]]:
    """The transitions data, as ``transitions`` takes it (a fresh copy each time)."""
    return [r.as_dict() for r in rules_for(wf)]


_MACHINES = threading.local()  # per thread: (workflow version, state) -> Machine


def _machine(wf: Workflow, flow: _Flow) -> Machine:
    """The Machine for a decision from the project's state, never shared between threads.

    It holds the transitions out of that state only (and the states they lead to):
    the others could never fire in this decision, and building them all was most of
    a decision's time in the engine. It has no model of its own: the decision's
    ``_Flow`` is passed to the trigger and holds the state, the conditions and the
    callbacks, so one Machine per thread serves every decision from that state of
    that workflow version (building it was a tenth of a decision's CPU time).
    """
    key = (wf.name, wf.version, wf.fingerprint, flow.state)
    machines = getattr(_MACHINES, "by_state", None)
    if machines is None:
        machines = _MACHINES.by_state = {}
    machine = machines.get(key)
    if machine is None:
        rules = [r for r in rules_for(wf) if r.source == flow.state]
        states = list(dict.fromkeys([flow.state] + [r.dest for r in rules if r.dest is not None]))
        machine = machines[key] = Machine(model=[], states=states, transitions=[r.as_dict() for r in rules],
                                          initial=flow.state, auto_transitions=False)
    return machine


def possible_outcomes(wf: Workflow, phase: str, status: str) -> list[str]:
    """The outcomes a project in ``phase`` with ``status`` may be decided now, gate aside.

    In the canonical order (go, rework, hold, resume, stop); empty once it ended.
    """
    flow = _Flow(status if status in END_STATES else phase, status, None)
    found = {r.trigger for r in rules_for(wf) if r.source == flow.state
             and all(getattr(flow, c)() for c in r.conditions if c in _STATUS_CONDITIONS)}
    return [o for o in OUTCOMES if o in found]


# ---------------------------------------------------------------------- deciding


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
    """Apply ``outcome`` at the decision point after ``phase``, or refuse clearly.

    The Machine alone says whether the outcome may be taken; a refusal is then
    explained from the conditions of that outcome, evaluated on the same model.
    """
    if outcome not in OUTCOMES:
        raise InvalidInput(f"unknown outcome '{outcome}' (choose one of: {', '.join(OUTCOMES)})")
    flow = _Flow(status if status in END_STATES else phase, status, gate)
    machine = _machine(wf, flow)
    event = machine.events.get(outcome)
    try:
        moved = event is not None and event.trigger(flow)
    except MachineError:  # no transition for this outcome from the project's state
        moved = False
    if not moved:
        raise _refusal(wf, flow, outcome, gate.decision_point)
    if flow.state in END_STATES:
        return Outcome(gate.decision_point.key, outcome, phase, phase, flow.state, round)
    new_round = 1 if flow.state != phase else round + flow.rounds
    return Outcome(gate.decision_point.key, outcome, phase, flow.state, flow.status, new_round)


def _refusal(wf: Workflow, flow: _Flow, outcome: str, dp: DecisionPoint) -> Exception:
    """Why the Machine did not take ``outcome``: the first of its conditions that fails."""
    if flow.state in END_STATES:
        return InvalidTransition(f"the project is {flow.state}; it accepts no further decisions")
    exists = any(r.trigger == outcome and r.source == flow.state for r in rules_for(wf))
    for condition in EFFECTS[outcome].conditions:
        if getattr(flow, condition)():
            continue
        if exists or condition in _STATUS_CONDITIONS:
            return _WHY[condition](wf, flow, dp)
        break
    allowed = dp.decidable_outcomes
    return InvalidTransition(f"decision point {dp.key} allows only: {', '.join(allowed)}")


def _not_active(wf: Workflow, flow: _Flow, dp: DecisionPoint) -> Exception:
    left = " or ".join(possible_outcomes(wf, flow.state, flow.status))
    return InvalidTransition(f"the project is on hold; it accepts only {left}")


def _not_on_hold(wf: Workflow, flow: _Flow, dp: DecisionPoint) -> Exception:
    return InvalidTransition("the project is not on hold; there is nothing to resume")


def _not_ready(wf: Workflow, flow: _Flow, dp: DecisionPoint) -> Exception:
    unmet = [c.detail for c in flow.gate.unmet] if flow.gate else []
    return GateBlocked(f"{dp.key} is not ready: " + "; ".join(unmet), unmet)


#: How each condition of :data:`EFFECTS` explains itself when it fails.
_WHY: dict[str, Callable[[Workflow, _Flow, DecisionPoint], Exception]] = {
    "status_active": _not_active,
    "status_on_hold": _not_on_hold,
    "criteria_met": _not_ready,
}


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
