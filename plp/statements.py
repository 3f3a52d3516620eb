"""The statements every change runs (plp/db.py's unit of work), built once.

Building a SQLAlchemy statement costs more than running it on SQLite, so the guarded
project update, the row inserts and the audit chain's statements are made the first
time they are needed and reused. On PostgreSQL two of them save a round trip each:
the guarded update also takes the audit head ``FOR UPDATE`` and returns it, and the
new event and the moved head are one statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update


class _Statements:
    """The statements every change runs, built once (building them costs more than running them)."""

    def __init__(self) -> None:
        from sqlalchemy import bindparam, insert, select

        from plp.models import AuditHead, Event

        h, e = AuditHead.__table__, Event.__table__
        self.head = select(h.c.last_event_id, h.c.last_hash).where(h.c.id == 1)
        self.head_for_update = self.head.with_for_update()
        self.move_head = update(h).where(h.c.id == 1).values(last_event_id=bindparam("e_id"),
                                                              last_hash=bindparam("e_hash"))
        columns = ("at", "actor", "actor_id", "kind", "project_id", "data", "prev_hash", "hash")
        new_event = (insert(e).values({c: bindparam("e_" + c) for c in columns}).returning(e.c.id)
                     .cte("new_event"))
        self.link = (update(h).where(h.c.id == 1)
                     .values(last_event_id=select(new_event.c.id).scalar_subquery(), last_hash=bindparam("e_hash"))
                     .returning(h.c.last_event_id))


_STATEMENTS: _Statements | None = None
_BUMPS: dict[tuple[tuple[str, ...], bool], Any] = {}
_INSERTS: dict[Any, Any] = {}


def statements() -> _Statements:
    global _STATEMENTS
    if _STATEMENTS is None:
        _STATEMENTS = _Statements()
    return _STATEMENTS


def insert_of(table: Any) -> Any:
    stmt = _INSERTS.get(table)
    if stmt is None:
        from sqlalchemy import insert

        stmt = _INSERTS[table] = insert(table)
    return stmt


def bump_statement(columns: tuple[str, ...], pg: bool) -> Any:
    """The guarded ``UPDATE project`` setting ``columns`` (each bound as ``v_<column>``).

    On PostgreSQL it also returns the audit head, locked ``FOR UPDATE`` in the same
    statement, and the project's id: no row means the version guard refused.
    """
    stmt = _BUMPS.get((columns, pg))
    if stmt is None:
        from sqlalchemy import bindparam, select

        from plp.models import Project

        t = Project.__table__
        stmt = (update(t).where(t.c.id == bindparam("_id"), t.c.version == bindparam("_read"))
                .values({c: bindparam("v_" + c) for c in columns}))
        if pg:
            head = statements().head_for_update.cte("head")
            stmt = stmt.add_cte(head).returning(t.c.id, select(head.c.last_event_id).scalar_subquery(),
                                                select(head.c.last_hash).scalar_subquery())
        _BUMPS[(columns, pg)] = stmt
    return stmt
