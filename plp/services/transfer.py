"""``plp export json`` / ``plp import json``: a whole database as one JSON document.

The document holds every table, row by row, with ids kept, so the history, its
audit chain and every reference survive the move (from SQLite to PostgreSQL, say).
Import refuses a file from a newer schema, a file that is not a plp export or is
damaged, a file with a row that a command would refuse or a history that does not
verify (:mod:`plp.services.import_checks`), and a target that already has data. It
checks everything before it writes, skips runtime rows (outbox, scheduler lease),
and writes everything in one transaction, so a refused import leaves the target
untouched.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Integer, delete, func, insert, select, text

from plp import permissions
from plp.actor import Actor
from plp.db import HEAD_REVISION, Database
from plp.errors import InvalidInput, PlpError
from plp.services.results_ops import TableCounts

FORMAT = "plp-export"


def _tables():
    from sqlmodel import SQLModel

    import plp.models

    plp.models.load_all()  # registers every table

    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_data(db: Database) -> dict[str, Any]:
    with db.unit() as uow:
        conn = uow.session.connection()
        tables = {}
        for table in _tables():
            order = [c for c in table.primary_key.columns]
            rows = conn.execute(select(table).order_by(*order)).mappings().all()
            tables[table.name] = [{k: _out(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "schema": HEAD_REVISION,
            "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "tables": tables}


def export_json(db: Database, out: TextIO) -> TableCounts:
    """Write :func:`export_data` (the file format) to ``out``; returns the rows per table."""
    data = export_data(db)
    json.dump(data, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return TableCounts(tables={name: len(rows) for name, rows in data["tables"].items()})


def _in(value: Any, column: Any, where: str) -> Any:
    """A JSON value converted for ``column``; anything off is a damaged file."""
    if value is None:
        if not column.nullable and not column.primary_key:
            raise InvalidInput(f"damaged export: {where} is empty")
        return None
    kind = _python_type(column.type)
    try:
        if kind is dt.datetime:
            moment = dt.datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
        if kind is dt.date:
            return dt.date.fromisoformat(value)
        if kind is bool:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if not isinstance(value, str):
            raise TypeError
        return value
    except (TypeError, ValueError):
        raise InvalidInput(f"damaged export: {where} has an invalid value {str(value)[:40]!r}") from None


def _python_type(type_: Any) -> type:
    """The Python type of a column, looking through TypeDecorators (SQLModel's UTCDateTime)."""
    from sqlalchemy.types import TypeDecorator

    while isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    try:
        return type_.python_type
    except NotImplementedError:  # pragma: no cover
        return str


def load_file(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"no such file: {path}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not a plp export (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise InvalidInput(f"{path} is not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise InvalidInput(f"{path} is not a plp export (made by 'plp export json')")
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema.isdigit():
        raise InvalidInput(f"{path} is not a plp export: it has no schema revision")
    if schema > HEAD_REVISION:
        raise InvalidInput(f"{path} comes from a newer plp (schema {schema}; this plp knows up to "
                           f"{HEAD_REVISION}): upgrade plp first")
    return data


#: Rows that belong to the running installation, not to the record: not imported.
RUNTIME = ("outbox", "scheduler_lease")


def _typed(table: Any, rows: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` in the file, converted for its columns; anything off is a damaged file."""
    if not isinstance(rows, list):
        raise InvalidInput(f"damaged export: table {table.name} is not a list")
    clean = []
    flags = {c.name: c.default.arg for c in table.columns
             if c.default is not None and c.default.is_scalar and isinstance(c.default.arg, bool)}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInput(f"damaged export: row {i + 1} of {table.name} is not an object")
        extra = set(row) - set(table.columns.keys())
        if extra:
            raise InvalidInput(f"damaged export: {table.name} has unknown column(s) {', '.join(sorted(extra))}")
        row = {**flags, **row}  # a flag an older export does not carry (person.is_admin) takes its default
        clean.append({c.name: _in(row.get(c.name), c, f"{table.name} row {i + 1} column {c.name}")
                      for c in table.columns if c.name in row or not c.nullable})
    return clean


def import_json(db: Database, *, path: str, actor: Actor) -> TableCounts:
    """Check the whole file (see :mod:`plp.services.import_checks`), then write it in one transaction."""
    from plp.services.identity import resolve
    from plp.services.import_checks import check_export

    data = load_file(path)
    tables = _tables()
    unknown = set(data["tables"]) - {t.name for t in tables}
    if unknown:
        raise InvalidInput(f"damaged export: unknown table(s) {', '.join(sorted(unknown))}")
    tables = [t for t in tables if t.name not in RUNTIME]
    rows = {t.name: _typed(t, data["tables"].get(t.name, [])) for t in tables}
    if data["schema"] < "0004" and rows.get("event"):
        raise InvalidInput(f"{path} comes from schema {data['schema']}, before the history had its audit chain: "
                           f"open that database with this plp and export it again")
    check_export(rows, path)  # everything is checked before anything is written
    counts: dict[str, int] = {}
    with db.unit(actor) as uow:
        conn = uow.session.connection()
        for table in _tables():
            if table.name == "audit_head":  # a new database has its (empty) chain head
                continue
            if conn.execute(select(func.count()).select_from(table)).scalar():
                raise PlpError(f"the target database {db.display} is not empty ({table.name} has rows); "
                               f"import into a new database")
        uow.end_read()
        conn = uow.session.connection()
        conn.execute(delete(next(t for t in tables if t.name == "audit_head")))
        for table in tables:
            clean = rows[table.name]
            for start in range(0, len(clean), 2000):
                conn.execute(insert(table), clean[start:start + 2000])
            counts[table.name] = len(clean)
        if data["schema"] < "0009":
            _creators_from_history(conn)
        permissions.check_importer(uow, resolve(uow, actor.name, actor.how))
        if db.url.startswith("postgresql"):
            for table in tables:
                if "id" in table.columns and isinstance(table.c.id.type, Integer) and table.c.id.autoincrement:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        uow.commit()
    return TableCounts(tables=counts)


def _creators_from_history(conn: Any) -> None:
    """Projects exported before schema 0009 name their creator only in the history; as
    migration 0009 does in place (it keeps its own frozen copy), link the creator when
    exactly one person has the name their ``project_created`` event records."""
    rows = conn.execute(text("SELECT project_id, actor FROM event WHERE kind = 'project_created' "
                             "AND project_id IS NOT NULL")).all()
    for project_id, actor in rows:
        ids = conn.execute(text("SELECT id FROM person WHERE name = :n"), {"n": actor}).scalars().all()
        if len(ids) == 1:
            conn.execute(text("UPDATE project SET created_by_id = :p WHERE id = :id"), {"p": ids[0], "id": project_id})
