"""Requests beyond the rules (政策边界) and the monthly themes that move them (每月一题)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_scenario, stepped
from scipy import stats

from model import simulate
from model.rules.policy import PolicyRule
from model.scenario.rule_groups import PolicyParams


def rule(**params: float) -> PolicyRule:
    """A policy rule over four categories."""
    return PolicyRule(PolicyParams(**params), categories=4)


def test_a_need_is_beyond_the_rules_while_its_draw_is_below_the_limit():
    limits = rule(beyond_share=0.3)
    assert limits.beyond(0, 0.29) and not limits.beyond(0, 0.3)
    assert not rule(beyond_share=0.0).beyond(0, 0.0), (
        "with no share beyond the rules nothing is")


def test_the_month_takes_up_the_categories_most_closed_beyond_the_rules():
    themes = rule(beyond_share=0.4, themes_per_month=2, theme_reach=0.5)
    themes.month_record.update({0: 3, 1: 9, 2: 3, 3: 1})
    assert themes.review(day=30) == [1, 0], "most first; a tie goes to the category listed first"
    assert themes.limits == pytest.approx([0.2, 0.2, 0.4, 0.4])
    assert themes.themes == [(30, 1), (30, 0)]
    assert not themes.month_record, "each month's record starts empty"
    themes.month_record.update({1: 5})
    themes.review(day=60)
    assert themes.limits[1] == pytest.approx(0.1), "a second theme reaches half of what is left"


def test_without_themes_the_record_is_read_and_nothing_changes():
    idle = rule(beyond_share=0.4)
    idle.month_record.update({2: 7})
    assert idle.review(day=30) == []
    assert idle.limits == [0.4] * 4 and not idle.month_record and not idle.themes


def test_themes_taken_up_outlast_a_change_of_the_share():
    themes = rule(beyond_share=0.4, themes_per_month=1)
    themes.month_record.update({3: 1})
    themes.review(day=30)
    themes.retune(PolicyParams(beyond_share=0.2))
    assert themes.limits == pytest.approx([0.2, 0.2, 0.2, 0.1])


def test_with_every_request_beyond_the_rules_none_is_resolved():
    model = stepped(small_scenario("baseline", {"policy.beyond_share": 1.0}), seed=3, days=90)
    assert model.tally.resolved == 0
    assert model.tally.beyond_rules > 100, "units still work cases, and find they can only explain"


def test_the_share_found_beyond_the_rules_is_the_share_drawn():
    """The draw is independent of a case's path, so of the cases units would have settled the
    share closed beyond the rules is binomial with the share set."""
    model = stepped(small_scenario("baseline", {"policy.beyond_share": 0.3}), seed=4, days=180)
    beyond, settled = model.tally.beyond_rules, model.tally.resolved
    interval = stats.binomtest(beyond, beyond + settled, 0.3).proportion_ci(0.999)
    assert interval.low < 0.3 < interval.high, (
        f"{beyond} of {beyond + settled} worked cases found beyond the rules")


def hotline_resolution(themes: int, seeds: range) -> np.ndarray:
    """12345's resolution rate over the second half year, small baseline district."""
    scenario = small_scenario("baseline", {"policy.beyond_share": 0.5, "run.days": 240,
                                           "policy.themes_per_month": themes})
    return np.array([simulate(scenario, seed=seed)["callback_resolution"] for seed in seeds])


def test_monthly_themes_raise_the_hotline_resolution_rate():
    seeds = range(1, 5)
    themed, unthemed = hotline_resolution(2, seeds), hotline_resolution(0, seeds)
    test = stats.ttest_rel(themed, unthemed, alternative="greater")
    assert test.pvalue < 0.01, (
        f"themes should let units settle more ({themed.mean():.3f} against "
        f"{unthemed.mean():.3f}; p = {test.pvalue:.3g})")


def test_the_themes_follow_the_hotline_record_and_repeat_with_the_seed():
    scenario = small_scenario("baseline", {"policy.beyond_share": 0.5,
                                           "policy.themes_per_month": 1})
    first, again = (stepped(scenario, seed=7, days=125).rules.policy.themes for _ in range(2))
    assert [day for day, _ in first] == [30, 60, 90, 120]
    assert first == again
