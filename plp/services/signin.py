"""Signing in to the web: passwords, one-time links by email, sessions, the attempt limit.

Sign-in lives in this one module so that another method (OIDC, say) can be added
beside the two here: each method ends in :func:`_open_session`.

- Passwords are stored as argon2id hashes (``argon2-cffi``'s defaults). An unknown
  address is checked against a dummy hash, so the answer takes as long and reads
  the same whether or not an account exists.
- A sign-in link is valid once, for 15 minutes; only its SHA-256 is stored.
- A session is a random id in a cookie; the database keeps only its SHA-256, so a
  copy of the database signs nobody in. Signing in always starts a new session
  (the id rotates) and revokes the one the browser had.
- Failed attempts are rows in ``signin_attempt``: at most 5 per account and 20 per
  client address in 15 minutes, counted in the database so every worker agrees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import func, update
from sqlmodel import select

from plp import permissions
from plp.actor import Actor, system
from plp.db import Database, UnitOfWork
from plp.errors import InvalidInput, NotFound, PlpError
from plp.models import Person, PersonSecret, SigninAttempt, SigninLink, WebSession
from plp.services.common import clean_text, get_person
from plp.services.results_ops import PersonRef
from plp.texts import LANGS

SESSION_LIFETIME = dt.timedelta(days=14)
LINK_LIFETIME = dt.timedelta(minutes=15)
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_CLIENT = 20
MIN_PASSWORD = 8


#: plp's web front acting before anyone is signed in (attempts, links).
WEB = system("web")


@contextmanager
def _as_person(db: Database, person_id: int) -> Iterator[UnitOfWork]:
    """A unit of work acting as the person a session or sign-in just identified."""
    from plp.services.identity import person_actor

    with db.unit(WEB) as uow:
        uow.identity = person_actor(uow, person_id, "web-session")
        yield uow


class SigninFailed(PlpError):
    """Wrong address or password; never says which."""


class TooManyAttempts(PlpError):
    """Too many failed attempts for this account or from this address lately."""


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    token: str  # the session id for the cookie; never stored


@dataclass(frozen=True)
class SessionPerson:
    session_id: int
    person_id: int
    name: str
    email: str | None
    lang: str | None


_HASHER = None
_DUMMY_HASH: str | None = None


def _hasher():
    global _HASHER, _DUMMY_HASH
    if _HASHER is None:
        from argon2 import PasswordHasher

        _HASHER = PasswordHasher()  # argon2id
        _DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))
    return _HASHER


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        return hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _by_email(uow: UnitOfWork, account: str) -> Person | None:
    if not account or "@" not in account:
        return None
    return uow.session.exec(select(Person).where(func.lower(Person.email) == account)).first()


# ----------------------------------------------------------------------- passwords


def set_password(db: Database, *, person: str, password: str | None, actor: Actor,
                 min_length: int = MIN_PASSWORD) -> PersonRef:
    """Set (or with ``None`` remove) a person's password; their sessions end either way."""
    if password is not None:
        if len(password) < min_length:
            raise InvalidInput(f"the password is too short (at least {min_length} characters)")
        if len(password) > 1000:
            raise InvalidInput("the password is too long (at most 1000 characters)")
        digest = _hasher().hash(password)
    with db.unit(actor) as uow:
        p = get_person(uow, person)
        permissions.check_admin(uow, "password.set", open_without_admin=True, own_person_id=p.id)
        uow.end_read()
        secret = uow.session.get(PersonSecret, p.id) or PersonSecret(person_id=p.id)
        secret.password_hash = digest if password is not None else None
        secret.changed_at = _now()
        uow.add(secret)
        _revoke_all(uow, p.id)
        uow.event("password_set" if password is not None else "password_cleared", {"person": p.name})
        uow.commit()
        return PersonRef(id=p.id, name=p.name)


def _now() -> dt.datetime:
    from plp.db import utcnow

    return utcnow()


