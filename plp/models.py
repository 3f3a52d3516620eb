"""SQLModel tables.

Every project-scoped change bumps ``Project.version`` with a guarded update (see
``plp.db.UnitOfWork.bump``), so the version is a guard for everything a decision
depends on: roles, goals, checklist, anchoring and milestones.

Times are stored in UTC (aware datetimes); dates as dates. Events are append-only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel


class Org(SQLModel, table=True):
    __tablename__ = "org"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = "municipality"  # municipality|county|company|other


class Person(SQLModel, table=True):
    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    email: str | None = Field(default=None, unique=True)
    phone: str | None = None
    org_id: int | None = Field(default=None, foreign_key="org.id")
    lang: str | None = None  # nn|nb|en for messages; None: nynorsk
    # Identity (plp/actor.py): an administrator of this database, and the PostgreSQL
    # login role that identifies this person when they connect (``plp person login``).
    is_admin: bool = False
    db_role: str | None = Field(default=None, unique=True, index=True)


class WorkflowDef(SQLModel, table=True):
    """The copy of a workflow version that projects run on, whatever the file says later."""

    __tablename__ = "workflow_def"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    version: int
    definition: str = Field(sa_column=Column(Text, nullable=False))  # validated JSON
    source: str = Field(sa_column=Column(Text, nullable=False))  # the YAML as loaded
    sha256: str
    loaded_at: dt.datetime


class Project(SQLModel, table=True):
    __tablename__ = "project"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    workflow_id: int = Field(foreign_key="workflow_def.id")
    phase: str
    status: str = "active"  # active|on_hold|stopped|completed
    round: int = 1  # rework rounds at the current decision point
    version: int = 1
    gate_planned_on: dt.date | None = None
    # When the next decision point last became ready (None while it is not ready);
    # kept by every change, so "ready but undecided for 14 days" is one query.
    ready_since: dt.datetime | None = None
    created_at: dt.datetime
    created_by: str
    # The creator as a person (None: created by a name that matched nobody); the
    # creator rule of plp/permissions.py compares this id, never the name.
    created_by_id: int | None = None  # a person id (no foreign key: people are never deleted)
    # Time rules (plp/services/timed.py): a hold's start and review date, when the
    # hold was found dormant, and the benefit follow-up after completion (open|closed).
    held_on: dt.date | None = None
    review_on: dt.date | None = None
    dormant_since: dt.date | None = None
    follow_up: str | None = None


class ProjectOwner(SQLModel, table=True):
    __tablename__ = "project_owner"
    __table_args__ = (UniqueConstraint("project_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    org_id: int = Field(foreign_key="org.id")
    grade: str  # A|B|C
    lead: bool = False


class RoleAssignment(SQLModel, table=True):
    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: str


class Goal(SQLModel, table=True):
    __tablename__ = "goal"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    level: str  # societal|effect|result
    text: str = Field(sa_column=Column(Text, nullable=False))
    indicator: str | None = None
    target: str | None = None


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str
    due: dt.date = Field(index=True)
    responsible_id: int = Field(foreign_key="person.id")
    phase: str
    done_on: dt.date | None = None


class ChecklistTick(SQLModel, table=True):
    __tablename__ = "checklist_tick"
    __table_args__ = (UniqueConstraint("project_id", "item_key"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item_key: str
    ticked_at: dt.datetime
    ticked_by: str


class Anchoring(SQLModel, table=True):
    """A formal decision by an owner organisation: council, committee or administration."""

    __tablename__ = "anchoring"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    org_id: int = Field(foreign_key="org.id")
    body: str
    kind: str  # political|administrative
    ref: str  # case number, e.g. "PS 12/16"
    date: dt.date
    outcome: str  # approved|refused|lapsed
    valid_until: dt.date | None = None  # e.g. the end of the budget year the decision is tied to


class Decision(SQLModel, table=True):
    __tablename__ = "decision"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    decision_point: str
    round: int
    outcome: str
    from_phase: str
    to_phase: str | None = None  # the phase after the decision (None when completed/stopped)
    by_id: int = Field(foreign_key="person.id")
    date: dt.date
    note: str | None = Field(default=None, sa_column=Column(Text))
    attendees: str = "[]"  # JSON list of person names


class Event(SQLModel, table=True):
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


class AuditHead(SQLModel, table=True):
    """The newest link of the event chain; a deleted last event shows up against it."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    last_event_id: int = 0
    last_hash: str


class Setting(SQLModel, table=True):
    """Settings of this database (``plp config set``), e.g. require-identity."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class Reminder(SQLModel, table=True):
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


class OutboxMessage(SQLModel, table=True):
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


class SchedulerLease(SQLModel, table=True):
    """Who may send: one scheduler at a time holds the lease and renews it."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True)
    holder: str
    expires_at: dt.datetime


# ------------------------------------------------------------ the region's view


