"""Publishing a project's results on the public page (``/public``).

Publishing does not touch the project's version: it changes nothing a decision
depends on, so an open decision form stays valid.

The public page shows a published project's phase, milestones reached, owners,
goals and the people in its roles, and nothing else: no notes, no responsible
persons, no decision log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database, utcnow
from plp.models import Project, Publication
from plp.services.common import check_version, get_project


def publish(db: Database, *, code: str, undo: bool = False, actor: Actor,
            if_version: int | None = None) -> bool:
    """Publish (or with ``undo`` withdraw) the project; False when it already was so."""
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        permissions.check(uow, "project.publish", p)
        row = uow.session.get(Publication, p.id)
        if (row is None) == undo:
            return False
        uow.end_read()
        if undo:
            uow.session.delete(uow.session.get(Publication, p.id))
            uow.event("project_unpublished", {"code": p.code}, p.id)
        else:
            uow.insert(Publication, project_id=p.id, published_at=utcnow(), published_by=uow.actor)
            uow.event("project_published", {"code": p.code}, p.id)
        uow.commit()
        return True


def is_published(db: Database, *, code: str) -> bool:
    with db.unit() as uow:
        return uow.session.get(Publication, get_project(uow, code).id) is not None


def public_projects(db: Database, *, today: dt.date, lang: str) -> list[dict[str, Any]]:
    """The published projects, with only what may be shown to anyone."""
    from plp.services.reporting import status_report

    with db.unit() as uow:
        codes = list(uow.session.exec(select(Project.code).join(Publication, Publication.project_id == Project.id)
                                      .order_by(Project.code)).all())
    out = []
    for code in codes:
        r = status_report(db, code=code, today=today, lang=lang)
        out.append({
            "code": r["code"], "name": r["name"], "phase_label": r["phase_label"], "status": r["status"],
            "status_label": r["status_label"], "owners": r["owners"],
            "roles": [{"person": x["person"], "role_label": x["role_label"]} for x in r["roles"]],
            "goals": r["goals"],
            "reached": [{"title": m["title"], "done_on": m["done_on"]} for m in r["milestones"] if m["done_on"]],
        })
    return out
