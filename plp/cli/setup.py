"""``plp init`` and ``plp demo``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import say
from plp.cli.state import state


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(ctx: typer.Context,
             admin: Optional[str] = typer.Option(None, "--admin", metavar="PERSON",
                                                 help="Make PERSON (name, email or id) the first administrator."),
             admin_email: Optional[str] = typer.Option(None, "--admin-email", metavar="EMAIL",
                                                       help="With --admin: add that person first, with this "
                                                            "email, when nobody has it yet.")) -> None:
        """Create the database, or upgrade it to the current schema.

        Every other command except demo refuses a SQLite file that does not exist.
        A new database file is readable by its owner only (mode 0600). A new
        PostgreSQL database starts with require-identity on. --admin makes the first
        administrator; a database that already has one is refused (use plp admin grant).

        Example: plp --db region.db init --admin "Kari Nordmann" --admin-email kari@vennesla.kommune.no
        """
        from plp.db import HEAD_REVISION
        from plp.errors import InvalidInput
        from plp.services.admins import initialise

        if admin_email is not None and admin is None:
            raise InvalidInput("--admin-email needs --admin NAME")
        db = state(ctx).database(create=True)
        db.upgrade()  # creates a missing file, and migrates
        person = initialise(db, admin=admin, admin_email=admin_email)
        say(f"Database {db.display} is ready (schema {HEAD_REVISION}).")
        if person is not None:
            say(f"{person.name} is an administrator.")

    @app.command("demo")
    def demo(
        ctx: typer.Context,
        lang: str = typer.Option("en", "--lang", help="Language of phase and outcome labels: nn, nb or en."),
        output: Optional[str] = typer.Option(None, "--output", help="Folder for the generated files."),
        force: bool = typer.Option(False, "--force", help="Overwrite files in that folder that are not reports."),
    ) -> None:
        """Build the Kristiansandregionen example and tell its story.

        Uses --db / PLP_DB when given (it must be empty), else a fresh plp-demo.db
        in the current folder.

        Example: plp demo
        """
        from plp.demo import run

        run(state(ctx).target, lang=lang, output=output, force=force)
