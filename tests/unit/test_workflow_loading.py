"""Workflow files: the shipped ones validate, bad ones are explained with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from plp import workflow as wfmod
from plp.errors import WorkflowError

pytestmark = pytest.mark.no_database  # workflow files only, no database

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "workflows").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_workflow_validates(path):
    loaded = wfmod.parse(path.read_text(encoding="utf-8"), str(path))
    assert loaded.problems == []
    wf = loaded.workflow
    assert wf.name == path.stem and wf.version >= 1
    for phase in wf.phases:
        assert phase.labels.nn and phase.labels.nb and phase.labels.en
        assert any(item.mandatory for item in phase.checklist), f"{phase.key} has no mandatory checklist item"


def test_the_three_required_workflows_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert {"plp", "prosjektveiviseren", "pm2"} <= names


def test_plp_has_the_four_phases_and_a_closing_decision():
    wf, _ = wfmod.find("plp")
    assert wf.phase_keys == ["idea", "pre_project", "main_project", "finalisation"]
    assert [(d.from_, d.to) for d in wf.decision_points] == [
        ("idea", "pre_project"), ("pre_project", "main_project"), ("main_project", "finalisation"),
        ("finalisation", None)]


def test_prosjektveiviseren_and_pm2_have_their_own_phases_and_gates():
    pv, _ = wfmod.find("prosjektveiviseren")
    assert pv.phase_keys == ["idea", "concept", "plan", "execute", "close", "realise"]
    assert [d.key for d in pv.decision_points][:5] == ["BP1", "BP2", "BP3", "BP4", "BP5"]
    pm2, _ = wfmod.find("pm2")
    assert pm2.phase_keys == ["initiating", "planning", "executing", "closing"]
    assert [d.key for d in pm2.decision_points][:3] == ["RfP", "RfE", "RfC"]


def _good_text() -> str:
    return (Path(__file__).resolve().parents[2] / "workflows" / "plp.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_broken_yaml_is_reported_with_its_line():
    text = _good_text().replace("  - key: pre_project\n", "  - key: [pre_project\n")
    loaded = wfmod.parse(text, "x.yaml")
    assert loaded.workflow is None
    line, msg = loaded.problems[0]
    assert "invalid YAML" in msg and line is not None and line >= _line_of(text, "key: [pre_project")


def test_a_duplicate_key_is_reported_at_the_second_occurrence():
    text = _good_text().replace("version: 1\n", "version: 1\nversion: 2\n", 1)
    loaded = wfmod.parse(text, "x.yaml")
    assert loaded.workflow is None
    first = _line_of(text, "version: 1")
    assert (first + 1, f"duplicate key 'version' (first at line {first})") in loaded.problems


def test_an_unknown_criterion_is_reported_at_its_line():
    text = _good_text().replace("- {kind: milestones}", "- {kind: horoscope}", 1)
    loaded = wfmod.parse(text, "x.yaml")
    [(line, msg)] = loaded.problems
    assert line == _line_of(text, "kind: horoscope")
    assert "horoscope" in msg and "criteria" in msg


def test_an_unknown_phase_in_a_decision_point_is_reported():
    text = _good_text().replace("    from: main_project\n", "    from: main_projekt\n")
    loaded = wfmod.parse(text, "x.yaml")
    msgs = dict((m, ln) for ln, m in loaded.problems)
    assert msgs["decision point BP3: unknown phase 'main_projekt'"] == _line_of(text, "from: main_projekt")
    assert any("main_project' has no decision point leaving it" in m for m in msgs)


def test_an_unreachable_phase_is_reported():
    # BP1 jumps straight to main_project: pre_project can never be reached.
    text = _good_text().replace("    from: idea\n    to: pre_project\n", "    from: idea\n    to: main_project\n")
    loaded = wfmod.parse(text, "x.yaml")
    [(line, msg)] = loaded.problems
    assert msg == "phase 'pre_project' is unreachable from the first phase 'idea'"
    assert line == _line_of(text, "- key: pre_project")


def test_a_cycle_between_phases_is_reported():
    text = _good_text().replace("    from: main_project\n    to: finalisation\n", "    from: main_project\n    to: idea\n")
    problems = wfmod.parse(text, "x.yaml").problems
    assert any("leads back to phase 'idea'" in m for _, m in problems)


def test_an_unknown_role_and_missing_labels_are_reported():
    text = _good_text().replace("deciders: [sponsor, steering]", "deciders: [sponsor, mayor]", 1)
    text = text.replace("  hold:   {nn: set på vent, nb: sett på vent, en: put on hold}\n", "")
    msgs = [m for _, m in wfmod.parse(text, "x.yaml").problems]
    assert "decision point BP1: unknown role 'mayor' in deciders" in msgs
    assert "outcomes: no labels for 'hold'" in msgs


def test_a_label_missing_a_language_is_reported():
    text = _good_text().replace("{nn: Forprosjekt, nb: Forprosjekt, en: Pre-project}", "{nn: Forprosjekt, en: Pre-project}")
    [(line, msg)] = wfmod.parse(text, "x.yaml").problems
    assert line == _line_of(text, "{nn: Forprosjekt, en: Pre-project}")
    assert "nb" in msg


def test_load_file_raises_with_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 0\n", encoding="utf-8")
    with pytest.raises(WorkflowError) as e:
        wfmod.load_file(bad)
    assert len(e.value.problems) > 1
    assert all(line.startswith(str(bad)) for line in e.value.lines())


def test_a_file_that_is_not_a_mapping_is_refused():
    assert wfmod.parse("- just\n- a list\n", "x.yaml").problems == [
        (1, "a workflow file must be a mapping with name, version, phases ...")]
