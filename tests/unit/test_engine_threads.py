"""The engine under threads: many decisions at once, each on its own project, none leaking into another."""

from __future__ import annotations

import datetime as dt
import sys
import threading

import pytest

from plp import engine
from plp.engine import AnchorFact, GateFacts, OwnerFact
from plp.errors import PlpError
from plp.workflow import find

pytestmark = pytest.mark.no_database  # the pure engine under threads, no database

WF, _ = find("plp")
PM2, _ = find("pm2")
THREADS = 16
ROUNDS = 60


def scenario(i: int) -> tuple:
    """Thread ``i``'s own project and decision: its own workflow, phase, status, round and sponsor."""
    wf = WF if i % 2 else PM2
    phase = wf.phase_keys[i % 3]
    dp = wf.decision_point_from(phase)
    mandatory = {item.key for item in wf.phase(phase).checklist if item.mandatory}
    outcome, status = [("go", "active"), ("rework", "active"), ("hold", "active"), ("resume", "on_hold"),
                       ("go", "on_hold"), ("go", "active")][i % 6]
    ready = i % 6 != 5  # the last kind: a gate with its checklist open, refused
    org = f"Kommune {i}"
    criteria_facts = dict(roles={role: [f"Sponsor {i}"] for role in wf.roles}, goal_levels={"effect", "result"},
                          ticked=mandatory if ready else set(), owners=[OwnerFact(org, "A")],
                          anchoring=[AnchorFact(org, "kommunestyre", "political", "approved", dt.date(2026, 1, i + 1),
                                                f"PS {i}/26")])
    facts = GateFacts(phase=phase, status=status, **criteria_facts)
    gate = engine.gate_status(wf, facts)
    assert gate.ready == ready or outcome != "go", (i, gate.unmet)
    return wf, dict(phase=phase, status=status, round=1000 * i + 1, outcome=outcome, gate=gate), dp


def run(wf, kw) -> tuple:
    """What a decision gave: the outcome's fields, or the refusal's kind, text and unmet list."""
    try:
        r = engine.decide(wf, **kw)
    except PlpError as e:
        return (type(e).__name__, str(e), getattr(e, "unmet", None))
    return (r.decision_point, r.outcome, r.from_phase, r.phase, r.status, r.round)


def test_sixteen_threads_deciding_at_once_each_get_their_own_projects_outcome():
    cases = [scenario(i) for i in range(THREADS)]
    rules = {wf.name: engine.transitions_for(wf) for wf in (WF, PM2)}
    expected = [run(wf, kw) for wf, kw, _ in cases]  # one at a time first
    # what the cases cover, so the comparison below proves something
    assert {e[4] for e in expected if len(e) == 6} == {"active", "on_hold"}
    assert any(e[0] == "GateBlocked" for e in expected) and any(e[0] == "InvalidTransition" for e in expected)
    for i, (wf, kw, dp) in enumerate(cases):
        if len(expected[i]) == 6:  # each result carries this thread's own round and decision point
            assert expected[i][0] == dp.key and expected[i][5] in (1, 1000 * i + 1, 1000 * i + 2), expected[i]
    got: list[list[tuple]] = [[] for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def work(i: int) -> None:
        wf, kw, _ = cases[i]
        barrier.wait()
        for _ in range(ROUNDS):
            got[i].append(run(wf, kw))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so interleavings happen
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    for i in range(THREADS):
        wrong = [r for r in got[i] if r != expected[i]]
        assert len(got[i]) == ROUNDS and not wrong, (i, expected[i], wrong[:3])
    assert rules == {wf.name: engine.transitions_for(wf) for wf in (WF, PM2)}  # the shared data is intact
