"""plp killed with SIGKILL inside its write transaction: nothing half-written, the record still verifies.

The kill lands where it matters because of the test-only pause point
(``PLP_TEST_PAUSE_IN_WRITE``, see tests/pause.py): the process has written its rows
but not committed when it dies, and the test checks that it is so before killing.
"""

from __future__ import annotations

import pytest

from tests.conftest import BACKEND, dump, query
from tests.pause import PausedWriter, a_write_transaction_is_open, wait_for

# Each of these writes several rows (the change, the version bump, the event, the
# chain head) in one transaction; a kill in the middle must leave none of them.
VICTIMS = [
    ["decide", "vdc", "rework", "--by", "Kari Nordmann", "--note", "drept"],
    ["goal", "add", "vdc", "effect", "Drept mål"],
    ["anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS drept",
     "--date", "2026-01-01"],
    ["checklist", "tick", "vdc", "idea_sketch"],
    ["milestone", "add", "vdc", "Drept milepæl", "--due", "2026-06-01", "--responsible", "Per Leiar"],
    ["role", "assign", "vdc", "Ola Nordmann", "steering"],
]


@pytest.fixture
def sponsored(region, snapshot):
    """vdc with Kari as sponsor (built once per process, as in test_bad_input_corpus)."""
    snapshot("sponsored", lambda: region("role", "assign", "vdc", "Kari Nordmann", "sponsor"), base="region")
    return region


def assert_whole(cli, db_path) -> None:
    """The database is sound and every decision, goal and anchoring has its event and no more."""
    if BACKEND == "sqlite":
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    verdict = cli("audit", "verify")
    assert verdict.code == 0 and verdict.out.startswith("ok: "), verdict.err
    for table, kind in (("decision", "decision_taken"), ("goal", "goal_added"), ("anchoring", "anchoring_recorded")):
        [(rows,)] = query(db_path, f"SELECT count(*) FROM {table}")
        [(events,)] = query(db_path, "SELECT count(*) FROM event WHERE kind = :k", k=kind)
        assert rows == events, (table, rows, events)


@pytest.mark.parametrize("victim", VICTIMS, ids=[" ".join(v[:2]) for v in VICTIMS])
def test_a_process_killed_inside_its_write_transaction_leaves_the_database_as_it_was(sponsored, cli, db_path,
                                                                                     tmp_path, victim):
    before = dump(db_path)
    with PausedWriter(tmp_path / "inside", *victim) as writer:
        writer.wait_until_inside()
        assert a_write_transaction_is_open(db_path), "the pause point is not inside a write transaction"
        writer.kill()
    # PostgreSQL rolls back once it notices the client is gone
    wait_for(lambda: not a_write_transaction_is_open(db_path), what="the killed transaction to end")
    assert dump(db_path) == before  # not one row of the killed change, not even the version bump
    assert_whole(cli, db_path)
    # the same change, run again to the end, is taken whole: the kill left no lock or debris behind
    result = cli(*victim)
    assert result.code == 0, result.err
    assert dump(db_path) != before
    assert_whole(cli, db_path)


def test_repeated_kills_mid_write_leave_a_whole_record_that_still_takes_changes(sponsored, cli, db_path, tmp_path):
    [(version, rnd)] = query(db_path, "SELECT version, round FROM project WHERE code = 'vdc'")
    for i in range(4):
        with PausedWriter(tmp_path / f"inside{i}", "decide", "vdc", "rework", "--by", "Kari Nordmann",
                          "--note", f"runde {i}") as writer:
            writer.wait_until_inside()
            writer.kill()
        # a decision that did land between the kills moves the round exactly once
        assert cli("decide", "vdc", "rework", "--by", "Kari Nordmann", "--note", f"heil {i}").code == 0
    assert query(db_path, "SELECT version, round FROM project WHERE code = 'vdc'") == [(version + 4, rnd + 4)]
    notes = [n for (n,) in query(db_path, "SELECT note FROM decision ORDER BY id")]
    assert notes == [f"heil {i}" for i in range(4)]
    assert_whole(cli, db_path)
