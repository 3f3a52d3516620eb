"""Between the chapters: the portfolio as a table, with labels in the demo's language."""

from __future__ import annotations

import datetime as dt

from plp.db import Database
from plp.demo.narrator import table

COLUMNS = ["code", "project", "phase", "status", "next decision", "ready", "milestones open", "decisions"]


def summary(db: Database, lang: str) -> None:
    from plp.services.common import gate_of, get_project, workflow_of
    from plp.services.projects import list_projects, show_project

    rows = []
    for row in list_projects(db):
        d = show_project(db, code=row.code, today=dt.date.today())
        with db.unit() as uow:
            p = get_project(uow, row.code)
            wf = workflow_of(uow, p)
            gate = gate_of(uow, p)
        rows.append((d.code, d.name, wf.phase_label(d.phase, lang), wf.statuses[d.status].get(lang),
                     gate.decision_point.key if gate else "–", ("yes" if gate.ready else "no") if gate else "–",
                     sum(1 for m in d.milestones if not m.done_on), len(d.decisions)))
    table(rows, COLUMNS, title="Kristiansandregionen – portfolio")
