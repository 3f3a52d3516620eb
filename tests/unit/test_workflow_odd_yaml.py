"""Odd YAML in a workflow file is a problem with a line, never an exception.

Keys that are lists, mappings, numbers or true/false; a mapping where a list belongs
and the other way round; numbers where text belongs; numbers too big to store;
characters YAML forbids; nesting deeper than Python's stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plp import workflow as wfmod

pytestmark = pytest.mark.no_database  # workflow files only, no database

BASE = (Path(__file__).resolve().parents[2] / "workflows" / "plp.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def _problems(text: str) -> list[tuple[int | None, str]]:
    loaded = wfmod.parse(text, "odd.yaml")
    assert loaded.workflow is None and loaded.problems, "an odd file must not pass"
    return loaded.problems


ODD = {
    "a list as a key": ("? [a, b]\n: c\n", "a key must be a name, not a list"),
    "a list as a key inside the outcomes": (
        BASE.replace("outcomes:\n", "outcomes:\n  ? [go, stop]\n  : {nn: a, nb: b, en: c}\n", 1),
        "a key must be a name, not a list"),
    "a mapping as a key": ("{a: 1}: c\n", "a key must be a name, not a mapping"),
    "a number as a role's name": (BASE.replace("  worker:    {labels", "  7:    {labels", 1),
                                  "key '7' is read as a number"),
    "yes/no as an outcome's name": (BASE.replace("  go:     {nn", "  on:     {nn", 1),
                                    "key 'on' is read as true/false"),
    "a mapping where the phases list belongs": (BASE.replace("phases:\n", "phases: {idea: 1}\nold_phases:\n", 1),
                                                "phases: Input should be a valid list"),
    "a list where the roles mapping belongs": (BASE.replace("roles:\n", "roles: [sponsor]\nold_roles:\n", 1),
                                               "roles: Input should be a valid dictionary"),
    "a number where the name belongs": (BASE.replace("name: plp", "name: 12", 1),
                                        "name: Input should be a valid string"),
    "a number where a label belongs": (BASE.replace("en: project sponsor}", "en: 5}", 1),
                                       "roles.sponsor.labels.en: Input should be a valid string"),
    "a list where a phase key belongs": (BASE.replace("  - key: idea\n", "  - key: [idea]\n", 1),
                                         "phases[0].key: Input should be a valid string"),
    "text where a checklist flag belongs": (BASE.replace("mandatory: false", "mandatory: maybe", 1),
                                            "phases[0].checklist[2].mandatory: Input should be a valid boolean"),
    "a version too big to store": (BASE.replace("version: 1\n", "version: 99999999999999999999\n", 1), "version:"),
    "a version given as true": (BASE.replace("version: 1\n", "version: true\n", 1), "version:"),
    "a reminder every 0 days": (BASE.replace("overdue_every_days: 7", "overdue_every_days: 0", 1),
                                "reminders.overdue_every_days: Input should be greater than or equal to 1"),
    "a reminder ladder of text": (BASE.replace("before_days: [14, 3, 0]", "before_days: soon", 1),
                                  "reminders.before_days: Input should be a valid list"),
    "a NUL character": ("name: plp\nversion: 1\nlabels: a\x00b\n", "character U+0000 is not allowed"),
}


@pytest.mark.parametrize("case", list(ODD), ids=list(ODD))
def test_odd_yaml_is_a_problem_with_its_line_not_an_exception(case):
    text, expected = ODD[case]
    problems = _problems(text)
    hits = [(line, msg) for line, msg in problems if expected in msg]
    assert hits, problems
    assert all(isinstance(line, int) and line >= 1 for line, _ in hits), hits


def test_the_line_of_an_odd_key_is_the_line_where_it_stands():
    text = BASE.replace("outcomes:\n", "outcomes:\n  ? [go, stop]\n  : {nn: a, nb: b, en: c}\n", 1)
    [(line, _)] = [p for p in _problems(text) if "not a list" in p[1]]
    assert line == _line_of(text, "? [go, stop]")


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{a: " * 5000 + "1" + "}" * 5000])
def test_nesting_deeper_than_the_stack_is_a_problem_not_a_recursion_error(nested):
    assert _problems(f"name: x\nextra: {nested}\n") == [(None, "invalid YAML: nested too deeply")]


def test_control_characters_from_the_file_are_shown_as_escapes_in_the_problems():
    problems = _problems(BASE + '"extra\\e[31m": 1\n')
    assert all("\x1b" not in msg for _, msg in problems)
    assert any(msg.startswith("extra\\x1b[31m: Extra inputs") for _, msg in problems), problems


# ------------------------------------------------------------ generated shapes

_SCALARS = st.sampled_from(["1", "-1", "99999999999999999999", "1.5", ".nan", ".inf", "yes", "no", "on", "~", "null",
                            "''", '"x"', "2020-01-01", "!!binary aGk=", "x", "[]", "{}", "!!set {a}", "'[/]'",
                            '"\\u202e"', "0x1F", "!!str 1", "!!int 1", "!!float 1"])


def _flow(children):
    keys = st.one_of(_SCALARS, children)
    return st.one_of(st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
                     st.lists(st.tuples(keys, children), max_size=3).map(
                         lambda kv: "{" + ", ".join(f"? {k} : {v}" for k, v in kv) + "}"))


_NODE = st.recursive(_SCALARS, _flow, max_leaves=12)
_TOP_KEYS = list(yaml.safe_load(BASE))


@st.composite
def _odd_files(draw) -> str:
    """plp.yaml with one part replaced by a generated shape, or an odd key added."""
    node = draw(_NODE)
    where = draw(st.sampled_from(["top-key", "value", "phase", "decision-point", "labels"]))
    if where == "top-key":
        return BASE + f"? {node}\n: 1\n"
    if where == "value":
        key = draw(st.sampled_from(_TOP_KEYS))
        data = {k: v for k, v in yaml.safe_load(BASE).items() if k != key}
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + f"{key}: {node}\n"
    if where == "phase":
        return BASE.replace("  - key: idea\n", f"  - {node}\n  - key: idea\n", 1)
    if where == "decision-point":
        return BASE.replace("    deciders: [sponsor", f"    deciders: {node}\n    old_deciders: [sponsor", 1)
    return BASE.replace("labels: {nn: Forprosjekt, nb: Forprosjekt, en: Pre-project}", f"labels: {node}", 1)


@settings(max_examples=150, deadline=None)
@given(text=_odd_files())
def test_any_generated_shape_gives_problems_with_lines_and_never_raises(text):
    loaded = wfmod.parse(text, "odd.yaml")
    assert (loaded.workflow is None) == bool(loaded.problems)
    for line, message in loaded.problems:
        assert line is None or (isinstance(line, int) and line >= 1)
        assert isinstance(message, str) and message and "\n" not in message
