"""Email over SMTP: plain text, UTF-8, one connection per batch.

Every failure, including a broken ``PLP_SMTP_URL`` or a header the email library
refuses, is a :class:`DeliveryError`: it belongs to the one message being sent and
is recorded on its outbox row, while the other messages go out.
"""

from __future__ import annotations

import email.errors
import smtplib
import ssl
from email.message import EmailMessage
from email.headerregistry import Address
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from plp.notify import DeliveryError, redact
from plp.settings import current

_YES = ("1", "true", "yes")
USAGE = "smtp://[user:password@]host:port[?starttls=1] or smtps://[user:password@]host:port"


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return query.get(name, ["0"])[0].lower() in _YES


#: A display name longer than this is cut in the To header: folded over many lines,
#: mail readers (and Python's own parser) lose the address. The greeting in the body
#: carries the whole name.
HEADER_NAME_MAX = 64


def header_name(name: str) -> str:
    """The recipient's name as the To header shows it: whole, or cut with an ellipsis."""
    return name if len(name) <= HEADER_NAME_MAX else name[:HEADER_NAME_MAX - 1] + "…"


class Mailer:
    """Opens the SMTP connection on the first message and reuses it."""

    def __init__(self, url: str, mail_from: str, timeout: float | None = None):
        shown = redact(url)
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise DeliveryError(f"PLP_SMTP_URL is not a valid URL ({shown}); use {USAGE}") from None
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise DeliveryError(f"PLP_SMTP_URL must look like {USAGE}, not {shown}")
        query = parse_qs(parts.query)
        self.tls = parts.scheme == "smtps"
        self.starttls = _flag(query, "starttls")
        self.host = parts.hostname
        self.port = port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        if self.user and not (self.tls or self.starttls or _flag(query, "insecure")):
            # smtplib would send the password in clear text; say so instead of doing it.
            raise DeliveryError("PLP_SMTP_URL logs in over plain SMTP, which sends the password unencrypted: "
                                "use smtps://, add ?starttls=1, or add ?insecure=1 to allow it")
        self.mail_from = mail_from
        try:
            self.timeout = timeout or float(current().smtp_timeout)
        except ValueError:
            raise DeliveryError("PLP_SMTP_TIMEOUT must be a number of seconds") from None
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
            except (OSError, smtplib.SMTPException, ValueError) as e:
                raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from None
            self._conn = conn
        return self._conn

    def compose(self, *, to_name: str, to_addr: str, subject: str, body: str) -> EmailMessage:
        """The mail; a header the email library refuses (a line break in a name) is this message's failure."""
        try:
            msg = EmailMessage()
            msg["From"] = self.mail_from
            # Address, not formataddr: a non-ASCII name with "[" or quotes must come back whole.
            msg["To"] = Address(display_name=header_name(to_name), addr_spec=to_addr)
            msg["Subject"] = subject
            msg["Message-ID"] = make_msgid(domain="plp")
            msg.set_content(body)
            return msg
        except (ValueError, TypeError, email.errors.MessageError) as e:
            raise DeliveryError(f"cannot write the mail to {to_addr}: {e}") from None

    def send(self, *, to_name: str, to_addr: str, subject: str, body: str) -> None:
        msg = self.compose(to_name=to_name, to_addr=to_addr, subject=subject, body=body)
        try:
            self._connect().send_message(msg)
        except (OSError, smtplib.SMTPException) as e:
            # The connection may be half-way through a transaction: start afresh next time.
            self.close()
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from None
        except (ValueError, UnicodeError) as e:  # an address or header smtplib cannot encode
            self.close()
            raise DeliveryError(f"cannot send the mail to {to_addr}: {e}") from None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._conn = None
