"""Bad input: one line, the right exit code, nothing changed.

The cases run in-process (``cli``: the same ``plp.cli.main`` and error mapping); the wrong
usages (exit 2) and the files and text below also through the installed command.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_one_line_error, dump

# (arguments, exit code, text the one-line error must contain)
CASES = [
    (["project", "show", "nope"], 1, "unknown project 'nope'"),
    (["decide", "nope", "go", "--by", "Kari Nordmann"], 1, "unknown project 'nope'"),
    (["role", "assign", "vdc", "Nobody Here", "sponsor"], 1, "unknown person 'Nobody Here'"),
    (["decide", "vdc", "go", "--by", "Nobody"], 1, "unknown person 'Nobody'"),
    (["project", "create", "x", "X", "--workflow", "plp", "--owner", "Atlantis"], 1, "unknown organisation 'Atlantis'"),
    (["person", "add", "Eva", "--org", "Atlantis"], 1, "unknown organisation 'Atlantis'"),
    (["milestone", "add", "vdc", "M", "--due", "2026-02-30", "--responsible", "Kari Nordmann"], 1,
     "invalid --due '2026-02-30': day is out of range for month"),
    (["decide", "vdc", "rework", "--by", "Kari Nordmann", "--date", "2026-02-30"], 1, "invalid --date '2026-02-30'"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1", "--date", "30.01.2026"],
     1, "use YYYY-MM-DD"),
    (["milestone", "list", "--now", "yesterday"], 1, "invalid --now 'yesterday'"),
    (["decide", "vdc", "maybe", "--by", "Kari Nordmann"], 1, "unknown outcome 'maybe' (choose one of: go, rework, hold, resume, stop)"),
    (["role", "assign", "vdc", "Kari Nordmann", "boss"], 1, "unknown role 'boss'"),
    (["goal", "add", "vdc", "cosmic", "x"], 1, "unknown goal level 'cosmic'"),
    (["project", "create", "vdc", "Again", "--workflow", "plp", "--owner", "Vennesla"], 1,
     "a project with code 'vdc' already exists"),
    (["project", "create", "VDC", "Again", "--workflow", "plp", "--owner", "Vennesla"], 1,
     "a project with code 'VDC' already exists"),
    (["project", "create", "x", "X", "--workflow", "nosuch", "--owner", "Vennesla"], 1, "unknown workflow 'nosuch'"),
    (["project", "create", "bad code", "X", "--workflow", "plp", "--owner", "Vennesla"], 1,
     "invalid project code 'bad code'"),
    (["project", "create", "x", "X", "--workflow", "plp", "--owner", "Vennesla:Q"], 1, "invalid owner grade 'Q'"),
    (["project", "create", "x", "X", "--workflow", "plp", "--owner", "Vennesla", "--owner", "vennesla"], 1,
     "owner 'Vennesla' is given twice"),
    (["org", "add", "Vennesla"], 1, "organisation 'Vennesla' already exists"),
    (["org", "add", "X", "--kind", "church"], 1, "unknown organisation kind 'church'"),
    (["org", "add", "   "], 1, "organisation name must not be blank"),
    (["org", "add", "Bad\x07Bell"], 1, "organisation name contains a control character"),
    (["person", "add", "Eva", "--email", "not-an-email"], 1, "invalid email 'not-an-email'"),
    (["anchor", "record", "vdc", "--org", "Kristiansand", "--body", "kommunestyre", "--ref", "PS 1",
      "--date", "2026-01-01"], 1, "Kristiansand is not an owner of vdc"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "sewing club", "--ref", "PS 1", "--date", "2026-01-01"],
     1, "unknown body 'sewing club'"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunedirektor", "--kind", "political",
      "--ref", "PS 1", "--date", "2026-01-01"], 1, "a decision by kommunedirektor is administrative, not political"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1",
      "--date", "2026-01-01", "--outcome", "maybe"], 1, "unknown anchoring outcome 'maybe'"),
    (["anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1",
      "--date", "2099-01-01"], 1, "decision date 2099-01-01 is in the future"),
    (["milestone", "done", "vdc", "999"], 1, "project vdc has no milestone 999"),
    (["decide", "vdc", "resume", "--by", "Kari Nordmann"], 1, "the project is not on hold"),
    (["decide", "vdc", "go", "--by", "Kari Nordmann"], 1, "BP1 is not ready: checklist not done"),
    (["gate", "plan", "vdc", "--date", "2000-01-01"], 1, "the planned date 2000-01-01 is in the past"),
    (["project", "show", "vdc", "--lang", "de"], 1, "unknown language 'de'"),
    (["project", "list", "--status", "sleeping"], 1, "unknown status 'sleeping'"),
    (["workflow", "show", "nosuch"], 1, "unknown workflow 'nosuch'"),
    # wrong usage: exit 2
    (["decide", "vdc", "go"], 2, "Missing option '--by'"),
    (["project", "create"], 2, "Missing argument"),
    (["frobnicate"], 2, "No such command 'frobnicate'"),
    (["project", "list", "--colour"], 2, "No such option: --colour"),
    (["milestone", "done", "vdc", "three"], 2, "Invalid value for 'id'"),
]


@pytest.fixture
def prepared(region, snapshot, db_path):
    snapshot("sponsored", lambda: region("role", "assign", "vdc", "Kari Nordmann", "sponsor"), base="region")
    return db_path


@pytest.mark.parametrize("args,code,text", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_bad_input_is_refused_with_one_line_and_nothing_changes(prepared, cli, args, code, text):
    before = dump(prepared)
    result = cli(*args)
    assert_one_line_error(result, code=code, contains=text)
    assert result.out == ""
    assert dump(prepared) == before


WRONG_USAGE = [c for c in CASES if c[1] == 2]


@pytest.mark.parametrize("args,code,text", WRONG_USAGE, ids=[" ".join(c[0])[:60] for c in WRONG_USAGE])
def test_the_installed_command_exits_2_on_wrong_usage_with_one_line(prepared, plp_bin, args, code, text):
    before = dump(prepared)
    result = plp_bin(*args)
    assert_one_line_error(result, code=code, contains=text)
    assert result.out == ""
    assert dump(prepared) == before


def test_a_workflow_file_with_errors_is_one_line_on_stderr_and_every_problem_on_stdout(plp_bin, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 1\nlabels: {nn: a, nb: b, en: c}\nphases:\n  - key: a\n    labels: x\n",
                   encoding="utf-8")
    result = plp_bin("workflow", "validate", str(bad))
    assert_one_line_error(result, contains="problem(s)")
    assert any(line.startswith(f"{bad}:6:") for line in result.out.splitlines())
    data = json.loads(plp_bin("workflow", "validate", str(bad), "--json").out)
    assert data["valid"] is False and {"line": 6, "message": data["problems"][-1]["message"]} in data["problems"]


def test_creating_a_project_from_a_broken_workflow_file_is_refused(region, plp_bin, tmp_path, db_path):
    folder = tmp_path / "wf"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: broken\nversion: 1\n  oops: [\n", encoding="utf-8")
    before = dump(db_path)
    result = plp_bin("project", "create", "b", "B", "--workflow", "broken", "--owner", "Vennesla",
                     env={"PLP_WORKFLOW_PATH": str(folder)})
    assert_one_line_error(result, contains="broken.yaml:3: invalid YAML")
    assert dump(db_path) == before


def test_an_unreachable_database_is_one_line(plp_bin):
    result = plp_bin("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "project", "list")
    assert_one_line_error(result, contains="cannot open database postgresql+psycopg://nobody@127.0.0.1:1/none: ")


def test_text_with_quotes_semicolons_norwegian_letters_and_emoji_round_trips(region, plp_bin):
    text = "«Grønt» \"datasenter\"; DROP TABLE project;-- 'Ææ Øø Åå' 🌲🏭"
    assert plp_bin("goal", "add", "vdc", "result", text, "--target", "100 %").code == 0
    shown = json.loads(plp_bin("project", "show", "vdc", "--json").out)
    assert shown["goals"][0]["text"] == text and shown["goals"][0]["target"] == "100 %"
