"""Several processes deciding on the same project at once: one wins, the rest are told."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import PLP_BIN, advance_to_pre_project, query


def test_simultaneous_decisions_on_one_version_have_exactly_one_winner(region, db_path, plp_bin):
    advance_to_pre_project(region)
    version = json.loads(plp_bin("project", "show", "vdc", "--json").out)["version"]
    [(before_events,)] = query(db_path, "SELECT count(*) FROM event")
    procs = [subprocess.Popen([PLP_BIN, "decide", "vdc", "rework", "--by", "Kari Nordmann",
                               "--if-version", str(version), "--note", f"p{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(6)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    winners = [r for r in results if r[0] == 0]
    losers = [r for r in results if r[0] != 0]
    assert len(winners) == 1, results
    for code, err in losers:
        assert code == 1 and err.startswith("Error: ") and "changed meanwhile" in err and "Traceback" not in err
    assert query(db_path, "SELECT count(*) FROM decision WHERE outcome = 'rework'") == [(1,)]
    assert query(db_path, "SELECT count(*) FROM event") == [(before_events + 1,)]
    assert query(db_path, "SELECT round, version FROM project WHERE code = 'vdc'") == [(2, version + 1)]


def run_all(*commands: list[str]) -> list[tuple[int, str]]:
    """Start every command at once; their exit codes and stderr, in order."""
    procs = [subprocess.Popen([PLP_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in commands]
    return [(p.wait(timeout=120), p.stderr.read()) for p in procs]


def test_parallel_writers_on_different_projects_all_succeed(region, db_path):
    for i in range(4):
        region("project", "create", f"p{i}", f"Prosjekt {i}", "--workflow", "pm2", "--owner", "Vennesla")
    results = run_all(*[["checklist", "tick", f"p{i}", "pm2_business_case"] for i in range(4)])
    assert [code for code, _ in results] == [0] * 4, results  # no version to lose: no loser at all
    [(ticks,)] = query(db_path, "SELECT count(*) FROM checklist_tick")
    [(events,)] = query(db_path, "SELECT count(*) FROM event WHERE kind = 'checklist_ticked'")
    assert ticks == events == 4


def test_simultaneous_ticks_of_one_item_have_exactly_one_winner(region, db_path):
    results = run_all(*[["checklist", "tick", "vdc", "idea_sketch"] for _ in range(5)])
    winners = [r for r in results if r[0] == 0]
    assert len(winners) == 1, results
    for code, err in results:
        if code != 0:  # told why: it lost the race, or came after the winner had committed
            assert code == 1 and err.count("\n") == 1, err
            assert ("changed meanwhile" in err or "'idea_sketch' is already ticked in vdc" in err), err
    assert query(db_path, "SELECT item_key FROM checklist_tick") == [("idea_sketch",)]
    assert query(db_path, "SELECT count(*) FROM event WHERE kind = 'checklist_ticked'") == [(1,)]


def test_mixed_writers_on_shared_and_separate_projects_lose_nothing(region, db_path):
    """Decide, tick and anchor at the same moment on three projects: every change that
    succeeded is whole (row, event and version bump together), every loser was told."""
    codes = ["vdc", "p1", "p2"]
    for code in codes[1:]:
        region("project", "create", code, code.upper(), "--workflow", "plp", "--owner", "Vennesla",
               "--owner", "Iveland:C", "--phase", "pre_project")
    for code in codes:
        region("role", "assign", code, "Kari Nordmann", "sponsor")
    before = {code: query(db_path, "SELECT p.version, (SELECT count(*) FROM event e WHERE e.project_id = p.id) "
                                   "FROM project p WHERE p.code = :c", c=code)[0] for code in codes}
    jobs = []
    for code in codes:
        jobs += [(code, "decide", ["decide", code, "rework", "--by", "Kari Nordmann"]),
                 (code, "tick", ["checklist", "tick", code, "project_plan"]),
                 (code, "anchor", ["anchor", "record", code, "--org", "Iveland", "--body", "kommunestyre",
                                   "--ref", f"PS {code}", "--date", "2026-01-15"])]
    procs = [(code, kind, subprocess.Popen([PLP_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True)) for code, kind, args in jobs]
    outcomes = [(code, kind, p.wait(timeout=120), p.stderr.read()) for code, kind, p in procs]
    for code, kind, rc, err in outcomes:
        assert rc == 0 or (rc == 1 and "changed meanwhile" in err and err.count("\n") == 1), (code, kind, err)
    for code in codes:
        won = {kind for c, kind, rc, _ in outcomes if c == code and rc == 0}
        assert won, code  # the first to write on a project read its current version, so it wins
        version, events = query(db_path, "SELECT p.version, (SELECT count(*) FROM event e WHERE e.project_id = p.id) "
                                         "FROM project p WHERE p.code = :c", c=code)[0]
        assert version == before[code][0] + len(won), (code, won)  # no lost update
        assert events == before[code][1] + len(won), (code, won)  # one event per change, no orphan
        pid = "(SELECT id FROM project WHERE code = :c)"
        assert query(db_path, f"SELECT count(*) FROM decision WHERE project_id = {pid}", c=code) == [
            (int("decide" in won),)]
        assert query(db_path, f"SELECT count(*) FROM checklist_tick WHERE project_id = {pid}", c=code) == [
            (int("tick" in won),)]
        assert query(db_path, f"SELECT count(*) FROM anchoring WHERE project_id = {pid}", c=code) == [
            (int("anchor" in won),)]