def _check_limit(uow: UnitOfWork, account: str, client: str, now: dt.datetime) -> None:
    since = now - ATTEMPT_WINDOW
    count = select(func.count()).select_from(SigninAttempt).where(SigninAttempt.at >= since)
    by_account = uow.session.exec(count.where(SigninAttempt.account == account)).one()
    by_client = uow.session.exec(count.where(SigninAttempt.client == client)).one()
    if by_account >= MAX_PER_ACCOUNT or by_client >= MAX_PER_CLIENT:
        raise TooManyAttempts("too many sign-in attempts; wait a quarter of an hour and try again")


def _count_attempt(uow: UnitOfWork, account: str, client: str, now: dt.datetime) -> None:
    uow.insert(SigninAttempt, at=now, account=account[:254], client=client[:100])


def sign_in_password(db: Database, *, email: str, password: str, client: str, now: dt.datetime,
                     old_token: str | None = None) -> SignedIn:
    account = (email or "").strip().lower()
    with db.unit(WEB) as uow:
        _check_limit(uow, account, client, now)
        person = _by_email(uow, account)
        secret = uow.session.get(PersonSecret, person.id) if person else None
        ok = _verify(secret.password_hash if secret else None, password or "")
        if not ok:
            uow.end_read()
            _count_attempt(uow, account, client, now)
            uow.commit()
            raise SigninFailed("wrong e-mail address or password")
        person_id = person.id
    return _signed_in(db, person_id, "password", now, old_token)


def _signed_in(db: Database, person_id: int, method: str, now: dt.datetime, old_token: str | None) -> SignedIn:
    with _as_person(db, person_id) as uow:
        uow.end_read()
        token = _open_session(uow, person_id, method, now, old_token)
        uow.commit()
    return SignedIn(person_id, token)


