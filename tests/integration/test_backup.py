"""plp db backup: success only for a verified copy, from any path, private, never over a database unasked."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error

pytestmark = pytest.mark.sqlite_only  # backup copies SQLite files; PostgreSQL gets pg_dump advice


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def source(cli, tmp_path):
    """A small region in a database whose path holds every character a URL treats specially.

    Built in-process (the backups below go through the installed command).
    """
    folder = tmp_path / "data #1"
    folder.mkdir()
    path = folder / "region?#%20 100%.db"

    def ok(*args: str) -> None:
        result = cli("--db", str(path), *args)
        assert result.code == 0, (args, result.err)

    ok("init")
    for org in ("Vennesla", "Iveland"):
        ok("org", "add", org)
    ok("person", "add", "Kari Nordmann", "--org", "Vennesla")
    ok("project", "create", "vdc", "Datasenter", "--workflow", "plp", "--owner", "Vennesla", "--owner", "Iveland")
    return path


def test_a_backup_from_a_path_with_hash_question_mark_and_percent_is_complete(plp_bin, source, tmp_path):
    copy = tmp_path / "copy #2?.db"
    result = plp_bin("--db", str(source), "db", "backup", str(copy))
    assert result.code == 0, result.err
    assert "verified" in result.err
    assert counts(copy) == counts(source)
    assert counts(copy)["project"] == 1 and counts(copy)["org"] == 2
    assert plp_bin("--db", str(copy), "audit", "verify").code == 0


def test_a_backup_is_readable_by_the_owner_only(plp_bin, source, tmp_path):
    old = os.umask(0o022)
    try:
        assert plp_bin("--db", str(source), "db", "backup", str(tmp_path / "b.db")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600


def test_a_backup_never_replaces_an_existing_database_without_force(plp_bin, source, tmp_path):
    old = tmp_path / "old.db"
    assert plp_bin("--db", str(old), "init").code == 0
    before = old.read_bytes()
    result = plp_bin("--db", str(source), "db", "backup", str(old))
    assert_one_line_error(result, contains="is a database; plp will not overwrite it (add --force")
    assert old.read_bytes() == before
    result = plp_bin("--db", str(source), "db", "backup", str(old), "--force")
    assert result.code == 0, result.err
    assert counts(old) == counts(source)


def test_a_backup_over_the_database_itself_is_refused_even_with_force(plp_bin, source):
    before = counts(source)
    result = plp_bin("--db", str(source), "db", "backup", str(source), "--force")
    assert_one_line_error(result, contains="is the database itself")
    assert counts(source) == before


def test_a_copy_that_fails_the_integrity_check_is_reported_and_not_written(plp_bin, source, tmp_path):
    # Forget an index in the schema: its pages stay in the file, unused, and the
    # integrity check says so. The backup copies pages as they are, so the copy fails too.
    con = sqlite3.connect(source)
    index = con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchone()[0]
    con.execute("PRAGMA writable_schema = ON")
    con.execute("DELETE FROM sqlite_master WHERE name = ?", (index,))
    con.commit()
    con.close()
    copy = tmp_path / "copy.db"
    result = plp_bin("--db", str(source), "db", "backup", str(copy))
    assert_one_line_error(result, contains="fails SQLite's integrity check")
    assert "verified" not in result.err
    assert not copy.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")] == []  # no temporary file left


def test_a_backup_of_a_missing_database_creates_nothing(plp_bin, tmp_path):
    result = plp_bin("--db", str(tmp_path / "none.db"), "db", "backup", str(tmp_path / "copy.db"))
    assert_one_line_error(result, contains="no database at")
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "copy.db").exists()
