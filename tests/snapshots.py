"""Fixture states built once per test process and copied into each test's database.

A fixture such as ``region`` runs the same plp commands for hundreds of tests. Its
first use in a process runs them on a database of its own (the snapshot); every later
use copies that database into the test's own: a SQLite file through SQLite's backup
API, a PostgreSQL database made from the snapshot as a template. The commands are the
same real commands, so the copy is the state they make; only the moments in the
events are those of the first run.

A copy is taken only when it cannot differ from running the commands in the test: the
test's database holds exactly what the snapshot was built from (the fresh, migrated
database, or the snapshot of the fixture it builds on, such as ``region``), and no
PLP_* setting differs from those the snapshot was made with. Otherwise the fixture
runs its commands in the test, as before.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path
from typing import Callable

_made: dict[tuple, str] = {}  # (name, settings) -> the snapshot's target, in this process


def _settings(db_path) -> tuple | None:
    """This test's PLP_* settings besides PLP_DB and the test switches; None when PLP_DB is not db_path."""
    if os.environ.get("PLP_DB") != str(db_path):
        return None
    return tuple(sorted((k, v) for k, v in os.environ.items()
                        if k.startswith("PLP_") and k != "PLP_DB" and not k.startswith("PLP_TEST_")))


def _url(admin, name: str) -> str:
    """The URL of database ``name`` on the server the admin engine talks to."""
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_all(admin) -> None:
    """Remove this process's PostgreSQL snapshots (a shared server keeps no litter)."""
    from sqlalchemy import text

    with admin.connect() as conn:
        for target in _made.values():
            conn.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
    _made.clear()


def sqlite_copy(source: str, target: str) -> None:
    """A consistent copy through SQLite's backup API (it reads what still sits in the WAL file)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


_dumps: dict[str, str] = {}  # a snapshot's (or the template's) content as text, made once


def _content(target: str, pg_server) -> str:
    from tests.conftest import dump

    if pg_server is None:
        return dump(Path(target))
    admin, _ = pg_server
    return dump(_url(admin, target))


def _holds(db_path, source: str | None, pg_server, sqlite_template) -> bool:
    """This test's database holds exactly what ``source`` holds (None: the fresh, migrated template)."""
    if pg_server is None and source is None:  # the common case, byte for byte
        wal = Path(f"{db_path}-wal")
        return not (wal.exists() and wal.stat().st_size) and Path(db_path).read_bytes() == sqlite_template.read_bytes()
    source = source or "plp_template"
    if source not in _dumps:
        _dumps[source] = _content(source, pg_server)
    mine = str(db_path) if pg_server is None else str(db_path).rsplit("/", 1)[1]
    return _content(mine, pg_server) == _dumps[source]


def disconnect(admin, name: str) -> None:
    """Close this process's connections to database ``name`` (the in-process CLI leaves pooled ones)."""
    from sqlalchemy import text

    gc.collect()  # disposes the engines of finished in-process commands
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})


def restore_or_build(name: str, build: Callable[[], None], db_path, pg_server, sqlite_template, monkeypatch,
                     base: str | None = None) -> None:
    """Make this test's database hold what ``build()`` makes, copying this process's snapshot when it may.

    ``base`` names the snapshot ``build()`` starts from (the fixture it builds on); None is the fresh database.
    """
    settings = _settings(db_path)
    source = _made.get((base, settings)) if base else None
    if settings is None or (base and source is None) or not _holds(db_path, source, pg_server, sqlite_template):
        build()
        return
    key = (name, settings)
    if key not in _made:
        _made[key] = _make(name, len(_made), build, source, db_path, pg_server, sqlite_template, monkeypatch)
    snapshot = _made[key]
    if pg_server is None:
        sqlite_copy(snapshot, str(db_path))
        return
    from sqlalchemy import text

    admin, _ = pg_server
    target_name = str(db_path).rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {target_name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {target_name} TEMPLATE {snapshot}"))


def _make(name, number, build, source, db_path, pg_server, sqlite_template, monkeypatch) -> str:
    """Run ``build()`` on a new copy of ``source`` (None: the template); returns its path or database name."""
    if pg_server is None:
        path = Path(sqlite_template).parent / f"snapshot-{number}-{name}.db"
        sqlite_copy(source or str(sqlite_template), str(path))
        target = str(path)
    else:
        from sqlalchemy import text

        admin, _ = pg_server
        target = f"plp_snapshot_{os.getpid()}_{number}"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {target} TEMPLATE {source or 'plp_template'}"))
    monkeypatch.setenv("PLP_DB", target if pg_server is None else _url(admin, target))
    try:
        build()
    finally:
        monkeypatch.setenv("PLP_DB", str(db_path))
    if pg_server is not None:
        disconnect(admin, target)  # a template must have no sessions
    return target
