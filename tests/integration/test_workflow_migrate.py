"""Moving a running project to a newer workflow version: allowed moves, refusals, the record."""

from __future__ import annotations

import json

import pytest

from tests.conftest import (
    advance_to_pre_project,
    assert_one_line_error,
    dump,
    make_bp2_ready_except_anchoring,
    query,
)

# Edits of workflows/plp.yaml that make a new version; each must match exactly once.
ADD_MANDATORY_ITEM = ("      - key: stakeholder_list\n",
                      "      - key: budget_sketch\n"
                      "        labels: {nn: Budsjettskisse, nb: Budsjettskisse, en: Budget sketched}\n"
                      "      - key: stakeholder_list\n")
DROP_BP1_CHECKLIST = ("      - {kind: role, role: sponsor}\n      - {kind: checklist}\n\n  - key: BP2",
                      "      - {kind: role, role: sponsor}\n\n  - key: BP2")
DROP_OPTIONAL_ITEM = ("      - key: stakeholder_list\n        mandatory: false\n"
                      "        labels: {nn: Interessentar er lista opp, nb: Interessenter er listet opp, "
                      "en: Stakeholders listed}\n", "")
DROP_REFERENCE_ROLE = ("  reference: {labels: {nn: referansegruppe, nb: referansegruppe, en: reference group}}\n", "")
BP1_WITHOUT_HOLD = ("    outcomes: [go, rework, hold, stop]\n", "    outcomes: [go, rework, stop]\n")


def rename_phase(old: str, new: str) -> list[tuple[str, str]]:
    return [(f"  - key: {old}\n", f"  - key: {new}\n"), (f"from: {old}\n", f"from: {new}\n")] + (
        [(f"to: {old}\n", f"to: {new}\n")] if old != "idea" else [])


