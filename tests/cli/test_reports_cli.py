"""The region's commands as users type them: output, JSON, and one-line refusals that change nothing."""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_one_line_error, dump


@pytest.fixture
def prepared(region, snapshot, db_path):
    snapshot("reports_cli", lambda: _prepare(region), base="region")
    return db_path


def _prepare(ok) -> None:
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("plan", "add", "snp", "Strategisk næringsplan", "--period", "2015-2019")
    ok("measure", "add", "snp", "Grøn datalagring", "--responsible", "Vennesla", "--supporting", "Iveland",
       "--supporting", "Kristiansand")
    ok("measure", "add", "snp", "Felles næringsareal", "--responsible", "Kristiansand", "--supporting", "Vennesla")
    ok("measure", "link", "1", "vdc")
    ok("trust", "record", "--round", "2026", "--respondent", "Kari Nordmann", "--scores", "4,3,5,4,3",
       "--now", "2026-02-01")


def test_measure_list_shows_what_each_municipality_is_responsible_for_and_supports(prepared, cli):
    r = cli("measure", "list")
    assert r.code == 0, r.err
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in r.out.splitlines() if line.startswith("│")]
    rows = [row for row in cells if row[0]]  # not the continuation lines of wrapped cells
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("Iveland", "supporting", "1"), ("Kristiansand", "responsible", "2"), ("Kristiansand", "supporting", "1"),
        ("Vennesla", "responsible", "1"), ("Vennesla", "supporting", "2")]
    data = json.loads(cli("measure", "list", "--org", "Vennesla", "--json").out)
    assert [(m["id"], m["title"], m["role"], m["projects"]) for m in data] == [
        (1, "Grøn datalagring", "responsible", ["vdc"]), (2, "Felles næringsareal", "supporting", [])]
    assert data[0]["supporting"] == ["Iveland", "Kristiansand"] and data[0]["status"] == "not_started"


def test_measure_status_and_plan_list(prepared, cli):
    r = cli("measure", "status", "1", "in_progress", "--note", "Tomt funnen")
    assert r.code == 0 and "Measure 1 (Grøn datalagring) is in_progress." in r.err
    [m] = [m for m in json.loads(cli("measure", "list", "--json").out) if m["id"] == 1]
    assert (m["status"], m["note"]) == ("in_progress", "Tomt funnen")
    assert json.loads(cli("plan", "list", "--json").out) == [
        {"id": 1, "code": "snp", "title": "Strategisk næringsplan", "period": "2015–2019", "measures": 2}]


def test_network_meetings_are_listed(prepared, cli):
    assert cli("network", "meeting", "record", "--date", "2026-01-05", "--attendee", "Kari Nordmann",
               "--attendee", "ola@example.no", "--note", "Første møte", "--now", "2026-01-06").code == 0
    assert json.loads(cli("network", "meeting", "list", "--json").out) == [
        {"id": 1, "date": "2026-01-05", "attendees": ["Kari Nordmann", "Ola Nordmann"], "note": "Første møte"}]


def test_the_trust_report_table_is_in_nynorsk_with_flags(prepared, cli):
    r = cli("trust", "report")
    assert r.code == 0, r.err
    assert "Tillitsmåling: 2026" in r.out
    assert "Rammer for samarbeidet" in r.out and "Spreiing" in r.out
    assert "Felles mål og felles forståing av dei" in r.out
    en = cli("trust", "report", "--lang", "en").out
    assert "Trust check: 2026" in en and "Anchoring" in en and "Good processes" in en
    assert "⚠" not in en  # nothing fell (no previous round) and no mean is below 3


