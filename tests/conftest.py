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


BACKEND = os.environ.get("PLP_TEST_BACKEND", "sqlite")  # `make test` runs the suite with each


if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist gives its workers COLUMNS (the controller's width); plp reads it as a
    # terminal width and would wrap its output at 80 columns instead of 120 off a terminal.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


def pytest_report_header(config):
    return f"plp database backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    if BACKEND != "sqlite":
        skip = pytest.mark.skip(reason="about SQLite itself")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)
        _leave_no_database_tests_to_the_sqlite_run(config, items)
    items.sort(key=_slow_files_first)


def _leave_no_database_tests_to_the_sqlite_run(config, items) -> None:
    """A test marked ``no_database`` never opens the test's database, so both backends give it the
    same result: the SQLite run has it and the PostgreSQL run leaves it out. A selection holding
    nothing else still runs (a run never executes zero tests)."""
    once = [item for item in items if "no_database" in item.keywords]
    if once and len(once) < len(items):
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if "no_database" not in item.keywords]


# The files that take longest, longest first (measured with --durations; see the README's test
# paragraph): pytest-xdist hands out whole files (--dist loadfile --no-loadscope-reorder, see the
# Makefile) in this order, so a long file, or one that waits for the clock, starts at once and
# never ends the run alone. Other files follow in their usual order.
SLOW_FILES = [
    "tests/integration/test_scheduler_lease.py",  # the crontab test waits for the next minute
    "tests/integration/test_state_machine.py",
    "tests/web/test_web_work.py",
    "tests/integration/test_text_is_data.py",
    "tests/web/test_web_a11y.py",
    "tests/web/test_web_attacks.py",
    "tests/integration/test_crash.py",
    "tests/web/test_web_lockout.py",
    "tests/integration/test_audit.py",
    "tests/integration/test_concurrency.py",
    "tests/integration/test_region_reports.py",
    "tests/cli/test_output_files.py",
    "tests/integration/test_backup.py",
    "tests/web/test_web_me.py",
    "tests/integration/test_timed_moves.py",
    "tests/cli/test_bad_input_corpus.py",
    "tests/integration/test_identity.py",
    "tests/cli/test_commands.py",
]


