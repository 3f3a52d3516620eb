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


def test_parallel_writers_on_different_projects_all_succeed(region, db_path):
    for i in range(4):
        region("project", "create", f"p{i}", f"Prosjekt {i}", "--workflow", "pm2", "--owner", "Vennesla")
    procs = [subprocess.Popen([PLP_BIN, "checklist", "tick", f"p{i}", item], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for i in range(4) for item in ("pm2_business_case", "pm2_charter")]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    # Two ticks on the same project may race; a loser is told, never half-written.
    for code, err in results:
        assert code == 0 or "changed meanwhile" in err, err
    [(ticks,)] = query(db_path, "SELECT count(*) FROM checklist_tick")
    [(events,)] = query(db_path, "SELECT count(*) FROM event WHERE kind = 'checklist_ticked'")
    assert ticks == events == sum(1 for code, _ in results if code == 0)


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
    assert any(rc == 0 for _, _, rc, _ in outcomes)
    for code in codes:
        won = {kind for c, kind, rc, _ in outcomes if c == code and rc == 0}
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
