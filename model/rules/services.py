"""社区服务 rule: what the committee's hours of service do for residents (§4.2).

The source says process-weighted assessment and pushed-down administrative work pull the
committee's effort away from serving residents (偏离了服务居民、促进自治的本源). The hours a
committee chooses to give self-governance beyond meetings' overhead, and what volunteers and
cadres leave of theirs, go to residents' services (visits, activities, help; see
:mod:`model.rules.time_use`); each month the community's satisfaction moves toward a service quality
that saturates with service hours per resident: q = h / (h + half_hours).
"""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import ServiceParams

#: Days in a month of services (and of every monthly process).
MONTH_DAYS = 30
#: Days in a year of the model's calendar (rates given per year are per 365 days).
YEAR_DAYS = 365


class ServiceRule:
    """Turns a month of a committee's service hours into residents' satisfaction."""

    def __init__(self, params: ServiceParams) -> None:
        self.params = params

    def quality(self, hours: float, residents: int) -> float:
        """Service quality in [0, 1) from a month's service hours for ``residents``."""
        per_resident = hours / max(residents, 1)
        return per_resident / (per_resident + self.params.half_hours)

    def satisfaction_after(self, satisfaction: np.ndarray, quality: float) -> np.ndarray:
        """Residents' satisfaction after a month of service of ``quality``."""
        return satisfaction + self.params.rate * (quality - satisfaction)
