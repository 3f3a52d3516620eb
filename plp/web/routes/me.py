"""``/me``: language, the calendar feed, sign out everywhere; and the feed itself."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from plp.errors import NotFound
from plp.services import signin
from plp.web import i18n
from plp.web.auth import SESSION_COOKIE, Ctx, check_csrf, context, signed_in
from plp.web.render import page, redirect

router = APIRouter()


@router.get("/me")
def me(request: Request, ctx: Ctx = Depends(signed_in)):
    token = signin.feed_token(ctx.db, person_id=ctx.person.person_id)
    path = f"/calendar/{token}.ics"
    # Shown to the person only (never mailed), so the request's address may stand in for PLP_BASE_URL.
    feed = ctx.settings.link(path) or str(request.base_url).rstrip("/") + path
    return page(ctx, "me.html", feed=feed, nav="me")


@router.post("/me/lang")
def set_lang(ctx: Ctx = Depends(signed_in), lang: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    signin.set_language(ctx.db, person_id=ctx.person.person_id, lang=lang)
    return redirect(ctx, "/me")


@router.post("/me/feed")
def renew_feed(ctx: Ctx = Depends(signed_in), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    signin.feed_token(ctx.db, person_id=ctx.person.person_id, renew=True)
    return redirect(ctx, f"/me{ctx.lang_query()}#feed-url")


@router.post("/me/signout-all")
def sign_out_everywhere(ctx: Ctx = Depends(signed_in), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    signin.sign_out_everywhere(ctx.db, person_id=ctx.person.person_id)
    response = redirect(ctx, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/calendar/{name}")
def calendar(name: str, ctx: Ctx = Depends(context)):
    from plp.reports import ics
    from plp.services.reporting import calendar as calendar_items

    token = name.removesuffix(".ics")
    person_id = signin.feed_person(ctx.db, token=token) if name.endswith(".ics") else None
    if person_id is None:
        raise NotFound("unknown calendar")
    lang = _person_lang(ctx, person_id)
    items = calendar_items(ctx.db, lang=lang, project_ids=_projects_of(ctx, person_id))
    body = ics.build(items, lang=lang, now=ctx.settings.now())
    return Response(body, media_type="text/calendar; charset=utf-8")


def _projects_of(ctx: Ctx, person_id: int) -> set[int]:
    """A person's feed: the projects they hold a role in or answer for a milestone of."""
    from sqlmodel import select

    from plp.models import Milestone, RoleAssignment

    with ctx.db.unit() as uow:
        roles = uow.session.exec(select(RoleAssignment.project_id).where(RoleAssignment.person_id == person_id))
        own = uow.session.exec(select(Milestone.project_id).where(Milestone.responsible_id == person_id))
        return set(roles) | set(own)


def _person_lang(ctx: Ctx, person_id: int) -> str:
    from plp.models import Person

    with ctx.db.unit() as uow:
        p = uow.session.get(Person, person_id)
        return i18n.pick(None, p.lang if p else None)  # the stored language, if it is one, else nynorsk
