"""The sign-in lockout: each test has a server of its own, so the counted failures start at zero."""

from __future__ import annotations

from tests.web.seed import KARI, OLA


def signed_in(page) -> bool:
    page.goto("/?lang=en")
    return "/login" not in page.url


def _attempt(page, email: str, password: str):
    """One sign-in through the form; the status and the message the page shows."""
    page.goto("/login?lang=en")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Sign in").click()
    message = page.locator(".error-message")
    return nav.value.status, (message.inner_text() if message.count() else "")


def test_after_five_failures_an_account_is_locked_with_429_even_for_the_right_password(page, site):
    statuses = [_attempt(page, KARI.email, "wrong-password")[0] for _ in range(5)]
    assert 429 not in statuses
    status, _ = _attempt(page, KARI.email, KARI.password)
    assert status == 429
    assert not signed_in(page)


def test_the_lockout_reads_the_same_for_an_unknown_account(page, site):
    known = [_attempt(page, OLA.email, "wrong-password") for _ in range(6)]
    unknown = [_attempt(page, "nobody@example.no", "wrong-password") for _ in range(6)]
    assert known[-1][0] == unknown[-1][0] == 429
    assert known == unknown
