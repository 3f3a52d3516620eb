"""The read side's services hand back typed results, and the CLI's JSON is exactly their ``to_json``.

Status report, portfolio, timeline, gate status, the web's project page and the time
rules they embed each return a frozen :class:`plp.services.results.Result`, never a
dict (issue 10): a service that slips back to a dict fails here, and so does a
result whose JSON drifts from what ``plp ... --json`` / ``--format json`` prints.
Run on the demo, whose data reaches holds, conditions, benefit reviews and measures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from plp.actor import Actor
from plp.db import Database
from plp.services import decisions, pages, reporting, timed_report
from plp.services.common import get_project
from plp.services.results import Result
from plp.services.results_reports import (
    GateStatus,
    PortfolioGroup,
    PortfolioRow,
    PortfolioTimeFacts,
    ProjectHeader,
    ProjectPage,
    StatusReport,
    Timeline,
    ReportTimeRules,
)
from plp.texts import Labels
from tests.conftest import copy_database

pytestmark = pytest.mark.no_database  # runs on a copy of the demo's SQLite file, never the backend under test

NOW = "2017-10-02T12:00"
TODAY = dt.date(2017, 10, 2)
CODES = ("areal", "lading", "smartskog", "vdc")

#: The only dicts a typed result may carry: label tables, and the rows the condition
#: and benefit services shape (plp/services/conditions.py).
MAPS = {"outcome_labels", "role_labels", "conditions", "benefit_reviews"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_database) -> Path:
    path = copy_database(demo_database, tmp_path_factory.mktemp("typed") / "demo.db")
    return path


def loose_dicts(value: Any, where: str = "") -> list[str]:
    """Where in ``value`` a dict stands that is not one of the allowed maps (empty: typed all through)."""
    if isinstance(value, Result):
        return [w for f in dataclasses.fields(value) if f.name not in MAPS
                for w in loose_dicts(getattr(value, f.name), f"{where}.{f.name}")]
    if isinstance(value, (list, tuple)):
        return [w for i, v in enumerate(value) for w in loose_dicts(v, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [where or "the result itself"]
    return []


def typed(value: Any, kind: type) -> Any:
    assert isinstance(value, kind), f"{type(value).__name__} returned, not a {kind.__name__}"
    assert loose_dicts(value) == []
    return value


def cli_json(cli, demo: Path, *args: str) -> str:
    r = cli("--db", str(demo), *args)
    assert r.code == 0, (args, r.err)
    return r.out


def as_cli_prints(result: Any) -> str:
    from plp.services.results import plain

    return json.dumps(plain(result), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("code", CODES)
def test_the_status_report_is_typed_and_its_json_is_what_report_status_prints(cli, demo, code):
    report = typed(reporting.status_report(Database(str(demo)), code=code, today=TODAY, lang="en"), StatusReport)
    assert isinstance(report.as_of, dt.date) and all(isinstance(m.due, dt.date) for m in report.milestones)
    printed = cli_json(cli, demo, "report", "status", code, "--format", "json", "--lang", "en", "--now", NOW)
    assert as_cli_prints(report) == printed


@pytest.mark.parametrize("code", CODES)
def test_gate_status_is_typed_and_its_json_is_what_gate_status_prints(cli, demo, code):
    gate = typed(decisions.gate_status(Database(str(demo)), code=code, lang="en"), GateStatus)
    assert as_cli_prints(gate) == cli_json(cli, demo, "gate", "status", code, "--json", "--lang", "en")


@pytest.mark.parametrize("by", [None, "owner", "measure"])
def test_the_portfolio_is_typed_and_its_json_is_what_report_portfolio_prints(cli, demo, by):
    rows = reporting.portfolio(Database(str(demo)), today=TODAY, lang="en", by=by)
    assert rows and loose_dicts(rows) == []
    assert all(isinstance(r, PortfolioGroup if by else PortfolioRow) for r in rows)
    printed = cli_json(cli, demo, "report", "portfolio", "--format", "json", "--lang", "en", "--now", NOW,
                       *(["--by", by] if by else []))
    assert as_cli_prints(rows) == printed


def test_the_timeline_is_typed_with_dates_for_its_spans(demo):
    line = typed(reporting.timeline(Database(str(demo)), code="smartskog", today=TODAY, lang="en"), Timeline)
    assert all(isinstance(s.start, dt.date) and s.start <= s.end for s in line.spans)


@pytest.mark.parametrize("code", CODES)
def test_the_web_project_page_and_header_are_typed(demo, code):
    db = Database(str(demo))
    page = typed(pages.project_page(db, code=code, today=TODAY, lang="en", actor=Actor("tester", None, "env")),
                 ProjectPage)
    assert page.code == code and page.may.milestones == any(m.may_done for m in page.milestones)
    assert typed(pages.project_header(db, code=code), ProjectHeader).to_json() == {"code": code,
                                                                                  "name": page.name}


@pytest.mark.parametrize("code", CODES)
def test_the_time_rules_of_the_reports_are_typed(demo, code):
    with Database(str(demo)).unit() as uow:
        p = get_project(uow, code)
        typed(timed_report.for_project(uow, p, TODAY, Labels("en")), ReportTimeRules)
        typed(timed_report.portfolio_fields(uow, p, TODAY), PortfolioTimeFacts)
