"""The work a person does in the browser: my-work, decisions, anchoring, milestones, checklist, trust."""

from __future__ import annotations

import json

from tests.conftest import query
from tests.web.conftest import open_page
from tests.web.pages import db_target, hidden, post, project, region_state, set_field, sign_in, submit, tab_to
from tests.web.seed import EARLY, KARI, OLA, OVERDUE_TITLE, PER, PRE, READY, TRUST_ROUND, Person


def test_my_work_lists_the_decision_the_overdue_milestone_the_missing_anchoring_and_the_trust_round(page, site):
    sign_in(page, KARI)
    items = page.locator("#my-work li.work-item")
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    joined = "\n".join(texts)
    assert "Grønt datasenter" in joined or READY in joined  # BP1 of `ready` waits for her decision
    assert OVERDUE_TITLE in joined
    assert any(PRE in t and "anchor" in t.lower() and KARI.org in t for t in texts), texts
    assert TRUST_ROUND in joined
    # most urgent first: the overdue milestone comes before anything due later
    dates = [d for d in items.locator("time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))") if d]
    assert dates == sorted(dates)


def test_my_work_says_so_when_there_is_nothing_to_do(page, site):
    site.plp("org", "add", "Lillesand")
    site.plp("person", "add", "Liv Lillesand", "--email", "liv@example.no", "--org", "Lillesand", "--lang", "en")
    site.plp("person", "password", "liv@example.no", stdin="liv-long-password\n")
    site.plp("trust", "record", "--round", TRUST_ROUND, "--respondent", "liv@example.no", "--scores", "3,3,3,3,3")
    sign_in(page, Person("Liv Lillesand", "liv@example.no", "liv-long-password", "Lillesand"))
    assert page.locator("#nothing-to-do").is_visible()
    assert page.locator("#my-work li.work-item").count() == 0


def test_a_go_at_a_ready_gate_is_recorded_with_the_keyboard_alone(page, site):
    sign_in(page, KARI)
    page.goto(f"/projects/{READY}/decide?lang=en")
    tab_to(page, "[name=outcome]")
    for _ in range(10):  # arrow keys move within a radio group; Space checks the focused radio
        if page.evaluate("document.activeElement.id") == "outcome-go":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.is_checked("#outcome-go")
    tab_to(page, "#note")
    page.keyboard.type("Forprosjekt vert starta")
    tab_to(page, "#decide-submit")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.ok
    shown = project(site, READY)
    assert shown["phase"] == "pre_project"
    last = shown["decisions"][-1]
    assert (last["outcome"], last["by"], last["note"]) == ("go", KARI.name, "Forprosjekt vert starta")
    assert page.locator("#phase-bar li[aria-current=step]").inner_text().strip().startswith("Pre-project")


def _decide(page, code: str, outcome: str, note: str = ""):
    page.goto(f"/projects/{code}/decide?lang=en")
    form = page.locator("#decide-form")
    form.locator(f"#outcome-{outcome}").check()
    form.locator("#note").fill(note)
    return submit(page, form)


def test_go_at_a_gate_that_is_not_ready_is_refused_with_409_listing_what_is_missing(page, site):
    sign_in(page, KARI)
    before = region_state(site)
    response = _decide(page, EARLY, "go")
    assert response.status == 409
    missing = page.locator("#gate-missing li")
    assert missing.count() >= 1
    assert "Idea sketch or mandate written" in page.inner_text("#gate-missing")
    assert region_state(site) == before


def test_rework_without_a_note_is_a_bad_form(page, site):
    sign_in(page, KARI)
    before = region_state(site)
    assert _decide(page, READY, "rework").status == 400
    assert page.locator(".error-message").count() >= 1
    assert region_state(site) == before


def test_a_decision_changed_meanwhile_gives_409_and_shows_the_current_state(new_context, site):
    first, second = open_page(new_context()), open_page(new_context())
    for p in (first, second):
        sign_in(p, KARI)
        p.goto(f"/projects/{READY}/decide?lang=en")
        p.check("#outcome-go")
        p.fill("#note", "Går vidare")
    assert submit(first, first.locator("#decide-form")).ok
    before = region_state(site)
    response = submit(second, second.locator("#decide-form"))
    assert response.status == 409
    assert second.locator("#changed-meanwhile").count() == 1
    assert "BP2" in second.inner_text("#main")  # the page shows the project as it stands now: at BP2
    assert region_state(site) == before
    assert [d["outcome"] for d in project(site, READY)["decisions"]] == ["go"]


