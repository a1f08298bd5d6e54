"""Reforms change institutions, not outcomes: what each reform switch may touch, and that the
platform's effects come through the records it shares.

MECHANISMS.md: a scenario switches what the source says a reform changes (who holds a record,
who decides, what an assessment counts); speed, quality, satisfaction and trust follow from what
agents then do.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import small_scenario
from scipy import stats

from model import ScenarioError, load_scenario, simulate

MODEL = Path(__file__).resolve().parent.parent / "model"
SEEDS = range(1, 7)
# no re-keying errors and paper that moves every day: records shared or not, no loss or wait
PERFECT_PAPER = {"information.reentry_error": 0.0, "information.batch_days": 1}


def readers(flag: str) -> set[str]:
    """Model source files that read the scenario key ``flag`` (as an attribute)."""
    pattern = re.compile(rf"\.{flag}\b")
    return {str(path.relative_to(MODEL)) for path in MODEL.rglob("*.py")
            if "scenario" not in path.parts and pattern.search(path.read_text("utf-8"))}


def test_the_platform_flag_decides_only_who_shares_a_record():
    assert readers("unified_platform") == {"rules/information.py"}, (
        "only the information rule (who is connected) may read information.unified_platform")
    source = (MODEL / "rules" / "information.py").read_text("utf-8")
    uses = [line.strip() for line in source.splitlines() if "unified_platform" in line]
    assert all("shared = " in line or "if not self.params.unified_platform" in line
               for line in uses), f"the flag should only decide connection: {uses}"


def test_no_reform_flag_sets_a_speed_quality_satisfaction_or_trust_value():
    for flag in ("enabled", "unified_platform"):
        for path in readers(flag):
            text = (MODEL / path).read_text("utf-8")
            for line in text.splitlines():
                if re.search(rf"\.{flag}\b", line):
                    assert not re.search(r"satisfaction|trust|fidelity|delay|solve_prob", line), (
                        f"{path}: a reform flag next to an outcome value: {line.strip()}")


def _runs(name: str, overrides: dict) -> dict[str, np.ndarray]:
    scenario = small_scenario(name, overrides)
    runs = [simulate(scenario, seed=seed) for seed in SEEDS]
    return {key: np.array([run[key] for run in runs], dtype=float)
            for key in ("misroute_share", "mean_days_to_resolve", "callback_resolution")}


def test_the_platform_helps_through_re_entry_and_paper_batches_only():
    siloed, shared = _runs("baseline", {}), _runs("unified_platform", {})
    for outcome in ("misroute_share", "mean_days_to_resolve"):
        test = stats.ttest_ind(siloed[outcome], shared[outcome], equal_var=False,
                               alternative="greater")
        assert test.pvalue < 0.01, f"the platform should cut {outcome} (p = {test.pvalue:.3g})"
    perfect_siloed = _runs("baseline", PERFECT_PAPER)
    perfect_shared = _runs("unified_platform", PERFECT_PAPER)
    gap = siloed["misroute_share"].mean() - shared["misroute_share"].mean()
    left = perfect_siloed["misroute_share"].mean() - perfect_shared["misroute_share"].mean()
    assert abs(left) < 0.1 * gap, (
        f"without re-entry errors the platform should leave misrouting alone "
        f"(gap {gap:.3f} with them, {left:.3f} without)")
    days_gap = siloed["mean_days_to_resolve"].mean() - shared["mean_days_to_resolve"].mean()
    days_left = (perfect_siloed["mean_days_to_resolve"].mean()
                 - perfect_shared["mean_days_to_resolve"].mean())
    assert days_left < 0.5 * days_gap, (
        f"most of the platform's speed should come from records and batches "
        f"(gap {days_gap:.2f} days with them, {days_left:.2f} without)")


@pytest.mark.parametrize(("key", "message"), [
    ("devolution.push_down_share",
     "overrides: devolution.push_down_share: no longer a key: replaced by "
     "assessment.hour_price (departments and committees now choose by what their assessment "
     "rewards)"),
    ("information.feedback_tolerance",
     "overrides: information.feedback_tolerance: no longer a key: residents judge lateness the "
     "same on the platform"),
    ("assessment.siloed_ledger_factor",
     "overrides: assessment.siloed_ledger_factor: no longer a key: replaced by "
     "assessment.record_hours (each separate system asks for its own entry)"),
])
def test_a_retired_constant_says_what_replaced_it(key, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline", overrides={key: 0.5})
    assert caught.value.problems == [message]


def test_hotline_requests_nobody_is_ranked_on_are_solved_less_often():
    """What is counted: leaving 12345's requests out of the assessment lowers their resolution
    (units weigh only the hours of a case that earns no score), on the same seeds."""
    counted = _runs("baseline", {"run.days": 365})
    uncounted = _runs("baseline", {"run.days": 365,
                                   "assessment.uncounted_channels": ["hotline", "online"]})
    test = stats.ttest_rel(counted["callback_resolution"], uncounted["callback_resolution"],
                           alternative="greater")
    assert test.pvalue < 0.01, (counted["callback_resolution"], uncounted["callback_resolution"])
