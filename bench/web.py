"""The web measures of ``make bench``: wrk against a real ``plp serve``.

Each figure is given beside a minimal FastAPI hello-world (bench/hello.py) served
the same way (uvicorn, the same worker count, loopback) and measured with the same
wrk settings in the same run, because these machines are noisy.

- the project page (/projects/{code}): throughput and p99 at 16 connections;
- My work (/): p99 at 16 connections;
- the portfolio (/projects) of a 1,000-project database: p99 at 1 connection (one
  person waiting for the page; the 2-core machines cannot serve 16 of these at once);
- 16 readers (wrk) and 4 writers (httpx threads ticking and unticking checklist
  items with the version from the page they just read) at once: no 5xx, and every
  write either applied (303) or refused as changed meanwhile (409). The applied ones
  are counted again in the history (one event each).

Pages need a signed-in person: the leader of the most active projects among those
with an email address gets a password (``plp person password``) and signs in once.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "bench-password-not-secret"
WORKERS = 2
WRK_THREADS = 2

# wrk prints one JSON line at the end: requests, latency percentiles (µs) and errors.
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nBENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

ROTATE_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on a loopback port, in its own process group, stopped by its id."""

    def __init__(self, cmd: list[str], port: int, ready_path: str, env: dict | None = None, cwd: Path | None = None):
        self.port, self.ready_path = port, ready_path
        self.log = open(os.devnull, "wb")
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.PIPE,
                                     start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, seconds: float = 120) -> "Server":
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.base + self.ready_path, timeout=2).status_code < 500:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server on port {self.port} not ready after {seconds} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def plp_server(plp: str, target: str, env: dict | None = None) -> Server:
    port = free_port()
    return Server([plp, "--db", target, "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(WORKERS)], port, "/healthz", env=env).wait_ready()


def hello_server(py: str) -> Server:
    port = free_port()
    # The same uvicorn settings as plp/cli/web.py's serve.
    return Server([py, "-m", "uvicorn", "bench.hello:app", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(WORKERS), "--log-level", "warning", "--no-proxy-headers", "--no-server-header"],
                  port, "/", cwd=HERE.parent).wait_ready()


def wrk(work: Path, url: str, *, connections: int, seconds: float, cookie: str | None = None,
        paths: list[str] | None = None) -> dict:
    """One wrk run; its figures (requests/s, p50/p99 in ms, errors)."""
    script = work / f"wrk-{os.getpid()}-{time.monotonic_ns()}.lua"
    lua = DONE_LUA
    if paths:
        lua = ROTATE_LUA % ", ".join(json.dumps(p) for p in paths) + lua
    script.write_text(lua)
    cmd = ["wrk", "-t", str(min(WRK_THREADS, connections)), "-c", str(connections), "-d", f"{seconds:g}s",
           "--timeout", "10s", "-s", str(script)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60)
    script.unlink()
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")]
    if out.returncode != 0 or not line:
        raise RuntimeError(f"wrk failed: {out.stdout[-1000:]} {out.stderr[-1000:]}")
    r = json.loads(line[-1][6:])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["p50_ms"], r["p99_ms"] = r["p50_us"] / 1000, r["p99_us"] / 1000
    r["errors"] = r["non_2xx_3xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


def measure(work: Path, url: str, *, connections: int, seconds: float, cookie: str | None = None,
            paths: list[str] | None = None) -> dict:
    """A short warm-up (statements compiled, templates loaded, pools filled), then the run."""
    wrk(work, url, connections=connections, seconds=min(2, seconds), cookie=cookie, paths=paths)
    return wrk(work, url, connections=connections, seconds=seconds, cookie=cookie, paths=paths)


def bench_person(target: str) -> tuple[str, list[str]]:
    """The email of the leader of the most active projects, and the codes of those projects."""
    from sqlalchemy import create_engine, text

    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            email = conn.execute(text(
                "SELECT pe.email FROM person pe JOIN role_assignment r ON r.person_id = pe.id "
                "JOIN project p ON p.id = r.project_id WHERE r.role = 'leader' AND p.status = 'active' "
                "AND pe.email IS NOT NULL GROUP BY pe.id, pe.email ORDER BY count(*) DESC, pe.id LIMIT 1")).scalar_one()
            codes = list(conn.execute(text(
                "SELECT p.code FROM project p JOIN role_assignment r ON r.project_id = p.id "
                "JOIN person pe ON pe.id = r.person_id WHERE pe.email = :e AND r.role = 'leader' "
                "AND p.status = 'active' ORDER BY p.code"), {"e": email}).scalars())
    finally:
        engine.dispose()
    return email, codes


def set_password(plp: str, target: str, email: str) -> None:
    subprocess.run([plp, "--db", target, "person", "password", email], input=PASSWORD + "\n", text=True,
                   check=True, capture_output=True)


def sign_in(base: str, email: str) -> str:
    """The session cookie's value after one password sign-in."""
    import httpx

    from plp.web.auth import CSRF_COOKIE, SESSION_COOKIE

    # Cookies by hand (headers), so that no cookie jar's rules for IP-address hosts come into it.
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        form = client.get("/login")
        csrf = _set_cookie(form, CSRF_COOKIE)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/"},
                        headers={"Cookie": f"{CSRF_COOKIE}={csrf}"})
        session = _set_cookie(r, SESSION_COOKIE)
        if r.status_code != 303 or not session:
            raise RuntimeError(f"sign-in failed: {r.status_code}")
        return f"{SESSION_COOKIE}={session}"


def _set_cookie(response, name: str) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


_FORM = re.compile(r'action="(/projects/[^/"]+/checklist/[^"?]+)[^"]*">\s*'
                   r'<input type="hidden" name="csrf_token" value="([^"]+)">'
                   r'<input type="hidden" name="version" value="(\d+)">\s*'
                   r'<input type="hidden" name="done" value="(true|false)">')


def writers(base: str, cookie: str, codes: list[str], *, count: int, seconds: float) -> Counter:
    """``count`` threads, each reading a project page and toggling its first checklist item with the
    version it read, until ``seconds`` have passed; the statuses of the writes ("read NNN" for pages)."""
    import httpx

    statuses: Counter = Counter()
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def loop(n: int) -> None:
        mine: Counter = Counter()
        with httpx.Client(base_url=base, headers={"Cookie": cookie}, follow_redirects=False, timeout=30) as client:
            while time.monotonic() < end:
                code = codes[n % len(codes)]
                try:
                    page = client.get(f"/projects/{code}")
                    if page.status_code != 200:
                        mine[f"read {page.status_code}"] += 1
                        continue
                    form = _FORM.search(page.text)
                    if form is None:
                        mine["no checklist form on the page"] += 1
                        continue
                    action, csrf, version, done = form.groups()
                    r = client.post(action, data={"csrf_token": csrf, "version": version, "done": done})
                    mine[str(r.status_code)] += 1
                except httpx.HTTPError as e:
                    mine[type(e).__name__] += 1
        with lock:
            statuses.update(mine)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return statuses


def _checklist_events(target: str, codes: list[str], after: int | None = None) -> int:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            if after is None:
                return conn.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
            q = text("SELECT count(*) FROM event e JOIN project p ON p.id = e.project_id WHERE e.id > :after "
                     "AND e.kind IN ('checklist_ticked', 'checklist_unticked') AND p.code IN :codes"
                     ).bindparams(bindparam("codes", expanding=True))
            return conn.execute(q, {"after": after, "codes": codes}).scalar_one()
    finally:
        engine.dispose()


def web_rows(row_cls, *, py: str, plp: str, work: Path, big: str, small: str, label: str, projects: int,
             seconds: float, mixed_seconds: float) -> list:
    """The web rows for one backend: ``big`` has ``projects`` projects, ``small`` 1,000."""
    Row = row_cls
    prefix = f"{label}: " if label else ""
    rows = []
    email, codes = bench_person(big)
    set_password(plp, big, email)
    small_email, _ = bench_person(small)
    set_password(plp, small, small_email)
    with hello_server(py) as hello:
        floor16 = measure(work, hello.base + "/", connections=16, seconds=seconds)
        floor1 = measure(work, hello.base + "/", connections=1, seconds=seconds)
    floor_label = f"hello-world FastAPI, same uvicorn settings, {WORKERS} workers"
    with plp_server(plp, big) as server:
        cookie = sign_in(server.base, email)
        r = measure(work, f"{server.base}/projects/{codes[0]}", connections=16, seconds=seconds, cookie=cookie)
        note = f", {r['errors']} errors" if r["errors"] else ""
        rows.append(Row(f"{prefix}web: project page, {projects:,} projects, 16 connections: throughput{note}",
                        r["rps"], "req/s", floor16["rps"], floor_label, "≥ 15 % of floor", None,
                        r["rps"] >= 0.15 * floor16["rps"] and not r["errors"]))
        rows.append(Row(f"{prefix}web: project page, 16 connections: p99 (p50 {r['p50_ms']:.0f} ms)",
                        r["p99_ms"], "ms", floor16["p99_ms"], floor_label, "≤ 100 ms", None,
                        r["p99_ms"] <= 100 and not r["errors"]))
        r = measure(work, f"{server.base}/", connections=16, seconds=seconds, cookie=cookie)
        rows.append(Row(f"{prefix}web: My work (/), leader of {len(codes)} projects, 16 connections: p99 "
                        f"(p50 {r['p50_ms']:.0f} ms, {r['rps']:.0f} req/s)", r["p99_ms"], "ms", floor16["p99_ms"],
                        floor_label, "≤ 100 ms", None, r["p99_ms"] <= 100 and not r["errors"]))
        rows.append(mixed(Row, prefix, work, server, big, cookie, codes, mixed_seconds))
    with plp_server(plp, small) as server:
        cookie = sign_in(server.base, small_email)
        r = measure(work, f"{server.base}/projects", connections=1, seconds=seconds, cookie=cookie)
        rows.append(Row(f"{prefix}web: portfolio (/projects), 1,000 projects, 1 connection: p99 "
                        f"(p50 {r['p50_ms']:.0f} ms)", r["p99_ms"], "ms", floor1["p99_ms"],
                        f"{floor_label}, 1 connection", "≤ 400 ms", None,
                        r["p99_ms"] <= 400 and not r["errors"]))
    return rows


def mixed(Row, prefix: str, work: Path, server: Server, target: str, cookie: str, codes: list[str],
          seconds: float):
    """16 wrk readers (the written projects' pages, My work, other pages) and 4 writers at once."""
    written = codes[:2]  # 4 writers on 2 projects: they meet, so some writes must be refused
    paths = [f"/projects/{c}" for c in written] + ["/"] + [f"/projects/{c}" for c in codes[2:8]]
    before = _checklist_events(target, written)
    result: dict = {}
    reader = threading.Thread(target=lambda: result.update(
        wrk(work, server.base + "/", connections=16, seconds=seconds, cookie=cookie, paths=paths)))
    reader.start()
    statuses = writers(server.base, cookie, written, count=4, seconds=seconds)
    reader.join(seconds + 120)
    applied = _checklist_events(target, written, before)
    r = result
    posts = sum(v for k, v in statuses.items() if k[:1].isdigit())
    other = {k: v for k, v in statuses.items() if k not in ("303", "409")}
    server_errors = sum(v for k, v in statuses.items() if k.split()[-1].startswith("5")) + r["non_2xx_3xx"]
    ok = (not other and r["errors"] == 0 and applied == statuses["303"])
    detail = (f"reads {r['requests']:,} ({r['rps']:.0f} req/s, p99 {r['p99_ms']:.0f} ms, {r['errors']} errors); "
              f"writes {posts:,}: {statuses['303']} applied (303; {applied} events), "
              f"{statuses['409']} changed meanwhile (409), other {dict(other) or 0}")
    return Row(f"{prefix}web: 16 readers + 4 writers for {seconds:g} s: server errors — {detail}",
               server_errors, "count", None, "", "0 server errors; each write applied or 409", None, ok)
