"""The web's own pages read typed results: "My work" and the public page (issue 10).

``my_work`` and ``public_projects`` return frozen :class:`plp.services.results.Result`\\ s
all the way down, with real dates; a service that slips back to dicts fails here, and
so does a template that reads them as dicts (the pages are rendered too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

from plp.actor import Actor
from plp.db import Database
from plp.services.mywork import my_work
from plp.services.publish import public_projects
from plp.services.results import Owner, Result
from plp.services.results_reports import GoalGroup, GoalItem
from plp.services.results_web import PublicProject, PublicRole, ReachedMilestone, WorkItem
from tests.conftest import advance_to_pre_project, make_bp2_ready_except_anchoring, query

TODAY = dt.date(2026, 3, 1)
PASSWORD = "correct horse battery"


def loose_dicts(value: Any, where: str = "") -> list[str]:
    """Where in ``value`` a dict stands (empty: typed all through)."""
    if isinstance(value, Result):
        return [w for f in dataclasses.fields(value) for w in loose_dicts(getattr(value, f.name), f"{where}.{f.name}")]
    if isinstance(value, (list, tuple)):
        return [w for i, v in enumerate(value) for w in loose_dicts(v, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [where or "the result itself"]
    return []


@pytest.fixture
def busy(region, db_path):
    """Kari sponsors vdc, whose BP2 meeting is planned while Vennesla's anchoring is missing;
    she has an overdue milestone, and a trust round is open that Ola answered and she did not."""
    advance_to_pre_project(region)
    make_bp2_ready_except_anchoring(region)
    region("gate", "plan", "vdc", "--date", "2026-03-10", "--now", "2026-03-01T12:00")
    region("milestone", "add", "vdc", "Forprosjekt levert", "--due", "2026-02-20", "--responsible", "Kari Nordmann")
    region("milestone", "add", "vdc", "Oppstartsmøte", "--due", "2026-01-15", "--responsible", "Per Leiar")
    region("milestone", "done", "vdc", "2", "--on", "2026-01-16")
    region("goal", "add", "vdc", "societal", "Vekst i regionen", "--target", "500 nye jobbar")
    region("trust", "record", "--round", "2026", "--respondent", "Ola Nordmann", "--scores", "4,3,5,4,3",
           "--date", "2026-02-01")
    return Database(str(db_path))


def kari_id(db_path) -> int:
    return query(db_path, "SELECT id FROM person WHERE email = 'kari@example.no'")[0][0]


def test_my_work_returns_typed_items_with_dates_most_urgent_first(busy, db_path):
    items = my_work(busy, person_id=kari_id(db_path), today=TODAY, lang="en")
    assert items and all(isinstance(i, WorkItem) for i in items) and loose_dicts(items) == []
    assert [i.kind for i in items] == ["trust", "milestone", "decision", "anchoring"]
    assert all(type(i.date) is dt.date for i in items) and [i.date for i in items] == sorted(i.date for i in items)
    decision = next(i for i in items if i.kind == "decision")
    assert (decision.code, decision.ready, decision.planned, decision.link) == ("vdc", False, True,
                                                                                "/projects/vdc/decide")
    assert next(i for i in items if i.kind == "milestone").overdue
    assert next(i for i in items if i.kind == "anchoring").what == "Vennesla"
    trust = next(i for i in items if i.kind == "trust")
    assert (trust.code, trust.project, trust.link) == (None, None, "/trust/2026")
    assert all(i.ready is None and i.planned is None for i in items if i.kind != "decision")


def test_the_public_page_returns_typed_projects_with_the_reached_dates_as_dates(busy, cli):
    assert cli("--as", "Kari Nordmann", "project", "publish", "vdc").code == 0
    [vdc] = public_projects(busy, today=TODAY, lang="en")
    assert isinstance(vdc, PublicProject) and loose_dicts(vdc) == []
    assert vdc.owners == [Owner(org="Vennesla", grade="A", lead=True), Owner(org="Iveland", grade="C", lead=False)]
    assert PublicRole(person="Kari Nordmann", role_label="project sponsor") in vdc.roles
    assert vdc.reached == [ReachedMilestone(title="Oppstartsmøte", done_on=dt.date(2026, 1, 16))]
    assert all(isinstance(g, GoalGroup) and all(isinstance(i, GoalItem) for i in g.items) for g in vdc.goals)
    assert [g.level for g in vdc.goals] == ["societal", "effect", "result"]


def test_both_pages_render_from_the_typed_results(busy, cli, db_path, monkeypatch):
    from fastapi.testclient import TestClient

    from plp.services.signin import set_password
    from plp.web import create_app

    assert cli("--as", "Kari Nordmann", "project", "publish", "vdc").code == 0
    monkeypatch.setenv("PLP_WEB_TODAY", TODAY.isoformat())
    app = create_app(str(db_path), base_url="http://testserver")
    set_password(app.state.settings.db, person="kari@example.no", password=PASSWORD, actor=Actor("tester", None, "env"))
    c = TestClient(app)
    public = c.get("/public?lang=en").text
    assert "Vekst i regionen (500 nye jobbar)" in public
    assert 'Oppstartsmøte <span class="muted">(2026-01-16)</span>' in public
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    c.post("/login", data={"email": "kari@example.no", "password": PASSWORD, "csrf_token": token, "next": "/"})
    work = c.get("/?lang=en").text
    kinds = re.findall(r'class="work-item kind-(\w+)', work)
    assert kinds == ["trust", "milestone", "decision", "anchoring"]
    assert '<time datetime="2026-02-20">2026-02-20</time>' in work
