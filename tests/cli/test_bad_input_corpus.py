"""A corpus of hostile and malformed input, in-process (``cli``: the same ``plp.cli.main`` and
error mapping as the installed command) and, where the process boundary is the point
(control characters, huge arguments, non-ASCII digits in argv), through the installed command.

Together with test_bad_input.py this is well over 100 cases. Every case exits 1 or
2 with one line on stderr and no traceback, and leaves the database as it was. Each
names the text its error must contain: a case refused for another reason than the
one it is there for fails.
"""

from __future__ import annotations

import pytest

from tests.conftest import assert_one_line_error, dump

HUGE = "x" * 20_000
BELL, ESC, CR = "\x07", "\x1b[31m", "\r"

USE_DATE = "use YYYY-MM-DD, e.g. 2026-06-30"
USE_TIME = "use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
BAD_DUE = {"2026-13-01": "month must be in 1..12", "2026-00-10": "month must be in 1..12", "26-01-01": USE_DATE,
           "2026/01/01": USE_DATE, "20260101": USE_DATE, "2025-02-29": "day is out of range for month",
           "2026-04-31": "day is out of range for month", " ": USE_DATE, "2026-1-1": USE_DATE,
           "١٢٣٤-٠١-٠١": "", "2026-01-01T10:00": USE_DATE}  # Arabic-Indic digits: any reason, as a --due
BAD_NOW = {"2026-01-01T25:00": "hour must be in 0..23", "tomorrow": USE_TIME,
           "2026-01-01T10:61": "minute must be in 0..59", "2026-01-01 10": USE_TIME, "now": USE_TIME}
SCORES = "scores are whole numbers from 1 to 5"
TOO_LONG = "is too long (20000 characters; at most"

