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


def _may(uow: UnitOfWork, action: str, p: Project, **kw: Any) -> bool:
    try:
        permissions.check(uow, action, p, **kw)
    except NotAllowed:
        return False
    return True


def _people_facts(db: Database, code: str, actor: Actor) -> dict[str, Any]:
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        own = set(uow.session.exec(select(Milestone.id).where(Milestone.project_id == p.id,
                                                              Milestone.responsible_id == uow.actor_person_id)))
        may_all_milestones = _may(uow, "milestone.done", p)
        return {
            "version": p.version,
            "workflow": wf,
            "phases": [{"key": ph.key, "label": ph.labels.get("en")} for ph in wf.phases],
            "published": uow.session.get(Publication, p.id) is not None,
            "may": {"checklist": _may(uow, "checklist.tick", p), "anchoring": _may(uow, "anchoring.record", p),
                    "decide": _may(uow, "decision.record", p), "publish": _may(uow, "project.publish", p),
                    "milestone_ids": None if may_all_milestones else own},
            "team": [{"id": person.id, "name": person.name, "role": role} for role, person in roles_of(uow, p)],
            "deciders": [] if p.status in ("completed", "stopped") else list(wf.decision_point_from(p.phase).deciders),
            "me": uow.actor_person_id,
        }


def project_page(db: Database, *, code: str, today: dt.date, lang: str, actor: Actor) -> dict[str, Any]:
    """The status report plus the version, the phases, the checklist and what ``actor`` may do."""
    facts = _people_facts(db, code, actor)  # first: the version guards what is read after it
    report = status_report(db, code=code, today=today, lang=lang)
    wf = facts.pop("workflow")
    for ph in facts["phases"]:
        ph["label"] = wf.phase_label(ph["key"], lang)
    checklist = show_checklist(db, code=code, lang=lang)
    may_ms = facts["may"]["milestone_ids"]
    for m in report["milestones"]:
        m["may_done"] = not m["done_on"] and report["status"] not in ("completed", "stopped") and (
            may_ms is None or m["id"] in may_ms)
    facts["may"]["milestones"] = any(m["may_done"] for m in report["milestones"])
    facts["may"]["decide"] = facts["may"]["decide"] and any(
        member["id"] == facts["me"] and member["role"] in facts["deciders"] for member in facts["team"])
    outcomes = list(report["outcome_labels"])
    facts["outcomes"] = _outcomes_now(wf, report, outcomes)
    facts["role_labels"] = {k: r.labels.get(lang) for k, r in wf.roles.items()}
    return dict(report, **facts, checklist=checklist)


def _outcomes_now(wf: Any, report: dict[str, Any], known: list[str]) -> list[dict[str, str]]:
    """The outcomes a decision can have now, as the engine would accept them (gate aside)."""
    keys = engine.possible_outcomes(wf, report["phase"], report["status"])
    return [{"key": k, "label": report["outcome_labels"].get(k, k)} for k in keys if k in known]


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
        if action == "decision.record" and p.status not in ("completed", "stopped"):
            roles = list(wf.decision_point_from(p.phase).deciders)  # the workflow says who decides here
    names = [wf.roles[r].labels.get(lang) if r in wf.roles else r for r in roles]
    return names + (["@responsible"] if rule.responsible else []) + (["@owner_member"] if rule.owner_member else [])
