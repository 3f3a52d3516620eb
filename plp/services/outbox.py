"""The outbox: claim, send and mark each message once; and the operator's retry and cancel.

- A sender *claims* a batch of due messages (a guarded ``UPDATE`` that sets
  ``claimed_by`` and ``claimed_until``; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL),
  sends them one by one and marks each sent. Claims run on the real clock, each
  deadline computed when it is made, whatever ``--now`` says: ``--now`` moves what
  is *due*, never how long another process must keep its hands off.
- While a batch is being sent, the claims on the rest of it are extended whenever a
  third of the claim time has passed, and a message whose claim was lost (taken by
  another sender after it expired) is skipped, not sent a second time.
- ``keep_going`` (the scheduler's lease) is asked before every message; once it says
  no, the unsent rest of the batch is released for the new lease holder.
- Every failure is the failing message's own: recorded on its row with backoff
  (5 minutes, doubling, at most 6 hours), secrets redacted, and the rest go on.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from typing import Any, Callable

from sqlalchemy import or_, select, update

from plp import permissions
from plp.actor import Actor
from plp.db import Database, UnitOfWork, utcnow
from plp.errors import ConcurrentChange, InvalidInput, NotFound, PlpError
from plp.models import OutboxMessage, Project, Reminder
from plp.notify import Channels, DeliveryError, one_line
from plp.reminders import DueReminder, Planned, Recipient, compose, plan
from plp.services.results_ops import CheckRow, OutboxChange, OutboxRow
from plp.sqlfuncs import insert_ignore
from plp.texts import message_lang

CLAIM = dt.timedelta(minutes=5)
BACKOFF_FIRST = dt.timedelta(minutes=5)
BACKOFF_MAX = dt.timedelta(hours=6)
BATCH = 200
WAITING = ("pending", "failed")  # statuses a sender picks up


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def unreachable_address(channel: str, address: str) -> bool:
    """A console delivery to a name, not an address: the person has no email."""
    return channel == "console" and "@" not in address


class _Sender:
    def __init__(self, channels: Channels):
        self.channels = channels
        self._mailer = None

    def send(self, msg: OutboxMessage) -> None:
        if msg.channel == "email":
            if not self.channels.smtp_url:
                raise DeliveryError("PLP_SMTP_URL is not set")
            if self._mailer is None:
                from plp.notify.email import Mailer

                self._mailer = Mailer(self.channels.smtp_url, self.channels.mail_from)
            self._mailer.send(to_name=msg.recipient, to_addr=msg.address, subject=msg.subject, body=msg.body)
        elif msg.channel == "webhook":
            from plp.notify.webhook import post

            # The row says "webhook"; the secret URL lives in the environment only.
            if not self.channels.webhook_url:
                raise DeliveryError("PLP_WEBHOOK_URL is not set")
            post(self.channels.webhook_url, msg.subject, msg.body)
        else:
            from plp.notify.console import show

            show(to_name=msg.recipient, subject=msg.subject, body=msg.body)

    def close(self) -> None:
        if self._mailer is not None:
            self._mailer.close()


def _describe(e: Exception) -> str:
    if isinstance(e, (DeliveryError, PlpError)):
        return str(e)
    return f"{type(e).__name__}: {e}"


# ----------------------------------------------------------------------- delivery


def deliver(db: Database, *, now: dt.datetime, channels: Channels, claim: dt.timedelta = CLAIM,
            keep_going: Callable[[], bool] | None = None) -> list[CheckRow]:
    """Claim, send and mark every outbox message that is due at ``now``; report each attempt."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    sender = _Sender(channels)
    results: list[CheckRow] = []
    try:
        while True:
            batch = _claim(db, worker, now, claim)
            if not batch or not _send_batch(db, sender, batch, worker, now, claim, keep_going, results):
                break
    finally:
        sender.close()
    return results