def _open_session(uow: UnitOfWork, person_id: int, method: str, now: dt.datetime, old_token: str | None) -> str:
    """A new session for the person (the id rotates at every sign-in); the old one ends."""
    if old_token:
        uow.session.execute(update(WebSession).where(WebSession.token_hash == hash_token(old_token),
                                                     WebSession.revoked_at.is_(None))
                            .values(revoked_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    uow.insert(WebSession, token_hash=hash_token(token), person_id=person_id, method=method, created_at=now,
               expires_at=now + SESSION_LIFETIME)
    uow.event("signed_in", {"method": method})
    return token


# ------------------------------------------------------------------- one-time links


def request_link(db: Database, *, email: str, client: str, now: dt.datetime) -> tuple[Person, str] | None:
    """Create a one-time link for the address's person: (person, token), or None when unknown.

    Every request counts against the limit, known address or not, so the limit
    says nothing about which addresses exist. The caller sends the mail.
    """
    account = (email or "").strip().lower()
    with db.unit(WEB) as uow:
        _check_limit(uow, account, client, now)
        person = _by_email(uow, account)
        uow.end_read()
        _count_attempt(uow, account, client, now)
        token = None
        if person is not None:
            token = secrets.token_urlsafe(32)
            uow.insert(SigninLink, token_hash=hash_token(token), person_id=person.id, created_at=now,
                       expires_at=now + LINK_LIFETIME)
            uow.event("signin_link_sent", {"person": person.name})
        uow.commit()
    return (person, token) if person is not None and token else None


def use_link(db: Database, *, token: str, now: dt.datetime, old_token: str | None = None) -> SignedIn:
    """Sign in with a link: valid once, until it expires."""
    with db.unit(WEB) as uow:
        link = uow.session.exec(select(SigninLink).where(SigninLink.token_hash == hash_token(token))).first()
        if link is None or link.used_at is not None or _aware(link.expires_at) <= now:
            raise NotFound("this sign-in link is not valid: it was used already, has expired, or is unknown")
        uow.end_read()
        # Guarded: of two requests with the same link, only one signs in.
        done = uow.session.execute(update(SigninLink).where(SigninLink.id == link.id, SigninLink.used_at.is_(None))
                                   .values(used_at=now).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            uow.session.rollback()
            raise NotFound("this sign-in link is not valid: it was used already, has expired, or is unknown")
        uow.commit()
        person_id = link.person_id
    return _signed_in(db, person_id, "link", now, old_token)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# ------------------------------------------------------------------------ sessions


def session_person(db: Database, *, token: str, now: dt.datetime) -> SessionPerson | None:
    """Who a session cookie belongs to, or None when it is unknown, revoked or expired."""
    if not token:
        return None
    with db.unit() as uow:
        row = uow.session.exec(
            select(WebSession, Person).join(Person, Person.id == WebSession.person_id)
            .where(WebSession.token_hash == hash_token(token), WebSession.revoked_at.is_(None))).first()
        if row is None or _aware(row[0].expires_at) <= now:
            return None
        s, p = row
        return SessionPerson(s.id, p.id, p.name, p.email, p.lang)


def sign_out(db: Database, *, who: SessionPerson, now: dt.datetime) -> None:
    """End the session :func:`session_person` found for this request."""
    with _as_person(db, who.person_id) as uow:
        uow.end_read()
        done = uow.session.execute(update(WebSession).where(WebSession.id == who.session_id,
                                                            WebSession.revoked_at.is_(None))
                                   .values(revoked_at=now).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            return  # ended meanwhile (sign out everywhere, in another tab)
        uow.event("signed_out", {})
        uow.commit()


def sign_out_everywhere(db: Database, *, person_id: int) -> int:
    with _as_person(db, person_id) as uow:
        uow.end_read()
        n = _revoke_all(uow, person_id)
        uow.event("signed_out_everywhere", {"sessions": n})
        uow.commit()
        return n


def _revoke_all(uow: UnitOfWork, person_id: int) -> int:
    result = uow.session.execute(update(WebSession).where(WebSession.person_id == person_id,
                                                          WebSession.revoked_at.is_(None))
                                 .values(revoked_at=_now()).execution_options(synchronize_session=False))
    return result.rowcount or 0


# -------------------------------------------------------------- feed and language


def feed_token(db: Database, *, person_id: int, renew: bool = False) -> str:
    """The person's calendar feed token, made on first use; ``renew`` replaces it."""
    with _as_person(db, person_id) as uow:
        secret = uow.session.get(PersonSecret, person_id)
        if secret is not None and secret.feed_token and not renew:
            return secret.feed_token
        uow.end_read()
        secret = uow.session.get(PersonSecret, person_id) or PersonSecret(person_id=person_id)
        # The person's id in front finds the row; the secret part is compared in constant time.
        secret.feed_token = f"{person_id}-{secrets.token_urlsafe(24)}"
        secret.changed_at = _now()
        uow.add(secret)
        uow.event("feed_token_renewed" if renew else "feed_token_created", {})
        uow.commit()
        return secret.feed_token


def feed_person(db: Database, *, token: str) -> int | None:
    """The person a feed token belongs to, or None."""
    head, sep, _ = token.partition("-")
    if not sep or not head.isdigit():
        return None
    with db.unit() as uow:
        secret = uow.session.get(PersonSecret, int(head))
        if secret is None or not secret.feed_token:
            return None
        if not hmac.compare_digest(secret.feed_token.encode(), token.encode()):
            return None
        return secret.person_id


def set_language(db: Database, *, person_id: int, lang: str) -> None:
    if lang not in LANGS:
        raise InvalidInput(f"unknown language '{clean_text(lang, 'language', max_len=10)}' "
                           f"(choose one of: {', '.join(LANGS)})")
    with _as_person(db, person_id) as uow:
        p = uow.session.get(Person, person_id)
        if p is None:
            raise NotFound("unknown person")
        uow.end_read()
        uow.session.execute(update(Person).where(Person.id == person_id).values(lang=lang)
                            .execution_options(synchronize_session=False))
        uow.event("language_set", {"person": p.name, "lang": lang})
        uow.commit()
