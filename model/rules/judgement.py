"""Residents' judgement: whether to report a need, and how they rate outcomes (§3.2, §5.2)."""

from __future__ import annotations

import math

import numpy as np

from model.cases import Case, Status
from model.scenario.channel_groups import ExpectationParams
from model.scenario.schema import CategorySpec, ResidentParams


class JudgementRule:
    """How residents decide to report and how they judge what happened to their case.

    A need is reported with probability base + trust weight x the value of reporting (the
    worth of the resident's channels, :mod:`model.rules.channels`) + urgency weight x
    urgency. An ended case is judged by expectancy disconfirmation (Van Ryzin 2004): its
    experience on three dimensions, the result (1 if solved), the time (exp(-delay penalty x
    days / time limit)) and the treatment (1 less penalties for extra trips and bounces), is
    weighed into a performance score, and the judgement adds ``disconfirmation_weight`` x the
    weighted difference between experience and what the resident expected on each dimension.
    Satisfaction moves toward the judgement and trust toward satisfaction.
    """

    def __init__(self, params: ResidentParams,
                 expectations: ExpectationParams | None = None) -> None:
        self.retune(params, expectations or ExpectationParams())

    def retune(self, params: ResidentParams, expectations: ExpectationParams) -> None:
        """Take up new settings (a timeline entry)."""
        self.params = params
        self.expectations = expectations
        weights = np.array([expectations.result_weight, expectations.time_weight,
                            expectations.treatment_weight])
        total = weights.sum()
        #: the dimensions' weights, summing to 1 (the result alone when all are zero)
        self.weights = weights / total if total > 0 else np.array([1.0, 0.0, 0.0])
        self._weights = tuple(self.weights.tolist())

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

    def dimensions(self, case: Case, category: CategorySpec) -> tuple[float, float, float]:
        """An ended case's experience: its result, time and treatment scores, each in [0, 1]."""
        p = self.params
        result = 1.0 if case.status == Status.RESOLVED else 0.0
        days = case.closed_day - case.raised_day
        time = math.exp(-p.delay_penalty * days / category.time_limit_days)
        # conditionals rather than max() and min(): the same values, for every closed case
        extra_trips = case.trips - 1
        lost = p.trip_penalty * (extra_trips if extra_trips > 0 else 0) + p.bounce_penalty * (
            case.bounces)
        treatment = 1.0 - lost if lost < 1.0 else 0.0
        return result, time, treatment

    def performance(self, experience: tuple[float, float, float]) -> float:
        """The weighted experience of a case, in [0, 1]."""
        w_result, w_time, w_treatment = self._weights
        result, time, treatment = experience
        return w_result * result + w_time * time + w_treatment * treatment

    def judge(self, experience: tuple[float, float, float],
              expected: tuple[float, float, float]) -> tuple[float, float, float]:
        """A case's performance, disconfirmation and judgement (clipped to [0, 1]).

        Disconfirmation is the weighted experience minus the weighted expectation: positive
        when the case went better than the resident expected.
        """
        performance = self.performance(experience)
        disconfirmation = performance - self.performance(expected)
        judgement = performance + self.expectations.disconfirmation_weight * disconfirmation
        judgement = 1.0 if judgement > 1.0 else (judgement if judgement > 0.0 else 0.0)
        return performance, disconfirmation, judgement

    def experience(self, case: Case, category: CategorySpec) -> float:
        """Performance score in [0, 1] of a case that has ended (before expectations)."""
        return self.performance(self.dimensions(case, category))

    def updated(self, satisfaction: float, trust: float, score: float) -> tuple[float, float]:
        """Satisfaction and trust after her own case judged ``score``.

        Satisfaction moves ``satisfaction_rate`` toward the judgement, and trust ``trust_rate``
        toward satisfaction (a neighbour's case: :meth:`Population.spread_stories`).
        """
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
