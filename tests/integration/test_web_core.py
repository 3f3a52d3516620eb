"""The web's server side in-process (FastAPI's TestClient over the real app and database).

The browser tests (tests/web) drive a real ``plp serve``; these check the rules
quickly: sign-in, CSRF, permissions, "changed meanwhile", escaping, headers.
"""

from __future__ import annotations

import logging
import re

import pytest

from plp.actor import Actor
from tests.conftest import dump, query

PASSWORD = "correct horse battery"
BASE_URL = "http://testserver"  # TestClient's own address


@pytest.fixture
def web(region, db_path):
    """The app on this test's database: Kari sponsors vdc, Per leads it, Ola is in no role."""
    from fastapi.testclient import TestClient

    from plp.services.signin import set_password
    from plp.web import create_app

    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("role", "assign", "vdc", "Per Leiar", "leader")
    app = create_app(str(db_path), base_url=BASE_URL)  # as deployed: emailed links need PLP_BASE_URL
    for who in ("kari@example.no", "ola@example.no"):
        set_password(app.state.settings.db, person=who, password=PASSWORD, actor=Actor("tester", None, "env"))
    logging.getLogger("plp.web").disabled = True
    return lambda: TestClient(app, raise_server_exceptions=False)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def sign_in(client, email: str = "kari@example.no", password: str = PASSWORD, next_path: str = "/"):
    token = csrf(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token,
                                       "next": next_path}, follow_redirects=False)


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page_with_next(web):
    r = web().get("/projects/vdc", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fprojects%2Fvdc"


def test_signing_in_rotates_the_session_and_answers_303_to_a_local_next_only(web):
    c = web()
    r = sign_in(c, next_path="/projects/vdc")
    assert r.status_code == 303 and r.headers["location"] == "/projects/vdc"
    first = c.cookies.get("plp_session")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert c.get("/projects/vdc").status_code == 200
    r = sign_in(c, next_path="//evil.example/")
    assert r.headers["location"] == "/" and c.cookies.get("plp_session") != first
    # The database holds only hashes of session ids: the cookie's value is nowhere in it.
    assert first not in _dump(c)


def _db(client):
    return client.app.state.settings.db.url.removeprefix("sqlite:///") if client.app.state.settings.db.is_sqlite \
        else client.app.state.settings.db.url


def _dump(client):
    from pathlib import Path

    target = _db(client)
    return dump(Path(target) if client.app.state.settings.db.is_sqlite else target)


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(web):
    c = web()
    wrong = sign_in(c, password="not it at all")
    unknown = sign_in(c, email="nobody@example.no")
    assert wrong.status_code == unknown.status_code == 400
    assert "E-postadressa eller passordet er feil." in wrong.text
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.text)  # noqa: E731 (the typed address is echoed back)
    assert strip(wrong) == strip(unknown)
    assert "plp_session" not in c.cookies


def test_sign_in_attempts_are_limited_per_account_even_for_the_right_password(web):
    c = web()
    for _ in range(5):
        assert sign_in(c, password="wrong password").status_code == 400
    r = sign_in(c)
    assert r.status_code == 429 and "plp_session" not in c.cookies
    assert query(_dbpath(c), "SELECT count(*) FROM signin_attempt WHERE account = 'kari@example.no'") == [(5,)]
    assert sign_in(web(), email="ola@example.no").status_code == 303  # another account is not affected


def _dbpath(client):
    from pathlib import Path

    return Path(_db(client)) if client.app.state.settings.db.is_sqlite else _db(client)


def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(web):
    c = web()
    sign_in(c, email="kari@example.no")
    page = c.get("/projects/vdc").text
    before = _dump(c)
    r = c.post("/projects/vdc/checklist/idea_sketch", data={"done": "true", "version": version(page),
                                                           "csrf_token": "forged"})
    assert r.status_code == 403 and "Traceback" not in r.text
    r = c.post("/projects/vdc/checklist/idea_sketch", data={"done": "true", "version": version(page)})
    assert r.status_code == 403
    assert _dump(c) == before


def test_a_non_decider_posting_a_decision_gets_403_naming_the_missing_role(web):
    c = web()
    sign_in(c, email="ola@example.no")
    page = c.get("/projects/vdc/decide?lang=en")
    assert page.status_code == 200 and 'id="decide-form"' not in page.text
    before = _dump(c)
    r = c.post("/projects/vdc/decide?lang=en", data={"outcome": "stop", "note": "no", "version": "99",
                                                     "csrf_token": csrf(page.text)})
    assert r.status_code == 403
    assert "project sponsor or steering group" in r.text
    assert _dump(c) == before


