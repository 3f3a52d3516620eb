"""The operational services hand back typed results, never loose dicts or ORM rows (issue 10).

Each use case below returns a :class:`~plp.services.results.Result` (or a list of
them, or None where nothing was found): its return annotation says so, and on the
demo's database the value it returns is one, whose ``to_json`` is exactly what the
CLI prints for it, byte for byte (key order included).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from plp.services import (
    admins,
    anchoring,
    conditions,
    directory,
    migrate,
    milestones,
    network,
    outbox,
    plans,
    projects,
    settings,
    signin,
    team,
    timed_apply,
    transfer,
    trust,
    workflows,
)
from plp.services.results import Result, plain
from tests.conftest import copy_database, result_types

pytestmark = pytest.mark.no_database  # runs on a copy of the demo's SQLite file, never the backend under test

TYPED = [
    outbox.outbox, outbox.retry, outbox.cancel,
    trust.summarise, trust.report, trust.record, trust.own_answer,
    settings.show_settings,
    conditions.condition_view, conditions.benefit_reviews_of, conditions.list_conditions,
    conditions.condition_met, conditions.benefit_record,
    workflows.compare, workflows.diff_versions, migrate.migrate_project,
    transfer.export_json, transfer.import_json,
    projects.time_rules_of, projects.hold_of, projects.create_project,
    timed_apply.row,
    network.list_meetings, network.record_meeting,
    directory.list_orgs, directory.list_people, plans.list_plans,
    directory.add_org, directory.add_person, admins.set_login, admins.initialise, signin.set_password,
    milestones.add_milestone, milestones.complete_milestone, anchoring.record, team.add_goal,
    plans.add_plan, plans.add_measure, plans.link_measure, plans.set_measure_status,
]




@pytest.mark.parametrize("service", TYPED, ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}")
def test_each_operational_service_promises_a_typed_result(service):
    annotation = eval(service.__annotations__["return"], service.__globals__)  # noqa: S307 - our own source
    for promised in result_types(annotation):
        assert isinstance(promised, type) and issubclass(promised, Result), \
            f"{service.__module__}.{service.__name__} returns {annotation}, not a Result"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_database) -> Path:
    path = copy_database(demo_database, tmp_path_factory.mktemp("typed") / "demo.db")
    return path


@pytest.fixture
def demo(demo_db, tmp_path):
    """A copy of the demo's database for one test, opened as the services see it."""
    from plp.db import Database

    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    db = Database(str(path))
    yield db, path
    db.dispose()


def _typed(value: object) -> None:
    items = value if isinstance(value, list) else [value]
    assert items, "the demo should give something to check"
    for item in items:
        assert isinstance(item, Result), f"{type(item).__name__} is not a typed result"


def _printed(value: object) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"


def test_what_the_cli_prints_is_the_typed_result_s_json(demo, cli, monkeypatch):
    db, path = demo
    monkeypatch.delenv("PLP_WORKFLOW_PATH", raising=False)
    day = dt.date(2017, 10, 2)
    cases = [
        (outbox.outbox(db, include_sent=True), ("outbox", "list", "--all")),
        (trust.report(db), ("trust", "report")),
        (trust.report(db, round="2016"), ("trust", "report", "--round", "2016")),
        (settings.show_settings(db), ("config", "show")),
        (conditions.list_conditions(db, code=None, today=day), ("condition", "list", "--now", "2017-10-02")),
        (network.list_meetings(db), ("network", "meeting", "list")),
        (directory.list_orgs(db), ("org", "list")),
        (directory.list_people(db), ("person", "list")),
        (plans.list_plans(db), ("plan", "list")),
        (projects.show_project(db, code="vdc", today=day).benefit_reviews, ("benefit", "list", "vdc")),
    ]
    for value, args in cases:
        _typed(value)
        r = cli("--db", str(path), *args, "--json")
        assert r.code == 0, r.err
        assert r.out == _printed(value), f"plp {' '.join(args)} --json"


def test_the_moves_of_a_check_are_typed_and_keep_the_check_s_rows(demo, cli):
    from plp.notify import Channels

    db, path = demo
    quiet = Channels(smtp_url=None, mail_from="plp@localhost", webhook_url=None)
    moved = timed_apply.run(db, now=dt.datetime(2019, 6, 1, 8, tzinfo=dt.timezone.utc), dry_run=True,
                            channels=quiet)
    _typed(moved.moves)
    r = cli("--db", str(path), "check", "--dry-run", "--now", "2019-06-01T10:00", "--json")
    assert r.code == 0, r.err
    assert [row for row in json.loads(r.out) if row["channel"] == "move"][:1] == [m.to_json() for m in moved.moves][:1]


def test_a_check_s_rows_are_typed_and_are_what_plp_check_prints(demo, cli):
    """Moves and reminders alike come back as CheckRow results (a move is a CheckRow
    with its effect and reason); ``plp check --json`` prints exactly their JSON."""
    from plp.notify import Channels
    from plp.services import reminders
    from plp.services.results_ops import CheckRow

    db, path = demo
    quiet = Channels(smtp_url=None, mail_from="plp@localhost", webhook_url=None)
    result = reminders.check(db, now=dt.datetime(2017, 10, 2, 8, tzinfo=dt.timezone.utc), dry_run=True,
                             channels=quiet)
    assert result.rows and all(isinstance(row, CheckRow) for row in result.rows)
    _typed(result.rows)
    r = cli("--db", str(path), "check", "--dry-run", "--now", "2017-10-02T10:00", "--json")
    assert r.code == 0, r.err
    assert r.out == _printed(result.rows)


def test_changes_hand_back_typed_results_not_orm_rows(demo):
    from plp.actor import system

    db, _ = demo
    actor = system("tester")
    first = outbox.outbox(db)[0]
    cancelled = outbox.cancel(db, message_id=first.id, actor=actor)
    _typed(cancelled)
    assert (cancelled.id, cancelled.status) == (first.id, "cancelled")
    retried = outbox.retry(db, message_id=first.id, now=dt.datetime.now(dt.timezone.utc), actor=actor)
    _typed(retried)
    diff = workflows.diff_versions(db, name="plp", old=1, new=1)
    _typed(diff)
    assert diff.changes == [] and diff.to_json()["from_source"] == "database"
    condition = conditions.list_conditions(db, code="lading", today=dt.date(2017, 10, 2))[0]
    met = conditions.condition_met(db, code="lading", condition_id=condition.id, today=dt.date(2017, 10, 2),
                                   actor=actor)
    _typed(met)
    assert (met.status, met.met_on, met.overdue) == ("met", dt.date(2017, 10, 2), False)
    org = directory.add_org(db, name="Froland", actor=actor)
    _typed(org)
    _typed(directory.add_person(db, name="Kari Ny", org="Froland", actor=actor))
    _typed(network.record_meeting(db, date=dt.date(2017, 10, 3), today=dt.date(2017, 10, 3),
                                  now=dt.datetime(2017, 10, 3, 12, tzinfo=dt.timezone.utc), actor=actor))
