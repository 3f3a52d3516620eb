"""Database access: the engine, SQLite pragmas, the schema check and the unit of work.

``--db TARGET`` (or ``PLP_DB``) is a SQLite file path or an SQLAlchemy URL. SQLite
runs in WAL mode with foreign keys on and ``synchronous=FULL`` (a committed
decision survives a power cut; set ``PLP_SQLITE_SYNCHRONOUS=NORMAL`` to trade that
for speed).

Concurrency: a unit of work reads in one short transaction, then writes in another
that starts with a guarded ``UPDATE project ... WHERE version = :read`` (see
:meth:`UnitOfWork.bump`). A writer whose read is stale changes nothing and gets
:class:`~plp.errors.ConcurrentChange`. Writers on different projects never
conflict; on SQLite they queue for the file's write lock (``busy_timeout``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event, text, update
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from plp.actor import NOBODY, Actor
from plp.errors import ConcurrentChange, PlpError, SchemaOutdated
from plp.files import PRIVATE
from plp.redact import password_in, redact, remember_secret
from plp.settings import current
from plp.statements import bump_statement as _bump_statement
from plp.statements import insert_of as _insert_of
from plp.statements import statements as _statements

#: The Alembic revision the models correspond to; a test keeps this true.
HEAD_REVISION = "0009"

DEFAULT_DB = "plp.db"

_WRITING: ContextVar[bool] = ContextVar("plp_writing", default=False)

#: ``PLP_TEST_PAUSE_IN_WRITE`` is TEST-ONLY, never set in use: a file name. The first
#: unit of work of the process to commit writes its rows, creates this file and waits
#: (at most two minutes) until the file is removed, still inside its open write
#: transaction. The crash tests SIGKILL it there; the backup test copies the database
#: meanwhile. Once it has paused, the process never looks again.
_PAUSED_ONCE = False

def resolve_target(target: str | None) -> URL:
    """A SQLAlchemy URL from ``--db``, ``PLP_DB`` or the default ``plp.db``.

    A file path becomes a URL through SQLAlchemy's URL object, never by gluing
    strings: ``?``, ``#``, ``%`` and spaces in a path stay part of the file name.
    """
    target = target or current().db or DEFAULT_DB
    if "://" not in target:
        return URL.create("sqlite", database=str(Path(target).expanduser().resolve()))
    remember_secret(password_in(target))
    try:
        url = make_url(target)
        url.port  # noqa: B018  (make_url defers checking the port until it is read)
    except Exception as e:
        raise PlpError(f"invalid database URL {redact(target)}: {redact(_first_line(e))}") from None
    remember_secret(url.password)
    if url.port is not None and not 0 < url.port < 65536:
        raise PlpError(f"invalid database URL {redact(target)}: port {url.port} is not between 1 and 65535")
    # psycopg (3) is the driver plp ships with; plain postgresql:// would mean psycopg2.
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})
    sync = current().sqlite_synchronous.upper()
    if sync not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise PlpError(f"PLP_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not {sync}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - trivial
        # Let us issue BEGIN ourselves, so SQLite transactions mean what they say.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA synchronous = {sync}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - trivial
        # The write half of a unit of work takes the write lock up front, so it
        # never works on a snapshot that another writer has made stale.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _WRITING.get() else "BEGIN")

    return engine


class Database:
    """One database target; the engine is created and migrated on first use.

    A SQLite file that does not exist is created only with ``create=True`` (``plp
    init`` and ``plp demo``); otherwise it is refused, so a mistyped ``--db`` never
    makes a new empty database. A new file is readable by its owner only, and so are
    its -wal and -shm files, which SQLite creates with the database file's mode.
    """

    def __init__(self, target: str | None = None, *, create: bool = False):
        self.sa_url: URL = resolve_target(target)
        #: The URL as text without its password: for messages and prefix checks, never to connect with.
        self.url: str = self.sa_url.render_as_string(hide_password=True)
        self.create = create
        #: True when opening this target created the schema (a new database), for ``plp init``.
        self.created_schema = False
        self._engine: Engine | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.sa_url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL or an in-memory database."""
        database = self.sa_url.database if self.is_sqlite else None
        if not database or database == ":memory:" or self.sa_url.query.get("mode") == "memory":
            return None
        return Path(database).expanduser().absolute()

    @property
    def engine(self) -> Engine:
        """The engine, connected on first use; the schema must be at :data:`HEAD_REVISION`.

        Migrations never run here, that is inside a command or a request: only
        ``create=True`` (``plp init``, ``plp demo``) and :meth:`upgrade` (``plp
        serve`` and the web app at start) change the schema. Any other use of an
        outdated schema is refused with the command that upgrades it.
        """
        if self._engine is None:
            self._open(upgrade=self.create)
        return self._engine

    def _open(self, *, upgrade: bool) -> None:
        created = self._check_file()
        try:
            self._engine = self._connect()
            if upgrade:
                self.migrate()
            else:
                self.require_head()
        except BaseException:
            self.dispose()
            self._engine = None
            if created:  # a failed init leaves no half-made database behind
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{created}{suffix}").unlink(missing_ok=True)
            raise

    def _check_file(self) -> Path | None:
        """Refuse a missing SQLite file unless creating; returns the file if it was created."""
        path = self.sqlite_path
        if path is None or path.exists():
            return None
        if not path.parent.is_dir():
            raise PlpError(f"no database at {path}: folder {path.parent} does not exist")
        if not self.create:
            raise PlpError(f"no database at {path}; create it with plp init")
        try:  # an empty file is an empty SQLite database; made here so its mode is 0600 from the start
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
        except FileExistsError:  # created meanwhile by another plp init
            return None
        except OSError as e:
            raise PlpError(f"cannot create the database {path}: {e.strerror or e}") from None
        return path

    def _connect(self) -> Engine:
        try:
            if self.is_sqlite:
                return _sqlite_engine(self.sa_url)
            return create_engine(self.sa_url, pool_pre_ping=True)
        except PlpError:
            raise
        except Exception as e:  # a missing driver, a bad option
            raise PlpError(f"cannot open database {self.display}: {_first_line(e)}") from None

    @property
    def display(self) -> str:
        """The target without a password, for messages: a SQLite database by its file."""
        path = self.sqlite_path
        return str(path) if path is not None else redact(self.url)

    def current_revision(self) -> str | None:
        assert self._engine is not None
        try:
            with self._engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as e:
            if "no such table" in str(e) or "does not exist" in str(e):
                return None
            raise PlpError(f"cannot open database {self.display}: {_first_line(e)}") from None
        except Exception as e:
            if "does not exist" in str(e) or "UndefinedTable" in type(getattr(e, "orig", e)).__name__:
                return None
            raise PlpError(f"cannot open database {self.display}: {_first_line(e)}") from None

    def upgrade(self) -> None:
        """Connect and bring the schema to the head revision (init, demo, server start).

        A missing SQLite file is still created only with ``create=True``.
        """
        if self._engine is None:
            self._open(upgrade=True)
        else:
            self.migrate()

    def require_head(self) -> None:
        """Refuse a schema older (or newer) than this plp's, saying what to run."""
        revision = self.current_revision()
        if revision == HEAD_REVISION:
            return
        if revision and revision > HEAD_REVISION:  # revisions are numbered 0001, 0002, ...
            raise SchemaOutdated(f"the database {self.display} has schema revision {revision}, newer than this "
                                 f"plp knows ({HEAD_REVISION}); upgrade plp")
        at = f"at revision {revision}" if revision else "empty (no plp schema)"
        raise SchemaOutdated(f"the database schema is {at}, this plp needs {HEAD_REVISION}; "
                             f"run plp init to upgrade it ({self.display})")

    def migrate(self) -> None:
        """Bring the schema to the head revision (``created_schema``: it was empty before)."""
        revision = self.current_revision()
        if revision == HEAD_REVISION:
            return
        from plp import migrations

        try:
            migrations.upgrade(self._engine)
        except Exception as e:
            # Another process may have migrated the same file at the same moment.
            if self.current_revision() == HEAD_REVISION:
                return
            raise PlpError(f"cannot migrate database {self.display}: {_first_line(e)}") from None
        self.created_schema = revision is None

    @contextmanager
    def unit(self, actor: Actor = NOBODY) -> Iterator["UnitOfWork"]:
        """A unit of work: nothing is kept unless :meth:`UnitOfWork.commit` is called.

        ``actor`` was resolved by the front end (plp/cli/state.py, plp/web/auth.py);
        the unit records it on every event and never looks a name up itself.
        """
        if not isinstance(actor, Actor):
            raise TypeError(f"db.unit() takes an Actor, not {type(actor).__name__}")
        # One connection for the whole unit (its read and its write transaction): one
        # checkout (and, on PostgreSQL, one liveness ping) instead of one per transaction.
        conn = self.engine.connect()
        session = Session(bind=conn, expire_on_commit=False, autoflush=False)
        uow = UnitOfWork(session, actor)
        token = _WRITING.set(False)
        try:
            yield uow
        except OperationalError as e:
            session.rollback()
            if "locked" in str(e) or "could not serialize" in str(e):
                raise ConcurrentChange("the database was changed meanwhile by someone else; reload and try again") from None
            raise PlpError(f"database error: {_first_line(e)}") from None
        except IntegrityError as e:
            session.rollback()
            raise PlpError(f"refused by the database (written meanwhile by someone else?): {_first_line(e)}") from None
        finally:
            session.close()
            conn.close()
            _WRITING.reset(token)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _first_line(e: BaseException) -> str:
    """The first line of an error, without passwords (a driver may echo its connection string)."""
    orig = getattr(e, "orig", None) or e
    return redact((str(orig).strip().splitlines() or [type(orig).__name__])[0])


