"""Dates and times: ISO 8601 in and out, stored in UTC, shown in Europe/Oslo.

``PLP_TZ`` changes the local time zone. ``--now`` overrides the clock on commands
that depend on it; on a command that writes or sends it may not lie in the future
(see :func:`now`).

A local time without an offset must name one moment: a time that the clocks skip
(``2026-03-29T02:30`` in Europe/Oslo) or pass twice (``2026-10-25T02:30``) is
refused with the offsets to choose from.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plp.errors import InvalidInput
from plp.settings import current

#: How far a writing command's ``--now`` may run ahead of the real clock (clocks drift).
FUTURE_TOLERANCE = dt.timedelta(minutes=1)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def local_tz() -> ZoneInfo:
    """The zone ``PLP_TZ`` names (Europe/Oslo by default), as the running command's settings say."""
    return _zone(current().tz)


@lru_cache(maxsize=None)  # keyed by the name, so a changed PLP_TZ is never served a stale zone
def _zone(name: str) -> ZoneInfo:
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
    return moment if moment.tzinfo else _local(moment, value, what)


def _local(naive: dt.datetime, value: str, what: str) -> dt.datetime:
    """``naive`` as a local time; refused when the clocks skip it or pass it twice."""
    tz = local_tz()
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) != naive:
        # Spring forward: the wall clock jumps over this time, so no moment has it.
        raise InvalidInput(f"invalid {what} '{value}': that time does not exist in {tz.key} (the clocks jump "
                           f"over it); give an existing time or an offset, e.g. {_with_offset(value, first)}")
    # Autumn: the wall clock shows this time twice; guessing could put a record an hour off.
    raise InvalidInput(f"invalid {what} '{value}': that time occurs twice in {tz.key} (the clocks go back); "
                       f"add the offset: {_with_offset(value, first)} for the first, "
                       f"{_with_offset(value, second)} for the second")


def _with_offset(value: str, moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    sign, minutes = ("-" if offset < dt.timedelta(0) else "+"), abs(int(offset.total_seconds())) // 60
    return f"{value}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def now(override: str | None = None, *, writes: bool = False) -> dt.datetime:
    """The current moment (aware), or the ``--now`` override.

    ``writes``: the command writes to the database or sends something. Its ``--now``
    may then not lie in the future (beyond :data:`FUTURE_TOLERANCE`): a record or a
    reminder dated ahead of the real clock would be a false record, and a reminder
    sent early cannot be unsent. A ``--dry-run`` may look ahead.
    """
    real = dt.datetime.now(dt.timezone.utc)
    if not override:
        return real
    moment = parse_datetime(override, "--now")
    if writes and moment > real + FUTURE_TOLERANCE:
        raise InvalidInput(f"--now {override.strip()} lies in the future; a command that writes or sends may "
                           f"not run ahead of the clock (use --dry-run, or a read-only command, to look ahead)")
    return moment


def today(override: str | None = None, *, writes: bool = False) -> dt.date:
    """Today's date in the local time zone (``writes`` as for :func:`now`)."""
    return now(override, writes=writes).astimezone(local_tz()).date()


def show(moment: dt.datetime) -> str:
    """A stored UTC moment as local ISO time, to the second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(local_tz()).isoformat(timespec="seconds")
