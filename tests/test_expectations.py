"""Residents judge each ended case against what they expected (expectancy disconfirmation).

What a resident expects of a case (its result, time and treatment) is learnt from her own
cases, her neighbours' stories and the district's published figures; the hotline's callback
asks about the case, not about her general satisfaction.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_scenario
from scipy import stats

from model import GovernanceModel
from model.cases import Case, Channel, Level, Status
from model.outcomes import summarize
from model.rules.channels import COMMITTEE


def ended_case(model: GovernanceModel, resident: int, days: int, solved: bool,
               channel: Channel = Channel.COMMITTEE) -> Case:
    """Open a case for ``resident`` raised ``days`` ago through ``channel``; close it today."""
    population = model.population
    case = Case(10**6 + resident, 0, resident, int(population.community[resident]), 0,
                model.day - days, 0.5, (0,))
    case.trips = 1
    case.channel = channel
    model.casework.tally.open += 1
    model.casework.close(case, Status.RESOLVED if solved else Status.CLOSED_UNSOLVED,
                         Level.COMMUNITY)
    return case


def set_satisfaction(model: GovernanceModel, resident: int, value: float) -> None:
    """Give one resident a general satisfaction of ``value`` (her trust unchanged)."""
    population = model.population
    old = population.state(resident)
    population.set_state(resident, value, old[1], old)


def test_the_callback_asks_about_the_case_not_the_resident_in_general():
    # a threshold between a solved case's judgement and an unsolved one's, whatever the default
    model = GovernanceModel(small_scenario(overrides={"residents.satisfied_threshold": 0.5}),
                            rng=1)
    tally = model.casework.tally
    set_satisfaction(model, 0, 0.05)
    ended_case(model, 0, days=1, solved=True, channel=Channel.HOTLINE)
    assert model.population.satisfaction[0] < model.params.residents.satisfied_threshold
    assert (tally.callbacks, tally.callbacks_satisfied) == (1, 1), (
        "a discontented resident whose case was solved at once says she is satisfied with it")
    set_satisfaction(model, 1, 0.95)
    ended_case(model, 1, days=1, solved=False, channel=Channel.ONLINE)
    assert model.population.satisfaction[1] > model.params.residents.satisfied_threshold
    assert (tally.callbacks, tally.callbacks_satisfied) == (2, 1), (
        "a contented resident whose case was left unsolved says she is not")
    ended_case(model, 2, days=1, solved=True)
    assert tally.callbacks == 2, "12345 calls back its own requests, not the committee's"


def test_her_case_teaches_her_what_to_expect_and_her_story_teaches_her_listeners():
    model = GovernanceModel(small_scenario(), rng=1)
    population, params = model.population, model.params.expectations
    listeners = population.listeners[0]
    before_self = population.expectations[0].copy()
    before_heard = population.expectations[listeners].copy()
    sat_heard = population.satisfaction[listeners].copy()
    case = ended_case(model, 0, days=0, solved=True)
    experience = np.array(model.rules.judgement.dimensions(
        case, model.category_specs[case.category]))
    assert experience.tolist() == [1.0, 1.0, 1.0], "solved the day it was raised, in one trip"
    assert population.expectations[0] == pytest.approx(
        before_self + params.own_rate * (experience - before_self))
    assert np.array_equal(population.expectations[listeners], before_heard), (
        "listeners hear the story at the day's end")
    model.population.spread_stories(0.0, params.story_rate, params.neighbour_weight,
                                    model.params.residents.trust_rate)
    assert population.expectations[listeners] == pytest.approx(
        before_heard + params.story_rate * (experience - before_heard))
    judgement = 1.0  # it went as well as a case can, better than anyone expected
    assert population.satisfaction[listeners] == pytest.approx(
        sat_heard + params.neighbour_weight * (judgement - sat_heard))
    assert population.mean_satisfaction == pytest.approx(population.satisfaction.mean())
    assert population.mean_trust == pytest.approx(population.trust.mean())


def test_the_district_publishes_the_months_cases_and_expectations_follow():
    model = GovernanceModel(small_scenario(), rng=1)
    population = model.population
    before = population.expectations.copy()
    population.publish(0.5)
    assert np.array_equal(population.expectations, before), "a month with no case: nothing"
    ended_case(model, 0, days=0, solved=False)
    ended_case(model, 1, days=0, solved=False)
    after_cases = population.expectations.copy()
    population.publish(0.5)
    figures = np.array([0.0, 1.0, 1.0])  # both unsolved, at once, in one trip
    assert population.expectations == pytest.approx(
        after_cases + 0.5 * (figures - after_cases))


def test_her_channel_is_learnt_from_the_cases_performance():
    model = GovernanceModel(small_scenario(), rng=1)
    population = model.population
    old = population.expected_of_channel[0, COMMITTEE]
    case = ended_case(model, 0, days=0, solved=False)
    performance = model.rules.judgement.experience(case, model.category_specs[case.category])
    rate = model.params.channels.learning_rate
    assert population.expected_of_channel[0, COMMITTEE] == pytest.approx(
        old + rate * (performance - old))


def run(overrides: dict, seed: int) -> dict:
    """The outcomes of 120 days of the small baseline with ``overrides``."""
    model = GovernanceModel(small_scenario(overrides={"run.days": 120, **overrides}),
                            rng=seed)
    model.run_model()
    return summarize(model)


def test_higher_expectations_make_the_same_service_please_less():
    seeds = range(1, 11)
    low = [run({"expectations.initial_result": 0.2}, seed) for seed in seeds]
    high = [run({"expectations.initial_result": 0.9}, seed) for seed in seeds]
    for outcome in ("expectation_gap", "mean_satisfaction"):
        a = np.array([r[outcome] for r in low])
        b = np.array([r[outcome] for r in high])
        result = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
        assert result.pvalue < 0.01, (outcome, a.mean(), b.mean(), result.pvalue)
    assert np.mean([r["expected_resolution"] for r in high]) > np.mean(
        [r["expected_resolution"] for r in low]), "expectations learnt start from where they were"
