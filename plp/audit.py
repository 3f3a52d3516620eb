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
        for d in uow.session.scalars(select(Decision).order_by(Decision.id)).all():
            found = by_ref.get(("decision_taken", d.id))
            if found is None:
                return Verdict(False, count, f"decision {d.id} of {codes.get(d.project_id)} has no history event",
                               None)
            eid, p = found
            for field, value in (("outcome", d.outcome), ("decision_point", d.decision_point),
                                 ("date", d.date.isoformat())):
                if p.get(field) != value:
                    return Verdict(False, count, f"decision {d.id} of {codes.get(d.project_id)} says {field} "
                                                 f"'{value}', but its history event {eid} says '{p.get(field)}'", eid)
        seen_decisions = {d_id for d_id in conn.execute(select(Decision.id)).scalars()}
        for (kind, ref), (eid, _) in by_ref.items():
            if kind == "decision_taken" and ref not in seen_decisions:
                return Verdict(False, count, f"history event {eid} records decision {ref}, which is missing", eid)
        for a in uow.session.scalars(select(Anchoring).order_by(Anchoring.id)).all():
            found = by_ref.get(("anchoring_recorded", a.id))
            if found is None:
                return Verdict(False, count, f"anchoring {a.id} of {codes.get(a.project_id)} has no history event",
                               None)
            eid, p = found
            for field, value in (("outcome", a.outcome), ("ref", a.ref), ("date", a.date.isoformat()),
                                 ("body", a.body)):
                if p.get(field) != value:
                    return Verdict(False, count, f"anchoring {a.id} of {codes.get(a.project_id)} says {field} "
                                                 f"'{value}', but its history event {eid} says '{p.get(field)}'", eid)
        return Verdict(True, count)
