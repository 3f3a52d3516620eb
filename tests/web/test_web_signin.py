"""Signing in and out: by password, by a one-time emailed link, session fixation."""

from __future__ import annotations

import pytest

from tests.web.pages import link_in, post, sign_in, wait_for_mail
from tests.web.seed import KARI, OLA


@pytest.fixture
def site(shared_site):
    """These tests change nothing but sessions, so they share the run's one server (conftest's
    ``page`` and ``new_context`` follow this override)."""
    return shared_site


def signed_in(page) -> bool:
    """Whether the context's session lets it see my-work (a visitor is sent to /login)."""
    page.goto("/?lang=en")
    return "/login" not in page.url


def test_a_visitor_is_sent_to_login_with_next_and_back_to_the_page_after_signing_in(page, site):
    page.goto("/projects/ready?lang=en")
    assert "/login" in page.url and "next=" in page.url
    page.fill("#email", KARI.email)
    page.fill("#password", KARI.password)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()
    assert page.url.split("?")[0] == f"{site.url}/projects/ready"


def test_signing_in_with_the_password_opens_my_work_and_signing_out_ends_the_session(page, site):
    sign_in(page, KARI)
    assert page.url.split("?")[0] == f"{site.url}/"
    assert page.locator("#my-work, #nothing-to-do").count() == 1
    with page.expect_navigation():
        page.locator("#logout-form button, #logout-form [type=submit]").first.click()
    assert not signed_in(page)


def test_a_wrong_password_is_refused_with_the_same_message_as_an_unknown_address(page, site):
    texts = []
    for email in (KARI.email, "nobody@example.no"):
        page.goto("/login?lang=en")
        page.fill("#email", email)
        page.fill("#password", "not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        texts.append(page.locator(".error-message").inner_text())
    assert texts[0] == texts[1]
    assert not signed_in(page)


def test_the_emailed_link_signs_in_once_and_a_second_use_fails(page, site, new_context):
    page.goto("/login?lang=en")
    page.fill("#link-form [name=email]", KARI.email)
    sent = len(site.mails_to(KARI.email))
    with page.expect_navigation():
        page.locator("#link-form [type=submit]").click()
    subject, body = wait_for_mail(site, KARI.email, count=sent + 1)[-1]
    link = link_in(body, site)

    first = new_context().new_page()
    first.goto(link)
    assert signed_in(first)

    second = new_context().new_page()
    response = second.goto(link)
    assert response.status >= 400 or "/login" in second.url
    assert not signed_in(second)


def test_asking_for_a_link_reads_the_same_for_an_unknown_address_and_sends_nothing(page, site):
    texts, sent = [], len(site.mails_to(OLA.email))
    for email in (OLA.email, "nobody@example.no"):
        page.goto("/login?lang=en")
        page.fill("#link-form [name=email]", email)
        with page.expect_navigation():
            page.locator("#link-form [type=submit]").click()
        texts.append(page.locator("#main").inner_text())
    assert texts[0] == texts[1]
    wait_for_mail(site, OLA.email, count=sent + 1)
    assert site.mails_to("nobody@example.no") == []


def test_a_session_cookie_set_before_sign_in_is_replaced_by_a_new_one(page, site, new_context):
    ctx = page.context
    ctx.add_cookies([{"name": "plp_session", "value": "fixed-by-the-attacker", "url": site.url}])
    page.goto("/login?lang=en")
    before = {c["name"]: c["value"] for c in ctx.cookies()}
    sign_in(page, KARI)
    after = {c["name"]: c["value"] for c in ctx.cookies()}
    assert after["plp_session"] not in ("fixed-by-the-attacker", before.get("plp_session"))

    attacker = new_context()
    attacker.add_cookies([{"name": "plp_session", "value": before["plp_session"], "url": site.url}])
    assert not signed_in(attacker.new_page())


def test_a_session_from_before_an_earlier_sign_in_is_not_valid_after_the_next(page, site, new_context):
    sign_in(page, KARI)
    old = {c["name"]: c["value"] for c in page.context.cookies()}["plp_session"]
    sign_in(page, KARI)  # signing in again while signed in rotates the session
    new = {c["name"]: c["value"] for c in page.context.cookies()}["plp_session"]
    assert new != old
    stale = new_context()
    stale.add_cookies([{"name": "plp_session", "value": old, "url": site.url}])
    assert not signed_in(stale.new_page())


def test_logout_without_a_csrf_token_is_refused(page, site):
    sign_in(page, KARI)
    assert post(page, "/logout", {}).status == 403
    assert signed_in(page)
