"""A decision point's criteria said in the report's language.

Whether a criterion is met is the engine's word (:func:`plp.engine.gate_status`);
this module only says it in nynorsk, bokmål or English, naming what is missing
with the workflow's own labels (roles, goal levels, checklist items). In English
most details read as the engine's do, e.g. ``political anchoring missing: Iveland``;
checklist items are named by their labels rather than their keys.
"""

from __future__ import annotations

from typing import Any

from plp import engine
from plp.reports.labels import Labels
from plp.workflow import (
    AnchoringCriterion,
    ChecklistCriterion,
    GoalsCriterion,
    MilestonesCriterion,
    RoleCriterion,
    Workflow,
)


def describe(wf: Workflow, gate: engine.GateStatus, facts: engine.GateFacts, lang: str) -> list[dict[str, Any]]:
    """One entry per criterion: ``key, kind, met, label, detail, short`` (localised) and ``missing_orgs``.

    ``short`` is the detail without the list of open milestones, for overviews.
    """
    t = Labels(lang)
    out = []
    for crit, result in zip(gate.decision_point.criteria, gate.criteria):
        label, detail, orgs = _one(wf, crit, facts, t, lang)
        short = detail
        if isinstance(crit, MilestonesCriterion) and not result.met:  # the titles are in the milestone list
            short = t("crit_milestones_open_short", n=len(facts.open_milestones.get(facts.phase, [])))
        out.append({"key": result.key, "kind": crit.kind, "met": result.met, "label": label,
                    "detail": detail, "short": short, "missing_orgs": orgs})
    return out


def _one(wf: Workflow, crit: Any, facts: engine.GateFacts, t: Labels, lang: str) -> tuple[str, str, list[str]]:
    if isinstance(crit, RoleCriterion):
        role = wf.roles[crit.role].labels.get(lang)
        holders = facts.roles.get(crit.role, [])
        label = _cap(t("crit_role", role=role))
        return label, (f"{role}: {', '.join(holders)}" if holders else t("crit_role_missing", role=role)), []
    if isinstance(crit, GoalsCriterion):
        names = lambda levels: ", ".join(wf.goal_levels[lvl].get(lang) for lvl in levels)  # noqa: E731
        missing = [lvl for lvl in crit.levels if lvl not in facts.goal_levels]
        label = t("crit_goals", levels=names(crit.levels))
        if missing:
            return label, t("crit_goals_missing", items=names(missing)), []
        return label, t("crit_goals_present", items=names(crit.levels)), []
    if isinstance(crit, ChecklistCriterion):
        items = [i for i in wf.phase(facts.phase).checklist if i.mandatory]
        open_items = [i.labels.get(lang) for i in items if i.key not in facts.ticked]
        if open_items:
            return t("crit_checklist"), t("crit_checklist_open", items=", ".join(open_items)), []
        return t("crit_checklist"), t("crit_checklist_done", n=len(items)), []
    if isinstance(crit, AnchoringCriterion):
        kind = t(f"kind_{crit.anchoring}")
        label = t("crit_anchoring", kind=kind)
        if crit.bodies:
            label += f" ({', '.join(crit.bodies)})"
        owners = [o for o in facts.owners if o.grade in crit.grades]
        if not owners:
            return label, t("crit_anchoring_no_owners"), []
        gaps = engine.anchoring_gaps(crit, facts)
        missing = [org for org, a in gaps if a is None]
        refused = [f"{org} ({t('crit_anchoring_by', outcome=t('outcome_' + a.outcome), body=a.body, ref=a.ref, date=a.date.isoformat())})"
                   for org, a in gaps if a is not None]
        parts = []
        if missing:
            parts.append(t("crit_anchoring_missing", kind=kind, orgs=", ".join(missing)))
        if refused:
            parts.append(t("crit_anchoring_refused", items=", ".join(refused)))
        if parts:
            return label, "; ".join(parts), [org for org, _ in gaps]
        return label, t("crit_anchoring_ok", n=len(owners)), []
    if isinstance(crit, MilestonesCriterion):
        open_titles = facts.open_milestones.get(facts.phase, [])
        if open_titles:
            shown = ", ".join(open_titles[:5]) + (" ..." if len(open_titles) > 5 else "")
            return t("crit_milestones"), t("crit_milestones_open", n=len(open_titles), items=shown), []
        return t("crit_milestones"), t("crit_milestones_ok"), []
    return crit.kind, "", []  # pragma: no cover - the workflow schema allows no other kind


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
