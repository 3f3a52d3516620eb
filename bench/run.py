"""``make bench``: measure plp against floors and print one table (saved to bench/results.md).

Every time is the median of several runs; a ratio is given where a floor exists
(the bare import time, a raw SQL query, a raw insert-and-commit loop), because
these machines are noisy. Peak memory is the maximum resident set size.

The web part (bench/web.py) serves plp with ``plp serve`` and measures pages with
wrk, beside a hello-world FastAPI app served the same way.

    python -m bench.run [--quick] [--no-postgres] [--only cli|web|startup|check|decisions[,...]]
                        [--web-seconds S] [--mixed-seconds S]

``--only startup,check,decisions`` runs groups of the command-line measures (the
other rows of bench/results.md are kept), for working on one target at a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
PLP = str(Path(PY).parent / "plp")
TODAY = dt.date.today()

# Runs one command and prints "seconds maxrss_kib": the launcher's own start-up is not timed.
_LAUNCH = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
           "e = time.perf_counter() - t; "
           "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


@dataclass
class Row:
    measure: str
    value: float  # seconds, a rate, milliseconds (web latency), requests per second, or a count
    unit: str  # "s", "/s", "%", "ms", "req/s", "count"
    floor: float | None
    floor_label: str
    target: str
    peak_mib: float | None
    ok: bool | None = None

    @property
    def ratio(self) -> str:
        if self.floor is None:
            return "–"
        if self.unit == "req/s":
            return f"{self.value / self.floor * 100:.1f} % of floor"
        if self.unit == "ms":
            return f"{self.value / self.floor:.1f}×"
        return f"{self.value / self.floor:.2f}×" if self.unit == "s" else f"{self.floor / self.value:.2f}×"


def timed(cmd: list[str], runs: int, env: dict | None = None) -> tuple[float, float]:
    """Median wall seconds and peak MiB of ``cmd`` over ``runs`` cold runs."""
    times, peaks = [], []
    for _ in range(runs):
        out = subprocess.run([PY, "-c", _LAUNCH, *cmd], capture_output=True, text=True, env=env, check=True)
        seconds, kib, rc = out.stdout.split()
        if rc != "0":
            raise RuntimeError(f"{' '.join(cmd)} exited {rc}")
        times.append(float(seconds))
        peaks.append(int(kib) / 1024)
    return statistics.median(times), max(peaks)


def in_process(code: str, runs: int, env: dict | None = None) -> tuple[float, float]:
    """Median of the seconds a Python snippet prints, and its peak MiB."""
    times, peaks = [], []
    for _ in range(runs):
        # VmHWM, not ru_maxrss: the latter keeps the size of the (big) parent it was forked from.
        wrapped = (f"import time\n{code}\n"
                   "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
                   "print(elapsed, hwm)")
        out = subprocess.run([PY, "-c", wrapped], capture_output=True, text=True, env=env, cwd=HERE.parent)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        seconds, kib = out.stdout.split()[-2:]
        times.append(float(seconds))
        peaks.append(int(kib) / 1024)
    return statistics.median(times), max(peaks)


RAW_CHECK_SQLITE = """
SELECT m.id, m.project_id, m.title, m.due, p.code, p.name, pe.name, pe.email,
       CAST(julianday(m.due) - julianday(:today) AS INTEGER) AS days
FROM milestone m JOIN project p ON p.id = m.project_id JOIN person pe ON pe.id = m.responsible_id
WHERE p.status = 'active' AND m.done_on IS NULL AND julianday(m.due) - julianday(:today) <= 14
  AND NOT EXISTS (SELECT 1 FROM reminder r WHERE r.key = 'milestone:' || m.id || ':x')
"""
RAW_CHECK_PG = RAW_CHECK_SQLITE.replace("CAST(julianday(m.due) - julianday(:today) AS INTEGER)",
                                        "(m.due - CAST(%(today)s AS DATE))").replace(
    "julianday(m.due) - julianday(:today)", "(m.due - CAST(%(today)s AS DATE))")

DECISIONS = """
import datetime as dt
from sqlalchemy import text
from plp.actor import system
from plp.db import Database
from plp.services.decisions import decide
from plp.settings import Settings, using
db = Database({target!r})
with db.engine.connect() as conn:
    sponsors = conn.execute(text("SELECT p.code, pe.name FROM project p JOIN role_assignment r ON r.project_id = p.id "
                                 "JOIN person pe ON pe.id = r.person_id WHERE r.role = 'sponsor' "
                                 "AND p.status = 'active' ORDER BY p.code")).all()
