"""一门式办理 / 最多跑一次 rule: where administrative cases go and how many trips they take."""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import OneStopParams


class OneStopRule:
    """Sends administrative cases to a one-stop hall, or to each department in turn.

    Without a hall, a resident makes one trip per department involved, plus extra trips when
    documents turn out to be missing; an office on the shared platform reads the share
    ``documents_on_record`` of them from the government's own records instead.
    At a hall the case is accepted in one visit (一窗受理、集成服务);
    the hall's staff do the back-office work at ``hall_work_factor`` of the departments' effort.
    """

    def __init__(self, params: OneStopParams) -> None:
        self.params = params

    @property
    def enabled(self) -> bool:
        """Whether a one-stop hall serves administrative cases."""
        return self.params.enabled

    @property
    def at_community(self) -> bool:
        """Whether halls sit in every community rather than at the street office."""
        return self.params.level == "community"

    def extra_trips(self, rng: np.random.Generator, connected: bool) -> int:
        """Extra trips at one office because documents were missing (capped)."""
        p = self.params
        chance = p.missing_document_prob * (1.0 - p.documents_on_record if connected else 1.0)
        trips = 0
        while trips < p.max_extra_trips and rng.random() < chance:
            trips += 1
        return trips

    def hall_hours(self, department_hours: float) -> float:
        """Hall staff hours for a case that would take the departments ``department_hours``."""
        return department_hours * self.params.hall_work_factor
