"""Tables: organisations, people, workflow versions, and a project with what hangs on it.

Owners, roles, goals, milestones, checklist, anchoring, decisions, and the conditions
and benefit reviews the time rules add: everything ``plp project show`` reads.
"""

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint, func
from sqlmodel import Field

from plp.models.base import Table


class Org(Table, table=True):
    __tablename__ = "org"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = "municipality"  # municipality|county|company|other


class Person(Table, table=True):
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


class WorkflowDef(Table, table=True):
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


class Project(Table, table=True):
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


class ProjectOwner(Table, table=True):
    __tablename__ = "project_owner"
    __table_args__ = (UniqueConstraint("project_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    org_id: int = Field(foreign_key="org.id")
    grade: str  # A|B|C
    lead: bool = False


class RoleAssignment(Table, table=True):
    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: str


class Goal(Table, table=True):
    __tablename__ = "goal"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    level: str  # societal|effect|result
    text: str = Field(sa_column=Column(Text, nullable=False))
    indicator: str | None = None
    target: str | None = None


class Milestone(Table, table=True):
    __tablename__ = "milestone"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str
    due: dt.date = Field(index=True)
    responsible_id: int = Field(foreign_key="person.id")
    phase: str
    done_on: dt.date | None = None


class ChecklistTick(Table, table=True):
    __tablename__ = "checklist_tick"
    __table_args__ = (UniqueConstraint("project_id", "item_key"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item_key: str
    ticked_at: dt.datetime
    ticked_by: str


class Anchoring(Table, table=True):
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


class Decision(Table, table=True):
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


class Condition(Table, table=True):
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


class BenefitReview(Table, table=True):
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


# ------------------------------------------------ uniqueness regardless of case
# The services look these up case-insensitively ("iveland" is Iveland), so two rows
# that differ only in case would make a name ambiguous. The check in the service
# reads before it writes; these indexes make two concurrent creates that differ only
# in case impossible (migration 0006). lower() indexes work on SQLite and PostgreSQL.
# (The plan's code has its own in plp/models/region.py.)
CASE_INSENSITIVE_UNIQUE = (
    Index("uq_org_name_ci", func.lower(Org.__table__.c.name), unique=True),
    Index("uq_person_email_ci", func.lower(Person.__table__.c.email), unique=True),
    Index("uq_project_code_ci", func.lower(Project.__table__.c.code), unique=True),
)