def test_a_decision_with_a_date_that_is_not_a_date_is_a_bad_form(page, site):
    sign_in(page, KARI)
    page.goto(f"/projects/{READY}/decide?lang=en")
    page.check("#outcome-go")
    page.evaluate("document.getElementById('date').type = 'text'")  # past the browser's own date picker
    page.fill("#date", "the 32nd of March")
    before = region_state(site)
    assert submit(page, page.locator("#decide-form")).status == 400
    assert region_state(site) == before


def test_someone_who_may_not_decide_gets_403_naming_the_role_even_with_a_valid_session_and_token(page, site):
    sign_in(page, OLA)
    page.goto(f"/projects/{READY}?lang=en")
    token = hidden(page, "form", "csrf_token")
    version = hidden(page, "form", "version") or str(project(site, READY).get("version", ""))
    before = region_state(site)
    response = post(page, f"/projects/{READY}/decide?lang=en",
                    {"outcome": "go", "note": "", "date": "2026-03-16", "version": version, "csrf_token": token})
    assert response.status == 403
    assert "sponsor" in response.text() or "steering" in response.text()
    assert region_state(site) == before


def test_anchoring_is_recorded_through_the_form(page, site):
    sign_in(page, KARI)
    page.goto(f"/projects/{PRE}?lang=en")
    form = page.locator("#anchoring-form")
    for name, value in (("org", "Vennesla"), ("body", "kommunestyre"), ("ref", "PS 12/26"),
                        ("date", "2026-03-10"), ("outcome", "approved")):
        set_field(form, name, value)
    assert submit(page, form).ok
    rows = project(site, PRE)["anchoring"]
    assert [(a["org"], a["ref"], a["date"], a["outcome"]) for a in rows] == [
        ("Vennesla", "PS 12/26", "2026-03-10", "approved")]
    assert "PS 12/26" in page.inner_text("#anchoring")


def test_a_milestone_is_marked_done_by_its_responsible_person(page, site):
    ms = next(m for m in project(site, PRE)["milestones"] if m["title"] == OVERDUE_TITLE)
    sign_in(page, KARI)
    page.goto(f"/projects/{PRE}?lang=en")
    form = page.locator(f"#milestone-{ms['id']} form.milestone-done")
    if form.locator("[name=on]").count() and form.locator("[name=on]").get_attribute("type") != "hidden":
        set_field(form, "on", "2026-03-12")
    assert submit(page, form).ok
    done = next(m for m in project(site, PRE)["milestones"] if m["id"] == ms["id"])
    assert done["done_on"] in ("2026-03-12", "2026-03-16")


def _checklist(site, code: str) -> dict[str, bool]:
    return {i["key"]: i["done"] for i in json.loads(site.plp("checklist", "show", code, "--json"))}


def test_the_leader_ticks_and_unticks_a_checklist_item(page, site):
    sign_in(page, PER)
    for expected in (True, False):
        page.goto(f"/projects/{PRE}?lang=en")
        assert submit(page, page.locator("#item-project_plan form.checklist-toggle")).ok
        assert _checklist(site, PRE)["project_plan"] is expected


def test_a_checklist_form_from_before_a_change_gives_409_changed_meanwhile(new_context, site):
    first, second = open_page(new_context()), open_page(new_context())
    for p in (first, second):
        sign_in(p, PER)
        p.goto(f"/projects/{PRE}?lang=en")
    assert submit(first, first.locator("#item-project_plan form.checklist-toggle")).ok
    before = region_state(site)
    response = submit(second, second.locator("#item-project_plan form.checklist-toggle"))
    assert response.status == 409
    assert second.locator("#changed-meanwhile").count() == 1
    assert region_state(site) == before
    assert _checklist(site, PRE)["project_plan"] is True


def test_the_trust_answer_is_recorded_for_the_signed_in_person(page, site):
    sign_in(page, KARI)
    page.goto(f"/trust/{TRUST_ROUND}?lang=en")
    form = page.locator("form:has([name=score1])")
    for i, score in enumerate("45324", start=1):
        set_field(form, f"score{i}", score)
    set_field(form, "comment", "Betre enn i fjor")
    assert submit(page, form).ok
    rows = query(db_target(site), "SELECT shared_goals, anchoring, attitudes, processes, framework, comment FROM trust_answer "
                         "JOIN person ON person.id = trust_answer.respondent_id WHERE person.email = :e AND round = :r",
                 e=KARI.email, r=TRUST_ROUND)
    assert [tuple(r) for r in rows] == [(4, 5, 3, 2, 4, "Betre enn i fjor")]
