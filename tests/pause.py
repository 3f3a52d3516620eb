"""A plp process held inside its write transaction by the test-only pause point.

``PLP_TEST_PAUSE_IN_WRITE=<file>`` (plp/db.py) makes the first commit of a process
write its rows, create ``<file>`` and wait until the file is removed. So a test
knows the moment a writer is inside its open transaction, and can kill it there
or do something else (a backup) while the write is open.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.conftest import PLP_BIN, query


def wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll until ``condition()`` holds; the test fails (never times) if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"{what} not reached within {timeout} s")


class PausedWriter:
    """``plp ARGS`` started with the pause point on; see the module docstring."""

    def __init__(self, marker: Path, *args: str):
        self.marker = marker
        self.args = args
        env = dict(os.environ, PLP_TEST_PAUSE_IN_WRITE=str(marker))
        self.proc = subprocess.Popen([PLP_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env)

    def __enter__(self) -> "PausedWriter":
        return self

    def __exit__(self, *exc) -> None:
        if self.running():  # a failed test must not leave a writer holding the lock
            self.proc.kill()
            self.proc.communicate(timeout=60)

    def wait_until_inside(self) -> None:
        """Return once the process is inside its write transaction; fail if it ended first."""
        wait_for(lambda: self.marker.exists() or self.proc.poll() is not None, what=f"pause of {self.args}")
        if not self.marker.exists():
            out, err = self.proc.communicate()
            raise AssertionError(f"{self.args} ended (exit {self.proc.returncode}) without reaching its commit: {err}")

    def kill(self) -> None:
        """SIGKILL the process where it stands."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=60)
        assert self.proc.returncode == -signal.SIGKILL, self.proc.returncode

    def release(self) -> tuple[int, str]:
        """Let the process commit and finish; returns its exit code and stderr."""
        self.marker.unlink()
        _, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, err

    def running(self) -> bool:
        return self.proc.poll() is None


def a_write_transaction_is_open(target) -> bool:
    """True while some connection holds an uncommitted write on the test database."""
    if isinstance(target, Path):
        con = sqlite3.connect(target, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")  # SQLite has one writer: this fails while another writes
            con.rollback()
            return False
        except sqlite3.OperationalError as e:
            assert "locked" in str(e), e
            return True
        finally:
            con.close()
    [(open_,)] = query(target, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND state = 'idle in transaction' AND backend_xid IS NOT NULL")
    return open_ > 0