def _slow_files_first(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return SLOW_FILES.index(path) if path in SLOW_FILES else len(SLOW_FILES)


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server for this run, with a migrated template database."""
    if BACKEND != "postgresql":
        yield None
        return
    from sqlalchemy import create_engine, text

    from plp.db import Database
    from tests.pg import Cluster

    cluster = None
    url = os.environ.get("PLP_TEST_PG_URL")
    if url and os.environ.get("PYTEST_XDIST_WORKER"):
        # Every pytest-xdist worker makes the same database names (plp_template, ...):
        # on one shared server they would drop each other's. Each worker's own cluster is fine.
        pytest.fail("PLP_TEST_PG_URL names one server for one pytest process: run it with -p no:xdist "
                    "(or without PLP_TEST_PG_URL, so each worker starts its own cluster)", pytrace=False)
    if not url:
        try:
            cluster = Cluster().start()
        except Exception as e:
            # In CI a missing server is a failure, never a skip.
            pytest.fail(f"cannot start PostgreSQL for the tests: {e}", pytrace=False)
        url = cluster.url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS plp_template WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE plp_template"))
    template_url = _database_url(url, "plp_template")
    db = Database(template_url)
    db.upgrade()  # runs the Alembic migrations on PostgreSQL, as plp init does
    db.dispose()
    yield admin, url.rsplit("/", 1)[0]
    from tests import snapshots

    snapshots.drop_all(admin)
    admin.dispose()
    if cluster:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, pg_server) -> Path | None:
    """One migrated SQLite file per run, copied for each test (migrating per test is slow)."""
    if pg_server is not None:
        return None
    from plp.db import Database

    path = tmp_path_factory.mktemp("template") / "plp.db"
    db = Database(str(path), create=True)
    db.upgrade()  # creates and migrates, as plp init does
    db.dispose()  # the last connection checkpoints the WAL into the file
    assert not Path(f"{path}-wal").exists()
    return path


_counter = {"n": 0}


def _database_url(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url`` (SQLAlchemy's URL tools, no string surgery)."""
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def db_path(tmp_path, pg_server, sqlite_template):
    """This test's initialised database: a copy of the SQLite template, or a PostgreSQL database from it.

    A test that wants a database file that does not exist yet uses another path
    and runs ``plp init`` on it.
    """
    if pg_server is None:
        path = tmp_path / "plp.db"
        shutil.copy(sqlite_template, path)  # keeps the template's 0600
        yield path
        return
    from sqlalchemy import text

    admin, base = pg_server
    _counter["n"] += 1
    name = f"plp_test_{os.getpid()}_{_counter['n']}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE plp_template"))
    yield _database_url(base + "/postgres", name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(autouse=True)
def _isolated(request, tmp_path, monkeypatch):
    """Point the whole app at this test's own database.

    A test marked ``no_database`` gets no database: PLP_DB names a file in a folder that does
    not exist, so a command that opens it fails ("no database at ..."), and the test fails too
    if the folder appears afterwards.
    """
    guard = None
    if request.node.get_closest_marker("no_database"):
        asked = {"db_path", "pg_server", "sqlite_template"} & set(request.fixturenames)
        if asked:
            pytest.fail(f"a test marked no_database asks for the backend under test ({', '.join(sorted(asked))}, "
                        "through region, snapshot, site, ...): remove the marker", pytrace=False)
        guard = tmp_path / "no-database-here" / "plp.db"
    monkeypatch.setenv("PLP_DB", str(guard or request.getfixturevalue("db_path")))
    monkeypatch.setenv("PLP_USER", "tester")
    for name in ("PLP_WORKFLOW_PATH", "PLP_LANG", "PLP_SMTP_URL", "PLP_WEBHOOK_URL", "PLP_SCHEDULE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    if guard is not None:
        assert not guard.parent.exists(), "a test marked no_database made the test database's folder"


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


def dump(target) -> str:
    """The whole database as text, to prove a refused request changed nothing."""
    if isinstance(target, Path):
        if not target.exists():
            return ""
        con = sqlite3.connect(target)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(target)
    try:
        with engine.connect() as conn:
            out = []
            for table in sorted(inspect(conn).get_table_names()):
                rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).all()
                out.append(f"{table}: {[tuple(r) for r in rows]!r}")
            return "\n".join(out)
    finally:
        engine.dispose()


def query(target, sql: str, **params):
    """Run one SQL statement against the test database; returns all rows."""
    from sqlalchemy import create_engine, text

    from sqlalchemy.engine import URL

    engine = create_engine(URL.create("sqlite", database=str(target)) if isinstance(target, Path) else target)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def assert_one_line_error(result: Result, code: int = 1, contains: str | None = None) -> None:
    assert result.code == code, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("Error: "), result.err
    assert "Traceback" not in result.err + result.out
    if contains:
        assert contains in lines[0], lines[0]


@pytest.fixture
def snapshot(db_path, pg_server, sqlite_template, monkeypatch):
    """``snapshot(name, build, base=None)``: the state ``build()`` makes, built once per process and copied.

    For fixtures that run the same commands for many tests; see tests/snapshots.py.
    ``base`` names the snapshot ``build()`` starts from (``"region"`` for a fixture on top of region).
    """
    from tests.snapshots import restore_or_build

    def run(name: str, build, base: str | None = None) -> None:
        restore_or_build(name, build, db_path, pg_server, sqlite_template, monkeypatch, base)

    return run


@pytest.fixture
def region(cli, snapshot):
    """A small region: three municipalities, a few people, and one project in idea.

    The commands run once per test process; later tests get a copy (tests/snapshots.py).
    """

    def ok(*args: str) -> Result:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        return r

    def build() -> None:
        for org in ("Vennesla", "Iveland", "Kristiansand"):
            ok("org", "add", org)
        ok("person", "add", "Kari Nordmann", "--email", "kari@example.no", "--org", "Vennesla")
        ok("person", "add", "Ola Nordmann", "--email", "ola@example.no", "--org", "Iveland")
        ok("person", "add", "Per Leiar", "--org", "Vennesla")
        ok("project", "create", "vdc", "Datasenter", "--workflow", "plp", "--owner", "Vennesla:A",
           "--owner", "Iveland:C")

    snapshot("region", build)
    return ok


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """The demo's SQLite database, built once per run by the installed ``plp demo``.

    pytest-xdist's workers share one base folder: the first worker to need the demo builds
    it there under a lock, the others wait for it and use it. Never open it for writing:
    take a copy with :func:`copy_database`.
    """
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    folder = shared / "demo-shared"
    folder.mkdir(exist_ok=True)
    path = folder / "demo.db"
    with open(shared / "demo-shared.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            _build_demo(folder, path)
            (folder / "done").touch()
    return path


def _build_demo(folder: Path, path: Path) -> None:
    env = dict(os.environ, PLP_USER="tester")
    for name in ("PLP_WORKFLOW_PATH", "PLP_LANG", "PLP_SMTP_URL", "PLP_WEBHOOK_URL", "PLP_SCHEDULE", "PLP_DB"):
        env.pop(name, None)
    p = subprocess.run([PLP_BIN, "--db", str(path), "demo"], cwd=folder, env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of the SQLite database ``source`` at ``target`` (SQLite's backup API)."""
    from tests.snapshots import sqlite_copy

    sqlite_copy(str(source), str(target))
    os.chmod(target, 0o600)
    return target


def result_types(annotation: object) -> list[object]:
    """The types a return annotation promises, looking through ``X | Y``, ``X | None`` and ``list[X]``."""
    import types
    import typing

    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [t for arg in typing.get_args(annotation) if arg is not type(None) for t in result_types(arg)]
    if typing.get_origin(annotation) is list:
        return result_types(typing.get_args(annotation)[0])
    return [annotation]


@pytest.fixture
def new_version(tmp_path, monkeypatch):
    """Write version N of the plp workflow (the shipped file with some edits) and put it on the path."""
    from plp.workflow import shipped_dir

    def write(*edits: tuple[str, str], version: int = 2, everywhere: bool = False) -> None:
        """Apply each (old, new) edit once, or to every occurrence with ``everywhere``."""
        text = (shipped_dir() / "plp.yaml").read_text(encoding="utf-8")
        text = text.replace("version: 1\n", f"version: {version}\n", 1)
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, -1 if everywhere else 1)
        folder = tmp_path / "workflows"
        folder.mkdir(exist_ok=True)
        (folder / "plp.yaml").write_text(text, encoding="utf-8")
        monkeypatch.setenv("PLP_WORKFLOW_PATH", str(folder))

    return write


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
