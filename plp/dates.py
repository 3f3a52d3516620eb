"""Dates and times: ISO 8601 in and out, stored in UTC, shown in Europe/Oslo.

``PLP_TZ`` changes the local time zone. ``--now`` overrides the clock on commands
that depend on it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plp.errors import InvalidInput

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


@lru_cache(maxsize=None)
def local_tz() -> ZoneInfo:
    name = os.environ.get("PLP_TZ", "Europe/Oslo")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"PLP_TZ: unknown time zone '{name}'") from None


def parse_date(value: str, what: str = "date") -> dt.date:
    """A calendar date, ``YYYY-MM-DD``; refuses 2026-02-30 with a clear message."""
    value = value.strip()
    if not _DATE.match(value):
        raise InvalidInput(f"invalid {what} '{value}': use YYYY-MM-DD, e.g. 2026-06-30")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise InvalidInput(f"invalid {what} '{value}': {e}") from None


def parse_datetime(value: str, what: str = "time") -> dt.datetime:
    """A moment, ``YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]``; local time when no offset is given."""
    value = value.strip()
    if _DATE.match(value):
        d = parse_date(value, what)
        return dt.datetime(d.year, d.month, d.day, tzinfo=local_tz())
    if not _DATETIME.match(value):
        raise InvalidInput(f"invalid {what} '{value}': use YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-06-30T09:00")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise InvalidInput(f"invalid {what} '{value}': {e}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=local_tz())


def now(override: str | None = None) -> dt.datetime:
    """The current moment (aware), or the ``--now`` override."""
    if override:
        return parse_datetime(override, "--now")
    return dt.datetime.now(dt.timezone.utc)


def today(override: str | None = None) -> dt.date:
    """Today's date in the local time zone."""
    return now(override).astimezone(local_tz()).date()


def show(moment: dt.datetime) -> str:
    """A stored UTC moment as local ISO time, to the second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(local_tz()).isoformat(timespec="seconds")
