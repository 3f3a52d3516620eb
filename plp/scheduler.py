"""``plp scheduler run``: the reminder check on a schedule, one sender at a time.

APScheduler 3.x runs the check (default weekdays 07:30 Europe/Oslo, or every N
seconds), coalescing missed runs into one catch-up with a misfire grace, so a
machine that slept runs one check, not a burst.

Only the holder of the lease row sends. The lease is taken and renewed in short
transactions (``UPDATE ... WHERE holder = me OR expires_at < now``), so it works on
SQLite and PostgreSQL alike, and a scheduler killed with SIGKILL loses it when it
expires. A scheduler without the lease waits and tries again at the next run.

SIGTERM (or Ctrl-C) stops it cleanly after the check that is running.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sys
import threading
import uuid
from typing import Callable

from sqlalchemy import or_, update

from plp.db import Database, utcnow
from plp.models import SchedulerLease
from plp.sqlfuncs import insert_ignore

DEFAULT_CRON = "30 7 * * mon-fri"
LEASE_NAME = "reminders"


class Lease:
    def __init__(self, db: Database, ttl: float, holder: str | None = None, name: str = LEASE_NAME):
        self.db = db
        self.ttl = dt.timedelta(seconds=ttl)
        self.name = name
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._lock = threading.Lock()  # the check and the renewal job share one lease

    def acquire(self) -> bool:
        """Take or renew the lease; True while we hold it."""
        with self._lock:
            return self._acquire()

    def _acquire(self) -> bool:
        now = utcnow()
        with self.db.unit() as uow:
            uow.end_read()
            taken = uow.session.execute(
                update(SchedulerLease)
                .where(SchedulerLease.name == self.name,
                       or_(SchedulerLease.holder == self.holder, SchedulerLease.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.ttl)
                .execution_options(synchronize_session=False)).rowcount == 1
            if not taken:
                taken = uow.session.execute(
                    insert_ignore(uow.session, SchedulerLease)
                    .values(name=self.name, holder=self.holder, expires_at=now + self.ttl)
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(SchedulerLease.name)).scalar() is not None
            uow.commit()
            return taken

    def current(self) -> SchedulerLease | None:
        with self.db.unit() as uow:
            return uow.session.get(SchedulerLease, self.name)

    def release(self) -> None:
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


def run(db: Database, *, every: float | None = None, cron: str | None = None, lease_seconds: float = 120,
        misfire_grace: int = 3600, max_checks: int | None = None,
        check: Callable[[], tuple[int, int, int]] | None = None) -> int:
    """Run until SIGTERM/SIGINT (or ``max_checks``); returns the number of checks made."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from plp.dates import local_tz
    from plp.errors import InvalidInput, PlpError

    tz = local_tz()
    try:
        trigger = (IntervalTrigger(seconds=every, timezone=tz) if every
                   else CronTrigger.from_crontab(cron or os.environ.get("PLP_SCHEDULE") or DEFAULT_CRON, timezone=tz))
    except ValueError as e:
        raise InvalidInput(f"invalid schedule: {e}") from None
    db.engine  # open and migrate before the first run, so errors show at once
    lease = Lease(db, lease_seconds)
    sched = BlockingScheduler(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": misfire_grace})
    busy = threading.Lock()
    stopping = threading.Event()
    state = {"checks": 0, "waiting": False}

    def do_check() -> tuple[int, int, int]:
        from plp.dates import now
        from plp.services.reminders import check as run_check

        result = run_check(db, now=now())
        return result.found, result.sent, result.failed

    def job() -> None:
        if stopping.is_set():
            return
        with busy:
            try:
                if not lease.acquire():
                    holder = lease.current()
                    if not state["waiting"]:
                        log(f"waiting: another scheduler ({holder.holder if holder else '?'}) holds the lease")
                    state["waiting"] = True
                    return
                if state["waiting"]:
                    log("lease taken: this scheduler now sends")
                state["waiting"] = False
                found, sent, failed = (check or do_check)()
                log(f"check: found {found}, sent {sent}, failed {failed}")
            except PlpError as e:
                log(f"check failed: {e}")
            except Exception as e:  # keep the scheduler alive; the outbox keeps what was not sent
                log(f"check failed: {type(e).__name__}: {e}")
            finally:
                state["checks"] += 1
                if max_checks is not None and state["checks"] >= max_checks:
                    stop()

    def renew() -> None:
        if not stopping.is_set() and not state["waiting"] and not busy.locked():
            try:
                lease.acquire()
            except Exception as e:  # pragma: no cover - a database hiccup; the next check retries
                log(f"lease renewal failed: {e}")

    def stop(*_: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=lambda: sched.shutdown(wait=False), daemon=True).start()

    sched.add_job(job, trigger, id="check", next_run_time=dt.datetime.now(tz) if every else None)
    sched.add_job(renew, IntervalTrigger(seconds=max(lease_seconds / 3, 1), timezone=tz), id="renew")
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    what = f"every {every:g} s" if every else f"on '{cron or os.environ.get('PLP_SCHEDULE') or DEFAULT_CRON}'"
    log(f"scheduler started ({what}, {tz.key}); lease holder {lease.holder}")
    try:
        sched.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        with busy:  # let the running check finish
            pass
        try:
            lease.release()
        except Exception:
            pass
        log(f"scheduler stopped after {state['checks']} check(s)")
    return state["checks"]
