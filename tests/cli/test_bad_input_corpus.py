"""A corpus of hostile and malformed input through the installed command.

Together with test_bad_input.py this is well over 100 cases. Every case exits 1 or
2 with one line on stderr and no traceback, and leaves the database as it was.
"""

from __future__ import annotations

import pytest

from tests.conftest import assert_one_line_error, dump

HUGE = "x" * 20_000
BELL, ESC, CR = "\x07", "\x1b[31m", "\r"

CORPUS: list[tuple[list[str], int]] = [
    # malformed dates and times
    *[(["milestone", "add", "vdc", "M", "--due", d, "--responsible", "Kari Nordmann"], 1)
      for d in ("2026-13-01", "2026-00-10", "26-01-01", "2026/01/01", "20260101", "2025-02-29", "2026-04-31",
                " ", "2026-1-1", "١٢٣٤-٠١-٠١", "2026-01-01T10:00")],
    *[(["milestone", "list", "--now", t], 1) for t in ("2026-01-01T25:00", "tomorrow", "2026-01-01T10:61",
                                                        "2026-01-01 10", "now")],
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--date", "2026-02-29"], 1),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS", "--date", ""], 1),
    (["gate", "plan", "vdc", "--date", "31.12.2026"], 1),
    (["network", "meeting", "record", "--date", "2026-99-99"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "4,3,5,4,3", "--date", "x"], 1),
    # unknown references
    (["goal", "add", "nosuch", "effect", "x"], 1),
    (["checklist", "show", "nosuch"], 1),
    (["gate", "status", "nosuch"], 1),
    (["project", "history", "nosuch"], 1),
    (["milestone", "list", "nosuch"], 1),
    (["milestone", "done", "vdc", "424242"], 1),
    (["role", "remove", "vdc", "Kari Nordmann", "steering"], 1),
    (["role", "assign", "vdc", "nobody@example.no", "steering"], 1),
    (["role", "assign", "vdc", "999", "steering"], 1),
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--attendee", "Ghost"], 1),
    (["measure", "add", "noplan", "Tiltak", "--responsible", "Vennesla"], 1),
    (["measure", "link", "77", "vdc"], 1),
    (["measure", "status", "77", "done"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Ghost", "--scores", "4,3,5,4,3"], 1),
    (["report", "status", "nosuch"], 1),
    (["report", "timeline", "nosuch", "--output", "t.svg"], 1),
    (["export", "ics", "nosuch"], 1),
    (["workflow", "show", "../../etc/passwd"], 1),
    (["workflow", "diff", "nosuch", "1", "2"], 1),
    # wrong types and values
    (["milestone", "done", "vdc", "abc"], 2),
    (["milestone", "done", "vdc", "1.5"], 2),
    (["decide", "vdc", "go", "--by", "Kari Nordmann", "--if-version", "latest"], 2),
    (["scheduler", "run", "--every", "often"], 2),
    (["scheduler", "run", "--every", "-1"], 1),
    (["scheduler", "run", "--lease-seconds", "0", "--every", "1"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "a,b,c,d,e"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "1,2,3"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "6,1,1,1,1"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "0,1,1,1,1"], 1),
    (["trust", "record", "--round", "r1", "--respondent", "Kari Nordmann", "--scores", "4.5,3,5,4,3"], 1),
    (["measure", "status", "1", "finished"], 1),
    (["report", "portfolio", "--format", "pdf"], 1),
    (["report", "portfolio", "--by", "colour"], 1),
    (["report", "status", "vdc", "--lang", "sv"], 1),
    (["config", "set", "require-identity", "maybe"], 1),
    (["config", "set", "colour", "blue"], 1),
    (["org", "add", "X", "--kind", ""], 1),
    (["person", "add", "Eva", "--lang", "de"], 1),
    (["person", "add", "12345"], 1),
    (["project", "create", "-x", "X", "--workflow", "plp", "--owner", "Vennesla"], 2),
    (["project", "create", "x" * 80, "X", "--workflow", "plp", "--owner", "Vennesla"], 1),
    (["project", "create", "ok", "X", "--workflow", "plp"], 2),
    # huge strings
    (["org", "add", HUGE], 1),
    (["person", "add", HUGE], 1),
    (["project", "create", "big", HUGE, "--workflow", "plp", "--owner", "Vennesla"], 1),
    (["goal", "add", "vdc", "effect", HUGE], 1),
    (["decide", "vdc", "hold", "--by", "Kari Nordmann", "--note", HUGE], 1),
    (["milestone", "add", "vdc", HUGE, "--due", "2026-05-01", "--responsible", "Kari Nordmann"], 1),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", HUGE, "--date",
      "2026-01-01"], 1),
    # control characters
    (["org", "add", f"Ven{BELL}nesla"], 1),
    (["org", "add", f"{ESC}Red"], 1),
    (["person", "add", f"Kari{CR}Nordmann"], 1),
    (["goal", "add", "vdc", "effect", f"Mål{ESC}"], 1),
    (["project", "create", "cc", f"Navn{BELL}", "--workflow", "plp", "--owner", "Vennesla"], 1),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", f"PS{BELL}1", "--date",
      "2026-01-01"], 1),
    # hostile output paths
    (["report", "status", "vdc", "--format", "html", "--output", "/"], 1),
    (["report", "status", "vdc", "--format", "html", "--output", "/nonexistent/dir/r.html"], 1),
    (["report", "status", "vdc", "--format", "html", "--output", "/etc/hostname/r.html"], 1),
    (["report", "timeline", "vdc", "--output", "timeline.exe"], 1),
    (["report", "timeline", "vdc", "--output", "."], 1),
    (["trust", "report", "--chart", "chart.txt"], 1),
    (["export", "ics", "--output", "/nonexistent/cal.ics"], 1),
    (["export", "json", "--output", "/proc/no/such.json"], 1),
    (["network", "agenda", "--output", ".."], 1),
    (["db", "backup", "/nonexistent/dir/b.db"], 1),
    (["db", "backup", "."], 1),
]


