"""The pure engine: gate criteria and what each decision does. No database."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from plp import engine
from plp.engine import AnchorFact, GateFacts, OwnerFact
from plp.errors import GateBlocked, InvalidInput, InvalidTransition
from plp.workflow import find

pytestmark = pytest.mark.no_database  # the pure engine, no database

WF, _ = find("plp")
IDEA_DONE = {"idea_sketch", "owners_identified"}
PRE_DONE = {"project_plan", "budget_financing", "risk_assessment", "organisation"}
OWNERS = [OwnerFact("Vennesla", "A"), OwnerFact("Iveland", "C")]


def facts(**kw) -> GateFacts:
    base = dict(phase="idea", roles={"sponsor": ["Kari"]}, ticked=set(IDEA_DONE))
    base.update(kw)
    return GateFacts(**base)


def approved(org: str, body: str = "kommunestyre", day: str = "2026-01-01", outcome: str = "approved",
             kind: str = "political", seq: int = 0) -> AnchorFact:
    return AnchorFact(org, body, kind, outcome, dt.date.fromisoformat(day), "PS 1/26", seq)


def bp2(**kw) -> engine.GateStatus:
    base = dict(phase="pre_project", roles={"sponsor": ["Kari"], "leader": ["Per"]},
                goal_levels={"effect", "result"}, ticked=PRE_DONE, owners=OWNERS)
    base.update(kw)
    return engine.gate_status(WF, GateFacts(**base))


def criterion(gate: engine.GateStatus, key: str) -> engine.CriterionResult:
    return next(c for c in gate.criteria if c.key == key)


def test_every_decision_point_needs_a_sponsor():
    for dp in WF.decision_points:
        assert any(getattr(c, "role", None) == "sponsor" for c in dp.criteria), dp.key
    gate = engine.gate_status(WF, facts(roles={}))
    assert not gate.ready
    assert criterion(gate, "role:sponsor").detail == "no project sponsor assigned"


def test_the_mandatory_checklist_must_be_done_but_optional_items_do_not_count():
    gate = engine.gate_status(WF, facts(ticked={"idea_sketch"}))
    assert criterion(gate, "checklist").detail == "checklist not done: owners_identified"
    assert engine.gate_status(WF, facts()).ready  # stakeholder_list is optional


def test_bp2_names_each_owner_whose_political_anchoring_is_missing():
    gate = bp2(anchoring=[approved("Vennesla")])
    assert criterion(gate, "anchoring:political").detail == "political anchoring missing: Iveland"
    assert not gate.ready
    assert bp2(anchoring=[approved("Vennesla"), approved("Iveland", "formannskap")]).ready


def test_an_administrative_decision_does_not_satisfy_political_anchoring():
    gate = bp2(anchoring=[approved("Vennesla"), approved("Iveland", "kommunedirektor", kind="administrative")])
    assert criterion(gate, "anchoring:political").detail == "political anchoring missing: Iveland"


def test_a_refusal_blocks_and_a_later_approval_unblocks():
    refused = approved("Iveland", day="2026-02-01", outcome="refused", seq=2)
    gate = bp2(anchoring=[approved("Vennesla", seq=1), refused])
    assert "not approved: Iveland (refused by kommunestyre PS 1/26, 2026-02-01)" in criterion(gate, "anchoring:political").detail
    later = approved("Iveland", day="2026-03-01", seq=3)
    assert bp2(anchoring=[approved("Vennesla", seq=1), refused, later]).ready


def test_a_refusal_or_lapse_after_an_approval_blocks_again():
    for outcome in ("refused", "lapsed"):
        gate = bp2(anchoring=[approved("Vennesla"), approved("Iveland", day="2026-01-01", seq=1),
                              approved("Iveland", day="2026-05-01", outcome=outcome, seq=2)])
        assert not gate.ready, outcome


def test_the_main_project_cannot_finish_with_open_milestones():
    base = dict(phase="main_project", ticked={"results_delivered"})
    gate = engine.gate_status(WF, facts(open_milestones={"main_project": ["#4 Area plan adopted"]}, **base))
    assert criterion(gate, "milestones").detail == "1 open milestone(s): #4 Area plan adopted"
    # milestones of other phases do not hold this gate
    assert engine.gate_status(WF, facts(open_milestones={"finalisation": ["#5 x"]}, **base)).ready


def decide(outcome: str, gate: engine.GateStatus | None = None, **kw) -> engine.Outcome:
    state = dict(phase="idea", status="active", round=1)
    state.update(kw)
    return engine.decide(WF, outcome=outcome, gate=gate or engine.gate_status(WF, facts(phase=state["phase"])), **state)


def test_go_moves_to_the_next_phase_and_resets_the_round():
    r = decide("go", round=3)
    assert (r.phase, r.status, r.round, r.decision_point) == ("pre_project", "active", 1, "BP1")


def test_go_at_the_last_decision_point_completes_the_project():
    gate = engine.gate_status(WF, facts(phase="finalisation", ticked={"handover", "final_report"}))
    r = decide("go", gate, phase="finalisation")
    assert (r.phase, r.status) == ("finalisation", "completed")


def test_go_is_refused_with_every_unmet_criterion():
    gate = engine.gate_status(WF, facts(roles={}, ticked=set()))
    with pytest.raises(GateBlocked) as e:
        decide("go", gate)
    assert e.value.unmet == ["no project sponsor assigned", "checklist not done: idea_sketch, owners_identified"]


def test_rework_keeps_the_phase_and_starts_a_new_round_even_when_not_ready():
    gate = engine.gate_status(WF, facts(ticked=set()))
    r = decide("rework", gate, round=1)
    assert (r.phase, r.status, r.round) == ("idea", "active", 2)


def test_hold_accepts_only_resume_or_stop():
    r = decide("hold")
    assert r.status == "on_hold" and r.phase == "idea"
    for outcome in ("go", "rework", "hold"):
        with pytest.raises(InvalidTransition, match="on hold; it accepts only resume or stop"):
            decide(outcome, status="on_hold")
    assert decide("resume", status="on_hold").status == "active"
    assert decide("stop", status="on_hold").status == "stopped"


def test_resume_is_refused_when_not_on_hold():
    with pytest.raises(InvalidTransition, match="not on hold"):
        decide("resume")


def test_completed_and_stopped_projects_accept_no_decision():
    for status in ("completed", "stopped"):
        for outcome in ("go", "rework", "hold", "resume", "stop"):
            with pytest.raises(InvalidTransition, match="accepts no further decisions"):
                decide(outcome, status=status)


def test_an_outcome_the_decision_point_does_not_allow_is_refused():
    gate = engine.gate_status(WF, facts(phase="finalisation", ticked={"handover", "final_report"}))
    with pytest.raises(InvalidTransition, match="BP4 allows only: go, rework, stop"):
        decide("hold", gate, phase="finalisation")


def test_an_unknown_outcome_is_refused():
    with pytest.raises(InvalidInput, match="unknown outcome 'maybe'"):
        decide("maybe")


def test_the_transitions_data_are_built_once_per_workflow_version_and_no_decision_changes_them():
    assert engine.rules_for(WF) is engine.rules_for(WF)
    pm2, _ = find("pm2")
    assert engine.rules_for(pm2) != engine.rules_for(WF)
    before = engine.transitions_for(WF)
    decide("go")
    decide("hold")
    decide("resume", status="on_hold")
    with pytest.raises(GateBlocked):
        decide("go", engine.gate_status(WF, facts(roles={})))
    assert engine.transitions_for(WF) == before


def test_each_outcome_is_one_transition_per_decision_point_with_its_conditions():
    by = {(t["trigger"], t["source"]): t for t in engine.transitions_for(WF)}
    assert by[("go", "idea")] == {"trigger": "go", "source": "idea", "dest": "pre_project",
                                  "conditions": ["status_active", "criteria_met"]}
    assert by[("go", "finalisation")]["dest"] == "completed"
    assert by[("hold", "idea")]["after"] == "set_on_hold" and by[("hold", "idea")]["dest"] is None
    assert by[("resume", "idea")]["conditions"] == ["status_on_hold"]
    assert by[("stop", "idea")]["conditions"] == [] and by[("stop", "idea")]["dest"] == "stopped"
    assert ("hold", "finalisation") not in by and ("resume", "finalisation") not in by


def test_resume_exists_exactly_where_hold_does():
    for name in ("plp", "prosjektveiviseren", "pm2"):
        wf, _ = find(name)
        triggers = {(t["trigger"], t["source"]) for t in engine.transitions_for(wf)}
        for dp in wf.decision_points:
            has_hold = "hold" in dp.outcomes
            assert ("resume" in dp.decidable_outcomes) == has_hold, dp.key
            assert (("resume", dp.from_) in triggers) == has_hold == (("hold", dp.from_) in triggers), dp.key
    # listing resume without hold adds nothing: there would be nothing to resume
    bp4 = WF.decision_points[-1].model_copy(update={"outcomes": ["go", "resume", "stop"]})
    assert bp4.decidable_outcomes == ["go", "stop"]


def test_the_outcomes_possible_now_follow_the_status():
    assert engine.possible_outcomes(WF, "idea", "active") == ["go", "rework", "hold", "stop"]
    assert engine.possible_outcomes(WF, "idea", "on_hold") == ["resume", "stop"]
    assert engine.possible_outcomes(WF, "finalisation", "active") == ["go", "rework", "stop"]
    assert engine.possible_outcomes(WF, "finalisation", "completed") == []
    assert engine.possible_outcomes(WF, "idea", "stopped") == []


def test_a_refused_go_lists_exactly_the_criteria_the_gate_found_unmet():
    gate = bp2(anchoring=[approved("Vennesla")], goal_levels={"result"})
    with pytest.raises(GateBlocked) as e:
        decide("go", gate, phase="pre_project")
    assert e.value.unmet == [c.detail for c in gate.criteria if not c.met]
    assert e.value.unmet == ["missing: effect goal", "political anchoring missing: Iveland"]
    assert str(e.value) == "BP2 is not ready: missing: effect goal; political anchoring missing: Iveland"


def test_the_mermaid_diagram_has_every_phase_and_decision_point():
    text = engine.mermaid(WF, "nn")
    assert text.splitlines()[3] == "stateDiagram-v2"
    for phase in WF.phases:
        assert f'state "{phase.labels.nn}" as {phase.key}' in text
    assert "finalisation --> completed: BP4: gå vidare" in text
    assert "Class " not in text


def test_engine_code_never_names_a_phase_of_a_shipped_workflow():
    phases = set()
    for name in ("plp", "prosjektveiviseren", "pm2"):
        phases |= set(find(name)[0].phase_keys)
    root = Path(__file__).resolve().parents[2] / "plp"
    alternatives = "|".join(sorted(phases))
    assert {"idea", "main_project", "execute", "initiating"} <= phases  # the patterns below are not empty
    # The engine, the criterion kinds and the workflow loader name no phase at all ...
    for src in (root / "engine.py", root / "criteria.py", root / "workflow.py", root / "workflow_checks.py",
                root / "yamllines.py"):
        text = src.read_text(encoding="utf-8")
        found = re.findall(rf"[\"']({alternatives})[\"']", text)
        assert not found, f"{src.name} names phase(s) {found}"
    # ... and no other code compares a phase with a literal (the demo tells one story, so it may).
    compare = re.compile(rf"(phase|from_|to_phase|state)\s*(==|!=|in)\s*[\(\[]?[\"']({alternatives})[\"']")
    assert compare.findall('if p.phase == "idea":') and compare.findall("to_phase in ('main_project', x)")
    for src in root.rglob("*.py"):
        if src.name == "demo.py":
            continue
        found = compare.findall(src.read_text(encoding="utf-8"))
        assert not found, f"{src.relative_to(root)} compares a phase with {found}"
