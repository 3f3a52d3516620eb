"""Accessibility: axe-core finds nothing, no page scrolls sideways on a phone, every field has a visible label."""

from __future__ import annotations

import pytest

from tests.web.conftest import open_page
from tests.web.pages import sign_in
from tests.web.seed import EVE, HOSTILE, KARI, READY, TRUST_ROUND

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

#: Every kind of page, and whether it needs a signed-in person.
PAGES = [
    ("/login", False),
    ("/public", False),
    ("/", True),
    ("/projects", True),
    (f"/projects/{READY}", True),
    (f"/projects/{READY}/history", True),
    (f"/projects/{READY}/decide", True),
    ("/region", True),
    (f"/trust/{TRUST_ROUND}", True),
    ("/me", True),
    ("/projects/no-such-project", True),  # an error page (404)
]

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && !['submit', 'button', 'reset', 'image'].includes(e.type))
    .filter(e => {
        const ids = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
        const labels = [...(e.labels || []), ...ids.map(id => document.getElementById(id)).filter(Boolean)];
        return !labels.some(l => {
            const box = l.getBoundingClientRect(), style = getComputedStyle(l);
            return box.width > 1 && box.height > 1 && style.visibility !== 'hidden' && l.innerText.trim() !== '';
        });
    })
    .map(e => e.outerHTML)"""


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in results.response["violations"]]


@pytest.mark.parametrize(("path", "signed_in"), PAGES, ids=[p for p, _ in PAGES])
def test_the_page_has_no_axe_violations_fits_a_phone_and_labels_every_field(shared_context, path, signed_in):
    for viewport in (DESKTOP, PHONE):
        page = open_page(shared_context(viewport=viewport))
        if signed_in:
            sign_in(page, KARI)
        response = page.goto(path + "?lang=en")
        assert response.status == (404 if "no-such" in path else 200)
        assert _violations(page) == [], viewport
        assert page.evaluate(UNLABELLED) == [], viewport
        if viewport is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} scrolls sideways on a phone: {width}px"


def test_a_project_of_long_hostile_text_fits_a_phone_for_its_sponsor(shared_context):
    """The sponsor sees the forms too, whose buttons carry hidden labels with the user's text."""
    page = open_page(shared_context(viewport=PHONE))
    sign_in(page, EVE)
    assert page.goto(f"/projects/{HOSTILE}?lang=en").status == 200
    assert page.locator("#milestones button").count() >= 1  # the hidden label is there to be measured
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the project of hostile text scrolls sideways on a phone: {width}px"


def test_the_409_page_for_a_gate_that_is_not_ready_has_no_axe_violations(shared_page):
    page = shared_page
    sign_in(page, KARI)
    page.goto("/projects/early/decide?lang=en")
    page.check("#outcome-go")
    with page.expect_navigation() as nav:
        page.locator("#decide-submit").click()
    assert nav.value.status == 409
    assert _violations(page) == []


def test_the_first_tab_reaches_the_skip_link_to_main(shared_page):
    page = shared_page
    sign_in(page, KARI)
    page.goto(f"/projects/{READY}?lang=en")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert "skip-link" in focused[0] and focused[1] == "#main"
    assert page.locator("main#main").count() == 1
