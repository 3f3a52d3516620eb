"""--db with the URL of a working PostgreSQL server: its password is never shown."""

from __future__ import annotations

import pytest

PASSWORD = "Hunter2pw"


def test_the_password_of_a_working_postgresql_url_is_not_shown(plp_bin, pg_server, db_path):
    if pg_server is None:
        pytest.skip("needs the PostgreSQL backend (PLP_TEST_BACKEND=postgresql)")
    from sqlalchemy.engine import make_url

    url = make_url(db_path).set(password=PASSWORD)  # the test cluster trusts any password
    result = plp_bin("--db", url.render_as_string(hide_password=False), "init")
    assert result.code == 0, result.err
    assert PASSWORD not in result.out + result.err
    assert "***" in result.err
