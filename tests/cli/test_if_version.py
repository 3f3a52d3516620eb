"""``--if-version N``: a change made from what someone read is refused once the record moved on.

Every command that changes a project (or a measure) takes the version the caller
read; a stale one gives one ``Error:`` line and changes nothing, the current one
goes through.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_one_line_error, dump

KARI = "Kari Nordmann"
CASES = {
    "milestone add": ((), ("milestone", "add", "vdc", "Areal regulert", "--due", "2030-06-30",
                           "--responsible", KARI)),
    "milestone done": ((("milestone", "add", "vdc", "Areal regulert", "--due", "2030-06-30", "--responsible", KARI),),
                       ("milestone", "done", "vdc", "1")),
    "checklist tick": ((), ("checklist", "tick", "vdc", "idea_sketch")),
    "checklist untick": ((("checklist", "tick", "vdc", "idea_sketch"),), ("checklist", "untick", "vdc", "idea_sketch")),
    "anchor record": ((), ("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 1/25",
                           "--date", "2025-01-05")),
    "gate plan": ((), ("gate", "plan", "vdc", "--date", "2099-01-01")),
    "role assign": ((), ("role", "assign", "vdc", KARI, "sponsor")),
    "role remove": ((("role", "assign", "vdc", KARI, "steering"),), ("role", "remove", "vdc", KARI, "steering")),
    "goal add": ((), ("goal", "add", "vdc", "effect", "Fleire arbeidsplassar")),
    "project publish": ((), ("project", "publish", "vdc")),
}


def _version(cli) -> int:
    return json.loads(cli("project", "show", "vdc", "--json").out)["version"]


@pytest.mark.parametrize("name", list(CASES))
def test_a_change_from_a_stale_version_is_refused_and_changes_nothing(name, region, cli, db_path):
    setup, command = CASES[name]
    for args in setup:
        region(*args)
    read = _version(cli)
    region("org", "add", "Lillesand")  # an unrelated change: the project's version stays
    region("goal", "add", "vdc", "result", "Regulert areal")  # someone else changes the project meanwhile
    before = dump(db_path)
    assert_one_line_error(cli(*command, "--if-version", str(read)),
                          contains=f"project vdc was changed meanwhile (version {read + 1}, you read {read})")
    assert dump(db_path) == before
    assert cli(*command, "--if-version", str(read + 1)).code == 0


def _measure(region) -> int:
    region("plan", "add", "snp", "Strategisk næringsplan")
    region("measure", "add", "snp", "Grøn datalagring", "--responsible", "Vennesla")
    return 1


@pytest.mark.parametrize("command", [("measure", "status", "1", "in_progress"), ("measure", "link", "1", "vdc")])
def test_a_measure_change_from_a_stale_version_is_refused(command, region, cli, db_path):
    _measure(region)
    read = json.loads(cli("measure", "list", "--json").out)[0]["version"]
    region("measure", "status", "1", "not_started", "--note", "Framleis ope")  # meanwhile
    before = dump(db_path)
    assert_one_line_error(cli(*command, "--if-version", str(read)),
                          contains=f"measure 1 was changed meanwhile (version {read + 1}, you read {read})")
    assert dump(db_path) == before
    assert cli(*command, "--if-version", str(read + 1)).code == 0


def test_condition_and_benefit_answers_check_the_version_before_anything_else(region, db_path):
    """Also where the CLI's setup is long: the stale version is what is refused, not the missing row."""
    from plp.db import Database
    from plp.errors import ConcurrentChange
    from plp.services.conditions import benefit_record, condition_met
    from plp.services.migrate import migrate_project
    import datetime as dt

    from plp.actor import Actor

    db = Database(str(db_path))
    tester = Actor("tester", None, "env")  # nobody known: let through while require-identity is off
    today = dt.date(2026, 1, 10)
    with pytest.raises(ConcurrentChange):
        condition_met(db, code="vdc", condition_id=99, today=today, if_version=99, actor=tester)
    with pytest.raises(ConcurrentChange):
        benefit_record(db, code="vdc", goal_id=1, review=1, achieved="yes", value="x", today=today,
                       if_version=99, actor=tester)
    with pytest.raises(ConcurrentChange):
        migrate_project(db, code="vdc", to_version=2, if_version=99, actor=tester)
