"""Output for people (rich tables, status on stderr) and for programs (``--json`` on stdout).

Text is data: rich never reads user text as markup (``[b]``, ``[link=...]``, a lone
``[/]``) or as emoji codes (``:smile:``). The console has markup and emoji off, and
table cells and titles are :class:`rich.text.Text`, so a project called ``[/]``
lists like any other.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any, Iterable, Sequence


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        from plp.dates import show

        return show(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def emit_json(data: Any) -> None:
    """JSON alone on stdout, nothing else mixed in; typed results through their one serialiser."""
    from plp.services.results import to_json

    sys.stdout.write(json.dumps(to_json(data), ensure_ascii=False, indent=2, default=_default) + "\n")


def console(stderr: bool = False):
    """A rich console that prints text literally; output that is not a terminal gets 120 columns, not 80."""
    from rich.console import Console

    options: dict[str, Any] = dict(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)
    c = Console(**options)
    if not c.is_terminal and not os.environ.get("COLUMNS"):
        c = Console(**options, width=120)
    return c


def literal(value: Any):
    """``value`` as rich text that is shown exactly as written."""
    from rich.text import Text

    return Text("" if value is None else str(value))


def say(message: str) -> None:
    """A status line for people, on stderr (stdout stays data)."""
    console(stderr=True).print(literal(message))


def out(message: str = "") -> None:
    """A line of text output on stdout, printed exactly."""
    sys.stdout.write(message + "\n")


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


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
