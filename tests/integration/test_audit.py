"""The record holds against someone with database access: keyed chain, head, replay, import, uniqueness."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PLP_BIN, advance_to_pre_project, assert_one_line_error, dump, query

KEY = "the-steering-groups-secret-9f2c41"


@pytest.fixture
def full(region, snapshot):
    """vdc with a row in every table that verify compares: roles, goal, milestone (done), tick, anchoring,
    decision with note and attendees, a measure with a status, and a setting (built once per process)."""
    snapshot("audit_full", lambda: _make_full(region), base="region")
    return region


def _make_full(region) -> None:
    advance_to_pre_project(region)
    region("--as", "Kari Nordmann", "role", "assign", "vdc", "Per Leiar", "leader")
    region("--as", "Per Leiar", "goal", "add", "vdc", "effect", "Fleire arbeidsplassar")
    region("--as", "Per Leiar", "milestone", "add", "vdc", "Plan", "--due", "2026-02-01", "--responsible", "Per Leiar")
    region("--as", "Per Leiar", "milestone", "done", "vdc", "1", "--on", "2026-01-20", "--now", "2026-01-21")
    region("--as", "Per Leiar", "checklist", "tick", "vdc", "project_plan")
    region("--as", "Ola Nordmann", "anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre",
           "--ref", "PS 1", "--date", "2026-01-15", "--now", "2026-01-20")
    region("--as", "Kari Nordmann", "decide", "vdc", "hold", "--by", "Kari Nordmann", "--note", "Venter",
           "--attendee", "Ola Nordmann", "--date", "2026-01-20", "--now", "2026-01-20")
    region("plan", "add", "sp", "Strategisk plan")
    region("measure", "add", "sp", "Breiband", "--responsible", "Vennesla")
    region("measure", "status", "1", "in_progress", "--note", "I gang")
    region("config", "set", "require-identity", "false")


def _sql(db_path, statement: str) -> None:
    url = f"sqlite:///{db_path}" if "://" not in str(db_path) else str(db_path)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize("statement,named", [
    ("UPDATE project SET phase = 'main_project'", "table project, row 1 (project vdc), column phase"),
    ("UPDATE project SET status = 'active'", "table project, row 1 (project vdc), column status"),
    ("UPDATE project SET round = 3", "table project, row 1 (project vdc), column round"),
    ("UPDATE role_assignment SET role = 'steering' WHERE role = 'leader'", "table role_assignment, row 2 "
                                                                            "(project vdc), column role"),
    ("UPDATE role_assignment SET person_id = 2 WHERE role = 'sponsor'", "table role_assignment, row 1 "
                                                                         "(project vdc), column person_id"),
    ("UPDATE goal SET text = 'Noko anna'", "table goal, row 1 (project vdc), column text"),
    ("UPDATE milestone SET due = '2027-01-01'", "table milestone, row 1 (project vdc), column due"),
    ("UPDATE milestone SET done_on = NULL", "table milestone, row 1 (project vdc), column done_on"),
    ("UPDATE checklist_tick SET ticked_by = 'Kari Nordmann' WHERE item_key = 'project_plan'",
     "column ticked_by"),
    ("UPDATE anchoring SET ref = 'PS 99'", "table anchoring, row 1 (project vdc), column ref"),
    ("UPDATE decision SET by_id = 2 WHERE outcome = 'hold'", "table decision, row 2 (project vdc), column by_id"),
    ("UPDATE decision SET note = 'Fint' WHERE outcome = 'hold'", "table decision, row 2 (project vdc), column note"),
    ("UPDATE decision SET attendees = '[]' WHERE outcome = 'hold'", "table decision, row 2 (project vdc), "
                                                                    "column attendees"),
    ("UPDATE measure SET status = 'done'", "table measure, row 1, column status"),
    ("UPDATE measure SET note = 'Ferdig'", "table measure, row 1, column note"),
    ("UPDATE setting SET value = 'true'", "table setting, row 'require-identity', column value"),
    ("UPDATE person SET is_admin = TRUE WHERE name = 'Ola Nordmann'",
     "table person, row 2 (Ola Nordmann), column is_admin: the table says True, but no history event grants it"),
    ("UPDATE person SET db_role = 'ola_login' WHERE name = 'Ola Nordmann'",
     "table person, row 2 (Ola Nordmann), column db_role"),
    ("UPDATE project SET created_by_id = 2", "table project, row 1 (project vdc), column created_by_id"),
    ("DELETE FROM goal", "records table goal, row 1, which is missing"),
    ("INSERT INTO goal (project_id, level, text) VALUES (1, 'result', 'Smuglar')", "table goal, row 2 "
                                                                                  "(project vdc) has no history"),
])
def test_verify_names_the_table_row_and_column_of_a_change_by_hand(full, cli, db_path, statement, named):
    assert cli("audit", "verify").code == 0
    _sql(db_path, statement)
    assert_one_line_error(cli("audit", "verify"), contains=named)


def test_a_rewritten_event_with_a_recomputed_chain_fails_verify_against_the_key(full, cli, db_path, monkeypatch):
    monkeypatch.setenv("PLP_AUDIT_KEY", KEY)
    full("org", "add", "Lillesand")  # the chain becomes keyed from here
    assert cli("audit", "verify").code == 0
    # someone with database access rewrites a keyed event and recomputes every link after it, without the key
    from plp.audit import event_hash

    engine = create_engine(f"sqlite:///{db_path}" if "://" not in str(db_path)
                           else str(db_path).replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        from plp.models import Event

        e = Event.__table__
        rows = conn.execute(e.select().with_only_columns(e.c.id, e.c.at, e.c.actor, e.c.kind, e.c.project_id,
                                                         e.c.data, e.c.prev_hash).order_by(e.c.id)).all()
        prev = None
        for eid, at, actor, kind, pid, data, prev_hash in rows:
            if kind == "org_added" and "Lillesand" in data:
                data = data.replace("Lillesand", "Birkenes")
            link = event_hash(prev or prev_hash, at, actor, kind, pid, data, b"a-guessed-key-of-16-bytes")
            conn.execute(text("UPDATE event SET data = :d, prev_hash = :p, hash = :h WHERE id = :i"),
                         {"d": data, "p": prev or prev_hash, "h": link, "i": eid})
            prev = link
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    engine.dispose()
    assert_one_line_error(cli("audit", "verify"), contains="does not verify with this key")


def test_a_writer_without_the_key_is_refused_once_the_chain_is_keyed_and_changes_nothing(full, cli, db_path,
                                                                                          monkeypatch):
    monkeypatch.setenv("PLP_AUDIT_KEY", KEY)
    full("org", "add", "Lillesand")
    monkeypatch.delenv("PLP_AUDIT_KEY")
    before = dump(db_path)
    assert_one_line_error(cli("org", "add", "Birkenes"), contains="the history chain is keyed")
    assert_one_line_error(cli("audit", "verify"), contains="set PLP_AUDIT_KEY or PLP_AUDIT_KEY_FILE")
    monkeypatch.setenv("PLP_AUDIT_KEY", "another-key-of-enough-length")
    assert_one_line_error(cli("org", "add", "Birkenes"), contains="does not match the history chain")
    assert dump(db_path) == before


def test_the_switch_to_a_key_is_recorded_and_a_key_file_works_like_the_variable(full, cli, tmp_path, monkeypatch):
    key_file = tmp_path / "audit.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("PLP_AUDIT_KEY_FILE", str(key_file))
    full("org", "add", "Lillesand")
    events = json.loads(cli("export", "json").out)["tables"]["event"]
    assert [e["kind"] for e in events[-2:]] == ["audit_keyed", "org_added"]
    assert all(e["hash"].startswith("hmac-sha256:") for e in events[-2:])
    assert not any(e["hash"].startswith("hmac-sha256:") for e in events[:-2])
    monkeypatch.delenv("PLP_AUDIT_KEY_FILE")
    monkeypatch.setenv("PLP_AUDIT_KEY", KEY)
    result = cli("audit", "verify")
    assert result.code == 0 and f"keyed from event {events[-2]['id']}" in result.out


def test_the_key_never_appears_in_any_output(full, cli, plp_bin, db_path, monkeypatch):
    """In-process (the same plp.cli.main), and the two refusals through the installed command too."""

    def keyed(*args: str):
        with monkeypatch.context() as m:
            m.setenv("PLP_AUDIT_KEY", KEY)
            return cli(*args)

    outputs = [keyed("org", "add", "Lillesand"), keyed("audit", "verify"), keyed("audit", "verify", "--json"),
               keyed("audit", "head", "--json"), keyed("project", "history", "vdc", "--json"),
               keyed("export", "json"),
               plp_bin("org", "add", "X", env={"PLP_AUDIT_KEY": "wrong-" + KEY}),
               plp_bin("audit", "verify", env={"PLP_AUDIT_KEY": KEY[:10]})]
    assert outputs[0].code == 0 and outputs[-1].code == 1
    for result in outputs:
        assert KEY not in result.out + result.err and KEY[:10] not in result.out + result.err


def test_verify_head_proves_the_history_extends_a_head_from_the_minutes(full, cli):
    minutes = json.loads(cli("audit", "head", "--json").out)
    assert minutes["events"] > 10 and minutes["keyed"] is False
    full("org", "add", "Lillesand")
    result = cli("audit", "verify", "--head", minutes["hash"])
    assert result.code == 0 and f"event {minutes['event_id']}" in result.out
    text_out = cli("audit", "head").out
    assert text_out.startswith("head: ") and f"events: {minutes['events'] + 1} " in text_out


def test_verify_head_fails_for_a_truncated_history(full, cli, db_path):
    minutes = json.loads(cli("audit", "head", "--json").out)
    # the newest event deleted together with audit_head moved back: the chain alone still verifies
    _sql(db_path, f"DELETE FROM event WHERE id = {minutes['event_id']}")
    _sql(db_path, f"UPDATE audit_head SET last_event_id = {minutes['event_id'] - 1}, last_hash = "
                  f"(SELECT hash FROM event WHERE id = {minutes['event_id'] - 1})")
    _sql(db_path, "DELETE FROM setting")
    assert cli("audit", "verify").code == 0
    assert_one_line_error(cli("audit", "verify", "--head", minutes["hash"]),
                          contains="does not contain the head")


@pytest.mark.parametrize("typo", ["deadbeef", "0" * 63, "sha256:" + "0" * 64, "hmac-sha256:xyz"])
def test_verify_head_calls_a_typo_a_typo_not_tampering(full, cli, typo):
    assert_one_line_error(cli("audit", "verify", "--head", typo), contains="is not a head: give the 64 hex digits")


def _export(cli, tmp_path) -> dict:
    path = tmp_path / "export.json"
    assert cli("export", "json", "--output", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("edit,message", [
    (lambda t: t["org"][0].update(name="Bad\x07name"), "org row 1 (id 1)"),
    (lambda t: t["person"][0].update(email="no-at-sign"), "invalid email"),
    (lambda t: t["project"][0].update(phase="nowhere"), "unknown phase 'nowhere'"),
    (lambda t: t["goal"][0].update(text="x" * 2001), "goal text is too long"),
    (lambda t: t["role_assignment"][0].update(role="king"), "unknown role 'king'"),
    (lambda t: t["org"].append({"id": 99, "name": "vennesla", "kind": "other"}), "differ only in case"),
    (lambda t: t["decision"][-1].update(note="Endra"), "column note"),
    (lambda t: t["event"][3].update(actor="Nokon"), "event 4 ("),
    (lambda t: t["person"][1].update(is_admin=True), "column is_admin: the table says True, but no history event"),
])
def test_import_refuses_what_a_command_would_refuse_and_leaves_the_target_unchanged(full, cli, tmp_path, edit,
                                                                                    message):
    data = _export(cli, tmp_path)
    edit(data["tables"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert cli("--db", str(target), "init").code == 0
    before = dump(target)
    assert_one_line_error(cli("--db", str(target), "import", "json", str(bad)), contains=message)
    assert dump(target) == before


def test_an_export_from_before_creators_were_linked_gets_them_from_its_history(region, cli, tmp_path, db_path):
    """Schema 0008 named a project's creator only in its history; import links them as migration 0009 does."""
    import datetime as dt

    from plp.audit import GENESIS, event_hash

    region("--as", "Kari Nordmann", "project", "create", "kp", "Kystplan", "--workflow", "plp", "--owner", "Vennesla")
    data = _export(cli, tmp_path)
    data["schema"] = "0008"  # as that schema wrote it: no created_by_id anywhere, the chain over those events
    for row in data["tables"]["project"]:
        row.pop("created_by_id", None)
    prev = GENESIS
    for event in data["tables"]["event"]:
        payload = json.loads(event["data"])
        payload.pop("created_by_id", None)
        event["data"] = json.dumps(payload, ensure_ascii=False)
        event["prev_hash"], event["hash"] = prev, event_hash(prev, dt.datetime.fromisoformat(event["at"]),
                                                             event["actor"], event["kind"], event["project_id"],
                                                             event["data"])
        prev = event["hash"]
    data["tables"]["audit_head"] = [dict(data["tables"]["audit_head"][0], last_hash=prev)]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert cli("--db", str(target), "init").code == 0
    result = cli("--db", str(target), "import", "json", str(path))
    assert result.code == 0, result.err
    creators = dict(query(target, "SELECT p.code, pe.name FROM project p LEFT JOIN person pe ON pe.id = p.created_by_id"))
    assert creators == {"vdc": None, "kp": "Kari Nordmann"}  # vdc was made by 'tester', who is nobody here
    assert cli("--db", str(target), "audit", "verify").code == 0


