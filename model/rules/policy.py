"""Policy limits (政策边界) and the monthly themes that move them (每月一题).

Some requests ask for what the rules in force do not allow: a subsidy no policy grants, a
dispute between private parties, a long-standing problem (历史遗留问题) no unit may settle. A
unit that works such a request finds it can only explain, and closes it unsolved (§4.2 有责无权:
the duty without the power). Which need is beyond the rules is drawn once, at intake, as a
number in [0, 1) (stream ``policy``): the need is beyond them while that number lies below its
category's limit, ``beyond_share`` times the share of the category the rules still leave out.

Monthly themes change who decides: each month the city reads the hotline's record, takes up
the ``themes_per_month`` categories with the most requests closed beyond the rules that month,
and changes the rules for ``theme_reach`` of what is left of them. Open requests of a themed
category are settled by the new rules when they are worked; nothing else about them changes.
"""

from __future__ import annotations

from collections import Counter

from model.scenario.rule_groups import PolicyParams


class PolicyRule:
    """Which requests the rules in force leave beyond every unit's remit, and the themes."""

    def __init__(self, params: PolicyParams, categories: int) -> None:
        self.params = params
        #: share of each category's requests beyond the rules that themes have not reached
        self.left_out = [1.0] * categories
        #: requests closed beyond the rules this month on the hotline's record, by category
        self.month_record: Counter = Counter()
        #: (day, category) of every theme taken up, in order
        self.themes: list[tuple[int, int]] = []
        self.limits: list[float] = []
        self._set_limits()

    def retune(self, params: PolicyParams) -> None:
        """Take up a timeline entry's settings; the themes taken up so far stay."""
        self.params = params
        self._set_limits()

    def _set_limits(self) -> None:
        share = self.params.beyond_share
        self.limits = [share * left for left in self.left_out]

    def beyond(self, category: int, draw: float) -> bool:
        """Whether a request of ``category`` with intake draw ``draw`` is beyond the rules."""
        return draw < self.limits[category]

    def review(self, day: int) -> list[int]:
        """The month's themes: take up the categories most closed beyond the rules; return them.

        Ties go to the category listed first, so the choice is the same on every machine.
        """
        record, self.month_record = self.month_record, Counter()
        count = self.params.themes_per_month
        if not count or not record:
            return []
        ranked = sorted(record, key=lambda category: (-record[category], category))
        chosen = ranked[:count]
        keep = 1.0 - self.params.theme_reach
        for category in chosen:
            self.left_out[category] *= keep
            self.themes.append((day, category))
        self._set_limits()
        return chosen
