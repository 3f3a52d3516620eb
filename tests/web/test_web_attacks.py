"""Attacks on the web: forged requests, script in user text, guessed feeds, missing headers."""

from __future__ import annotations

import re

import pytest

from tests.web.pages import csrf, hidden, post, project, region_state, set_field, sign_in, submit
from tests.web.seed import EARLY, EVE, HOSTILE, KARI, OLA, READY, TRUST_ROUND, XSS

TICK = f"/projects/{EARLY}/checklist/idea_sketch"


def _tick_form(page) -> dict:
    page.goto(f"/projects/{EARLY}?lang=en")
    return {"done": "true", "version": hidden(page, "#item-idea_sketch form", "version"),
            "csrf_token": hidden(page, "#item-idea_sketch form", "csrf_token")}


@pytest.mark.parametrize("token", [None, "", "wrong-token", "x" * 64])
def test_a_post_with_a_missing_or_wrong_csrf_token_is_403_and_changes_nothing(shared_page, shared_site, token):
    page, site = shared_page, shared_site  # a refused request changes nothing, so one server serves them all
    sign_in(page, KARI)
    form = _tick_form(page)
    if token is None:
        del form["csrf_token"]
    else:
        form["csrf_token"] = token
    before = region_state(site)
    assert post(page, TICK, form).status == 403
    assert region_state(site) == before


def test_the_same_post_with_the_right_token_succeeds(page, site):
    sign_in(page, KARI)
    before = region_state(site)
    assert post(page, TICK, _tick_form(page)).status == 303
    assert region_state(site) != before


def test_a_token_from_another_persons_session_is_refused(shared_page, shared_site, shared_context):
    page, site, new_context = shared_page, shared_site, shared_context
    other = new_context().new_page()
    sign_in(other, OLA)
    other.goto(f"/projects/{EARLY}?lang=en")
    foreign = csrf(other)
    sign_in(page, KARI)
    form = _tick_form(page)
    form["csrf_token"] = foreign
    before = region_state(site)
    assert post(page, TICK, form).status == 403
    assert region_state(site) == before


def test_a_form_posted_from_another_site_changes_nothing(shared_page, shared_site):
    page, site = shared_page, shared_site
    sign_in(page, KARI)
    form = _tick_form(page)
    before = region_state(site)
    fields = "".join(f'<input name="{k}" value="{v}">' for k, v in form.items())
    page.goto("about:blank")
    page.set_content(f'<form id="f" method="post" action="{site.url}{TICK}">{fields}</form>')
    with page.expect_navigation():
        page.evaluate("document.getElementById('f').submit()")
    assert region_state(site) == before


def _injected(page) -> list[str]:
    """Elements that only exist when a hostile text was put into the page as markup."""
    return page.evaluate("""() => [
        ...[...document.querySelectorAll('img[src="x"], [onerror], [onmouseover]')].map(e => e.outerHTML),
        ...[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).map(s => s.outerHTML),
    ]""")


PAGES_WITH_TEXT = {
    f"/projects/{HOSTILE}": ["project name", "person name", "goal", "milestone title", "decision note",
                             "anchoring ref"],
    "/projects": ["project name"],
    f"/projects/{HOSTILE}/history": ["project name"],
    f"/projects/{HOSTILE}/decide": ["project name"],
    "/region": ["plan title", "measure title", "trust comment"],
    "/": ["milestone title"],
    "/me": [],
    "/public": ["project name"],
    f"/trust/{TRUST_ROUND}": [],
}


def test_user_text_with_script_is_shown_literally_and_never_runs(shared_page):
    page = shared_page
    sign_in(page, EVE)
    for path, texts in PAGES_WITH_TEXT.items():
        page.goto(path + "?lang=en")
        assert page.dialogs == [], (path, page.dialogs)
        assert _injected(page) == [], path
        body = page.inner_text("body")
        for key in texts:
            assert XSS[key] in body, (path, key)


def test_script_sent_in_a_form_is_echoed_literally_in_the_answer(shared_page):
    page = shared_page
    hostile = '</textarea><script>alert("echo")</script><img src=x onerror=alert("echo")>'
    page.goto("/login?lang=en")
    page.evaluate("document.getElementById('login-form').noValidate = true")  # an attacker skips the browser's checks
    page.fill("#email", hostile)
    page.fill("#password", hostile)
    submit(page, page.locator("#login-form"))
    assert page.dialogs == [] and _injected(page) == []
    sign_in(page, KARI)
    page.goto(f"/projects/{EARLY}/decide?lang=en")
    page.check("#outcome-go")
    page.fill("#note", hostile)
    assert submit(page, page.locator("#decide-form")).status == 409
    assert page.dialogs == [] and _injected(page) == []


