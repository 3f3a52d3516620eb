"""What the reports show of the time rules: the hold, conditions, anchoring validity, benefits.

One function per report shape, read inside the report's unit of work; the
wording comes from ``plp/texts/labels.yaml`` in the report's language.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from plp.db import UnitOfWork
from plp.models import Anchoring, Org, Project
from plp.texts import Labels
from plp.services import conditions as timed_rules
from plp.services.projects import hold_of, time_rules_of
from plp.services.results_plans import AgendaDeadline, CalendarDate, OrgDeadline
from plp.services.results_reports import PortfolioTimeFacts, ReportTimeRules


def status_label(p: Project, base: str, t: Labels, benefit: str | None = None) -> str:
    """The status in words, marked dormant, and with the benefit follow-up of a completed project."""
    if p.status == "on_hold" and p.dormant_since is not None:
        base = f"{base} ({t('dormant')})"
    if benefit:
        base = f"{base} · {t('benefit_follow_up')}: {t('benefit_' + benefit)}"
    return base


def for_project(uow: UnitOfWork, p: Project, today: dt.date, t: Labels) -> ReportTimeRules:
    """The time rules of one project (the facts ``project show`` gives), with one line of text per item."""
    facts = time_rules_of(uow, p, today)
    lines: list[str] = []
    hold = facts.hold
    if hold:
        parts = [t("tr_hold", since=hold.held_on.isoformat())]
        if hold.review_on:
            parts.append(t("tr_review", date=hold.review_on.isoformat()))
        if hold.dormant_since:
            parts.append(t("tr_dormant", date=hold.dormant_since.isoformat()))
        lines.append(", ".join(parts))
    for c in facts.conditions:
        state = (t("tr_condition_met", date=c.met_on.isoformat()) if c.status == "met" and c.met_on
                 else t("tr_condition_" + c.status))
        lines.append(t("tr_condition", dp=c.decision_point, due=c.due.isoformat(), text=c.text) + f" ({state})")
    for a, org in uow.session.exec(select(Anchoring, Org.name).join(Org, Org.id == Anchoring.org_id)
                                   .where(Anchoring.project_id == p.id, Anchoring.valid_until.is_not(None))
                                   .order_by(Anchoring.valid_until)).all():
        lines.append(t("tr_valid_until", org=org, ref=a.ref, date=a.valid_until.isoformat()))
    for r in facts.benefit_reviews:
        head = t("tr_benefit", n=r.review, after=r.after, due=r.due.isoformat())
        answers = [f"{g.goal}: {t('achieved_' + g.achieved)} ({g.value})" for g in r.goals if g.achieved]
        waiting = t("tr_benefit_waiting") if r.due <= today else t("tr_benefit_later")
        tail = "; ".join(answers + ([] if r.done else [waiting]))
        lines.append(f"{head}: {tail}")
    return ReportTimeRules(hold=hold, dormant=facts.dormant, conditions=facts.conditions,
                           benefit_reviews=facts.benefit_reviews, benefit_status=facts.benefit_status, lines=lines)


def portfolio_fields(uow: UnitOfWork, p: Project, today: dt.date) -> PortfolioTimeFacts:
    """The few time-rule facts a portfolio row carries."""
    reviews = timed_rules.benefit_reviews_of(uow, p) if p.follow_up else []
    held = p.status == "on_hold"
    return PortfolioTimeFacts(dormant=held and p.dormant_since is not None,
                              held_on=p.held_on if held else None, review_on=p.review_on if held else None,
                              follow_up=p.follow_up, benefit_status=timed_rules.benefit_status(p, reviews, today))


def agenda_items(uow: UnitOfWork, projects: dict[int, Project], lead: dict[int, str], today: dt.date,
                 horizon: dt.date, t: Labels) -> list[OrgDeadline]:
    """Each deadline for the network agenda (passed or within the window), under its municipality.

    Under the lead owner: conditions not met, holds to review or dormant, benefit
    reviews due. Under the owner itself: an approval that expires within the window.
    """
    out: list[OrgDeadline] = []
    open_ = ("active", "on_hold")

    def add(org: str | None, p: Project, text: str, date: dt.date) -> None:
        out.append(OrgDeadline(org=org, item=AgendaDeadline(project=p.code, name=p.name, text=text, date=date)))

    for c in timed_rules.conditions_of(uow):
        p = projects[c.project_id]
        # An open condition near its date; a missed one while its project waits on hold.
        if (c.status == "open" and p.status in open_ and c.due <= horizon) or (
                c.status == "missed" and p.status == "on_hold"):
            state = t("tr_condition_" + c.status)
            add(lead.get(p.id), p, t("tr_condition", dp=c.decision_point, due=c.due.isoformat(), text=c.text)
                + f" ({state})", c.due)
    for p in projects.values():
        hold = hold_of(p)
        if hold and (hold.dormant_since or (hold.review_on and hold.review_on <= horizon)):
            parts = [t("tr_hold", since=hold.held_on.isoformat())]
            if hold.review_on:
                parts.append(t("tr_review", date=hold.review_on.isoformat()))
            if hold.dormant_since:
                parts.append(t("tr_dormant", date=hold.dormant_since.isoformat()))
            add(lead.get(p.id), p, ", ".join(parts), hold.review_on or hold.held_on)
        if p.follow_up == "open":
            for r in timed_rules.benefit_reviews_of(uow, p):
                if not r.done and r.due <= horizon:
                    add(lead.get(p.id), p, t("tr_benefit", n=r.review, after=r.after, due=r.due.isoformat()), r.due)
    for a, org in uow.session.exec(select(Anchoring, Org.name).join(Org, Org.id == Anchoring.org_id)
                                   .where(Anchoring.valid_until.is_not(None), Anchoring.valid_until <= horizon,
                                          Anchoring.valid_until >= today - dt.timedelta(weeks=6))).all():
        p = projects[a.project_id]
        if p.status in open_:
            add(org, p, t("tr_valid_until", org=org, ref=a.ref, date=a.valid_until.isoformat()), a.valid_until)
    out.sort(key=lambda x: (x.item.date, x.item.project))
    return out


def calendar_dates(uow: UnitOfWork, p: Project) -> list[CalendarDate]:
    """The time rules' dates for the calendar: condition deadlines, the review of a hold,
    expiries of anchoring, benefit reviews. ``what`` names the event for a stable UID."""
    out: list[CalendarDate] = []
    for c in timed_rules.conditions_of(uow, [p.id]):
        out.append(CalendarDate(what=f"condition-{c.id}", kind="ics_condition", date=c.due, text=c.text,
                                done=c.status == "met"))
    if p.status == "on_hold" and p.review_on and p.held_on:
        out.append(CalendarDate(what=f"review-{p.held_on.isoformat()}", kind="ics_review", date=p.review_on,
                                text="", done=False))
    for a, org in uow.session.exec(select(Anchoring, Org.name).join(Org, Org.id == Anchoring.org_id)
                                   .where(Anchoring.project_id == p.id, Anchoring.valid_until.is_not(None))).all():
        out.append(CalendarDate(what=f"expiry-{a.id}", kind="ics_expiry", date=a.valid_until, text=f"{org} {a.ref}",
                                done=False))
    for r in timed_rules.benefit_reviews_of(uow, p):
        out.append(CalendarDate(what=f"benefit-{r.review}", kind="ics_benefit", date=r.due,
                                text=f"{r.review} ({r.after})", done=r.done))
    return out