def _claim(db: Database, worker: str, now: dt.datetime, claim: dt.timedelta) -> list[tuple]:
    with db.unit() as uow:
        real = utcnow()
        ready = (OutboxMessage.status.in_(WAITING), OutboxMessage.next_attempt_at <= now,
                 or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < real))
        # FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite's write lock serialises anyway):
        # concurrent senders take disjoint batches and never wait on each other.
        batch = (select(OutboxMessage.id).where(*ready).order_by(OutboxMessage.id).limit(BATCH)
                 .with_for_update(skip_locked=True))
        uow.end_read()
        ids = uow.session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(batch.scalar_subquery()), *ready)
            .values(claimed_by=worker, claimed_until=utcnow() + claim)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)).all()
        uow.commit()
        if not ids:
            return []
        rows = uow.session.execute(
            select(OutboxMessage, Reminder, Project.code)
            .join(Reminder, Reminder.id == OutboxMessage.reminder_id)
            .join(Project, Project.id == Reminder.project_id)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker)
            .order_by(OutboxMessage.id)).all()
        return [tuple(r) for r in rows]


def _send_batch(db: Database, sender: _Sender, batch: list[tuple], worker: str, now: dt.datetime,
                claim: dt.timedelta, keep_going: Callable[[], bool] | None,
                results: list[CheckRow]) -> bool:
    """Send one claimed batch; False when sending must stop (the lease was lost)."""
    ours = {msg.id for msg, _, _ in batch}
    claimed_at = utcnow()
    for i, (msg, rem, code) in enumerate(batch):
        if keep_going is not None and not keep_going():
            _release(db, worker, _unsent(batch, i, ours))
            return False
        if utcnow() - claimed_at > claim / 3:
            ours = _extend(db, worker, _unsent(batch, i, ours), claim)
            claimed_at = utcnow()
        if msg.id not in ours:
            continue  # our claim ran out and another sender took this one: it is theirs now
        results.append(_attempt(db, sender, msg, rem, code, worker, now))
    return True


def _unsent(batch: list[tuple], start: int, ours: set[int]) -> list[int]:
    return [m.id for m, _, _ in batch[start:] if m.id in ours]


def _extend(db: Database, worker: str, ids: list[int], claim: dt.timedelta) -> set[int]:
    """Extend our claims on ``ids``; returns the ids that are still ours."""
    if not ids:
        return set()
    with db.unit() as uow:
        uow.end_read()
        kept = uow.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker, OutboxMessage.status.in_(WAITING))
            .values(claimed_until=utcnow() + claim)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)).all()
        uow.commit()
        return set(kept)


def _release(db: Database, worker: str, ids: list[int]) -> None:
    if not ids:
        return
    with db.unit() as uow:
        uow.end_read()
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker)
                            .values(claimed_until=None).execution_options(synchronize_session=False))
        uow.commit()


def _attempt(db: Database, sender: _Sender, msg: OutboxMessage, rem: Reminder, code: str, worker: str,
             now: dt.datetime) -> CheckRow:
    error = None
    try:
        sender.send(msg)
        values: dict[str, Any] = dict(status="sent", sent_at=now, attempts=msg.attempts + 1, last_error=None,
                                      claimed_until=None)
    except Exception as e:  # whatever went wrong is this message's alone; the rest still go out
        error = sender.channels.redact(one_line(_describe(e)))
        values = dict(status="failed", attempts=msg.attempts + 1, last_error=error,
                      next_attempt_at=now + backoff(msg.attempts + 1), claimed_until=None)
    with db.unit() as uow:
        uow.end_read()
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id, OutboxMessage.claimed_by == worker)
                            .values(**values).execution_options(synchronize_session=False))
        uow.commit()
    return CheckRow(kind=rem.kind, project=code, item=rem.item, item_id=rem.item_id, step=rem.step,
                    recipient=msg.recipient, channel=msg.channel, due=rem.due, status=values["status"],
                    unreachable=unreachable_address(msg.channel, msg.address), error=error)


# ----------------------------------------------------------------- the operator


def outbox(db: Database, *, include_sent: bool = False, channels: Channels | None = None) -> list[OutboxRow]:
    """The outbox rows (without sent and cancelled ones unless ``include_sent``), secrets redacted."""
    channels = channels or Channels.from_env()
    with db.unit() as uow:
        q = (select(OutboxMessage, Reminder, Project.code).join(Reminder, Reminder.id == OutboxMessage.reminder_id)
             .join(Project, Project.id == Reminder.project_id).order_by(OutboxMessage.id))
        if not include_sent:
            q = q.where(OutboxMessage.status.in_(WAITING))
        return [OutboxRow(id=m.id, kind=r.kind, project=code, item=r.item, step=r.step, recipient=m.recipient,
                          channel=m.channel, address=channels.redact(m.address), status=m.status,
                          attempts=m.attempts, next_attempt_at=m.next_attempt_at,
                          last_error=channels.redact(m.last_error) if m.last_error else None, subject=m.subject,
                          sent_at=m.sent_at)
                for m, r, code in uow.session.execute(q).all()]


