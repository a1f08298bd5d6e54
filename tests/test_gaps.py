"""Gaps in remits (职责真空): categories no department's remit covers, claimed or assigned.

The source names both overlaps and gaps (条块分割 ... 职责交叉或真空, §2). A gap case goes to a
department nearest the gap, which chooses to claim it or refuse it; without the whistle it
circles until its resident gives up, with the whistle the street assigns it. These tests drive
single agents against the recording desk of tests/test_casework.py, then check the directions
over seeds on the small district, and the schema's refusals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL, small_scenario
from scipy import stats
from test_casework import SURE, district, expecting, hand_to, scripted

from model import GovernanceModel, ScenarioError, load_scenario
from model.cases import Channel, Level, Plan, Status
from model.outcomes import outcome_value

#: Twenty seeds: a small district's two gap needs give few cases a run, and at ten seeds the
#: resolution difference (about eight points) is within reach of seed noise.
SEEDS = range(1, 21)
GAPS = ("stairwell_clutter", "flying_wire_charging")
# the same two needs, each written into one department's remit
COVERED = {"categories.stairwell_clutter.departments": ["housing"],
           "categories.stairwell_clutter.nearest": [],
           "categories.flying_wire_charging.departments": ["public_security"],
           "categories.flying_wire_charging.nearest": []}
HEALTH, PUBLIC_SECURITY, HOUSING, URBAN_MANAGEMENT = 2, 3, 4, 5
DEPARTMENTS = ("civil_affairs, health, housing, human_resources, public_security, "
               "urban_management")


def category(model: GovernanceModel, name: str) -> int:
    """Index of category ``name`` in ``model``."""
    return model.category_names.index(name)


# -- departments ---------------------------------------------------------------------------
def test_a_nearest_department_claims_a_gap_case_when_claiming_scores_best():
    model, desk = district({**SURE, "departments.housing.solve_prob": 1.0})
    housing = model.departments[HOUSING]
    expecting(housing.claiming[0], CLAIM=0.9, BOUNCE=0.3)
    case = scripted(model, category(model, "stairwell_clutter"))
    hand_to(housing, case)
    housing.work_day()
    assert desk.calls[0] == ("claim", 0, HOUSING), "claiming should be asked of the desk"
    assert desk.calls[-1] == ("leg_done", 0), "a claimed case is worked as the department's own"
    assert case.decisions[0][0] is housing.claiming[0], "the claim is its own decision point"


def test_a_nearest_department_refuses_a_gap_case_when_refusing_scores_best():
    model, desk = district(SURE)
    housing = model.departments[HOUSING]
    expecting(housing.claiming[0], CLAIM=0.3, BOUNCE=0.9)
    case = scripted(model, category(model, "stairwell_clutter"))
    hand_to(housing, case)
    housing.work_day()
    assert desk.calls == [("bounce", 0)], "a refused gap case goes back to the street"
    assert housing.screening[0].expected == {}, "refusing a gap is not screening a remit"


def test_a_department_far_from_the_gap_sends_it_back_without_choosing():
    model, desk = district(SURE)
    health = model.departments[HEALTH]
    expecting(health.claiming[0], CLAIM=1.0, BOUNCE=0.0)
    case = scripted(model, category(model, "stairwell_clutter"))
    hand_to(health, case)
    health.work_day()
    assert desk.calls == [("bounce", 0)] and case.decisions is None, (
        "only the departments nearest a gap may claim it")


# -- street offices ------------------------------------------------------------------------
def test_the_street_asks_the_nearest_department_first_then_the_next():
    model, desk = district()
    street = model.streets[0]
    case = scripted(model, category(model, "flying_wire_charging"))
    hand_to(street, case)
    street.work_day()
    case.refused_by = 1 << PUBLIC_SECURITY  # as a refusal by the nearest leaves it
    case.bounces = 1
    hand_to(street, case)
    street.work_day()
    assert desk.calls == [("route", 0, PUBLIC_SECURITY, False), ("route", 0, HOUSING, False)], (
        "a gap case should go to the nearest department, then to one that has not refused it")


def test_the_street_asks_the_department_that_last_saw_the_gap_through():
    model, desk = district()
    street = model.streets[0]
    gap = category(model, "flying_wire_charging")
    street.remember_claim(gap, URBAN_MANAGEMENT)
    case = scripted(model, gap)
    hand_to(street, case)
    street.work_day()
    assert desk.calls == [("route", 0, URBAN_MANAGEMENT, False)], "a learnt claim comes first"
    case.refused_by = 1 << URBAN_MANAGEMENT
    case.bounces = 1
    hand_to(street, case)
    street.work_day()
    assert desk.calls[-1] == ("route", 0, PUBLIC_SECURITY, False) and gap not in street.claims, (
        "a claimant that refuses is forgotten")


def test_with_the_whistle_the_street_assigns_a_refused_gap_case():
    model, desk = district({"assessment.choice_temperature": 0.001}, scenario="whistle")
    street = model.streets[0]
    street.whistling.expected = {  # whistling pays here, whatever the channel
        channel: {Plan.WHISTLE: 0.9, Plan.ROUTE: 0.3} for channel in Channel}
    case = scripted(model, category(model, "stairwell_clutter"))
    hand_to(street, case)
    street.work_day()
    assert desk.calls == [("route", 0, HOUSING, False)], "first the street asks"
    case.refused_by, case.bounces = 1 << HOUSING, 1
    hand_to(street, case)
    street.work_day()
    assert desk.calls[-1] == ("assign", 0, 0, URBAN_MANAGEMENT) and street.whistles == 1, (
        "after a refusal the whistle assigns the case to a nearest department")


def test_an_assigned_department_must_act():
    model = GovernanceModel(small_scenario("whistle", {
        "departments.urban_management.solve_prob": 1.0,
        "assessment.choice_temperature": 0.001}), rng=1)
    # reporting (报到) is the choice it expects to score best, as it learns when rated
    model.departments[URBAN_MANAGEMENT].answering[0].expected = {
        channel: {Plan.REPORT: 0.9, Plan.TOKEN: 0.1} for channel in Channel}
    case = scripted(model, category(model, "stairwell_clutter"))
    model.casework.tally.open += 1  # as intake would
    model.casework.assign(case, model.streets[0], URBAN_MANAGEMENT)
    model.departments[URBAN_MANAGEMENT].summons[0] = (case, case.ticket, model.day)
    model.departments[URBAN_MANAGEMENT].work_day()
    assert case.status == Status.RESOLVED and case.level == Level.STREET, (
        "a summoned department cannot refuse the case: it reports and does the work")
    assert model.streets[0].claims == {case.category: URBAN_MANAGEMENT}, (
        "the street should remember who saw the gap through")


# -- directions over seeds -------------------------------------------------------------------
def _gap_runs(name: str, overrides: dict) -> dict[str, np.ndarray]:
    """Resolved share and bounces per case of the two gap needs, one value per seed."""
    resolved, bounces = [], []
    for seed in SEEDS:
        model = GovernanceModel(small_scenario(name, overrides), rng=seed)
        model.run_model()
        tally, which = model.tally, [category(model, g) for g in GAPS]
        reported = sum(tally.reported_by_category[c] for c in which)
        resolved.append(sum(tally.resolved_by_category[c] for c in which) / reported)
        bounces.append(sum(tally.bounces_by_category[c] for c in which) / reported)
    return {"resolved": np.array(resolved), "bounces": np.array(bounces)}


@pytest.fixture(scope="module")
def gap_runs() -> dict[str, dict[str, np.ndarray]]:
    """The gap needs as gaps, as covered remits, and as gaps with the whistle."""
    return {"gap": _gap_runs("baseline", {}), "covered": _gap_runs("baseline", COVERED),
            "whistle": _gap_runs("whistle", {})}


def _greater(higher: np.ndarray, lower: np.ndarray) -> float:
    return stats.ttest_ind(higher, lower, equal_var=False, alternative="greater").pvalue


def test_gap_cases_bounce_more_and_resolve_less_than_the_same_needs_in_a_remit(gap_runs):
    gap, covered = gap_runs["gap"], gap_runs["covered"]
    p = _greater(gap["bounces"], covered["bounces"])
    assert p < 0.01, f"a gap in remits should bounce its cases more (p = {p:.3g})"
    p = _greater(covered["resolved"], gap["resolved"])
    assert p < 0.01, f"a gap in remits should leave more of its cases unresolved (p = {p:.3g})"


def test_the_whistle_resolves_more_gap_cases_with_fewer_bounces(gap_runs):
    gap, whistle = gap_runs["gap"], gap_runs["whistle"]
    p = _greater(whistle["resolved"], gap["resolved"])
    assert p < 0.01, f"assigning gap cases should resolve more of them (p = {p:.3g})"
    p = _greater(gap["bounces"], whistle["bounces"])
    assert p < 0.01, f"assigning gap cases should stop them circling (p = {p:.3g})"


def test_gap_outcomes_are_none_without_gaps():
    model = GovernanceModel(load_scenario("baseline", overrides={**SMALL, **COVERED}), rng=1)
    model.step()
    assert not model.gap_categories
    assert outcome_value("gap_resolved_share", model) is None, "no gap, no share"


# -- the schema -----------------------------------------------------------------------------
BAD = {
    "nearest_without_gap": (
        'departments = ["housing"]\nnearest = ["urban_management"]\n', "nearest",
        "nearest is for a gap in remits (departments = []); departments that share a remit go "
        "in claimed_by (allowed: [] when departments are listed)"),
    "gap_without_nearest": (
        "departments = []\n", "departments",
        "a category needs at least one department, or, for a gap in remits (departments = []), "
        f"the departments nearest it in nearest (allowed: {DEPARTMENTS})"),
    "unknown_nearest": (
        'departments = []\nnearest = ["fire"]\n', "nearest",
        f"unknown department 'fire' (allowed: {DEPARTMENTS})"),
    "repeated_nearest": (
        'departments = []\nnearest = ["housing", "housing"]\n', "nearest",
        "'housing' is listed more than once (allowed: each department once)"),
    "gap_with_overlap": (
        'departments = []\nnearest = ["housing"]\nclaimed_by = ["health"]\n', "claimed_by",
        "a gap in remits (departments = []) has no remit to share; the departments that might "
        "be asked go in nearest (allowed: [] when departments = [])"),
    "gap_at_a_counter": (
        'departments = []\nnearest = ["housing"]\nadmin_service = true\n', "admin_service",
        "an administrative service is done at a department's counter, so it needs departments "
        "(allowed: false when departments = [])"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_gap_is_refused_naming_file_key_and_allowed_values(tmp_path: Path, name: str):
    body, key, message = BAD[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(f'extends = "baseline"\n[categories.odd]\n{body}', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [f"{path}: categories.odd.{key}: {message}"]


def test_the_baseline_gaps_have_their_chinese_names_and_no_department():
    scenario = load_scenario("baseline")
    for name in GAPS:
        spec = scenario.categories[name]
        assert spec.zh and not spec.departments and spec.nearest, name