def _files(tmp_path):
    """Broken YAML and JSON files, written for the cases below."""
    files = {
        "binary.yaml": b"\x00\x01\xff\xfe" * 10,
        "empty.yaml": b"",
        "tabs.yaml": b"name: x\n\tversion: 1\n",
        "list.yaml": b"- a\n- b\n",
        "deep.yaml": b"a: " + b"[" * 200 + b"]" * 200 + b"\n",
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


FILE_CASES = [
    *[(["workflow", "validate", name], 1) for name in ("binary.yaml", "empty.yaml", "tabs.yaml", "list.yaml",
                                                         "deep.yaml", "dupes.yaml", "missing.yaml")],
    *[(["import", "json", name], 1) for name in ("truncated.json", "array.json", "latin1.json", "types.json",
                                                   "future.json", "missing.json", "binary.yaml")],
]


@pytest.fixture
def prepared(region, db_path):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    return db_path


def _ids(cases):
    return [" ".join(a)[:50].encode("unicode_escape").decode() for a, _ in cases]


@pytest.mark.parametrize("args,code", CORPUS, ids=_ids(CORPUS))
def test_hostile_input_is_one_line_and_changes_nothing(prepared, plp_bin, args, code):
    before = dump(prepared)
    result = plp_bin(*args)
    assert_one_line_error(result, code=code)
    assert dump(prepared) == before


@pytest.mark.parametrize("args,code", FILE_CASES, ids=_ids(FILE_CASES))
def test_broken_yaml_and_json_files_are_one_line_and_change_nothing(prepared, plp_bin, tmp_path, args, code):
    _files(tmp_path)
    before = dump(prepared)
    result = plp_bin(*args)
    assert_one_line_error(result, code=code)
    assert dump(prepared) == before


def test_the_corpus_has_at_least_a_hundred_cases():
    from tests.cli.test_bad_input import CASES

    assert len(CORPUS) + len(FILE_CASES) + len(CASES) >= 100
