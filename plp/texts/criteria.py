"""A decision point's criteria said in the report's language.

Whether a criterion is met is the engine's word (:func:`plp.engine.gate_status`);
how each kind is said lives with the kind in :mod:`plp.criteria`. This module hands
it the report's words (``labels.yaml``) in nynorsk, bokmål or English, so missing
things are named with the workflow's own labels (roles, goal levels, checklist
items). In English most details read as the engine's do, e.g. ``political anchoring
missing: Iveland``; checklist items are named by their labels rather than their keys.
"""

from __future__ import annotations

from typing import Any

from plp import engine
from plp.criteria import kind_of
from plp.texts import Labels
from plp.workflow import Workflow


def describe(wf: Workflow, gate: engine.GateStatus, facts: engine.GateFacts, lang: str) -> list[dict[str, Any]]:
    """One entry per criterion: ``key, kind, met, label, detail, short`` (localised) and ``missing_orgs``.

    ``short`` is the detail without the list of open milestones, for overviews.
    """
    t = Labels(lang)
    out = []
    for crit, result in zip(gate.decision_point.criteria, gate.criteria):
        said = kind_of(crit).explain(wf, crit, facts, t, lang)
        out.append({"key": result.key, "kind": crit.kind, "met": result.met, "label": said.label,
                    "detail": said.detail, "short": said.short, "missing_orgs": said.missing_orgs})
    return out
