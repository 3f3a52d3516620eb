"""Formal anchoring: an owner organisation's council, committee or administrative decision."""

from __future__ import annotations

import datetime as dt

from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import InvalidInput
from plp.models import Anchoring
from plp.services.results import AnchoringView
from plp.services.common import (
    commit_change,
    _short,
    check_version,
    choose,
    clean_text,
    ensure_open,
    get_org,
    get_project,
    not_after_today,
    owners_of,
)

#: The bodies that can anchor a project, and whether their decisions are political.
#: Keys are what is stored; aliases are accepted on input.
BODIES: dict[str, str] = {
    "kommunestyre": "political",
    "bystyre": "political",
    "formannskap": "political",
    "fylkesting": "political",
    "fylkesutval": "political",
    "kommunedirektor": "administrative",
    "fylkeskommunedirektor": "administrative",
    "styre": "administrative",  # a company's board
}
ALIASES = {
    "kommunedirektør": "kommunedirektor", "rådmann": "kommunedirektor", "radmann": "kommunedirektor",
    "fylkesutvalg": "fylkesutval", "fylkeskommunedirektør": "fylkeskommunedirektor",
    "fylkesdirektør": "fylkeskommunedirektor", "fylkesdirektor": "fylkeskommunedirektor",
    "formannskapet": "formannskap", "kommunestyret": "kommunestyre", "bystyret": "bystyre",
    "fylkestinget": "fylkesting", "styret": "styre",
}
OUTCOMES = ("approved", "refused", "lapsed")
KINDS = ("political", "administrative")


def normalise_body(body: str) -> str:
    key = body.strip().lower()
    key = ALIASES.get(key, key)
    if key not in BODIES:
        raise InvalidInput(f"unknown body '{_short(body)}' (choose one of: {', '.join(BODIES)})")
    return key


def check_anchoring(body: str, kind: str | None, outcome: str, ref: str) -> tuple[str, str]:
    """What 'anchor record' (and 'import json') accepts; returns the body's key and its kind."""
    body_key = normalise_body(body)
    expected = BODIES[body_key]
    if kind is not None:
        choose(kind, KINDS, "anchoring kind")
        if kind != expected:
            raise InvalidInput(f"a decision by {body_key} is {expected}, not {kind}")
    choose(outcome, OUTCOMES, "anchoring outcome")
    clean_text(ref, "case reference", max_len=100)
    return body_key, expected


def record(db: Database, *, code: str, org: str, body: str, ref: str, date: dt.date, today: dt.date,
           outcome: str = "approved", kind: str | None = None, valid_until: dt.date | None = None,
           actor: Actor, if_version: int | None = None) -> AnchoringView:
    """Record an owner's formal decision on the project.

    The kind follows from the body (a council or committee is political, the chief
    executive or a company board administrative); a ``kind`` that contradicts the
    body is refused. ``valid_until`` ties an approval to a budget year or a deadline:
    after it the check records a lapse (plp/services/timed.py).
    """
    body_key, expected = check_anchoring(body, kind, outcome, ref)
    not_after_today(date, today, "decision date")
    if valid_until is not None:
        if outcome != "approved":
            raise InvalidInput("--valid-until goes with an approval only")
        if valid_until < date:
            raise InvalidInput(f"valid-until {valid_until.isoformat()} is before the decision date {date.isoformat()}")
    with db.unit(actor) as uow:
        p = get_project(uow, code)
        check_version(p, if_version)
        ensure_open(p)
        o = get_org(uow, org)
        if not any(owner.id == o.id for _, owner in owners_of(uow, p)):
            raise InvalidInput(f"{o.name} is not an owner of {p.code}; only owners anchor a project")
        permissions.check(uow, "anchoring.record", p)
        uow.bump(p)
        a = Anchoring(project_id=p.id, org_id=o.id, body=body_key, kind=expected, ref=ref, date=date,
                      outcome=outcome, valid_until=valid_until)
        uow.add(a)
        uow.flush()
        uow.event("anchoring_recorded", {"anchoring_id": a.id, "org": o.name, "org_id": o.id, "body": body_key,
                                         "kind": expected, "ref": ref, "date": date.isoformat(), "outcome": outcome,
                                         **({"valid_until": valid_until.isoformat()} if valid_until else {})}, p.id)
        commit_change(uow, p)
        return AnchoringView(org=o.name, body=body_key, ref=ref, date=date, outcome=outcome, kind=expected,
                             valid_until=valid_until)