def show(cli, code: str = "vdc") -> dict:
    r = cli("project", "show", code, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def gate(cli, code: str = "vdc") -> dict:
    r = cli("gate", "status", code, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def history(cli, code: str = "vdc") -> list[dict]:
    return json.loads(cli("project", "history", code, "--json").out)


def test_a_project_moves_to_a_newer_version_and_then_follows_its_rules(cli, region, new_version):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("checklist", "tick", "vdc", "idea_sketch")
    region("checklist", "tick", "vdc", "owners_identified")
    assert gate(cli)["ready"] is True
    new_version(ADD_MANDATORY_ITEM)
    assert_one_line_error(cli("checklist", "tick", "vdc", "budget_sketch"), contains="no checklist item 'budget_sketch'")

    r = cli("workflow", "migrate", "vdc", "--to", "2")

    assert r.code == 0, r.err
    assert "Moved vdc from plp version 1 to version 2 (phase idea, active)." in r.err
    assert "Note: BP1 is no longer ready: checklist not done: budget_sketch" in r.err
    shown = show(cli)
    assert (shown["workflow"], shown["workflow_version"], shown["phase"], shown["status"]) == ("plp", 2, "idea", "active")
    assert shown["ready"] is False
    status = gate(cli)
    assert status["ready"] is False
    assert [c["detail"] for c in status["criteria"] if not c["met"]] == ["checklist not done: budget_sketch"]
    event = history(cli)[-1]
    assert event["kind"] == "workflow_migrated"
    assert event["actor"] == "tester"
    assert {k: event["data"][k] for k in ("workflow", "from_version", "to_version", "phase", "decision_point")} == \
        {"workflow": "plp", "from_version": 1, "to_version": 2, "phase": "idea", "decision_point": "BP1"}
    assert "moved from plp v1 to v2 in phase idea; next BP1 not ready" in cli("project", "history", "vdc").out

    region("checklist", "tick", "vdc", "budget_sketch")
    assert gate(cli)["ready"] is True
    region("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2026-01-10", "--now", "2026-01-10")
    assert show(cli)["phase"] == "pre_project"


def test_other_projects_stay_on_the_version_they_started_with(cli, region, new_version):
    region("project", "create", "other", "Anna", "--workflow", "plp", "--owner", "Iveland")
    new_version(DROP_BP1_CHECKLIST)
    region("project", "create", "newer", "Nytt", "--workflow", "plp", "--owner", "Iveland")
    region("workflow", "migrate", "vdc", "--to", "2")
    assert [show(cli, c)["workflow_version"] for c in ("vdc", "other", "newer")] == [2, 1, 2]
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("role", "assign", "other", "Kari Nordmann", "sponsor")
    assert gate(cli, "vdc")["ready"] is True  # version 2 does not ask for the checklist at BP1
    assert gate(cli, "other")["ready"] is False


def test_the_version_is_stored_with_the_move_and_found_in_the_database_later(cli, region, new_version, db_path):
    region("project", "create", "early", "Tidleg", "--workflow", "plp", "--owner", "Iveland")
    new_version(DROP_BP1_CHECKLIST)
    region("workflow", "migrate", "vdc", "--to", "2")
    kinds = [row[0] for row in query(db_path, "SELECT kind FROM event ORDER BY id")]
    assert kinds[-2:] == ["workflow_loaded", "workflow_migrated"]
    assert query(db_path, "SELECT version FROM workflow_def WHERE name = 'plp' ORDER BY version") == [(1,), (2,)]

    # The file moves on to version 3; version 2 is still found, in the database.
    new_version(DROP_BP1_CHECKLIST, ADD_MANDATORY_ITEM, version=3)
    region("project", "create", "late", "Sein", "--workflow", "plp", "--owner", "Iveland")
    r = cli("workflow", "migrate", "early", "--to", "2", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["source"] == "database"
    assert [show(cli, c)["workflow_version"] for c in ("early", "vdc", "late")] == [2, 2, 3]


def test_a_move_is_refused_when_the_phase_does_not_exist_in_the_target(cli, region, new_version, db_path):
    new_version(*rename_phase("idea", "concept"))
    before = dump(db_path)
    r = cli("workflow", "migrate", "vdc", "--to", "2")
    assert_one_line_error(r, contains="cannot move vdc to plp version 2: its phase 'idea' does not exist there "
                                      "(phases: concept, pre_project, main_project, finalisation)")
    assert dump(db_path) == before
    assert show(cli)["workflow_version"] == 1


@pytest.mark.parametrize("to, message", [
    ("1", "project vdc already runs on plp version 1"),
    ("5", "workflow plp has no version 5 (in the database: 1; in workflow files: 1 ("),
    ("0", "invalid workflow version 0 (versions are numbered from 1)"),
])
def test_a_move_to_the_same_or_an_unknown_version_is_refused(cli, region, db_path, to, message):
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", to), contains=message)
    assert dump(db_path) == before


def test_a_move_to_an_older_version_is_refused(cli, region, new_version, db_path):
    new_version(DROP_BP1_CHECKLIST)
    region("project", "create", "newer", "Nytt", "--workflow", "plp", "--owner", "Iveland")
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "newer", "--to", "1"),
                          contains="plp version 1 is older than version 2, which project newer runs on")
    assert dump(db_path) == before


def test_an_unknown_project_or_a_missing_version_is_a_usage_or_one_line_error(cli, region):
    assert_one_line_error(cli("workflow", "migrate", "nope", "--to", "2"), contains="unknown project 'nope'")
    assert_one_line_error(cli("workflow", "migrate", "vdc"), code=2, contains="Missing option '--to'")
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", "two"), code=2, contains="Invalid value for '--to'")


def test_completed_and_stopped_projects_stay_on_their_version(cli, region, new_version, db_path):
    region("project", "create", "done", "Ferdig", "--workflow", "plp", "--owner", "Iveland", "--phase", "finalisation")
    region("role", "assign", "done", "Kari Nordmann", "sponsor")
    region("checklist", "tick", "done", "handover")
    region("checklist", "tick", "done", "final_report")
    region("decide", "done", "go", "--by", "Kari Nordmann", "--date", "2026-01-10", "--now", "2026-01-10")
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("decide", "vdc", "stop", "--by", "Kari Nordmann", "--date", "2026-01-10", "--now", "2026-01-10")
    new_version(DROP_BP1_CHECKLIST)
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "done", "--to", "2"),
                          contains="project done is completed; it can no longer be changed")
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", "2"),
                          contains="project vdc is stopped; it can no longer be changed")
    assert dump(db_path) == before


def test_a_move_is_refused_when_the_record_names_a_phase_the_target_lacks(cli, region, new_version, db_path):
    region("milestone", "add", "vdc", "Avtale", "--due", "2026-06-01", "--responsible", "Per Leiar",
           "--phase", "main_project")
    new_version(*rename_phase("main_project", "delivery"))
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", "2"),
                          contains="milestone #1 belongs to phase 'main_project', which that version does not have")
    assert dump(db_path) == before