def _change(db: Database, message_id: int, actor: Actor, kind: str,
            decide: Callable[[OutboxMessage], dict[str, Any]]) -> OutboxChange:
    """Read one message, let ``decide`` refuse or name the new values, write them with the event."""
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        found = uow.session.execute(select(OutboxMessage, Reminder)
                                    .join(Reminder, Reminder.id == OutboxMessage.reminder_id)
                                    .where(OutboxMessage.id == message_id)).first()
        if found is None:
            raise NotFound(f"unknown outbox message {message_id} (see 'plp outbox list --all')")
        msg, rem = found
        values = decide(msg)
        uow.end_read()
        # Guarded on the status we read: a sender that marked it sent meanwhile wins.
        changed = uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == msg.id, OutboxMessage.status == msg.status)
            .values(**values).execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            uow.session.rollback()
            raise ConcurrentChange(f"outbox message {msg.id} was changed meanwhile; look again with 'plp outbox list'")
        uow.event(kind, {"message": msg.id, "kind": rem.kind, "item": rem.item, "step": rem.step,
                         "recipient": msg.recipient, "channel": msg.channel, "status_before": msg.status},
                  project_id=rem.project_id)
        uow.commit()
        return OutboxChange(id=msg.id, status=values.get("status", msg.status), attempts=msg.attempts,
                            recipient=msg.recipient, channel=msg.channel)


def retry(db: Database, *, message_id: int, now: dt.datetime, actor: Actor) -> OutboxChange:
    """Make a waiting, failed or cancelled message due at ``now``; its attempts are kept."""
    def decide(msg: OutboxMessage) -> dict[str, Any]:
        if msg.status == "sent":
            raise InvalidInput(f"outbox message {msg.id} was already sent; it is not sent again")
        status = msg.status if msg.status in WAITING else ("failed" if msg.attempts else "pending")
        return {"status": status, "next_attempt_at": now}

    return _change(db, message_id, actor, "outbox_retried", decide)


def cancel(db: Database, *, message_id: int, actor: Actor) -> OutboxChange:
    """Stop delivering a message that has not been sent; it stays in the outbox as cancelled."""
    def decide(msg: OutboxMessage) -> dict[str, Any]:
        if msg.status == "sent":
            raise InvalidInput(f"outbox message {msg.id} was already sent; it cannot be cancelled")
        if msg.status == "cancelled":
            raise InvalidInput(f"outbox message {msg.id} is already cancelled")
        return {"status": "cancelled"}

    return _change(db, message_id, actor, "outbox_cancelled", decide)


def write_outbox(uow: UnitOfWork, found: list[DueReminder], channels: Channels, now: dt.datetime) -> int:
    """Create each reminder once, with its deliveries; returns how many were new."""
    created = 0
    for r in found:
        stmt = insert_ignore(uow.session, Reminder).values(
            key=r.key, kind=r.kind, project_id=r.project_id, item_id=r.item_id, item=r.item[:300], step=r.step,
            due=r.due,
            created_at=now).on_conflict_do_nothing(index_elements=["key"]).returning(Reminder.id)
        reminder_id = uow.session.execute(stmt).scalar()
        if reminder_id is None:
            continue  # another process created it first
        created += 1
        for p in plan(r, channels):
            subject, body = _message(r, p)
            uow.add(OutboxMessage(reminder_id=reminder_id, channel=p.channel,
                                  recipient_id=p.recipient.person_id if p.recipient else None,
                                  recipient=p.recipient.name if p.recipient else "webhook", address=p.address,
                                  lang=p.recipient.lang if p.recipient else message_lang(), subject=subject,
                                  body=body, status="pending", next_attempt_at=now, created_at=now))
    return created


def _message(r: DueReminder, p: Planned) -> tuple[str, str]:
    """Subject and body: for a person in their language; for the webhook in PLP_LANG (else nynorsk)."""
    if p.recipient is not None:
        return compose(r, p.recipient)
    names = ", ".join(x.name for x in r.recipients) or "-"
    return compose(r, Recipient(None, names, None, message_lang(), "team"))
