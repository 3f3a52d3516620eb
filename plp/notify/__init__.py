"""Delivery channels: email (SMTP), webhook (Teams/Slack-style JSON) and console.

Configuration comes from the environment:

- ``PLP_SMTP_URL``: ``smtp://[user:password@]host:port`` (add ``?starttls=1`` for
  STARTTLS) or ``smtps://...`` for TLS from the start. A login over plain SMTP is
  refused unless the URL says ``?insecure=1``: the password would cross the network
  in clear text.
- ``PLP_MAIL_FROM``: the sender address (default ``plp@localhost``).
- ``PLP_SMTP_TIMEOUT``: seconds to wait for the mail server (default 15).
- ``PLP_WEBHOOK_URL``: an incoming-webhook URL; each reminder is posted once. The
  URL is a secret (whoever has it can post): the outbox stores the label
  ``webhook``, never the URL, and reads the URL from the environment when sending.

A person without an email address gets the reminder on the console, and ``plp
check`` reports them as unreachable. With no ``PLP_SMTP_URL``, email reminders go
to the console too.

Secrets (the SMTP password, the webhook URL) never reach an output: every error
text passes :func:`redact` before it is shown, logged or stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote, unquote, urlsplit


class DeliveryError(Exception):
    """A channel could not deliver; the message stays in the outbox for a retry."""


HIDDEN = "***"

# scheme://user:password@ -> scheme://user:***@ (greedy to the last "@" of the token,
# since an unencoded "@" in a password is common and urlsplit reads it that way too)
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):[^\s/]*@")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each given secret and every password inside a URL replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return _USERINFO.sub(rf"\1:{HIDDEN}@", text)


def one_line(text: str, limit: int = 500) -> str:
    """An error text as one line (it goes into tables and log lines), cut to ``limit``."""
    return " ".join(text.split())[:limit]


def _url_password(url: str | None) -> list[str]:
    try:
        password = urlsplit(url).password if url else None
    except ValueError:
        password = None
    if not password:
        return []
    # Short passwords would blank out ordinary letters; the URL pattern still hides them.
    return [p for p in {password, unquote(password), quote(unquote(password), safe="")} if len(p) >= 3]


@dataclass(frozen=True)
class Channels:
    smtp_url: str | None
    mail_from: str
    webhook_url: str | None

    @classmethod
    def from_env(cls) -> "Channels":
        """The channels ``PLP_SMTP_URL``, ``PLP_MAIL_FROM`` and ``PLP_WEBHOOK_URL`` configure."""
        from plp.settings import current

        s = current()
        return cls(smtp_url=s.smtp_url, mail_from=s.mail_from, webhook_url=s.webhook_url)

    @property
    def secrets(self) -> list[str]:
        """What must never be shown: the webhook URL (whole) and the SMTP password."""
        hook = self.webhook_url.strip() if self.webhook_url else None
        return [s for s in (self.webhook_url, hook) if s] + _url_password(self.smtp_url)

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)
