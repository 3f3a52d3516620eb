"""The portfolio, the project page, its history and its small forms."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form

from plp.dates import parse_date
from plp.errors import ConcurrentChange, InvalidInput, NotAllowed
from plp.services import anchoring, checklist, milestones, projects, publish
from plp.services.pages import missing_roles, project_header, project_page
from plp.services.reporting import portfolio
from plp.web.auth import Ctx, actor_of, check_csrf, signed_in
from plp.web.errors import error_page
from plp.web.render import page, redirect

router = APIRouter()


def form_version(value: str | None) -> int | None:
    """The project version a form carries (hidden field ``version``), or None when it has none."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _version(value: str | None) -> int:
    version = form_version(value)
    if version is None:
        raise InvalidInput("the form has no valid version; reload the page and try again")
    return version


def forbidden(ctx: Ctx, code: str, action: str, detail: str | None = None):
    """403 naming the role the person lacks, in their language."""
    names = [ctx.t("role_responsible") if n == "@responsible" else ctx.t("role_owner_member")
             if n == "@owner_member" else n for n in missing_roles(ctx.db, code=code, action=action, lang=ctx.lang)]
    sentence = ctx.t("err_403_role", roles=f" {ctx.t('word_or')} ".join(names))
    return error_page(ctx.request, 403, "err_403", detail, sentence=sentence)


def show(ctx: Ctx, code: str, *, status: int = 200, notice: str | None = None, error: str | None = None):
    data = project_page(ctx.db, code=code, today=ctx.today, lang=ctx.lang, actor=actor_of(ctx.person))
    return page(ctx, "project.html", status=status, p=data, notice=notice, error=error, nav="projects",
                bodies=list(anchoring.BODIES))


@router.get("/projects")
def portfolio_page(ctx: Ctx = Depends(signed_in), phase: str = "", status: str = "", owner: str = "",
                   measure: str = ""):
    rows = portfolio(ctx.db, today=ctx.today, lang=ctx.lang)
    choices = {"phase": sorted({(r.phase, r.phase_label) for r in rows}),
               "status": sorted({(r.status, r.status_label) for r in rows}),
               "owner": sorted({o.org for r in rows for o in r.owners}, key=str.lower),
               "measure": sorted({(str(m.id), m.title) for r in rows for m in r.measures})}
    shown = [r for r in rows
             if (not phase or r.phase == phase) and (not status or r.status == status)
             and (not owner or any(o.org == owner for o in r.owners))
             and (not measure or any(str(m.id) == measure for m in r.measures))]
    return page(ctx, "portfolio.html", rows=shown, choices=choices, nav="projects",
                chosen={"phase": phase, "status": status, "owner": owner, "measure": measure})


@router.get("/projects/{code}")
def project(code: str, ctx: Ctx = Depends(signed_in)):
    return show(ctx, code)


@router.get("/projects/{code}/history")
def history(code: str, ctx: Ctx = Depends(signed_in)):
    header = project_header(ctx.db, code=code)  # the page shows the project's name, nothing more of it
    events = projects.history(ctx.db, code=code)  # typed: each has .when, its moment in local time
    return page(ctx, "history.html", p=header, events=events, nav="projects")


def _act(ctx: Ctx, code: str, action: str, anchor: str, change, **kw):
    """One change from a form on the project page, by the signed-in person.

    303 back to ``anchor`` on the page; 409 with the current page when the project
    changed meanwhile; 403 naming the role ``action`` needs.
    """
    try:
        change(ctx.db, code=code, actor=actor_of(ctx.person), **kw)
    except ConcurrentChange:
        return show(ctx, code, status=409, error=ctx.t("changed_meanwhile"))
    except NotAllowed as e:
        return forbidden(ctx, code, action, str(e))
    return redirect(ctx, f"/projects/{code}{ctx.lang_query()}#{anchor}")


@router.post("/projects/{code}/milestones/{milestone_id}/done")
def milestone_done(code: str, milestone_id: int, ctx: Ctx = Depends(signed_in), on: str = Form(""),
                   version: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    day = parse_date(on, "on") if on else ctx.today
    return _act(ctx, code, "milestone.done", f"milestone-{milestone_id}", milestones.complete_milestone,
                milestone_id=milestone_id, on=day, today=ctx.today, if_version=_version(version))


@router.post("/projects/{code}/checklist/{item}")
def checklist_toggle(code: str, item: str, ctx: Ctx = Depends(signed_in), done: str = Form(""),
                     version: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    if done not in ("true", "false"):
        raise InvalidInput("done must be true or false")
    return _act(ctx, code, "checklist.tick", f"item-{item}", checklist.tick if done == "true" else checklist.untick,
                item=item, if_version=_version(version))


@router.post("/projects/{code}/anchoring")
def anchoring_record(code: str, ctx: Ctx = Depends(signed_in), org: str = Form(""), body: str = Form(""),
                     ref: str = Form(""), date: str = Form(""), outcome: str = Form("approved"),
                     version: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    day = parse_date(date, "date")
    return _act(ctx, code, "anchoring.record", "anchoring", anchoring.record, org=org, body=body, ref=ref, date=day,
                today=ctx.today, outcome=outcome or "approved", if_version=_version(version))


@router.post("/projects/{code}/publish")
def publish_toggle(code: str, ctx: Ctx = Depends(signed_in), published: str = Form(""),
                   version: str = Form(""), csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    if published not in ("true", "false"):
        raise InvalidInput("published must be true or false")
    return _act(ctx, code, "project.publish", "publish-form", publish.publish, undo=published == "false",
                if_version=_version(version))
