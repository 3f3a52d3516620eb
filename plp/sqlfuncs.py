"""Small SQL helpers that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement):
    """Whole days from the second date to the first (``later - earlier``)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)")


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:  # PostgreSQL
    later, earlier = list(element.clauses)
    return f"(CAST({compiler.process(later, **kw)} AS DATE) - CAST({compiler.process(earlier, **kw)} AS DATE))"


class in_id_list(FunctionElement):
    """``column IN (the integers of a JSON array)``: ``in_id_list(column, json.dumps(ids))``.

    One bound parameter however many ids, so one statement for thousands of projects;
    ``IN (?, ?, ...)`` renders and binds a parameter per id (and SQLite caps their number).
    """

    type = Boolean()
    inherit_cache = True
    name = "in_id_list"
    _is_implicitly_boolean = True  # a condition as it stands, not "... = 1" (which SQLite cannot index)


@compiles(in_id_list, "sqlite")
def _in_ids_sqlite(element: in_id_list, compiler: Any, **kw: Any) -> str:
    column, ids = list(element.clauses)
    return f"{compiler.process(column, **kw)} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(in_id_list)
def _in_ids_default(element: in_id_list, compiler: Any, **kw: Any) -> str:  # PostgreSQL
    column, ids = list(element.clauses)
    return (f"{compiler.process(column, **kw)} IN (SELECT CAST(value AS INTEGER) "
            f"FROM jsonb_array_elements_text(CAST({compiler.process(ids, **kw)} AS JSONB)))")


def insert_ignore(session: Any, table: Any):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the session's dialect."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
