"""Real SQLite files: schema, pragmas, migrations, versions and atomicity."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from sqlalchemy import text

from plp import migrations
from plp.actor import Actor
from plp.db import HEAD_REVISION, Database
from plp.errors import ConcurrentChange, GateBlocked, PlpError
from plp.services import checklist, decisions, directory, projects, team
from plp.services.common import get_project
from plp.services.identity import acting
from tests.conftest import assert_one_line_error, dump, query

TODAY = dt.date(2026, 3, 1)
T = Actor("t", None, "env")  # nobody known: let through while require-identity is off


@pytest.fixture
def db(db_path) -> Database:
    d = Database(str(db_path))
    for org in ("Vennesla", "Iveland"):
        directory.add_org(d, name=org, actor=T)
    directory.add_person(d, name="Kari Nordmann", email="kari@example.no", actor=T)
    directory.add_person(d, name="Ola Nordmann", actor=T)
    projects.create_project(d, code="vdc", name="Datasenter", workflow="plp", owners=["Vennesla", "Iveland"], actor=T)
    team.assign_role(d, code="vdc", person="Kari Nordmann", role="sponsor", actor=T)
    team.assign_role(d, code="vdc", person="Ola Nordmann", role="steering", actor=T)
    return d


@pytest.mark.sqlite_only
def test_the_database_is_created_in_wal_mode_with_foreign_keys(db, db_path):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_initialised_schema_is_at_the_head_revision(db, db_path):
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]


def test_the_alembic_head_matches_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import plp.models

    plp.models.load_all()

    assert migrations.head() == HEAD_REVISION
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_a_foreign_key_violation_is_refused_by_the_database(db, db_path):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO goal (project_id, level, text) VALUES (999, 'effect', 'x')"))


def test_every_change_writes_exactly_one_event_in_its_transaction(db, db_path):
    [(before,)] = query(db_path, "SELECT count(*) FROM event")
    checklist.tick(db, code="vdc", item="idea_sketch", actor=acting(db, "Kari Nordmann"))
    [(after,)] = query(db_path, "SELECT count(*) FROM event")
    assert after == before + 1
    assert query(db_path, "SELECT kind, actor FROM event ORDER BY id DESC LIMIT 1") == [
        ("checklist_ticked", "Kari Nordmann")]


def test_a_refused_decision_leaves_the_database_unchanged(db, db_path):
    before = dump(db_path)
    with pytest.raises(GateBlocked):
        decisions.decide(db, code="vdc", outcome="go", by="Kari Nordmann", date=TODAY, today=TODAY, actor=T)
    assert dump(db_path) == before


def test_a_stale_version_loses_with_a_clear_error_and_writes_nothing(db, db_path):
    """Two people read the project; the first to write wins, the second is told."""
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=T)
    with db.unit(acting(db, "Kari Nordmann")) as first, db.unit(acting(db, "Ola Nordmann")) as second:
        p1 = get_project(first, "vdc")
        p2 = get_project(second, "vdc")
        assert p1.version == p2.version
        first.bump(p1, phase="pre_project")
        first.event("decision_taken", {"outcome": "go"}, p1.id)
        first.commit()
        before = dump(db_path)
        with pytest.raises(ConcurrentChange, match="changed meanwhile"):
            second.bump(p2, status="stopped")
    assert dump(db_path) == before
    assert projects.show_project(db, code="vdc", today=TODAY).phase == "pre_project"


def test_a_decision_with_an_old_version_is_refused(db):
    v = projects.show_project(db, code="vdc", today=TODAY).version
    checklist.tick(db, code="vdc", item="idea_sketch", actor=T)
    with pytest.raises(ConcurrentChange, match=f"you read {v}"):
        decisions.decide(db, code="vdc", outcome="hold", by="Kari Nordmann", date=TODAY, today=TODAY,
                         if_version=v, actor=T)


def test_a_project_keeps_its_workflow_version_when_the_file_changes(db, tmp_path, monkeypatch):
    from plp.workflow import shipped_dir

    original = (shipped_dir() / "plp.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "wf"
    folder.mkdir()
    # Version 2 drops the checklist criterion from BP1.
    changed = original.replace("version: 1", "version: 2", 1)
    changed = changed.replace("      - {kind: role, role: sponsor}\n      - {kind: checklist}\n\n  - key: BP2",
                              "      - {kind: role, role: sponsor}\n\n  - key: BP2", 1)
    assert changed.count("{kind: checklist}") == original.count("{kind: checklist}") - 1
    (folder / "plp.yaml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("PLP_WORKFLOW_PATH", str(folder))

    projects.create_project(db, code="new", name="Ny", workflow="plp", owners=["Vennesla"], actor=T)
    team.assign_role(db, code="new", person="Kari Nordmann", role="sponsor", actor=T)
    assert projects.show_project(db, code="vdc", today=TODAY).workflow_version == 1
    assert projects.show_project(db, code="new", today=TODAY).workflow_version == 2
    assert decisions.gate_status(db, code="new").ready is True
    assert decisions.gate_status(db, code="vdc").ready is False  # still needs its checklist


def test_a_changed_file_that_keeps_its_version_number_is_refused(db, tmp_path, monkeypatch):
    from plp.workflow import shipped_dir

    original = (shipped_dir() / "plp.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "wf"
    folder.mkdir()
    (folder / "plp.yaml").write_text(original.replace("en: Pre-project}", "en: Preliminary project}"), encoding="utf-8")
    monkeypatch.setenv("PLP_WORKFLOW_PATH", str(folder))
    with pytest.raises(PlpError, match="give the changed file a new version number"):
        projects.create_project(db, code="new", name="Ny", workflow="plp", owners=["Vennesla"], actor=T)


def test_text_is_stored_exactly_as_given(db):
    weird = textwrap.dedent("""\
        «Grønt» "datasenter"; DROP TABLE project; -- 'æøå ÆØÅ' 🌲🏭 \\ %s""")
    team.add_goal(db, code="vdc", level="effect", text=weird, actor=T)
    projects.create_project(db, code="q", name=weird, workflow="plp", owners=["Vennesla"], actor=Actor(weird, None, "cli-as"))
    shown = projects.show_project(db, code="q", today=TODAY)
    assert shown.name == weird
    assert projects.show_project(db, code="vdc", today=TODAY).goals[0].text == weird
    assert projects.history(db, code="q")[0].actor == weird


def test_the_history_is_complete_and_in_order(db):
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, "Kari Nordmann"))
    decisions.decide(db, code="vdc", outcome="go", by="Kari Nordmann", date=TODAY, today=TODAY, actor=acting(db, "Kari Nordmann"))
    kinds = [e.kind for e in projects.history(db, code="vdc")]
    assert kinds == ["project_created", "role_assigned", "role_assigned", "checklist_ticked", "checklist_ticked",
                     "decision_taken"]


@pytest.mark.sqlite_only
def test_an_unreachable_database_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PlpError, match="does not exist"):
        Database(str(tmp_path / "no" / "such" / "dir" / "x.db")).engine


def _downgrade(target, revision: str) -> None:
    """A real database of an older schema: Alembic's own downgrade, not a faked version number."""
    from alembic import command

    db = Database(str(target))
    cfg = migrations.config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    db.dispose()


