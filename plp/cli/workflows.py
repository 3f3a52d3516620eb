"""``plp workflow list | show | validate``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import emit_json, out, table
from plp.cli.state import JSON_HELP, LANG_HELP, lang_default

workflow_app = typer.Typer(help="Workflow definitions (YAML files in workflows/ or PLP_WORKFLOW_PATH).",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(workflow_app, name="workflow")


def check_lang(lang: str | None) -> str:
    from plp.errors import InvalidInput

    lang = lang or lang_default()
    if lang not in ("nn", "nb", "en"):
        raise InvalidInput(f"unknown language '{lang}' (choose one of: nn, nb, en)")
    return lang


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
            out(f"     needs: {describe_criterion(wf, c, lang)}")
    out("")
    out("* mandatory checklist item")


def describe_criterion(wf, c, lang: str) -> str:
    kind = c.kind
    if kind == "role":
        return f"a {wf.roles[c.role].labels.get(lang)} assigned"
    if kind == "goals":
        return "goals: " + ", ".join(wf.goal_levels[lvl].get(lang) for lvl in c.levels)
    if kind == "checklist":
        return "the phase's mandatory checklist done"
    if kind == "anchoring":
        grades = "" if set(c.grades) == {"A", "B", "C"} else f" ({'/'.join(c.grades)}-owners)"
        bodies = f" by {' or '.join(c.bodies)}" if c.bodies else ""
        what = "formal" if c.anchoring == "any" else c.anchoring
        return f"approved {what} anchoring from every owner{grades}{bodies}"
    if kind == "milestones":
        return "every milestone of the phase done"
    return kind


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
        for ln, m in loaded.problems:
            out(f"{file}:{ln}: {m}" if ln else f"{file}: {m}")
    if loaded.workflow is None:
        raise PlpError(f"{file} has {len(loaded.problems)} problem(s)")
