"""Every service that changes something on someone's behalf checks a permission: none is forgotten.

Read from the source (no database): a public function in plp/services that takes
an ``actor`` and writes (commits, bumps a project or ends its read to write) must
call into :mod:`plp.permissions`, itself or through a helper of its module. A
function that writes without an ``actor`` is plp acting for itself and must be
listed below with the reason. A new service that forgets its check fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import plp.services

pytestmark = pytest.mark.no_database  # reads plp's source, opens no database

SERVICES = Path(plp.services.__file__).parent

#: Writers that take no actor: plp itself, or a person who has just proved who they are.
SYSTEM_WRITERS = {
    "admins.initialise": "plp init: the schema's first settings and the first administrator",
    "common.commit_change": "a helper; each caller checks its own permission first",
    "plans._touch": "a helper; each caller checks its own permission first",
    "timed_apply.apply": "the moves time makes (plp check, the scheduler)",
    "timed_apply._bump_and_take": "a helper of the moves time makes",
    "outbox._claim": "delivery: the outbox claims a message (plp check, the scheduler)",
    "outbox._extend": "delivery: the outbox extends its claim",
    "outbox._release": "delivery: the outbox releases a claim",
    "outbox._attempt": "delivery: the outbox records an attempt",
    "reminders.check": "plp check: reminders sent by plp itself",
    "signin.sign_in_password": "sign-in: the person proves who they are with a password",
    "signin._signed_in": "sign-in: the session of the person who just proved who they are",
    "signin.request_link": "sign-in: a one-time link, before anyone is signed in",
    "signin.use_link": "sign-in: the person proves who they are with the link",
    "signin.sign_out": "the session's own person ends their session",
    "signin.sign_out_everywhere": "the session's own person ends their sessions",
    "signin.feed_token": "the session's own person's calendar feed",
    "signin.set_language": "the session's own person's language",
}
WRITES = {"commit", "commit_change", "bump", "end_read"}


def _functions(folder: Path = SERVICES) -> dict[str, tuple[ast.FunctionDef, set[str], bool, bool]]:
    """qualified name -> (node, names it calls, writes?, calls permissions directly?)."""
    out = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
            names = {c.func.id for c in calls if isinstance(c.func, ast.Name)}
            attrs = [c.func for c in calls if isinstance(c.func, ast.Attribute)]
            writes = any(a.attr in WRITES for a in attrs) or bool(names & WRITES)
            checks = any(isinstance(a.value, ast.Name) and a.value.id == "permissions" for a in attrs)
            out[f"{path.stem}.{node.name}"] = (node, names, writes, checks)
    return out


def _checks(name: str, functions: dict, seen: set[str] | None = None) -> bool:
    """Whether ``name`` calls into plp.permissions, itself or through functions of its module."""
    seen = seen if seen is not None else set()
    if name in seen or name not in functions:
        return False
    seen.add(name)
    _, names, _, direct = functions[name]
    module = name.split(".")[0]
    return direct or any(_checks(f"{module}.{n}", functions, seen) for n in names)


def _takes_actor(node: ast.FunctionDef) -> bool:
    return any(a.arg == "actor" for a in node.args.args + node.args.kwonlyargs)


def test_every_service_that_writes_for_an_actor_checks_a_permission():
    functions = _functions()
    unchecked = [name for name, (node, _, writes, _) in functions.items()
                 if writes and _takes_actor(node) and not _checks(name, functions)]
    assert unchecked == [], f"services that write for an actor without a permission check: {unchecked}"


def test_every_writer_without_an_actor_is_plp_itself_and_says_why():
    functions = _functions()
    unlisted = [name for name, (node, _, writes, _) in functions.items()
                if writes and not _takes_actor(node) and not _checks(name, functions) and name not in SYSTEM_WRITERS]
    assert unlisted == [], f"services that write with nobody acting (add an actor, or list them here): {unlisted}"
    stale = [name for name in SYSTEM_WRITERS if name not in functions]
    assert stale == [], f"listed writers that no longer exist: {stale}"


def test_the_coverage_check_sees_a_forgotten_permission(tmp_path):
    """The walk itself can fail: a writer for an actor without a check is found."""
    source = ("def forgetful(db, *, actor):\n"
              "    with db.unit(actor) as uow:\n"
              "        uow.end_read()\n"
              "        uow.commit()\n")
    (tmp_path / "forgetful.py").write_text(source, encoding="utf-8")
    functions = _functions(tmp_path)
    assert not _checks("forgetful.forgetful", functions)
    assert functions["forgetful.forgetful"][2]  # it writes
