"""Building the FastAPI application: settings, migrations, headers, routes, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from plp import settings as plp_settings
from plp.web import config, errors

CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # sign-in links and feed tokens never leave in a Referer
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every answer (plain ASGI, so errors get them too)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")
        started = False

        async def with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))  # pages carry personal data
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:
            if started:
                raise
            # A bug: answered here, the one place for unexpected errors, so the 500 page carries
            # the same headers as every other (Starlette's handler for Exception sits outside
            # every middleware and would answer without them).
            from starlette.requests import Request

            response = await errors.unexpected(Request(scope, receive), exc)
            await response(scope, receive, with_headers)


class BindSettings:
    """Reads the PLP_* variables once per request and binds them for it (plp.settings.using).

    Per request, not per app: the app's own settings (database, PLP_BASE_URL,
    PLP_WEB_TODAY) are fixed when it is built, while the rest (mail, webhook, time
    zone) keeps following the environment as it always has, consistent within a request.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        # Sync routes run in a worker thread with a copy of this context, so they see it too.
        with plp_settings.using(plp_settings.Settings.from_env()):
            await self.app(scope, receive, send)


def build(target: str | None = None, *, base_url: str | None = None, migrate: bool = True) -> FastAPI:
    """The app for ``target``; ``migrate`` brings its schema to the head first (at start, never in a request)."""
    settings = config.from_env(target, base_url)
    if migrate:
        with plp_settings.using(settings.env):
            settings.db.upgrade()
    app = FastAPI(title="plp", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    from plp.web.routes import register

    register(app)
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BindSettings)  # outermost: errors and headers see it too
    return app


def worker() -> FastAPI:
    """The app in one of ``plp serve``'s workers: the command migrated once before any worker started."""
    return build(migrate=False)