def test_a_decision_that_led_to_a_phase_the_target_lacks_blocks_the_move(cli, region, new_version, db_path):
    advance_to_pre_project(region)
    make_bp2_ready_except_anchoring(region)
    for org in ("Vennesla", "Iveland"):
        region("anchor", "record", "vdc", "--org", org, "--body", "kommunestyre", "--ref", f"PS 1/26 {org}",
               "--date", "2026-02-01", "--now", "2026-02-02")
    region("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2026-02-02", "--now", "2026-02-02")
    assert show(cli)["phase"] == "main_project"
    new_version(*rename_phase("pre_project", "planning"))
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", "2"),
                          contains="a decision at BP1 led to phase 'pre_project', which that version does not have")
    assert dump(db_path) == before


def test_a_phase_the_project_only_left_may_be_renamed(cli, region, new_version):
    advance_to_pre_project(region)
    region("decide", "vdc", "rework", "--by", "Kari Nordmann", "--date", "2026-01-11", "--now", "2026-01-11")
    # The BP1 decision left idea, which version 2 calls concept: that is history
    # the reports do not name by phase, so it does not stand in the way.
    new_version(*rename_phase("idea", "concept"))
    region("workflow", "migrate", "vdc", "--to", "2")
    shown = show(cli)
    assert (shown["workflow_version"], shown["phase"], shown["round"]) == (2, "pre_project", 2)
    assert cli("report", "status", "vdc", "--format", "json").code == 0


def test_a_project_on_hold_is_not_moved_where_it_could_never_be_resumed(cli, region, new_version, db_path):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("decide", "vdc", "hold", "--by", "Kari Nordmann", "--date", "2026-01-10", "--now", "2026-01-10")
    new_version(BP1_WITHOUT_HOLD)
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "migrate", "vdc", "--to", "2"),
                          contains="it is on hold, and decision point BP1 there has no hold")
    assert dump(db_path) == before
    region("decide", "vdc", "resume", "--by", "Kari Nordmann", "--date", "2026-01-11", "--now", "2026-01-11")
    region("workflow", "migrate", "vdc", "--to", "2")


def test_ticks_and_roles_the_new_version_does_not_know_are_kept_and_reported(cli, region, new_version, db_path):
    region("checklist", "tick", "vdc", "stakeholder_list")
    region("role", "assign", "vdc", "Ola Nordmann", "reference")
    new_version(DROP_OPTIONAL_ITEM, DROP_REFERENCE_ROLE)
    r = cli("workflow", "migrate", "vdc", "--to", "2")
    assert r.code == 0, r.err
    assert "Note: ticked checklist item(s) kept but not in version 2: stakeholder_list" in r.err
    assert ("Note: role reference (held by Ola Nordmann) is not defined in version 2; "
            "the assignment stays until 'plp role remove'") in r.err
    assert query(db_path, "SELECT item_key FROM checklist_tick") == [("stakeholder_list",)]
    assert {"person": "Ola Nordmann", "role": "reference"} in show(cli)["roles"]
    keys = [i["key"] for i in json.loads(cli("checklist", "show", "vdc", "--json").out)]
    assert "stakeholder_list" not in keys
    assert history(cli)[-1]["data"]["kept_checklist_items"] == ["stakeholder_list"]
    assert history(cli)[-1]["data"]["undefined_roles"] == ["reference"]
    region("role", "remove", "vdc", "Ola Nordmann", "reference")
    assert cli("project", "show", "vdc").code == 0


def test_a_dry_run_reports_the_move_and_changes_nothing(cli, region, new_version, db_path):
    new_version(ADD_MANDATORY_ITEM)
    before = dump(db_path)
    r = cli("workflow", "migrate", "vdc", "--to", "2", "--dry-run", "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert (result["from_version"], result["to_version"], result["dry_run"]) == (1, 2, True)
    assert result["source"].endswith("plp.yaml")
    assert result["unmet"][-1] == "checklist not done: idea_sketch, owners_identified, budget_sketch"
    assert dump(db_path) == before


def test_the_installed_command_migrates(plp_bin, region, new_version):
    new_version(DROP_BP1_CHECKLIST)
    r = plp_bin("workflow", "migrate", "vdc", "--to", "2")
    assert r.code == 0, r.err
    r = plp_bin("workflow", "migrate", "vdc", "--to", "2")
    assert_one_line_error(r, contains="already runs on plp version 2")
