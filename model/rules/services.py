"""社区服务 rule: what committee time left after paperwork and cases does for residents (§4.2).

The source says process-weighted assessment and pushed-down administrative work pull the
committee's effort away from serving residents (偏离了服务居民、促进自治的本源). Hours a
committee has left after paperwork, meetings and cases go to residents' services (visits,
activities, help); each month the community's satisfaction moves toward a service quality
that saturates with service hours per resident: q = h / (h + half_hours).
"""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import ServiceParams

#: Days in a month of services (and of every monthly process).
MONTH_DAYS = 30


class ServiceRule:
    """Turns a month of a committee's spare hours into residents' satisfaction."""

    def __init__(self, params: ServiceParams) -> None:
        self.params = params

    def quality(self, hours: float, residents: int) -> float:
        """Service quality in [0, 1) from a month's service hours for ``residents``."""
        per_resident = hours / max(residents, 1)
        return per_resident / (per_resident + self.params.half_hours)

    def satisfaction_after(self, satisfaction: np.ndarray, quality: float) -> np.ndarray:
        """Residents' satisfaction after a month of service of ``quality``."""
        return satisfaction + self.params.rate * (quality - satisfaction)