# (arguments, exit code, text the one-line error must contain: the reason the case is there)
CORPUS: list = [
    # malformed dates and times
    *[(["milestone", "add", "vdc", "M", "--due", d, "--responsible", "Kari Nordmann"], 1,
       f"invalid --due '{d.strip()}': {why}") for d, why in BAD_DUE.items()],
    *[(["milestone", "list", "--now", t], 1, f"invalid --now '{t}': {why}") for t, why in BAD_NOW.items()],
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--date", "2026-02-29"], 1,
     "invalid --date '2026-02-29': day is out of range for month"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS", "--date", ""], 1,
     f"invalid --date '': {USE_DATE}"),
    (["gate", "plan", "vdc", "--date", "31.12.2026"], 1, f"invalid --date '31.12.2026': {USE_DATE}"),
    (["network", "meeting", "record", "--date", "2026-99-99"], 1, "invalid --date '2026-99-99': month must be in"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "4,3,5,4,3", "--date", "x"], 1,
     f"invalid --date 'x': {USE_DATE}"),
    # unknown references
    (["goal", "add", "nosuch", "effect", "x"], 1, "unknown project 'nosuch'"),
    (["checklist", "show", "nosuch"], 1, "unknown project 'nosuch'"),
    (["gate", "status", "nosuch"], 1, "unknown project 'nosuch'"),
    (["project", "history", "nosuch"], 1, "unknown project 'nosuch'"),
    (["milestone", "list", "nosuch"], 1, "unknown project 'nosuch'"),
    (["milestone", "done", "vdc", "424242"], 1, "project vdc has no milestone 424242"),
    (["role", "remove", "vdc", "Kari Nordmann", "steering"], 1, "Kari Nordmann does not hold the role steering in vdc"),
    (["role", "assign", "vdc", "nobody@example.no", "steering"], 1, "unknown person 'nobody@example.no'"),
    (["role", "assign", "vdc", "999", "steering"], 1, "unknown person '999'"),
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--attendee", "Ghost"], 1, "unknown person 'Ghost'"),
    (["measure", "add", "noplan", "Tiltak", "--responsible", "Vennesla"], 1, "unknown plan 'noplan'"),
    (["measure", "link", "77", "vdc"], 1, "unknown measure '77'"),
    (["measure", "status", "77", "done"], 1, "unknown measure '77'"),
    (["trust", "record", "--round", "r1", "--respondent", "Ghost", "--scores", "4,3,5,4,3"], 1,
     "unknown person 'Ghost'"),
    (["report", "status", "nosuch"], 1, "unknown project 'nosuch'"),
    (["report", "timeline", "nosuch", "--output", "t.svg"], 1, "unknown project 'nosuch'"),
    (["export", "ics", "nosuch"], 1, "unknown project 'nosuch'"),
    (["workflow", "show", "../../etc/passwd"], 1, "unknown workflow '../../etc/passwd'"),
    (["workflow", "diff", "nosuch", "1", "2"], 1, "unknown workflow 'nosuch'"),
    # wrong types and values
    (["milestone", "done", "vdc", "abc"], 2, "Invalid value for 'id'"),
    (["milestone", "done", "vdc", "1.5"], 2, "Invalid value for 'id'"),
    (["decide", "vdc", "go", "--by", "Kari Nordmann", "--if-version", "latest"], 2, "Invalid value for '--if-version'"),
    (["scheduler", "run", "--every", "often"], 2, "Invalid value for '--every'"),
    (["scheduler", "run", "--every", "-1"], 1, "--every must be a positive number of seconds"),
    (["scheduler", "run", "--lease-seconds", "0", "--every", "1"], 1, "--lease-seconds must be positive"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "a,b,c,d,e"], 1,
     f"invalid score 'a' for shared_goals: {SCORES}"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "1,2,3"], 1,
     "--scores needs 5 scores"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "6,1,1,1,1"], 1,
     f"invalid score '6' for shared_goals: {SCORES}"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "0,1,1,1,1"], 1,
     f"invalid score '0' for shared_goals: {SCORES}"),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "4.5,3,5,4,3"], 1,
     f"invalid score '4.5' for shared_goals: {SCORES}"),
    (["measure", "status", "1", "finished"], 1, "unknown measure status 'finished'"),
    (["report", "portfolio", "--format", "pdf"], 1, "unknown format 'pdf'"),
    (["report", "portfolio", "--by", "colour"], 1, "unknown grouping 'colour'"),
    (["report", "status", "vdc", "--lang", "sv"], 1, "unknown language 'sv'"),
    (["config", "set", "require-identity", "maybe"], 1, "require-identity must be one of: true, false"),
    (["config", "set", "colour", "blue"], 1, "unknown setting 'colour'"),
    (["org", "add", "X", "--kind", ""], 1, "unknown organisation kind ''"),
    (["person", "add", "Eva", "--lang", "de"], 1, "unknown language 'de'"),
    (["person", "add", "12345"], 1, "a person's name cannot be only digits"),
    (["project", "create", "-x", "X", "--workflow", "plp", "--owner", "Vennesla"], 2, "No such option: -x"),
    (["project", "create", "x" * 80, "X", "--workflow", "plp", "--owner", "Vennesla"], 1,
     "invalid project code 'xxxx"),
    (["project", "create", "ok", "X", "--workflow", "plp"], 2, "Missing option '--owner'"),
    # huge strings
    (["org", "add", HUGE], 1, f"organisation name {TOO_LONG} 200)"),
    (["person", "add", HUGE], 1, f"name {TOO_LONG} 200)"),
    (["project", "create", "big", HUGE, "--workflow", "plp", "--owner", "Vennesla"], 1,
     f"project name {TOO_LONG} 300)"),
    (["goal", "add", "vdc", "effect", HUGE], 1, f"goal text {TOO_LONG} 2000)"),
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--note", HUGE], 1, f"note {TOO_LONG} 5000)"),
    (["milestone", "add", "vdc", HUGE, "--due", "2026-05-01", "--responsible", "Kari Nordmann"], 1,
     f"milestone title {TOO_LONG} 300)"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", HUGE, "--date",
      "2026-01-01"], 1, f"case reference {TOO_LONG} 100)"),
    # control characters
    (["org", "add", f"Ven{BELL}nesla"], 1, r"organisation name contains a control character ('\x07')"),
    (["org", "add", f"{ESC}Red"], 1, r"organisation name contains a control character ('\x1b')"),
    (["person", "add", f"Kari{CR}Nordmann"], 1, r"name contains a control character ('\r')"),
    (["goal", "add", "vdc", "effect", f"Mål{ESC}"], 1, r"goal text contains a control character ('\x1b')"),
    (["project", "create", "cc", f"Navn{BELL}", "--workflow", "plp", "--owner", "Vennesla"], 1,
     r"project name contains a control character ('\x07')"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", f"PS{BELL}1", "--date",
      "2026-01-01"], 1, r"case reference contains a control character ('\x07')"),
    # hostile output paths
    (["report", "status", "vdc", "--format", "html", "--output", "/"], 1, "--output / is a folder"),
    (["report", "status", "vdc", "--format", "html", "--output", "/nonexistent/dir/r.html"], 1,
     "cannot write /nonexistent/dir/r.html: folder /nonexistent/dir does not exist"),
    (["report", "status", "vdc", "--format", "html", "--output", "/etc/hostname/r.html"], 1,
     "cannot write /etc/hostname/r.html"),
    (["report", "timeline", "vdc", "--output", "timeline.exe"], 1, "cannot tell the format of 'timeline.exe'"),
    (["report", "timeline", "vdc", "--output", "folder.svg"], 1, "--output folder.svg is a folder"),
    (["trust", "report", "--chart", "chart.txt"], 1, "cannot tell the format of 'chart.txt'"),
    (["export", "ics", "--output", "/nonexistent/cal.ics"], 1, "cannot write /nonexistent/cal.ics"),
    (["export", "json", "--output", "/proc/no/such.json"], 1, "cannot write /proc/no/such.json"),
    (["network", "agenda", "--output", ".."], 1, "--output .. is a folder"),
    # db backup copies SQLite files: on PostgreSQL these would be refused for that instead
    pytest.param(["db", "backup", "/nonexistent/dir/b.db"], 1, "cannot write /nonexistent/dir/b.db",
                 marks=pytest.mark.sqlite_only),
    pytest.param(["db", "backup", "."], 1, ". is a folder; give a file name", marks=pytest.mark.sqlite_only),
]