def test_script_typed_into_a_note_and_a_comment_is_stored_and_shown_literally(page, site):
    note, comment = '<script>alert("typed note")</script>', '"><img src=x onerror=alert("typed comment")>'
    sign_in(page, KARI)
    page.goto(f"/projects/{READY}/decide?lang=en")
    page.check("#outcome-rework")
    page.fill("#note", note)
    assert submit(page, page.locator("#decide-form")).ok
    page.goto(f"/trust/{TRUST_ROUND}?lang=en")
    for i in range(1, 6):
        set_field(page.locator("#trust-form"), f"score{i}", "3")
    page.fill("#comment", comment)
    assert submit(page, page.locator("#trust-form")).ok
    for path, text in ((f"/projects/{READY}", note), (f"/projects/{READY}/history", note), ("/region", comment)):
        page.goto(path + "?lang=en")
        assert page.dialogs == [] and _injected(page) == [], path
        assert text in page.inner_text("body"), path
    assert project(site, READY)["decisions"][-1]["note"] == note


def _feed_url(page) -> str:
    page.goto("/me?lang=en")
    feed = page.locator("#feed-url")
    return (feed.get_attribute("href") or feed.get_attribute("value") or feed.inner_text()).strip()


def _uids(ics: str) -> set[str]:
    return set(re.findall(r"^UID:(.+?)\r?$", ics.replace("\r\n ", ""), flags=re.M))


def test_the_calendar_feed_has_the_same_stable_uids_as_the_export(shared_page, shared_site, shared_context):
    page, site, new_context = shared_page, shared_site, shared_context
    sign_in(page, KARI)
    url = _feed_url(page)
    assert url.startswith(f"{site.url}/calendar/") and url.endswith(".ics")
    response = new_context().request.get(url)  # a calendar program has no session
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    feed = response.text()
    assert "BEGIN:VCALENDAR" in feed
    export = site.log.parent / "export.ics"
    site.plp("export", "ics", "--output", str(export))
    exported = _uids(export.read_text(encoding="utf-8"))
    assert _uids(feed) and _uids(feed) <= exported
    assert _uids(new_context().request.get(url).text()) == _uids(feed)  # stable from one read to the next


def test_a_wrong_or_guessed_feed_token_is_404(shared_page, shared_context):
    page, new_context = shared_page, shared_context
    sign_in(page, KARI)
    kari = _feed_url(page)
    token = kari.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    anonymous = new_context().request
    for guess in (wrong, "0", "x" * len(token), "../me", token.upper() if token.upper() != token else token.lower()):
        assert anonymous.get(f"/calendar/{guess}.ics").status == 404, guess


def test_each_person_has_their_own_feed_and_a_renewed_one_ends_the_old(page, site, new_context):
    sign_in(page, KARI)
    kari = _feed_url(page)
    other = new_context().new_page()
    sign_in(other, OLA)
    assert _feed_url(other) != kari
    submit(page, page.locator("#feed-form"))
    renewed = _feed_url(page)
    assert renewed != kari
    anonymous = new_context().request
    assert anonymous.get(kari).status == 404
    assert anonymous.get(renewed).status == 200


def _directives(csp: str) -> dict[str, list[str]]:
    parts = [d.strip().split() for d in csp.split(";") if d.strip()]
    return {p[0].lower(): p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/login", "/", f"/projects/{EARLY}", "/public", "/projects/no-such-project"])
def test_every_page_sends_the_security_headers(shared_page, path):
    page = shared_page
    sign_in(page, KARI)
    response = page.goto(path + "?lang=en")
    headers = response.headers
    csp = _directives(headers["content-security-policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None and "'unsafe-inline'" not in scripts
    assert csp["frame-ancestors"] == ["'none'"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]


def test_cookies_are_httponly_and_samesite_lax(shared_page):
    page = shared_page
    page.goto("/login?lang=en")
    sign_in(page, KARI)
    cookies = page.context.cookies()
    assert {c["name"] for c in cookies} >= {"plp_session"}
    for c in cookies:
        assert c["httpOnly"], c["name"]
        assert c["sameSite"] == "Lax", c["name"]
        assert not c["secure"]  # a plain-http base URL; an https PLP_BASE_URL makes them Secure
