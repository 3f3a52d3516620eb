"""Text for people on a terminal: rich tables and lines that print user text literally.

Text is data: rich never reads user text as markup (``[b]``, ``[link=...]``, a lone
``[/]``) or as emoji codes (``:smile:``). The console has markup and emoji off, and
table cells and titles are :class:`rich.text.Text`, so a project called ``[/]``
lists like any other. Used by the CLI (plp.cli.output) and by the demo's narrator,
which must not depend on the CLI.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Sequence


def console(stderr: bool = False):
    """A rich console that prints text literally; output that is not a terminal gets 120 columns, not 80."""
    from rich.console import Console

    options: dict[str, Any] = dict(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)
    c = Console(**options)
    if not c.is_terminal and not os.environ.get("COLUMNS"):  # rich's own variable, not one of plp's
        c = Console(**options, width=120)
    return c


def literal(value: Any):
    """``value`` as rich text that is shown exactly as written."""
    from rich.text import Text

    return Text("" if value is None else str(value))


def say(message: str) -> None:
    """A status line for people, on stderr (stdout stays data)."""
    console(stderr=True).print(literal(message))


def table(rows: Iterable[Sequence[Any]], columns: Sequence[str], title: str | None = None) -> None:
    from rich.table import Table

    t = Table(title=None if title is None else literal(title), title_justify="left", show_lines=False,
              header_style="bold")
    for c in columns:
        t.add_column(literal(c), overflow="fold")
    n = 0
    for row in rows:
        t.add_row(*[literal(v) for v in row])
        n += 1
    if n == 0:
        say("(none)")
        return
    console().print(t)
