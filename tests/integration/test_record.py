"""Trusting the record: permissions, the audit chain, backup, export and import."""

from __future__ import annotations

import json
import sqlite3
import pytest

from tests.conftest import advance_to_pre_project, assert_one_line_error, dump, query
from tests.pause import PausedWriter, a_write_transaction_is_open


@pytest.fixture
def team(region, snapshot):
    """vdc in the pre-project with a sponsor (Kari, Vennesla), a leader (Per, Vennesla) and Ola (Iveland) in the
    steering group (built once per process)."""
    snapshot("record_team", lambda: _make_team(region), base="region")
    return region


def _make_team(region) -> None:
    advance_to_pre_project(region)
    region("--as", "Kari Nordmann", "role", "assign", "vdc", "Per Leiar", "leader")
    region("--as", "Kari Nordmann", "role", "assign", "vdc", "Ola Nordmann", "steering")
    region("person", "add", "Siv Utanfor", "--email", "siv@example.no", "--org", "Kristiansand")


@pytest.mark.parametrize("actor,args,role", [
    ("Ola Nordmann", ["goal", "add", "vdc", "effect", "Mål"], "the project leader"),
    ("Kari Nordmann", ["milestone", "add", "vdc", "M", "--due", "2026-05-01", "--responsible", "Per Leiar"],
     "the project leader"),
    ("Ola Nordmann", ["checklist", "tick", "vdc", "project_plan"], "the project leader"),
    ("Ola Nordmann", ["gate", "plan", "vdc", "--date", "2099-01-01"], "the project leader"),
    ("Per Leiar", ["decide", "vdc", "hold", "--by", "Kari Nordmann"], "the sponsor or a steering group member"),
    ("Siv Utanfor", ["anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 1",
                     "--date", "2026-01-01"], "a person from one of the project's owner organisations"),
    ("Per Leiar", ["role", "assign", "vdc", "Siv Utanfor", "reference"], "the sponsor"),
])
def test_an_action_without_the_right_is_refused_naming_the_missing_role(team, cli, db_path, actor, args, role):
    before = dump(db_path)
    result = cli("--as", actor, *args)
    assert_one_line_error(result, contains=f"that needs {role}")
    assert dump(db_path) == before


def test_each_role_may_do_its_own_work(team, cli):
    team("--as", "Per Leiar", "goal", "add", "vdc", "effect", "Mål")
    team("--as", "Per Leiar", "milestone", "add", "vdc", "M", "--due", "2026-05-01", "--responsible", "Ola Nordmann")
    team("--as", "Ola Nordmann", "milestone", "done", "vdc", "1", "--on", "2026-04-01", "--now", "2026-04-02")
    team("--as", "Per Leiar", "checklist", "tick", "vdc", "project_plan")
    team("--as", "Per Leiar", "gate", "plan", "vdc", "--date", "2099-01-01")
    team("--as", "Ola Nordmann", "anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre",
         "--ref", "PS 1", "--date", "2026-01-01")
    team("--as", "ola@example.no", "decide", "vdc", "hold", "--by", "Ola Nordmann")
    history = json.loads(cli("project", "history", "vdc", "--json").out)
    assert history[-1]["actor"] == "Ola Nordmann" and history[-1]["kind"] == "decision_taken"


def test_the_creator_assigns_roles_until_a_sponsor_exists(region, cli):
    region("--as", "Per Leiar", "project", "create", "ny", "Ny", "--workflow", "plp", "--owner", "Vennesla")
    region("--as", "Per Leiar", "role", "assign", "ny", "Kari Nordmann", "sponsor")
    assert_one_line_error(cli("--as", "Per Leiar", "role", "assign", "ny", "Ola Nordmann", "steering"),
                          contains="that needs the sponsor")
    region("--as", "Kari Nordmann", "role", "assign", "ny", "Ola Nordmann", "steering")


def test_require_identity_refuses_unknown_actors_and_is_off_by_default(team, cli, db_path):
    team("--as", "someone", "org", "add", "Lillesand")  # off: first use stays simple
    team("config", "set", "require-identity", "true")
    before = dump(db_path)
    for args in (["org", "add", "Birkenes"], ["goal", "add", "vdc", "effect", "x"]):
        assert_one_line_error(cli("--as", "someone", *args), contains="requires a known acting person")
    assert_one_line_error(cli("--as", "someone", "config", "set", "require-identity", "false"),
                          contains="requires a known acting person")
    assert dump(db_path) == before
    team("--as", "Per Leiar", "goal", "add", "vdc", "effect", "x")
    shown = json.loads(cli("config", "show", "--json").out)
    assert shown["settings"] == {"require-identity": "true"}
    assert {"action": "decision.record", "who": "the sponsor or a steering group member"} in shown["permissions"]


