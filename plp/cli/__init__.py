"""The ``plp`` command line: thin commands over ``plp.services``.

One place, :func:`main`, turns every user mistake into one line ``Error: ...`` on
stderr with exit code 1 (2 for wrong usage). Set ``PLP_DEBUG=1`` to see the
traceback of an unexpected error.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

try:  # typer vendors click since 0.2x; older releases use click itself
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover
    from click import exceptions as click  # type: ignore[no-redef]

from plp.cli.state import State

#: The module under plp/cli that defines each top-level command. A call imports and
#: builds only the module it needs, which keeps every command's start-up short.
COMMANDS: dict[str, str] = {
    "init": "setup", "demo": "setup",
    "workflow": "workflows",
    "org": "directory", "person": "directory",
    "project": "projects", "role": "projects", "goal": "projects",
    "milestone": "milestones", "checklist": "milestones",
    "anchor": "decisions", "gate": "decisions", "decide": "decisions",
    "check": "reminders", "outbox": "reminders", "scheduler": "reminders",
    "plan": "region", "measure": "region", "network": "region", "trust": "region",
    "report": "reports", "export": "reports",
    "config": "admin", "audit": "admin", "admin": "admin", "db": "admin", "import": "admin",
    "condition": "conditions", "benefit": "conditions",
    "serve": "web",
}
_ORDER = ["setup", "workflows", "directory", "projects", "milestones", "decisions", "conditions", "reminders", "region",
          "reports", "admin", "web"]


def _root(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", metavar="TARGET",
                                     help="SQLite file or SQLAlchemy URL (default: PLP_DB, else plp.db)."),
    as_: Optional[str] = typer.Option(None, "--as", metavar="PERSON",
                                      help="Who is acting: name, email or id (default: PLP_USER)."),
) -> None:
    ctx.obj = State(target=db, as_=as_)


def build_app(modules: list[str] | None = None) -> typer.Typer:
    """The Typer app with the commands of ``modules`` (all of them by default)."""
    import importlib

    app = typer.Typer(
        name="plp",
        help="plp: PLP projects through phases and decision points, with formal anchoring by every owner.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in modules or _ORDER:
        importlib.import_module(f"plp.cli.{name}").register(app)
    return app


def _modules_for(argv: list[str]) -> list[str] | None:
    """The module the command in ``argv`` needs, or None (help, typos: build them all)."""
    args = iter(argv)
    for arg in args:
        if arg in ("--db", "--as"):
            next(args, None)
        elif arg in ("-h", "--help"):
            return None  # the top-level help lists every command
        elif arg.startswith("-"):
            continue
        else:
            return [COMMANDS[arg]] if arg in COMMANDS else None
    return None


def __getattr__(name: str):
    if name == "app":  # the whole app, for CliRunner tests and documentation
        return build_app()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``plp`` command."""
    from plp.errors import PlpError
    from plp.settings import Settings, using

    args = sys.argv[1:] if argv is None else argv
    cmd = typer.main.get_command(build_app(_modules_for(args)))
    code = 0
    settings = Settings.from_env()  # the PLP_* variables, read once for this command
    try:
        with using(settings):
            rv = cmd.main(args=args, prog_name="plp", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except click.NoArgsIsHelpError as e:  # `plp` or `plp project` alone: show the help
        sys.stdout.write(e.ctx.get_help() + "\n")
        code = 0
    except click.UsageError as e:
        hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
        _error(e.format_message().splitlines()[0] + hint)
        code = 2
    except click.ClickException as e:
        _error(e.format_message().splitlines()[0])
        code = e.exit_code
    except typer.Abort:
        _error("aborted")
        code = 1
    except PlpError as e:
        _error(str(e))
        code = e.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as e:  # a bug, or the environment (disk full, server down)
        if settings.debug:
            raise
        _error(_describe(e) + " (set PLP_DEBUG=1 for details)")
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    if argv is None:
        sys.exit(code)
    return code


def _describe(e: Exception) -> str:
    orig = getattr(e, "orig", None) or e
    text = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {text}" if text else type(orig).__name__


def _error(message: str) -> None:
    from plp.redact import redact

    # The last guard for secrets: whatever raised, no database password reaches the screen.
    message = redact(" ".join(message.split("\n")))
    sys.stderr.write(f"Error: {message}\n")
