"""What the web's project and decision pages show, beyond the status report.

The version is read *before* everything else the page shows, so a form built from
the page carries a version no newer than what the person saw: a change made in
between makes the submit fail as "changed meanwhile", never pass silently.

Which forms a person sees follows the permission table (:mod:`plp.permissions`),
asked in the same way the services ask it when the form is submitted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from plp import engine, permissions
from plp.actor import Actor
from plp.db import Database, UnitOfWork
from plp.errors import NotAllowed
from plp.models import Milestone, Project, Publication
from plp.services.checklist import show_checklist
from plp.services.common import get_project, roles_of, workflow_of
from plp.services.reporting import status_report
from plp.services.results_reports import (
    OutcomeChoice,
    PageMilestone,
    PageRights,
    PeopleFacts,
    PhaseChoice,
    ProjectHeader,
    ProjectPage,
    StatusReport,
    TeamMember,
    values_of,
)


def _may(uow: UnitOfWork, action: str, p: Project, holders: dict[str, set[int]]) -> bool:
    try:
        permissions.check(uow, action, p, holders=holders)
    except NotAllowed:
        return False
    return True


def _holders(team: list[tuple[str, Any]]) -> dict[str, set[int]]:
    """role -> person ids, from the roles already read (as permissions.role_holders reads them)."""
    out: dict[str, set[int]] = {}
    for role, person in team:
        out.setdefault(role, set()).add(person.id)
    return out


def _may_decide(uow: UnitOfWork, p: Project, wf: Any, holders: dict[str, set[int]]) -> bool:
    """The decision form: the permission table's rule and a decider role at the next decision point."""
    return _may(uow, "decision.record", p, holders) and permissions.may_decide(wf, p, uow.actor_person_id, holders)


def _people_facts(db: Database, code: str, actor: Actor, lang: str) -> PeopleFacts:
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        team = roles_of(uow, p)
        holders = _holders(team)  # read once, for every question below
        own = set(uow.session.exec(select(Milestone.id).where(Milestone.project_id == p.id,
                                                              Milestone.responsible_id == uow.actor_person_id)))
        return PeopleFacts(
            version=p.version, workflow=wf,
            phases=[PhaseChoice(key=ph.key, label=wf.phase_label(ph.key, lang)) for ph in wf.phases],
            published=uow.session.get(Publication, p.id) is not None,
            checklist=_may(uow, "checklist.tick", p, holders), anchoring=_may(uow, "anchoring.record", p, holders),
            decide=_may_decide(uow, p, wf, holders), publish=_may(uow, "project.publish", p, holders),
            milestone_ids=None if _may(uow, "milestone.done", p, holders) else frozenset(own),
            team=[TeamMember(id=person.id, name=person.name, role=role) for role, person in team])


def project_page(db: Database, *, code: str, today: dt.date, lang: str, actor: Actor) -> ProjectPage:
    """The status report plus the version, the phases, the checklist and what ``actor`` may do."""
    facts = _people_facts(db, code, actor, lang)  # first: the version guards what is read after it
    report = status_report(db, code=code, today=today, lang=lang)
    wf = facts.workflow
    checklist = show_checklist(db, code=code, lang=lang)
    may_ms = facts.milestone_ids
    milestones = [PageMilestone(**values_of(m), may_done=not m.done_on and report.status not in ("completed", "stopped")
                                and (may_ms is None or m.id in may_ms)) for m in report.milestones]
    return ProjectPage(
        **dict(values_of(report), milestones=milestones), version=facts.version, phases=facts.phases,
        published=facts.published,
        may=PageRights(checklist=facts.checklist, anchoring=facts.anchoring, decide=facts.decide,
                       publish=facts.publish, milestones=any(m.may_done for m in milestones)),
        team=facts.team, outcomes=_outcomes_now(wf, report),
        role_labels={k: r.labels.get(lang) for k, r in wf.roles.items()}, checklist=checklist)


def decision_allowed(db: Database, *, code: str, actor: Actor) -> bool:
    """Whether ``actor`` sees the decision form of the project (what ``may.decide`` of the page says)."""
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        return _may_decide(uow, p, workflow_of(uow, p), permissions.role_holders(uow, p.id))


def project_header(db: Database, *, code: str) -> ProjectHeader:
    """The code and name of the project, for a page that shows no more of it (the history)."""
    with db.unit() as uow:
        p = get_project(uow, code)
        return ProjectHeader(code=p.code, name=p.name)


def _outcomes_now(wf: Any, report: StatusReport) -> list[OutcomeChoice]:
    """The outcomes a decision can have now, as the engine would accept them (gate aside)."""
    labels = report.outcome_labels
    return [OutcomeChoice(key=k, label=labels[k]) for k in engine.possible_outcomes(wf, report.phase, report.status)
            if k in labels]


def missing_roles(db: Database, *, code: str, action: str, lang: str) -> list[str]:
    """Who may do ``action`` in the project: role labels in ``lang`` from the workflow.

    ``@responsible`` and ``@owner_member`` stand for "the milestone's responsible
    person" and "a person from an owner organisation", for the caller to word.
    """
    rule = permissions.RULES[action]
    with db.unit() as uow:
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        roles = list(rule.roles)
        if action == "decision.record":
            roles = list(permissions.deciders(wf, p)) or roles  # the workflow says who decides here
    names = [wf.roles[r].labels.get(lang) if r in wf.roles else r for r in roles]
    return names + (["@responsible"] if rule.responsible else []) + (["@owner_member"] if rule.owner_member else [])
