"""Residents' judgement: whether to report a need, and how they rate outcomes (§3.2, §5.2)."""

from __future__ import annotations

import numpy as np

from model.cases import Case, Status
from model.scenario.schema import CategorySpec, ResidentParams


class JudgementRule:
    """How residents decide to report and how they score what happened to their case.

    A need is reported with probability base + trust weight x the value of reporting (the
    worth of the resident's channels, :mod:`model.rules.channels`) + urgency weight x
    urgency. The experience score of a closed case is 1 if
    solved (0 otherwise), minus penalties for lateness beyond the time limit, extra trips and
    bounces; satisfaction moves toward it and trust toward satisfaction.
    """

    def __init__(self, params: ResidentParams) -> None:
        self.params = params

    def report_probability(self, trust: float, urgency: float) -> float:
        """Chance a need is reported rather than left silent."""
        p = self.params
        return min(1.0, p.report_base + p.report_trust_weight * trust
                   + p.report_urgency_weight * urgency)

    def report_probabilities(self, worth: np.ndarray, urgency: np.ndarray) -> np.ndarray:
        """Chance of each need being reported, given the value of reporting it.

        ``worth`` is what the resident's channels are worth to her
        (:meth:`model.rules.channels.ChannelRule.choose`), or her trust in government for a
        service asked for in person; it takes trust's place in :meth:`report_probability`.
        """
        p = self.params
        chance = p.report_base + p.report_trust_weight * worth + p.report_urgency_weight * urgency
        return np.minimum(1.0, chance)

    def experience(self, case: Case, category: CategorySpec) -> float:
        """Experience score in [0, 1] of a case that has ended."""
        p = self.params
        score = 1.0 if case.status == Status.RESOLVED else 0.0
        # conditionals rather than max() and min(): the same values, for every closed case
        late = case.closed_day - case.raised_day - category.time_limit_days
        score -= p.delay_penalty * (late if late > 0 else 0) / category.time_limit_days
        extra_trips = case.trips - 1
        score -= p.trip_penalty * (extra_trips if extra_trips > 0 else 0)
        score -= p.bounce_penalty * case.bounces
        return 1.0 if score > 1.0 else (score if score > 0.0 else 0.0)

    def updated(self, satisfaction: float, trust: float, score: float) -> tuple[float, float]:
        """Satisfaction and trust after an experience with ``score``."""
        sat = satisfaction + self.params.satisfaction_rate * (score - satisfaction)
        return sat, trust + self.params.trust_rate * (sat - trust)

    def after_silence(self, satisfaction: float, trust: float) -> tuple[float, float]:
        """Satisfaction and trust after a need went unreported and unmet."""
        sat = max(0.0, satisfaction - self.params.satisfaction_rate * self.params.silent_penalty)
        return sat, trust + self.params.trust_rate * (sat - trust)

    def after_escalation(self, satisfaction: float, trust: float) -> tuple[float, float]:
        """Satisfaction and trust after a resident had to escalate (hotline, petition)."""
        pen = self.params.escalation_penalty
        return max(0.0, satisfaction - pen), max(0.0, trust - pen)
