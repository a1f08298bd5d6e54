"""需求 rule: how many needs of each category arise, where and for whom (§3.1, §3.3)."""

from __future__ import annotations

import numpy as np

from model.population import GROUPS
from model.scenario.schema import Scenario


class DemandRule:
    """Poisson arrivals of needs per community, category and resident group.

    The daily rate for a cell is rate x group multiplier x residents in the group / 365, times
    ``demand.rate_scale`` and any shock active that day (an epidemic-like surge multiplies the
    rates of its categories). Group multipliers come from each category's elderly and migrant
    multipliers (both apply to elderly migrants). While a community's agreement on a dispute
    holds (:meth:`settle`), each need of its category there is prevented with the share it
    prevents (:meth:`prevented`): drawn, then thinned, so that every reform draws the same
    needs on the demand stream (common random numbers).
    """

    def __init__(self, scenario: Scenario, group_counts: np.ndarray) -> None:
        categories = list(scenario.categories.values())
        rates = np.array([c.rate for c in categories])
        elderly = np.array([c.elderly_multiplier for c in categories])
        migrant = np.array([c.migrant_multiplier for c in categories])
        multipliers = np.stack(
            [np.ones_like(rates), migrant, elderly, elderly * migrant], axis=1
        )  # order of GROUPS
        assert multipliers.shape[1] == len(GROUPS)
        per_day = rates[:, None] * multipliers / 365.0 * scenario.demand.rate_scale
        self.base = group_counts[:, None, :] * per_day[None, :, :]
        names = list(scenario.categories)
        self.shocks = [
            (s.start_day, s.start_day + s.duration_days, s.multiplier,
             [names.index(c) for c in s.categories] or list(range(len(names))))
            for s in scenario.demand.shocks
        ]
        self.prevented_share = scenario.consultation.prevented_share
        # the day each community's agreement on each category stops holding (0: none yet)
        self.settled_until = np.zeros(self.base.shape[:2], dtype=np.int64)
        self._last_settled_day = -1  # the latest day any agreement stops holding

    def settle(self, community: int, category: int, until: int) -> None:
        """An agreement carried out settles ``category``'s dispute in ``community`` until a day."""
        held = self.settled_until[community, category]
        self.settled_until[community, category] = max(int(held), until)
        self._last_settled_day = max(self._last_settled_day, until)

    def rates(self, day: int) -> np.ndarray:
        """Expected needs per (community, category, group) on ``day``."""
        lam = self.base
        for start, end, multiplier, cats in self.shocks:
            if start <= day < end:
                lam = lam.copy() if lam is self.base else lam
                lam[:, cats, :] *= multiplier
        return lam

    def holding(self, day: int) -> bool:
        """Whether any community's agreement may still hold on ``day``."""
        return day < self._last_settled_day

    def prevented(self, communities: np.ndarray, categories: np.ndarray, day: int,
                  draws: np.ndarray) -> np.ndarray:
        """Mask of the needs an agreement holding on ``day`` prevents (``draws`` uniform)."""
        settled = self.settled_until[communities, categories] > day
        return settled & (draws < self.prevented_share)

    def draw(self, day: int, rng: np.random.Generator) -> np.ndarray:
        """Number of new needs per (community, category, group) on ``day``."""
        return rng.poisson(self.rates(day))

    def shock_window(self) -> tuple[int, int] | None:
        """First and last-plus-one day of the earliest shock, if any."""
        if not self.shocks:
            return None
        start, end, _, _ = min(self.shocks)
        return start, end
