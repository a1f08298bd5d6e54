"""A response to shocks: redeployment where the platform shows the backlog, cadres sent down,
volunteers called; recovery after a surge comes from that response."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import small_scenario
from scipy import stats

from model import simulate
from model.cases import Node, NodeKind
from model.rules.information import InformationRule
from model.rules.response import ResponseRule
from model.scenario.rule_groups import InformationParams, ResponseParams

NO_RESPONSE = {"response.redeploy_share": 0.0, "response.cadre_hours_per_1000_residents": 0.0,
               "response.volunteer_call_share": 0.0}
SURGE = {"demand.shocks": [{"start_day": 60, "duration_days": 60, "multiplier": 6.0,
                            "categories": ["epidemic_control", "health_service",
                                           "elderly_care"]}]}


def departments(*queued: float, hours: float = 10.0) -> list[SimpleNamespace]:
    """Stand-ins for departments with ``queued`` hours waiting and ``hours`` a day."""
    return [SimpleNamespace(node=Node(NodeKind.DEPARTMENT, i), queued_hours=q,
                            hours_per_day=hours, borrowed_hours=99.0)
            for i, q in enumerate(queued)]


def rule(**params: float) -> ResponseRule:
    return ResponseRule(ResponseParams(behind_days=2.0, redeploy_share=0.5,
                                       redeploy_productivity=0.6, **params))


def test_departments_the_platform_shows_behind_borrow_spare_hours():
    units = departments(50.0, 0.0, 4.0)
    shared = InformationRule(InformationParams(unified_platform=True), n_departments=3)
    rule().redeploy(units, shared)
    lent = 0.5 * 10.0 + 0.5 * 6.0
    assert [u.borrowed_hours for u in units] == pytest.approx([0.6 * lent, -5.0, -3.0]), (
        "lenders give half their spare hours; the one behind gets them at 60% output")


def test_without_the_platform_no_department_sees_another_behind():
    units = departments(50.0, 0.0, 4.0)
    siloed = InformationRule(InformationParams(unified_platform=False), n_departments=3)
    rule().redeploy(units, siloed)
    assert [u.borrowed_hours for u in units] == [0.0, 0.0, 0.0]


def test_nobody_behind_means_nobody_moves():
    units = departments(15.0, 0.0)
    shared = InformationRule(InformationParams(unified_platform=True), n_departments=2)
    rule().redeploy(units, shared)
    assert [u.borrowed_hours for u in units] == [0.0, 0.0], "15 queued hours are 1.5 days"


def test_cadres_and_volunteers_are_limited_pools():
    response = ResponseRule(ResponseParams(cadre_hours_per_1000_residents=2.0,
                                           volunteer_call_share=0.1, volunteer_call_hours=2.0))
    assert response.cadre_hours(5000) == 10.0
    assert response.volunteer_hours(recent_attendees=30) == pytest.approx(6.0)


def backlog_after_surge(overrides: dict) -> np.ndarray:
    """Open cases 60 days after a 60-day surge ends, in the small integrated district."""
    scenario = small_scenario("integrated", {**SURGE, **overrides, "run.days": 180})
    return np.array([simulate(scenario, seed=seed)["backlog_end"] for seed in range(1, 7)],
                    dtype=float)


def test_the_response_is_what_brings_the_backlog_down_after_a_surge():
    helped, alone = backlog_after_surge({}), backlog_after_surge(NO_RESPONSE)
    test = stats.ttest_ind(alone, helped, equal_var=False, alternative="greater")
    assert test.pvalue < 0.01, (
        f"with help the backlog should be smaller after the surge ({helped.mean():.0f} open "
        f"cases against {alone.mean():.0f} without; p = {test.pvalue:.3g})")
