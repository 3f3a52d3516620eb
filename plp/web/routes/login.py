"""Signing in and out: password, one-time link by email."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Form, Request

from plp.services import signin
from plp.web.auth import SESSION_COOKIE, Ctx, check_csrf, client_address, context, local_path, set_cookie
from plp.web.render import page, redirect

router = APIRouter()
log = logging.getLogger("plp.web")


def _login_page(ctx: Ctx, *, next_path: str, status: int = 200, error: str | None = None, email: str = ""):
    return page(ctx, "login.html", status=status, next_path=next_path, error=error, email=email)


@router.get("/login")
def login_form(ctx: Ctx = Depends(context), next: str | None = None):
    return _login_page(ctx, next_path=local_path(next))


@router.post("/login")
def login(request: Request, ctx: Ctx = Depends(context), email: str = Form(""), password: str = Form(""),
          csrf_token: str = Form(""), next: str = Form("/")):
    check_csrf(ctx, csrf_token, pre_session=True)
    target = local_path(next)
    try:
        done = signin.sign_in_password(ctx.db, email=email, password=password, client=client_address(request),
                                       now=ctx.settings.now(), old_token=request.cookies.get(SESSION_COOKIE))
    except signin.TooManyAttempts:
        return _login_page(ctx, next_path=target, status=429, error=ctx.t("err_429"), email=email)
    except signin.SigninFailed:
        return _login_page(ctx, next_path=target, status=400, error=ctx.t("err_signin"), email=email)
    return _session_answer(ctx, done, target)


def _session_answer(ctx: Ctx, done: signin.SignedIn, target: str):
    response = redirect(ctx, target)
    set_cookie(response, ctx.settings, SESSION_COOKIE, done.token,
               max_age=int(signin.SESSION_LIFETIME.total_seconds()))
    return response


@router.post("/login/link")
def login_link(request: Request, ctx: Ctx = Depends(context), email: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token, pre_session=True)
    try:
        made = signin.request_link(ctx.db, email=email, client=client_address(request), now=ctx.settings.now())
    except signin.TooManyAttempts:
        return _login_page(ctx, next_path="/", status=429, error=ctx.t("err_429"), email=email)
    if made is not None:
        person, token = made
        _send_link(person, ctx.settings.link(f"/login/link/{token}"))
    # The same page whether or not the address is known, and whether or not a mail went out.
    return page(ctx, "link_sent.html")


def _send_link(person, url: str | None) -> None:
    from plp.notify import Channels, DeliveryError
    from plp.notify.email import Mailer
    from plp.web.i18n import T

    if url is None:
        log.warning("a sign-in link was asked for, but PLP_BASE_URL is not set: no mail was sent "
                    "(a link is never built from the address the request names)")
        return
    channels = Channels.from_env()
    if not channels.smtp_url:
        log.warning("a sign-in link was asked for, but PLP_SMTP_URL is not set: no mail was sent")
        return
    t = T(person.lang or "nn")
    body = "\n".join([t("link_mail_greeting", name=person.name), "", t("link_mail_body"), "", url, "",
                      t("link_mail_ignore"), ""])
    mailer = Mailer(channels.smtp_url, channels.mail_from)
    try:
        mailer.send(to_name=person.name, to_addr=person.email, subject=t("link_mail_subject"), body=body)
    except DeliveryError as e:
        log.warning("the sign-in link could not be sent: %s", e)
    finally:
        mailer.close()


@router.get("/login/link/{token}")
def login_by_link(token: str, request: Request, ctx: Ctx = Depends(context)):
    done = signin.use_link(ctx.db, token=token, now=ctx.settings.now(),
                           old_token=request.cookies.get(SESSION_COOKIE))
    return _session_answer(ctx, done, "/")


@router.post("/logout")
def logout(ctx: Ctx = Depends(context), csrf_token: str = Form("")):
    if ctx.person is not None:
        check_csrf(ctx, csrf_token)
        signin.sign_out(ctx.db, who=ctx.person, now=ctx.settings.now())
    response = redirect(ctx, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