def test_audit_verify_passes_on_an_untouched_history(team, cli):
    result = cli("audit", "verify")
    assert result.code == 0 and result.out.startswith("ok: ")


@pytest.mark.sqlite_only
def test_audit_verify_catches_a_changed_decision_outcome_and_a_deleted_event(team, cli, db_path, tmp_path):
    team("--as", "Per Leiar", "goal", "add", "vdc", "result", "Resultat")
    team("--as", "Per Leiar", "goal", "add", "vdc", "effect", "Effekt")
    pristine = tmp_path / "pristine.db"
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(FULL)")
    con.backup(sqlite3.connect(pristine))
    # 1. a decision's outcome changed by hand
    con.execute("UPDATE decision SET outcome = 'stop'")
    con.commit()
    result = cli("audit", "verify")
    assert_one_line_error(result, contains="table decision, row 1 (project vdc), column outcome: the table says 'stop', but history event")
    # 2. the same change made in the event too: its hash no longer matches
    event_id, data = con.execute("SELECT id, data FROM event WHERE kind = 'decision_taken'").fetchone()
    con.execute("UPDATE event SET data = ? WHERE id = ?", (data.replace('"go"', '"stop"'), event_id))
    con.commit()
    assert_one_line_error(cli("audit", "verify"), contains=f"event {event_id} (decision_taken")
    con.close()
    # 3. an event deleted from the middle, and 4. the newest event deleted
    for which, expected in (("SELECT min(id) + 3 FROM event", "does not follow the event before it"),
                            ("SELECT max(id) FROM event", "the newest event(s) after event")):
        copy = tmp_path / f"copy{len(expected)}.db"
        sqlite3.connect(pristine).backup(sqlite3.connect(copy))
        c = sqlite3.connect(copy)
        c.execute(f"DELETE FROM event WHERE id = ({which})")
        c.commit()
        c.close()
        assert_one_line_error(cli("--db", str(copy), "audit", "verify"), contains=expected)
    assert cli("--db", str(pristine), "audit", "verify").code == 0


@pytest.mark.sqlite_only
def test_a_backup_made_while_a_write_is_open_is_consistent_and_holds_the_last_commit(team, cli, db_path, tmp_path):
    """The write is held open (test-only pause point) for the whole backup, so the two overlap
    for certain: the copy has everything committed before it, and nothing of the open write."""
    team("--as", "Per Leiar", "goal", "add", "vdc", "effect", "Før kopien")
    copy = tmp_path / "backup.db"
    with PausedWriter(tmp_path / "inside", "--as", "Per Leiar", "goal", "add", "vdc", "effect", "Under kopien") as writer:
        writer.wait_until_inside()
        assert a_write_transaction_is_open(db_path)
        result = cli("db", "backup", str(copy))
        assert result.code == 0, result.err
        # the backup ended while the write was still open: they overlapped
        assert writer.running() and a_write_transaction_is_open(db_path)
        code, err = writer.release()
    assert code == 0, err  # and the writer, held during the backup, then commits
    assert query(db_path, "SELECT text FROM goal ORDER BY id") == [("Før kopien",), ("Under kopien",)]
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT text FROM goal").fetchall() == [("Før kopien",)]
    goals, events = con.execute("SELECT (SELECT count(*) FROM goal), "
                                "(SELECT count(*) FROM event WHERE kind = 'goal_added')").fetchone()
    assert goals == events == 1  # never half a change
    con.close()
    assert cli("--db", str(copy), "audit", "verify").code == 0
    assert_one_line_error(cli("db", "backup", str(copy)), contains="is a database; plp will not overwrite it")


def test_backup_of_postgresql_gives_pg_dump_advice(cli):
    result = cli("--db", "postgresql://plp@127.0.0.1:1/none", "db", "backup", "x.db")
    assert_one_line_error(result, contains="pg_dump")


def test_export_and_import_round_trip_with_nothing_lost(team, cli, tmp_path, pg_server):
    team("--as", "Per Leiar", "milestone", "add", "vdc", "«Grønt» 🌲; 'x'", "--due", "2026-05-01",
         "--responsible", "Per Leiar")
    team("--as", "Ola Nordmann", "anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre",
         "--ref", "PS 1", "--date", "2026-01-01", "--outcome", "refused")
    first = tmp_path / "first.json"
    assert cli("export", "json", "--output", str(first)).code == 0
    # into a new SQLite file, and (when the suite runs there) into PostgreSQL
    targets = [str(tmp_path / "copy.db")]
    if pg_server is not None:
        from sqlalchemy import text

        admin, base = pg_server
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS plp_import WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE plp_import TEMPLATE plp_template"))
        targets.append(f"{base}/plp_import")
    original = json.loads(first.read_text(encoding="utf-8"))
    original.pop("exported_at")
    assert cli("--db", targets[0], "init").code == 0  # a new file: plp init first, then import
    for target in targets:
        assert cli("--db", target, "import", "json", str(first)).code == 0
        again = json.loads(cli("--db", target, "export", "json").out)
        again.pop("exported_at")
        assert again == original
        assert cli("--db", target, "audit", "verify").code == 0
        # and the copy goes on working: ids continue after the imported ones
        assert cli("--db", target, "--as", "Per Leiar", "goal", "add", "vdc", "effect", "Etter import").code == 0
        assert cli("--db", target, "audit", "verify").code == 0


