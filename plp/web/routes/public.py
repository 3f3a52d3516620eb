"""``/public``: the region's published results, for anyone, without signing in."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from plp.services.publish import public_projects
from plp.web.auth import Ctx, context
from plp.web.render import page

router = APIRouter()


@router.get("/public")
def public(ctx: Ctx = Depends(context)):
    return page(ctx, "public.html", projects=public_projects(ctx.db, today=ctx.today, lang=ctx.lang), nav="public")
