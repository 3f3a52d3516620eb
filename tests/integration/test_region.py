"""The region's view through the services: plan and measures, network agenda, trust check."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from plp.actor import Actor
from plp.db import Database
from plp.dates import local_tz
from plp.errors import AlreadyExists, ConcurrentChange, InvalidInput, InvalidTransition, NotFound
from plp.services import anchoring, checklist, decisions, directory, milestones, network, plans, projects, team, trust
from tests.conftest import dump, query

A = Actor("tester", None, "env")  # nobody known: let through while require-identity is off


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=local_tz())


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@pytest.fixture
def db(db_path) -> Database:
    """Three municipalities, a county, four people and project vdc in the pre-project, BP2 planned."""
    db = Database(str(db_path))
    for org in ("Vennesla", "Iveland", "Kristiansand"):
        directory.add_org(db, name=org, actor=A)
    directory.add_org(db, name="Agder fylkeskommune", kind="county", actor=A)
    directory.add_org(db, name="Skog AS", kind="company", actor=A)
    directory.add_person(db, name="Kari Nordmann", email="kari@example.no", org="Vennesla", actor=A)
    directory.add_person(db, name="Ola Nordmann", email="ola@example.no", org="Iveland", actor=A)
    directory.add_person(db, name="Per Leiar", org="Vennesla", actor=A)
    directory.add_person(db, name="Nils Fri", actor=A)  # belongs to no organisation
    projects.create_project(db, code="vdc", name="Datasenter", workflow="plp", owners=["Vennesla:A", "Iveland:C"],
                            actor=A)
    team.assign_role(db, code="vdc", person="Kari Nordmann", role="sponsor", actor=A)
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=A)
    decisions.decide(db, code="vdc", outcome="go", by="Kari Nordmann", date=d("2026-01-10"), today=d("2026-01-10"),
                     note="Forprosjekt", actor=A)
    team.assign_role(db, code="vdc", person="Per Leiar", role="leader", actor=A)
    team.add_goal(db, code="vdc", level="effect", text="Fleire arbeidsplassar", actor=A)
    team.add_goal(db, code="vdc", level="result", text="Regulert areal", actor=A)
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="vdc", item=item, actor=A)
    anchoring.record(db, code="vdc", org="Vennesla", body="kommunestyre", ref="PS 1/26", date=d("2026-02-01"),
                     today=d("2026-02-01"), actor=A)
    decisions.plan_gate(db, code="vdc", date=d("2026-04-01"), today=d("2026-03-01"), actor=A)
    return db


def _events(db_path, kind: str) -> list[tuple]:
    return [tuple(r) for r in query(db_path, "SELECT project_id, data FROM event WHERE kind = :k ORDER BY id", k=kind)]


# ------------------------------------------------------------------ plan, measures


def test_a_measure_has_one_responsible_and_supporting_municipalities_and_linked_projects(db):
    plans.add_plan(db, code="snp", title="Strategisk næringsplan", period="2015-2019", now=at("2026-01-01"), actor=A)
    m = plans.add_measure(db, plan="snp", title="Grøn datalagring", responsible="Vennesla",
                          supporting=["Iveland", "kristiansand"], now=at("2026-01-01"), actor=A)
    plans.link_measure(db, measure=str(m.id), project="vdc", now=at("2026-01-02"), actor=A)
    plans.set_measure_status(db, measure=f"#{m.id}", status="in_progress", note="I gang", now=at("2026-01-03"),
                             actor=A)
    [row] = plans.list_measures(db)
    assert (row.responsible, row.supporting, row.projects) == ("Vennesla", ["Iveland", "Kristiansand"], ["vdc"])
    assert (row.status, row.note, row.plan) == ("in_progress", "I gang", "snp")
    assert [p.to_json() for p in plans.list_plans(db)] == [
        {"id": 1, "code": "snp", "title": "Strategisk næringsplan", "period": "2015–2019", "measures": 1}]


def test_measure_list_by_org_says_whether_it_is_responsible_or_supporting(db):
    plans.add_plan(db, code="snp", title="Plan", now=at("2026-01-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Tiltak A", responsible="Vennesla", supporting=["Iveland"],
                      now=at("2026-01-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Tiltak B", responsible="Iveland", now=at("2026-01-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Tiltak C", responsible="Kristiansand", now=at("2026-01-01"), actor=A)
    rows = plans.list_measures(db, org="iveland")
    assert [(r.title, r.role) for r in rows] == [("Tiltak A", "supporting"), ("Tiltak B", "responsible")]
    assert [(x.org, x.role, x.measure.title) for x in plans.by_org(plans.list_measures(db))] == [
        ("Iveland", "responsible", "Tiltak B"), ("Iveland", "supporting", "Tiltak A"),
        ("Kristiansand", "responsible", "Tiltak C"), ("Vennesla", "responsible", "Tiltak A")]


def test_every_plan_and_measure_change_writes_one_event_without_a_project(db, db_path):
    plans.add_plan(db, code="snp", title="Plan", now=at("2026-01-01"), actor=A)
    m = plans.add_measure(db, plan="snp", title="Tiltak", responsible="Vennesla", now=at("2026-01-01"), actor=A)
    plans.link_measure(db, measure=str(m.id), project="vdc", now=at("2026-01-02"), actor=A)
    plans.set_measure_status(db, measure=str(m.id), status="done", now=at("2026-01-03"), actor=A)
    for kind in ("plan_added", "measure_added", "measure_linked", "measure_status"):
        [(project_id, data)] = _events(db_path, kind)
        assert project_id is None
    assert json.loads(_events(db_path, "measure_linked")[0][1]) == {"measure_id": m.id, "project": "vdc",
                                                                     "title": "Tiltak"}
    assert json.loads(_events(db_path, "measure_status")[0][1])["status"] == "done"


@pytest.mark.parametrize("call,error,message", [
    (lambda db: plans.add_plan(db, code="x", title="X", period="2019-2015", now=at("2026-01-01"), actor=A),
     InvalidInput, "2015 is before 2019"),
    (lambda db: plans.add_plan(db, code="x y", title="X", now=at("2026-01-01"), actor=A), InvalidInput,
     "invalid plan code"),
    (lambda db: plans.add_measure(db, plan="nope", title="X", responsible="Vennesla", now=at("2026-01-01"), actor=A),
     NotFound, "unknown plan 'nope'"),
    (lambda db: plans.add_measure(db, plan="snp", title="X", responsible="Atlantis", now=at("2026-01-01"), actor=A),
     NotFound, "unknown organisation 'Atlantis'"),
    (lambda db: plans.add_measure(db, plan="snp", title="X", responsible="Vennesla", supporting=["Vennesla"],
                                  now=at("2026-01-01"), actor=A), InvalidInput, "cannot also be supporting"),
    (lambda db: plans.link_measure(db, measure="99", project="vdc", now=at("2026-01-01"), actor=A), NotFound,
     "unknown measure '99'"),
    (lambda db: plans.link_measure(db, measure="1", project="nope", now=at("2026-01-01"), actor=A), NotFound,
     "unknown project 'nope'"),
    (lambda db: plans.link_measure(db, measure="1", project="vdc", now=at("2026-01-01"), actor=A), AlreadyExists,
     "already linked"),
    (lambda db: plans.set_measure_status(db, measure="1", status="finished", now=at("2026-01-01"), actor=A),
     InvalidInput, "unknown measure status 'finished'"),
    (lambda db: plans.set_measure_status(db, measure="1", status="not_started", now=at("2026-01-01"), actor=A),
     InvalidTransition, "already not_started"),
    (lambda db: plans.add_plan(db, code="SNP", title="X", now=at("2026-01-01"), actor=A), AlreadyExists,
     "already exists"),
])
def test_refused_plan_and_measure_changes_leave_the_database_unchanged(db, db_path, call, error, message):
    plans.add_plan(db, code="snp", title="Plan", now=at("2026-01-01"), actor=A)
    m = plans.add_measure(db, plan="snp", title="Tiltak", responsible="Vennesla", now=at("2026-01-01"), actor=A)
    plans.link_measure(db, measure=str(m.id), project="vdc", now=at("2026-01-01"), actor=A)
    before = dump(db_path)
    with pytest.raises(error, match=message):
        call(db)
    assert dump(db_path) == before


def test_a_measure_changed_by_someone_else_meanwhile_is_refused(db):
    plans.add_plan(db, code="snp", title="Plan", now=at("2026-01-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Tiltak", responsible="Vennesla", now=at("2026-01-01"), actor=A)
    with db.unit(A) as uow:
        stale = plans.get_measure(uow, "1")
        plans.set_measure_status(db, measure="1", status="in_progress", now=at("2026-01-02"), actor=A)
        with pytest.raises(ConcurrentChange, match="measure 1 was changed meanwhile"):
            plans._touch(uow, stale, at("2026-01-03"), status="done")
    assert plans.list_measures(db)[0].status == "in_progress"


# ------------------------------------------------------------------------ agenda


def _section(agenda: dict, org: str) -> dict:
    return next(m for m in agenda["municipalities"] if m["org"] == org)


def test_the_agenda_puts_each_item_under_the_municipality_that_must_act(db):
    network.record_meeting(db, date=d("2026-01-05"), today=d("2026-01-05"), attendees=["Kari Nordmann", "ola@example.no"],
                           now=at("2026-01-05"), actor=A)
    milestones.add_milestone(db, code="vdc", title="Areal regulert", due=d("2026-03-01"), responsible="Per Leiar",
                             actor=A)
    milestones.add_milestone(db, code="vdc", title="Fiber bestilt", due=d("2026-03-05"), responsible="Ola Nordmann",
                             actor=A)
    milestones.add_milestone(db, code="vdc", title="Ikkje forseinka", due=d("2026-03-20"), responsible="Per Leiar",
                             actor=A)
    plans.add_plan(db, code="snp", title="Plan", now=at("2025-10-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Gløymt tiltak", responsible="Kristiansand", now=at("2025-11-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Ferskt tiltak", responsible="Kristiansand", now=at("2026-02-01"), actor=A)
    plans.add_measure(db, plan="snp", title="Ferdig tiltak", responsible="Kristiansand", now=at("2025-10-01"), actor=A)
    plans.set_measure_status(db, measure="3", status="done", now=at("2025-10-02"), actor=A)

    agenda = network.agenda(db, now=at("2026-03-10"), lang="nn").to_json()
    assert agenda["last_meeting"] == {"date": "2026-01-05", "attendees": ["Kari Nordmann", "Ola Nordmann"],
                                      "note": None}
    assert [m["org"] for m in agenda["municipalities"]] == ["Agder fylkeskommune", "Iveland", "Kristiansand",
                                                            "Vennesla"]
    vennesla = _section(agenda, "Vennesla")
    assert [(x["project"], x["decision_point"], x["outcome_label"]) for x in vennesla["decisions"]] == [
        ("vdc", "BP1", "gå vidare")]
    [gate] = vennesla["gates"]
    assert (gate["decision_point"], gate["planned_on"], gate["ready"]) == ("BP2", "2026-04-01", False)
    assert gate["missing"] == ["politisk forankring manglar: Iveland"]
    assert vennesla["overdue"] == [{"person": "Per Leiar", "milestones": [
        {"id": 1, "project": "vdc", "title": "Areal regulert", "due": "2026-03-01", "days_overdue": 9}]}]
    iveland = _section(agenda, "Iveland")
    assert [(g["project"], g["anchoring_from"]) for g in iveland["gates"]] == [("vdc", "Iveland")]
    assert [o["person"] for o in iveland["overdue"]] == ["Ola Nordmann"]
    assert iveland["decisions"] == []
    kristiansand = _section(agenda, "Kristiansand")
    assert [(x["title"], x["last_changed"], x["days"]) for x in kristiansand["measures"]] == [
        ("Gløymt tiltak", "2025-11-01", 129)]
    assert _section(agenda, "Agder fylkeskommune")["empty"] is True


def test_the_agenda_in_english_reads_as_the_gate_does(db):
    agenda = network.agenda(db, now=at("2026-03-10"), lang="en").to_json()
    [gate] = _section(agenda, "Vennesla")["gates"]
    status = decisions.gate_status(db, code="vdc")
    assert gate["missing"] == [c.detail for c in status.criteria if not c.met]
    assert gate["missing"] == ["political anchoring missing: Iveland"]


def test_without_a_meeting_the_agenda_looks_back_six_weeks_and_ahead_six_weeks(db):
    later = network.agenda(db, now=at("2026-02-25"), lang="en").to_json()
    assert later["last_meeting"] is None
    assert (later["decisions_since"], later["window_until"]) == ("2026-01-14", "2026-04-08")
    assert _section(later, "Vennesla")["decisions"] == []  # BP1 on 2026-01-10 is more than 6 weeks back
    assert [g["decision_point"] for g in _section(later, "Vennesla")["gates"]] == ["BP2"]  # 2026-04-01
    earlier = network.agenda(db, now=at("2026-02-10"), lang="en").to_json()
    assert [x["decision_point"] for x in _section(earlier, "Vennesla")["decisions"]] == ["BP1"]
    assert _section(earlier, "Vennesla")["gates"] == []  # 2026-04-01 is more than 6 weeks ahead


def test_a_planned_meeting_that_passed_without_a_decision_stays_on_the_agenda(db):
    agenda = network.agenda(db, now=at("2026-04-03"), lang="en").to_json()
    [gate] = _section(agenda, "Vennesla")["gates"]
    assert gate["passed"] is True


def test_an_overdue_milestone_of_a_person_without_organisation_goes_to_the_lead_owner(db):
    milestones.add_milestone(db, code="vdc", title="Avtale", due=d("2026-03-01"), responsible="Nils Fri", actor=A)
    agenda = network.agenda(db, now=at("2026-03-10"), lang="en").to_json()
    assert [o["person"] for o in _section(agenda, "Vennesla")["overdue"]] == ["Nils Fri"]


def test_network_meetings_are_recorded_once_and_never_in_the_future(db, db_path):
    network.record_meeting(db, date=d("2026-01-05"), today=d("2026-01-05"), now=at("2026-01-05"), actor=A)
    before = dump(db_path)
    with pytest.raises(AlreadyExists, match="already recorded"):
        network.record_meeting(db, date=d("2026-01-05"), today=d("2026-01-06"), now=at("2026-01-06"), actor=A)
    with pytest.raises(InvalidInput, match="is in the future"):
        network.record_meeting(db, date=d("2026-02-05"), today=d("2026-01-06"), now=at("2026-01-06"), actor=A)
    with pytest.raises(NotFound, match="unknown person 'Nobody'"):
        network.record_meeting(db, date=d("2026-01-06"), today=d("2026-01-06"), attendees=["Nobody"],
                               now=at("2026-01-06"), actor=A)
    assert dump(db_path) == before
    assert [m.date for m in network.list_meetings(db)] == [d("2026-01-05")]
    [(project_id, data)] = _events(db_path, "network_meeting_recorded")
    assert project_id is None and json.loads(data)["date"] == "2026-01-05"


# ------------------------------------------------------------------------- trust


def test_trust_rounds_are_ordered_by_date_and_compared(db):
    for who, scores in (("Kari Nordmann", "4,4,4,4,4"), ("Ola Nordmann", "4,4,4,4,2")):
        trust.record(db, round="haust-2025", respondent=who, scores=scores, on=d("2025-10-01"), today=d("2025-10-01"),
                     now=at("2025-10-01"), actor=A)
    for who, scores in (("Kari Nordmann", "4,3,4,4,3"), ("Ola Nordmann", "4,4,4,4,3"), ("Per Leiar", "5,3,4,4,3")):
        trust.record(db, round="2026", respondent=who, scores=scores, comment="Meir ope" if who == "Per Leiar" else None,
                     on=d("2026-02-01"), today=d("2026-02-01"), now=at("2026-02-01"), actor=A)
    report = trust.report(db)
    assert (report.round, report.previous_round, report.answers) == ("2026", "haust-2025", 3)
    anchoring_ = next(f for f in report.factors if f.factor == "anchoring")
    assert (anchoring_.mean, anchoring_.change, anchoring_.reasons) == (3.33, -0.67, ["fell"])
    framework = next(f for f in report.factors if f.factor == "framework")
    assert (framework.mean, framework.spread, framework.change, framework.flag) == (3.0, 0.0, 0.0, False)
    assert report.comments == ["Meir ope"]
    assert [r.round for r in report.rounds] == ["haust-2025", "2026"]


def test_a_second_answer_in_a_round_is_refused_unless_it_replaces_the_first(db, db_path):
    kw = dict(round="2026", respondent="Kari Nordmann", on=d("2026-02-01"), today=d("2026-02-01"),
              now=at("2026-02-01"), actor=A)
    trust.record(db, scores="4,4,4,4,4", **kw)
    before = dump(db_path)
    with pytest.raises(AlreadyExists, match="Kari Nordmann has already answered round 2026"):
        trust.record(db, scores="1,1,1,1,1", **kw)
    with pytest.raises(InvalidInput, match="invalid score '6'"):
        trust.record(db, scores="6,1,1,1,1", replace=True, **kw)
    assert dump(db_path) == before
    trust.record(db, scores="2,2,2,2,2", replace=True, **kw)
    report = trust.report(db)
    assert report.answers == 1 and report.factors[0].mean == 2.0
    assert len(_events(db_path, "trust_answer_recorded")) == 2
