"""Money for community matters: project funds as stocks that a plan fills and fixes draw down.

> 不同部门的项目资金,往往要求单独管理和核算,导致社区在同一社区事务上可能获得多笔零散资金,
> 却难以统一规划和使用,造成资源浪费和效率低下。(§4.2)

Each year's plan gives every community, for every department and for its committee, the money
the cases residents are expected to report will need (``funds.coverage`` of the expected
material cost; committees also get their operating funds). The money is released in twelve
monthly tranches and what is unspent at the end of the fiscal year lapses (is returned).
Who holds it is the setting ``funds.pooling``:

- ``department``: each department's money for each community is a separate, earmarked stock
  (专项资金) that only that department's share of a fix may draw on, accounted apart;
- ``community``: one stock per community that any unit fixing a case there draws on (社区统筹);
- ``street``: one stock per street office for all its communities (街道统筹).

A fix that finds its stock empty is not done. Nothing else is set: stock-outs in one place
while money lapses in another follow from where the cases happen to fall.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.scenario.rule_groups import FundsParams

TRANCHES_PER_YEAR = 12


class Treasury:
    """The fund stocks of a district, their monthly release, draws and yearly lapse.

    Args:
        params: The ``funds`` group.
        plan: Yearly money by community (rows) and holder (columns: one per department, then
            the committee's own fund last).
        community_street: The street office of each community.
    """

    def __init__(self, params: FundsParams, plan: np.ndarray,
                 community_street: Sequence[int]) -> None:
        self.params = params
        communities, holders = plan.shape
        self.committee_holder = holders - 1
        self.pot_of = self._pots(params.pooling, communities, holders, community_street)
        pots = int(self.pot_of.max()) + 1 if self.pot_of.size else 0
        self.yearly = np.bincount(self.pot_of.ravel(), weights=plan.ravel(), minlength=pots)
        self.balance = np.zeros(pots)
        # the separate funds each community's committee spends from and accounts for
        self.funds_per_community = [
            len({int(p) for p, money in zip(self.pot_of[c], plan[c], strict=True) if money > 0})
            for c in range(communities)
        ]
        self.released = 0.0
        self.spent = 0.0
        self.lapsed = 0.0
        self._tranches = 0

    @staticmethod
    def _pots(pooling: str, communities: int, holders: int,
              community_street: Sequence[int]) -> np.ndarray:
        """The stock each (community, holder) draws on under ``pooling``."""
        if pooling == "department":
            return np.arange(communities * holders).reshape(communities, holders)
        per_community = (np.arange(communities) if pooling == "community"
                         else np.asarray(community_street, dtype=np.int64))
        return np.repeat(per_community[:, None], holders, axis=1)

    def start_year(self) -> None:
        """Close the fiscal year (unspent money lapses) and release the new year's first tranche."""
        self.lapsed += float(self.balance.sum())
        self.balance[:] = 0.0
        self._tranches = 0
        self.release()

    def release(self) -> None:
        """Release one monthly tranche of the year's plan (twelve a year at most)."""
        if self._tranches >= TRANCHES_PER_YEAR:
            return
        self._tranches += 1
        self.balance += self.yearly / TRANCHES_PER_YEAR
        self.released += float(self.yearly.sum()) / TRANCHES_PER_YEAR

    def can_pay(self, community: int, holder: int, amount: float) -> bool:
        """Whether the stock ``holder`` draws on in ``community`` holds ``amount`` yuan."""
        return amount <= 0.0 or self.balance[self.pot_of[community, holder]] >= amount

    def draw(self, community: int, holder: int, amount: float) -> bool:
        """Spend ``amount`` from the stock ``holder`` draws on in ``community``, if it holds it."""
        if not self.can_pay(community, holder, amount):
            return False
        if amount > 0.0:
            self.balance[self.pot_of[community, holder]] -= amount
            self.spent += amount
        return True

    def unspent(self) -> float:
        """Money released and not spent: lapsed at past year ends plus what the stocks hold."""
        return self.released - self.spent
