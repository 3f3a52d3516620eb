"""Browser tests: a real ``plp serve`` on the test's database, driven by Debian's chromium.

The seed region is built once per run with the installed ``plp`` and copied into each
test's own database (a SQLite file, or a PostgreSQL database made from it as a
template), so every test starts from the same state without paying for the seeding.
One browser serves the whole run; every test gets fresh contexts (cookies, storage).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PLP_BIN
from tests.servers import SmtpServer, free_port
from tests.snapshots import disconnect, sqlite_copy
from tests.web import seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SEED_DB = "plp_web_seed"
SHARED_DB = "plp_web_shared"


def unavailable(reason: str) -> None:
    """In CI a missing browser is a failure; on a developer's machine the browser tests are skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing: run tests/ensure-chromium.sh as root (apt-get install chromium)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as e:  # a broken install is as good as a missing one
        pw.stop()
        unavailable(f"cannot start {CHROMIUM}: {e}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def seed_target(tmp_path_factory, pg_server):
    """The seed region, built once: a SQLite file, or a PostgreSQL database used as a template."""
    if pg_server is None:
        target = tmp_path_factory.mktemp("seed") / "seed.db"
        seed.build(str(target))
        yield str(target)
        return
    from sqlalchemy import text

    admin, base = pg_server
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SEED_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {SEED_DB} TEMPLATE plp_template"))
    seed.build(f"{base}/{SEED_DB}")
    disconnect(admin, SEED_DB)  # a template must have no sessions when databases are made from it
    yield f"{base}/{SEED_DB}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SEED_DB} WITH (FORCE)"))


def _clone(seed_target: str, db_path, pg_server) -> str:
    """Copy the seed into this test's database; returns the target for ``--db``."""
    if pg_server is None:
        sqlite_copy(seed_target, str(db_path))
        return str(db_path)
    from sqlalchemy import text

    admin, _ = pg_server
    name = str(db_path).rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {SEED_DB}"))
    return str(db_path)


@dataclass
class Site:
    """A running ``plp serve`` and what it writes to: its database and the captured mail."""

    url: str
    db: str
    smtp: SmtpServer
    log: Path
    process: subprocess.Popen = field(repr=False)

    def plp(self, *args: str, stdin: str | None = None) -> str:
        """Run ``plp ARGS`` on this site's database (in-process, see seed.plp); its standard output."""
        return seed.plp(self.db, *args, stdin=stdin)

    def mails_to(self, email: str) -> list[tuple[str, str]]:
        return [(subject, body) for rcpt, subject, body in self.smtp.received() if rcpt == email]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"plp serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"plp serve did not answer /healthz within a minute:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def serving(target: str, log: Path):
    """``plp serve`` on ``target``, with a real SMTP server for the mail; stopped after."""
    smtp = SmtpServer().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PLP_SMTP_URL=smtp.url, PLP_BASE_URL=url, PLP_WEB_TODAY=seed.TODAY,
               PLP_MAIL_FROM="plp@example.no")
    for name in ("PLP_USER", "PLP_LANG"):
        env.pop(name, None)
    with open(log, "w") as out:
        process = subprocess.Popen([PLP_BIN, "--db", target, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_healthy(url, process, log)
        yield Site(url, target, smtp, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        smtp.stop()
    assert "Traceback" not in log.read_text(), f"the server logged a traceback:\n{log.read_text()[-4000:]}"


@pytest.fixture
def site(seed_target, db_path, pg_server, tmp_path):
    """A server of this test's own: a fresh copy of the seed region, for tests that change things."""
    with serving(_clone(seed_target, db_path, pg_server), tmp_path / "serve.log") as s:
        yield s


@pytest.fixture(scope="session")
def shared_site(seed_target, pg_server, tmp_path_factory):
    """One server for the whole run, for tests that only read (and sign in)."""
    folder = tmp_path_factory.mktemp("shared")
    if pg_server is None:
        target = str(folder / "shared.db")
        sqlite_copy(seed_target, target)
    else:
        from sqlalchemy import text

        admin, base = pg_server
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {SHARED_DB} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {SHARED_DB} TEMPLATE {SEED_DB}"))
        target = f"{base}/{SHARED_DB}"
    with serving(target, folder / "serve.log") as s:
        yield s
    if pg_server is not None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {SHARED_DB} WITH (FORCE)"))


def _contexts(browser, site):
    made = []

    def make(**options):
        ctx = browser.new_context(base_url=site.url, **options)
        ctx.set_default_timeout(10_000)
        made.append(ctx)
        return ctx

    return make, made


@pytest.fixture
def new_context(browser, site):
    """Make browser contexts on this test's site (fresh cookies each); all are closed after the test."""
    make, made = _contexts(browser, site)
    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def shared_context(browser, shared_site):
    """The same, on the shared read-only site."""
    make, made = _contexts(browser, shared_site)
    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def shared_page(shared_context):
    return open_page(shared_context())


@pytest.fixture
def page(new_context):
    """A page in a fresh context; JavaScript dialogs are recorded in ``page.dialogs`` and dismissed."""
    return open_page(new_context())


def open_page(ctx):
    pg = ctx.new_page()
    pg.dialogs = []

    def on_dialog(dialog):
        pg.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    return pg
