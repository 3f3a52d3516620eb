"""The outbox: one undeliverable message fails alone, operators retry and cancel, secrets stay hidden."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from tests.conftest import assert_one_line_error, dump, query
from tests.servers import SmtpServer, WebhookServer, free_port

NOW = "2026-03-31T08:00"


class GarbageServer:
    """A TCP server on loopback that answers anything with a line that is not HTTP or SMTP."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                conn.sendall(b"garbage that no protocol knows\r\n\r\n")
                try:
                    conn.recv(65536)
                except OSError:
                    pass

    def start(self) -> "GarbageServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("PLP_SMTP_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def hook(monkeypatch):
    server = WebhookServer().start()
    monkeypatch.setenv("PLP_WEBHOOK_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def two(region, snapshot):
    """Two milestones due today (2026-03-31), one for Ola and one for Kari (built once per process)."""
    snapshot("outbox_two", lambda: _make_two(region), base="region")
    return region


def _make_two(region) -> None:
    region("milestone", "add", "vdc", "Ola sin", "--due", "2026-03-31", "--responsible", "Ola Nordmann")
    region("milestone", "add", "vdc", "Kari sin", "--due", "2026-03-31", "--responsible", "Kari Nordmann")


def check(cli, now: str = NOW) -> list[dict]:
    r = cli("check", "--now", now, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def outbox(cli, *extra: str) -> list[dict]:
    r = cli("outbox", "list", "--json", *extra)
    assert r.code == 0, r.err
    return json.loads(r.out)


def outcome(rows: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((r["channel"], r["recipient"], r["status"]) for r in rows)


def assert_failed_alone(cli, rows, failing: tuple[str, str], error: str) -> None:
    """Each message to ``failing`` (channel, recipient) failed with ``error``, with backoff; the rest were sent."""
    assert {(r["channel"], r["recipient"]) for r in rows if r["status"] == "failed"} == {failing}
    assert all(r["status"] == "sent" for r in rows if (r["channel"], r["recipient"]) != failing)
    waiting = outbox(cli)
    assert waiting and all(r["status"] == "sent" or (r["channel"], r["recipient"]) == failing for r in rows)
    for row in waiting:
        assert (row["channel"], row["recipient"], row["status"], row["attempts"]) == (*failing, "failed", 1)
        assert error in row["last_error"], row["last_error"]
        assert row["next_attempt_at"].startswith("2026-03-31T08:05")  # the first retry after 5 minutes
    assert check(cli, "2026-03-31T08:01") == []  # backing off, and nothing else is left to send


def test_a_webhook_url_without_a_scheme_fails_alone_and_the_mails_go_out(two, cli, smtp, monkeypatch):
    monkeypatch.setenv("PLP_WEBHOOK_URL", "hooks.example.org/services/T0/B0/t0psecret")
    rows = check(cli)
    assert_failed_alone(cli, rows, ("webhook", "webhook"), "PLP_WEBHOOK_URL must be an http:// or https:// URL")
    assert len(smtp.received()) == 2


@pytest.mark.parametrize("channel", ["webhook", "email"])
def test_a_server_answering_garbage_fails_alone_and_the_rest_go_out(two, cli, monkeypatch, channel):
    garbage = GarbageServer().start()
    good_smtp, good_hook = SmtpServer().start(), WebhookServer().start()
    try:
        if channel == "webhook":
            monkeypatch.setenv("PLP_WEBHOOK_URL", f"http://127.0.0.1:{garbage.port}/hook")
            monkeypatch.setenv("PLP_SMTP_URL", good_smtp.url)
            rows = check(cli)
            assert_failed_alone(cli, rows, ("webhook", "webhook"), "webhook: bad reply")
            assert len(good_smtp.received()) == 2
        else:
            monkeypatch.setenv("PLP_SMTP_URL", f"smtp://127.0.0.1:{garbage.port}")
            monkeypatch.setenv("PLP_SMTP_TIMEOUT", "3")
            monkeypatch.setenv("PLP_WEBHOOK_URL", good_hook.url)
            rows = check(cli)
            assert outcome(rows) == [("email", "Kari Nordmann", "failed"), ("email", "Ola Nordmann", "failed"),
                                     ("webhook", "webhook", "sent"), ("webhook", "webhook", "sent")]
            assert all(r["error"].startswith(f"SMTP 127.0.0.1:{garbage.port}: ") for r in rows if r["error"])
            assert len(good_hook.posts) == 2
    finally:
        garbage.stop()
        good_smtp.stop()
        good_hook.stop()


@pytest.mark.parametrize("field", ["name", "title"])
def test_a_header_the_email_library_refuses_fails_alone_and_the_other_mail_goes_out(two, cli, smtp, db_path, field):
    # The commands refuse line breaks; older data or a hand-edited database may still hold one.
    if field == "name":
        query(db_path, "UPDATE person SET name = :n WHERE email = 'ola@example.no'", n="Ola\r\nBcc: x@evil.example")
        failing = ("email", "Ola\r\nBcc: x@evil.example")
    else:
        query(db_path, "UPDATE milestone SET title = :t WHERE title = 'Ola sin'", t="Ola sin\nBcc: x@evil.example")
        failing = ("email", "Ola Nordmann")
    rows = check(cli)
    assert_failed_alone(cli, rows, failing, "cannot write the mail to ola@example.no")
    [(rcpt, subject, _)] = smtp.received()
    assert rcpt == "kari@example.no" and "Kari sin" in subject


@pytest.mark.parametrize("url", ["smtp//127.0.0.1:25", "smtp://plp:hunter2pw@127.0.0.1:notaport",
                                 "http://127.0.0.1:25", "smtp://"])
def test_a_broken_smtp_url_fails_each_mail_alone_and_the_webhook_goes_out(two, cli, hook, monkeypatch, url):
    monkeypatch.setenv("PLP_SMTP_URL", url)
    r = cli("check", "--now", NOW, "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert outcome(rows) == [("email", "Kari Nordmann", "failed"), ("email", "Ola Nordmann", "failed"),
                             ("webhook", "webhook", "sent"), ("webhook", "webhook", "sent")]
    assert all("PLP_SMTP_URL" in row["error"] for row in rows if row["error"])
    assert len(hook.posts) == 2
    listing = cli("outbox", "list")
    assert "hunter2pw" not in r.out + r.err + listing.out + listing.err + json.dumps(outbox(cli))


def test_retry_makes_a_failed_message_due_now_keeps_its_attempts_and_is_recorded(two, cli, monkeypatch):
    port = free_port()
    monkeypatch.setenv("PLP_SMTP_URL", f"smtp://127.0.0.1:{port}")
    check(cli)
    [first, second] = outbox(cli)
    assert first["attempts"] == 1
    r = cli("--as", "Kari Nordmann", "outbox", "retry", str(first["id"]), "--now", "2026-03-31T08:01")
    assert r.code == 0, r.err
    assert f"outbox message {first['id']} to Ola Nordmann (email) is due now; 1 attempt(s) so far" in r.err
    server = SmtpServer(port).start()
    try:
        rows = check(cli, "2026-03-31T08:01")  # without the retry it would wait until 08:05
        assert outcome(rows) == [("email", "Ola Nordmann", "sent")]
        assert [m[0] for m in server.received()] == ["ola@example.no"]
    finally:
        server.stop()
    sent = {m["id"]: m for m in outbox(cli, "--all")}[first["id"]]
    assert (sent["status"], sent["attempts"]) == ("sent", 2)
    assert [m["id"] for m in outbox(cli)] == [second["id"]]  # the other one still backs off
    events = [e for e in json.loads(cli("project", "history", "vdc", "--json").out) if e["kind"] == "outbox_retried"]
    assert [(e["actor"], e["data"]["message"], e["data"]["recipient"], e["data"]["status_before"])
            for e in events] == [("Kari Nordmann", first["id"], "Ola Nordmann", "failed")]


def test_cancel_stops_a_message_for_good_and_is_recorded(two, cli, monkeypatch):
    monkeypatch.setenv("PLP_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    monkeypatch.setenv("PLP_USER", "Ola Nordmann")
    check(cli)
    [first, second] = outbox(cli)
    r = cli("outbox", "cancel", str(first["id"]))
    assert r.code == 0, r.err
    assert f"outbox message {first['id']} to Ola Nordmann (email) is cancelled" in r.err
    assert [m["id"] for m in outbox(cli)] == [second["id"]]
    assert {m["id"]: m["status"] for m in outbox(cli, "--all")}[first["id"]] == "cancelled"
    rows = check(cli, "2026-04-02T08:00")  # long past every backoff: only the other one is tried
    assert [(r["recipient"], r["status"]) for r in rows if r["step"] == "due"] == [("Kari Nordmann", "failed")]
    events = [e for e in json.loads(cli("project", "history", "vdc", "--json").out) if e["kind"] == "outbox_cancelled"]
    assert [(e["actor"], e["data"]["message"]) for e in events] == [("Ola Nordmann", first["id"])]
    # A cancelled message can be brought back.
    assert cli("outbox", "retry", str(first["id"])).code == 0
    assert {m["id"]: m["status"] for m in outbox(cli)}[first["id"]] == "failed"


def test_retry_and_cancel_refuse_unknown_and_sent_messages_with_one_line_and_change_nothing(
        two, cli, smtp, plp_bin, db_path):
    check(cli)
    sent = outbox(cli, "--all")[0]["id"]
    before = dump(db_path)
    for args, text in [(("outbox", "retry", "999"), "unknown outbox message 999"),
                       (("outbox", "cancel", "999"), "unknown outbox message 999"),
                       (("outbox", "retry", str(sent)), f"outbox message {sent} was already sent"),
                       (("outbox", "cancel", str(sent)), f"outbox message {sent} was already sent")]:
        assert_one_line_error(plp_bin(*args), contains=text)
    assert plp_bin("outbox", "retry", "abc").code == 2
    assert dump(db_path) == before


def test_cancelling_twice_is_refused(two, cli, monkeypatch, db_path):
    monkeypatch.setenv("PLP_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    check(cli)
    first = outbox(cli)[0]["id"]
    assert cli("outbox", "cancel", str(first)).code == 0
    before = dump(db_path)
    assert_one_line_error(cli("outbox", "cancel", str(first)), contains="is already cancelled")
    assert dump(db_path) == before


def test_the_outbox_stores_and_shows_no_webhook_url_and_no_password(two, cli, monkeypatch, db_path):
    closed = free_port()
    monkeypatch.setenv("PLP_WEBHOOK_URL", f"http://127.0.0.1:{closed}/services/T0/B0/t0psecret")
    monkeypatch.setenv("PLP_SMTP_URL", f"smtp://plp:hunter2pw@127.0.0.1:{closed}?insecure=1")
    r = cli("check", "--now", NOW, "--json")
    assert r.code == 0 and all(row["status"] == "failed" for row in json.loads(r.out))
    shown = [r.out, r.err]
    for args in (("outbox", "list"), ("outbox", "list", "--json"), ("outbox", "list", "--all", "--json")):
        listing = cli(*args)
        assert listing.code == 0
        shown += [listing.out, listing.err]
    rows = outbox(cli)
    assert sorted(row["recipient"] for row in rows) == ["Kari Nordmann", "Ola Nordmann", "webhook", "webhook"]
    assert {row["address"] for row in rows} == {"kari@example.no", "ola@example.no", "webhook"}
    for secret in ("t0psecret", "hunter2pw"):
        assert secret not in "".join(shown)
        assert secret not in dump(db_path)  # stored errors and addresses too


def test_webhook_text_shows_slack_control_sequences_literally(region, cli, hook):
    title = "Varsle <!channel> & <https://evil.example|klikk her>"
    region("milestone", "add", "vdc", title, "--due", "2026-03-31", "--responsible", "Per Leiar")
    check(cli)
    [post] = hook.posts
    assert "<!channel>" not in post["text"] and "<https://evil" not in post["text"]
    assert "Varsle &lt;!channel&gt; &amp; &lt;https://evil.example|klikk her&gt;" in post["text"]


def test_the_webhook_payload_escapes_only_ampersand_and_angle_brackets():
    from plp.notify.webhook import payload

    text = payload("A <b> & «c»", "<!here> *x* 5 > 3 &amp;")["text"]
    assert text == "*A &lt;b&gt; &amp; «c»*\n\n&lt;!here&gt; *x* 5 &gt; 3 &amp;amp;"
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == "*A <b> & «c»*\n\n<!here> *x* 5 > 3 &amp;"


def _run_migration_0005(db_path) -> None:
    """Migration 0005's upgrade, run by itself on rows as revision 0004 left them.

    Alembic's downgrade of the whole chain is not the point here (SQLite rebuilds
    tables to drop columns); the data step of 0005 is.
    """
    import importlib.util

    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from plp.db import Database
    from plp.migrations import script_location

    [path] = (script_location() / "versions").glob("0005_*.py")
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db = Database(str(db_path))
    with db.engine.begin() as conn:
        with Operations.context(MigrationContext.configure(conn)):
            module.upgrade()
    db.dispose()


def test_upgrading_an_older_database_removes_stored_webhook_urls_and_passwords(two, cli, monkeypatch, db_path):
    monkeypatch.setenv("PLP_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/services/T0/B0/t0psecret")
    check(cli)
    # As revision 0004 stored it: the webhook URL as the address, a password quoted in an error.
    url = "https://hooks.example.org/services/T0/B0/t0psecret"
    query(db_path, "UPDATE outbox SET address = :u, last_error = :e WHERE channel = 'webhook'",
          u=url, e=f"webhook {url}: HTTP 500")
    query(db_path, "UPDATE outbox SET last_error = 'SMTP smtp://plp:hunter2pw@mail.example: refused' "
                   "WHERE channel = 'console'")
    _run_migration_0005(db_path)
    text = dump(db_path)
    assert "t0psecret" not in text and "hunter2pw" not in text
    rows = outbox(cli, "--all")
    assert {r["address"] for r in rows if r["channel"] == "webhook"} == {"webhook"}
    assert {r["last_error"] for r in rows if r["channel"] == "webhook"} == {"webhook ***: HTTP 500"}
    assert {r["last_error"] for r in rows if r["channel"] == "console"} == {
        "SMTP smtp://plp:***@mail.example: refused"}
