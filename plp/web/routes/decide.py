"""Deciding at the next decision point: the basis above, the form below."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form

from plp.dates import parse_date
from plp.errors import ConcurrentChange, GateBlocked, InvalidTransition, NotAllowed
from plp.services.decisions import decide as record_decision
from plp.services.pages import decision_allowed, project_page
from plp.web.auth import Ctx, actor_of, check_csrf, signed_in
from plp.web.render import page, redirect
from plp.web.routes.projects import forbidden, form_version

router = APIRouter()
OUTCOMES = ("go", "rework", "hold", "resume", "stop")
NEEDS_NOTE = ("rework", "hold", "stop")


def _page(ctx: Ctx, code: str, *, status: int = 200, form: dict | None = None, errors: dict | None = None,
          changed: bool = False, blocked: bool = False):
    data = project_page(ctx.db, code=code, today=ctx.today, lang=ctx.lang, actor=actor_of(ctx.person))
    form = form or {"outcome": "", "note": "", "date": ctx.today.isoformat(), "attendee": []}
    return page(ctx, "decide.html", status=status, p=data, form=form, errors=errors or {}, changed=changed,
                blocked=blocked, nav="projects")


@router.get("/projects/{code}/decide")
def decide_form(code: str, ctx: Ctx = Depends(signed_in)):
    return _page(ctx, code)


@router.post("/projects/{code}/decide")
def decide(code: str, ctx: Ctx = Depends(signed_in), outcome: str = Form(""), note: str = Form(""),
           date: str = Form(""), attendee: list[str] = Form([]), version: str = Form(""),
           csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    # Before the form is looked at: a non-decider hears 403 naming the role, whatever they sent.
    if not decision_allowed(ctx.db, code=code, actor=actor_of(ctx.person)):
        return forbidden(ctx, code, "decision.record")
    form = {"outcome": outcome, "note": note, "date": date, "attendee": attendee}
    errors = _check(ctx, outcome, note, date, version)
    if errors:
        return _page(ctx, code, status=400, form=form, errors=errors)
    try:
        record_decision(ctx.db, code=code, outcome=outcome, by=str(ctx.person.person_id),
                        date=parse_date(date, "date") if date else ctx.today, today=ctx.today,
                        note=note or None, attendees=attendee, if_version=form_version(version),
                        actor=actor_of(ctx.person))
    except ConcurrentChange:
        return _page(ctx, code, status=409, form=dict(form, outcome=""), changed=True)
    except GateBlocked:
        return _page(ctx, code, status=409, form=form, blocked=True)
    except InvalidTransition as e:
        return _page(ctx, code, status=409, form=form, errors={"outcome": str(e)})
    except NotAllowed as e:
        return forbidden(ctx, code, "decision.record", str(e))
    return redirect(ctx, f"/projects/{code}{ctx.lang_query()}#decisions")


def _check(ctx: Ctx, outcome: str, note: str, date: str, version: str) -> dict[str, str]:
    """Field errors, each in the person's language and shown beside its field."""
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = ctx.t("err_outcome")
    elif outcome in NEEDS_NOTE and not note.strip():
        errors["note"] = ctx.t("err_note_needed")
    if date:
        try:
            parse_date(date, "date")
        except Exception:
            errors["date"] = ctx.t("err_date")
    if form_version(version) is None:
        errors["version"] = ctx.t("err_version")
    return errors
