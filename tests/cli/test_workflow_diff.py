"""``plp workflow diff NAME V1 V2``: what changed between two versions of a workflow."""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_one_line_error, dump


SEVERAL_CHANGES = [
    ("      - key: stakeholder_list\n        mandatory: false\n",
     "      - key: budget_sketch\n"
     "        labels: {nn: Budsjettskisse, nb: Budsjettskisse, en: Budget sketched}\n"
     "      - key: stakeholder_list\n"),
    ("en: Pre-project}", "en: Preliminary project}"),
    ("      - {kind: role, role: sponsor}\n      - {kind: checklist}\n\n  - key: BP2",
     "      - {kind: role, role: sponsor}\n\n  - key: BP2"),
    ("bodies: [kommunestyre, bystyre, formannskap, fylkesting, fylkesutval]", "bodies: [kommunestyre, bystyre]"),
    ("  before_days: [14, 3, 0]", "  before_days: [7, 1, 0]"),
]


def test_diff_shows_each_change_in_one_readable_line(cli, new_version):
    new_version(*SEVERAL_CHANGES)
    r = cli("workflow", "diff", "plp", "1", "2")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        'phase relabelled: pre_project: en "Pre-project" → "Preliminary project"',
        'checklist item added: budget_sketch (idea, mandatory) "Budget sketched"',
        "checklist item stakeholder_list (idea) is now mandatory (was optional)",
        "decision point BP1: criterion removed: the phase's mandatory checklist done",
        "decision point BP2: criterion changed: political anchoring by kommunestyre, bystyre, formannskap, "
        "fylkesting, fylkesutval → political anchoring by kommunestyre, bystyre",
        "reminders: before_days [14, 3, 0] → [7, 1, 0]",
    ]
    assert r.err == "plp version 1 (file) → version 2 (file): 6 changes\n"


def test_diff_names_deciders_outcomes_phases_and_decision_points_that_changed(cli, new_version):
    new_version(
        ("    deciders: [sponsor, steering]\n    outcomes: [go, rework, hold, stop]\n    criteria:\n"
         "      - {kind: role, role: sponsor}\n      - {kind: checklist}\n\n  - key: BP2",
         "    deciders: [sponsor]\n    outcomes: [go, rework, stop]\n    criteria:\n"
         "      - {kind: role, role: sponsor}\n      - {kind: checklist}\n      - {kind: goals, levels: [effect]}\n"
         "\n  - key: BP2"),
        ("main_project", "delivery"),
        ("  - key: BP4\n", "  - key: BP9\n"),
        everywhere=True,
    )
    r = cli("workflow", "diff", "plp", "1", "2")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    for expected in (
        'phase removed: main_project "Main project"',
        'phase added: delivery "Main project" (after pre_project)',
        "checklist item results_delivered moved from phase main_project to delivery",
        "decision point removed: BP4 (finalisation → completed)",
        "decision point added: BP9 (finalisation → completed), decided by sponsor, steering; "
        "needs: a sponsor assigned; the phase's mandatory checklist done; no open milestone of the phase",
        "decision point BP1: deciders removed: steering",
        "decision point BP1: outcomes removed: hold",
        "decision point BP1: criterion added: goals at level effect",
        "decision point BP2: now pre_project → delivery (was pre_project → main_project)",
        "decision point BP3: now delivery → finalisation (was main_project → finalisation)",
    ):
        assert expected in lines, (expected, lines)


def test_diff_json_is_a_list_of_structured_changes(cli, new_version):
    new_version(SEVERAL_CHANGES[0], SEVERAL_CHANGES[4])
    r = cli("workflow", "diff", "plp", "1", "2", "--json")
    assert r.code == 0, r.err
    changes = json.loads(r.out)
    assert [(c["area"], c["change"], c["key"]) for c in changes] == [
        ("checklist", "added", "budget_sketch"),
        ("checklist", "changed", "stakeholder_list"),
        ("reminders", "changed", "before_days"),
    ]
    assert changes[1]["old"] == {"mandatory": False} and changes[1]["new"] == {"mandatory": True}
    assert changes[2]["old"] == [14, 3, 0] and changes[2]["new"] == [7, 1, 0]
    assert all(c["text"] for c in changes)


def test_diff_reads_a_stored_version_that_the_files_no_longer_hold(cli, new_version):
    new_version(SEVERAL_CHANGES[4])
    assert cli("org", "add", "Vennesla").code == 0
    assert cli("project", "create", "a", "A", "--workflow", "plp", "--owner", "Vennesla").code == 0  # stores v2
    new_version(SEVERAL_CHANGES[4], ("  overdue_every_days: 7", "  overdue_every_days: 5"), version=3)
    r = cli("workflow", "diff", "plp", "2", "3")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["reminders: overdue_every_days 7 → 5"]
    assert r.err == "plp version 2 (stored) → version 3 (file): 1 change\n"
    r = cli("workflow", "diff", "plp", "3", "1")
    assert r.out.splitlines() == ["reminders: before_days [7, 1, 0] → [14, 3, 0]",
                                  "reminders: overdue_every_days 5 → 7"]


def test_the_same_version_has_no_differences(cli):
    r = cli("workflow", "diff", "plp", "1", "1")
    assert r.code == 0, r.err
    assert r.out == ""
    assert "no differences" in r.err
    assert json.loads(cli("workflow", "diff", "plp", "1", "1", "--json").out) == []


@pytest.mark.parametrize("args, code, message", [
    (("plp", "1", "9"), 1, "workflow plp has no version 9 (in workflow files: 1 ("),
    (("nope", "1", "2"), 1, "unknown workflow 'nope' (available: plp, pm2, prosjektveiviseren)"),
    (("plp", "0", "1"), 1, "invalid workflow version 0 (versions are numbered from 1)"),
    (("plp", "1"), 2, "Missing argument 'V2'"),
    (("plp", "one", "2"), 2, "Invalid value for 'V1'"),
])
def test_diff_of_an_unknown_workflow_or_version_is_a_one_line_error(cli, db_path, args, code, message):
    assert cli("org", "add", "Vennesla").code == 0
    before = dump(db_path)
    assert_one_line_error(cli("workflow", "diff", *args), code=code, contains=message)
    assert dump(db_path) == before


def test_a_broken_file_is_named_when_its_version_is_asked_for(cli, tmp_path, monkeypatch):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "mine.yaml").write_text("name: mine\nversion: [\n", encoding="utf-8")
    monkeypatch.setenv("PLP_WORKFLOW_PATH", str(folder))
    assert_one_line_error(cli("workflow", "diff", "mine", "1", "2"),
                          contains=f"has problems, see 'plp workflow validate {folder / 'mine.yaml'}'")


def test_the_installed_command_shows_a_diff(plp_bin, new_version):
    new_version(SEVERAL_CHANGES[4])
    r = plp_bin("workflow", "diff", "plp", "1", "2")
    assert r.code == 0, r.err
    assert r.out == "reminders: before_days [14, 3, 0] → [7, 1, 0]\n"
