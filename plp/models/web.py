"""Tables: the web's sign-in: secrets, sessions, sign-in links and attempts, and published projects."""

import datetime as dt

from sqlmodel import Field

from plp.models.base import Table
from plp.models import projects as _projects  # noqa: F401  (the tables their foreign keys name)


class PersonSecret(Table, table=True):
    """A person's sign-in password (argon2id hash) and calendar feed token.

    Kept apart from ``person`` so that listing or exporting people never carries a
    secret along by accident.
    """

    __tablename__ = "person_secret"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    password_hash: str | None = None
    # Shown to its owner on /me, so it cannot be a one-way hash; compared in constant time.
    feed_token: str | None = Field(default=None, unique=True)
    changed_at: dt.datetime


class WebSession(Table, table=True):
    """A signed-in browser; the cookie holds the id, the database only its SHA-256."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    method: str  # password|link
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None


class SigninLink(Table, table=True):
    """A one-time sign-in link sent by email; only the token's SHA-256 is stored."""

    __tablename__ = "signin_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class SigninAttempt(Table, table=True):
    """One failed (or refused) sign-in attempt, counted per account and per client address."""

    __tablename__ = "signin_attempt"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    account: str = Field(index=True)  # the e-mail address as typed, lower-cased
    client: str = Field(index=True)


class Publication(Table, table=True):
    """A project whose results are shown on the public page (/public)."""

    __tablename__ = "publication"
    project_id: int = Field(foreign_key="project.id", primary_key=True)
    published_at: dt.datetime
    published_by: str
