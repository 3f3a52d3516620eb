"""The region: plan and joint measures, the next network meeting's agenda, the trust check."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from plp.errors import InvalidInput, NotFound
from plp.services import trust
from plp.services.network import agenda
from plp.services.plans import list_measures, list_plans
from plp.web.auth import Ctx, actor_of, check_csrf, signed_in
from plp.web.render import page, redirect

router = APIRouter()


def _trust_report(ctx: Ctx):
    try:
        return trust.report(ctx.db)
    except NotFound:
        return None


@router.get("/region")
def region(ctx: Ctx = Depends(signed_in)):
    from plp.reports.documents import trust_rows

    report = _trust_report(ctx)
    return page(ctx, "region.html", plans=list_plans(ctx.db), measures=list_measures(ctx.db),
                agenda=agenda(ctx.db, now=ctx.settings.as_of(), lang=ctx.lang), trust=report,
                trust_rows=trust_rows(report, ctx.lang) if report else [], nav="region")


@router.get("/region/trust.png")
def trust_chart(ctx: Ctx = Depends(signed_in)):
    from plp.reports.charts import trust_trend

    report = _trust_report(ctx)
    if report is None:
        raise NotFound("no trust answers recorded yet")
    return Response(trust_trend(report, lang=ctx.lang, fmt="png"), media_type="image/png")


@router.get("/trust/{round_name}")
def trust_form(round_name: str, ctx: Ctx = Depends(signed_in)):
    return _trust_page(ctx, round_name)


def _trust_page(ctx: Ctx, round_name: str, *, status: int = 200, errors: dict | None = None,
                values: dict | None = None):
    answer = trust.own_answer(ctx.db, round=round_name, person_id=ctx.person.person_id)
    if values is None:
        values = {f"score{i + 1}": str(answer.scores[f]) if answer else "" for i, f in enumerate(trust.FACTORS)}
        values["comment"] = (answer.comment or "") if answer else ""
    return page(ctx, "trust.html", status=status, round=round_name, answer=answer, values=values,
                factors=trust.FACTORS, errors=errors or {}, nav="region")


@router.post("/trust/{round_name}")
def trust_answer(round_name: str, ctx: Ctx = Depends(signed_in), score1: str = Form(""), score2: str = Form(""),
                 score3: str = Form(""), score4: str = Form(""), score5: str = Form(""), comment: str = Form(""),
                 csrf_token: str = Form("")):
    check_csrf(ctx, csrf_token)
    scores = [score1, score2, score3, score4, score5]
    values = {f"score{i + 1}": s for i, s in enumerate(scores)}
    values["comment"] = comment
    errors = {f"score{i + 1}": ctx.t("err_score") for i, s in enumerate(scores)
              if not (s.strip().isdigit() and 1 <= int(s) <= 5)}
    if errors:
        return _trust_page(ctx, round_name, status=400, errors=errors, values=values)
    try:
        trust.record(ctx.db, round=round_name, respondent=str(ctx.person.person_id),
                     scores=tuple(int(s) for s in scores), comment=comment or None, on=ctx.today, today=ctx.today,
                     replace=True, now=ctx.settings.now(), actor=actor_of(ctx.person))
    except InvalidInput as e:
        return _trust_page(ctx, round_name, status=400, errors={"comment": str(e)}, values=values)
    return redirect(ctx, f"/trust/{round_name}{ctx.lang_query()}")
