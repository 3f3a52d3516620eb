"""Workflow versions in the database: the copy each project runs on."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import select

from plp import workflow as wfmod
from plp.db import UnitOfWork, utcnow
from plp.errors import PlpError
from plp.models import WorkflowDef
from plp.workflow import Workflow


def register(uow: UnitOfWork, wf: Workflow, path: Path) -> WorkflowDef:
    """The stored copy of this workflow version, stored now if it is new.

    A file whose content changed but whose version did not is refused: projects
    already on that version must keep exactly the rules they started with.
    """
    definition = wf.to_json()
    sha = hashlib.sha256(definition.encode()).hexdigest()
    row = uow.session.exec(
        select(WorkflowDef).where(WorkflowDef.name == wf.name, WorkflowDef.version == wf.version)
    ).first()
    if row is not None:
        if row.sha256 != sha:
            raise PlpError(
                f"{path}: workflow {wf.name} version {wf.version} differs from the version {wf.version} "
                f"this database already uses; give the changed file a new version number"
            )
        return row
    row = WorkflowDef(name=wf.name, version=wf.version, definition=definition,
                      source=path.read_text(encoding="utf-8"), sha256=sha, loaded_at=utcnow())
    uow.add(row)
    uow.flush()
    uow.event("workflow_loaded", {"workflow": wf.name, "version": wf.version, "file": str(path), "sha256": sha})
    return row


def available() -> list[tuple[Workflow | None, Path, list[str]]]:
    """Every workflow file on the search path, with its problems if it has any."""
    out: list[tuple[Workflow | None, Path, list[str]]] = []
    for f in wfmod.workflow_files():
        loaded = wfmod.parse(f.read_text(encoding="utf-8"), str(f))
        out.append((loaded.workflow, f, [f"line {ln}: {m}" if ln else m for ln, m in loaded.problems]))
    return out
