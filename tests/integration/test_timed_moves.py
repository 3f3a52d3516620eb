"""Time moves projects: each move made by ``plp check``, the clock driven by --now, exactly once.

Setup and most checks run in-process (``cli``: the same ``plp.cli.main``); the first
test's checks and the concurrent checks run the installed ``plp`` command, as cron or
``plp scheduler run`` would. Dates lie in 2025: write commands refuse a --now after
the real clock.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import PLP_BIN, dump


@pytest.fixture
def bp2_ready(region, snapshot):
    """vdc in the pre-project with every BP2 criterion met except Iveland's anchoring."""
    snapshot("bp2_ready", lambda: _make_bp2_ready(region), base="region")
    return region


def _make_bp2_ready(ok) -> None:
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("checklist", "tick", "vdc", "idea_sketch")
    ok("checklist", "tick", "vdc", "owners_identified")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-01-10", "--now", "2025-01-10")
    ok("role", "assign", "vdc", "Per Leiar", "leader")
    ok("goal", "add", "vdc", "effect", "Fleire arbeidsplassar")
    ok("goal", "add", "vdc", "result", "Regulert areal")
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        ok("checklist", "tick", "vdc", item)
    ok("anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1/25",
       "--date", "2025-02-01", "--now", "2025-02-01")


@pytest.fixture
def main_project(bp2_ready, snapshot):
    ok = bp2_ready
    snapshot("main_project", lambda: ok("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre",
                                        "--ref", "PS 2/25", "--date", "2025-02-01", "--now", "2025-02-01"),
             base="bp2_ready")
    return ok


def check(run, now: str, *extra: str) -> list[dict]:
    """``plp check --now NOW --json`` through ``run`` (``cli`` or the installed ``plp_bin``)."""
    r = run("check", "--now", now, "--json", *extra)
    assert r.code == 0, r.err
    return json.loads(r.out)


def moves(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["channel"] == "move"]


