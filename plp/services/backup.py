"""A consistent copy of a SQLite database while others write (SQLite's online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from plp.db import Database
from plp.errors import InvalidInput, PlpError


def backup(db: Database, *, target: str) -> Path:
    """Copy the database to ``target`` (a new file) with SQLite's online backup API.

    Readers and writers can go on meanwhile: the copy is one consistent snapshot.
    For PostgreSQL use ``pg_dump`` (or ``plp export json``).
    """
    if not db.is_sqlite:
        raise PlpError(f"plp db backup copies SQLite files; for PostgreSQL use pg_dump, e.g. "
                       f"pg_dump --format=custom --file=plp.dump '{db.display}' (or plp export json)")
    dest = Path(target)
    if dest.exists():
        raise InvalidInput(f"{target} already exists; choose a new file name")
    if not dest.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: folder {dest.parent} does not exist")
    db.engine  # creates and migrates the source if needed
    source_path = db.url.removeprefix("sqlite:///")
    try:
        src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(dest)
            try:
                src.backup(out)
                ok = out.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                out.close()
        finally:
            src.close()
    except (sqlite3.Error, OSError) as e:
        dest.unlink(missing_ok=True)
        raise PlpError(f"backup to {target} failed: {e}") from None
    if ok != "ok":  # pragma: no cover - a broken source
        raise PlpError(f"the copy in {target} fails SQLite's integrity check: {ok}")
    return dest
