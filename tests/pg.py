"""A throwaway PostgreSQL cluster for the tests: initdb, pg_ctl on a loopback port, removed after.

As root (CI runs as root) the cluster runs as the ``postgres`` system user, since
PostgreSQL refuses to run as root. ``PLP_TEST_PG_URL`` points the tests at an
existing server instead (a URL to a database they may create databases from).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import free_port


def bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Cluster:
    def __init__(self) -> None:
        self.bin = bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                               "install them with: apt-get install postgresql")
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="plp-pg-"))
        self.data = self.root / "data"
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def start(self) -> "Cluster":
        if self.run_as:
            shutil.chown(self.root, self.run_as)
            os.chmod(self.root, 0o700)
        subprocess.run(self._cmd(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "plp",
                                 "-E", "UTF8", "--locale", "C.UTF-8"),
                       check=True, capture_output=True)
        # Parallel test runs (pytest-xdist workers, both backends at once) each start a
        # cluster: a port taken between free_port() and the start gets another try.
        for attempt in range(3):
            try:
                return self._start_server()
            except RuntimeError:
                if attempt == 2:
                    raise
                self.port = free_port()
        return self

    def _start_server(self) -> "Cluster":
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        result = subprocess.run(self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                                          "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"),
                                capture_output=True, text=True)
        if result.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip()} {log[-2000:]}")
        return self

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://plp@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"),
                       capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
