"""``plp scheduler run``: the reminder check on a schedule, one sender at a time.

APScheduler 3.x runs the check (default weekdays 07:30 Europe/Oslo, or every N
seconds), coalescing missed runs into one catch-up with a misfire grace, so a
machine that slept runs one check, not a burst.

Only the holder of the lease row sends. The lease is taken and renewed in short
transactions (``UPDATE ... WHERE holder = me OR expires_at < now``), so it works on
SQLite and PostgreSQL alike, and a scheduler killed with SIGKILL loses it when it
expires. A scheduler without the lease waits and tries again at the next run.
The holder renews the lease from a job of its own, which runs beside a check that
is still sending (a slow mail server), and also between the messages of a check;
once the lease is lost the check stops sending and releases what it had claimed.

SIGTERM (or Ctrl-C) stops it cleanly after the check that is running.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import signal
import socket
import sys
import threading
import time
import uuid
from typing import Callable

from sqlalchemy import or_, update

from plp.db import Database, utcnow
from plp.models import SchedulerLease
from plp.sqlfuncs import insert_ignore

DEFAULT_CRON = "30 7 * * mon-fri"
LEASE_NAME = "reminders"


class Lease:
    """The sending right of one scheduler, taken and renewed in short transactions."""

    def __init__(self, db: Database, ttl: float, holder: str | None = None, name: str = LEASE_NAME):
        self.db = db
        self.ttl = dt.timedelta(seconds=ttl)
        self.name = name
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._lock = threading.Lock()  # the check and the renewal job share one lease
        self._held = False
        self._confirmed = 0.0  # time.monotonic() just before the last write that confirmed it

    @property
    def held(self) -> bool:
        """True while our last confirmation is younger than the lease itself."""
        return self._held and time.monotonic() - self._confirmed < self.ttl.total_seconds()

    def acquire(self) -> bool:
        """Take the lease if it is free or expired, or renew it if ours; True while we hold it."""
        with self._lock:
            return self._write(take=True)

    def renew(self) -> bool:
        """Extend the lease only if it is still ours: never take it from another scheduler."""
        with self._lock:
            return self._write(take=False)

    def keep(self) -> bool:
        """Asked before every message of a check: renew once a third of the lease has passed."""
        if self._held and time.monotonic() - self._confirmed > self.ttl.total_seconds() / 3:
            try:
                self.renew()
            except Exception as e:  # a database hiccup: ``held`` runs out by itself if it lasts
                log(f"lease renewal failed: {e}")
        return self.held

    def _write(self, *, take: bool) -> bool:
        started = time.monotonic()
        now = utcnow()
        mine = SchedulerLease.holder == self.holder
        with self.db.unit() as uow:
            uow.end_read()
            held = uow.session.execute(
                update(SchedulerLease)
                .where(SchedulerLease.name == self.name, or_(mine, SchedulerLease.expires_at < now) if take else mine)
                .values(holder=self.holder, expires_at=now + self.ttl)
                .execution_options(synchronize_session=False)).rowcount == 1
            if not held and take:
                held = uow.session.execute(
                    insert_ignore(uow.session, SchedulerLease)
                    .values(name=self.name, holder=self.holder, expires_at=now + self.ttl)
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(SchedulerLease.name)).scalar() is not None
            uow.commit()
        self._held, self._confirmed = held, started
        return held

    def current(self) -> SchedulerLease | None:
        with self.db.unit() as uow:
            return uow.session.get(SchedulerLease, self.name)

    def release(self) -> None:
        with self._lock:
            self._held = False
            with self.db.unit() as uow:
                uow.end_read()
                uow.session.execute(update(SchedulerLease)
                                    .where(SchedulerLease.name == self.name, SchedulerLease.holder == self.holder)
                                    .values(expires_at=utcnow() - dt.timedelta(seconds=1))
                                    .execution_options(synchronize_session=False))
                uow.commit()


def log(message: str) -> None:
    from plp.dates import show

    sys.stderr.write(f"{show(utcnow())} {message}\n")
    sys.stderr.flush()


def schedule(cron: str | None) -> str:
    """``--cron``, else ``PLP_SCHEDULE``, else the default crontab."""
    from plp.settings import current

    return cron or current().schedule or DEFAULT_CRON


def _trigger(every: float | None, cron: str | None, tz):
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from plp.errors import InvalidInput

    try:
        return (IntervalTrigger(seconds=every, timezone=tz) if every
                else CronTrigger.from_crontab(schedule(cron), timezone=tz))
    except ValueError as e:
        raise InvalidInput(f"invalid schedule: {e}") from None


class _Runner:
    """The two jobs of a scheduler: the check (under the lease) and the lease renewal."""

    def __init__(self, db: Database, lease: Lease, check: Callable[[], tuple[int, int, int]] | None,
                 max_checks: int | None, stop: Callable[[], None]):
        self.db, self.lease, self.max_checks, self.stop = db, lease, max_checks, stop
        self.check = check or self._check
        self.busy = threading.Lock()
        self.stopping = threading.Event()
        self.checks = 0
        self.waiting = False

    def _check(self) -> tuple[int, int, int]:
        from plp.dates import now
        from plp.services.reminders import check as run_check

        # Claims last as long as the lease, and sending stops the moment the lease is lost,
        # so a scheduler that lost its lease mid-check never races the one that took it.
        result = run_check(self.db, now=now(), claim=self.lease.ttl, keep_going=self.lease.keep)
        # Why deliveries failed, once per distinct error (already redacted: no secrets).
        errors: dict[str, int] = {}
        for row in result.rows:
            if row.error:
                errors[row.error] = errors.get(row.error, 0) + 1
        for error, count in errors.items():
            log(f"delivery failed ({count} message(s)): {error}")
        return result.found, result.sent, result.failed

    def job(self) -> None:
        if self.stopping.is_set():
            return
        with self.busy:
            try:
                self._job()
            except Exception as e:  # keep the scheduler alive; the outbox keeps what was not sent
                from plp.errors import PlpError
                from plp.notify import Channels

                text = str(e) if isinstance(e, PlpError) else f"{type(e).__name__}: {e}"
                log(f"check failed: {Channels.from_env().redact(text)}")
            finally:
                self.checks += 1
                if self.max_checks is not None and self.checks >= self.max_checks:
                    self.stop()

    def _job(self) -> None:
        if not self.lease.acquire():
            holder = self.lease.current()
            if not self.waiting:
                log(f"waiting: another scheduler ({holder.holder if holder else '?'}) holds the lease")
            self.waiting = True
            return
        if self.waiting:
            log("lease taken: this scheduler now sends")
        self.waiting = False
        found, sent, failed = self.check()
        log(f"check: found {found}, sent {sent}, failed {failed}")
        if not self.lease.held:
            log("lease lost during the check: sending stopped; the new holder sends the rest")

    def renew(self) -> None:
        # Runs beside a running check too (its own thread): a slow mail server must not
        # let the lease expire under a check that is still sending.
        if self.stopping.is_set() or not self.lease.held:
            return
        try:
            if not self.lease.renew():
                log("lease lost: another scheduler took it over")
        except Exception as e:  # a database hiccup; ``held`` runs out by itself if it lasts
            log(f"lease renewal failed: {e}")


def run(db: Database, *, every: float | None = None, cron: str | None = None, lease_seconds: float = 120,
        misfire_grace: int = 3600, max_checks: int | None = None,
        check: Callable[[], tuple[int, int, int]] | None = None) -> int:
    """Run until SIGTERM/SIGINT (or ``max_checks``); returns the number of checks made."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    from plp.dates import local_tz

    tz = local_tz()
    trigger = _trigger(every, cron, tz)
    db.engine  # open and migrate before the first run, so errors show at once
    lease = Lease(db, lease_seconds)
    sched = BlockingScheduler(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": misfire_grace})

    def stop(*_: object) -> None:
        if not runner.stopping.is_set():
            runner.stopping.set()
            threading.Thread(target=lambda: sched.shutdown(wait=False), daemon=True).start()

    runner = _Runner(db, lease, check, max_checks, stop)
    # APScheduler 3 adds a job *paused* when next_run_time=None is passed: leave it out
    # for the crontab, so the trigger computes the first run; --every checks at once.
    first = {"next_run_time": dt.datetime.now(tz)} if every else {}
    # The jobs run in APScheduler's thread pool, where the command's bound settings
    # (plp.settings.using) are not: each job runs in a copy of this context.
    here = contextvars.copy_context()
    sched.add_job(lambda: here.copy().run(runner.job), trigger, id="check", **first)
    sched.add_job(lambda: here.copy().run(runner.renew), IntervalTrigger(seconds=max(lease_seconds / 3, 0.2),
                                                                          timezone=tz), id="renew")
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    what = f"every {every:g} s" if every else f"on '{schedule(cron)}'"
    log(f"scheduler started ({what}, {tz.key}); lease holder {lease.holder}")
    try:
        sched.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        with runner.busy:  # let the running check finish
            pass
        try:
            lease.release()
        except Exception:
            pass
        log(f"scheduler stopped after {runner.checks} check(s)")
    return runner.checks
