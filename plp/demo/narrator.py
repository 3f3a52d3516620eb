"""The demo's narrator: the story's clock and how each step is told.

The chapters call services and tell what happened through :class:`Story`; they
never use the CLI layer. Everything the demo prints goes through here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Sequence

from plp.db import Database
from plp.errors import PlpError

REPORT_DAY = "2017-10-02"  # the story's "today" for the reports: the network's next meeting


def day(s: str) -> dt.date:
    """A story day, ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(s)


def noon(s: str) -> dt.datetime:
    """Noon of a story day, in the local time zone."""
    from plp.dates import local_tz

    return dt.datetime.combine(day(s), dt.time(12, 0), tzinfo=local_tz())


def say(text: str = "") -> None:
    """A line of the story as it is, on stdout."""
    print(text)


def table(rows: Sequence[Sequence[Any]], columns: Sequence[str], title: str) -> None:
    from plp.terminal import table as show

    # Names and workflow labels are data, never rich markup (plp.terminal).
    show(rows, columns, title=title)


class Story:
    """The database the story is told in, the language of its labels, and its voice."""

    def __init__(self, db: Database, lang: str):
        self.db = db
        self.lang = lang

    def tell(self, when: str, text: str) -> None:
        say(f"  {when}  {text}")

    def refused(self, action: Callable[[], object]) -> str:
        """Run an action the method must refuse; return the refusal."""
        try:
            action()
        except PlpError as e:
            return str(e)
        raise AssertionError("the demo expected a refusal")  # pragma: no cover
