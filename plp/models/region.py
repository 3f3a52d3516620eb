"""Tables: the region's view: the strategic plan, its joint measures, the business
network's meetings and the trust rounds."""

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint, func
from sqlmodel import Field

from plp.models.base import Table
from plp.models import projects as _projects  # noqa: F401  (the tables their foreign keys name)


class Plan(Table, table=True):
    """The region's strategic (business) plan: the joint measures hang under it."""

    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    title: str
    period_start: int | None = None  # first year, e.g. 2015
    period_end: int | None = None  # last year, e.g. 2019
    created_at: dt.datetime


class Measure(Table, table=True):
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


class MeasureSupport(Table, table=True):
    __tablename__ = "measure_support"
    __table_args__ = (UniqueConstraint("measure_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    org_id: int = Field(foreign_key="org.id", index=True)


class MeasureProject(Table, table=True):
    __tablename__ = "measure_project"
    __table_args__ = (UniqueConstraint("measure_id", "project_id"),)
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)


class NetworkMeeting(Table, table=True):
    """A meeting of the business network (næringsnettverk)."""

    __tablename__ = "network_meeting"
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    note: str | None = Field(default=None, sa_column=Column(Text))
    attendees: str = "[]"  # JSON list of person names, as on Decision
    created_at: dt.datetime


class TrustAnswer(Table, table=True):
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


#: The plan's code is unique regardless of case, like an organisation's name (see
#: CASE_INSENSITIVE_UNIQUE in plp/models/projects.py).
PLAN_CODE_UNIQUE = Index("uq_plan_code_ci", func.lower(Plan.__table__.c.code), unique=True)
