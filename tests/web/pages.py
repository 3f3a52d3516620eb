"""What the browser tests do again and again: sign in, read a form's tokens, post directly."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.web.seed import Person

#: Tables a request may touch without changing what the region records: sign-in state
#: (sessions, one-time links, counted failed attempts).
SESSION_TABLES = {"web_session", "signin_link", "signin_attempt"}


def sign_in(page, person: Person, next_path: str | None = None) -> None:
    """Sign in through the login form, in English, and wait for the page it leads to."""
    page.goto("/login?lang=en" + (f"&next={next_path}" if next_path else ""))
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login" not in page.url, f"sign-in of {person.email} failed: {page.inner_text('body')[:500]}"


def csrf(page) -> str:
    """The CSRF token of the page's first POST form."""
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def hidden(page, form: str, name: str) -> str:
    return page.locator(f"{form} input[name={name}]").first.get_attribute("value")


def post(page, path: str, form: dict):
    """POST a form straight to the server with the page's cookies (no browser form); the response, not followed."""
    return page.request.post(path, form=form, max_redirects=0, fail_on_status_code=False)


def project(site, code: str) -> dict:
    return json.loads(site.plp("project", "show", code, "--json"))


def history(site, code: str) -> list[dict]:
    return json.loads(site.plp("project", "history", code, "--json"))


def db_target(site):
    """The site's database as tests.conftest's helpers take it: a Path for SQLite, else the URL."""
    return Path(site.db) if "://" not in site.db else site.db


def region_state(site) -> str:
    """The database as text without the sign-in tables, to prove a refused request changed nothing."""
    from tests.conftest import dump

    text = dump(db_target(site))
    keep = [line for line in text.splitlines() if not _is_session_line(line)]
    return "\n".join(keep)


def _is_session_line(line: str) -> bool:
    # SQLite's iterdump writes INSERT INTO "table" ...; the PostgreSQL dump writes "table: [...]".
    m = re.match(r'INSERT INTO "([^"]+)"', line) or re.match(r"(\w+): ", line)
    return bool(m and m.group(1) in SESSION_TABLES)


def wait_for_mail(site, email: str, count: int = 1, timeout: float = 15) -> list[tuple[str, str]]:
    """The mails to ``email`` once ``count`` have arrived (SMTP delivery happens after the answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = site.mails_to(email)
        if len(mails) >= count:
            return mails
        time.sleep(0.1)
    raise AssertionError(f"no mail to {email} within {timeout}s; got {site.smtp.received()}")


def link_in(body: str, site) -> str:
    m = re.search(re.escape(site.url) + r"/login/link/[^\s\"'<>]+", body)
    assert m, f"no sign-in link in the mail: {body!r}"
    return m.group(0)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def set_field(form, name: str, value: str) -> None:
    """Give the form's field ``name`` the value, whatever kind of control it is."""
    field = form.locator(f"[name={name}]")
    kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if kind.startswith("select"):
        options = field.first.locator("option")
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        if value in values:
            field.first.select_option(value=value)
        else:
            field.first.select_option(label=value)
    elif kind.endswith(":radio") or kind.endswith(":checkbox"):
        form.locator(f"[name={name}][value='{value}']").check()
    else:
        field.first.fill(value)


def submit(page, form):
    """Submit ``form`` with its button; the response the browser ends on."""
    with page.expect_navigation() as nav:
        form.locator("[type=submit]").first.click()
    return nav.value
