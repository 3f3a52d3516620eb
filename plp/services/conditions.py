"""Conditional approvals, the review date of a hold, and benefit reviews after completion.

What a decision adds to the record when the workflow's time rules apply:

- ``go`` with conditions ("on condition that Iveland confirms its financing by
  1 March"): one ``decision_condition`` row per condition, open until
  ``plp condition met`` or until the check finds it missed (plp/services/timed.py);
- ``hold``: the day of the hold and its review date (``--review-on``, else the
  workflow's ``hold_review_after``); ``resume`` clears them;
- the closing ``go``: one benefit review per effect goal and per entry of the
  workflow's ``benefit_reviews``, due that long after the decision; the project's
  follow-up is open until the last review is recorded.

These are written in the decision's own transaction (see services/decisions.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlmodel import select

from plp import durations, engine, permissions
from plp.actor import Actor
from plp.db import Database, UnitOfWork
from plp.errors import InvalidInput, NotFound
from plp.models import BenefitReview, Condition, Goal, Project
from plp.services.common import check_version, choose, clean_text, get_project, not_after_today
from plp.services.results import BenefitAnswer, BenefitRecorded, BenefitReviewView, ConditionView
from plp.workflow import DecisionPoint, Workflow

ACHIEVED = ("yes", "partly", "no")


# ------------------------------------------------------------ with a decision


def check_decision(outcome: str, conditions: list[tuple[str, dt.date]], review_on: dt.date | None,
                   date: dt.date) -> None:
    """Refuse conditions and review dates where they mean nothing, before anything is read."""
    if conditions and outcome != "go":
        raise InvalidInput("--condition goes with go only: a conditional approval lets the project move on")
    for text, due in conditions:
        clean_text(text, "condition", multiline=False, max_len=1000)
        if due <= date:
            raise InvalidInput(f"condition due date {due.isoformat()} must be after the decision date "
                               f"{date.isoformat()}")
    if review_on is not None:
        if outcome != "hold":
            raise InvalidInput("--review-on goes with hold only")
        if review_on <= date:
            raise InvalidInput(f"review date {review_on.isoformat()} must be after the decision date "
                               f"{date.isoformat()}")


def check_at(dp: DecisionPoint, conditions: list[tuple[str, dt.date]]) -> None:
    if conditions and dp.closing:
        raise InvalidInput(f"{dp.key} completes the project; a closed record cannot carry open conditions")


def project_fields(wf: Workflow, result: engine.Outcome, date: dt.date, review_on: dt.date | None,
                   project: Project, goal_levels: set[str]) -> dict[str, Any]:
    """The project's time-rule columns after the decision (written by the decision's bump)."""
    if result.outcome == "hold":
        review = review_on or (durations.add(date, wf.hold_review_after) if wf.hold_review_after else None)
        return {"held_on": date, "review_on": review, "dormant_since": None}
    if result.outcome == "resume":
        return {"held_on": None, "review_on": None, "dormant_since": None}
    if result.status == engine.COMPLETED and wf.benefit_reviews and "effect" in goal_levels:
        return {"follow_up": "open"}
    return {}


def after_decision(uow: UnitOfWork, project: Project, wf: Workflow, dp: DecisionPoint, result: engine.Outcome,
                   decision_id: int, date: dt.date, conditions: list[tuple[str, dt.date]]) -> dict[str, Any]:
    """Write the conditions or the benefit reviews of a decision; returns what its event adds."""
    extra: dict[str, Any] = {}
    if conditions:
        extra["conditions"] = []
        for text, due in conditions:
            cid = uow.insert(Condition, project_id=project.id, decision_id=decision_id, decision_point=dp.key,
                             text=text, due=due, status="open")
            extra["conditions"].append({"id": cid, "text": text, "due": due.isoformat()})
    if result.outcome == "hold":
        extra["review_on"] = project.review_on.isoformat() if project.review_on else None
    if project.follow_up == "open" and result.status == engine.COMPLETED:
        goals = uow.session.exec(select(Goal.id).where(Goal.project_id == project.id, Goal.level == "effect")
                                 .order_by(Goal.id)).all()
        extra["benefit_reviews"] = []
        for n, after in enumerate(wf.benefit_reviews, start=1):
            due = durations.add(date, after)
            for goal_id in goals:
                uow.insert(BenefitReview, project_id=project.id, goal_id=goal_id, review=n, after=after, due=due)
            extra["benefit_reviews"].append({"review": n, "after": after, "due": due.isoformat()})
    return extra


# ------------------------------------------------------------------ conditions


def condition_met(db: Database, *, code: str, condition_id: int, today: dt.date, on: dt.date | None = None,
                  if_version: int | None = None,
                  note: str | None = None, actor: Actor) -> ConditionView:
    """Mark a condition met (an open one, or a missed one met late: that resumes nothing)."""
    clean_text(note, "note", multiline=True, max_len=5000, required=False)
    day = not_after_today(on or today, today, "date")
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        c = uow.session.get(Condition, condition_id)
        if c is None or c.project_id != p.id:
            raise NotFound(f"{p.code} has no condition {condition_id} (see 'plp condition list {p.code}')")
        if c.status == "met":
            raise InvalidInput(f"condition {c.id} of {p.code} was already met on {c.met_on.isoformat()}")
        permissions.check(uow, "condition.met", p)
        was = c.status
        uow.bump(p)
        done = uow.session.execute(update(Condition).where(Condition.id == c.id, Condition.status == was)
                                   .values(status="met", met_on=day, note=note)
                                   .execution_options(synchronize_session=False))
        if done.rowcount != 1:  # pragma: no cover - the project's version guard comes first
            raise InvalidInput(f"condition {c.id} of {p.code} changed meanwhile; reload and try again")
        uow.event("condition_met", {"condition_id": c.id, "text": c.text, "due": c.due.isoformat(),
                                    "met_on": day.isoformat(), "note": note, "was": was}, p.id)
        uow.commit()
        return dataclasses.replace(condition_view(c, p.code, today), status="met", met_on=day, note=note,
                                   overdue=False)


def conditions_of(uow: UnitOfWork, project_ids: list[int] | None = None) -> list[Condition]:
    q = select(Condition).order_by(Condition.due, Condition.id)
    if project_ids is not None:
        q = q.where(Condition.project_id.in_(project_ids))
    return list(uow.session.exec(q).all())


def condition_view(c: Condition, code: str, today: dt.date) -> ConditionView:
    return ConditionView(id=c.id, project=code, decision_point=c.decision_point, text=c.text, due=c.due,
                         status=c.status, met_on=c.met_on, note=c.note, overdue=c.status == "open" and c.due < today)


def list_conditions(db: Database, *, code: str | None, today: dt.date) -> list[ConditionView]:
    with db.unit() as uow:
        if code:
            p = get_project(uow, code)
            return [condition_view(c, p.code, today) for c in conditions_of(uow, [p.id])]
        codes = dict(uow.session.exec(select(Project.id, Project.code)).all())
        rows = [condition_view(c, codes[c.project_id], today) for c in conditions_of(uow)]
        return sorted(rows, key=lambda r: (r.project, r.due, r.id))


# ------------------------------------------------------------------ benefits


def benefit_record(db: Database, *, code: str, goal_id: int, review: int, achieved: str, value: str,
                   if_version: int | None = None,
                   today: dt.date, actor: Actor) -> BenefitRecorded:
    """Record the answer of one benefit review for one effect goal; the last one closes the follow-up."""
    choose(achieved, ACHIEVED, "answer to --achieved")
    clean_text(value, "value", multiline=True, max_len=2000)
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        row = uow.session.exec(select(BenefitReview).where(BenefitReview.project_id == p.id,
                                                           BenefitReview.goal_id == goal_id,
                                                           BenefitReview.review == review)).first()
        if row is None:
            raise NotFound(f"{p.code} has no benefit review {review} of goal {goal_id} "
                           f"(see 'plp project show {p.code}')")
        if row.due > today:
            raise InvalidInput(f"benefit review {review} of {p.code} is due {row.due.isoformat()}, "
                               f"not yet (today is {today.isoformat()})")
        if row.achieved is not None:
            raise InvalidInput(f"benefit review {review} of goal {goal_id} in {p.code} is already recorded")
        permissions.check(uow, "benefit.record", p)
        rows = uow.session.exec(select(BenefitReview).where(BenefitReview.project_id == p.id)).all()
        last = max(r.review for r in rows)
        closes = all(r.achieved is not None or r.id == row.id for r in rows if r.review == last)
        uow.bump(p, **({"follow_up": "closed"} if closes else {}))
        uow.session.execute(update(BenefitReview).where(BenefitReview.id == row.id, BenefitReview.achieved.is_(None))
                            .values(achieved=achieved, value=value, recorded_on=today, recorded_by=uow.actor)
                            .execution_options(synchronize_session=False))
        uow.event("benefit_recorded", {"goal_id": goal_id, "review": review, "after": row.after,
                                       "achieved": achieved, "value": value, "date": today.isoformat()}, p.id)
        if closes:
            uow.event("benefit_follow_up_closed", {"reviews": last}, p.id)
        uow.commit()
        return BenefitRecorded(project=p.code, goal_id=goal_id, review=review, achieved=achieved, closed=closes)


def benefit_reviews_of(uow: UnitOfWork, project: Project) -> list[BenefitReviewView]:
    """The benefit reviews of a project, per review, with each effect goal's answer."""
    rows = uow.session.exec(select(BenefitReview, Goal.text).join(Goal, Goal.id == BenefitReview.goal_id)
                            .where(BenefitReview.project_id == project.id)
                            .order_by(BenefitReview.review, BenefitReview.goal_id)).all()
    by_review: dict[int, list[tuple[BenefitReview, str]]] = {}
    for r, text in rows:
        by_review.setdefault(r.review, []).append((r, text))
    out = []
    for n, items in by_review.items():
        first = items[0][0]
        goals = [BenefitAnswer(goal_id=r.goal_id, goal=text, achieved=r.achieved, value=r.value,
                               recorded_on=r.recorded_on) for r, text in items]
        out.append(BenefitReviewView(review=n, after=first.after, due=first.due, opened=first.opened_at is not None,
                                     goals=goals, done=all(g.achieved is not None for g in goals)))
    return out


def benefit_status(project: Project, reviews: list[BenefitReviewView], today: dt.date) -> str | None:
    """One word for lists: None (no follow-up), closed, due (a review waits for answers), open."""
    if project.follow_up is None:
        return None
    if project.follow_up == "closed":
        return "closed"
    if any(not r.done and r.due <= today for r in reviews):
        return "due"
    return "open"
