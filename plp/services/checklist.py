"""Phase checklists: what must be in place before a decision point."""

from __future__ import annotations

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database, utcnow
from plp.errors import InvalidTransition, NotFound
from plp.models import ChecklistTick
from plp.services.common import check_version, commit_change, ensure_open, get_project, workflow_of
from plp.services.results import ChecklistItem


def show_checklist(db: Database, *, code: str, lang: str = "en") -> list[ChecklistItem]:
    with db.unit() as uow:
        p = get_project(uow, code)
        wf = workflow_of(uow, p)
        ticks = {t.item_key: t for t in uow.session.exec(
            select(ChecklistTick).where(ChecklistTick.project_id == p.id)).all()}
        return [ChecklistItem(key=item.key, phase=phase.key, label=item.labels.get(lang),
                              mandatory=item.mandatory, done=item.key in ticks, current_phase=phase.key == p.phase,
                              ticked_by=ticks[item.key].ticked_by if item.key in ticks else None)
                for phase in wf.phases for item in phase.checklist]


def tick(db: Database, *, code: str, item: str, actor: Actor, if_version: int | None = None) -> str:
    """Tick an item of any phase of the project's workflow; returns its phase."""
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        phase, _ = workflow_of(uow, p).checklist_item(item)
        permissions.check(uow, "checklist.tick", p)
        # The guarded bump comes before the look at the item: on PostgreSQL each read
        # sees the latest commit, so a writer that lost the race must hear "changed
        # meanwhile", not "already ticked". A refusal after it rolls the bump back.
        uow.bump(p)
        if uow.session.exec(select(ChecklistTick).where(ChecklistTick.project_id == p.id,
                                                        ChecklistTick.item_key == item)).first():
            raise InvalidTransition(f"checklist item '{item}' is already ticked in {p.code}")
        uow.add(ChecklistTick(project_id=p.id, item_key=item, ticked_at=utcnow(), ticked_by=uow.actor))
        uow.event("checklist_ticked", {"item": item, "phase": phase.key}, p.id)
        commit_change(uow, p)
        return phase.key


def untick(db: Database, *, code: str, item: str, actor: Actor, if_version: int | None = None) -> None:
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        phase, _ = workflow_of(uow, p).checklist_item(item)
        permissions.check(uow, "checklist.tick", p)
        uow.bump(p)  # first, as in tick: the loser of a race hears "changed meanwhile"
        row = uow.session.exec(select(ChecklistTick).where(ChecklistTick.project_id == p.id,
                                                           ChecklistTick.item_key == item)).first()
        if row is None:
            raise NotFound(f"checklist item '{item}' is not ticked in {p.code}")
        uow.session.delete(row)
        uow.event("checklist_unticked", {"item": item, "phase": phase.key}, p.id)
        commit_change(uow, p)
