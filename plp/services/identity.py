"""Resolving who acts, once, at the edge: the front ends call these, the services never do.

On the command line the evidence is, in order of strength:

1. on PostgreSQL, the connection's own login role (``session_user``), when a person
   is linked to it (``plp person login PERSON --db-role ROLE``): whoever connected
   is that person, and ``--as``/``PLP_USER`` cannot claim to be someone else;
2. ``--as``, else ``PLP_USER``, else the login name: a name, email or id.

Once any person on a server is linked to a login role, a connection whose role is
linked to nobody identifies nobody: its ``--as`` is recorded as text but names no
known person (so require-identity refuses it). A name two people share is an error.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from plp.actor import Actor
from plp.db import Database, UnitOfWork
from plp.errors import InvalidInput, NotAllowed
from plp.models import Person
from plp.services.common import _short, find_person, people_matching


def identify(db: Database, claim: str, how: str) -> Actor:
    """The Actor for ``claim`` (``how``: cli-as, env or login-name) on this database."""
    with db.unit() as uow:
        return resolve(uow, claim, how)


def resolve(uow: UnitOfWork, claim: str, how: str) -> Actor:
    """:func:`identify` inside a unit of work already open (import resolves the importer
    among the people it has just written, before it commits)."""
    role = login_role(uow)
    linked = _linked_person(uow, role) if role else None
    if linked is not None:
        _refuse_other_claim(uow, claim, how, linked, role)
        return Actor(linked.name, linked.id, "db-role")
    if role and _any_links(uow):
        return Actor(claim, None, how)
    person = find_person(uow, claim)
    return Actor(person.name, person.id, how) if person else Actor(claim, None, how)


def person_actor(uow: UnitOfWork, person_id: int, how: str) -> Actor:
    """The Actor of a person already known by id (a web session, say)."""
    person = uow.session.get(Person, person_id)
    if person is None:
        return Actor(str(person_id), None, how)
    return Actor(person.name, person.id, how)


def login_role(uow: UnitOfWork) -> str | None:
    """The PostgreSQL role this connection logged in as; None on SQLite (a file has no logins)."""
    if uow.session.get_bind().dialect.name != "postgresql":
        return None
    # session_user, not current_user: SET ROLE may change the latter, the login stays.
    return uow.session.execute(text("SELECT session_user")).scalar()


def _linked_person(uow: UnitOfWork, role: str) -> Person | None:
    return uow.session.exec(select(Person).where(Person.db_role == role)).first()


def _any_links(uow: UnitOfWork) -> bool:
    return uow.session.exec(select(Person.id).where(Person.db_role.is_not(None))).first() is not None


def _refuse_other_claim(uow: UnitOfWork, claim: str, how: str, linked: Person, role: str) -> None:
    """``--as``/``PLP_USER`` naming another person than the login role's is refused (the login name is not a claim)."""
    if how == "login-name":
        return
    named = people_matching(uow, claim)
    if named and all(p.id != linked.id for p in named):
        option = "--as" if how == "cli-as" else "PLP_USER"
        raise NotAllowed(f"you are connected as database role {role}, which is {linked.name}; {option} cannot "
                         f"act as '{_short(claim)}'")


def acting(db: Database, ref: str) -> Actor:
    """The Actor of the known person ``ref`` (name, email or id), for plp's own scripts (the demo)."""
    actor = identify(db, ref, "cli-as")
    if not actor.identified:
        raise InvalidInput(f"unknown person '{_short(ref)}'")
    return actor
