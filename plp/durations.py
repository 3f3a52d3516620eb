"""Durations in workflow files: ``90d``, ``6w``, ``6m``, ``1y`` (or a bare number of days).

Pure. Months and years are calendar months and years: a review six months after
31 August falls on the last day of February, never in March.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DURATION = re.compile(r"^([1-9][0-9]{0,3})([dwmy])$")
UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


def check(value: object) -> str:
    """The duration as text (``90`` becomes ``90d``), or ValueError saying what is accepted."""
    if isinstance(value, bool):
        raise ValueError("must be a duration like 90d, 6w, 6m or 1y")
    if isinstance(value, int):
        value = f"{value}d"
    if not isinstance(value, str) or not _DURATION.match(value.strip()):
        raise ValueError("must be a duration like 90d, 6w, 6m or 1y")
    return value.strip()


def add(day: dt.date, duration: str) -> dt.date:
    """``day`` plus ``duration`` (calendar months and years, clamped to the month's end)."""
    m = _DURATION.match(check(duration))
    assert m is not None
    n, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return day + dt.timedelta(days=n)
    if unit == "w":
        return day + dt.timedelta(weeks=n)
    months = n if unit == "m" else 12 * n
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def approx_days(duration: str) -> int:
    """A duration's length in days measured from a fixed day, to order durations."""
    base = dt.date(2001, 1, 1)
    return (add(base, duration) - base).days
