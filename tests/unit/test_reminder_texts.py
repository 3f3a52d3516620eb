"""Every reminder and notice places its web link the same way: labelled, before the signature."""

from __future__ import annotations

import datetime as dt

import pytest

from plp.reminders import DueReminder, Recipient, compose
from plp.timed_texts import KINDS

pytestmark = pytest.mark.no_database  # pure reminder texts, no database

ORDINARY = ("milestone", "decision_waiting", "anchoring_missing")


@pytest.mark.parametrize("kind", ORDINARY + KINDS)
def test_the_web_link_is_labelled_and_stands_before_the_signature(kind):
    r = DueReminder(kind, 1, "vdc", "Datasenter", 1, "Iveland", "r1", dt.date(2026, 1, 1),
                    extra={"reason": "the date passed", "effect": "hold", "dp": "BP2", "responsible": "Per",
                           "limit": 14, "review": 1})
    to = Recipient(1, "Kari", "kari@example.no", "en", "sponsor")
    body = compose(r, to, base_url="https://plp.region.no")[1]
    lines = body.rstrip("\n").split("\n")
    at = next(i for i, line in enumerate(lines) if "https://plp.region.no/projects/vdc" in line)
    assert lines[at - 1] == "Or do it on the web:", body
    assert at < len(lines) - 1 and lines[-1].startswith("plp"), body  # the signature closes the mail
    assert "http" not in compose(r, to, base_url="")[1]
