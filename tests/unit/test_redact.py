"""Passwords of database URLs are taken out of any text before it is shown."""

from __future__ import annotations

import pytest

from plp.redact import password_in, redact, remember_secret

pytestmark = pytest.mark.no_database  # pure text redaction, no database


def test_the_password_of_any_url_in_a_message_is_starred():
    text = "cannot open postgresql+psycopg://plp:Hunter2pw@db.example:5432/plp: refused"
    assert redact(text) == "cannot open postgresql+psycopg://plp:***@db.example:5432/plp: refused"


def test_a_password_holding_an_at_sign_is_starred_whole():
    assert redact("x postgresql://u:p@ss@host/x y") == "x postgresql://u:***@host/x y"


def test_a_password_in_a_keyword_connection_string_is_starred():
    assert redact("bad conninfo: host=db password=Hunter2pw port=1") == "bad conninfo: host=db password=*** port=1"


def test_a_remembered_password_is_starred_wherever_it_appears_in_either_spelling():
    remember_secret("s%40fe-Pw")
    assert redact("invalid value 's@fe-Pw' and 's%40fe-Pw'") == "invalid value '***' and '***'"


def test_the_password_is_found_in_a_url_that_does_not_parse():
    assert password_in("postgresql://u:Hunter2pw@[::1/x") == "Hunter2pw"
    assert password_in("postgresql://u@host/x") is None
    assert password_in("region.db") is None
