"""Workflow versions in the database: the copy each project runs on.

Also finds a version wherever it is (a stored copy, else a file on the search
path) and compares two versions for ``plp workflow diff``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlmodel import select

from plp import workflow as wfmod
from plp.criteria import kind_of
from plp.db import Database, UnitOfWork, utcnow
from plp.errors import InvalidInput, NotFound, PlpError
from plp.models import WorkflowDef
from plp.services.results_ops import WorkflowChange, WorkflowDiff
from plp.workflow import Labels, Workflow


def register(uow: UnitOfWork, wf: Workflow, path: Path) -> WorkflowDef:
    """The stored copy of this workflow version, stored now if it is new.

    A file whose content changed but whose version did not is refused: projects
    already on that version must keep exactly the rules they started with.
    """
    definition = wf.to_json()
    sha = hashlib.sha256(definition.encode()).hexdigest()
    row = uow.session.exec(
        select(WorkflowDef).where(WorkflowDef.name == wf.name, WorkflowDef.version == wf.version)
    ).first()
    if row is not None:
        if row.sha256 != sha:
            raise PlpError(
                f"{path}: workflow {wf.name} version {wf.version} differs from the version {wf.version} "
                f"this database already uses; give the changed file a new version number"
            )
        return row
    row = WorkflowDef(name=wf.name, version=wf.version, definition=definition,
                      source=path.read_text(encoding="utf-8"), sha256=sha, loaded_at=utcnow())
    uow.add(row)
    uow.flush()
    uow.event("workflow_loaded", {"workflow": wf.name, "version": wf.version, "file": str(path), "sha256": sha})
    return row


def available() -> list[tuple[Workflow | None, Path, list[str]]]:
    """Every workflow file on the search path, with its problems if it has any."""
    out: list[tuple[Workflow | None, Path, list[str]]] = []
    for f in wfmod.workflow_files():
        loaded = wfmod.parse(f.read_text(encoding="utf-8"), str(f))
        out.append((loaded.workflow, f, [f"line {ln}: {m}" if ln else m for ln, m in loaded.problems]))
    return out


# ------------------------------------------------------------------- versions


def stored_versions(uow: UnitOfWork, name: str) -> dict[int, WorkflowDef]:
    """The versions of ``name`` this database holds (each one some project used)."""
    rows = uow.session.exec(select(WorkflowDef).where(WorkflowDef.name == name)).all()
    return {row.version: row for row in rows}


def file_versions(name: str) -> tuple[dict[int, tuple[Workflow, Path]], list[Path]]:
    """The versions of ``name`` in the workflow files on the search path.

    A folder earlier on the path wins when two files hold the same version. Also
    returns the files named ``NAME.yaml`` that cannot be loaded, for a helpful error.
    """
    found: dict[int, tuple[Workflow, Path]] = {}
    broken: list[Path] = []
    for f in wfmod.workflow_files():
        try:
            loaded = wfmod.parse(f.read_text(encoding="utf-8"), str(f))
        except (OSError, UnicodeDecodeError):
            loaded = None
        if loaded is None or loaded.workflow is None:
            if f.stem == name:
                broken.append(f)
            continue
        if loaded.workflow.name == name:
            found.setdefault(loaded.workflow.version, (loaded.workflow, f))
    return found, broken


def check_version(version: int) -> int:
    if version < 1:
        raise InvalidInput(f"invalid workflow version {version} (versions are numbered from 1)")
    return version


def find_version(uow: UnitOfWork, name: str, version: int) -> tuple[Workflow, WorkflowDef | None, Path | None]:
    """Version ``version`` of workflow ``name``: the stored copy, else a file on the search path.

    The stored copy wins: it is what projects on that version run on. Returns the
    workflow, its stored row (None when only a file has it, so it still needs
    :func:`register`) and the file (None when it comes from the database).
    """
    stored = stored_versions(uow, name)
    if version in stored:
        row = stored[version]
        return Workflow.from_json(row.definition), row, None
    files, broken = file_versions(name)
    if version in files:
        wf, path = files[version]
        return wf, None, path
    if not stored and not files:
        names = sorted({f.stem for f in wfmod.workflow_files()})
        hint = f"; {broken[0]} has problems, see 'plp workflow validate {broken[0]}'" if broken else ""
        raise NotFound(f"unknown workflow '{name}' (available: {', '.join(names)}){hint}")
    known = []
    if stored:
        known.append("in the database: " + ", ".join(str(v) for v in sorted(stored)))
    if files:
        known.append("in workflow files: " + ", ".join(f"{v} ({files[v][1]})" for v in sorted(files)))
    hint = f"; {broken[0]} has problems, see 'plp workflow validate {broken[0]}'" if broken else ""
    raise NotFound(f"workflow {name} has no version {version} ({'; '.join(known)}){hint}")


# ----------------------------------------------------------------------- diff


def _labels(old: Labels, new: Labels) -> str:
    """``en "A" → "B"; nn ...`` for each language whose label changed."""
    return "; ".join(f'{lang} "{old.get(lang)}" → "{new.get(lang)}"'
                     for lang in wfmod.LANGS if getattr(old, lang) != getattr(new, lang))


def describe_criterion(c: Any) -> str:
    """A criterion in a few plain words, for the diff and the migration notes."""
    return kind_of(c).summary(c)


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json", by_alias=True) if hasattr(value, "model_dump") else value


def compare(old: Workflow, new: Workflow) -> list[WorkflowChange]:
    """What changed from ``old`` to ``new``, one entry per change, in reading order.

    Each entry has ``area`` (workflow, role, label, phase, checklist, decision_point,
    criterion, reminders), ``change`` (added, removed, changed), ``key`` (what
    changed), ``text`` (one readable line) and, where it helps, ``phase``,
    ``decision_point``, ``old`` and ``new`` (as JSON-ready data). Pure: no database, no files.
    """
    out: list[WorkflowChange] = []

    def add(area: str, change: str, key: str, text: str, **extra: Any) -> None:
        out.append(WorkflowChange(area=area, change=change, key=key, text=text,
                                  **{k: _dump(v) for k, v in extra.items()}))

    for part in (_compare_workflow, _compare_roles, _compare_labels, _compare_phases, _compare_checklists,
                 _compare_decision_points, _compare_time_rules, _compare_reminders):
        part(old, new, add)
    return out


def _compare_workflow(old: Workflow, new: Workflow, add: Any) -> None:
    """The workflow as a whole: its labels and description."""
    if old.labels != new.labels:
        add("workflow", "changed", "labels", f"workflow relabelled: {_labels(old.labels, new.labels)}",
            old=old.labels, new=new.labels)
    if old.description.strip() != new.description.strip():
        add("workflow", "changed", "description", "description changed", old=old.description, new=new.description)


def _compare_roles(old: Workflow, new: Workflow, add: Any) -> None:
    for key in [k for k in old.roles if k not in new.roles]:
        add("role", "removed", key, f"role removed: {key} \"{old.roles[key].labels.en}\"")
    for key in [k for k in new.roles if k not in old.roles]:
        single = " (one holder)" if new.roles[key].single else ""
        add("role", "added", key, f"role added: {key} \"{new.roles[key].labels.en}\"{single}")
    for key in [k for k in new.roles if k in old.roles]:
        a, b = old.roles[key], new.roles[key]
        if a.single != b.single:
            how = "one holder at a time" if b.single else "any number of holders"
            add("role", "changed", key, f"role {key}: now {how}", old={"single": a.single}, new={"single": b.single})
        if a.labels != b.labels:
            add("role", "changed", key, f"role {key} relabelled: {_labels(a.labels, b.labels)}",
                old=a.labels, new=b.labels)


def _compare_labels(old: Workflow, new: Workflow, add: Any) -> None:
    """The labels of outcomes, goal levels and statuses."""
    for what, a_map, b_map in (("outcome", old.outcomes, new.outcomes),
                               ("goal level", old.goal_levels, new.goal_levels),
                               ("status", old.statuses, new.statuses)):
        for key in [k for k in a_map if k not in b_map]:
            add("label", "removed", key, f"{what} {key}: labels removed", old=a_map[key])
        for key in [k for k in b_map if k not in a_map]:
            add("label", "added", key, f"{what} {key}: labels added \"{b_map[key].en}\"", new=b_map[key])
        for key in [k for k in b_map if k in a_map and a_map[k] != b_map[k]]:
            add("label", "changed", key, f"{what} {key} relabelled: {_labels(a_map[key], b_map[key])}",
                old=a_map[key], new=b_map[key])


def _compare_phases(old: Workflow, new: Workflow, add: Any) -> None:
    old_phases, new_phases = old.phase_keys, new.phase_keys
    for key in [k for k in old_phases if k not in new_phases]:
        add("phase", "removed", key, f"phase removed: {key} \"{old.phase(key).labels.en}\"")
    for i, key in enumerate(new_phases):
        if key not in old_phases:
            where = f"after {new_phases[i - 1]}" if i else "first"
            add("phase", "added", key, f"phase added: {key} \"{new.phase(key).labels.en}\" ({where})")
    for key in [k for k in new_phases if k in old_phases]:
        a, b = old.phase(key).labels, new.phase(key).labels
        if a != b:
            add("phase", "changed", key, f"phase relabelled: {key}: {_labels(a, b)}", old=a, new=b)
    kept_old = [k for k in old_phases if k in new_phases]
    kept_new = [k for k in new_phases if k in old_phases]
    if kept_old != kept_new:
        add("phase", "changed", "order", f"phase order: {' → '.join(old_phases)} became {' → '.join(new_phases)}",
            old=old_phases, new=new_phases)


def _compare_checklists(old: Workflow, new: Workflow, add: Any) -> None:
    """Checklist items (keys are unique across a workflow's phases)."""
    old_items = {i.key: (p.key, i) for p in old.phases for i in p.checklist}
    new_items = {i.key: (p.key, i) for p in new.phases for i in p.checklist}
    for key, (phase, item) in old_items.items():
        if key not in new_items:
            add("checklist", "removed", key, f"checklist item removed: {key} ({phase}) \"{item.labels.en}\"",
                phase=phase)
    for key, (phase, item) in new_items.items():
        if key not in old_items:
            kind = "mandatory" if item.mandatory else "optional"
            add("checklist", "added", key, f"checklist item added: {key} ({phase}, {kind}) \"{item.labels.en}\"",
                phase=phase, new={"mandatory": item.mandatory})
        else:
            _compare_item(key, old_items[key], phase, item, add)


def _compare_item(key: str, was: tuple[str, Any], phase: str, item: Any, add: Any) -> None:
    """One checklist item kept from the old version: moved, made (non-)mandatory, relabelled."""
    old_phase, before = was
    if old_phase != phase:
        add("checklist", "changed", key, f"checklist item {key} moved from phase {old_phase} to {phase}",
            phase=phase, old={"phase": old_phase}, new={"phase": phase})
    if before.mandatory != item.mandatory:
        now = "mandatory" if item.mandatory else "optional"
        was_now = "mandatory" if before.mandatory else "optional"
        add("checklist", "changed", key, f"checklist item {key} ({phase}) is now {now} (was {was_now})",
            phase=phase, old={"mandatory": before.mandatory}, new={"mandatory": item.mandatory})
    if before.labels != item.labels:
        add("checklist", "changed", key, f"checklist item {key} relabelled: {_labels(before.labels, item.labels)}",
            phase=phase, old=before.labels, new=item.labels)


def _leads(dp: Any) -> str:
    return f"{dp.from_} → {dp.to or 'completed'}"


def _compare_decision_points(old: Workflow, new: Workflow, add: Any) -> None:
    old_dps = {dp.key: dp for dp in old.decision_points}
    new_dps = {dp.key: dp for dp in new.decision_points}
    for key, dp in old_dps.items():
        if key not in new_dps:
            add("decision_point", "removed", key, f"decision point removed: {key} ({_leads(dp)})", decision_point=key)
    for key, dp in new_dps.items():
        if key not in old_dps:
            crits = "; ".join(describe_criterion(c) for c in dp.criteria) or "no criteria"
            add("decision_point", "added", key,
                f"decision point added: {key} ({_leads(dp)}), decided by {', '.join(dp.deciders)}; needs: {crits}",
                decision_point=key)
        else:
            _compare_decision_point(key, old_dps[key], dp, add)


def _compare_decision_point(key: str, a: Any, dp: Any, add: Any) -> None:
    """One decision point in both versions: where it leads, its labels, deciders, outcomes and criteria."""
    if (a.from_, a.to) != (dp.from_, dp.to):
        add("decision_point", "changed", key, f"decision point {key}: now {_leads(dp)} (was {_leads(a)})",
            decision_point=key, old={"from": a.from_, "to": a.to}, new={"from": dp.from_, "to": dp.to})
    if a.labels != dp.labels:
        add("decision_point", "changed", key, f"decision point {key} relabelled: {_labels(a.labels, dp.labels)}",
            decision_point=key, old=a.labels, new=dp.labels)
    for field, what in (("deciders", "deciders"), ("outcomes", "outcomes")):
        before, after = list(getattr(a, field)), list(getattr(dp, field))
        gone = [x for x in before if x not in after]
        came = [x for x in after if x not in before]
        if gone:
            add("decision_point", "changed", key, f"decision point {key}: {what} removed: {', '.join(gone)}",
                decision_point=key, old=before, new=after)
        if came:
            add("decision_point", "changed", key, f"decision point {key}: {what} added: {', '.join(came)}",
                decision_point=key, old=before, new=after)
    _compare_criteria(key, a.criteria, dp.criteria, add)


def _compare_reminders(old: Workflow, new: Workflow, add: Any) -> None:
    """The reminder ladder."""
    for field in type(old.reminders).model_fields:
        a_val, b_val = getattr(old.reminders, field), getattr(new.reminders, field)
        if a_val != b_val:
            add("reminders", "changed", field, f"reminders: {field} {a_val} → {b_val}", old=a_val, new=b_val)


def _compare_time_rules(old: Workflow, new: Workflow, add: Any) -> None:
    """The time rules: hold review, dormancy, benefit reviews, and each decision point's condition rule."""
    for field in ("hold_review_after", "dormant_after", "on_dormant", "benefit_reviews"):
        a_val, b_val = getattr(old, field), getattr(new, field)
        if a_val != b_val:
            add("time_rules", "changed", field, f"time rules: {field} {a_val or '-'} → {b_val or '-'}",
                old=a_val, new=b_val)
    old_dps = {dp.key: dp for dp in old.decision_points}
    for dp in new.decision_points:
        before = old_dps.get(dp.key)
        if before is not None and before.on_condition_missed != dp.on_condition_missed:
            add("time_rules", "changed", dp.key, f"decision point {dp.key}: on_condition_missed "
                                                 f"{before.on_condition_missed} → {dp.on_condition_missed}",
                decision_point=dp.key, old=before.on_condition_missed, new=dp.on_condition_missed)


def _compare_criteria(key: str, before: list[Any], after: list[Any], add: Any) -> None:
    """Criteria added and removed at one decision point.

    A criterion is its whole content; when exactly one criterion of a kind went and
    one of the same kind came (new anchoring bodies, other goal levels), that is
    reported as one change.
    """
    def canon(c: Any) -> str:
        return json.dumps(_dump(c), sort_keys=True)

    a_keys, b_keys = [canon(c) for c in before], [canon(c) for c in after]
    gone = [c for c, k in zip(before, a_keys) if k not in b_keys]
    came = [c for c, k in zip(after, b_keys) if k not in a_keys]
    for kind in dict.fromkeys(c.kind for c in gone + came):
        g = [c for c in gone if c.kind == kind]
        n = [c for c in came if c.kind == kind]
        if len(g) == 1 and len(n) == 1 and kind != "role":
            add("criterion", "changed", kind,
                f"decision point {key}: criterion changed: {describe_criterion(g[0])} → {describe_criterion(n[0])}",
                decision_point=key, old=g[0], new=n[0])
            continue
        for c in g:
            add("criterion", "removed", kind, f"decision point {key}: criterion removed: {describe_criterion(c)}",
                decision_point=key, old=c)
        for c in n:
            add("criterion", "added", kind, f"decision point {key}: criterion added: {describe_criterion(c)}",
                decision_point=key, new=c)


def diff_versions(db: Database, *, name: str, old: int, new: int) -> WorkflowDiff:
    """Compare two versions of workflow ``name`` (stored copies first, else files).

    A version's source is ``database`` or the file's path.
    """
    check_version(old)
    check_version(new)
    with db.unit() as uow:
        a, _, a_path = find_version(uow, name, old)
        b, _, b_path = find_version(uow, name, new)
    return WorkflowDiff(workflow=name, from_version=old, to_version=new,
                        from_source=str(a_path) if a_path else "database",
                        to_source=str(b_path) if b_path else "database", changes=compare(a, b))
