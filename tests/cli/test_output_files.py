"""--output: never over a database or another file that is not a report without --force; private files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import BACKEND, assert_one_line_error, dump

SQLITE_HEADER = b"SQLite format 3\x00"


def a_database(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE precious (x)")
    con.execute("INSERT INTO precious VALUES ('keep me')")
    con.commit()
    con.close()
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Every command that writes a file named by the user, with a file name it accepts.
WRITERS = [
    (["report", "status", "vdc", "--output"], "x.db"),
    (["report", "portfolio", "--output"], "x.db"),
    (["report", "timeline", "vdc", "--output"], "x.svg"),
    (["export", "ics", "--output"], "x.ics"),
    (["export", "json", "--output"], "x.json"),
    (["network", "agenda", "--output"], "x.db"),
    (["trust", "report", "--chart"], "x.png"),
]


@pytest.mark.parametrize("args,name", WRITERS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_every_output_option_refuses_to_overwrite_a_database_without_force(region, cli, tmp_path, args, name):
    target = a_database(tmp_path / name)
    before = target.read_bytes()
    result = cli(*args, str(target))
    assert_one_line_error(result, contains="is a database; plp will not overwrite it (add --force")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


@pytest.mark.sqlite_only
def test_a_status_report_over_the_live_database_is_refused_and_the_database_lives_on(region, cli, db_path):
    before = dump(db_path)
    result = cli("report", "status", "vdc", "--output", str(db_path))
    assert_one_line_error(result, contains="is a database")
    assert db_path.read_bytes().startswith(SQLITE_HEADER)
    assert dump(db_path) == before
    assert cli("project", "show", "vdc").code == 0


def test_an_existing_file_that_is_not_a_report_is_kept_unless_forced(region, cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    assert_one_line_error(cli("report", "status", "vdc", "--output", str(notes)),
                          contains="exists and is not a report file plp writes")
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    result = cli("report", "status", "vdc", "--output", str(notes), "--force")
    assert result.code == 0, result.err
    assert "Datasenter" in notes.read_text(encoding="utf-8")


def test_a_database_with_a_report_suffix_is_still_a_database(region, cli, tmp_path):
    disguised = a_database(tmp_path / "old.html")
    assert_one_line_error(cli("report", "status", "vdc", "--format", "html", "--output", str(disguised)),
                          contains="is a database")
    assert disguised.read_bytes().startswith(SQLITE_HEADER)


def test_force_overwrites_a_database_when_asked(region, cli, tmp_path):
    target = a_database(tmp_path / "scratch.db")
    result = cli("report", "status", "vdc", "--output", str(target), "--force")
    assert result.code == 0, result.err
    assert not target.read_bytes().startswith(SQLITE_HEADER)


def test_an_earlier_report_is_replaced_without_force(region, cli, tmp_path):
    for name in ("vdc.md", "vdc.html", "region.json", "region.ics", "vdc.svg", "vdc.CSV"):
        (tmp_path / name).write_text("an old report\n", encoding="utf-8")
    commands = [("report", "status", "vdc", "--output", "vdc.md"),
                ("report", "status", "vdc", "--format", "html", "--output", "vdc.html"),
                ("export", "json", "--output", "region.json"),
                ("export", "ics", "--output", "region.ics"),
                ("report", "timeline", "vdc", "--output", "vdc.svg"),
                ("report", "portfolio", "--format", "csv", "--output", "vdc.CSV")]
    for args in commands:
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert (tmp_path / args[-1]).read_text(encoding="utf-8") != "an old report\n", args


def test_reports_exports_and_charts_are_readable_by_the_owner_only(region, cli, plp_bin, tmp_path):
    """Written in-process (the umask is the process's, as a child inherits it); the rewrite by the installed plp."""
    old = os.umask(0o022)  # an ordinary umask would make new files world-readable
    try:
        for args in (("report", "status", "vdc", "--output", "vdc.md"),
                     ("report", "timeline", "vdc", "--output", "vdc.png"),
                     ("export", "json", "--output", "all.json"),
                     ("export", "ics", "--output", "all.ics"),
                     ("network", "agenda", "--format", "html", "--output", "agenda.html")):
            result = cli(*args)
            assert result.code == 0, (args, result.err)
            assert mode(tmp_path / args[-1]) == 0o600, args
        # an existing report written again becomes private too
        (tmp_path / "vdc.md").chmod(0o644)
        assert plp_bin("report", "status", "vdc", "--output", "vdc.md").code == 0
        assert mode(tmp_path / "vdc.md") == 0o600
    finally:
        os.umask(old)


@pytest.mark.no_database  # the demo's own SQLite file, whatever the backend under test
def test_the_demo_refuses_a_report_folder_holding_a_database_under_a_report_name(plp_bin, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    a_database(folder / "portfolio.csv")
    result = plp_bin("--db", str(tmp_path / "demo.db"), "demo", "--output", str(folder))
    assert_one_line_error(result, contains="portfolio.csv is a database")
    assert (folder / "portfolio.csv").read_bytes().startswith(SQLITE_HEADER)


@pytest.mark.skipif(BACKEND != "sqlite", reason="the demo's own database is a SQLite file")
def test_the_demo_writes_its_database_and_reports_private(plp_bin, tmp_path):
    old = os.umask(0o022)
    try:
        result = plp_bin("demo", env={"PLP_DB": ""})
    finally:
        os.umask(old)
    assert result.code == 0, result.err
    assert mode(tmp_path / "plp-demo.db") == 0o600
    reports = list((tmp_path / "plp-demo").iterdir())
    assert reports and all(mode(p) == 0o600 for p in reports)