CASES = [
    (["plan", "add", "snp", "Again"], 1, "a plan with code 'snp' already exists"),
    (["plan", "add", "x", "X", "--period", "2019-2015"], 1, "2015 is before 2019"),
    (["plan", "add", "x", "X", "--period", "soon"], 1, "invalid period 'soon'"),
    (["measure", "add", "nope", "X", "--responsible", "Vennesla"], 1, "unknown plan 'nope'"),
    (["measure", "add", "snp", "X", "--responsible", "Atlantis"], 1, "unknown organisation 'Atlantis'"),
    (["measure", "add", "snp", "X", "--responsible", "Vennesla", "--supporting", "Atlantis"], 1,
     "unknown organisation 'Atlantis'"),
    (["measure", "add", "snp", "X", "--responsible", "Vennesla", "--supporting", "Iveland", "--supporting", "iveland"],
     1, "given twice"),
    (["measure", "add", "snp", "   ", "--responsible", "Vennesla"], 1, "measure title must not be blank"),
    (["measure", "link", "99", "vdc"], 1, "unknown measure '99'"),
    (["measure", "link", "first", "vdc"], 1, "unknown measure 'first'"),
    (["measure", "link", "1", "nope"], 1, "unknown project 'nope'"),
    (["measure", "link", "1", "vdc"], 1, "project vdc is already linked to measure 1"),
    (["measure", "status", "1", "finished"], 1, "unknown measure status 'finished' (choose one of: not_started, "
                                                "in_progress, done, dropped)"),
    (["measure", "status", "7", "done"], 1, "unknown measure '7'"),
    (["measure", "list", "--org", "Atlantis"], 1, "unknown organisation 'Atlantis'"),
    (["measure", "list", "--plan", "nope"], 1, "unknown plan 'nope'"),
    (["network", "meeting", "record", "--date", "2099-01-01"], 1, "is in the future"),
    (["network", "meeting", "record", "--date", "01.02.2026"], 1, "invalid --date '01.02.2026'"),
    (["network", "meeting", "record", "--date", "2026-01-05", "--attendee", "Nobody"], 1, "unknown person 'Nobody'"),
    (["network", "agenda", "--format", "pdf"], 1, "unknown format 'pdf' (choose one of: md, html, json)"),
    (["network", "agenda", "--lang", "de"], 1, "unknown language 'de'"),
    (["trust", "record", "--round", "2026", "--respondent", "Ola Nordmann", "--scores", "6,3,4,4,4"], 1,
     "invalid score '6' for shared_goals"),
    (["trust", "record", "--round", "2026", "--respondent", "Ola Nordmann", "--scores", "4,3"], 1,
     "--scores needs 5 scores"),
    (["trust", "record", "--round", "2026", "--respondent", "Nobody", "--scores", "4,3,4,4,4"], 1,
     "unknown person 'Nobody'"),
    (["trust", "record", "--round", "2026", "--respondent", "Kari Nordmann", "--scores", "4,3,4,4,4"], 1,
     "Kari Nordmann has already answered round 2026 (use --replace to correct it)"),
    (["trust", "record", "--round", "", "--respondent", "Ola Nordmann", "--scores", "4,3,4,4,4"], 1, "invalid round"),
    (["trust", "report", "--round", "1999"], 1, "unknown round '1999' (rounds: 2026)"),
    (["trust", "report", "--chart", "trust.pdf"], 1, "must end in .svg or .png"),
    (["report", "status", "nope"], 1, "unknown project 'nope'"),
    (["report", "status", "vdc", "--format", "pdf"], 1, "unknown format 'pdf' (choose one of: md, html, json)"),
    (["report", "status", "vdc", "--lang", "de"], 1, "unknown language 'de'"),
    (["report", "status", "vdc", "--output", "no/such/folder/r.html"], 1, "folder no/such/folder does not exist"),
    (["report", "status", "vdc", "--now", "soon"], 1, "invalid --now 'soon'"),
    (["report", "portfolio", "--format", "xml"], 1, "unknown format 'xml' (choose one of: md, html, csv, json)"),
    (["report", "portfolio", "--by", "colour"], 1, "unknown grouping 'colour' (choose one of: owner, measure)"),
    (["report", "timeline", "vdc", "--output", "vdc.txt"], 1, "must end in .svg or .png"),
    (["report", "timeline", "nope", "--output", "x.svg"], 1, "unknown project 'nope'"),
    (["export", "ics", "nope"], 1, "unknown project 'nope'"),
    # wrong usage: exit 2
    (["report", "timeline", "vdc"], 2, "Missing option '--output'"),
    (["measure", "add", "snp", "X"], 2, "Missing option '--responsible'"),
    (["trust", "record", "--round", "2026", "--respondent", "Ola Nordmann"], 2, "Missing option '--scores'"),
    (["network", "meeting", "record"], 2, "Missing option '--date'"),
]


@pytest.mark.parametrize("args,code,text", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_bad_input_is_refused_with_one_line_and_nothing_changes(prepared, cli, args, code, text):
    before = dump(prepared)
    result = cli(*args)
    assert_one_line_error(result, code=code, contains=text)
    assert result.out == ""
    assert dump(prepared) == before


def test_no_trust_answers_yet_is_one_clear_line(region, plp_bin):
    result = plp_bin("trust", "report")
    assert_one_line_error(result, contains="no trust answers recorded yet")


def test_the_installed_command_writes_a_report_and_refuses_a_bad_one(prepared, plp_bin, tmp_path):
    out = tmp_path / "portfolio.csv"
    r = plp_bin("report", "portfolio", "--format", "csv", "--output", str(out))
    assert r.code == 0 and r.out == "", r.err
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("code,name,phase")
    before = dump(prepared)
    bad = plp_bin("measure", "status", "1", "done", "--note", "bad\x07bell")
    assert_one_line_error(bad, contains="control character")
    assert dump(prepared) == before
