"""The trust check's arithmetic and the reports' words: pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from plp.errors import InvalidInput, NotFound
from plp import texts as labels
from plp.services.reporting import light
from plp.services.trust import FACTORS, parse_scores, summarise

pytestmark = pytest.mark.no_database  # pure arithmetic and words, no database

D1, D2, D3 = dt.date(2016, 11, 1), dt.date(2017, 9, 1), dt.date(2018, 9, 1)


def _factor(report, key):
    return next(f for f in report.factors if f.factor == key)


def test_mean_spread_and_count_per_factor():
    report = summarise([("2016", D1, [(4, 2, 5, 3, 3), (2, 4, 5, 3, 5)])])
    goals = _factor(report, "shared_goals")
    assert (goals.mean, goals.spread, goals.answers) == (3.0, 1.0, 2)
    assert _factor(report, "attitudes").spread == 0.0
    assert report.round == "2016" and report.previous_round is None
    assert goals.change is None and goals.previous_mean is None


def test_a_fall_of_exactly_half_a_point_is_flagged_but_less_is_not():
    before = [(4, 4, 4, 4, 4), (4, 4, 4, 4, 4)]
    after = [(4, 3, 4, 4, 4), (3, 4, 4, 4, 4)]  # shared goals and anchoring fall by exactly 0.5
    report = summarise([("a", D1, before), ("b", D2, after)])
    assert _factor(report, "shared_goals").change == -0.5
    assert _factor(report, "shared_goals").reasons == ["fell"]
    assert _factor(report, "anchoring").flag is True
    assert _factor(report, "attitudes").flag is False
    slight = summarise([("a", D1, [(4, 4, 4, 4, 4)] * 3), ("b", D2, [(4, 4, 4, 4, 4), (4, 4, 4, 4, 4), (3, 4, 4, 4, 4)])])
    assert _factor(slight, "shared_goals").change == -0.33
    assert _factor(slight, "shared_goals").flag is False


def test_a_mean_below_three_is_flagged_even_without_a_previous_round():
    report = summarise([("2016", D1, [(2, 3, 3, 3, 3), (3, 3, 3, 3, 3)])])
    assert _factor(report, "shared_goals").reasons == ["low"]
    assert _factor(report, "anchoring").flag is False  # exactly 3 is not below 3


def test_a_factor_can_be_flagged_for_both_reasons():
    report = summarise([("a", D1, [(4, 4, 4, 4, 4)]), ("b", D2, [(2, 4, 4, 4, 4)])])
    assert _factor(report, "shared_goals").reasons == ["fell", "low"]


def test_an_earlier_round_is_compared_with_the_one_before_it_and_the_trend_has_every_round():
    rounds = [("a", D1, [(5, 5, 5, 5, 5)]), ("b", D2, [(3, 3, 3, 3, 3)]), ("c", D3, [(4, 4, 4, 4, 4)])]
    report = summarise(rounds, "b")
    assert (report.round, report.previous_round) == ("b", "a")
    assert _factor(report, "framework").change == -2.0
    assert [r.round for r in report.rounds] == ["a", "b", "c"]
    assert report.rounds[2].means == {k: 4.0 for k in FACTORS}
    with pytest.raises(NotFound, match="unknown round 'z'"):
        summarise(rounds, "z")


def test_no_answers_is_a_clear_error():
    with pytest.raises(NotFound, match="no trust answers"):
        summarise([])


@pytest.mark.parametrize("text,message", [
    ("4,3", "needs 5 scores"), ("4,3,5,4,3,2", "needs 5 scores"), ("6,3,4,4,4", "invalid score '6'"),
    ("0,3,4,4,4", "invalid score '0'"), ("4,3,x,4,4", "invalid score 'x' for attitudes"),
    ("4.5,3,4,4,4", "invalid score '4.5'"), ("", "needs 5 scores"),
])
def test_bad_scores_are_refused(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_scores(text)


def test_scores_are_read_in_the_order_of_the_five_factors():
    assert parse_scores(" 4, 3,5 ,4,3") == (4, 3, 5, 4, 3)
    assert FACTORS == ("shared_goals", "anchoring", "attitudes", "processes", "framework")


def test_traffic_lights_green_yellow_within_14_days_red_overdue():
    today = dt.date(2026, 3, 10)
    assert light(dt.date(2026, 3, 9), None, today) == "red"
    assert light(today, None, today) == "yellow"
    assert light(dt.date(2026, 3, 24), None, today) == "yellow"
    assert light(dt.date(2026, 3, 25), None, today) == "green"
    assert light(dt.date(2026, 3, 1), dt.date(2026, 3, 2), today) == "done"


def test_every_report_label_exists_in_nynorsk_bokmal_and_english():
    keys = list(labels.keys())
    assert len(keys) > 20 and set(labels.LANGS) == {"nn", "nb", "en"}
    for key in keys:
        for lang in labels.LANGS:
            assert labels.Labels(lang)(key).strip(), (key, lang)
    t = labels.Labels("nn")
    assert t("status_report") == "Statusrapport"
    assert labels.Labels("en")("crit_anchoring_missing", kind="political", orgs="Iveland") == \
        "political anchoring missing: Iveland"


def test_reports_default_to_nynorsk_and_follow_plp_lang(monkeypatch):
    assert labels.report_lang(None) == "nn"
    monkeypatch.setenv("PLP_LANG", "nb")
    assert labels.report_lang(None) == "nb"
    assert labels.report_lang("en") == "en"
    with pytest.raises(InvalidInput, match="unknown language 'de'"):
        labels.report_lang("de")
    monkeypatch.setenv("PLP_LANG", "sv")
    with pytest.raises(InvalidInput, match="PLP_LANG 'sv'"):
        labels.report_lang(None)