def show(cli) -> dict:
    r = cli("project", "show", "vdc", "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def scheduler_events(cli) -> list[dict]:
    r = cli("project", "history", "vdc", "--json")
    return [e for e in json.loads(r.out) if e["actor"] == "scheduler"]


def test_a_missed_condition_puts_the_project_on_hold_with_the_reason_once(main_project, cli, plp_bin):
    main_project("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Iveland stadfestar finansieringa", "--condition-due", "2025-06-01")
    assert show(cli)["status"] == "active" and show(cli)["conditions"][0]["status"] == "open"
    assert moves(check(plp_bin, "2025-06-01")) == []  # due today is not yet missed
    rows = check(plp_bin, "2025-06-02")
    [move] = moves(rows)
    assert move["kind"] == "condition_missed" and move["effect"] == "hold" and move["status"] == "applied"
    told = {r["recipient"] for r in rows if r["kind"] == "condition_missed" and r["channel"] != "move"}
    assert told == {"Kari Nordmann", "Per Leiar"}  # sponsor and leader (no steering group here)
    d = show(cli)
    assert d["status"] == "on_hold" and d["phase"] == "main_project"
    assert d["hold"] == {"held_on": "2025-06-02", "review_on": "2025-08-31", "dormant_since": None}
    assert d["conditions"][0]["status"] == "missed"
    [event] = scheduler_events(cli)
    assert event["kind"] == "condition_missed" and "Iveland stadfestar finansieringa" in event["data"]["reason"]
    assert moves(check(plp_bin, "2025-06-03")) == []  # run again: nothing twice
    assert plp_bin("audit", "verify").code == 0
    # Resuming needs a decision, as always.
    main_project("decide", "vdc", "resume", "--by", "Kari Nordmann", "--date", "2025-06-10", "--now", "2025-06-10")
    assert show(cli)["status"] == "active" and show(cli)["hold"] is None


def test_a_condition_met_in_time_moves_nothing(main_project, cli):
    main_project("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Finansiering", "--condition-due", "2025-06-01")
    main_project("condition", "met", "vdc", "1", "--note", "PS 9/25", "--now", "2025-05-20")
    assert moves(check(cli, "2025-07-01")) == []
    assert show(cli)["status"] == "active" and show(cli)["conditions"][0]["status"] == "met"


def test_a_notify_rule_tells_people_and_leaves_the_project_active(main_project, cli):
    """BP1's rule in the plp workflow is notify (the default)."""
    main_project("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Avklar tomt", "--condition-due", "2025-04-01")
    # The condition belongs to BP2, whose rule is hold; a second project on BP1 shows notify.
    main_project("project", "create", "sol", "Solpark", "--workflow", "plp", "--owner", "Vennesla")
    main_project("role", "assign", "sol", "Kari Nordmann", "sponsor")
    main_project("checklist", "tick", "sol", "idea_sketch")
    main_project("checklist", "tick", "sol", "owners_identified")
    main_project("decide", "sol", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Grunneigar seier ja", "--condition-due", "2025-04-01")
    by_project = {m["project"]: m for m in moves(check(cli, "2025-04-02"))}
    assert by_project["sol"]["effect"] == "notify" and by_project["vdc"]["effect"] == "hold"
    r = cli("project", "show", "sol", "--json")
    assert json.loads(r.out)["status"] == "active"


def test_a_hold_is_reviewed_on_its_date_and_turns_dormant_after_a_year(main_project, cli):
    main_project("decide", "vdc", "hold", "--by", "Kari Nordmann", "--date", "2025-01-20", "--now", "2025-01-20",
                 "--review-on", "2025-03-01")
    assert moves(check(cli, "2025-02-28")) == []
    [review] = moves(check(cli, "2025-03-01"))
    assert review["kind"] == "hold_review" and review["item"] == "BP2"
    assert moves(check(cli, "2025-06-01")) == []
    [dormant] = moves(check(cli, "2026-01-20"))
    assert dormant["kind"] == "dormant" and dormant["effect"] == "dormant"
    d = show(cli)
    assert d["status"] == "on_hold" and d["dormant"] and d["hold"]["dormant_since"] == "2026-01-20"
    assert [e["kind"] for e in scheduler_events(cli)] == ["hold_review_due", "project_dormant"]
    portfolio = json.loads(cli("report", "portfolio", "--format", "json", "--now", "2026-01-20").out)
    assert portfolio[0]["dormant"] is True


def test_a_hold_without_a_review_date_takes_the_workflow_default(main_project, cli):
    main_project("decide", "vdc", "hold", "--by", "Kari Nordmann", "--date", "2025-01-20", "--now", "2025-01-20")
    assert show(cli)["hold"]["review_on"] == "2025-04-20"  # hold_review_after: 90d


def test_an_expired_anchoring_lapses_and_blocks_the_gate_again(bp2_ready, cli):
    bp2_ready("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 2/25",
              "--date", "2025-02-01", "--valid-until", "2025-03-31", "--now", "2025-02-01")
    assert json.loads(cli("gate", "status", "vdc", "--json").out)["ready"] is True
    assert moves(check(cli, "2025-03-31")) == []
    rows = check(cli, "2025-04-01")
    [move] = moves(rows)
    assert move["kind"] == "anchoring_lapsed" and move["item"] == "Iveland"
    assert [r["recipient"] for r in rows if r["channel"] != "move"] == ["Per Leiar"]  # the leader
    gate = json.loads(cli("gate", "status", "vdc", "--json").out)
    assert gate["ready"] is False
    assert "Iveland (lapsed by kommunestyre PS 2/25, 2025-04-01)" in json.dumps(gate["criteria"], ensure_ascii=False)
    [event] = scheduler_events(cli)
    assert event["kind"] == "anchoring_recorded" and event["data"]["outcome"] == "lapsed"
    assert moves(check(cli, "2025-04-02")) == []
    assert cli("audit", "verify").code == 0


def test_an_expiry_after_the_decision_point_was_passed_lapses_nothing(bp2_ready, cli):
    bp2_ready("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 2/25",
              "--date", "2025-02-01", "--valid-until", "2025-03-31", "--now", "2025-02-01")
    bp2_ready("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01")
    assert moves(check(cli, "2025-04-01")) == []


def _complete(ok) -> None:
    """From the main project to completed on 2025-01-31."""
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-01-15", "--now", "2025-01-15")
    ok("checklist", "tick", "vdc", "results_delivered")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-01-20", "--now", "2025-01-20")
    ok("checklist", "tick", "vdc", "handover")
    ok("checklist", "tick", "vdc", "final_report")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-01-31", "--now", "2025-01-31")


def test_completion_schedules_benefit_reviews_that_open_when_due_and_close_the_follow_up(main_project, cli):
    _complete(main_project)
    d = show(cli)
    assert d["status"] == "completed" and d["follow_up"] == "open"
    assert [(r["review"], r["after"], r["due"]) for r in d["benefit_reviews"]] == [
        (1, "6m", "2025-07-31"), (2, "12m", "2026-01-31"), (3, "24m", "2027-01-31")]
    assert moves(check(cli, "2025-07-30")) == []
    rows = check(cli, "2025-07-31")
    [move] = moves(rows)
    assert move["kind"] == "benefit_review" and move["step"] == "r1"
    assert [r["recipient"] for r in rows if r["channel"] != "move"] == ["Kari Nordmann"]  # the sponsor
    assert show(cli)["benefit_status"] == "due"
    goal = d["goals"][0]["id"]
    r = cli("benefit", "record", "vdc", str(goal), "--review", "2", "--achieved", "yes", "--value", "x",
            "--now", "2025-08-01")
    assert r.code == 1 and "not yet" in r.err  # the second review is not due
    main_project("benefit", "record", "vdc", str(goal), "--review", "1", "--achieved", "partly",
                 "--value", "25 av 40 arbeidsplassar", "--now", "2025-08-01")
    assert moves(check(cli, "2025-08-02")) == []
    # Jump to the last review: the reviews due by then open in one check.
    assert [m["step"] for m in moves(check(cli, "2026-02-01"))] == ["r2"]
    main_project("benefit", "record", "vdc", str(goal), "--review", "2", "--achieved", "yes", "--value", "41",
                 "--now", "2026-02-01")
    assert show(cli)["follow_up"] == "open"
    # The last review lies after the real clock: a dry run shows it without doing it.
    assert [m["status"] for m in moves(check(cli, "2027-02-01", "--dry-run"))] == ["would apply"]


def test_the_last_benefit_review_closes_the_follow_up(main_project, cli, new_version):
    new_version(("benefit_reviews: [6m, 12m, 24m]", "benefit_reviews: [1m]"))
    cli("project", "create", "b", "Ny", "--workflow", "plp", "--owner", "Vennesla", "--phase", "finalisation")
    main_project("role", "assign", "b", "Kari Nordmann", "sponsor")
    main_project("goal", "add", "b", "effect", "Mål")
    main_project("checklist", "tick", "b", "handover")
    main_project("checklist", "tick", "b", "final_report")
    main_project("decide", "b", "go", "--by", "Kari Nordmann", "--date", "2025-01-31", "--now", "2025-01-31")
    goal = json.loads(cli("project", "show", "b", "--json").out)["goals"][0]["id"]
    r = main_project("benefit", "record", "b", str(goal), "--review", "1", "--achieved", "no", "--value", "0",
                     "--now", "2025-03-01")
    assert "follow-up is closed" in r.err
    assert json.loads(cli("project", "show", "b", "--json").out)["follow_up"] == "closed"


def test_a_dry_run_lists_the_moves_and_changes_nothing(main_project, cli, db_path):
    main_project("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Finansiering", "--condition-due", "2025-06-01")
    before = dump(db_path)
    rows = check(cli, "2025-06-02", "--dry-run")
    assert [m["status"] for m in moves(rows)] == ["would apply"]
    assert {r["status"] for r in rows if r["channel"] != "move"} == {"would send"}
    assert dump(db_path) == before


def test_two_concurrent_checks_make_each_move_once(main_project, cli, db_path):
    main_project("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2025-03-01", "--now", "2025-03-01",
                 "--condition", "Finansiering", "--condition-due", "2025-06-01",
                 "--condition", "Tomt", "--condition-due", "2025-06-01")
    for i in range(4):
        main_project("project", "create", f"p{i}", f"Prosjekt {i}", "--workflow", "plp", "--owner", "Vennesla")
        main_project("role", "assign", f"p{i}", "Kari Nordmann", "sponsor")
        main_project("decide", f"p{i}", "hold", "--by", "Kari Nordmann", "--date", "2025-01-02",
                     "--now", "2025-01-02", "--review-on", "2025-02-01")
    procs = [subprocess.Popen([PLP_BIN, "check", "--now", "2025-06-02", "--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    rows = [r for out, _ in outs for r in moves(json.loads(out))]
    applied = [r for r in rows if r["status"] == "applied"]
    keys = sorted((r["kind"], r["project"], r["item_id"]) for r in applied)
    assert len(keys) == len(set(keys)) == 6  # two conditions and four hold reviews, each once
    r = cli("project", "history", "vdc", "--json")
    assert [e["kind"] for e in json.loads(r.out) if e["actor"] == "scheduler"] == ["condition_missed"] * 2
    assert show(cli)["status"] == "on_hold"
    assert cli("audit", "verify").code == 0


def test_a_conditional_go_refuses_a_condition_without_its_date_and_changes_nothing(main_project, cli, db_path):
    before = dump(db_path)
    r = cli("decide", "vdc", "go", "--by", "Kari Nordmann", "--now", "2025-03-01", "--condition", "Finansiering")
    assert r.code == 1 and r.err.startswith("Error: give one --condition-due per --condition")
    r = cli("decide", "vdc", "hold", "--by", "Kari Nordmann", "--now", "2025-03-01", "--condition", "x",
            "--condition-due", "2025-04-01")
    assert r.code == 1 and "--condition goes with go only" in r.err
    r = cli("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 9/25",
            "--date", "2025-02-01", "--valid-until", "2025-01-01", "--now", "2025-02-01")
    assert r.code == 1 and "before the decision date" in r.err
    assert dump(db_path) == before