def test_go_on_a_gate_that_is_not_ready_gets_409_with_what_is_missing(web):
    c = web()
    sign_in(c)
    page = c.get("/projects/vdc/decide?lang=en").text
    r = c.post("/projects/vdc/decide?lang=en", data={"outcome": "go", "version": version(page),
                                                     "csrf_token": csrf(page)})
    assert r.status_code == 409
    missing = re.search(r'<ul id="gate-missing">(.*?)</ul>', r.text, re.S).group(1)
    assert "Idea sketch or mandate written" in missing and "Possible owners contacted" in missing
    assert query(_dbpath(c), "SELECT count(*) FROM decision") == [(0,)]


@pytest.mark.parametrize("outcome", ["rework", "hold", "stop"])
def test_rework_hold_and_stop_without_a_note_are_a_bad_form(web, outcome):
    c = web()
    sign_in(c)
    page = c.get("/projects/vdc/decide?lang=en").text
    r = c.post("/projects/vdc/decide?lang=en", data={"outcome": outcome, "note": "  ", "version": version(page),
                                                     "csrf_token": csrf(page)})
    assert r.status_code == 400
    assert 'id="note-error"' in r.text and 'aria-describedby="note-help note-error"' in r.text
    assert query(_dbpath(c), "SELECT count(*) FROM decision") == [(0,)]


def test_a_decision_made_from_a_page_someone_else_changed_meanwhile_gets_409(web, cli):
    c = web()
    sign_in(c)
    page = c.get("/projects/vdc/decide").text
    assert cli("--as", "Per Leiar", "checklist", "tick", "vdc", "idea_sketch").code == 0  # meanwhile
    r = c.post("/projects/vdc/decide", data={"outcome": "stop", "note": "Ikkje no.", "version": version(page),
                                             "csrf_token": csrf(page)})
    assert r.status_code == 409 and 'id="changed-meanwhile"' in r.text
    assert query(_dbpath(c), "SELECT status FROM project WHERE code = 'vdc'") == [("active",)]
    assert version(r.text) != version(page)  # the page shows the current state to decide on again


def test_the_sponsor_decides_go_by_the_form_once_the_gate_is_ready(web, cli):
    c = web()
    sign_in(c)
    for item in ("idea_sketch", "owners_identified"):
        assert cli("--as", "Per Leiar", "checklist", "tick", "vdc", item).code == 0
    page = c.get("/projects/vdc").text
    assert 'class="checklist-toggle' not in page  # ticking is the leader's, so the sponsor sees no form
    page = c.get("/projects/vdc/decide").text
    r = c.post("/projects/vdc/decide", data={"outcome": "go", "note": "Vi går vidare.", "attendee": ["1", "2"],
                                             "version": version(page), "csrf_token": csrf(page)},
               follow_redirects=False)
    assert r.status_code == 303
    assert query(_dbpath(c), "SELECT phase FROM project WHERE code = 'vdc'") == [("pre_project",)]
    assert query(_dbpath(c), "SELECT outcome, note FROM decision") == [("go", "Vi går vidare.")]
    events = query(_dbpath(c), "SELECT actor FROM event WHERE kind = 'decision_taken'")
    assert events == [("Kari Nordmann",)]  # the signed-in person acts, never a form field


def test_a_checklist_tick_from_a_stale_page_is_refused_with_409(web, cli):
    assert cli("role", "remove", "vdc", "Per Leiar", "leader").code == 0  # the sponsor stands in
    c = web()
    sign_in(c)
    page = c.get("/projects/vdc").text
    assert cli("--as", "Kari Nordmann", "checklist", "tick", "vdc", "owners_identified").code == 0
    r = c.post("/projects/vdc/checklist/idea_sketch", data={"done": "true", "version": version(page),
                                                           "csrf_token": csrf(page)})
    assert r.status_code == 409 and 'id="changed-meanwhile"' in r.text
    assert query(_dbpath(c), "SELECT item_key FROM checklist_tick") == [("owners_identified",)]


def test_user_text_comes_out_escaped_and_literal(web, cli):
    assert cli("goal", "add", "vdc", "effect", "<script>alert(1)</script> & «meir»").code == 0
    c = web()
    sign_in(c)
    html = c.get("/projects/vdc").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «meir»" in html and "<script>" not in html


