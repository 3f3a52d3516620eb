"""My work (``/``) and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from plp.services.mywork import my_work
from plp.web.auth import Ctx, signed_in
from plp.web.render import page

router = APIRouter()


@router.get("/")
def work(ctx: Ctx = Depends(signed_in)):
    items = my_work(ctx.db, person_id=ctx.person.person_id, today=ctx.today, lang=ctx.lang)
    return page(ctx, "work.html", items=items, nav="work")


@router.get("/healthz")
def healthz(request: Request):
    try:
        with request.app.state.settings.db.unit() as uow:
            uow.session.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"ok": False}, status_code=503)
    return JSONResponse({"ok": True})
