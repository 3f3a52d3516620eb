"""Tamper evidence: the hash chain over all events, its key, and its verification.

Every event stores a link ``hash`` over (prev_hash, at, actor, kind, project_id, data)
and the ``prev_hash`` of the event before it; ``audit_head`` keeps the newest link.
Changing an event breaks its own hash; deleting one breaks the link of the next.
Writers take the head row with ``FOR UPDATE`` (SQLite's write lock does the same),
so the chain never forks.

Someone with write access to the database can recompute a plain sha256 chain, so
the chain can be anchored outside the database in two ways:

- a key that the database never holds (``PLP_AUDIT_KEY``, or a file named by
  ``PLP_AUDIT_KEY_FILE``) makes each link an HMAC-SHA256, written as
  ``hmac-sha256:<hex>``: without the key nobody can forge a link. Without a key the
  links are plain sha256 (an "unkeyed" chain). The first event written with a key
  after unkeyed ones is ``audit_keyed``, which records the switch; from then on every
  link must be keyed, and a writer without the key is refused;
- ``plp audit head`` gives the newest link for the steering group's minutes, and
  ``plp audit verify --head HASH`` proves the history still contains that link, so a
  truncated or rewritten history is caught even where the key is not at hand.

``verify`` also replays the history (:mod:`plp.replay`) and compares the state it
yields with the tables, naming any row and column changed by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from plp.errors import PlpError
from plp.settings import current

GENESIS = "0" * 64
KEYED = "hmac-sha256:"
MIN_KEY_BYTES = 16


def audit_key() -> bytes | None:
    """The chain key from ``PLP_AUDIT_KEY`` or ``PLP_AUDIT_KEY_FILE``; None when neither is set.

    Messages name the variable or the file, never the key.
    """
    settings = current()
    value, path = settings.audit_key, settings.audit_key_file
    if value and path:
        raise PlpError("set PLP_AUDIT_KEY or PLP_AUDIT_KEY_FILE, not both")
    if path:
        try:
            key = Path(path).expanduser().read_bytes().strip()
        except OSError as e:
            raise PlpError(f"cannot read the audit key file {path}: {e.strerror or type(e).__name__}") from None
        where = f"the audit key file {path}"
    elif value:
        key, where = value.encode("utf-8"), "PLP_AUDIT_KEY"
    else:
        return None
    if len(key) < MIN_KEY_BYTES:
        raise PlpError(f"{where} is too short: an audit key needs at least {MIN_KEY_BYTES} bytes")
    return key


def is_keyed(link: str) -> bool:
    return link.startswith(KEYED)


def _moment(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def event_hash(prev_hash: str, at: dt.datetime, actor: str, kind: str, project_id: int | None, data: str,
               key: bytes | None = None) -> str:
    """The link of one event: plain sha256, or with ``key`` an HMAC-SHA256 marked ``hmac-sha256:``."""
    canonical = json.dumps([prev_hash, _moment(at), actor, kind, project_id, data], ensure_ascii=False,
                           separators=(",", ":")).encode("utf-8")
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return KEYED + hmac.new(key, canonical, hashlib.sha256).hexdigest()


def check_link(stored: str, row: tuple, key: bytes | None) -> bool:
    """Whether ``stored`` is the right link for the event ``row`` (id, at, actor, kind, project_id, data, prev)."""
    _, at, actor, kind, project_id, data, prev = row[:7]
    expected = event_hash(prev, at, actor, kind, project_id, data, key if is_keyed(stored) else None)
    return hmac.compare_digest(expected, stored)


@dataclass
class Verdict:
    ok: bool
    events: int
    problem: str | None = None
    event_id: int | None = None
    keyed_from: int | None = None  # the first keyed event, None for an unkeyed chain
    head_position: int | None = None  # with --head: the position of that link (0: before the first event)
    head_event_id: int | None = None  # with --head: the event whose link it is
    last_hash: str = GENESIS
    last_event_id: int = 0


class Chain:
    """Walks events oldest first, checking each link; ``problem`` is set at the first bad one."""

    def __init__(self, key: bytes | None, head: str | None = None):
        self.key = key
        self.head = head.strip().lower() if head else None
        self.verdict = Verdict(True, 0, head_position=0 if self.head == GENESIS else None)

    def add(self, row: tuple) -> bool:
        """Check one event (id, at, actor, kind, project_id, data, prev_hash, hash); False once broken."""
        v = self.verdict
        eid, at, _, kind, _, _, prev, stored = row
        v.events += 1
        if prev != v.last_hash:
            return self._fail(f"event {eid} ({kind}) does not follow the event before it: an earlier event "
                              f"was deleted or changed", eid)
        if is_keyed(stored):
            if self.key is None:
                raise PlpError(f"the history chain is keyed from event {v.keyed_from or eid}: set PLP_AUDIT_KEY "
                               f"or PLP_AUDIT_KEY_FILE to the key it was written with to verify it")
            if v.keyed_from is None:
                v.keyed_from = eid
        elif v.keyed_from is not None:
            return self._fail(f"event {eid} ({kind}) is not keyed, but the chain is keyed from event "
                              f"{v.keyed_from}: the history was rewritten without the key", eid)
        if not check_link(stored, row[:7], self.key):
            if v.keyed_from == eid:
                return self._fail(f"event {eid} ({kind}) does not verify with this key: the key is not the one "
                                  f"the chain was written with, or the event was changed", eid)
            return self._fail(f"event {eid} ({kind}, {_moment(at)[:19]}) was changed after it was written", eid)
        v.last_hash, v.last_event_id = stored, eid
        if self.head is not None and stored.lower() == self.head:
            v.head_position, v.head_event_id = v.events, eid
        return True

    def _fail(self, problem: str, eid: int | None) -> bool:
        self.verdict.ok, self.verdict.problem, self.verdict.event_id = False, problem, eid
        return False

    def finish(self, head_row: tuple[int, str] | None) -> Verdict:
        """Compare the end of the walk with ``audit_head`` (last_event_id, last_hash) and ``--head``."""
        v = self.verdict
        if not v.ok:
            return v
        if head_row is not None and (head_row[1] != v.last_hash or head_row[0] != v.last_event_id):
            self._fail(f"the newest event(s) after event {v.last_event_id} were deleted "
                       f"(the chain ends at event {head_row[0]})", v.last_event_id)
        elif self.head is not None and v.head_position is None:
            self._fail(f"the history does not contain the head {self.head}: it was rewritten or truncated "
                       f"after that head was taken", None)
        return v


def walk(rows: Iterable[tuple], key: bytes | None, head: str | None = None,
         each: Any = None) -> Chain:
    """Check every event of ``rows``; ``each(row)`` is called for every event that verifies."""
    chain = Chain(key, head)
    for row in rows:
        if not chain.add(row):
            break
        if each is not None:
            each(row)
    return chain


_HEAD = re.compile(r"^(hmac-sha256:)?[0-9a-f]{64}$")


def check_head(head: str) -> str:
    """A head as ``plp audit head`` prints it, or one clear refusal (a typo is not tampering)."""
    from plp.errors import InvalidInput

    text = head.strip().lower()
    if not _HEAD.match(text):
        raise InvalidInput(f"--head {head!r} is not a head: give the 64 hex digits (keyed: hmac-sha256:...) "
                           f"that 'plp audit head' printed")
    return text


def verify(db: Any, head: str | None = None) -> Verdict:
    """Walk the whole chain, then compare the state the history yields with the tables."""
    from sqlalchemy import select

    from plp import replay
    from plp.models import AuditHead, Event

    key = audit_key()
    head = check_head(head) if head is not None else None
    with db.unit() as uow:
        conn = uow.session.connection()
        t = Event.__table__
        rows = conn.execution_options(yield_per=2000).execute(
            select(t.c.id, t.c.at, t.c.actor, t.c.kind, t.c.project_id, t.c.data, t.c.prev_hash, t.c.hash)
            .order_by(t.c.id))
        state = replay.Replay()
        chain = walk(rows, key, head, state.apply)
        rows.close()
        h = AuditHead.__table__
        head_row = conn.execute(select(h.c.last_event_id, h.c.last_hash).where(h.c.id == 1)).first()
        verdict = chain.finish(tuple(head_row) if head_row else None)
        if verdict.ok:
            problem = state.compare(replay.load_tables(conn))
            if problem is not None:
                verdict.ok, verdict.problem, verdict.event_id = False, problem.text, problem.event_id
        return verdict


def head_of(db: Any) -> dict[str, Any]:
    """The newest link and the number of events, for the minutes (``plp audit head``)."""
    from sqlalchemy import func, select

    from plp.models import AuditHead, Event

    with db.unit() as uow:
        conn = uow.session.connection()
        h = AuditHead.__table__
        row = conn.execute(select(h.c.last_event_id, h.c.last_hash).where(h.c.id == 1)).first()
        count = conn.execute(select(func.count()).select_from(Event.__table__)).scalar() or 0
    event_id, link = (row[0], row[1]) if row else (0, GENESIS)
    return {"hash": link, "event_id": event_id, "events": count, "keyed": is_keyed(link)}


def check_writer_key(conn: Any, head_row: tuple[int, str] | None, key: bytes | None) -> None:
    """Refuse a writer that would break a keyed chain: no key, or another key than the chain's."""
    if head_row is None or not is_keyed(head_row[1]):
        return
    if key is None:
        raise PlpError("the history chain is keyed: set PLP_AUDIT_KEY or PLP_AUDIT_KEY_FILE to the key it "
                       "was written with")
    from sqlalchemy import select

    from plp.models import Event

    t = Event.__table__
    last = conn.execute(select(t.c.id, t.c.at, t.c.actor, t.c.kind, t.c.project_id, t.c.data, t.c.prev_hash)
                        .where(t.c.id == head_row[0])).first()
    if last is None or not check_link(head_row[1], tuple(last), key):
        raise PlpError("the audit key does not match the history chain (PLP_AUDIT_KEY or PLP_AUDIT_KEY_FILE "
                       "is not the key it was written with, or its newest event was changed); nothing was changed")
