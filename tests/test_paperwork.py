"""Paperwork is produced: tasks handed down and every activity an inspection counts, documented
in each separate system it touches; the committee chooses how many of its hours it gets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small_scenario
from scipy import stats

from model import GovernanceModel, simulate
from model.cases import Case
from model.rules.time_use import Attention, TimeUseRule, Work
from model.scenario.rule_groups import AssessmentParams

DEPARTMENTS = 6  # in the bundled baseline
PARKING = 12  # a category needing urban management and public security


def committee_of(name: str = "baseline", **overrides):
    """The first committee of a fresh small district of scenario ``name``."""
    model = GovernanceModel(small_scenario(name, {f"assessment.{k}": v
                                                  for k, v in overrides.items()}), rng=1)
    return model, model.committees[0]


def test_tasks_handed_down_are_worked_and_documented_in_every_system():
    model, committee = committee_of(admin_tasks_per_day=6.0, admin_task_hours=1.0,
                                    record_hours=2.0, process_weight=0.5)
    # siloed: each task in the committee's ledger and its department's system
    assert committee.admin_hours_per_day == pytest.approx(6 * 1.0 + 6 * 0.5 * 2.0 * 2)
    shared_model, shared = committee_of("unified_platform", admin_tasks_per_day=6.0,
                                        admin_task_hours=1.0, record_hours=2.0,
                                        process_weight=0.5)
    automated = shared_model.params.information.automated_share
    assert shared.admin_hours_per_day == pytest.approx(
        6 * 1.0 + 6 * 0.5 * 2.0 * 1 * (1 - automated)), (
        "on the platform a task is one entry, part of it filled in by the platform")


def test_a_case_is_documented_once_per_system_it_touches():
    model, committee = committee_of(record_hours=2.0, process_weight=1.0)
    case = Case(0, PARKING, 0, 0, 0, 0, 0.5, model.category_legs[PARKING])
    owed = committee.paperwork_due
    committee.document(case.legs)
    assert committee.paperwork_due - owed == pytest.approx(2.0 * 3), (
        "the ledger and the two departments' systems each want an entry")
    assert committee.systems(()) == 1, "a meeting is entered in the committee's ledger only"


def test_a_committee_gives_its_day_to_records_when_records_lose_it_the_most_score():
    model, committee = committee_of(choice_temperature=0.01)
    committee.paperwork_due = 1e6
    committee.admin_hours_per_day = 0.0
    committee.attention.losses = [0.6, 0.0, 0.1]  # the last rounds found records short
    capacity = committee.capacity()
    committee.work_day()
    assert committee.paperwork_hours == pytest.approx(capacity, rel=1e-6), (
        "records take the whole day when they lose the most score")
    assert committee.service_hours < 1e-6 * capacity, "almost nothing is left for residents"


def test_a_committee_lets_records_wait_when_residents_lose_it_more():
    model, committee = committee_of(choice_temperature=0.01)
    committee.paperwork_due = 1e6
    committee.admin_hours_per_day = 0.0
    committee.attention.losses = [0.1, 0.0, 0.6]
    spare = committee.capacity() - committee.overhead_due
    committee.work_day()
    assert committee.paperwork_hours < 1e-6 * spare, "records wait"
    assert committee.service_hours == pytest.approx(spare, rel=1e-6), "residents get the day"


def test_a_committee_with_little_paperwork_serves_residents_with_the_rest():
    model, committee = committee_of()
    committee.paperwork_due = 0.0
    committee.admin_hours_per_day = 0.0
    spare = committee.capacity() - committee.overhead_due
    committee.work_day()
    assert committee.paperwork_hours == 0.0
    assert committee.service_hours == pytest.approx(spare), "hours not needed go to services"


def test_hours_are_shared_by_a_logit_of_losses_and_needs_cap_each_share():
    rule = TimeUseRule(AssessmentParams(choice_temperature=0.1))
    attention = Attention([0.3, 0.2, 0.1])
    shares = rule.allocate(10.0, [math.inf, math.inf, math.inf], attention)
    weights = [math.exp(x / 0.1) for x in (0.3, 0.2, 0.1)]
    assert shares == pytest.approx([10 * w / sum(weights) for w in weights])
    capped = rule.allocate(10.0, [1.0, math.inf, math.inf], attention)
    assert capped[0] == 1.0, "a kind gets no more than it needs"
    rest = weights[1] + weights[2]
    assert capped[1:] == pytest.approx([9 * weights[1] / rest, 9 * weights[2] / rest]), (
        "what it leaves is shared among the rest in the same proportions")
    assert sum(rule.allocate(10.0, [1.0, 2.0, 3.0], attention)) == pytest.approx(6.0), (
        "hours beyond every need stay unspent")


def test_process_weight_decides_what_a_round_of_missing_records_costs():
    records_short = dict(records_done=0.5, case_score=1.0, satisfaction=1.0)
    process = TimeUseRule(AssessmentParams(process_weight=0.7)).losses(**records_short)
    outcome = TimeUseRule(AssessmentParams(process_weight=0.2)).losses(**records_short)
    assert process[Work.ADMINISTRATION] == pytest.approx(0.35)
    assert outcome[Work.ADMINISTRATION] == pytest.approx(0.1)
    residents_short = TimeUseRule(AssessmentParams(process_weight=0.2)).losses(1.0, 1.0, 0.5)
    assert residents_short == pytest.approx([0.0, 0.0, 0.4])


def test_the_inspection_scores_records_done_and_writes_off_the_rest():
    model, committee = committee_of(learning_rate=1.0, process_weight=0.5)
    committee.records_owed, committee.paperwork_due = 100.0, 25.0  # 75 hours done
    committee.assess()
    assert committee.attention.losses[Work.ADMINISTRATION] == pytest.approx(0.5 * 0.25)
    assert committee.records_missed == 25.0, "the undone records are found missing"
    assert committee.paperwork_due == 0.0, "and no longer asked for"
    assert committee.records_owed == 0.0, "a new round starts"


@pytest.mark.slow
def test_process_weight_puts_records_first_by_choice_even_when_it_produces_no_more_of_them():
    # record_hours 0: no documentation, so both assessments hand down the same paperwork (the
    # tasks); only the committee's choice of where its hours go can make the shares differ
    def shares(process_weight: float) -> np.ndarray:
        scenario = small_scenario("baseline", {"assessment.record_hours": 0.0,
                                               "assessment.process_weight": process_weight})
        return np.array([simulate(scenario, seed=seed)["paperwork_share"]
                         for seed in range(1, 7)])

    process, outcome = shares(0.7), shares(0.2)
    result = stats.ttest_ind(process, outcome, equal_var=False, alternative="greater")
    assert result.pvalue < 0.01, (
        f"expected more committee time on records under process weight ({process.mean():.3f}) "
        f"than under outcome weight ({outcome.mean():.3f}); one-sided Welch p = "
        f"{result.pvalue:.3g}")
