"""权责下放 rule: what committees may settle, and whether staff follow the duty (§4.2, §6.2)."""

from __future__ import annotations

import math

import numpy as np

from model.scenario.rule_groups import DevolutionParams


class DevolutionRule:
    """Grants committees authority over the first ``level`` share of devolvable categories.

    Funded devolution (``resources_follow`` > 0) adds worker positions to each committee in
    proportion to the devolved workload it is expected to carry (人随事转、费随事清);
    unfunded devolution adds only the workload (有责无权、小马拉大车).
    """

    def __init__(self, params: DevolutionParams, devolvable: list[bool]) -> None:
        self.params = params
        order = [i for i, flag in enumerate(devolvable) if flag]
        granted = round(params.level * len(order))
        self.authorised = frozenset(order[:granted])

    def has_authority(self, category: int) -> bool:
        """Whether committees may settle cases of ``category`` themselves."""
        return category in self.authorised

    def extra_positions(self, expected_hours: np.ndarray, hours_per_worker: float) -> int:
        """Worker positions that follow the devolved load of one committee.

        Args:
            expected_hours: Expected committee hours per day per category in the community.
            hours_per_worker: Working hours of one worker per day.
        """
        devolved = sum(float(expected_hours[c]) for c in self.authorised)
        return math.ceil(self.params.resources_follow * devolved / hours_per_worker - 1e-9)

    def settle_probability(self, authorised: bool, experience: float) -> float:
        """Chance a committee that has worked a case through really settles it."""
        if not authorised:
            return self.params.unauthorised_solve_prob
        floor = self.params.novice_settle_factor
        return self.params.committee_solve_prob * (floor + (1.0 - floor) * experience)