def test_import_skips_runtime_rows_and_verifies(full, cli, tmp_path):
    data = _export(cli, tmp_path)
    data["tables"]["scheduler_lease"] = [{"name": "check", "holder": "old-host", "expires_at":
                                         "2026-01-01T00:00:00+00:00"}]
    path = tmp_path / "with-lease.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert cli("--db", str(target), "init").code == 0
    assert cli("--db", str(target), "import", "json", str(path)).code == 0
    assert json.loads(cli("--db", str(target), "export", "json").out)["tables"]["scheduler_lease"] == []
    assert cli("--db", str(target), "audit", "verify").code == 0


def test_import_of_a_keyed_export_needs_the_key(full, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PLP_AUDIT_KEY", KEY)
    full("org", "add", "Lillesand")
    data = _export(cli, tmp_path)
    monkeypatch.delenv("PLP_AUDIT_KEY")
    path = tmp_path / "keyed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert cli("--db", str(target), "init").code == 0
    assert_one_line_error(cli("--db", str(target), "import", "json", str(path)), contains="PLP_AUDIT_KEY")
    monkeypatch.setenv("PLP_AUDIT_KEY", KEY)
    assert cli("--db", str(target), "import", "json", str(path)).code == 0


@pytest.mark.parametrize("kind,args", [
    ("org", lambda i, name: ["org", "add", name]),
    ("person", lambda i, name: ["person", "add", f"Person {i}", "--email", f"{name}@example.no"]),
])
def test_concurrent_creates_that_differ_only_in_case_leave_exactly_one(cli, db_path, kind, args):
    """Many processes race to create the same name in different cases; the database lets one through."""
    assert cli("init").code == 0
    variants = ["lillesand", "LILLESAND", "Lillesand", "lilleSand", "LilleSand", "lILLESAND"]
    procs = [subprocess.Popen([PLP_BIN, *args(i, name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, name in enumerate(variants)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert sum(code == 0 for code, _ in results) == 1, results
    for code, err in results:
        if code:
            assert code == 1 and len(err.strip().splitlines()) == 1 and err.startswith("Error: "), err
            assert "Traceback" not in err
    rows = cli(kind, "list", "--json")
    assert len(json.loads(rows.out)) == 1
    assert cli("audit", "verify").code == 0


@pytest.mark.sqlite_only
def test_the_migration_refuses_existing_case_duplicates_by_name(tmp_path, cli):
    from plp import migrations

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO org (id, name, kind) VALUES (1, 'Iveland', 'municipality'), "
                          "(2, 'IVELAND', 'municipality')"))
    engine.dispose()
    # The upgrade runs at plp init (never inside another command), and refuses there.
    assert_one_line_error(cli("--db", str(path), "init"),
                          contains="'Iveland' (org id 1), 'IVELAND' (org id 2) differ only in case")
    _sql(path, "UPDATE org SET name = 'Iveland kommune' WHERE id = 2")
    assert cli("--db", str(path), "init").code == 0
    assert cli("--db", str(path), "org", "list").code == 0