day = dt.date.today()
start = time.perf_counter()
for n in range({count}):
    code, sponsor = sponsors[n % len(sponsors)]
    with using(Settings.from_env()):  # read once per decision, as the web does per request
        decide(db, code=code, outcome="rework", by=sponsor, date=day, today=day, actor=system("bench"))
elapsed = time.perf_counter() - start
"""

FIND_DUE = """
from plp.db import Database
from plp.dates import now
from plp.services.reminders import find_due
db = Database({target!r})
with db.unit() as uow:
    find_due(uow, now=now())  # warm: statements compiled, workflow parsed
start = time.perf_counter()
with db.unit() as uow:
    due = find_due(uow, now=now())
elapsed = time.perf_counter() - start
"""

RAW_DECISIONS_SQLITE = """
import sqlite3
con = sqlite3.connect({path!r}, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, project INT, outcome TEXT, at TEXT)")
start = time.perf_counter()
for n in range({count}):
    con.execute("BEGIN"); con.execute("INSERT INTO raw (project, outcome, at) VALUES (?, 'rework', datetime('now'))", (n,))
    con.execute("COMMIT")
elapsed = time.perf_counter() - start
"""

RAW_DECISIONS_PG = """
import psycopg
con = psycopg.connect({url!r}, autocommit=True)
con.execute("CREATE TABLE IF NOT EXISTS raw (id SERIAL PRIMARY KEY, project INT, outcome TEXT, at TIMESTAMPTZ)")
start = time.perf_counter()
for n in range({count}):
    with con.transaction():
        con.execute("INSERT INTO raw (project, outcome, at) VALUES (%s, 'rework', now())", (n,))
elapsed = time.perf_counter() - start
"""

SCHEDULER_MEMORY = """
import sys
from plp.db import Database
from plp import scheduler
from plp.services.reminders import check
from plp.dates import now
db = Database({target!r})
rss = []
def one_check():
    r = check(db, now=now())
    rss.append(int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]))
    return r.found, r.sent, r.failed
import io, contextlib
start = time.perf_counter()
with contextlib.redirect_stderr(io.StringIO()):
    scheduler.run(db, every=0.001, lease_seconds=30, max_checks={checks}, check=one_check)
