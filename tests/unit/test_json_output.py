"""``--json`` output is written by a faster encoder that must match json.dumps byte for byte."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plp.cli.output import indented_json
from plp.services.results import plain

pytestmark = pytest.mark.no_database  # a pure JSON encoder, no database

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)


def expected(data):
    return json.dumps(plain(data), ensure_ascii=False, indent=2)


@given(DATA)
def test_any_plain_data_is_written_exactly_as_json_dumps_writes_it(data):
    assert indented_json(data) == expected(data)


def test_dates_times_tuples_and_empty_containers_are_written_as_before():
    data = {"day": dt.date(2017, 3, 1), "at": dt.datetime(2017, 3, 1, 12, 30, tzinfo=dt.timezone.utc),
            "pair": (1, "a"), "none": [], "empty": {}, "nested": [{"x": [dt.date(2020, 1, 2)]}],
            "text": "Å\u200f \"quoted\" \\ \n tab\t 🙂", 1: "int key", "f": 1.5}
    assert indented_json(data) == expected(data)
