"""The criterion kinds: one handler per kind of the schema, saying the same thing everywhere."""

from __future__ import annotations

import datetime as dt
import typing

import pytest

from plp import criteria, engine
from plp.criteria import AnchorFact, GateFacts, OwnerFact
from plp.texts import Labels
from plp.workflow import CRITERION_KINDS, Criterion, find

pytestmark = pytest.mark.no_database  # pure criteria over facts, no database

WORKFLOWS = [find(name)[0] for name in ("plp", "prosjektveiviseren", "pm2")]


def test_every_kind_the_schema_accepts_has_exactly_one_handler():
    union = typing.get_args(typing.get_args(Criterion)[0])
    schema_kinds = {typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in union}
    assert schema_kinds == set(CRITERION_KINDS) == set(criteria.KINDS)
    for name, handler in criteria.KINDS.items():
        assert handler.name == name


def unmet_facts(phase: str) -> GateFacts:
    """Nothing done, one owner who refused: every kind of criterion is unmet."""
    return GateFacts(phase=phase, owners=[OwnerFact("Iveland", "A")], open_milestones={phase: ["#1 Plan"]},
                     anchoring=[AnchorFact("Iveland", "kommunestyre", "political", "refused", dt.date(2026, 1, 5),
                                           "PS 1/26")])


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_a_report_in_english_says_what_the_engine_says_except_that_it_names_checklist_items_by_label(wf):
    for phase in wf.phase_keys:
        facts = unmet_facts(phase)
        gate = engine.gate_status(wf, facts)
        for crit, result in zip(gate.decision_point.criteria, gate.criteria):
            said = criteria.kind_of(crit).explain(wf, crit, facts, Labels("en"), "en")
            assert not result.met, result
            if crit.kind == "checklist":
                labels = [i.labels.en for i in wf.phase(phase).checklist if i.mandatory]
                assert said.detail == "checklist not done: " + ", ".join(labels)
            else:
                assert said.detail == result.detail, crit.kind


@pytest.mark.parametrize("lang", ["nn", "nb", "en"])
def test_every_criterion_of_the_shipped_workflows_is_explained_and_described_in_each_language(lang):
    for wf in WORKFLOWS:
        for dp in wf.decision_points:
            facts = unmet_facts(dp.from_)
            for crit in dp.criteria:
                kind = criteria.kind_of(crit)
                said = kind.explain(wf, crit, facts, Labels(lang), lang)
                assert said.label and said.detail and said.short
                assert kind.describe(wf, crit, lang) and kind.summary(crit)
                if crit.kind == "anchoring":
                    assert said.missing_orgs == ["Iveland"]
