"""Joint measures, the calendar and the agenda's deadlines are typed results, never dicts (issue 10).

``measure list``, the portfolio by measure, the network agenda's deadlines and the
calendar (``export ics`` and the web's feed) are read from frozen results of
:mod:`plp.services.results_plans`: the return annotations promise them, and on the
demo's database every value (nested ones included) is one. ``measure list --json``
is the typed rows' JSON, byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from plp.services import network, plans, reporting, timed_report
from plp.services.results import Result, plain
from tests.conftest import copy_database, result_types

pytestmark = pytest.mark.no_database  # runs on a copy of the demo's SQLite file, never the backend under test

TYPED = [plans.measure_rows, plans.list_measures, plans.by_org, reporting.calendar,
         timed_report.calendar_dates, timed_report.agenda_items]




@pytest.mark.parametrize("service", TYPED, ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}")
def test_measures_calendar_and_deadlines_promise_typed_results(service):
    annotation = eval(service.__annotations__["return"], service.__globals__)  # noqa: S307 - our own source
    for promised in result_types(annotation):
        assert isinstance(promised, type) and issubclass(promised, Result), \
            f"{service.__module__}.{service.__name__} returns {annotation}, not a Result"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_database):
    from plp.db import Database

    path = copy_database(demo_database, tmp_path_factory.mktemp("typedplans") / "demo.db")
    db = Database(str(path))
    yield db, Path(path)
    db.dispose()


def _all_typed(value: object, where: str = "result") -> None:
    """``value`` and everything it holds is a typed result or plain data; no dict anywhere."""
    if isinstance(value, Result):
        for f in dataclasses.fields(value):
            _all_typed(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _all_typed(item, f"{where}[{i}]")
    else:
        assert isinstance(value, (str, int, float, bool, dt.date, type(None))), \
            f"{where} is a {type(value).__name__}, not a typed result or plain value"


def _printed(value: object) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"


def test_measure_list_json_is_the_typed_rows_json(demo, cli):
    db, path = demo
    for value, args in ((plans.list_measures(db), ()), (plans.list_measures(db, org="Iveland"), ("--org", "Iveland"))):
        assert value and all(isinstance(r, Result) for r in value)
        _all_typed(value)
        r = cli("--db", str(path), "measure", "list", *args, "--json")
        assert r.code == 0, r.err
        assert r.out == _printed(value), f"plp measure list {' '.join(args)} --json"


def test_measures_by_organisation_are_typed(demo):
    db, _ = demo
    roles = plans.by_org(plans.list_measures(db))
    assert {x.role for x in roles} == {"responsible", "supporting"}
    _all_typed(roles)


def test_the_calendar_holds_typed_projects_with_no_orm_rows(demo):
    db, _ = demo
    items = reporting.calendar(db, lang="nn")
    _all_typed(items)
    assert any(p.milestones for p in items) and any(p.decisions for p in items) and any(p.dates for p in items)
    assert any(p.planned for p in items)


def test_the_agenda_s_deadlines_are_typed(demo):
    db, _ = demo
    agenda = network.agenda(db, now=dt.datetime(2025, 6, 1, 10, tzinfo=dt.timezone.utc), lang="nn")
    deadlines = [x for m in agenda.municipalities for x in m.deadlines]
    assert deadlines
    _all_typed(agenda)
