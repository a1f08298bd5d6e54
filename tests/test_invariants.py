"""Invariants that hold at every step, whatever the seed, size and policy mix (Hypothesis).

No case is lost (every raised need is resolved, closed unsolved, abandoned, silent or still
open), the counts balance, the running sums match the arrays they summarise, and shares and
residents' states stay within [0, 1].
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import OUTCOMES, GovernanceModel, load_scenario
from model.outcomes import summarize

CATEGORIES = ["health_service", "epidemic_control", "elderly_care", "property_dispute",
              "social_insurance", "parking_traffic"]
SHARE_OUTCOMES = [o.name for o in OUTCOMES if o.unit == "share"]
CHANNELS = ["committee", "hotline", "online", "office", "petition", "line"]

shocks = st.lists(
    st.fixed_dictionaries({
        "start_day": st.integers(0, 40),
        "duration_days": st.integers(1, 30),
        "multiplier": st.floats(0, 8),
        "categories": st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True),
    }),
    max_size=2,
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Overrides for a small district with a random mix of policies."""
    return {
        "district.residents": draw(st.integers(300, 3000)),
        "district.residents_per_community": draw(st.integers(300, 1500)),
        "district.communities_per_street": draw(st.integers(1, 3)),
        "whistle.enabled": draw(st.booleans()),
        "whistle.stuck_days": draw(st.integers(1, 20)),
        "one_stop.enabled": draw(st.booleans()),
        "one_stop.level": draw(st.sampled_from(["street", "community"])),
        "information.unified_platform": draw(st.booleans()),
        "information.sharing_scope": draw(st.floats(0, 1)),
        "devolution.level": draw(st.floats(0, 1)),
        "devolution.resources_follow": draw(st.floats(0, 1)),
        "assessment.process_weight": draw(st.floats(0, 1)),
        "assessment.interval_days": draw(st.integers(7, 40)),
        "consultation.interval_days": draw(st.integers(7, 40)),
        "talent.outside_offers_per_year": draw(st.floats(0, 12)),
        "talent.applicants_per_year": draw(st.floats(0.1, 365)),
        "devolution.authority_follows": draw(st.floats(0, 1)),
        "whistle.street_convenes": draw(st.booleans()),
        "population.patience_days": draw(st.floats(1, 30)),
        "residents.abandon_days": draw(st.integers(5, 40)),
        "demand.rate_scale": draw(st.floats(0, 3)),
        "demand.shocks": draw(shocks),
        "channels.closed": draw(st.lists(st.sampled_from(CHANNELS), max_size=6, unique=True)),
        "channels.online_open_day": draw(st.integers(-1, 60)),
        "channels.line_merge_day": draw(st.integers(-1, 60)),
        "channels.information_rate": draw(st.floats(0, 5)),
        "network.ties": draw(st.integers(0, 8)),
        "network.cross_share": draw(st.floats(0, 1)),
    }


def check_invariants(model: GovernanceModel) -> None:
    tally = model.tally
    day = f"day {model.day}"
    ended = tally.resolved + tally.closed_unsolved + tally.abandoned + tally.silent
    assert tally.raised == ended + tally.open, f"{day}: every raised need should be accounted for"
    assert tally.raised == tally.reported + tally.silent, f"{day}: needs are reported or silent"
    assert tally.open >= 0, f"{day}: open cases should never be negative"
    population = model.population
    assert sum(tally.settled.values()) == tally.resolved, (
        f"{day}: cases settled by level should add up to the resolved")
    assert tally.resolution_days.sum() == tally.resolved, (
        f"{day}: the days-to-resolve histogram should count every resolved case")
    assert tally.within_limit <= tally.resolved, f"{day}: on time is a subset of resolved"
    assert sum(tally.reports_by_channel.values()) <= tally.reported, (
        f"{day}: reports by a chosen channel are among the reported")
    assert sum(tally.escalations_by_category.values()) == tally.escalations, (
        f"{day}: escalations by category should add up to the escalations")
    for array in (population.satisfaction, population.trust, population.expected_of_channel,
                  population.expectations):
        assert array.min() >= 0 and array.max() <= 1, f"{day}: states should stay in [0, 1]"
    running = {
        "mean_satisfaction": (population.mean_satisfaction, population.satisfaction.mean()),
        "mean_trust": (population.mean_trust, population.trust.mean()),
        "satisfaction_elderly": (population.satisfaction_elderly,
                                 population.satisfaction[population.elderly].mean()
                                 if population.elderly.any() else 0.0),
        "satisfaction_migrant": (population.satisfaction_migrant,
                                 population.satisfaction[population.migrant].mean()
                                 if population.migrant.any() else 0.0),
    }
    for name, (kept, recomputed) in running.items():
        assert np.isclose(kept, recomputed, rtol=1e-9, atol=1e-12), (
            f"{day}: running {name} {kept} should equal the recomputed mean {recomputed}")
    summary = summarize(model)
    for name in SHARE_OUTCOMES:
        value = summary[name]
        assert value is None or 0.0 <= value <= 1.0, (
            f"{day}: {name}={value} should be a share, or None while undefined")


# COGOV_HYPOTHESIS_EXAMPLES=500 searches harder (about 30 s) than the default quick check
EXAMPLES = int(os.environ.get("COGOV_HYPOTHESIS_EXAMPLES", "15"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(["baseline", "integrated"]), overrides=scenarios(),
       seed=st.integers(0, 2**32 - 1), days=st.integers(20, 90))
def test_no_case_lost_and_counts_balance(base, overrides, seed, days):
    model = GovernanceModel(load_scenario(base, overrides=overrides), rng=seed)
    check_invariants(model)
    for _ in range(days):
        model.step()
        check_invariants(model)
