"""Typed results of the web's own pages: "My work" (``/``) and the public page (``/public``).

Like :mod:`plp.services.results` (whose :class:`~plp.services.results.Result` they
derive from), each is a frozen dataclass of plain values; dates stay ``date``\\ s and
the templates read them as attributes. No CLI command prints these, so their
``to_json`` is no contract yet; it still gives plain JSON if one ever does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from plp.services.results import Owner, Result
from plp.services.results_reports import GoalGroup

# ----------------------------------------------------------------- my work


@dataclasses.dataclass(frozen=True)
class WorkItem(Result):
    """One thing a person must act on (:func:`plp.services.mywork.my_work`).

    ``kind`` is decision, milestone, anchoring or trust; ``what`` is the decision
    point's label, the milestone's title, the organisation or the trust round;
    ``code`` and ``project`` are None for a trust round. ``ready`` and ``planned``
    say why a decision waits, and are None for the other kinds.
    """

    kind: str
    date: dt.date
    code: str | None
    project: str | None
    what: str | None
    overdue: bool
    link: str
    ready: bool | None = None
    planned: bool | None = None


# ------------------------------------------------------------- public page


@dataclasses.dataclass(frozen=True)
class PublicRole(Result):
    person: str
    role_label: str


@dataclasses.dataclass(frozen=True)
class ReachedMilestone(Result):
    title: str
    done_on: dt.date


@dataclasses.dataclass(frozen=True)
class PublicProject(Result):
    """A published project, with only what may be shown to anyone (:func:`plp.services.publish.public_projects`)."""

    code: str
    name: str
    phase_label: str
    status: str
    status_label: str
    owners: list[Owner]
    roles: list[PublicRole]
    goals: list[GoalGroup]
    reached: list[ReachedMilestone]
