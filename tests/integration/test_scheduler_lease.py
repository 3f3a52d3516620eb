"""The scheduler as regions run it: the crontab mode, and a mail server slower than the lease.

Every scheduler and check here is the installed ``plp`` in its own process, sending
to a real aiosmtpd server on loopback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess

import pytest

from tests.conftest import PLP_BIN
from tests.integration.test_scheduler import add_milestones, pending, wait_for
from tests.servers import SmtpServer


class SlowSmtpServer(SmtpServer):
    """aiosmtpd that takes ``delay`` seconds to accept each mail, like an overloaded relay."""

    def __init__(self, delay: float, **options):
        super().__init__(**options)
        fast = self.controller.handler

        class Slow:
            async def handle_DATA(self, server, session, envelope):
                await asyncio.sleep(delay)
                return await fast.handle_DATA(server, session, envelope)

        self.controller.handler = Slow()


@pytest.fixture
def slow_smtp(monkeypatch):
    server = SlowSmtpServer(delay=0.6).start()
    monkeypatch.setenv("PLP_SMTP_URL", server.url)
    yield server
    server.stop()


def start(log_path, *args: str) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen([PLP_BIN, *args], stdout=log, stderr=log, env=dict(os.environ))


def scheduler(log_path, lease: str = "2") -> subprocess.Popen:
    return start(log_path, "scheduler", "run", "--every", "0.5", "--lease-seconds", lease)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0


def titles(server: SmtpServer) -> list[str]:
    return sorted(subject.split("«")[1].split("»")[0] for _, subject, _ in server.received())


def test_the_crontab_mode_runs_its_check_at_the_next_minute_and_a_mail_arrives(region, cli, tmp_path, monkeypatch):
    from plp.dates import today

    server = SmtpServer().start()
    monkeypatch.setenv("PLP_SMTP_URL", server.url)
    try:
        add_milestones(region, ["Kvart minutt"], today() + dt.timedelta(days=3))
        log = tmp_path / "cron.log"
        proc = start(log, "scheduler", "run", "--cron", "* * * * *", "--max-checks", "1")
        try:
            assert proc.wait(timeout=100) == 0  # the first minute boundary comes within 60 s
        finally:
            if proc.poll() is None:
                proc.kill()
        assert titles(server) == ["Kvart minutt"]
        text = log.read_text(encoding="utf-8")
        assert "scheduler started (on '* * * * *', Europe/Oslo)" in text
        assert "check: found 1, sent 1, failed 0" in text
        assert "scheduler stopped after 1 check(s)" in text
    finally:
        server.stop()


def test_a_check_slower_than_the_lease_keeps_the_lease_and_the_second_scheduler_sends_nothing(
        region, cli, slow_smtp, tmp_path):
    from plp.dates import today

    names = [f"Sein {i}" for i in range(7)]
    add_milestones(region, names, today() + dt.timedelta(days=3))  # 7 x 0.6 s: twice the 2 s lease
    first = scheduler(tmp_path / "a.log")
    try:
        wait_for(lambda: len(slow_smtp.received()) >= 1)
        second = scheduler(tmp_path / "b.log")
        try:
            wait_for(lambda: len(slow_smtp.received()) == 7 and not pending(cli))
            wait_for(lambda: "waiting: another scheduler" in (tmp_path / "b.log").read_text(encoding="utf-8"))
        finally:
            stop(second)  # before the first: it would rightly take over once the first stops
    finally:
        stop(first)
    assert titles(slow_smtp) == names
    a, b = ((tmp_path / f).read_text(encoding="utf-8") for f in ("a.log", "b.log"))
    assert "check: found 7, sent 7, failed 0" in a and "lease lost" not in a
    assert "lease taken" not in b and "check: found" not in b


def test_a_check_by_hand_beside_a_slow_scheduler_sends_nothing_twice(region, cli, slow_smtp, tmp_path):
    from plp.dates import today

    names = [f"Hand {i}" for i in range(8)]
    add_milestones(region, names, today() + dt.timedelta(days=3))
    sched = scheduler(tmp_path / "s.log", lease="1")  # its claims last 1 s and must be extended
    try:
        wait_for(lambda: len(slow_smtp.received()) >= 2)  # well past the first claim's second
        by_hand = subprocess.run([PLP_BIN, "check", "--json"], capture_output=True, text=True, timeout=120)
        assert by_hand.returncode == 0, by_hand.stderr
        wait_for(lambda: len(slow_smtp.received()) >= 8 and not pending(cli))
    finally:
        stop(sched)
    assert titles(slow_smtp) == names
    assert json.loads(by_hand.stdout) == []


def test_a_claim_lasts_in_real_time_whatever_now_the_checks_were_given(region, cli, slow_smtp):
    names = [f"Klokke {i}" for i in range(6)]
    add_milestones(region, names, dt.date(2026, 4, 10))  # before-14 on both days below
    first = subprocess.Popen([PLP_BIN, "check", "--now", "2026-03-31T08:00"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(slow_smtp.received()) >= 1)
        # A day later on its own clock: the first check's claims must still hold it off.
        later = subprocess.run([PLP_BIN, "check", "--now", "2026-04-01T08:00", "--json"], capture_output=True,
                               text=True, timeout=120)
        assert later.returncode == 0, later.stderr
    finally:
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert titles(slow_smtp) == names
    assert json.loads(later.stdout) == []


def test_a_scheduler_that_loses_its_lease_mid_check_stops_sending_and_the_rest_goes_out_once(
        region, cli, slow_smtp, tmp_path, db_path):
    from plp.dates import today
    from tests.conftest import query

    names = [f"Tapt {i}" for i in range(8)]
    add_milestones(region, names, today() + dt.timedelta(days=3))
    log = tmp_path / "s.log"
    sched = scheduler(log)
    try:
        wait_for(lambda: len(slow_smtp.received()) >= 2)
        # Another scheduler takes the lease over (as if ours had been unreachable past it).
        query(db_path, "UPDATE scheduler_lease SET holder = 'intruder', expires_at = :t", t=dt.datetime(2099, 1, 1))
        wait_for(lambda: "lease lost" in log.read_text(encoding="utf-8"))
        wait_for(lambda: "waiting: another scheduler (intruder) holds the lease" in log.read_text(encoding="utf-8"))
        stopped_at = len(slow_smtp.received())
        assert stopped_at < len(names)  # it stopped with messages left, instead of sending on
        assert len(pending(cli)) == len(names) - stopped_at
        query(db_path, "UPDATE scheduler_lease SET expires_at = :t", t=dt.datetime(2000, 1, 1))  # the intruder dies
        wait_for(lambda: len(slow_smtp.received()) >= len(names) and not pending(cli))
    finally:
        stop(sched)
    assert titles(slow_smtp) == names
    assert "lease taken: this scheduler now sends" in log.read_text(encoding="utf-8")


def test_the_scheduler_log_says_why_deliveries_failed_without_the_password(region, tmp_path, monkeypatch):
    from plp.dates import today

    add_milestones(region, ["Hemmeleg"], today() + dt.timedelta(days=3))
    monkeypatch.setenv("PLP_SMTP_URL", "smtp://plp:hunter2pw@127.0.0.1:notaport")
    log = tmp_path / "s.log"
    proc = start(log, "scheduler", "run", "--every", "1", "--max-checks", "1")
    assert proc.wait(timeout=60) == 0
    text = log.read_text(encoding="utf-8")
    assert "check: found 1, sent 0, failed 1" in text
    assert "delivery failed (1 message(s)): PLP_SMTP_URL is not a valid URL (smtp://plp:***@127.0.0.1:notaport)" in text
    assert "hunter2pw" not in text
