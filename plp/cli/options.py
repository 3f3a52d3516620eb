"""Options several commands share, declared once."""

from __future__ import annotations

from typing import Any

import typer


def if_version_option(what: str = "project") -> Any:
    """``--if-version N``: refuse the change if the record changed since the caller read version N."""
    shown = "'measure list --json'" if what == "measure" else "'project show --json'"
    return typer.Option(None, "--if-version", metavar="N",
                        help=f"Refuse if the {what} changed since you read this version (see {shown}).")