def test_a_command_on_an_outdated_schema_says_to_run_init_and_changes_nothing(db_path, cli):
    from tests.conftest import assert_one_line_error

    assert cli("org", "add", "Vennesla").code == 0
    _downgrade(db_path, "0007")
    before = dump(db_path)
    for args in (("project", "list", "--json"), ("org", "add", "Iveland"), ("check", "--dry-run")):
        assert_one_line_error(cli(*args), contains=f"the database schema is at revision 0007, this plp needs "
                                                   f"{HEAD_REVISION}; run plp init to upgrade it")
    assert dump(db_path) == before  # nothing migrated, nothing written
    assert cli("init").code == 0
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert cli("org", "add", "Iveland").code == 0


def test_the_web_app_migrates_an_outdated_schema_at_start(db_path):
    from plp.web import create_app

    _downgrade(db_path, "0007")
    create_app(str(db_path))  # the server's start, before any request
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]


@pytest.mark.sqlite_only
def test_a_database_newer_than_this_plp_says_to_upgrade_plp_not_to_run_init(cli, db_path):
    query(db_path, "UPDATE alembic_version SET version_num = '9999'")
    assert_one_line_error(cli("project", "list"), contains="has schema revision 9999, newer than this plp knows")


def test_an_empty_sqlite_file_is_refused_until_init(tmp_path, cli):
    from tests.conftest import assert_one_line_error

    path = tmp_path / "empty.db"
    path.touch()
    assert_one_line_error(cli("--db", str(path), "project", "list"),
                          contains="the database schema is empty (no plp schema), this plp needs")
    assert query(path, "SELECT count(*) FROM sqlite_master") == [(0,)]  # no table made
    assert cli("--db", str(path), "init").code == 0
    assert cli("--db", str(path), "project", "list", "--json").out.strip() == "[]"