class UnitOfWork:
    """A session plus the two things every change needs: the version guard and the event."""

    def __init__(self, session: Session, actor: Actor):
        self.session = session
        self.identity = actor
        self.cache: dict[Any, Any] = {}  # facts that cannot change within this unit of work
        self._head: tuple[int, str] | None = None  # the audit head bump() took (PostgreSQL)
        self._head_read = False
        dialect = session.get_bind().dialect
        self._pg = dialect.name == "postgresql"
        # Whether the guarded update returns the audit head (SQLite from 3.35 on).
        self._returning = self._pg or bool(getattr(dialect, "update_returning", False))

    @property
    def actor(self) -> str:
        """The name the history records for the acting person (or plp itself)."""
        return self.identity.name

    @property
    def actor_person_id(self) -> int | None:
        """The acting person's id, or None when the actor is nobody known (or plp itself)."""
        return self.identity.person_id

    # The read half ends before the write half begins: a write transaction that
    # starts with the guarded UPDATE never works on a stale SQLite snapshot.
    # PostgreSQL (READ COMMITTED) gives every statement a fresh snapshot and the
    # guarded UPDATE waits for a concurrent writer and then sees its version, so there
    # the write goes on in the same transaction: one COMMIT and one BEGIN (two round
    # trips) fewer per change, with the same guards.
    def end_read(self) -> None:
        """End the read half; what follows is written in one transaction (a new one on SQLite)."""
        if self.session.new or self.session.dirty or self.session.deleted:
            raise RuntimeError("end_read() with pending writes: read first, then write")
        if not self._pg:
            self.session.commit()
        self._head_read = False
        _WRITING.set(True)

    def bump(self, project: Any, **changes: Any) -> None:
        """Write ``changes`` to the project if nobody changed it since we read it.

        The same statement returns the audit chain's head for the event that follows
        (one statement less; on PostgreSQL it takes the head ``FOR UPDATE``).
        """
        from sqlalchemy.orm.attributes import instance_state, set_committed_value

        self.end_read()
        values = dict(changes, version=project.version + 1)
        stmt = _bump_statement(tuple(sorted(values)), self._pg, self._returning)
        result = self.session.connection().execute(
            stmt, {"_id": project.id, "_read": project.version, **{"v_" + k: v for k, v in values.items()}})
        row = result.first() if self._returning else None
        if (row is None) if self._returning else result.rowcount != 1:
            self.session.rollback()
            raise ConcurrentChange(
                f"project {project.code} was changed meanwhile by someone else; reload and try again"
            )
        if row is not None:
            self._head = (row[1], row[2]) if row[1] is not None else None
            self._head_read = True
        # Written already: the ORM object must not flush them a second time.
        try:
            instance_state(project)
            setter = set_committed_value
        except Exception:  # not a mapped object
            setter = setattr
        for k, v in values.items():
            setter(project, k, v)

    def event(self, kind: str, data: dict[str, Any], project_id: int | None = None) -> int:
        """Append the history event of this change, linked into the audit chain; returns its id.

        The chain head is read ``FOR UPDATE`` (PostgreSQL; SQLite's write lock already
        serialises writers), so concurrent writers append one after the other. With an
        audit key the link is an HMAC; the first keyed event after unkeyed ones is
        preceded by an ``audit_keyed`` event recording the switch (see plp/audit.py).
        """
        from plp.audit import audit_key, check_writer_key, is_keyed

        key = audit_key()
        self.flush()
        conn = self.session.connection()
        if self._head_read:  # returned by bump() in this transaction (PostgreSQL: FOR UPDATE)
            row, self._head_read = self._head, False
        else:
            row = conn.execute(_statements().head_for_update).first()
        check_writer_key(conn, tuple(row) if row else None, key)
        if key is not None and row is not None and row[0] and not is_keyed(row[1]):
            self._link("audit_keyed", {"algorithm": "hmac-sha256", "after_event": row[0]}, None, row[1],
                       key, True)
            row = conn.execute(_statements().head).first()
        return self._link(kind, data, project_id, row[1] if row else None, key, row is not None)

    def _link(self, kind: str, data: dict[str, Any], project_id: int | None, prev: str | None,
              key: bytes | None, head_exists: bool) -> int:
        """Insert one event after ``prev`` (None: the first event) and move the chain head to it."""
        from plp.audit import GENESIS, event_hash
        from plp.models import AuditHead, Event

        prev = prev or GENESIS
        at = utcnow()
        text = json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)
        digest = event_hash(prev, at, self.actor, kind, project_id, text, key)
        values = dict(at=at, actor=self.actor, actor_id=self.actor_person_id, kind=kind, project_id=project_id,
                      data=text, prev_hash=prev, hash=digest)
        conn = self.session.connection()
        if head_exists and self._pg:  # the event and the new head in one statement
            return conn.execute(_statements().link, {"e_" + k: v for k, v in values.items()}).scalar_one()
        event_id = self.insert(Event, **values)
        if not head_exists:
            self.insert(AuditHead, id=1, last_event_id=event_id, last_hash=digest)
        else:
            conn.execute(_statements().move_head, {"e_id": event_id, "e_hash": digest})
        return event_id

    def insert(self, model: Any, **values: Any) -> int:
        """Insert one row at once (Core, no ORM bookkeeping); returns its id."""
        self.flush()  # keep the order of rows added through the ORM before this one
        result = self.session.connection().execute(_insert_of(model.__table__), values)
        return result.inserted_primary_key[0]

    def add(self, *rows: Any) -> None:
        for row in rows:
            self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        if not _PAUSED_ONCE:  # test-only, see its definition
            _pause_in_write(self.session)
        self.session.commit()
        self._head_read = False


def _pause_in_write(session: Session) -> None:
    """Hold the open write transaction until the test removes the marker file (test-only)."""
    import time

    global _PAUSED_ONCE
    name = current().test_pause_in_write
    if not name:
        return
    marker, _PAUSED_ONCE = Path(name), True  # once per process
    session.flush()  # the rows are in the transaction, and on SQLite it holds the write lock
    marker.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 120
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
