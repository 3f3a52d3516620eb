"""--db: file paths as URLs, a missing file refused, new files private, passwords never shown.

Most cases run in-process (``cli``: the same ``plp.cli.main`` and error mapping); one of
each kind also runs the installed command, whose exit code and output are what a user sees.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error

# --db names its own files and URLs; the test database (PLP_DB) is never opened. The one case
# about a working PostgreSQL server is in test_database_target_postgresql.py.
pytestmark = pytest.mark.no_database

PASSWORD = "Hunter2pw"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", [["project", "list"], ["audit", "verify"], ["org", "add", "Vennesla"],
                                     ["export", "json"], ["db", "backup", "copy.db"], ["check", "--dry-run"]],
                         ids=" ".join)
def test_a_command_on_a_missing_database_file_is_refused_and_creates_nothing(cli, tmp_path, command):
    folder = tmp_path / "empty"
    folder.mkdir()
    typo = folder / "regoin.db"
    result = cli("--db", str(typo), *command)
    assert_one_line_error(result, contains=f"no database at {typo}; create it with plp init")
    assert sorted(p.name for p in folder.iterdir()) == []


def test_a_missing_database_named_by_plp_db_is_refused_too(plp_bin, tmp_path):  # the installed command
    result = plp_bin("audit", "verify", env={"PLP_DB": str(tmp_path / "nothing-here.db")})
    assert_one_line_error(result, contains="no database at")
    assert "ok" not in result.out
    assert not (tmp_path / "nothing-here.db").exists()


def test_init_creates_the_database_and_then_every_command_works(cli, tmp_path):
    target = tmp_path / "new.db"
    result = cli("--db", str(target), "init")
    assert result.code == 0, result.err
    assert f"Database {target} is ready" in result.err
    assert cli("--db", str(target), "org", "add", "Vennesla").code == 0
    assert cli("--db", str(target), "audit", "verify").code == 0
    assert cli("--db", str(target), "init").code == 0  # init again: nothing lost
    assert json.loads(cli("--db", str(target), "org", "list", "--json").out)[0]["name"] == "Vennesla"


def test_init_in_a_folder_that_does_not_exist_is_one_line(cli, tmp_path):
    result = cli("--db", str(tmp_path / "no" / "such" / "x.db"), "init")
    assert_one_line_error(result, contains="does not exist")
    assert not (tmp_path / "no").exists()


def test_a_new_database_and_its_wal_and_shm_files_are_readable_by_the_owner_only(plp_bin, tmp_path):
    target = tmp_path / "private.db"
    old = os.umask(0o022)  # an ordinary umask would make the file world-readable
    try:
        assert plp_bin("--db", str(target), "init").code == 0
        assert plp_bin("--db", str(target), "org", "add", "Vennesla").code == 0
        assert mode(target) == 0o600
        # A reader keeps the -wal and -shm files open; SQLite gives them the database's mode.
        con = sqlite3.connect(target)
        try:
            con.execute("SELECT count(*) FROM org").fetchone()
            for suffix in ("-wal", "-shm"):
                assert mode(Path(f"{target}{suffix}")) == 0o600, suffix
        finally:
            con.close()
    finally:
        os.umask(old)


@pytest.mark.parametrize("name", ["what?.db", "region#2.db", "100%.db", "a%20b.db", "with space.db",
                                  "all of?#% it.db"])
def test_a_database_path_with_url_characters_is_the_file_it_names(cli, tmp_path, name):
    folder = tmp_path / "dbs"
    folder.mkdir()
    target = folder / name
    assert cli("--db", str(target), "init").code == 0
    assert cli("--db", str(target), "org", "add", "Vennesla").code == 0
    shown = json.loads(cli("--db", str(target), "org", "list", "--json").out)
    assert [o["name"] for o in shown] == ["Vennesla"]
    # in-process the last connection may still be open, so SQLite's -wal and -shm files may be there too
    assert sorted(p.name for p in folder.iterdir() if p.name not in (f"{name}-wal", f"{name}-shm")) == [name]
    con = sqlite3.connect(target)
    assert con.execute("SELECT name FROM org").fetchall() == [("Vennesla",)]
    con.close()


def test_a_relative_path_with_url_characters_is_found_from_the_current_folder(plp_bin, tmp_path):  # installed
    assert plp_bin("--db", "rel #1?.db", "init").code == 0
    assert (tmp_path / "rel #1?.db").exists()
    assert plp_bin("--db", "rel #1?.db", "org", "list").code == 0


MALFORMED = [
    f"postgresql://plp:{PASSWORD}@localhost:99999/plp",  # a port out of range
    f"postgresql://plp:{PASSWORD}@localhost:abc/plp",  # a port that is no number
    f"postgresql://plp:{PASSWORD}@localhost:5432:7/plp",
    f"postgresql://plp:{PASSWORD}@[::1/plp",  # a broken IPv6 address
    f"postgresql://plp:{PASSWORD}@@localhost:99999/plp",  # an unescaped @ in the password
    f"postgresql://plp:{PASSWORD} x@localhost:0/plp",  # a space in the password
    f"postgresql+nodriver://plp:{PASSWORD}@localhost/plp",  # a driver that does not exist
    f"mysql://plp:{PASSWORD}@localhost/plp",  # a driver that is not installed
    f"postgresql://plp:{PASSWORD}@127.0.0.1:1/plp",  # nobody listening
    f"postgresql://plp:{PASSWORD}@localhost/plp?sslmode=bogus",
    f"postgresql://plp:{PASSWORD}@localhost/plp?connect_timeout=abc",
    f"postgresql://plp:{PASSWORD}@/plp?host=/no/such/socket",
]


def _bad_url_results(url, run):
    """What ``run`` (in-process or the installed command) gives for four commands on a bad URL."""
    for args, env in ((["--db", url, "init"], None), (["--db", url, "project", "list"], None),
                      (["audit", "verify"], {"PLP_DB": url}), (["db", "backup", "x.db"], {"PLP_DB": url})):
        yield args, run(args, env)


@pytest.mark.parametrize("url", MALFORMED)
def test_a_password_in_a_bad_database_url_never_appears_in_the_output(cli, monkeypatch, url):
    def run(args, env):
        with monkeypatch.context() as m:
            for name, value in (env or {}).items():
                m.setenv(name, value)
            return cli(*args)

    for args, result in _bad_url_results(url, run):
        assert result.code == 1, (args, result.out, result.err)
        assert len(result.err.strip().splitlines()) == 1, result.err
        shown = result.out + result.err
        assert PASSWORD not in shown, (args, shown)
        assert "Traceback" not in shown


# A bad port, a driver that is not installed, nobody listening: through the installed command too.
@pytest.mark.parametrize("url", [MALFORMED[0], MALFORMED[7], MALFORMED[8]])
def test_the_installed_command_never_shows_the_password_of_a_bad_database_url(plp_bin, url):
    for args, result in _bad_url_results(url, lambda args, env: plp_bin(*args, env=env, timeout=60)):
        assert result.code == 1, (args, result.out, result.err)
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert PASSWORD not in result.out + result.err, args
        assert "Traceback" not in result.out + result.err


def test_a_percent_encoded_password_is_hidden_in_both_spellings(cli):
    result = cli("--db", "postgresql://plp:p%40ssw0rd@localhost:99999/plp", "project", "list")
    assert_one_line_error(result, contains="port 99999")
    assert "p%40ssw0rd" not in result.err and "p@ssw0rd" not in result.err


def test_the_migrations_folder_may_contain_a_percent():
    from plp import migrations

    folder = Path("/srv/100%/plp/db %(here)s")
    assert migrations.config(folder).get_main_option("script_location") == str(folder)
