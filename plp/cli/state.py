"""What every command shares: the database target and the acting person."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from plp.actor import Actor
    from plp.db import Database


@dataclass
class State:
    target: str | None = None
    as_: str | None = None
    _db: "Database | None" = field(default=None, repr=False)
    _actor: "Actor | None" = field(default=None, repr=False)

    @property
    def db(self) -> "Database":
        """The database; a missing SQLite file is refused (only init and demo create one)."""
        return self.database()

    def database(self, *, create: bool = False) -> "Database":
        if self._db is None:
            from plp.db import Database

            self._db = Database(self.target, create=create)
        return self._db

    @property
    def actor(self) -> "Actor":
        """Who is acting, resolved once per command against the database (see plp/services/identity.py).

        The claim is ``--as``, else ``PLP_USER``, else the login name; on PostgreSQL a
        login role linked to a person overrides it. Only commands that change
        something ask, so a read never fails on an ambiguous ``--as``.
        """
        if self._actor is None:
            from plp.services.identity import identify

            claim, how = self.claim
            self._actor = identify(self.db, claim, how)
        return self._actor

    @property
    def claim(self) -> tuple[str, str]:
        """(text, how): ``--as``, else ``PLP_USER``, else the login name."""
        if self.as_:
            return self.as_, "cli-as"
        if os.environ.get("PLP_USER"):
            return os.environ["PLP_USER"], "env"
        try:
            return getpass.getuser(), "login-name"
        except Exception:
            return "unknown", "login-name"


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = ctx.find_root().obj = State()
    return obj


def check_lang(lang: str | None) -> str:
    """The language of the CLI's tables: ``--lang``, else ``PLP_LANG``, else English (see plp.texts)."""
    from plp.texts import terminal_lang

    return terminal_lang(lang)


JSON_HELP = "Print JSON on stdout instead of a table."
NOW_HELP = ("Override the clock (ISO 8601), for testing and what-if; "
            "not in the future on a command that writes or sends.")
FORCE_HELP = "Overwrite the file even if it is not a report plp wrote (a database, say)."
LANG_HELP = "Language of domain labels: nn, nb or en (default: PLP_LANG, else en)."


def keep_running() -> None:
    """Switch Python's cyclic collector back on for a command that keeps running.

    The ``plp`` console script pauses the collector for the whole command (plp/_start.py),
    which suits a short command; ``plp serve`` and ``plp scheduler run`` call this as
    they start: what start-up made is frozen out of the collector's way and the
    collector runs as usual from then on. A no-op when the collector is on.
    """
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()
