"""Delivery channels: email (SMTP), webhook (Teams/Slack-style JSON) and console.

Configuration comes from the environment:

- ``PLP_SMTP_URL``: ``smtp://[user:password@]host:port`` (add ``?starttls=1`` for
  STARTTLS) or ``smtps://...`` for TLS from the start.
- ``PLP_MAIL_FROM``: the sender address (default ``plp@localhost``).
- ``PLP_SMTP_TIMEOUT``: seconds to wait for the mail server (default 15).
- ``PLP_WEBHOOK_URL``: an incoming-webhook URL; each reminder is posted once.

A person without an email address gets the reminder on the console, and ``plp
check`` reports them as unreachable. With no ``PLP_SMTP_URL``, email reminders go
to the console too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class DeliveryError(Exception):
    """A channel could not deliver; the message stays in the outbox for a retry."""


@dataclass(frozen=True)
class Channels:
    smtp_url: str | None
    mail_from: str
    webhook_url: str | None

    @classmethod
    def from_env(cls) -> "Channels":
        return cls(smtp_url=os.environ.get("PLP_SMTP_URL") or None,
                   mail_from=os.environ.get("PLP_MAIL_FROM") or "plp@localhost",
                   webhook_url=os.environ.get("PLP_WEBHOOK_URL") or None)