def test_every_answer_carries_the_security_headers(web):
    c = web()
    for url in ("/login", "/healthz", "/nope", "/public"):
        r = c.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"]
    assert c.get("/healthz").json() == {"ok": True}
    r = c.get("/nope?lang=en")
    assert r.status_code == 404 and "What you are looking for does not exist." in r.text


def test_cookies_are_secure_when_the_base_url_is_https(region, db_path, monkeypatch):
    from fastapi.testclient import TestClient

    from plp.web import create_app

    monkeypatch.setenv("PLP_BASE_URL", "https://plp.region.no")
    r = TestClient(create_app(str(db_path)), base_url="https://testserver").get("/login")
    assert "secure" in r.headers["set-cookie"].lower()


def test_a_one_time_link_signs_in_once_and_the_page_never_tells_who_exists(web, monkeypatch):
    from tests.servers import SmtpServer

    smtp = SmtpServer().start()
    try:
        monkeypatch.setenv("PLP_SMTP_URL", smtp.url)
        c = web()
        token = csrf(c.get("/login").text)
        known = c.post("/login/link", data={"email": "kari@example.no", "csrf_token": token})
        unknown = c.post("/login/link", data={"email": "ingen@example.no", "csrf_token": token})
        assert known.status_code == unknown.status_code == 200 and known.text == unknown.text
        mails = smtp.received()
        assert [m[0] for m in mails] == ["kari@example.no"]
        link = re.search(r"http://testserver(/login/link/\S+)", mails[0][2]).group(1)
        assert link.split("/")[-1] not in _dump(c)  # only its hash is stored
        first = c.get(link, follow_redirects=False)
        assert first.status_code == 303 and "plp_session" in c.cookies
        assert web().get(link, follow_redirects=False).status_code == 404  # once only
    finally:
        smtp.stop()


def _ask_for_link(client, host: str):
    token = csrf(client.get("/login").text)
    return client.post("/login/link", data={"email": "kari@example.no", "csrf_token": token},
                       headers={"host": host})


def test_a_forged_host_header_never_reaches_the_sign_in_mail(web, region, db_path, monkeypatch):
    from fastapi.testclient import TestClient

    from plp.web import create_app
    from tests.servers import SmtpServer

    smtp = SmtpServer().start()
    try:
        monkeypatch.setenv("PLP_SMTP_URL", smtp.url)
        monkeypatch.delenv("PLP_BASE_URL", raising=False)
        # With PLP_BASE_URL the link is on it, whatever Host the request names.
        c = web()
        normal = _ask_for_link(c, "testserver")
        forged = _ask_for_link(c, "evil.example")
        assert forged.status_code == 200 and forged.text == normal.text
        bodies = [m[2] for m in smtp.received()]
        assert len(bodies) == 2 and all(f"{BASE_URL}/login/link/" in b for b in bodies)
        assert not any("evil.example" in b for b in bodies)
        # Without it no link is mailed at all, and the page reads the same.
        bare = TestClient(create_app(str(db_path)), raise_server_exceptions=False)
        assert _ask_for_link(bare, "evil.example").text == normal.text
        assert len(smtp.received()) == 2
    finally:
        smtp.stop()


def test_an_expired_link_signs_nobody_in(web, monkeypatch):
    import datetime as dt

    from plp.services import signin

    c = web()
    db = c.app.state.settings.db
    _, token = signin.request_link(db, email="kari@example.no", client="t", now=signin._now() - dt.timedelta(minutes=16))
    assert c.get(f"/login/link/{token}", follow_redirects=False).status_code == 404


def test_sign_out_everywhere_ends_every_session_of_the_person(web):
    phone, laptop = web(), web()
    sign_in(phone)
    sign_in(laptop)
    me = laptop.get("/me").text
    r = laptop.post("/me/signout-all", data={"csrf_token": csrf(me)}, follow_redirects=False)
    assert r.status_code == 303
    assert phone.get("/", follow_redirects=False).status_code == 303  # sent to /login


def test_the_calendar_feed_answers_only_to_the_person_s_token(web, cli):
    assert cli("milestone", "add", "vdc", "Idéskisse klar", "--due", "2030-01-10", "--responsible",
               "Kari Nordmann").code == 0
    c = web()
    sign_in(c)
    url = re.search(r'<code id="feed-url">([^<]+)</code>', c.get("/me").text).group(1)
    path = "/" + url.split("/", 3)[3]
    feed = web().get(path)  # no sign-in needed: the token is the key
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "UID:vdc-milestone-" in feed.text
    assert web().get(path.replace(".ics", "x.ics")).status_code == 404
    assert web().get("/calendar/1-guess.ics").status_code == 404


