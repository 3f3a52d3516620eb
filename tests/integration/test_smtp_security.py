"""Email over STARTTLS and smtps, with a login, against a real aiosmtpd server on loopback."""

from __future__ import annotations

import json
import ssl

import pytest

from tests.servers import SmtpServer, self_signed_cert


def _auth(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"plp", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def tls(tmp_path, monkeypatch):
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # trust our test certificate, as a site's CA bundle would
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


@pytest.fixture
def project(region):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("milestone", "add", "vdc", "Sikker post", "--due", "2026-03-31", "--responsible", "Ola Nordmann")
    return region


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
        assert rows[0]["error"].startswith(f"SMTP 127.0.0.1:{server.port}: ")
        assert server.received() == []
    finally:
        server.stop()
