"""A read command loads only what it reads (issue 13's cold start); no timing here.

``plp project show`` starts within a small factor of the bare ``import sqlmodel,
typer, transitions`` because it defines only the tables it reads and imports no YAML
parser nor the results of other use cases. These tests hold that in place: a new
top-level import that drags a whole concern back in fails here, not in a benchmark
weeks later. The times themselves are measured by ``make bench``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Runs one command through the real entry point in a fresh interpreter and prints the
# modules it loaded (its output goes to stderr, so stdout holds the list alone).
_LOADED = ("import contextlib, json, sys\n"
           "from plp.cli import main\n"
           "with contextlib.redirect_stdout(sys.stderr):\n"
           "    code = main(sys.argv[1:])\n"
           "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n")

#: Concerns no read of one project needs: the other tables, the YAML parser, the
#: operational results and the workflow-version service.
NOT_FOR_A_READ = ("plp.models.audit", "plp.models.reminders", "plp.models.region", "plp.models.web",
                  "yaml", "plp.yamllines", "plp.services.results_ops", "plp.services.workflows")


def loaded_by(*args: str) -> set[str]:
    p = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True,
                       env=dict(os.environ), timeout=60)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["code"] == 0, p.stderr
    return set(result["modules"])


@pytest.fixture
def project(cli):
    assert cli("org", "add", "Vennesla").code == 0
    assert cli("project", "create", "vdc", "Grønt datasenter", "--workflow", "plp", "--owner", "Vennesla").code == 0
    return "vdc"


@pytest.mark.parametrize("command", [["project", "show"], ["project", "show", "--json"], ["gate", "status"]],
                         ids=" ".join)
def test_reading_one_project_defines_only_the_project_tables_and_parses_no_yaml(project, command):
    loaded = loaded_by(*command, project)
    assert "plp.models.projects" in loaded  # the check below would pass vacuously if nothing ran
    assert sorted(loaded.intersection(NOT_FOR_A_READ)) == []


def test_listing_projects_defines_only_the_project_tables(project):
    loaded = loaded_by("project", "list", "--json")
    assert sorted(loaded.intersection(NOT_FOR_A_READ)) == []


def test_every_table_is_defined_once_something_asks_for_the_whole_schema():
    code = ("import plp.models\nfrom sqlmodel import SQLModel\nplp.models.load_all()\n"
            "print(len(SQLModel.metadata.tables), len(plp.models.TABLES))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    tables, classes = map(int, p.stdout.split())
    assert tables == classes  # every table is in plp.models.TABLES, and load_all defines them all
