"""Tables: the append-only history, its chain's head, and the database's settings."""

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field

from plp.models.base import Table
from plp.models import projects as _projects  # noqa: F401  (the tables their foreign keys name)


class Event(Table, table=True):
    """Append-only history: one row per change, written in the change's transaction."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str
    # The acting person's id when the actor was a known person (not part of the hash:
    # ``actor`` is the name as it was, the id says who it was).
    actor_id: int | None = None
    kind: str
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    data: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    # Tamper evidence (plp/audit.py): each event hashes its content and the hash of
    # the event before it, a chain over the whole database.
    prev_hash: str = ""
    hash: str = ""


class AuditHead(Table, table=True):
    """The newest link of the event chain; a deleted last event shows up against it."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    last_event_id: int = 0
    last_hash: str


class Setting(Table, table=True):
    """Settings of this database (``plp config set``), e.g. require-identity."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str
