"""Random sequences of commands through the services, with the invariants checked after every step."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import text

from plp.actor import Actor
from plp.audit import verify
from plp.db import Database
from plp.errors import PlpError
from plp.services import anchoring, checklist, decisions, directory, milestones, projects, team
from plp.workflow import find

WF, _ = find("plp")
PHASES = WF.phase_keys
NEXT = {dp.from_: dp.to for dp in WF.decision_points}
ITEMS = [item.key for phase in WF.phases for item in phase.checklist]
PEOPLE = ["Kari", "Ola", "Per"]
ORGS = ["Vennesla", "Iveland"]
TODAY = dt.date(2026, 6, 1)
ACTOR = Actor("fuzzer", None, "env")  # nobody known: let through while require-identity is off


class ProjectLife(RuleBasedStateMachine):
    codes = Bundle("codes")
    #: Over all examples: decisions that went through, by outcome, and projects seen
    #: closed. The invariants prove little unless projects do move and do close.
    decided: dict[str, int] = {}
    closed: set[str] = set()

    def __init__(self):
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.db = Database(str(Path(self.folder.name) / "fuzz.db"), create=True)  # plp init
        self.changes = 0  # changes that succeeded, each owing exactly one event
        self.phase: dict[str, str] = {}
        self.frozen: dict[str, str] = {}  # code -> snapshot, once completed or stopped
        self.n = 0

    def teardown(self):
        self.db.dispose()
        self.folder.cleanup()

    def attempt(self, call) -> bool:
        try:
            call()
        except PlpError:
            return False
        self.changes += 1
        return True

    @initialize()
    def directory(self):
        for org in ORGS:
            assert self.attempt(lambda: directory.add_org(self.db, name=org, actor=ACTOR))
        for i, name in enumerate(PEOPLE):
            assert self.attempt(lambda: directory.add_person(self.db, name=name, org=ORGS[i % 2], actor=ACTOR))

    @rule(target=codes, phase=st.sampled_from(PHASES))
    def create(self, phase):
        self.n += 1
        code = f"p{self.n}"
        ok = self.attempt(lambda: projects.create_project(self.db, code=code, name=f"Prosjekt {self.n}", workflow="plp",
                                                          owners=ORGS, phase=phase, actor=ACTOR))
        assert ok
        self.changes += 1  # the first project also stores the workflow version (one more event)
        if self.n > 1:
            self.changes -= 1
        self.phase[code] = phase
        return code

    @rule(code=codes, person=st.sampled_from(PEOPLE), role=st.sampled_from(["sponsor", "leader", "steering"]))
    def assign(self, code, person, role):
        self.attempt(lambda: team.assign_role(self.db, code=code, person=person, role=role, actor=ACTOR))

    @rule(code=codes, item=st.sampled_from(ITEMS))
    def tick(self, code, item):
        self.attempt(lambda: checklist.tick(self.db, code=code, item=item, actor=ACTOR))

    @rule(code=codes, level=st.sampled_from(["effect", "result", "societal"]))
    def goal(self, code, level):
        self.attempt(lambda: team.add_goal(self.db, code=code, level=level, text="Mål", actor=ACTOR))

    @rule(code=codes, person=st.sampled_from(PEOPLE), days=st.integers(-30, 30))
    def milestone(self, code, person, days):
        self.attempt(lambda: milestones.add_milestone(self.db, code=code, title="M", due=TODAY + dt.timedelta(days=days),
                                                      responsible=person, actor=ACTOR))

    @rule(code=codes, mid=st.integers(1, 12))
    def milestone_done(self, code, mid):
        self.attempt(lambda: milestones.complete_milestone(self.db, code=code, milestone_id=mid, on=TODAY, today=TODAY,
                                                           actor=ACTOR))

    @rule(code=codes, org=st.sampled_from(ORGS), outcome=st.sampled_from(["approved", "refused", "lapsed"]))
    def anchor(self, code, org, outcome):
        self.attempt(lambda: anchoring.record(self.db, code=code, org=org, body="kommunestyre", ref="PS 1",
                                              date=TODAY, today=TODAY, outcome=outcome, actor=ACTOR))

    @rule(code=codes, outcome=st.sampled_from(["go", "go", "go", "rework", "hold", "resume", "stop", "maybe"]),
          by=st.sampled_from(PEOPLE))
    def decide(self, code, outcome, by):
        if self.attempt(lambda: decisions.decide(self.db, code=code, outcome=outcome, by=by, date=TODAY, today=TODAY,
                                                 actor=ACTOR)):
            ProjectLife.decided[outcome] = ProjectLife.decided.get(outcome, 0) + 1

    @rule(code=codes)
    def meet_the_gate_and_go(self, code):
        """Do what the current gate asks, then decide go: random steps alone seldom get past a gate."""
        phase = self.rows()[code][0]
        for person, role in (("Kari", "sponsor"), ("Per", "leader")):
            self.attempt(lambda: team.assign_role(self.db, code=code, person=person, role=role, actor=ACTOR))
        for item in next(p for p in WF.phases if p.key == phase).checklist:
            self.attempt(lambda: checklist.tick(self.db, code=code, item=item.key, actor=ACTOR))
        for level in ("effect", "result"):
            self.attempt(lambda: team.add_goal(self.db, code=code, level=level, text="Mål", actor=ACTOR))
        for org in ORGS:
            self.attempt(lambda: anchoring.record(self.db, code=code, org=org, body="kommunestyre", ref="PS 2",
                                                  date=TODAY, today=TODAY, outcome="approved", actor=ACTOR))
        with self.db.engine.connect() as conn:
            open_ = conn.execute(text("SELECT m.id FROM milestone m JOIN project p ON p.id = m.project_id "
                                      "WHERE p.code = :c AND m.done_on IS NULL"), {"c": code}).scalars().all()
        for mid in open_:
            self.attempt(lambda: milestones.complete_milestone(self.db, code=code, milestone_id=mid, on=TODAY,
                                                               today=TODAY, actor=ACTOR))
        self.decide(code, "go", "Kari")

    def rows(self):
        with self.db.engine.connect() as conn:
            return {code: (phase, status, version) for code, phase, status, version in
                    conn.execute(text("SELECT code, phase, status, version FROM project"))}

    def snapshot(self, code) -> str:
        with self.db.engine.connect() as conn:
            pid = conn.execute(text("SELECT id FROM project WHERE code = :c"), {"c": code}).scalar()
            parts = [conn.execute(text(f"SELECT * FROM {t} WHERE project_id = :p ORDER BY id"), {"p": pid}).all()
                     for t in ("goal", "milestone", "checklist_tick", "anchoring", "decision", "role_assignment",
                               "event")]
            parts.append(conn.execute(text("SELECT * FROM project WHERE id = :p"), {"p": pid}).all())
        return json.dumps(parts, default=str)

    @invariant()
    def every_project_is_in_exactly_one_phase_and_moves_only_along_the_workflow(self):
        for code, (phase, status, _) in self.rows().items():
            assert phase in PHASES and status in ("active", "on_hold", "stopped", "completed")
            before = self.phase.get(code, phase)
            assert phase in (before, NEXT.get(before)), f"{code} jumped from {before} to {phase}"
            self.phase[code] = phase

    @invariant()
    def every_change_has_exactly_one_event(self):
        with self.db.engine.connect() as conn:
            events = conn.execute(text("SELECT count(*) FROM event")).scalar() if self.changes else 0
        assert events == self.changes

    @invariant()
    def completed_and_stopped_projects_never_change(self):
        for code, (_, status, _) in self.rows().items():
            if status in ("completed", "stopped"):
                ProjectLife.closed.add(status)
                snap = self.snapshot(code)
                assert self.frozen.setdefault(code, snap) == snap, f"{code} changed after it was {status}"

    @invariant()
    def the_audit_chain_verifies(self):
        if self.changes:
            verdict = verify(self.db)
            assert verdict.ok, verdict.problem


@pytest.mark.sqlite_only
def test_random_command_sequences_keep_every_invariant():
    ProjectLife.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                                             suppress_health_check=list(HealthCheck))
    ProjectLife.decided.clear()
    ProjectLife.closed.clear()
    ProjectLife.TestCase().runTest()
    assert ProjectLife.decided.get("go", 0) >= 5 and "maybe" not in ProjectLife.decided, ProjectLife.decided
    assert "completed" in ProjectLife.closed, ProjectLife.closed