def _files(tmp_path):
    """Broken YAML and JSON files, written for the cases below."""
    files = {
        "binary.yaml": b"\x00\x01\xff\xfe" * 10,
        "empty.yaml": b"",
        "tabs.yaml": b"name: x\n\tversion: 1\n",
        "list.yaml": b"- a\n- b\n",
        "deep.yaml": b"name: " + b"[" * 200 + b"]" * 200 + b"\nversion: 1\n",
        "dupes.yaml": b"name: a\nname: b\nversion: 1\n",
        "truncated.json": b'{"format": "plp-export", "schema": "0004", "tables": {"org": [',
        "array.json": b"[1, 2, 3]",
        "latin1.json": "{\"format\": \"plp-export\", \"x\": \"\xe6\xf8\xe5\"}".encode("latin-1"),
        "types.json": b'{"format": "plp-export", "schema": "0004", "tables": {"org": "not a list"}}',
        "future.json": b'{"format": "plp-export", "schema": "9000", "tables": {}}',
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return files


# (file, text the one-line error must contain, text the listed problems on stdout must contain)
VALIDATE_CASES = [
    ("binary.yaml", "cannot read binary.yaml: 'utf-8' codec can't decode", ""),
    ("empty.yaml", "empty.yaml has 1 problem(s)", "empty.yaml:1: a workflow file must be a mapping"),
    ("tabs.yaml", "tabs.yaml has 1 problem(s)", "tabs.yaml:2: invalid YAML"),
    ("list.yaml", "list.yaml has 1 problem(s)", "list.yaml:1: a workflow file must be a mapping"),
    ("deep.yaml", "deep.yaml has", "deep.yaml:1: name: Input should be a valid string"),
    ("dupes.yaml", "dupes.yaml has", "dupes.yaml:2: duplicate key 'name' (first at line 1)"),
    ("missing.yaml", "no such file: missing.yaml", ""),
]
# (file, text the one-line error must contain); imported into an empty database, which would take them
IMPORT_CASES = [
    ("truncated.json", "truncated.json is not valid JSON"),
    ("array.json", "array.json is not a plp export"),
    ("latin1.json", "latin1.json is not a plp export (not UTF-8 text)"),
    ("types.json", "damaged export: table org is not a list"),
    ("future.json", "future.json comes from a newer plp (schema 9000"),
    ("missing.json", "no such file: missing.json"),
    ("binary.yaml", "binary.yaml is not a plp export (not UTF-8 text)"),
]


@pytest.fixture
def prepared(region, snapshot, db_path, tmp_path):
    snapshot("sponsored", lambda: region("role", "assign", "vdc", "Kari Nordmann", "sponsor"), base="region")
    (tmp_path / "folder.svg").mkdir()  # a folder whose name looks like an output file
    return db_path


def _ids(cases):
    args = [c.values[0] if hasattr(c, "values") else c[0] for c in cases]
    return [" ".join(a)[:50].encode("unicode_escape").decode() for a in args]


def _at_the_process_boundary(case) -> bool:
    """A case whose arguments a shell and argv carry oddly: control characters, huge, or not ASCII."""
    args = case.values[0] if hasattr(case, "values") else case[0]
    return any(len(a) > 1000 or not a.isascii() or not a.isprintable() for a in args)


BOUNDARY = [c for c in CORPUS if _at_the_process_boundary(c)]


@pytest.mark.parametrize("args,code,text", CORPUS, ids=_ids(CORPUS))
def test_hostile_input_is_one_line_and_changes_nothing(prepared, cli, args, code, text):
    before = dump(prepared)
    result = cli(*args)
    assert_one_line_error(result, code=code, contains=text)
    assert dump(prepared) == before


@pytest.mark.parametrize("args,code,text", BOUNDARY, ids=_ids(BOUNDARY))
def test_hostile_arguments_given_to_the_installed_command_are_one_line_and_change_nothing(prepared, plp_bin, args,
                                                                                          code, text):
    before = dump(prepared)
    result = plp_bin(*args)
    assert_one_line_error(result, code=code, contains=text)
    assert dump(prepared) == before


def test_the_installed_command_refuses_an_unknown_option_with_exit_code_2(prepared, plp_bin):
    result = plp_bin("project", "create", "-x", "X", "--workflow", "plp", "--owner", "Vennesla")
    assert_one_line_error(result, code=2, contains="No such option: -x")


@pytest.mark.parametrize("name,text,problem", VALIDATE_CASES, ids=[c[0] for c in VALIDATE_CASES])
def test_a_broken_workflow_file_is_one_line_naming_its_problem(prepared, cli, tmp_path, name, text, problem):
    _files(tmp_path)
    before = dump(prepared)
    result = cli("workflow", "validate", name)
    assert_one_line_error(result, contains=text)
    assert problem in result.out, result.out
    assert dump(prepared) == before


@pytest.mark.parametrize("name,text", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_a_broken_export_file_is_one_line_and_leaves_an_empty_database_empty(cli, tmp_path, db_path, name, text):
    _files(tmp_path)
    assert cli("init").code == 0
    before = dump(db_path)
    assert_one_line_error(cli("import", "json", name), contains=text)
    assert dump(db_path) == before


def test_the_corpus_has_at_least_a_hundred_cases():
    from tests.cli.test_bad_input import CASES

    assert len(CORPUS) + len(VALIDATE_CASES) + len(IMPORT_CASES) + len(CASES) >= 100