def test_the_public_page_shows_published_projects_only_without_sign_in(web, cli):
    c = web()
    assert "vdc" not in c.get("/public").text and "Datasenter" not in c.get("/public").text
    assert cli("--as", "Kari Nordmann", "project", "publish", "vdc").code == 0
    html = c.get("/public").text
    assert "Datasenter" in html and "kari@example.no" not in html
    assert cli("--as", "Kari Nordmann", "project", "publish", "vdc", "--undo").code == 0
    assert "Datasenter" not in c.get("/public").text


def test_my_work_lists_a_ready_decision_for_the_sponsor_first_with_its_link(web, cli):
    for item in ("idea_sketch", "owners_identified"):
        assert cli("--as", "Per Leiar", "checklist", "tick", "vdc", item).code == 0
    c = web()
    sign_in(c)
    html = c.get("/?lang=en").text
    assert 'href="/projects/vdc/decide"' in html and "ready for decision" in html


def test_person_password_reads_one_line_from_stdin_and_clear_removes_it(plp_bin, region, db_path):
    import subprocess

    from tests.conftest import PLP_BIN

    p = subprocess.run([PLP_BIN, "person", "password", "Ola Nordmann"], input="ein lang løyndom\n",
                       capture_output=True, text=True)
    assert p.returncode == 0 and "ein lang løyndom" not in p.stdout + p.stderr
    stored = query(_path(db_path), "SELECT password_hash FROM person_secret")[0][0]
    assert stored.startswith("$argon2id$")
    p = subprocess.run([PLP_BIN, "person", "password", "Ola Nordmann"], input="kort\n", capture_output=True,
                       text=True)
    assert p.returncode == 1 and p.stderr.startswith("Error: the password is too short")
    assert plp_bin("person", "password", "Ola Nordmann", "--clear").code == 0
    assert query(_path(db_path), "SELECT password_hash FROM person_secret") == [(None,)]


def _path(db_path):
    return db_path


def test_a_reminder_links_to_the_page_where_it_is_settled_only_with_a_base_url(monkeypatch):
    import datetime as dt

    from plp.reminders import DueReminder, Recipient, compose

    r = DueReminder("decision_waiting", 1, "vdc", "Datasenter", 1, "BP1", "idea-r1", dt.date(2026, 1, 1))
    to = Recipient(1, "Kari", "kari@example.no", "en", "sponsor")
    monkeypatch.delenv("PLP_BASE_URL", raising=False)
    assert "http" not in compose(r, to)[1]
    monkeypatch.setenv("PLP_BASE_URL", "https://plp.region.no/")
    assert "  https://plp.region.no/projects/vdc/decide\n" in compose(r, to)[1]


def test_a_bug_answers_500_in_one_sentence_with_the_headers_and_no_traceback(web, monkeypatch):
    import plp.web.routes.work as work

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(work, "my_work", broken)
    c = web()
    sign_in(c)
    r = c.get("/?lang=en")
    assert r.status_code == 500 and "Something went wrong on our side." in r.text
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_publishing_from_a_stale_page_is_refused_with_409_and_publishes_nothing(web, cli):
    c = web()
    sign_in(c)
    page = c.get("/projects/vdc").text
    assert cli("goal", "add", "vdc", "effect", "Fleire arbeidsplassar").code == 0  # someone else, meanwhile
    r = c.post("/projects/vdc/publish", data={"published": "true", "version": version(page),
                                              "csrf_token": csrf(page)})
    assert r.status_code == 409 and 'id="changed-meanwhile"' in r.text
    assert query(_dbpath(c), "SELECT count(*) FROM publication") == [(0,)]
    page = c.get("/projects/vdc").text
    r = c.post("/projects/vdc/publish", data={"published": "true", "version": version(page),
                                              "csrf_token": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    assert query(_dbpath(c), "SELECT count(*) FROM publication") == [(1,)]


def test_plp_serve_s_workers_leave_the_schema_to_the_migration_before_they_start(db_path, monkeypatch):
    """`plp serve` migrates once, before any worker starts; create_app() (uvicorn, gunicorn) migrates itself."""
    from plp.db import HEAD_REVISION
    from plp.web import create_app
    from plp.web.app import worker
    from tests.integration.test_persistence import _downgrade

    _downgrade(db_path, "0007")
    monkeypatch.setenv("PLP_DB", str(db_path))
    worker()
    assert query(db_path, "SELECT version_num FROM alembic_version") == [("0007",)]
    create_app(str(db_path))
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
