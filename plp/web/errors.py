"""Every error is one clear sentence in the person's language, never a traceback.

A user's mistake is a :class:`~plp.errors.PlpError`; its class gives the status
code. The service's own message (in English) stands below the sentence as the
detail, escaped like all text.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from plp.errors import (
    AlreadyExists,
    ConcurrentChange,
    GateBlocked,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    PlpError,
)
from plp.services.signin import SigninFailed, TooManyAttempts
from plp.web.auth import Ctx, CsrfRefused, SignInRequired, login_url

log = logging.getLogger("plp.web")

#: (error class, status, sentence key), first match wins.
STATUS: list[tuple[type[Exception], int, str]] = [
    (CsrfRefused, 403, "err_csrf"),
    (NotAllowed, 403, "err_403"),
    (NotFound, 404, "err_404"),
    (TooManyAttempts, 429, "err_429"),
    (ConcurrentChange, 409, "err_changed"),
    (GateBlocked, 409, "err_gate"),
    (InvalidTransition, 409, "err_409"),
    (AlreadyExists, 409, "err_409"),
    (SigninFailed, 400, "err_signin"),
    (InvalidInput, 400, "err_400"),
    (PlpError, 400, "err_400"),
]
SENTENCE = {400: "err_400", 403: "err_403", 404: "err_404", 405: "err_405", 409: "err_409", 429: "err_429",
            500: "err_500"}


def _ctx(request: Request) -> Ctx:
    ctx = getattr(request.state, "ctx", None)
    if ctx is None:
        from plp.web.auth import context

        try:
            ctx = context(request)
        except Exception:  # the database itself is failing: answer in the default language
            from plp.web import i18n

            ctx = Ctx(request, request.app.state.settings, None, i18n.pick(request.query_params.get("lang"), None))
    return ctx


def error_page(request: Request, status: int, key: str, detail: str | None = None,
               sentence: str | None = None) -> HTMLResponse:
    from plp.web.render import page

    ctx = _ctx(request)
    return page(ctx, "error.html", status=status, code=status, sentence=sentence or ctx.t(key), detail=detail)


async def plp_error(request: Request, exc: PlpError) -> HTMLResponse:
    for cls, status, key in STATUS:
        if isinstance(exc, cls):
            return error_page(request, status, key, str(exc))
    return error_page(request, 400, "err_400", str(exc))  # pragma: no cover - PlpError is last


async def sign_in_required(request: Request, exc: SignInRequired) -> RedirectResponse:
    return RedirectResponse(login_url(exc.next_path), status_code=303)


async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
    status = exc.status_code if exc.status_code in SENTENCE else 400
    return error_page(request, status, SENTENCE[status])


async def bad_form(request: Request, exc: RequestValidationError) -> HTMLResponse:
    fields = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()})
    ctx = _ctx(request)
    return error_page(request, 400, "err_400", ctx.t("err_fields", fields=", ".join(fields)))


async def unexpected(request: Request, exc: Exception) -> HTMLResponse:
    """A bug: 500 in one sentence. Called by app.SecurityHeaders, which catches what the handlers do not."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_page(request, 500, "err_500")


def install(app) -> None:
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(PlpError, plp_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_form)
