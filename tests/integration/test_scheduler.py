"""The scheduler really runs: killed with SIGKILL and restarted, nothing is lost or sent twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time

import pytest

from tests.conftest import PLP_BIN
from tests.servers import SmtpServer


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("PLP_SMTP_URL", server.url)
    yield server
    server.stop()


def start_scheduler(log_path, *extra: str) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen([PLP_BIN, "scheduler", "run", "--every", "0.5", "--lease-seconds", "3", *extra],
                            stdout=log, stderr=log, env=dict(os.environ))


def wait_for(condition, timeout: float = 60.0) -> None:
    """Poll until ``condition()`` holds; the test fails (not times) if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached")


def add_milestones(ok, names: list[str], due: dt.date) -> None:
    for name in names:
        ok("milestone", "add", "vdc", name, "--due", due.isoformat(), "--responsible", "Ola Nordmann")


def pending(cli) -> list:
    return json.loads(cli("outbox", "list", "--json").out)


def test_a_killed_scheduler_is_replaced_and_nothing_is_lost_or_duplicated(region, cli, smtp, tmp_path):
    from plp.dates import today

    due = today() + dt.timedelta(days=3)  # the before-3 step is due now
    add_milestones(region, [f"Første {i}" for i in range(5)], due)
    log = tmp_path / "scheduler.log"
    first = start_scheduler(log)
    try:
        wait_for(lambda: len(smtp.received()) == 5 and not pending(cli))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # Work arrives while nobody runs; the killed scheduler still holds the lease.
    add_milestones(region, [f"Andre {i}" for i in range(5)], due)
    second = start_scheduler(log)
    try:
        wait_for(lambda: len(smtp.received()) == 10 and not pending(cli))
        time.sleep(1.5)  # a few more checks: they must send nothing new
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    subjects = sorted(m[1] for m in smtp.received())
    assert len(subjects) == len(set(subjects)) == 10
    assert {s.split("«")[1].split("»")[0] for s in subjects} == {f"{w} {i}" for w in ("Første", "Andre") for i in range(5)}
    text = log.read_text(encoding="utf-8")
    assert "check: found 5, sent 5, failed 0" in text
    assert "scheduler stopped after" in text


def test_a_second_scheduler_waits_instead_of_sending(region, cli, smtp, tmp_path):
    from plp.dates import today

    add_milestones(region, ["Felles"], today() + dt.timedelta(days=3))
    first = start_scheduler(tmp_path / "a.log")
    try:
        wait_for(lambda: len(smtp.received()) == 1)
        second = start_scheduler(tmp_path / "b.log")
        try:
            wait_for(lambda: "waiting: another scheduler" in (tmp_path / "b.log").read_text(encoding="utf-8"))
            add_milestones(region, ["Neste"], today() + dt.timedelta(days=3))
            wait_for(lambda: len(smtp.received()) == 2)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    assert "check: found 1, sent 1" not in (tmp_path / "b.log").read_text(encoding="utf-8")
    assert len(smtp.received()) == 2


def test_sigterm_stops_the_scheduler_cleanly_and_logs_each_check(region, tmp_path):
    log = tmp_path / "s.log"
    proc = start_scheduler(log)
    wait_for(lambda: log.exists() and log.read_text(encoding="utf-8").count("check: found") >= 2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any("scheduler started (every 0.5 s, Europe/Oslo)" in line for line in lines), lines
    assert lines[-1].endswith(f"scheduler stopped after {sum('check: found' in x for x in lines)} check(s)"), lines
    assert "Traceback" not in "\n".join(lines)


def test_a_bad_schedule_is_one_line(plp_bin):
    result = plp_bin("scheduler", "run", "--cron", "every tuesday")
    assert result.code == 1 and result.err.startswith("Error: invalid schedule")


def test_the_scheduled_check_runs_with_the_settings_the_command_started_with(db_path, monkeypatch):
    """APScheduler runs jobs in its own threads; the command's settings must travel with them."""
    import dataclasses

    from plp import scheduler
    from plp.db import Database
    from plp.settings import Settings, current, using

    monkeypatch.delenv("PLP_LANG", raising=False)
    seen = []

    def check():
        seen.append(current().lang)
        return 0, 0, 0

    db = Database(str(db_path))
    with using(dataclasses.replace(Settings.from_env(), lang="nb")):
        assert scheduler.run(db, every=0.05, max_checks=2, check=check) == 2
    db.dispose()
    assert seen == ["nb", "nb"]
