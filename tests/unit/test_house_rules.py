"""House rules checked on the source: short functions, and one place that reads the PLP_* variables."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import plp
from plp.settings import Settings, current, using

pytestmark = pytest.mark.no_database  # reads plp's source, opens no database

ROOT = Path(plp.__file__).resolve().parent
MAX_LINES = 60  # a function longer than this does more than one thing

#: Functions still longer, each with who shortens it. Keep it empty.
#: Functions allowed over the limit, each with its reason (none now; an entry that is no
#: longer long fails the test below, so the list cannot go stale).
KNOWN_LONG: dict[str, str] = {}


@cache
def _sources() -> list[tuple[str, ast.AST]]:
    return [(str(p.relative_to(ROOT.parent)), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(ROOT.rglob("*.py"))]


def long_functions(sources: list[tuple[str, ast.AST]]) -> dict[str, int]:
    return {f"{name}:{node.name}": node.end_lineno - node.lineno + 1
            for name, tree in sources for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_LINES}


def environment_reads(sources: list[tuple[str, ast.AST]]) -> list[str]:
    """``os.environ.get("PLP_…")``, ``os.environ["PLP_…"]``, ``os.getenv("PLP_…")`` outside plp/settings.py."""
    found = []
    for name, tree in sources:
        for node in ast.walk(tree):
            key = None
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv") and node.args:
                key = node.args[0]
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                    and isinstance(node.ctx, ast.Load):
                key = node.slice
            if isinstance(key, ast.Constant) and str(key.value).startswith("PLP_"):
                found.append(f"{name}:{node.lineno} reads {key.value}")
    return [f for f in found if not f.startswith("plp/settings.py:")]


def test_no_function_is_longer_than_sixty_lines():
    long = long_functions(_sources())
    stale = sorted(k for k in KNOWN_LONG if k not in long)
    assert not stale, f"KNOWN_LONG lists functions that are no longer long: {stale}"
    too_long = {k: n for k, n in long.items() if k not in KNOWN_LONG}
    if too_long:
        pytest.fail("functions over 60 lines: " + ", ".join(f"{k} ({n})" for k, n in sorted(too_long.items())),
                    pytrace=False)


def test_the_length_check_counts_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    tree = ast.parse(f"def long():\n{body}\n\ndef short():\n    pass\n")
    assert long_functions([("plp/x.py", tree)]) == {"plp/x.py:long": MAX_LINES + 1}


def test_only_the_settings_module_reads_plp_variables():
    # PLP_USER stays with the CLI's actor code, which identity work in issue 10 reshapes.
    reads = [r for r in environment_reads(_sources()) if not (r.startswith("plp/cli/state.py:") and "PLP_USER" in r)]
    assert reads == []


def test_the_environment_check_sees_each_way_of_reading_a_variable():
    tree = ast.parse('import os\na = os.environ.get("PLP_A")\nb = os.getenv("PLP_B")\nc = os.environ["PLP_C"]\n'
                     'os.environ["PLP_D"] = "written, not read"\n')
    assert environment_reads([("plp/x.py", tree)]) == ["plp/x.py:2 reads PLP_A", "plp/x.py:3 reads PLP_B",
                                                       "plp/x.py:4 reads PLP_C"]


def test_a_command_sees_the_settings_it_started_with(monkeypatch):
    monkeypatch.setenv("PLP_TZ", "America/New_York")
    with using(Settings.from_env()):
        monkeypatch.setenv("PLP_TZ", "Asia/Tokyo")  # changed while the command runs: not seen by it
        assert current().tz == "America/New_York"
    assert current().tz == "Asia/Tokyo"  # outside a command, the environment as it is now


def test_an_empty_variable_counts_as_unset():
    s = Settings.from_env({"PLP_DB": "", "PLP_MAIL_FROM": "", "PLP_WORKFLOW_PATH": ""})
    assert (s.db, s.mail_from, s.workflow_path) == (None, "plp@localhost", ())
    defaults = Settings.from_env({})
    s = Settings.from_env({"PLP_TZ": "", "PLP_SQLITE_SYNCHRONOUS": "", "PLP_SMTP_TIMEOUT": ""})
    assert (s.tz, s.sqlite_synchronous, s.smtp_timeout) == (defaults.tz, defaults.sqlite_synchronous,
                                                             defaults.smtp_timeout)


def test_the_settings_never_show_a_secret():
    s = Settings.from_env({"PLP_AUDIT_KEY": "a-secret-audit-key", "PLP_WEBHOOK_URL": "https://hooks.example/s3cret",
                           "PLP_SMTP_URL": "smtp://u:pw-secret@mail.example:25"})
    assert "secret" not in repr(s) and "secret" not in str(s)
