"""Tamper evidence: the hash chain over all events, and its verification.

Every event stores ``hash = sha256(prev_hash, at, actor, kind, project_id, data)``
and the ``prev_hash`` of the event before it; ``audit_head`` keeps the newest link.
Changing an event breaks its own hash; deleting one breaks the link of the next
(or, for the newest, the head). Writers take the head row with ``FOR UPDATE``
(SQLite's write lock does the same), so the chain never forks.

``plp audit verify`` also checks that decisions and anchoring rows still say what
their history events say, so an edited decision outcome is caught too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def _moment(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def event_hash(prev_hash: str, at: dt.datetime, actor: str, kind: str, project_id: int | None, data: str) -> str:
    canonical = json.dumps([prev_hash, _moment(at), actor, kind, project_id, data], ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Verdict:
    ok: bool
    events: int
    problem: str | None = None
    event_id: int | None = None


def verify(db: Any) -> Verdict:
    """Walk the whole chain; name the first broken event."""
    from sqlalchemy import select

    from plp.models import Anchoring, AuditHead, Decision, Event, Project

    with db.unit() as uow:
        conn = uow.session.connection()
        t = Event.__table__
        expected = GENESIS
        count = 0
        last_id = 0
        by_ref: dict[tuple[str, int], tuple[int, dict]] = {}
        result = conn.execution_options(yield_per=2000).execute(
            select(t.c.id, t.c.at, t.c.actor, t.c.kind, t.c.project_id, t.c.data, t.c.prev_hash, t.c.hash)
            .order_by(t.c.id))
        for eid, at, actor, kind, project_id, data, prev_hash, stored in result:
            count += 1
            if prev_hash != expected:
                return Verdict(False, count, f"event {eid} ({kind}) does not follow the event before it: "
                                             f"an earlier event was deleted or changed", eid)
            if event_hash(prev_hash, at, actor, kind, project_id, data) != stored:
                return Verdict(False, count, f"event {eid} ({kind}, {_moment(at)[:19]}) was changed after it "
                                             f"was written", eid)
            expected, last_id = stored, eid
            if kind in ("decision_taken", "anchoring_recorded"):
                payload = json.loads(data)
                ref = payload.get("decision_id") if kind == "decision_taken" else payload.get("anchoring_id")
                if ref is not None:
                    by_ref[(kind, ref)] = (eid, payload)
        head = uow.session.get(AuditHead, 1)
        if head is not None and (head.last_hash != expected or head.last_event_id != last_id):
            return Verdict(False, count, f"the newest event(s) after event {last_id} were deleted "
                                         f"(the chain ends at event {head.last_event_id})", last_id)
        codes = dict(conn.execute(select(Project.id, Project.code)).all())
        cross_checked = (  # rows whose content must match the history event that recorded them
            ("decision_taken", Decision, "decision", ("outcome", "decision_point", "date")),
            ("anchoring_recorded", Anchoring, "anchoring", ("outcome", "ref", "date", "body")),
        )
        for kind, model, noun, fields in cross_checked:
            rows = uow.session.scalars(select(model).order_by(model.id)).all()
            for row in rows:
                found = by_ref.get((kind, row.id))
                where = f"{noun} {row.id} of {codes.get(row.project_id)}"
                if found is None:
                    return Verdict(False, count, f"{where} has no history event", None)
                eid, payload = found
                for field in fields:
                    value = getattr(row, field)
                    value = value.isoformat() if hasattr(value, "isoformat") else value
                    if payload.get(field) != value:
                        return Verdict(False, count, f"{where} says {field} '{value}', but its history event "
                                                     f"{eid} says '{payload.get(field)}'", eid)
            present = {row.id for row in rows}
            for (k, ref), (eid, _) in by_ref.items():
                if k == kind and ref not in present:
                    return Verdict(False, count, f"history event {eid} records {noun} {ref}, which is missing", eid)
        return Verdict(True, count)
