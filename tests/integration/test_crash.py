"""plp killed with SIGKILL in the middle of writes: nothing half-written, the record still verifies."""

from __future__ import annotations

import random
import signal
import subprocess
import time

from tests.conftest import BACKEND, PLP_BIN, query


def test_processes_killed_mid_write_leave_a_whole_and_verifiable_record(region, cli, db_path):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    rnd = random.Random(7)
    killed = 0
    for i in range(20):
        commands = [
            [PLP_BIN, "decide", "vdc", "rework", "--by", "Kari Nordmann", "--note", f"runde {i}"],
            [PLP_BIN, "goal", "add", "vdc", "effect", f"Mål {i}"],
            [PLP_BIN, "anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", f"PS {i}",
             "--date", "2026-01-01"],
        ]
        procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for cmd in commands]
        time.sleep(rnd.uniform(0.05, 0.6))  # somewhere in start-up, the read, or the write
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed += 1
            p.wait(timeout=60)
    assert killed > 0, "no process was caught mid-way; the test proved nothing"
    if BACKEND == "sqlite":
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    verdict = cli("audit", "verify")
    assert verdict.code == 0, verdict.err  # every decision and anchoring has its event, and the reverse
    decisions = query(db_path, "SELECT count(*) FROM decision")[0][0]
    events = query(db_path, "SELECT count(*) FROM event WHERE kind = 'decision_taken'")[0][0]
    goals = query(db_path, "SELECT count(*) FROM goal")[0][0]
    goal_events = query(db_path, "SELECT count(*) FROM event WHERE kind = 'goal_added'")[0][0]
    assert decisions == events and goals == goal_events
    rounds = query(db_path, "SELECT round, version FROM project WHERE code = 'vdc'")[0]
    assert rounds[0] == decisions + 1  # each whole rework moved the round once, no more, no less
    # and the project still takes changes
    assert cli("decide", "vdc", "rework", "--by", "Kari Nordmann").code == 0
