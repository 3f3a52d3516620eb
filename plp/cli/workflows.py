"""``plp workflow list | show | validate``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import emit_json, out, table
from plp.cli.state import JSON_HELP, LANG_HELP, check_lang

workflow_app = typer.Typer(help="Workflow definitions (YAML files in workflows/ or PLP_WORKFLOW_PATH).",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(workflow_app, name="workflow")


@workflow_app.command("list")
def workflow_list(json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                  lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP)) -> None:
    """List the workflows plp can use.

    Example: plp workflow list
    """
    from plp.services.workflows import available

    lang = check_lang(lang)
    rows = [{"name": wf.name if wf else None, "version": wf.version if wf else None,
             "label": wf.labels.get(lang) if wf else None,
             "phases": wf.phase_keys if wf else [],
             "decision_points": [d.key for d in wf.decision_points] if wf else [],
             "file": str(path), "valid": wf is not None, "problems": problems}
            for wf, path, problems in available()]
    if json_:
        emit_json(rows)
        return
    table([(r["name"] or "(invalid)", r["version"], r["label"], " → ".join(r["phases"]),
            ", ".join(r["decision_points"]) if r["valid"] else f"{len(r['problems'])} problem(s)", r["file"])
           for r in rows], ["name", "version", "label", "phases", "decision points", "file"])


@workflow_app.command("show")
def workflow_show(name: str = typer.Argument(..., help="Workflow name, e.g. plp."),
                  mermaid: bool = typer.Option(False, "--mermaid", help="Print a Mermaid state diagram."),
                  json_: bool = typer.Option(False, "--json", help=JSON_HELP),
                  lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP)) -> None:
    """Show a workflow's phases, checklists and decision points.

    Example: plp workflow show plp --lang nn
    """
    from plp import engine
    from plp.criteria import kind_of
    from plp.workflow import find

    lang = check_lang(lang)
    wf, path = find(name)
    if mermaid:
        out(engine.mermaid(wf, lang).rstrip("\n"))
        return
    if json_:
        emit_json(dict(wf.model_dump(mode="json", by_alias=True), file=str(path)))
        return
    out(f"{wf.labels.get(lang)}  ({wf.name} version {wf.version}, {path})")
    if wf.description:
        out("  " + wf.description.strip())
    for i, phase in enumerate(wf.phases, 1):
        out("")
        out(f"{i}. {phase.labels.get(lang)} [{phase.key}]")
        for item in phase.checklist:
            mark = "*" if item.mandatory else " "
            out(f"   {mark} {item.key}: {item.labels.get(lang)}")
        dp = wf.decision_point_from(phase.key)
        target = wf.phase_label(dp.to, lang) if dp.to else wf.statuses["completed"].get(lang)
        out(f"   ⇒ {dp.labels.get(lang)} → {target}")
        out(f"     decided by: {', '.join(wf.roles[r].labels.get(lang) for r in dp.deciders)}; "
            f"outcomes: {', '.join(wf.outcomes[o].get(lang) for o in dp.outcomes)}")
        for c in dp.criteria:
            out(f"     needs: {kind_of(c).describe(wf, c, lang)}")
    out("")
    out("* mandatory checklist item")


@workflow_app.command("validate")
def workflow_validate(file: str = typer.Argument(..., help="Path to a workflow YAML file."),
                      json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Check a workflow file and report every problem with its line number.

    Example: plp workflow validate workflows/plp.yaml
    """
    from pathlib import Path

    from plp.errors import NotFound, PlpError
    from plp.workflow import parse

    path = Path(file)
    if not path.is_file():
        raise NotFound(f"no such file: {file}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PlpError(f"cannot read {file}: {e}") from None
    loaded = parse(text, file)
    if json_:
        emit_json({"file": file, "valid": loaded.workflow is not None,
                   "name": loaded.workflow.name if loaded.workflow else None,
                   "version": loaded.workflow.version if loaded.workflow else None,
                   "problems": [{"line": ln, "message": m} for ln, m in loaded.problems]})
    elif loaded.workflow is not None:
        wf = loaded.workflow
        out(f"{file}: ok: {wf.name} version {wf.version}, {len(wf.phases)} phases, "
            f"{len(wf.decision_points)} decision points")
    else:
        for problem in loaded.problems:
            out(_where(file, *problem))
    if loaded.workflow is None:
        raise PlpError(f"{file} has {len(loaded.problems)} problem(s); the first: {_where(file, *loaded.problems[0])}")


def _where(file: str, line: int | None, message: str) -> str:
    return f"{file}:{line}: {message}" if line else f"{file}: {message}"


@workflow_app.command("migrate")
def workflow_migrate(ctx: typer.Context, code: str = typer.Argument(..., help="Project code."),
                     to: int = typer.Option(..., "--to", metavar="VERSION",
                                            help="The newer version of the project's workflow to move to."),
                     dry_run: bool = typer.Option(False, "--dry-run",
                                                  help="Check and report, but change nothing."),
                     json_: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout.")) -> None:
    """Move a project to a newer version of its workflow.

    The version is taken from the database (when a project already uses it) or
    from the workflow file on the search path. Refused when the project is
    completed or stopped, when the version is not newer, or when the project's
    phase (or a phase its milestones and decisions name) does not exist there.
    Checklist ticks and roles the new version does not know are kept and
    reported. The move is recorded in the project's history.

    Example: plp workflow migrate vdc --to 2
    """
    from plp.cli.output import say
    from plp.cli.state import state
    from plp.services.migrate import migrate_project

    st = state(ctx)
    r = migrate_project(st.db, code=code, to_version=to, actor=st.actor, dry_run=dry_run)
    if json_:
        emit_json(r)
        return
    verb = "Would move" if dry_run else "Moved"
    say(f"{verb} {r.code} from {r.workflow} version {r.from_version} to version {r.to_version} "
        f"(phase {r.phase}, {r.status}).")
    ready = "ready" if r.ready else "not ready: " + "; ".join(r.unmet)
    say(f"Next decision point {r.decision_point}: {ready}.")
    for note in r.notes:
        say(f"Note: {note}")


@workflow_app.command("diff")
def workflow_diff(ctx: typer.Context, name: str = typer.Argument(..., help="Workflow name, e.g. plp."),
                  v1: int = typer.Argument(..., metavar="V1", help="The version to compare from."),
                  v2: int = typer.Argument(..., metavar="V2", help="The version to compare to."),
                  json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show what changed between two versions of a workflow, one line per change.

    A version is taken from the database (the copy projects run on) or, when no
    project uses it yet, from the workflow files on the search path. --json gives
    a list of changes: {area, change, key, text, ...}.

    Example: plp workflow diff plp 1 2
    """
    from plp.cli.output import say
    from plp.cli.state import state
    from plp.services.workflows import diff_versions

    d = diff_versions(state(ctx).db, name=name, old=v1, new=v2)
    if json_:
        emit_json(d.changes)
        return
    n = len(d.changes)
    where = {"database": "stored"}
    say(f"{name} version {v1} ({where.get(d.from_source, 'file')}) → version {v2} "
        f"({where.get(d.to_source, 'file')}): " + (f"{n} change{'' if n == 1 else 's'}" if n else "no differences"))
    for c in d.changes:
        out(c.text)
