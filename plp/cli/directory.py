"""``plp org`` and ``plp person``: the region's organisations and people."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import emit_json, say, table
from plp.cli.state import JSON_HELP, state

org_app = typer.Typer(help="Organisations: municipalities, the county, companies.", no_args_is_help=True)
person_app = typer.Typer(help="People: advisers, leaders, sponsors, politicians.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
    app.add_typer(person_app, name="person")


@org_app.command("add")
def org_add(ctx: typer.Context, name: str = typer.Argument(..., help="The organisation's name."),
            kind: str = typer.Option("municipality", "--kind", help="municipality, county, company or other.")) -> None:
    """Add an organisation.

    Example: plp org add Vennesla --kind municipality
    """
    from plp.services.directory import add_org

    st = state(ctx)
    org = add_org(st.db, name=name, kind=kind, actor=st.actor)
    say(f"Added organisation {org.name} ({org.kind}).")


@org_app.command("list")
def org_list(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List organisations.

    Example: plp org list --json
    """
    from plp.services.directory import list_orgs

    rows = list_orgs(state(ctx).db)
    if json_:
        emit_json(rows)
    else:
        table([(r.id, r.name, r.kind) for r in rows], ["id", "name", "kind"])


@person_app.command("add")
def person_add(ctx: typer.Context, name: str = typer.Argument(..., help="Full name."),
               email: Optional[str] = typer.Option(None, "--email", help="Email address (for reminders)."),
               phone: Optional[str] = typer.Option(None, "--phone", help="Phone number."),
               org: Optional[str] = typer.Option(None, "--org", help="The organisation the person works for."),
               lang: Optional[str] = typer.Option(None, "--lang", help="Preferred language: nn, nb or en.")) -> None:
    """Add a person.

    Example: plp person add "Kari Nordmann" --email kari@vennesla.kommune.no --org Vennesla
    """
    from plp.services.directory import add_person

    st = state(ctx)
    p = add_person(st.db, name=name, email=email, phone=phone, org=org, lang=lang, actor=st.actor)
    say(f"Added person {p.name} (id {p.id}).")


@person_app.command("password")
def person_password(ctx: typer.Context, person: str = typer.Argument(..., help="Name, email or id."),
                    clear: bool = typer.Option(False, "--clear", help="Remove the password.")) -> None:
    """Set a person's password for signing in to the web (plp serve).

    On a terminal it asks twice; otherwise it reads one line from standard input.
    Setting or clearing a password signs the person out everywhere.

    Example: echo 'a long secret' | plp person password kari@vennesla.kommune.no
    """
    import sys

    from plp.errors import InvalidInput
    from plp.services.signin import set_password

    st = state(ctx)
    password = None
    if not clear:
        if sys.stdin.isatty():
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            line = sys.stdin.readline()
            password = line[:-1] if line.endswith("\n") else line
            if password.endswith("\r"):
                password = password[:-1]
            if not password:
                raise InvalidInput("no password on standard input (one line expected)")
    p = set_password(st.db, person=person, password=password, actor=st.actor)
    say(f"Removed the password of {p.name}." if clear else f"Set the password of {p.name}.")


@person_app.command("login")
def person_login(ctx: typer.Context, person: str = typer.Argument(..., help="Name, email or id."),
                 db_role: Optional[str] = typer.Option(None, "--db-role", metavar="ROLE",
                                                       help="The PostgreSQL login role that is this person."),
                 clear: bool = typer.Option(False, "--clear", help="Remove the link.")) -> None:
    """Link a person to the PostgreSQL login role they connect with (administrators only).

    Whoever connects with that role is then that person, whatever --as or PLP_USER
    says; once any role is linked, a connection with an unlinked role identifies nobody.

    Example: plp person login kari@vennesla.kommune.no --db-role kari
    """
    from plp.errors import InvalidInput
    from plp.services.admins import set_login

    if clear == (db_role is not None):
        raise InvalidInput("give either --db-role ROLE or --clear")
    st = state(ctx)
    p = set_login(st.db, person=person, db_role=db_role, actor=st.actor)
    say(f"{p.name} now signs in to the database as role {db_role}." if db_role
        else f"{p.name} is no longer linked to a database role.")


@person_app.command("list")
def person_list(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List people.

    Example: plp person list
    """
    from plp.services.directory import list_people

    rows = list_people(state(ctx).db)
    if json_:
        emit_json(rows)
    else:
        table([(r.id, r.name, r.email, r.phone, r.org) for r in rows],
              ["id", "name", "email", "phone", "organisation"])
