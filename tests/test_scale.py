"""Scale does not change the answer: the district's layout and staff hours follow its residents.

The layout tests check the numbers :func:`model.layout.district_layout` gives; the invariance
test runs the baseline at two sizes four times apart and compares the rates; the last tests
check that a scenario written with the keys of absolute staffing is refused in one line naming
what replaced each key.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import GovernanceModel, load_scenario, simulate
from model.compare import welch
from model.experiment import experiment_from_data
from model.layout import DistrictLayout, district_layout
from model.scenario import ScenarioError

# --- the layout -------------------------------------------------------------------------------


def layout_of(**district: int) -> DistrictLayout:
    """The layout of the baseline with the given ``district.*`` keys."""
    return district_layout(load_scenario("baseline", overrides={
        f"district.{key}": value for key, value in district.items()}))


def test_default_district_is_twelve_communities_in_three_full_streets():
    layout = layout_of()
    assert layout.community_sizes == (1667,) * 8 + (1666,) * 4
    assert layout.community_street == (0,) * 4 + (1,) * 4 + (2,) * 4
    assert layout.department_hours == (45.0, 30.0, 45.0, 60.0, 75.0, 70.0), (
        "2.25, 1.5, 2.25, 3.0, 3.75 and 3.5 hours per 1,000 residents times 20")
    assert layout.street_hours == pytest.approx((100 / 3,) * 3, rel=1e-12), (
        "5.0 per 1,000 of a third of 20,000")
    assert layout.hall_hours(4 * 1667) == 40.0, "a hall serving a full street"
    assert layout.hall_hours(1667) == 10.0, "a hall serving one community of four"


@pytest.mark.parametrize(("residents", "per_community", "communities", "streets"), [
    (100, 1667, 1, 1),        # fewer residents than a community: still one
    (2500, 1667, 1, 1),       # 1.4997 communities round to one
    (2501, 1667, 2, 1),       # 1.5003 round to two
    (2000, 667, 3, 1),        # the tests' small district: three communities, one street
    (5000, 1667, 3, 1),
    (13336, 1667, 8, 2),
    (200_000, 1667, 120, 30),
])
def test_communities_follow_the_residents_and_streets_the_communities(
        residents, per_community, communities, streets):
    layout = layout_of(residents=residents, residents_per_community=per_community)
    assert (layout.communities, layout.streets) == (communities, streets)
    assert sum(layout.community_sizes) == residents
    assert max(layout.community_sizes) - min(layout.community_sizes) <= 1, "split evenly"


def test_a_partial_last_street_has_the_communities_left_and_hours_in_proportion():
    layout = layout_of(residents=2000, residents_per_community=400)
    assert layout.community_sizes == (400,) * 5
    assert layout.community_street == (0, 0, 0, 0, 1), "four to a street, one left over"
    assert (layout.street_residents(0), layout.street_residents(1)) == (1600, 400)
    assert layout.street_hours == pytest.approx((8.0, 2.0), rel=1e-12), (
        "5.0 hours per 1,000 residents: 10 hours, four fifths and one fifth")
    assert layout.hall_hours(1600) == 40.0, "a full street of four communities of 400"
    assert layout.hall_hours(400) == 10.0, "the partial street's hall, a quarter of the hours"


def test_hours_are_proportional_to_residents():
    small, large = layout_of(residents=5000), layout_of(residents=200_000)
    assert small.department_hours == pytest.approx((11.25, 7.5, 11.25, 15.0, 18.75, 17.5),
                                                   rel=1e-12)
    assert large.department_hours == pytest.approx((450.0, 300.0, 450.0, 600.0, 750.0, 700.0),
                                                   rel=1e-12)
    assert small.street_hours == pytest.approx((25.0,), rel=1e-12), "one street of three"
    assert large.street_hours == pytest.approx((100 / 3,) * 30, rel=1e-12)
    assert sum(large.street_hours) == pytest.approx(40 * sum(small.street_hours), rel=1e-12)


# --- the rates at two sizes -------------------------------------------------------------------

#: Two districts four times apart, each of whole streets of four communities of 1,667 (the
#: default's sizes): one street office and four. Every unit a district has more of is then the
#: same size in both: committees, street offices, and the departments' and NGOs' street teams
#: (docs/ODD.md, 2 Scales), so what differs is only how many there are.
SIZES = (6668, 26672)
SEEDS = range(16)
DAYS = 200
#: Equivalence margin: the difference's 95% interval must lie within a point and a half either
#: side (two one-sided tests at 2.5%). Equivalence, not a failure to find a difference, is the
#: claim: a test that only asked the interval to cover zero would pass by imprecision and fail
#: by precision (16 seeds find a 0.2-point gap in satisfaction, well inside the margin).
MAX_GAP = 0.015
RATES = ("resolved_share", "mean_satisfaction")


def rates(residents: int) -> dict[str, np.ndarray]:
    """The baseline's rates at ``residents`` over :data:`SEEDS` and :data:`DAYS` days."""
    scenario = load_scenario("baseline", overrides={"district.residents": residents})
    runs = [simulate(scenario, seed=seed, days=DAYS) for seed in SEEDS]
    return {name: np.array([run[name] for run in runs]) for name in RATES}


