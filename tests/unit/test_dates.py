"""Dates and times: local times that do not exist or exist twice, and --now ahead of the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from plp import dates
from plp.errors import InvalidInput

pytestmark = pytest.mark.no_database  # pure date arithmetic, no database

UTC = dt.timezone.utc


def test_a_local_time_the_clocks_skip_in_spring_is_refused_with_an_offset_to_use():
    with pytest.raises(InvalidInput) as e:
        dates.parse_datetime("2026-03-29T02:30", "--now")
    assert "'2026-03-29T02:30': that time does not exist in Europe/Oslo" in str(e.value)
    assert "2026-03-29T02:30+01:00" in str(e.value)


def test_a_local_time_that_occurs_twice_in_autumn_is_refused_naming_both_offsets():
    with pytest.raises(InvalidInput) as e:
        dates.parse_datetime("2026-10-25T02:30", "--now")
    assert "occurs twice in Europe/Oslo" in str(e.value)
    assert "2026-10-25T02:30+02:00 for the first, 2026-10-25T02:30+01:00 for the second" in str(e.value)


def test_the_offsets_offered_for_an_ambiguous_time_are_accepted_and_an_hour_apart():
    first = dates.parse_datetime("2026-10-25T02:30+02:00")
    second = dates.parse_datetime("2026-10-25T02:30+01:00")
    assert second - first == dt.timedelta(hours=1)


@pytest.mark.parametrize("value,utc", [
    ("2026-03-29T01:59", dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),  # just before the gap
    ("2026-03-29T03:00", dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # just after it
    ("2026-10-25T01:59", dt.datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),  # before the fold
    ("2026-10-25T03:00", dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # after it
    ("2026-03-29", dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),  # a date is local midnight
    ("2026-06-30T09:00", dt.datetime(2026, 6, 30, 7, 0, tzinfo=UTC)),
])
def test_local_times_around_the_changes_mean_one_moment(value, utc):
    assert dates.parse_datetime(value) == utc


def test_a_time_in_a_gap_is_refused_in_the_zone_plp_tz_names(monkeypatch):
    monkeypatch.setenv("PLP_TZ", "America/New_York")  # read on the next call: no cache to clear
    with pytest.raises(InvalidInput, match="does not exist in America/New_York"):
        dates.parse_datetime("2026-03-08T02:30")
    assert dates.parse_datetime("2026-03-29T02:30") == dt.datetime(2026, 3, 29, 6, 30, tzinfo=UTC)


def test_a_writing_command_may_not_be_given_a_now_in_the_future():
    with pytest.raises(InvalidInput, match="--now 2099-01-01 lies in the future; a command that writes or sends"):
        dates.now("2099-01-01", writes=True)
    with pytest.raises(InvalidInput, match="lies in the future"):
        dates.today("2099-01-01", writes=True)


def test_a_reading_command_may_look_into_the_future():
    assert dates.now("2099-01-01").year == 2099
    assert dates.today("2099-01-01") == dt.date(2099, 1, 1)


def test_a_writing_command_may_run_a_little_ahead_of_the_clock_and_anywhere_behind_it():
    real = dt.datetime.now(UTC)
    ahead = (real + dates.FUTURE_TOLERANCE / 2).isoformat(timespec="seconds")
    assert dates.now(ahead, writes=True) > real
    assert dates.now("2016-03-10", writes=True).year == 2016
    assert abs(dates.now(None, writes=True) - real) < dt.timedelta(hours=1)
