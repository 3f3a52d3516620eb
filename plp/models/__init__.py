"""SQLModel tables, one module per concern under plp/models/.

Every project-scoped change bumps ``Project.version`` with a guarded update (see
``plp.db.UnitOfWork.bump``), so the version is a guard for everything a decision
depends on: roles, goals, checklist, anchoring and milestones.

Times are stored in UTC (aware datetimes); dates as dates. Events are append-only.

``from plp.models import Project`` imports only the module that defines the table
(and plp/models/projects.py, whose tables the others' foreign keys name): defining
a table costs about 2 ms at start-up, and a read such as ``plp project show`` needs
fewer than half of them. Whatever needs every table (migrations, export and import,
replay) calls :func:`load_all` first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors: the names as if defined here
    from plp.models.projects import (
        Anchoring,
        BenefitReview,
        ChecklistTick,
        Condition,
        Decision,
        Goal,
        Milestone,
        Org,
        Person,
        Project,
        ProjectOwner,
        RoleAssignment,
        WorkflowDef,
    )
    from plp.models.audit import AuditHead, Event, Setting
    from plp.models.reminders import OutboxMessage, Reminder, SchedulerLease, TimedMove
    from plp.models.region import Measure, MeasureProject, MeasureSupport, NetworkMeeting, Plan, TrustAnswer
    from plp.models.web import PersonSecret, Publication, SigninAttempt, SigninLink, WebSession

#: The module under plp/models that defines each table.
TABLES: dict[str, str] = {
    # projects
    "Org": "projects",
    "Person": "projects",
    "WorkflowDef": "projects",
    "Project": "projects",
    "ProjectOwner": "projects",
    "RoleAssignment": "projects",
    "Goal": "projects",
    "Milestone": "projects",
    "ChecklistTick": "projects",
    "Anchoring": "projects",
    "Decision": "projects",
    "Condition": "projects",
    "BenefitReview": "projects",
    # audit
    "Event": "audit",
    "AuditHead": "audit",
    "Setting": "audit",
    # reminders
    "Reminder": "reminders",
    "OutboxMessage": "reminders",
    "SchedulerLease": "reminders",
    "TimedMove": "reminders",
    # region
    "Plan": "region",
    "Measure": "region",
    "MeasureSupport": "region",
    "MeasureProject": "region",
    "NetworkMeeting": "region",
    "TrustAnswer": "region",
    # web
    "PersonSecret": "web",
    "WebSession": "web",
    "SigninLink": "web",
    "SigninAttempt": "web",
    "Publication": "web",
}
MODULES = ("projects", "audit", "reminders", "region", "web")


def __getattr__(name: str) -> Any:
    module = TABLES.get(name)
    if module is None:
        raise AttributeError(f"module 'plp.models' has no attribute {name!r}")
    return getattr(importlib.import_module(f"plp.models.{module}"), name)


def load_all() -> None:
    """Define every table, so that ``SQLModel.metadata`` holds the whole schema."""
    for module in MODULES:
        importlib.import_module(f"plp.models.{module}")
