"""What ``plp import json`` checks before it writes anything.

An export can be edited by hand, so every row must pass the checks the commands
apply to the same values (the services' own ``check_*`` validators: text rules,
emails, lengths, known kinds and outcomes), refer to phases, roles, checklist items
and decision points that exist in the project's stored workflow, keep names, emails
and codes unique regardless of case, and the history must verify: an unbroken chain
(with ``PLP_AUDIT_KEY`` when it is keyed) whose replay matches every table.
"""

from __future__ import annotations

from typing import Any, Callable

from plp.errors import InvalidInput, PlpError
from plp.workflow import STATUSES, Workflow

Rows = dict[str, list[dict[str, Any]]]


def check_export(tables: Rows, source: str) -> None:
    """Raise :class:`InvalidInput` naming the first row (or the history) that a command would refuse."""
    workflows = _workflows(tables)
    projects = {r["id"]: r for r in tables.get("project", [])}

    def wf_of(project_id: Any) -> Workflow:
        project = projects.get(project_id)
        if project is None or project.get("workflow_id") not in workflows:
            raise InvalidInput(f"refers to project {project_id}, which is not in the export (or has no workflow)")
        return workflows[project["workflow_id"]]

    for table, check in _checks(wf_of, workflows).items():
        for i, row in enumerate(tables.get(table, [])):
            try:
                check(row)
            except PlpError as e:
                raise InvalidInput(f"refused: {table} row {i + 1} (id {row.get('id', row.get('key'))}) in {source}: "
                                   f"{e}") from None
    _check_case_duplicates(tables, source)
    _check_history(tables, source)


def _workflows(tables: Rows) -> dict[Any, Workflow]:
    out = {}
    for i, row in enumerate(tables.get("workflow_def", [])):
        try:
            out[row["id"]] = Workflow.from_json(row["definition"])
        except Exception:
            raise InvalidInput(f"damaged export: workflow_def row {i + 1} is not a valid workflow") from None
    return out


def _checks(wf_of: Callable[[Any], Workflow], workflows: dict[Any, Workflow]) -> dict[str, Callable[[dict], Any]]:
    from plp.services import anchoring, decisions, directory, milestones, network, plans, projects, settings
    from plp.services import team, trust
    from plp.services.common import choose

    def project(r: dict) -> None:
        projects.check_project(r["code"], r["name"])
        if r["workflow_id"] not in workflows:
            raise InvalidInput(f"its workflow {r['workflow_id']} is not in the export")
        choose(r["phase"], workflows[r["workflow_id"]].phase_keys, "phase")
        choose(r["status"], STATUSES, "status")

    def anchor(r: dict) -> None:
        body, kind = anchoring.check_anchoring(r["body"], r["kind"], r["outcome"], r["ref"])
        if body != r["body"]:
            raise InvalidInput(f"unknown body '{r['body']}' (stored bodies are: {', '.join(anchoring.BODIES)})")

    def decision(r: dict) -> None:
        decisions.check_decision(r["outcome"], r.get("note"))
        wf = wf_of(r["project_id"])
        choose(r["decision_point"], [dp.key for dp in wf.decision_points], "decision point")
        choose(r["from_phase"], wf.phase_keys, "phase")
        if r.get("to_phase") is not None:
            choose(r["to_phase"], wf.phase_keys, "phase")

    def setting(r: dict) -> None:
        if settings.check_setting(r["key"], r["value"]) != r["value"]:
            raise InvalidInput(f"{r['key']} must be written in lower case")

    return {
        "org": lambda r: directory.check_org(r["name"], r["kind"]),
        "person": lambda r: directory.check_person(r["name"], r.get("email"), r.get("phone"), r.get("lang")),
        "project": project,
        "role_assignment": lambda r: choose(r["role"], wf_of(r["project_id"]).roles, "role"),
        "goal": lambda r: team.check_goal(r["level"], r["text"], r.get("indicator"), r.get("target")),
        "milestone": lambda r: (milestones.check_milestone(r["title"]),
                                choose(r["phase"], wf_of(r["project_id"]).phase_keys, "phase")),
        "checklist_tick": lambda r: wf_of(r["project_id"]).checklist_item(r["item_key"]),
        "anchoring": anchor,
        "decision": decision,
        "plan": lambda r: plans.check_plan(r["code"], r["title"]),
        "measure": lambda r: plans.check_measure(r["title"], r["status"], r.get("note")),
        "setting": setting,
        "network_meeting": lambda r: network.check_meeting(r.get("note")),
        "trust_answer": lambda r: trust.check_answer(r["round"], tuple(r[f] for f in trust.FACTORS), r.get("comment")),
    }


#: (table, column, what): unique regardless of case, as the database's lower() indexes require.
CASE_UNIQUE = (("org", "name", "organisation name"), ("person", "email", "email"),
               ("project", "code", "project code"), ("plan", "code", "plan code"))


def _check_case_duplicates(tables: Rows, source: str) -> None:
    for table, column, what in CASE_UNIQUE:
        seen: dict[str, Any] = {}
        for row in tables.get(table, []):
            value = row.get(column)
            if value is None:
                continue
            if value.lower() in seen:
                raise InvalidInput(f"refused: {source} has the {what}s '{seen[value.lower()]}' and '{value}', "
                                   f"which differ only in case")
            seen[value.lower()] = value


def _check_history(tables: Rows, source: str) -> None:
    from plp import replay
    from plp.audit import audit_key, walk

    events = sorted(tables.get("event", []), key=lambda e: e["id"])
    rows = [(e["id"], e["at"], e["actor"], e["kind"], e.get("project_id"), e["data"], e["prev_hash"], e["hash"])
            for e in events]
    state = replay.Replay()
    chain = walk(rows, audit_key(), each=state.apply)
    head = next(iter(tables.get("audit_head", [])), None)
    verdict = chain.finish((head["last_event_id"], head["last_hash"]) if head else None)
    problem = verdict.problem if not verdict.ok else getattr(state.compare(tables), "text", None)
    if problem:
        raise InvalidInput(f"refused: the history in {source} does not verify: {problem}")
