"""A consistent, verified copy of a SQLite database while others write (SQLite's online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from plp.db import Database
from plp.errors import InvalidInput, PlpError
from plp.files import check_target, replacing


def backup(db: Database, *, target: str, force: bool = False) -> tuple[Path, int]:
    """Copy the database to ``target`` with SQLite's online backup API; returns the file and its row count.

    Readers and writers can go on meanwhile: the copy is one consistent snapshot.
    Success is reported only for a verified copy: it passes SQLite's integrity check
    and has as many rows in every table as the snapshot it was taken from. The copy
    is written to a private temporary file (0600) and renamed into place only then,
    so a failed backup leaves ``target`` as it was. For PostgreSQL use ``pg_dump``
    (or ``plp export json``).
    """
    if not db.is_sqlite:
        raise PlpError(f"plp db backup copies SQLite files; for PostgreSQL use pg_dump, e.g. "
                       f"pg_dump --format=custom --file=plp.dump '{db.display}' (or plp export json)")
    dest = Path(target).expanduser()
    if dest.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name for the copy")
    if not dest.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: folder {dest.parent} does not exist")
    db.engine  # refuses a missing database; migrates an older one
    source = db.sqlite_path
    if source is None:
        raise PlpError("an in-memory database has no file to back up")
    if dest.exists() and dest.resolve() == source.resolve():
        raise InvalidInput(f"{target} is the database itself; choose another file for the copy")
    check_target(dest, force=force, shown=target)
    try:
        with replacing(dest) as tmp:
            expected = _copy(source, tmp)
            _verify(tmp, expected, target)
    except sqlite3.Error as e:
        raise PlpError(f"backup to {target} failed: {e}") from None
    except OSError as e:
        raise PlpError(f"backup to {target} failed: {e.strerror or e}") from None
    return dest, sum(expected.values())


def _copy(source: Path, dest: Path) -> dict[str, int]:
    """Back ``source`` up into ``dest``; returns the row count of every table in the copied snapshot."""
    # A file: URI built from the path (as_uri quotes ?, #, % and spaces), read-only.
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    try:
        # One read transaction: the counts and the copy see the same snapshot (WAL).
        src.execute("BEGIN")
        counts = _counts(src)
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return counts


def _verify(copy: Path, expected: dict[str, int], shown: str) -> None:
    con = sqlite3.connect(copy)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise PlpError(f"the copy for {shown} fails SQLite's integrity check ({ok}); {shown} was not written")
        found = _counts(con)
    finally:
        con.close()
    if found != expected:
        differ = sorted(t for t in set(found) | set(expected) if found.get(t) != expected.get(t))
        raise PlpError(f"the copy for {shown} does not match the database (tables {', '.join(differ)}); "
                       f"{shown} was not written")


def _counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    if not tables:
        raise PlpError("the database has no tables; nothing to back up")
    return {t: con.execute(f'SELECT count(*) FROM "{t.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
            for t in tables}
