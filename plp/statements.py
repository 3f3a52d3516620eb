"""The statements every change runs (plp/db.py's unit of work), built once.

Building a SQLAlchemy statement costs more than running it on SQLite, so the guarded
project update, the row inserts and the audit chain's statements are made the first
time they are needed and reused. The guarded update also returns the audit head
(on PostgreSQL taken ``FOR UPDATE``; SQLite's write lock, held since ``BEGIN
IMMEDIATE``, already serialises writers), so the event that follows need not read
it. On PostgreSQL the new event and the moved head are also one statement.
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
_BUMPS: dict[tuple[tuple[str, ...], bool, bool], Any] = {}
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


def bump_statement(columns: tuple[str, ...], pg: bool, returning: bool | None = None) -> Any:
    """The guarded ``UPDATE project`` setting ``columns`` (each bound as ``v_<column>``).

    With ``returning`` (always on PostgreSQL; on SQLite where it has ``RETURNING``,
    3.35 on) it also returns the project's id and the audit head, on PostgreSQL
    locked ``FOR UPDATE`` in the same statement: no row means the version guard refused.
    """
    returning = pg if returning is None else returning or pg
    stmt = _BUMPS.get((columns, pg, returning))
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
        elif returning:
            h = statements().head.selected_columns
            stmt = stmt.returning(t.c.id, statements().head.with_only_columns(h.last_event_id).scalar_subquery(),
                                  statements().head.with_only_columns(h.last_hash).scalar_subquery())
        _BUMPS[(columns, pg, returning)] = stmt
    return stmt
