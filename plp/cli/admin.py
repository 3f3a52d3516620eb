"""``plp config``, ``plp audit``, ``plp db`` and ``plp import``: looking after the record."""

from __future__ import annotations

import typer

from plp.cli.output import emit_json, out, say, table
from plp.cli.state import JSON_HELP, state

config_app = typer.Typer(help="Settings of this database, and who may do what.", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper evidence: the hash chain over the history.", no_args_is_help=True)
db_app = typer.Typer(help="The database file: backups.", no_args_is_help=True)
import_app = typer.Typer(help="Import a whole database (from 'plp export json').", no_args_is_help=True)
admin_app = typer.Typer(help="Administrators of this database: settings, identity, import.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
    app.add_typer(audit_app, name="audit")
    app.add_typer(db_app, name="db")
    app.add_typer(import_app, name="import")
    app.add_typer(admin_app, name="admin")


@admin_app.command("grant")
def admin_grant(ctx: typer.Context, person: str = typer.Argument(..., help="Name, email or id.")) -> None:
    """Make a person an administrator of this database (administrators only).

    The first administrator is made by 'plp init --admin PERSON'.

    Example: plp --as kari@vennesla.kommune.no admin grant ola@iveland.kommune.no
    """
    from plp.services.admins import grant

    st = state(ctx)
    changed = grant(st.db, person=person, actor=st.actor)
    say(f"{person} is now an administrator." if changed else f"{person} is already an administrator.")


@admin_app.command("revoke")
def admin_revoke(ctx: typer.Context, person: str = typer.Argument(..., help="Name, email or id.")) -> None:
    """Take administration from a person (administrators only); the last one stays.

    Example: plp --as kari@vennesla.kommune.no admin revoke ola@iveland.kommune.no
    """
    from plp.services.admins import revoke

    st = state(ctx)
    revoke(st.db, person=person, actor=st.actor)
    say(f"{person} is no longer an administrator.")


@admin_app.command("list")
def admin_list(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the administrators of this database.

    Example: plp admin list --json
    """
    from plp.services.admins import list_admins

    rows = [{"id": p.id, "name": p.name, "email": p.email, "db_role": p.db_role} for p in list_admins(state(ctx).db)]
    if json_:
        emit_json(rows)
    else:
        table([(r["id"], r["name"], r["email"], r["db_role"]) for r in rows], ["id", "name", "email", "database role"])


@config_app.command("set")
def config_set(ctx: typer.Context, key: str = typer.Argument(..., help="Setting, e.g. require-identity."),
               value: str = typer.Argument(..., help="New value, e.g. true.")) -> None:
    """Change a setting of this database.

    require-identity true: every change needs a known acting person (--as or PLP_USER).

    Example: plp config set require-identity true
    """
    from plp.services.settings import set_setting

    st = state(ctx)
    set_setting(st.db, key=key, value=value, actor=st.actor)
    say(f"{key} = {value.lower()}")


@config_app.command("show")
def config_show(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show the settings and the permission table.

    Example: plp config show
    """
    from plp.services.settings import show_settings

    config = show_settings(state(ctx).db)
    if json_:
        emit_json(config)
        return
    table(sorted(config.settings.items()), ["setting", "value"])
    table([(r.action, r.who) for r in config.permissions], ["action", "who may"])


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                 head: str | None = typer.Option(None, "--head", metavar="HASH",
                                                 help="A head from 'plp audit head' (e.g. in the minutes): prove "
                                                      "the history still contains it and extends it.")) -> None:
    """Check the whole history chain, replay it, and compare the result with every table.

    Names the first broken event, or the first table, row and column that a change by
    hand made differ from the history. With an audit key (PLP_AUDIT_KEY or
    PLP_AUDIT_KEY_FILE) the keyed links are checked with it.

    Example: plp audit verify --head hmac-sha256:3f1c...
    """
    from plp.audit import verify
    from plp.errors import PlpError

    verdict = verify(state(ctx).db, head=head)
    if json_:
        emit_json({"ok": verdict.ok, "events": verdict.events, "problem": verdict.problem,
                   "event_id": verdict.event_id, "keyed": verdict.keyed_from is not None,
                   "keyed_from": verdict.keyed_from, "head_position": verdict.head_position,
                   "head_event_id": verdict.head_event_id})
    elif verdict.ok:
        keyed = (f"keyed from event {verdict.keyed_from}" if verdict.keyed_from is not None
                 else "unkeyed (set PLP_AUDIT_KEY to anchor it outside the database)")
        extends = (f"; it extends the given head (event {verdict.head_event_id}, number {verdict.head_position} "
                   f"in the chain)" if head and verdict.head_event_id else "; it extends the given head" if head else "")
        out(f"ok: {verdict.events} events, the chain is unbroken and {keyed}{extends}; projects, roles, goals, "
            f"milestones, checklist, anchoring, decisions, measures and settings match their history")
    if not verdict.ok:
        raise PlpError(f"the history has been tampered with: {verdict.problem}")


@audit_app.command("head")
def audit_head(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show the newest link of the history chain and the number of events, for the minutes.

    Later, 'plp audit verify --head HASH' proves the history still extends this head.

    Example: plp audit head
    """
    from plp.audit import head_of

    info = head_of(state(ctx).db)
    if json_:
        emit_json(info)
        return
    out(f"head: {info['hash']}")
    out(f"events: {info['events']} (newest: event {info['event_id']})")
    out(f"keyed: {'yes' if info['keyed'] else 'no'}")


@db_app.command("backup")
def db_backup(ctx: typer.Context, file: str = typer.Argument(..., help="A new file for the copy."),
              force: bool = typer.Option(False, "--force", help="Replace FILE if it exists.")) -> None:
    """Make a consistent, verified copy of the SQLite database while others may be writing.

    The copy must pass SQLite's integrity check and hold as many rows in every table
    as the database did; only then is FILE written (mode 0600).

    Example: plp db backup backup-2026-06-30.db
    """
    from plp.services.backup import backup

    path, rows = backup(state(ctx).db, target=file, force=force)
    say(f"Backed up to {path}: {rows} rows, verified.")


@import_app.command("json")
def import_json(ctx: typer.Context, file: str = typer.Argument(..., help="A file written by 'plp export json'.")) -> None:
    """Load a whole database exported with 'plp export json' into an empty database.

    Example: plp --db postgresql://plp@db.example/region import json region.json
    """
    from plp.services.transfer import import_json as load

    st = state(ctx)
    counts = load(st.db, path=file, actor=st.actor)
    say(f"Imported {counts.total} rows into {st.db.display}: "
        + ", ".join(f"{n} {t}" for t, n in counts.tables.items() if n))
