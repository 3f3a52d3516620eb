"""Sixteen decisions at once through the services, in threads of one process, on one real database.

A threaded web server decides like this: one :class:`Database`, many requests at
once. Each thread decides on its own project; every outcome must be its own, with
its own decider, and a refused decision writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from plp.actor import Actor
from plp.audit import verify
from plp.db import Database
from plp.errors import GateBlocked, PlpError
from plp.services import checklist, decisions, directory, projects, team
from plp.workflow import find
from tests.conftest import query

THREADS = 16
TODAY = dt.date(2026, 6, 1)
ACTOR = Actor("tester", None, "env")  # nobody known: let through while require-identity is off
# i % 4: what thread i decides, and whether its gate is ready first
PLAN = [("go", True), ("rework", False), ("hold", True), ("go", False)]


def prepare(db: Database, i: int) -> None:
    """Project ``t{i}``: its own owner, sponsor and workflow, its gate ready or not as the plan says."""
    wf_name = ("plp", "pm2")[i % 2]
    wf, _ = find(wf_name)
    directory.add_org(db, name=f"Kommune {i}", actor=ACTOR)
    directory.add_person(db, name=f"Sponsor {i}", org=f"Kommune {i}", actor=ACTOR)
    projects.create_project(db, code=f"t{i}", name=f"Prosjekt {i}", workflow=wf_name, owners=[f"Kommune {i}"],
                            actor=ACTOR)
    team.assign_role(db, code=f"t{i}", person=f"Sponsor {i}", role="sponsor", actor=ACTOR)
    if PLAN[i % 4][1]:
        for item in wf.phases[0].checklist:
            if item.mandatory:
                checklist.tick(db, code=f"t{i}", item=item.key, actor=ACTOR)


def test_sixteen_threads_deciding_on_their_own_projects_at_once_each_get_their_own_outcome(db_path):
    db = Database(str(db_path))
    try:
        for i in range(THREADS):
            prepare(db, i)
        versions = {code: version for code, version in query(db_path, "SELECT code, version FROM project")}
        results: dict[int, object] = {}
        barrier = threading.Barrier(THREADS)

        def work(i: int) -> None:
            barrier.wait()
            try:
                results[i] = decisions.decide(db, code=f"t{i}", outcome=PLAN[i % 4][0], by=f"Sponsor {i}",
                                              date=TODAY, today=TODAY, note=f"note {i}", actor=ACTOR)
            except PlpError as e:
                results[i] = e

        threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(THREADS):
            check_one(db_path, i, results[i], versions[f"t{i}"])
        verdict = verify(db)
        assert verdict.ok, verdict.problem
    finally:
        db.dispose()


def check_one(db_path, i: int, result: object, version: int) -> None:
    """Thread ``i``'s project moved exactly as its own decision says, with its own decider and note."""
    outcome, ready = PLAN[i % 4]
    wf, _ = find(("plp", "pm2")[i % 2])
    first, second = wf.phase_keys[:2]
    [(pid, phase, status, round_, now)] = query(
        db_path, "SELECT id, phase, status, round, version FROM project WHERE code = :c", c=f"t{i}")
    rows = query(db_path, "SELECT d.outcome, p.name, d.note FROM decision d JOIN person p ON p.id = d.by_id "
                          "WHERE d.project_id = :p", p=pid)
    taken = [json.loads(data) for (data,) in query(
        db_path, "SELECT data FROM event WHERE project_id = :p AND kind = 'decision_taken'", p=pid)]
    if outcome == "go" and not ready:
        assert isinstance(result, GateBlocked), (i, result)
        mandatory = [item.key for item in wf.phases[0].checklist if item.mandatory]
        assert result.unmet == [f"checklist not done: {', '.join(mandatory)}"], (i, result.unmet)
        assert (phase, status, round_, now, rows, taken) == (first, "active", 1, version, [], []), i
        return
    assert not isinstance(result, Exception), (i, result)
    expected = {"go": (second, "active", 1), "rework": (first, "active", 2), "hold": (first, "on_hold", 1)}[outcome]
    assert (result.outcome, result.phase, result.status, result.round) == (outcome, *expected), i
    assert (phase, status, round_) == expected, i
    assert rows == [(outcome, f"Sponsor {i}", f"note {i}")], i
    assert [(e["by"], e["outcome"], e["phase"], e["note"]) for e in taken] == \
        [(f"Sponsor {i}", outcome, expected[0], f"note {i}")], i