class Plan(SQLModel, table=True):
    """The region's strategic (business) plan: the joint measures hang under it."""

    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    title: str
    period_start: int | None = None  # first year, e.g. 2015
    period_end: int | None = None  # last year, e.g. 2019
    created_at: dt.datetime


class Measure(SQLModel, table=True):
    """A joint measure (fellestiltak): one responsible municipality, others supporting."""

    __tablename__ = "measure"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    title: str
    responsible_org_id: int = Field(foreign_key="org.id", index=True)
    status: str = "not_started"  # not_started|in_progress|done|dropped
    note: str | None = Field(default=None, sa_column=Column(Text))
    version: int = 1  # guards status changes like Project.version
    created_at: dt.datetime
    changed_at: dt.datetime  # the last change (added, linked, status): "no change for 90 days"


class MeasureSupport(SQLModel, table=True):
    __tablename__ = "measure_support"
    __table_args__ = (UniqueConstraint("measure_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    org_id: int = Field(foreign_key="org.id", index=True)


class MeasureProject(SQLModel, table=True):
    __tablename__ = "measure_project"
    __table_args__ = (UniqueConstraint("measure_id", "project_id"),)
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)


class NetworkMeeting(SQLModel, table=True):
    """A meeting of the business network (næringsnettverk)."""

    __tablename__ = "network_meeting"
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    note: str | None = Field(default=None, sa_column=Column(Text))
    attendees: str = "[]"  # JSON list of person names, as on Decision
    created_at: dt.datetime


class TrustAnswer(SQLModel, table=True):
    """One respondent's scores (1-5) on the five trust factors in one round."""

    __tablename__ = "trust_answer"
    __table_args__ = (UniqueConstraint("round", "respondent_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round: str = Field(index=True)
    respondent_id: int = Field(foreign_key="person.id")
    answered_on: dt.date
    shared_goals: int
    anchoring: int
    attitudes: int
    processes: int
    framework: int
    comment: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime


# ------------------------------------------------------------------ time rules


class Condition(SQLModel, table=True):
    """A condition a go decision was made on: open until met, or missed after its date."""

    __tablename__ = "decision_condition"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    decision_id: int = Field(foreign_key="decision.id")
    decision_point: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    due: dt.date = Field(index=True)
    status: str = "open"  # open|met|missed
    met_on: dt.date | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))


class BenefitReview(SQLModel, table=True):
    """One effect goal at one benefit review after completion (review 1 is the first)."""

    __tablename__ = "benefit_review"
    __table_args__ = (UniqueConstraint("project_id", "goal_id", "review"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    goal_id: int = Field(foreign_key="goal.id")
    review: int
    after: str  # the workflow's duration, e.g. 6m
    due: dt.date = Field(index=True)
    opened_at: dt.datetime | None = None
    achieved: str | None = None  # yes|partly|no
    value: str | None = Field(default=None, sa_column=Column(Text))
    recorded_on: dt.date | None = None
    recorded_by: str | None = None


class TimedMove(SQLModel, table=True):
    """A move the check made because time passed; the unique key makes it happen once."""

    __tablename__ = "timed_move"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "kind:item:step", like a reminder's
    kind: str
    project_id: int = Field(foreign_key="project.id", index=True)
    due: dt.date
    at: dt.datetime


# ------------------------------------------------ uniqueness regardless of case
# The services look these up case-insensitively ("iveland" is Iveland), so two rows
# that differ only in case would make a name ambiguous. The check in the service
# reads before it writes; these indexes make two concurrent creates that differ only
# in case impossible (migration 0006). lower() indexes work on SQLite and PostgreSQL.
CASE_INSENSITIVE_UNIQUE = (
    Index("uq_org_name_ci", func.lower(Org.__table__.c.name), unique=True),
    Index("uq_person_email_ci", func.lower(Person.__table__.c.email), unique=True),
    Index("uq_project_code_ci", func.lower(Project.__table__.c.code), unique=True),
    Index("uq_plan_code_ci", func.lower(Plan.__table__.c.code), unique=True),
)


# ------------------------------------------------------------------- the web


class PersonSecret(SQLModel, table=True):
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


class WebSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds the id, the database only its SHA-256."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    method: str  # password|link
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None


class SigninLink(SQLModel, table=True):
    """A one-time sign-in link sent by email; only the token's SHA-256 is stored."""

    __tablename__ = "signin_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class SigninAttempt(SQLModel, table=True):
    """One failed (or refused) sign-in attempt, counted per account and per client address."""

    __tablename__ = "signin_attempt"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    account: str = Field(index=True)  # the e-mail address as typed, lower-cased
    client: str = Field(index=True)


class Publication(SQLModel, table=True):
    """A project whose results are shown on the public page (/public)."""

    __tablename__ = "publication"
    project_id: int = Field(foreign_key="project.id", primary_key=True)
    published_at: dt.datetime
    published_by: str
