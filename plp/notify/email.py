"""Email over SMTP: plain text, UTF-8, one connection per batch."""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from plp.errors import InvalidInput
from plp.notify import DeliveryError


class Mailer:
    """Opens the SMTP connection on the first message and reuses it."""

    def __init__(self, url: str, mail_from: str, timeout: float | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput(f"PLP_SMTP_URL must look like smtp://host:port or smtps://host:port, not {url!r}")
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.mail_from = mail_from
        try:
            self.timeout = timeout or float(os.environ.get("PLP_SMTP_TIMEOUT", "15"))
        except ValueError:
            raise InvalidInput("PLP_SMTP_TIMEOUT must be a number of seconds") from None
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._conn is None:
            try:
                if self.tls:
                    conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                          context=ssl.create_default_context())
                else:
                    conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                    if self.starttls:
                        conn.starttls(context=ssl.create_default_context())
                if self.user:
                    conn.login(self.user, self.password or "")
            except (OSError, smtplib.SMTPException) as e:
                raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from None
            self._conn = conn
        return self._conn

    def send(self, *, to_name: str, to_addr: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = self.mail_from
        msg["To"] = formataddr((to_name, to_addr))
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="plp")
        msg.set_content(body)
        try:
            self._connect().send_message(msg)
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._conn = None