@pytest.mark.parametrize("content,message", [
    ("{not json", "is not valid JSON"),
    ('{"format": "something-else", "tables": {}}', "is not a plp export"),
    ('{"format": "plp-export", "schema": "9999", "tables": {}}', "comes from a newer plp (schema 9999"),
    ('{"format": "plp-export", "schema": "0001", "tables": {"nonsense": []}}', "unknown table(s) nonsense"),
    ('{"format": "plp-export", "schema": "0001", "tables": {"org": [{"id": "one", "name": "X", "kind": "other"}]}}',
     "org row 1 column id has an invalid value"),
    ('{"format": "plp-export", "schema": "0001", "tables": {"org": [{"id": 1, "kind": "other"}]}}',
     "org row 1 column name is empty"),
])
def test_import_refuses_a_bad_file_and_leaves_the_target_untouched(cli, tmp_path, db_path, content, message):
    cli("init")
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    before = dump(db_path)
    assert_one_line_error(cli("import", "json", str(bad)), contains=message)
    assert dump(db_path) == before


def test_import_refuses_a_database_that_has_data(team, cli, tmp_path, db_path):
    export = tmp_path / "e.json"
    cli("export", "json", "--output", str(export))
    before = dump(db_path)
    assert_one_line_error(cli("import", "json", str(export)), contains="is not empty")
    assert dump(db_path) == before


@pytest.mark.sqlite_only
def test_an_existing_database_gets_its_history_chained_by_the_migration(tmp_path):
    """A database written before the audit chain existed (schema 0003) verifies after the upgrade."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import URL

    from plp import migrations
    from plp.audit import verify
    from plp.db import Database

    path = tmp_path / "old.db"
    engine = create_engine(URL.create("sqlite", database=str(path)))
    migrations.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workflow_def (id, name, version, definition, source, sha256, loaded_at) "
                          "VALUES (1, 'plp', 1, '{}', '', 'x', '2026-01-01 00:00:00.000000')"))
        conn.execute(text("INSERT INTO org (id, name, kind) VALUES (1, 'Vennesla', 'municipality')"))
        conn.execute(text("INSERT INTO person (id, name) VALUES (1, 'Kari')"))
        conn.execute(text("INSERT INTO project (id, code, name, workflow_id, phase, status, round, version, "
                          "created_at, created_by) VALUES (1, 'vdc', 'V', 1, 'pre_project', 'active', 1, 2, "
                          "'2026-01-01 00:00:00.000000', 'x')"))
        conn.execute(text("INSERT INTO decision (id, project_id, decision_point, round, outcome, from_phase, "
                          "to_phase, by_id, date, attendees) VALUES (1, 1, 'BP1', 1, 'go', 'idea', 'pre_project', "
                          "1, '2026-01-02', '[]')"))
        for i, (kind, data) in enumerate([("project_created", '{"code": "vdc"}'),
                                          ("decision_taken", '{"date": "2026-01-02", "decision_point": "BP1", '
                                                             '"outcome": "go"}')], 1):
            conn.execute(text("INSERT INTO event (id, at, actor, kind, project_id, data) VALUES "
                              f"({i}, '2026-01-0{i} 10:00:00.000000', 'x', '{kind}', 1, :d)"), {"d": data})
    engine.dispose()
    db = Database(str(path))
    db.upgrade()  # migrates to the head, as plp init does
    verdict = verify(db)
    assert verdict.ok, verdict.problem
    assert verdict.events == 2
    assert query(path, "SELECT data FROM event WHERE id = 2")[0][0].startswith('{"date": "2026-01-02", '
                                                                             '"decision_id": 1')


def test_bench_generator_writes_a_history_that_verifies(tmp_path, db_path):
    from bench.generate import generate
    from plp.audit import verify
    from plp.db import Database

    generate(str(db_path), projects=30, milestones=3)
    verdict = verify(Database(str(db_path)))
    assert verdict.ok, verdict.problem


