"""权责下放 rule: what committees may settle, and whether staff follow the duty (§4.2, §6.2)."""

from __future__ import annotations

import math

import numpy as np

from model.scenario.rule_groups import DevolutionParams


class DevolutionRule:
    """Devolves the first ``level`` share of devolvable categories to committees as their duty.

    The share ``authority_follows`` of those duties carries the power to settle them (权随事走);
    the rest are duties without it (有责无权), which a committee may work but rarely settles.
    Funded devolution (``resources_follow`` > 0) adds worker positions to each committee in
    proportion to the devolved workload it is expected to carry (人随事转、费随事清);
    unfunded devolution adds only the workload (小马拉大车).
    """

    def __init__(self, params: DevolutionParams, devolvable: list[bool]) -> None:
        self.params = params
        order = [i for i, flag in enumerate(devolvable) if flag]
        devolved = order[:round(params.level * len(order))]
        self.duties = frozenset(devolved)
        self.authorised = frozenset(devolved[:round(params.authority_follows * len(devolved))])

    def is_duty(self, category: int) -> bool:
        """Whether cases of ``category`` are the committees' duty, counted against them."""
        return category in self.duties

    def has_authority(self, category: int) -> bool:
        """Whether committees hold the power to settle cases of ``category`` themselves."""
        return category in self.authorised

    def extra_positions(self, expected_hours: np.ndarray, hours_per_worker: float) -> int:
        """Worker positions that follow the devolved load of one committee.

        Args:
            expected_hours: Expected committee hours per day per category in the community.
            hours_per_worker: Working hours of one worker per day.
        """
        devolved = sum(float(expected_hours[c]) for c in self.duties)
        return math.ceil(self.params.resources_follow * devolved / hours_per_worker - 1e-9)

    def settle_probability(self, authorised: bool, experience: float) -> float:
        """Chance a committee that has worked a case through really settles it."""
        if not authorised:
            return self.params.unauthorised_solve_prob
        floor = self.params.novice_settle_factor
        return self.params.committee_solve_prob * (floor + (1.0 - floor) * experience)
