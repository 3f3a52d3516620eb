"""Email over STARTTLS and smtps, with a login, against a real aiosmtpd server on loopback."""

from __future__ import annotations

import json
import ssl

import pytest

from tests.servers import SmtpServer, self_signed_cert


def _auth(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"plp", b"s3cret")
    # handled=False: aiosmtpd answers a refusal with 535 itself (by default it would send nothing and
    # leave the client waiting, so a "failed delivery" would be a time-out, not a refused login).
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls(tmp_path, monkeypatch):
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # trust our test certificate, as a site's CA bundle would
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


@pytest.fixture
def project(region, snapshot):
    """vdc with a sponsor and a milestone due 2026-03-31 for Ola (built once per process)."""
    snapshot("smtp_project", lambda: _make_project(region), base="region")
    return region


def _make_project(region) -> None:
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("milestone", "add", "vdc", "Sikker post", "--due", "2026-03-31", "--responsible", "Ola Nordmann")


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_mail_goes_over_tls_with_a_login(project, cli, tls, monkeypatch, mode):
    # With implicit TLS aiosmtpd cannot tell the socket is encrypted, so it must not insist.
    options = ({"tls_context": tls, "require_starttls": True, "auth_require_tls": True} if mode == "starttls"
               else {"ssl_context": tls, "auth_require_tls": False})
    server = SmtpServer(authenticator=_auth, **options).start()
    try:
        query = "?starttls=1" if mode == "starttls" else ""
        monkeypatch.setenv("PLP_SMTP_URL", f"{server.scheme}://plp:s3cret@127.0.0.1:{server.port}{query}")
        rows = json.loads(cli("check", "--now", "2026-03-31", "--json").out)
        assert [(r["channel"], r["status"]) for r in rows] == [("email", "sent")]
        [(rcpt, subject, _)] = server.received()
        assert rcpt == "ola@example.no" and "Sikker post" in subject
    finally:
        server.stop()


def test_a_wrong_password_is_a_failed_delivery_with_the_reason(project, cli, tls, monkeypatch):
    server = SmtpServer(authenticator=_auth, auth_require_tls=True, tls_context=tls, require_starttls=True).start()
    try:
        monkeypatch.setenv("PLP_SMTP_URL", f"smtp://plp:wrong@127.0.0.1:{server.port}?starttls=1")
        monkeypatch.setenv("PLP_SMTP_TIMEOUT", "2")
        rows = json.loads(cli("check", "--now", "2026-03-31", "--json").out)
        assert [(r["channel"], r["status"]) for r in rows] == [("email", "failed")]
        error = rows[0]["error"]
        assert error.startswith(f"SMTP 127.0.0.1:{server.port}: ") and "535" in error, error  # the login refused
        assert "Authentication credentials invalid" in error and "wrong" not in error, error
        assert server.received() == []
    finally:
        server.stop()


class AuthLog:
    """An authenticator that accepts plp/s3cret and remembers every login it saw."""

    def __init__(self):
        self.logins: list = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data)
        return _auth(server, session, envelope, mechanism, auth_data)


def test_a_login_over_plain_smtp_is_refused_and_the_password_never_leaves(project, cli, monkeypatch):
    auth = AuthLog()
    server = SmtpServer(authenticator=auth, auth_require_tls=False).start()  # a server that would take it
    try:
        monkeypatch.setenv("PLP_SMTP_URL", f"smtp://plp:s3cret@127.0.0.1:{server.port}")
        r = cli("check", "--now", "2026-03-31", "--json")
        assert r.code == 0, r.err
        [row] = json.loads(r.out)
        assert (row["channel"], row["status"]) == ("email", "failed")
        assert row["error"].startswith("PLP_SMTP_URL logs in over plain SMTP") and "?insecure=1" in row["error"]
        assert auth.logins == [] and server.received() == []
        listing = cli("outbox", "list")
        assert "s3cret" not in r.out + r.err + listing.out + listing.err
    finally:
        server.stop()


def test_a_login_over_plain_smtp_goes_through_when_the_url_says_insecure(project, cli, monkeypatch):
    auth = AuthLog()
    server = SmtpServer(authenticator=auth, auth_require_tls=False).start()
    try:
        monkeypatch.setenv("PLP_SMTP_URL", f"smtp://plp:s3cret@127.0.0.1:{server.port}?insecure=1")
        rows = json.loads(cli("check", "--now", "2026-03-31", "--json").out)
        assert [(r["channel"], r["status"]) for r in rows] == [("email", "sent")]
        assert len(auth.logins) == 1 and len(server.received()) == 1
    finally:
        server.stop()


def test_a_bad_smtp_url_does_not_print_its_password(project, plp_bin):
    r = plp_bin("check", "--now", "2026-03-31", "--json", env={"PLP_SMTP_URL": "smtps://plp:s3cret@mail.example:x"})
    assert r.code == 0, r.err
    [row] = json.loads(r.out)
    assert row["status"] == "failed" and "smtps://plp:***@mail.example:x" in row["error"]
    listing = plp_bin("outbox", "list", "--json")
    assert "s3cret" not in r.out + r.err + listing.out + listing.err
