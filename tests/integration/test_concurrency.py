"""Several processes deciding on the same project at once: one wins, the rest are told."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from tests.conftest import PLP_BIN, advance_to_pre_project


def test_simultaneous_decisions_on_one_version_have_exactly_one_winner(region, db_path, plp_bin):
    advance_to_pre_project(region)
    version = json.loads(plp_bin("project", "show", "vdc", "--json").out)["version"]
    before_events = sqlite3.connect(db_path).execute("SELECT count(*) FROM event").fetchone()[0]
    procs = [subprocess.Popen([PLP_BIN, "decide", "vdc", "rework", "--by", "Kari Nordmann",
                               "--if-version", str(version), "--note", f"p{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(6)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    winners = [r for r in results if r[0] == 0]
    losers = [r for r in results if r[0] != 0]
    assert len(winners) == 1, results
    for code, err in losers:
        assert code == 1 and err.startswith("Error: ") and "changed meanwhile" in err and "Traceback" not in err
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM decision WHERE outcome = 'rework'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM event").fetchone()[0] == before_events + 1
    assert con.execute("SELECT round, version FROM project WHERE code = 'vdc'").fetchone() == (2, version + 1)


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
    con = sqlite3.connect(db_path)
    ticks = con.execute("SELECT count(*) FROM checklist_tick").fetchone()[0]
    events = con.execute("SELECT count(*) FROM event WHERE kind = 'checklist_ticked'").fetchone()[0]
    assert ticks == events == sum(1 for code, _ in results if code == 0)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
