"""Who is asking: the session cookie, the CSRF token, the language, and the actor.

:func:`actor_of` is the one place that turns a signed-in session into the
:class:`~plp.actor.Actor` the services take (as plp/cli/state.py does for ``--as``):
the session names the person by id, so it is never ambiguous and never a form field.

CSRF: a signed-in form carries a token derived from the session id (an HMAC), so
it is bound to the session and needs no storage; the sign-in forms, before any
session exists, use a double-submit cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import Request

from plp.actor import Actor
from plp.errors import PlpError
from plp.services import signin
from plp.web import i18n
from plp.web.config import Settings

SESSION_COOKIE = "plp_session"
CSRF_COOKIE = "plp_csrf"


class SignInRequired(Exception):
    """Not signed in: the answer is a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


class CsrfRefused(PlpError):
    """A POST without the right CSRF token."""


@dataclass
class Ctx:
    """One request: the settings, the signed-in person (if any), the language."""

    request: Request
    settings: Settings
    person: signin.SessionPerson | None
    lang: str
    new_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def t(self) -> i18n.T:
        return i18n.T(self.lang)

    @property
    def db(self):
        return self.settings.db

    @property
    def today(self) -> dt.date:
        return self.settings.today()

    @property
    def csrf_token(self) -> str:
        token = self.request.cookies.get(SESSION_COOKIE)
        if self.person is not None and token:
            return _session_csrf(token)
        return self.pre_session_token

    @property
    def pre_session_token(self) -> str:
        value = self.request.cookies.get(CSRF_COOKIE) or self.new_cookies.get(CSRF_COOKIE)
        if not value:
            value = self.new_cookies[CSRF_COOKIE] = secrets.token_urlsafe(24)
        return value

    def lang_query(self) -> str:
        """``?lang=..`` to keep an explicitly chosen language on links and form actions."""
        chosen = self.request.query_params.get("lang")
        return f"?lang={chosen}" if chosen in i18n.LANGS else ""


def actor_of(person: signin.SessionPerson) -> Actor:
    """The actor for the services: the signed-in person, identified by their session."""
    return Actor(person.name, person.person_id, "web-session")


def _session_csrf(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"plp-csrf", hashlib.sha256).hexdigest()[:40]


def context(request: Request) -> Ctx:
    """The request's context, whether or not anyone is signed in (a FastAPI dependency)."""
    settings: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE, "")
    person = signin.session_person(settings.db, token=token, now=settings.now()) if token else None
    lang = i18n.pick(request.query_params.get("lang"), person.lang if person else None)
    ctx = Ctx(request, settings, person, lang)
    request.state.ctx = ctx  # the error pages use the same language
    return ctx


def signed_in(request: Request) -> Ctx:
    """The context of a signed-in person; otherwise the answer is a redirect to /login."""
    ctx = context(request)
    if ctx.person is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    return ctx


def check_csrf(ctx: Ctx, token: str | None, *, pre_session: bool = False) -> None:
    """Refuse a POST whose token is not this session's (or, for the sign-in forms, the cookie's)."""
    expected = [ctx.csrf_token] if ctx.person is not None else []
    if pre_session and ctx.request.cookies.get(CSRF_COOKIE):  # a double-submit token needs its cookie
        expected.append(ctx.pre_session_token)
    if not token or not any(hmac.compare_digest(token.encode(), e.encode()) for e in expected):
        raise CsrfRefused("the form's security token is missing or out of date; reload the page and try again")


def local_path(value: str | None) -> str:
    """``next=`` only when it is a path on this site (never ``//host`` or a URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(ch) < 32 for ch in value):
        return "/"
    return value


def login_url(next_path: str) -> str:
    return "/login" if next_path in ("", "/") else f"/login?next={quote(next_path, safe='')}"


def set_cookie(response: Any, settings: Settings, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=settings.secure_cookies, path="/")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
