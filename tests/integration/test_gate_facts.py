"""The gate facts of one project (read in one statement for a decision) are the same
facts the set-based read gives for many projects (lists, reports, the web)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import copy_database

pytestmark = pytest.mark.no_database  # runs on a copy of the demo's SQLite file, never the backend under test


def test_one_project_s_gate_facts_equal_the_set_based_read_for_every_demo_project(demo_database, tmp_path):
    from plp.db import Database
    from plp.models import Project
    from plp.services.common import facts_for, facts_of

    db = Database(str(copy_database(demo_database, tmp_path / "demo.db")))
    try:
        with db.unit() as uow:
            projects = list(uow.session.exec(select(Project)).all())
            assert len(projects) >= 4
            many = facts_for(uow, projects)
            for p in projects:
                assert facts_of(uow, p) == many[p.id], p.code
    finally:
        db.dispose()
