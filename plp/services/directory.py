"""Organisations and people: the region's directory."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import AlreadyExists, InvalidInput
from plp.models import Org, Person
from plp.services.common import choose, clean_text, get_org
from plp.services.results_ops import OrgRef, PersonRef, PersonRow

ORG_KINDS = ("municipality", "county", "company", "other")
LANGS = ("nn", "nb", "en")


def check_org(name: str, kind: str) -> None:
    """What 'org add' (and 'import json') accepts as an organisation."""
    clean_text(name, "organisation name", max_len=200)
    choose(kind, ORG_KINDS, "organisation kind")


def add_org(db: Database, *, name: str, kind: str = "municipality", actor: Actor) -> OrgRef:
    check_org(name, kind)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        if uow.session.exec(select(Org).where(func.lower(Org.name) == name.lower())).first():
            raise AlreadyExists(f"organisation '{name}' already exists")
        uow.end_read()
        org = Org(name=name, kind=kind)
        uow.add(org)
        uow.flush()
        uow.event("org_added", {"org": name, "kind": kind})
        uow.commit()
        return OrgRef(id=org.id, name=name, kind=kind)


def list_orgs(db: Database) -> list[OrgRef]:
    with db.unit() as uow:
        return [OrgRef(id=o.id, name=o.name, kind=o.kind) for o in uow.session.exec(select(Org).order_by(Org.name))]


def check_person(name: str, email: str | None, phone: str | None, lang: str | None) -> None:
    """What 'person add' (and 'import json') accepts as a person."""
    clean_text(name, "name", max_len=200)
    if name.strip().isdigit():
        raise InvalidInput("a person's name cannot be only digits (digits refer to a person's id)")
    if email is not None:
        clean_text(email, "email", max_len=254)
        if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
            raise InvalidInput(f"invalid email '{email}'")
    clean_text(phone, "phone", max_len=40, required=False)
    if lang is not None:
        choose(lang, LANGS, "language")


def add_person(db: Database, *, name: str, email: str | None = None, phone: str | None = None,
               org: str | None = None, lang: str | None = None, actor: Actor) -> PersonRef:
    check_person(name, email, phone, lang)
    with db.unit(actor) as uow:
        permissions.require_identity(uow)
        org_row = get_org(uow, org) if org else None
        if org_row is not None and permissions.setting(uow, permissions.REQUIRE_IDENTITY) == "true":
            # A person in an owner organisation may record its anchoring: who joins one is
            # an administrator's call once identity matters.
            permissions.check_admin(uow, "person.org")
        if email and uow.session.exec(select(Person).where(func.lower(Person.email) == email.lower())).first():
            raise AlreadyExists(f"a person with email {email} already exists")
        uow.end_read()
        person = Person(name=name, email=email, phone=phone, org_id=org_row.id if org_row else None, lang=lang)
        uow.add(person)
        uow.flush()
        uow.event("person_added", {"person": name, "email": email, "org": org_row.name if org_row else None})
        uow.commit()
        return PersonRef(id=person.id, name=name)


def list_people(db: Database) -> list[PersonRow]:
    with db.unit() as uow:
        rows = uow.session.exec(select(Person, Org).join(Org, Org.id == Person.org_id, isouter=True)
                                .order_by(Person.name, Person.id)).all()
        return [PersonRow(id=p.id, name=p.name, email=p.email, phone=p.phone, org=o.name if o else None, lang=p.lang)
                for p, o in rows]
