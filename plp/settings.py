"""The ``PLP_*`` environment variables, read in one place into one frozen object.

A front end reads them once at its edge: the CLI once per command
(:func:`plp.cli.main`), the web once per request (:class:`plp.web.app.BindSettings`;
its database, base URL and "today" once per app), and binds them with :func:`using`
so that the code below sees the same values for the whole command or request. Code run outside such an edge (a library call, a test calling a
service) gets a fresh read of the environment on each :func:`current` call, so a
test that sets a variable with ``monkeypatch`` sees it at once. Nothing is frozen at
import.

Values are kept as given (empty counts as unset); each is checked where it is used,
so a bad ``PLP_SMTP_TIMEOUT`` fails a command that sends mail, not every command.
``PLP_USER`` is not here: who is acting is resolved by the front end (plp/cli/state.py).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

DEFAULT_TZ = "Europe/Oslo"
DEFAULT_MAIL_FROM = "plp@localhost"
DEFAULT_SMTP_TIMEOUT = "15"
DEFAULT_SQLITE_SYNCHRONOUS = "FULL"


@dataclass(frozen=True)
class Settings:
    db: str | None = None  # PLP_DB: SQLite path or SQLAlchemy URL
    lang: str | None = None  # PLP_LANG as given; plp.labels decides the default and checks it
    tz: str = DEFAULT_TZ  # PLP_TZ
    workflow_path: tuple[Path, ...] = ()  # PLP_WORKFLOW_PATH, os.pathsep-separated
    audit_key: str | None = None  # PLP_AUDIT_KEY: a secret, never shown
    audit_key_file: str | None = None  # PLP_AUDIT_KEY_FILE
    sqlite_synchronous: str = DEFAULT_SQLITE_SYNCHRONOUS  # PLP_SQLITE_SYNCHRONOUS
    smtp_url: str | None = None  # PLP_SMTP_URL: may hold a password, never shown
    mail_from: str = DEFAULT_MAIL_FROM  # PLP_MAIL_FROM
    smtp_timeout: str = DEFAULT_SMTP_TIMEOUT  # PLP_SMTP_TIMEOUT, seconds (checked by the mail channel)
    webhook_url: str | None = None  # PLP_WEBHOOK_URL: a secret, never shown
    schedule: str | None = None  # PLP_SCHEDULE: crontab of `plp scheduler run`
    debug: bool = False  # PLP_DEBUG: show the traceback of an unexpected error
    base_url: str | None = None  # PLP_BASE_URL: the web's public address
    web_today: str | None = None  # PLP_WEB_TODAY: the web's "today", for tests and demos only
    test_pause_in_write: str | None = None  # PLP_TEST_PAUSE_IN_WRITE: test-only (plp/db.py)

    def __repr__(self) -> str:
        # A settings object may end up in a log or a traceback: it names no secret.
        return "Settings(...)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(name) or None  # an empty variable counts as unset

        return cls(
            db=get("PLP_DB"), lang=get("PLP_LANG"), tz=get("PLP_TZ") or DEFAULT_TZ,
            workflow_path=tuple(Path(p) for p in (get("PLP_WORKFLOW_PATH") or "").split(os.pathsep) if p),
            audit_key=get("PLP_AUDIT_KEY"), audit_key_file=get("PLP_AUDIT_KEY_FILE"),
            sqlite_synchronous=get("PLP_SQLITE_SYNCHRONOUS") or DEFAULT_SQLITE_SYNCHRONOUS,
            smtp_url=get("PLP_SMTP_URL"), mail_from=get("PLP_MAIL_FROM") or DEFAULT_MAIL_FROM,
            smtp_timeout=get("PLP_SMTP_TIMEOUT") or DEFAULT_SMTP_TIMEOUT, webhook_url=get("PLP_WEBHOOK_URL"),
            schedule=get("PLP_SCHEDULE"), debug=bool(get("PLP_DEBUG")), base_url=get("PLP_BASE_URL"),
            web_today=get("PLP_WEB_TODAY"), test_pause_in_write=get("PLP_TEST_PAUSE_IN_WRITE"),
        )


_bound: ContextVar[Settings | None] = ContextVar("plp_settings", default=None)


def current() -> Settings:
    """The settings of the running command or request; else the environment as it is now."""
    bound = _bound.get()
    return bound if bound is not None else Settings.from_env()


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Bind ``settings`` for everything called inside the block (this thread or task and its copies)."""
    token = _bound.set(settings)
    try:
        yield settings
    finally:
        _bound.reset(token)
