"""Tables: reminders, their outbox, the scheduler's lease and the moves time made."""

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from plp.models.base import Table
from plp.models import projects as _projects  # noqa: F401  (the tables their foreign keys name)


class Reminder(Table, table=True):
    """One reminder that is due: (kind, item, step) is unique, so it is created once."""

    __tablename__ = "reminder"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "kind:item_id:step"
    kind: str  # milestone|decision_waiting|anchoring_missing
    project_id: int = Field(foreign_key="project.id", index=True)
    item_id: int
    item: str  # what it is about: a milestone's title, a decision point, an organisation
    step: str
    due: dt.date
    created_at: dt.datetime


class OutboxMessage(Table, table=True):
    """One delivery of a reminder to one recipient on one channel; sent at most once."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("reminder_id", "channel", "address"),)
    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", index=True)
    channel: str  # email|webhook|console
    recipient_id: int | None = Field(default=None, foreign_key="person.id")
    recipient: str  # the person's name, or "webhook"
    address: str  # email address, the person's name (console), or "webhook" (the URL is a secret: never stored)
    lang: str = "nn"
    subject: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", index=True)  # pending|sent|failed
    attempts: int = 0
    next_attempt_at: dt.datetime
    last_error: str | None = None
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = None
    created_at: dt.datetime
    sent_at: dt.datetime | None = None


class SchedulerLease(Table, table=True):
    """Who may send: one scheduler at a time holds the lease and renews it."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True)
    holder: str
    expires_at: dt.datetime


class TimedMove(Table, table=True):
    """A move the check made because time passed; the unique key makes it happen once."""

    __tablename__ = "timed_move"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "kind:item:step", like a reminder's
    kind: str
    project_id: int = Field(foreign_key="project.id", index=True)
    due: dt.date
    at: dt.datetime
