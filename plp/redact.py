"""Passwords of database URLs never reach the screen: every error line goes through :func:`redact`.

Kept apart from :mod:`plp.db` so the CLI's error path can use it without importing
SQLAlchemy.
"""

from __future__ import annotations

import re

# Passwords of database URLs seen in this process; every error line is cleaned of them.
_SECRETS: set[str] = set()
#: ``scheme://user:password@`` in any text; greedy to the last ``@`` of the word, as a
#: password may itself hold an unescaped ``@``.
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][\w+.-]*://[^\s/:@]*:)\S*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def password_in(target: str) -> str | None:
    """The password in a URL as typed, found even where the URL does not parse."""
    match = re.match(r"[^:]*://[^/:@]*:(.*)@", target)
    return match.group(1) if match else None


def remember_secret(secret: str | None) -> None:
    if secret and len(secret) >= 2:  # one character would blank out half of every message
        from urllib.parse import quote, unquote

        _SECRETS.update({secret, unquote(secret), quote(secret, safe="")})


def redact(text: str) -> str:
    """``text`` without any password of a database URL: for every error and log line."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _KEYWORD_PASSWORD.sub(r"\1***", text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
