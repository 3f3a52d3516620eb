"""Time rules in workflow files: validated with line numbers, compared by workflow diff."""

from __future__ import annotations

import datetime as dt

import pytest

from plp import durations
from plp.services.workflows import compare
from plp.workflow import parse, shipped_dir

pytestmark = pytest.mark.no_database  # workflow files only, no database


def _plp() -> str:
    return (shipped_dir() / "plp.yaml").read_text(encoding="utf-8")


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_hold_rule_where_the_next_decision_point_has_no_hold_is_reported_at_its_line():
    text = _plp().replace("    to: finalisation\n", "    to: finalisation\n    on_condition_missed: hold\n", 1)
    problems = parse(text).problems
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if "on_condition_missed: hold" in line]
    assert any(ln == lines[1] and "BP4" in msg and "no 'hold' outcome" in msg for ln, msg in problems), problems


def test_a_malformed_duration_is_reported_at_its_line():
    text = _plp().replace("dormant_after: 365d", "dormant_after: a year")
    problems = parse(text).problems
    assert problems == [(_line(text, "dormant_after: a year"), problems[0][1])]
    assert "duration like 90d" in problems[0][1]


def test_benefit_reviews_must_grow_and_dormancy_must_come_after_the_review():
    text = _plp().replace("[6m, 12m, 24m]", "[12m, 6m]").replace("dormant_after: 365d", "dormant_after: 30d")
    messages = [m for _, m in parse(text).problems]
    assert any("6m must come after 12m" in m for m in messages)
    assert any("must be longer than hold_review_after" in m for m in messages)


def test_on_dormant_stop_needs_dormant_after():
    text = _plp().replace("dormant_after: 365d\n", "").replace("on_dormant: mark", "on_dormant: stop")
    assert any("on_dormant: stop needs dormant_after" in m for _, m in parse(text).problems)


def test_diff_names_changed_time_rules():
    old = parse(_plp()).workflow
    new = parse(_plp().replace("version: 1", "version: 2").replace("[6m, 12m, 24m]", "[12m]")
                .replace("    on_condition_missed: hold", "    on_condition_missed: notify")).workflow
    texts = [c.text for c in compare(old, new) if c.area == "time_rules"]
    assert texts == ["time rules: benefit_reviews ['6m', '12m', '24m'] → ['12m']",
                     "decision point BP2: on_condition_missed hold → notify"]


def test_months_are_calendar_months_clamped_to_the_month_end():
    assert durations.add(dt.date(2025, 8, 31), "6m") == dt.date(2026, 2, 28)
    assert durations.add(dt.date(2025, 1, 31), "1y") == dt.date(2026, 1, 31)
    assert durations.add(dt.date(2025, 1, 1), "90d") == dt.date(2025, 4, 1)


def test_a_workflow_without_time_rules_keeps_its_fingerprint():
    text = _plp()
    for line in ("hold_review_after: 90d\n", "dormant_after: 365d\n", "on_dormant: mark\n",
                 "benefit_reviews: [6m, 12m, 24m]\n", "    on_condition_missed: hold   # a conditional go whose "
                 "condition is missed puts the project on hold\n"):
        text = text.replace(line, "")
    wf = parse(text).workflow
    assert wf is not None and "on_dormant" not in wf.to_json() and "on_condition_missed" not in wf.to_json()