elapsed = (rss[-1] - rss[99]) / rss[99] * 100  # resident memory growth in %, from check 100 to the last
"""


@dataclass
class Web:
    """What the web part runs (bench/web.py): wrk seconds per page measure and for the mixed run."""

    seconds: float
    mixed_seconds: float


def web_part(work: Path, big: str, small: str, label: str, projects: int, web: Web) -> list[Row]:
    from bench.web import web_rows

    return web_rows(Row, py=PY, plp=PLP, work=work, big=big, small=small, label=label, projects=projects,
                    seconds=web.seconds, mixed_seconds=web.mixed_seconds)


def sqlite_rows(work: Path, runs: int, quick: bool, parts: set[str], web: Web) -> list[Row]:
    projects = 2000 if quick else 10000
    from bench.generate import generate

    generate(str(work / "big.db"), projects=projects, milestones=20)
    if parts & {"other", "web"}:
        generate(str(work / "p1000.db"), projects=1000, milestones=20)
    rows = cli_sqlite_rows(work, runs, quick, projects, parts) if parts & set(CLI_GROUPS) else []
    if "web" in parts:
        rows += web_part(work, str(work / "big.db"), str(work / "p1000.db"), "", projects, web)
    return rows


def cli_sqlite_rows(work: Path, runs: int, quick: bool, projects: int, parts: set[str]) -> list[Row]:
    rows: list[Row] = []
    env = dict(os.environ, PLP_DB=str(work / "big.db"))
    if "startup" in parts:
        rows += _startup_rows(runs, env)
    if "check" in parts:
        rows += _check_rows(work, runs, projects, env)
    if "decisions" in parts:
        rows += _decision_rows(work, quick)
    if "other" in parts:
        rows += _other_rows(work, runs, quick)
    return rows


def _startup_rows(runs: int, env: dict) -> list[Row]:
    rows = []
    floor, floor_mem = timed([PY, "-c", "import sqlmodel, typer, transitions"], runs)
    t, mem = timed([PLP, "project", "show", "p00042"], runs, env)
    rows.append(Row("cold start: `plp project show CODE`", t, "s", floor, "import sqlmodel, typer, transitions",
                    "≤ 1.2× floor", mem, t <= 1.2 * floor))
    floor, _ = timed([PY, "-c", "import typer"], runs)
    t, mem = timed([PLP, "--help"], runs, env)
    rows.append(Row("`plp --help`", t, "s", floor, "import typer", "≤ 0.25 s", mem, t <= 0.25))
    return rows


def _check_rows(work: Path, runs: int, projects: int, env: dict) -> list[Row]:
    rows = []
    raw = in_process(f"import sqlite3\ncon = sqlite3.connect({str(work / 'big.db')!r})\nstart = time.perf_counter()\n"
                     f"rows = con.execute({RAW_CHECK_SQLITE!r}, {{'today': {TODAY.isoformat()!r}}}).fetchall()\n"
                     "elapsed = time.perf_counter() - start", runs)[0]
    t, mem = timed([PLP, "check", "--dry-run", "--json"], runs, env)
    rows.append(Row(f"`plp check --dry-run` ({projects:,} projects, {projects * 20:,} milestones), whole command",
                    t, "s", raw, "the same selection as one raw SQL query (sqlite3)", "≤ 0.5 s", mem, t <= 0.5))

    inner, _ = in_process(FIND_DUE.format(target=str(work / "big.db")), runs)
    rows.append(Row("due-finding inside `plp check` (SQL and rows → reminders, in-process)", inner, "s", raw,
                    "the same selection as one raw SQL query (sqlite3)", "≤ 2× raw", None, inner <= 2 * raw))
    return rows


def _decision_rows(work: Path, quick: bool) -> list[Row]:
    count = 2000 if quick else 10000
    shutil.copy(work / "big.db", work / "decide.db")
    t, mem = in_process(DECISIONS.format(target=str(work / "decide.db"), count=count), 1)
    raw, _ = in_process(RAW_DECISIONS_SQLITE.format(path=str(work / "raw.db"), count=count), 1)
    return [Row(f"{count:,} decisions, each committed with its event", count / t, "/s", count / raw,
                "raw sqlite3 insert-and-commit loop (WAL, synchronous=FULL)", "≥ 500 /s", mem, count / t >= 500)]


def _other_rows(work: Path, runs: int, quick: bool) -> list[Row]:
    rows = []
    if _has_portfolio():
        t, mem = timed([PLP, "--db", str(work / "p1000.db"), "report", "portfolio", "--format", "json"], runs)
        rows.append(Row("`plp report portfolio` (1,000 projects)", t, "s", None, "", "≤ 2 s", mem, t <= 2))

    growth, mem = in_process(SCHEDULER_MEMORY.format(target=str(work / "p1000.db"), checks=200 if quick else 1000), 1)
    rows.append(Row(f"scheduler running {200 if quick else 1000} checks: memory growth (%)", growth, "%", None, "",
                    "< 5 %", mem, growth < 5))
    return rows


def _has_portfolio() -> bool:
    out = subprocess.run([PLP, "report", "portfolio", "--help"], capture_output=True)
    return out.returncode == 0


def postgres_rows(work: Path, runs: int, quick: bool, parts: set[str], web: Web) -> list[Row]:
    sys.path.insert(0, str(HERE.parent))
    from sqlalchemy import create_engine, text

    from bench.generate import generate
    from tests.pg import Cluster

    cluster = Cluster().start()
    try:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in ("bench_big", "bench_p1000"):
                conn.execute(text(f"CREATE DATABASE {name}"))
        base = cluster.url.rsplit("/", 1)[0]
        big, small = f"{base}/bench_big", f"{base}/bench_p1000"
        projects = 2000 if quick else 10000
        generate(big, projects=projects, milestones=20)
        generate(small, projects=1000, milestones=20)
        rows = cli_postgres_rows(work, runs, quick, projects, big, small, parts) if parts & set(CLI_GROUPS) else []
        if "web" in parts:
            rows += web_part(work, big, small, "PostgreSQL", projects, web)
        admin.dispose()
        return rows
    finally:
        cluster.stop()


def cli_postgres_rows(work: Path, runs: int, quick: bool, projects: int, big: str, small: str,
                      parts: set[str]) -> list[Row]:
    env = dict(os.environ, PLP_DB=big)
    rows = []
    if "startup" in parts:
        rows += _pg_startup_rows(runs, env)
    if "check" in parts:
        rows += _pg_check_rows(runs, projects, big, env)
    if "decisions" in parts:
        rows += _pg_decision_rows(quick, big, small)
    if "other" in parts and _has_portfolio():
        t, mem = timed([PLP, "--db", small, "report", "portfolio", "--format", "json"], runs)
        rows.append(Row("PostgreSQL: `plp report portfolio` (1,000 projects)", t, "s", None, "", "≤ 2 s", mem,
                        t <= 2))
    return rows


def _pg_startup_rows(runs: int, env: dict) -> list[Row]:
    floor, _ = timed([PY, "-c", "import sqlmodel, typer, transitions, psycopg"], runs)
    t, mem = timed([PLP, "project", "show", "p00042"], runs, env)
    return [Row("PostgreSQL: cold start `plp project show CODE`", t, "s", floor,
                "import sqlmodel, typer, transitions, psycopg", "≤ 1.2× floor", mem, t <= 1.2 * floor)]


def _pg_check_rows(runs: int, projects: int, big: str, env: dict) -> list[Row]:
    rows = []
    psy_url = big.replace("postgresql+psycopg://", "postgresql://")
    raw = in_process(f"import psycopg\ncon = psycopg.connect({psy_url!r})\nstart = time.perf_counter()\n"
                     f"rows = con.execute({RAW_CHECK_PG!r}, {{'today': {TODAY.isoformat()!r}}}).fetchall()\n"
                     "elapsed = time.perf_counter() - start", runs)[0]
    t, mem = timed([PLP, "check", "--dry-run", "--json"], runs, env)
    rows.append(Row(f"PostgreSQL: `plp check --dry-run` ({projects * 20:,} milestones)", t, "s", raw,
                    "the same selection as one raw SQL query (psycopg)", "≤ 0.5 s", mem, t <= 0.5))
    inner, _ = in_process(FIND_DUE.format(target=big), runs)
    rows.append(Row("PostgreSQL: due-finding inside `plp check` (in-process)", inner, "s", raw,
                    "the same selection as one raw SQL query (psycopg)", "≤ 2× raw", None, inner <= 2 * raw))
    return rows


def _pg_decision_rows(quick: bool, big: str, small: str) -> list[Row]:
    count = 2000 if quick else 10000
    t, mem = in_process(DECISIONS.format(target=big, count=count), 1)
    raw, _ = in_process(RAW_DECISIONS_PG.format(url=small.replace("postgresql+psycopg://", "postgresql://"),
                                                count=count), 1)
    return [Row(f"PostgreSQL: {count:,} decisions, each committed with its event", count / t, "/s",
                count / raw, "raw psycopg insert-and-commit loop", "≥ 400 /s", mem, count / t >= 400)]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}")


def _quantity(value: float, unit: str) -> str:
    return {"s": f"{value:.3f} s", "%": f"{value:.1f} %", "ms": f"{value:.1f} ms", "req/s": f"{value:,.0f} req/s",
            "count": f"{value:,.0f}"}.get(unit, f"{value:,.0f} /s")


def fmt(row: Row) -> str:
    value = _quantity(row.value, row.unit)
    floor = "–" if row.floor is None else _quantity(row.floor, row.unit)
    verdict = "–" if row.ok is None else ("met" if row.ok else "**missed**")
    mem = "–" if row.peak_mib is None else f"{row.peak_mib:.0f}"
    return (f"| {row.measure} | {value} | {floor} {('(' + row.floor_label + ')') if row.floor_label else ''} "
            f"| {row.ratio} | {row.target} | {verdict} | {mem} |")


HEADER = ["| measure | plp | floor | ratio | target | verdict | peak MiB |", "|---|---|---|---|---|---|---|"]


def _earlier() -> tuple[list[str], str]:
    """The table rows of the last results.md and its "Measured ..." line."""
    path = HERE / "results.md"
    if not path.exists():
        return [], ""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [ln for ln in lines if ln.startswith("| ") and ln not in HEADER[:1]]
    measured = next((ln for ln in lines if ln.startswith("Measured ")), "")
    return rows, _without_earlier(measured)  # not nested run after run


def _without_earlier(line: str) -> str:
    """``line`` without its "(rows from an earlier run ...)", which may hold parentheses ("Intel(R)")."""
    start = line.find(" (rows from an earlier run")
    if start < 0:
        return line
    depth = 0
    for end in range(start + 1, len(line)):
        depth += {"(": 1, ")": -1}.get(line[end], 0)
        if depth == 0:
            return line[:start] + line[end + 1:]
    return line[:start]


CLI_GROUPS = ("startup", "check", "decisions", "other")


def _group(measure: str) -> str:
    """Which ``--only`` group a row of the table belongs to."""
    if "web: " in measure:
        return "web"
    if "cold start" in measure or "--help" in measure:
        return "startup"
    if "check" in measure and "scheduler" not in measure:
        return "check"
    return "decisions" if "decisions" in measure else "other"


def _place(row: str) -> tuple[bool, bool, int]:
    """Where a row goes in the table: command line before web, SQLite before PostgreSQL, by group."""
    measure = row.split("|")[1]
    group = _group(measure)
    return group == "web", measure.strip().startswith("PostgreSQL"), (CLI_GROUPS + ("web",)).index(group)


def _measures_again(row: str, parts: set[str], backends: set[str]) -> bool:
    measure = row.split("|")[1]
    part = _group(measure)
    backend = "postgresql" if measure.strip().startswith("PostgreSQL") else "sqlite"
    return part in parts and backend in backends


def _only(value: str) -> list[str]:
    parts = value.split(",")
    for part in parts:
        if part not in ("cli", "web", "startup", "check", "decisions"):
            raise argparse.ArgumentTypeError(f"unknown part {part!r} (cli, web, startup, check, decisions)")
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description="plp benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer runs (a smoke test)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--only", type=_only, default=None, metavar="PART[,PART]",
                        help="only the command-line measures (cli), or only the web ones (web: wrk against plp "
                             "serve), or groups of the command-line measures (startup, check, decisions), "
                             "comma-separated; the other rows in bench/results.md are kept")
    parser.add_argument("--web-seconds", type=float, default=None, help="seconds of each wrk page measure (10)")
    parser.add_argument("--mixed-seconds", type=float, default=None,
                        help="seconds of the 16 readers + 4 writers run (30)")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    parts = set(args.only) if args.only else {"cli", "web"}
    if "cli" in parts:
        parts = (parts - {"cli"}) | set(CLI_GROUPS)
    web = Web(args.web_seconds or (3 if args.quick else 10), args.mixed_seconds or (10 if args.quick else 30))
    if "web" in parts and not shutil.which("wrk"):
        sys.exit("the web measures need wrk: apt-get install wrk (or run with --only cli)")
    # plp's modules as bytecode, as pip writes it for an installed package (the editable
    # install under PYTHONDONTWRITEBYTECODE would compile them at every start; `make bench` does this too).
    import compileall

    compileall.compile_dir(str(HERE.parent / "plp"), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="plp-bench-"))
    started = time.perf_counter()
    try:
        rows = sqlite_rows(work, runs, args.quick, parts, web)
        if not args.no_postgres:
            rows += postgres_rows(work, runs, args.quick, parts, web)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    new = [fmt(r) for r in rows]
    print("\n".join(HEADER + new))
    backends = {"sqlite"} if args.no_postgres else {"sqlite", "postgresql"}
    earlier, earlier_line = _earlier()
    kept = [row for row in earlier if not _measures_again(row, parts, backends)]
    table = "\n".join(HEADER + sorted(kept + new, key=_place))
    scope = f" (rows from an earlier run kept: {len(kept)}; that run: {earlier_line})" if kept else ""
    web_note = (f" Web: wrk for {web.seconds:g} s per page measure (after a 2 s warm-up), "
                f"{web.mixed_seconds:g} s for readers + writers." if "web" in parts else "")
    notes = (HERE / "notes.md").read_text(encoding="utf-8") if (HERE / "notes.md").exists() else ""
    (HERE / "results.md").write_text(
        f"# Benchmark results\n\nMeasured {dt.datetime.now().isoformat(timespec='minutes')}{scope} on {machine()}.\n"
        f"Medians of {runs} runs (decision loops and the scheduler: one run of many operations); "
        f"{'quick mode, ' if args.quick else ''}total {time.perf_counter() - started:.0f} s.{web_note}\n\n"
        f"{table}\n\n{notes}",
        encoding="utf-8")
    print(f"\nsaved to {HERE / 'results.md'}")

if __name__ == "__main__":
    main()
