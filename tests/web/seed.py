"""The region every browser test starts from, built once per run through plp's command line.

People, projects and texts are named here so tests refer to them by constant, not by
repeating strings. Every user text that a page shows somewhere carries an attack
(``<script>`` or an attribute break-out), so the XSS tests can check them all.
"""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

#: "Today" for the server (PLP_WEB_TODAY) and for the seed's dates, so traffic lights,
#: overdue milestones and default dates never depend on the day the tests run.
TODAY = "2026-03-16"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str
    org: str


KARI = Person("Kari Nordmann", "kari@example.no", "kari-long-password-1", "Vennesla")  # sponsor
OLA = Person("Ola Nordmann", "ola@example.no", "ola-long-password-2", "Iveland")  # no role in `ready`
PER = Person("Per Leiar", "per@example.no", "per-long-password-3", "Vennesla")  # leader of `pre`
EVE = Person('Eve "><img src=x onerror=alert("person")>', "eve@example.no", "eve-long-password-4", "Kristiansand")

#: Every hostile user text and where the seed puts it.
XSS = {
    "project name": 'Datasenter <script>alert("project")</script>',
    "person name": EVE.name,
    "goal": '"><img src=x onerror=alert("goal")> Fleire arbeidsplassar',
    "milestone title": '<script>alert("milestone")</script> Areal regulert',
    "decision note": '</textarea><script>alert("note")</script>',
    "anchoring ref": '"><script>alert("ref")</script>',
    "trust comment": '<img src=x onerror=alert("comment")> godt samarbeid',
    "plan title": '<script>alert("plan")</script> Næringsplan',
    "measure title": '"><img src=x onerror=alert("measure")> Grøn lagring',
}

# Projects: `ready` stands at a ready BP1; `early` at a BP1 that is not ready; `pre` is in
# the pre-project with an overdue milestone, a planned BP2 meeting and anchoring missing
# from Vennesla and Iveland; `xss` carries the hostile texts.
READY, EARLY, PRE, HOSTILE = "ready", "early", "pre", "xss"
OVERDUE_TITLE = "Reguleringsplan levert"
TRUST_ROUND = "2026"
PLANNED_MEETING = "2026-04-01"  # BP2 of `pre`


def seed_commands() -> list[list[str]]:
    """The CLI calls that build the region, in order."""
    cmds: list[list[str]] = [["init"]]
    for org in ("Vennesla", "Iveland", "Kristiansand"):
        cmds.append(["org", "add", org])
    for p in (KARI, OLA, PER, EVE):
        cmds.append(["person", "add", p.name, "--email", p.email, "--org", p.org, "--lang", "en"])
    cmds += [
        ["project", "create", READY, "Grønt datasenter", "--workflow", "plp",
         "--owner", "Vennesla:A", "--owner", "Iveland:C"],
        ["role", "assign", READY, KARI.name, "sponsor"],
        ["checklist", "tick", READY, "idea_sketch"],
        ["checklist", "tick", READY, "owners_identified"],
        ["project", "create", EARLY, "Smart skog", "--workflow", "plp", "--owner", "Vennesla:A"],
        ["role", "assign", EARLY, KARI.name, "sponsor"],
        ["project", "create", PRE, "Sykkelveg", "--workflow", "plp", "--phase", "pre_project",
         "--owner", "Vennesla:A", "--owner", "Iveland:B"],
        ["role", "assign", PRE, KARI.name, "sponsor"],
        ["role", "assign", PRE, PER.name, "leader"],
        ["milestone", "add", PRE, OVERDUE_TITLE, "--due", "2026-02-01", "--responsible", KARI.name],
        ["milestone", "add", PRE, "Kostnadsoverslag", "--due", "2026-06-01", "--responsible", PER.name],
        ["gate", "plan", PRE, "--date", PLANNED_MEETING, "--now", TODAY],  # owners' missing anchoring shows on my-work
        ["project", "create", HOSTILE, XSS["project name"], "--workflow", "plp", "--phase", "pre_project",
         "--owner", "Kristiansand:A"],
        ["role", "assign", HOSTILE, EVE.name, "sponsor"],
        ["goal", "add", HOSTILE, "effect", XSS["goal"]],
        ["milestone", "add", HOSTILE, XSS["milestone title"], "--due", "2026-02-01", "--responsible", EVE.name],
        ["decide", HOSTILE, "rework", "--by", EVE.name, "--note", XSS["decision note"], "--date", "2026-03-01"],
        ["anchor", "record", HOSTILE, "--org", "Kristiansand", "--body", "bystyre", "--ref", XSS["anchoring ref"],
         "--date", "2026-03-02"],
        ["project", "publish", HOSTILE],
        ["plan", "add", "snp", XSS["plan title"], "--period", "2025-2028"],
        ["measure", "add", "snp", XSS["measure title"], "--responsible", "Kristiansand"],
        ["trust", "record", "--round", TRUST_ROUND, "--respondent", OLA.name, "--scores", "4,3,5,4,3",
         "--comment", XSS["trust comment"], "--date", "2026-03-01"],
        ["trust", "record", "--round", TRUST_ROUND, "--respondent", PER.name, "--scores", "3,3,4,4,2",
         "--date", "2026-03-02"],
    ]
    for p in (KARI, OLA, PER, EVE):
        cmds.append(["person", "password", p.email])
    return cmds


def plp(target: str, *args: str, stdin: str | None = None) -> str:
    """Run ``plp --db TARGET ARGS`` in-process through the CLI's real entry point (error mapping
    included; the subprocess is not the point here, and forty of them cost a minute on a busy
    machine); its standard output. Raises with the one-line error when the command fails."""
    from plp.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")  # not a terminal: `person password` reads one line
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", target, "--as", "seed", *args])
    finally:
        sys.stdin = saved_stdin
    if code != 0:
        raise AssertionError(f"plp {' '.join(args)} failed ({code}): {err.getvalue().strip()}")
    return out.getvalue()


def build(target: str) -> None:
    """Build the seed region in ``target`` (a SQLite path or database URL)."""
    passwords = {p.email: p.password for p in (KARI, OLA, PER, EVE)}
    for args in seed_commands():
        stdin = passwords[args[2]] + "\n" if args[:2] == ["person", "password"] else None
        plp(target, *args, stdin=stdin)
