"""The ``--json`` output of every listing and ``show`` is a contract (CLI.md): it must not drift.

The demo builds a rich database (four projects, conditions, holds, benefit reviews,
measures, trust rounds, an outbox); each command's JSON is compared with the golden
file ``tests/cli/golden/demo_json.json``, made from the same demo with a fixed
``--now``. What the clock of the run decides (when an event was written, and so the
hashes of the audit chain) is replaced by a placeholder before comparing; every
other value, and every key, must be as recorded.

Regenerate on purpose only, after a deliberate and documented change of a JSON shape:
``PLP_GOLDEN_UPDATE=1 .venv/bin/python -m pytest tests/cli/test_json_golden.py``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import copy_database

pytestmark = pytest.mark.no_database  # runs on a copy of the demo's SQLite file, never the backend under test

GOLDEN = Path(__file__).parent / "golden" / "demo_json.json"
NOW = "2017-10-02T12:00"
CODES = ("areal", "lading", "smartskog", "vdc")

COMMANDS: list[tuple[str, ...]] = [
    ("project", "list"),
    ("project", "list", "--status", "active"),
    *[("project", "show", c, "--now", NOW) for c in CODES],
    *[("project", "history", c) for c in CODES],
    *[("gate", "status", c) for c in CODES],
    *[("checklist", "show", c) for c in CODES],
    *[("anchor", "list", c) for c in CODES],
    *[("benefit", "list", c) for c in CODES],
    ("milestone", "list", "--now", NOW),
    ("milestone", "list", "smartskog", "--overdue", "--now", NOW),
    ("condition", "list", "--now", NOW),
    ("check", "--dry-run", "--now", NOW),
    ("check", "--dry-run", "--now", "2019-06-01T08:00"),
    ("outbox", "list", "--all"),
    ("outbox", "list"),
    ("org", "list"),
    ("person", "list"),
    ("plan", "list"),
    ("measure", "list"),
    ("measure", "list", "--org", "Birkenes"),
    ("measure", "list", "--plan", "snp"),
    ("network", "meeting", "list"),
    ("trust", "report"),
    ("config", "show"),
    ("audit", "head"),
    ("audit", "verify"),
    ("workflow", "list"),
    *[("workflow", "show", w) for w in ("plp", "prosjektveiviseren", "pm2")],
]
# Commands whose JSON is chosen with --format json rather than --json.
FORMATTED: list[tuple[str, ...]] = [
    ("network", "agenda", "--now", NOW),
    *[("report", "status", c, "--now", NOW) for c in CODES],
    ("report", "portfolio", "--now", NOW),
    ("report", "portfolio", "--by", "measure", "--now", NOW),
]

#: Keys whose values the clock of the demo run decides, not the data.
_VOLATILE_KEYS = {"at", "hash", "prev_hash", "last_hash", "head", "created_at", "ticked_at", "generated_at"}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _normalise(value, key: str | None = None, today: str = ""):
    if isinstance(value, dict):
        return {k: _normalise(v, k, today) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, key, today) for v in value]
    if key in _VOLATILE_KEYS and value is not None:
        return "<run>"
    if key == "file" and isinstance(value, str):
        return "<checkout>/" + "/".join(Path(value).parts[-2:])  # where the repository lies is not data
    if isinstance(value, str) and today and value.startswith(today) and _TIMESTAMP.match(value):
        return "<run>"  # a moment of the demo run itself (an event time inside a report)
    return value


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_database) -> Path:
    path = copy_database(demo_database, tmp_path_factory.mktemp("golden") / "demo.db")
    return path


def _run_all(cli, demo_db: Path) -> dict[str, object]:
    import datetime as dt

    today = dt.date.today().isoformat()
    out: dict[str, object] = {}
    for args in COMMANDS + FORMATTED:
        full = ["--db", str(demo_db), *args, *(["--format", "json"] if args in FORMATTED else ["--json"])]
        r = cli(*full)
        assert r.code == 0, (args, r.err)
        out[" ".join(args)] = _normalise(json.loads(r.out), None, today)  # stdout is JSON alone
    return out


def test_json_of_every_listing_and_show_matches_the_golden_file(cli, demo_db):
    got = _run_all(cli, demo_db)
    if os.environ.get("PLP_GOLDEN_UPDATE"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(got) == list(want), "the golden file lists other commands; regenerate it"
    for command, value in want.items():
        assert got[command] == value, f"plp {command} --json changed"


def test_golden_file_covers_rich_data(demo_db):
    """The comparison means something only if the demo's data reaches every part of the shapes."""
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    shows = [want[f"project show {c} --now {NOW}"] for c in CODES]
    assert any(s["hold"] for s in shows) and any(s["conditions"] for s in shows)
    assert any(s["benefit_reviews"] for s in shows) and any(s["milestones"] for s in shows)
    assert want["outbox list --all"] and want[f"check --dry-run --now {NOW}"] is not None
    assert want["measure list"] and want["trust report"]
