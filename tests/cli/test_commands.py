"""The CLI as users drive it: through CliRunner and the installed command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from plp.cli import app
from tests.conftest import advance_to_pre_project, assert_one_line_error, make_bp2_ready_except_anchoring


def _all_commands():
    import typer

    root = typer.main.get_command(app)
    stack = [((), root)]
    while stack:
        path, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                stack.append(((*path, name), sub))
        elif path:
            yield path, cmd


@pytest.mark.no_database  # help texts only: the same on every backend
def test_every_command_has_help_text():
    runner = CliRunner()
    commands = list(_all_commands())
    assert len(commands) >= 25
    for path, cmd in commands:
        assert (cmd.help or "").strip(), f"plp {' '.join(path)} has no help"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Example:" in result.output, f"plp {' '.join(path)} --help shows no example"


def test_cli_runner_drives_a_project_from_creation_to_json(db_path):
    runner = CliRunner()
    base = ["--db", str(db_path), "--as", "Kari Nordmann"]
    for args in (["org", "add", "Birkenes"], ["org", "add", "Kristiansand"],
                 ["person", "add", "Kari Nordmann", "--email", "kari@example.no"],
                 ["project", "create", "smartskog", "SMARTSKOG", "--workflow", "plp", "--owner", "Birkenes:A",
                  "--owner", "Kristiansand:B", "--phase", "pre_project"],
                 ["role", "assign", "smartskog", "kari@example.no", "sponsor"],
                 ["goal", "add", "smartskog", "effect", "Meir verdiskaping"],
                 ["milestone", "add", "smartskog", "Aksjeavtale signert", "--due", "2026-03-31",
                  "--responsible", "Kari Nordmann"]):
        result = runner.invoke(app, base + args)
        assert result.exit_code == 0, (args, result.output)
    result = runner.invoke(app, base + ["project", "show", "smartskog", "--json", "--now", "2026-04-02"])
    data = json.loads(result.stdout)
    for key in ("code", "name", "workflow", "workflow_version", "phase", "status", "next_decision_point", "owners",
                "roles", "goals", "milestones", "decisions", "anchoring"):
        assert key in data
    assert data["owners"] == [{"org": "Birkenes", "grade": "A", "lead": True},
                              {"org": "Kristiansand", "grade": "B", "lead": False}]
    assert data["roles"] == [{"person": "Kari Nordmann", "role": "sponsor"}]
    assert data["phase"] == "pre_project" and data["next_decision_point"] == "BP2"
    [m] = data["milestones"]
    assert (m["title"], m["due"], m["done_on"], m["responsible"], m["overdue"]) == (
        "Aksjeavtale signert", "2026-03-31", None, "Kari Nordmann", True)
    history = json.loads(runner.invoke(app, base + ["project", "history", "smartskog", "--json"]).stdout)
    assert [e["kind"] for e in history] == ["project_created", "role_assigned", "goal_added", "milestone_added"]
    assert {e["actor"] for e in history} == {"Kari Nordmann"}
    assert all(set(e) == {"at", "actor", "kind", "data"} for e in history)


def test_the_plp_rules_walked_through_the_cli(region, cli):
    ok = region
    # BP1 needs a sponsor and the idea checklist.
    r = cli("decide", "vdc", "go", "--by", "Kari Nordmann")
    assert_one_line_error(r, contains="Kari Nordmann may not decide at BP1")
    r = cli("gate", "status", "vdc", "--json")
    gate = json.loads(r.out)
    assert gate["decision_point"] == "BP1" and gate["ready"] is False
    assert {c["key"]: c["met"] for c in gate["criteria"]} == {"role:sponsor": False, "checklist": False}
    advance_to_pre_project(ok)
    make_bp2_ready_except_anchoring(ok)
    gate = json.loads(cli("gate", "status", "vdc", "--json").out)
    assert (gate["decision_point"], gate["from_phase"], gate["to_phase"], gate["ready"]) == (
        "BP2", "pre_project", "main_project", False)
    [anch] = [c for c in gate["criteria"] if c["key"] == "anchoring:political"]
    assert anch == {"key": "anchoring:political", "met": False,
                    "detail": "political anchoring missing: Vennesla, Iveland"}
    ok("anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1/26",
       "--date", "2026-01-20", "--now", "2026-02-01")
    ok("anchor", "record", "vdc", "--org", "Iveland", "--body", "formannskap", "--ref", "PS 2/26",
       "--date", "2026-01-21", "--outcome", "refused", "--now", "2026-02-01")
    r = cli("decide", "vdc", "go", "--by", "Kari Nordmann", "--now", "2026-02-01")
    assert_one_line_error(r, contains="not approved: Iveland (refused by formannskap PS 2/26, 2026-01-21)")
    ok("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 9/26",
       "--date", "2026-02-05", "--now", "2026-02-06")
    r = ok("gate", "status", "vdc")
    assert "Ready: yes" in r.out
    # A steering group member may decide; someone without the role may not.
    r = cli("decide", "vdc", "go", "--by", "Per Leiar", "--now", "2026-02-10")
    assert_one_line_error(r, contains="Per Leiar may not decide at BP2: only the project sponsor or steering group")
    ok("role", "assign", "vdc", "Ola Nordmann", "steering")
    ok("decide", "vdc", "go", "--by", "Ola Nordmann", "--now", "2026-02-10", "--attendee", "Kari Nordmann")
    # BP3: open milestones of the main project hold the gate.
    r = ok("milestone", "add", "vdc", "Områdeplan vedteken", "--due", "2026-06-30", "--responsible", "Per Leiar")
    ok("checklist", "tick", "vdc", "results_delivered")
    r = cli("decide", "vdc", "go", "--by", "Kari Nordmann", "--now", "2026-07-01")
    assert_one_line_error(r, contains="1 open milestone(s)")
    mid = json.loads(cli("milestone", "list", "vdc", "--json").out)[0]["id"]
    ok("milestone", "done", "vdc", str(mid), "--on", "2026-06-20", "--now", "2026-07-01")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--now", "2026-07-01")
    # Finalisation: rework is a new round; hold accepts only resume or stop.
    ok("decide", "vdc", "rework", "--by", "Kari Nordmann", "--note", "Sluttrapporten manglar", "--now", "2026-08-01")
    show = json.loads(cli("project", "show", "vdc", "--json").out)
    assert (show["phase"], show["round"], show["status"]) == ("finalisation", 2, "active")
    r = cli("decide", "vdc", "hold", "--by", "Kari Nordmann")
    assert_one_line_error(r, contains="BP4 allows only: go, rework, stop")
    ok("checklist", "tick", "vdc", "handover")
    ok("checklist", "tick", "vdc", "final_report")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--now", "2026-09-01")
    show = json.loads(cli("project", "show", "vdc", "--json").out)
    assert show["status"] == "completed" and show["next_decision_point"] is None
    assert [(d["decision_point"], d["outcome"]) for d in show["decisions"]] == [
        ("BP1", "go"), ("BP2", "go"), ("BP3", "go"), ("BP4", "rework"), ("BP4", "go")]
    r = cli("decide", "vdc", "stop", "--by", "Kari Nordmann")
    assert_one_line_error(r, contains="vdc is completed")


def test_hold_resume_and_stop(region, cli):
    advance_to_pre_project(region)
    region("decide", "vdc", "hold", "--by", "Kari Nordmann", "--note", "Venter på statsbudsjettet")
    assert json.loads(cli("project", "list", "--json").out) == [
        {"code": "vdc", "name": "Datasenter", "workflow": "plp", "workflow_version": 1, "phase": "pre_project",
         "status": "on_hold"}]
    assert_one_line_error(cli("decide", "vdc", "rework", "--by", "Kari Nordmann"), contains="only resume or stop")
    region("decide", "vdc", "resume", "--by", "Kari Nordmann")
    region("decide", "vdc", "hold", "--by", "Kari Nordmann")
    region("decide", "vdc", "stop", "--by", "Kari Nordmann")
    assert json.loads(cli("project", "list", "--status", "stopped", "--json").out)[0]["code"] == "vdc"
    assert_one_line_error(cli("decide", "vdc", "resume", "--by", "Kari Nordmann"), contains="vdc is stopped")
    assert_one_line_error(cli("goal", "add", "vdc", "effect", "x"), contains="can no longer be changed")


def test_a_project_may_start_in_any_phase(region, cli):
    for phase in ("idea", "pre_project", "main_project", "finalisation"):
        region("project", "create", f"p-{phase}", "P", "--workflow", "plp", "--owner", "Vennesla", "--phase", phase)
        assert json.loads(cli("project", "show", f"p-{phase}", "--json").out)["phase"] == phase
    assert_one_line_error(cli("project", "create", "x", "X", "--workflow", "plp", "--owner", "Vennesla",
                              "--phase", "execute"), contains="unknown phase of workflow plp 'execute'")


def test_checklist_show_and_tick_by_key(region, cli):
    items = json.loads(cli("checklist", "show", "vdc", "--json", "--lang", "nn").out)
    assert items[0] == {"key": "idea_sketch", "phase": "idea", "label": "Idéskisse eller mandat er skriven",
                        "mandatory": True, "done": False, "current_phase": True, "ticked_by": None}
    region("checklist", "tick", "vdc", "idea_sketch")
    assert json.loads(cli("checklist", "show", "vdc", "--json").out)[0]["done"] is True
    assert_one_line_error(cli("checklist", "tick", "vdc", "idea_sketch"), contains="already ticked")
    assert_one_line_error(cli("checklist", "tick", "vdc", "nope"), contains="no checklist item 'nope'")


@pytest.mark.no_database  # workflow files only: the same on every backend
def test_workflow_commands(cli, tmp_path):
    listed = json.loads(cli("workflow", "list", "--json").out)
    assert {w["name"] for w in listed} >= {"plp", "prosjektveiviseren", "pm2"}
    r = cli("workflow", "show", "plp", "--mermaid")
    assert r.code == 0 and "stateDiagram-v2" in r.out and "idea --> pre_project" in r.out
    r = cli("workflow", "show", "prosjektveiviseren", "--lang", "nb")
    assert r.code == 0 and "Gevinstrealisering" in r.out
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 1\nversion: 2\nphases: []\n", encoding="utf-8")
    r = cli("workflow", "validate", str(bad))
    assert_one_line_error(r, contains=f"{bad} has")
    assert f"{bad}:3: duplicate key 'version' (first at line 2)" in r.out.splitlines()
    r = cli("workflow", "validate", "workflows/none.yaml")
    assert_one_line_error(r, contains="no such file")