def test_baseline_rates_do_not_depend_on_the_district_size():
    small, large = (rates(residents) for residents in SIZES)
    for name in RATES:
        _, low, high, _ = welch(small[name], large[name])  # large - small, Welch 95% CI
        found = (f"{name}: {small[name].mean():.4f} at {SIZES[0]:,} residents, "
                 f"{large[name].mean():.4f} at {SIZES[1]:,}; difference 95% CI "
                 f"[{low:+.4f}, {high:+.4f}]")
        assert -MAX_GAP <= low and high <= MAX_GAP, (
            f"the sizes' rates are not within {MAX_GAP} of each other: {found}")


def test_departments_and_ngos_work_in_street_teams_of_the_same_size():
    small = GovernanceModel(load_scenario("baseline", overrides={
        "district.residents": SIZES[0]}), rng=1)
    large = GovernanceModel(load_scenario("baseline", overrides={
        "district.residents": SIZES[1]}), rng=1)
    for a, b in zip(small.departments, large.departments, strict=True):
        assert len(a.teams) == 1 and len(b.teams) == 4
        assert [b.hours_per_day * share for share in b.team_shares] == pytest.approx(
            [a.hours_per_day] * 4, rel=1e-12), "each street's team has a full street's hours"
    assert len(large.ngos) == 4 * len(small.ngos), "each street buys its own NGO services"
    assert sorted(n.hours_per_day for n in large.ngos) == pytest.approx(
        sorted(n.hours_per_day for n in small.ngos for _ in range(4)), rel=1e-12)


# --- old keys ---------------------------------------------------------------------------------

OLD_KEYS = {
    "district.streets": (
        "[district]\nstreets = 3\n",
        "no longer a key: replaced by district.residents_per_community (communities and "
        "street offices now follow from district.residents)"),
    "district.street_hours_per_day": (
        "[district]\nstreet_hours_per_day = 24.0\n",
        "no longer a key: replaced by district.street_hours_per_1000_residents (a street "
        "office's hours now follow its residents)"),
    "departments.housing.hours_per_day": (
        "[departments.housing]\nhours_per_day = 75\n",
        "no longer a key: replaced by departments.housing.hours_per_1000_residents (a "
        "department's hours now follow the district's residents)"),
}


@pytest.mark.parametrize("key", sorted(OLD_KEYS))
def test_an_old_key_in_a_scenario_file_names_what_replaced_it(tmp_path, key):
    table, message = OLD_KEYS[key]
    path = tmp_path / "old.toml"
    path.write_text(f'extends = "baseline"\n{table}', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [f"{path.resolve()}: {key}: {message}"]


@pytest.mark.parametrize("key", sorted(OLD_KEYS))
def test_an_old_key_as_an_override_or_a_factor_names_what_replaced_it(key):
    message = OLD_KEYS[key][1]
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline", overrides={key: 1})
    assert caught.value.problems == [f"overrides: {key}: {message}"]
    with pytest.raises(ScenarioError) as caught:
        experiment_from_data({"scenarios": ["baseline"], "factors": {key: [1, 2]}}, "exp.toml")
    assert caught.value.problems == [f"exp.toml: factors.{key}: {message}"]
