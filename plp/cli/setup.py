"""``plp init`` and ``plp demo``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import say
from plp.cli.state import state


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(ctx: typer.Context) -> None:
        """Create the database, or upgrade it to the current schema.

        Every other command except demo refuses a SQLite file that does not exist.
        A new database file is readable by its owner only (mode 0600).

        Example: plp --db region.db init
        """
        from plp.db import HEAD_REVISION

        db = state(ctx).database(create=True)
        db.upgrade()  # creates a missing file, and migrates
        say(f"Database {db.display} is ready (schema {HEAD_REVISION}).")

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
