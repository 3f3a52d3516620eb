"""Shared fixtures: every test gets its own SQLite file through PLP_DB."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLP_BIN = shutil.which("plp", path=str(Path(sys.executable).parent)) or shutil.which("plp")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Point the whole app at a fresh database file in tmp_path."""
    monkeypatch.setenv("PLP_DB", str(tmp_path / "plp.db"))
    monkeypatch.setenv("PLP_USER", "tester")
    monkeypatch.delenv("PLP_WORKFLOW_PATH", raising=False)
    monkeypatch.delenv("PLP_LANG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "plp.db"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``plp ARGS...`` in-process through the real entry point (error mapping included)."""
    from plp.cli import main

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def plp_bin():
    """Run the installed ``plp`` command in a subprocess, as a user would."""
    assert PLP_BIN, "the plp command is not installed in this environment"

    def run(*args: str, env: dict | None = None, timeout: float = 60) -> Result:
        full_env = dict(os.environ, **(env or {}))
        p = subprocess.run([PLP_BIN, *args], capture_output=True, text=True, env=full_env, timeout=timeout)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


def dump(path: Path) -> str:
    """The whole database as SQL text, to prove a refused request changed nothing."""
    if not path.exists():
        return ""
    con = sqlite3.connect(path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def assert_one_line_error(result: Result, code: int = 1, contains: str | None = None) -> None:
    assert result.code == code, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("Error: "), result.err
    assert "Traceback" not in result.err + result.out
    if contains:
        assert contains in lines[0], lines[0]


@pytest.fixture
def region(cli):
    """A small region: three municipalities, a few people, and one project in idea."""

    def ok(*args: str) -> Result:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        return r

    for org in ("Vennesla", "Iveland", "Kristiansand"):
        ok("org", "add", org)
    ok("person", "add", "Kari Nordmann", "--email", "kari@example.no", "--org", "Vennesla")
    ok("person", "add", "Ola Nordmann", "--email", "ola@example.no", "--org", "Iveland")
    ok("person", "add", "Per Leiar", "--org", "Vennesla")
    ok("project", "create", "vdc", "Datasenter", "--workflow", "plp", "--owner", "Vennesla:A", "--owner", "Iveland:C")
    return ok


def advance_to_pre_project(ok) -> None:
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("checklist", "tick", "vdc", "idea_sketch")
    ok("checklist", "tick", "vdc", "owners_identified")
    ok("decide", "vdc", "go", "--by", "Kari Nordmann", "--date", "2026-01-10", "--now", "2026-01-10")


def make_bp2_ready_except_anchoring(ok) -> None:
    ok("role", "assign", "vdc", "Per Leiar", "leader")
    ok("goal", "add", "vdc", "effect", "Fleire arbeidsplassar")
    ok("goal", "add", "vdc", "result", "Regulert areal")
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        ok("checklist", "tick", "vdc", item)
