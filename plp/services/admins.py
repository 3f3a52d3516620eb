"""Administrators of a database, login roles, and what ``plp init`` sets up.

An administrator may change settings, grant and revoke administration, link
people to PostgreSQL login roles, add people to organisations while
require-identity is on, and write or replace anyone's trust answer. The first
administrator is made by ``plp init --admin PERSON``; the last one cannot be
revoked. Every change here is an event in the history.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import select

from plp import permissions
from plp.actor import Actor, system
from plp.db import Database, UnitOfWork
from plp.errors import AlreadyExists, InvalidInput, NotAllowed
from plp.models import Person, Setting
from plp.services.common import clean_text, find_person, get_person
from plp.services.directory import check_person
from plp.services.results_ops import PersonRef

_ROLE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_$-.")


def list_admins(db: Database) -> list[Person]:
    with db.unit() as uow:
        return list(uow.session.exec(select(Person).where(Person.is_admin == True)  # noqa: E712
                                     .order_by(Person.name, Person.id)).all())


def grant(db: Database, *, person: str, actor: Actor) -> bool:
    """Make ``person`` an administrator; False when they already are one."""
    with db.unit(actor) as uow:
        permissions.check_admin(uow, "admin.grant")
        p = get_person(uow, person)
        if p.is_admin:
            return False
        uow.end_read()
        _grant_written(uow, p)
        uow.commit()
        return True


def revoke(db: Database, *, person: str, actor: Actor) -> None:
    """Take administration from ``person``; the last administrator stays."""
    with db.unit(actor) as uow:
        permissions.check_admin(uow, "admin.grant")
        p = get_person(uow, person)
        if not p.is_admin:
            raise InvalidInput(f"{p.name} is not an administrator (see 'plp admin list')")
        uow.end_read()
        _grant_written(uow, p, False)
        # Counted inside the write, where writers queue (SQLite's write lock, the audit
        # head row on PostgreSQL): two administrators revoking each other cannot both win.
        others = uow.session.exec(select(func.count()).select_from(Person)
                                  .where(Person.is_admin == True, Person.id != p.id)).one()  # noqa: E712
        if not others:
            raise NotAllowed(f"{p.name} is the last administrator of this database; grant another one first")
        uow.commit()


def _grant_written(uow: UnitOfWork, p: Person, on: bool = True) -> None:
    uow.session.execute(update(Person).where(Person.id == p.id).values(is_admin=on)
                        .execution_options(synchronize_session=False))
    p.is_admin = on
    uow.event("admin_granted" if on else "admin_revoked", {"person": p.name, "person_id": p.id})


def set_login(db: Database, *, person: str, db_role: str | None, actor: Actor) -> PersonRef:
    """Link ``person`` to a PostgreSQL login role (None: remove the link)."""
    if db_role is not None:
        clean_text(db_role, "database role", max_len=63)
        if not set(db_role.lower()) <= _ROLE_CHARS:
            raise InvalidInput(f"invalid database role '{db_role}': use letters, digits, '_', '$', '-' or '.'")
    with db.unit(actor) as uow:
        permissions.check_admin(uow, "person.login")
        p = get_person(uow, person)
        other = uow.session.exec(select(Person).where(Person.db_role == db_role, Person.id != p.id)).first() \
            if db_role is not None else None
        if other is not None:
            raise AlreadyExists(f"database role {db_role} is already linked to {other.name}")
        uow.end_read()
        uow.session.execute(update(Person).where(Person.id == p.id).values(db_role=db_role)
                            .execution_options(synchronize_session=False))
        p.db_role = db_role
        uow.event("person_login_set" if db_role else "person_login_cleared",
                  {"person": p.name, "person_id": p.id, "db_role": db_role})
        uow.commit()
        return PersonRef(id=p.id, name=p.name)


def initialise(db: Database, *, admin: str | None = None, admin_email: str | None = None) -> PersonRef | None:
    """What ``plp init`` sets up after the schema: require-identity on a new PostgreSQL
    database, and the first administrator. Returns the administrator, if one was named."""
    new_server = db.created_schema and not db.is_sqlite
    if admin is None and not new_server:
        return None
    if admin is not None and admin_email is not None:
        check_person(admin, admin_email, None, None)
    with db.unit(system("init")) as uow:
        person = _find_first_admin(uow, admin, admin_email) if admin is not None else None
        wants_setting = new_server and uow.session.get(Setting, permissions.REQUIRE_IDENTITY) is None
        uow.end_read()
        if admin is not None and (person is None or not person.is_admin):
            person = _make_first_admin(uow, person, admin, admin_email)
        if wants_setting:  # a shared server starts strict; the event keeps 'audit verify' true
            uow.session.merge(Setting(key=permissions.REQUIRE_IDENTITY, value="true"))
            uow.event("setting_changed", {"key": permissions.REQUIRE_IDENTITY, "from": "false", "to": "true"})
        uow.commit()
        return PersonRef(id=person.id, name=person.name) if person is not None else None


def _find_first_admin(uow: UnitOfWork, ref: str, email: str | None) -> Person | None:
    """The person ``plp init --admin`` names (None: to be added); refused when another administrator exists."""
    person = (find_person(uow, email) if email else None) or find_person(uow, ref)
    if person is not None and person.is_admin:
        return person
    if permissions.has_admin(uow):
        raise NotAllowed("this database already has an administrator; an administrator grants more with "
                         "'plp admin grant PERSON'")
    if person is None and email is None:
        raise InvalidInput(f"unknown person '{ref}': name an existing person, or give --admin-email to add them")
    return person


def _make_first_admin(uow: UnitOfWork, person: Person | None, name: str, email: str | None) -> Person:
    if person is None:
        person = Person(name=name, email=email)
        uow.add(person)
        uow.flush()
        uow.event("person_added", {"person": name, "email": email, "org": None})
    _grant_written(uow, person)
    return person
