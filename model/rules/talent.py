"""人才支撑 rule: productivity, stress, quitting and learning of community workers (§4.2, §6.5)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from model.scenario.rule_groups import TalentParams

_STANDARD_NORMAL = NormalDist()


class TalentRule:
    """Functional forms for the workforce of residents' committees.

    Productivity is (novice + (1 - novice) experience) x (1 + training_effect x training_days) x
    (1 - stress_productivity_loss x stress); training takes its days off the working year.
    Stress follows load over capacity linearly between ``stress_onset`` and ``stress_full``.
    Quitting and hiring are choices in a labour market: a worker comes across outside offers
    (more often under stress) and takes one that pays more than its post is worth net of its
    stress; a vacancy draws applicants, each of whom takes the post if it is worth more than
    their own best outside offer.
    """

    def __init__(self, params: TalentParams) -> None:
        self.params = params

    def productivity(self, experience: float, stress: float = 0.0) -> float:
        """Output per working hour of a worker with ``experience`` and ``stress`` in [0, 1]."""
        p = self.params
        burnout = 1.0 - p.stress_productivity_loss * stress
        skill = p.novice_productivity + (1.0 - p.novice_productivity) * experience
        return skill * (1.0 + p.training_effect * p.training_days) * burnout

    def hours_per_day(self) -> float:
        """Working hours per worker per day, after time spent in training."""
        p = self.params
        return p.hours_per_day * (1.0 - min(p.training_days, p.working_days) / p.working_days)

    def stress_target(self, load_ratio: float) -> float:
        """Stress a worker tends to under ``load_ratio`` = work demanded / capacity."""
        p = self.params
        return min(1.0, max(0.0, (load_ratio - p.stress_onset) / (p.stress_full - p.stress_onset)))

    def next_stress(self, stress: float | np.ndarray, load_ratio: float) -> float | np.ndarray:
        """Stress after one day (of one worker, or elementwise of an array of them)."""
        return stress + self.params.stress_adaptation * (self.stress_target(load_ratio) - stress)

    # -- the labour market: quitting and hiring are choices between a post and an offer -----
    def offer_probability(self, stress: float) -> float:
        """Chance a worker under ``stress`` comes across an outside offer today.

        Stressed workers look harder (on-the-job search): up to ``stress_search_factor`` times
        the offers of an unstressed one.
        """
        p = self.params
        rate = p.outside_offers_per_year * (1.0 + (p.stress_search_factor - 1.0) * stress)
        return 1.0 - math.exp(-rate / 365.0)

    def offer_ceiling(self, stress: float) -> float:
        """A chance of an offer no worker with at most ``stress`` exceeds (a rounding margin)."""
        return self.offer_probability(stress) * (1.0 + 1e-9)

    def post_value(self, stress: float) -> float:
        """What the post is worth to a worker under ``stress``: its pay less the stress's cost."""
        p = self.params
        return p.pay_index * (1.0 - p.stress_cost * stress)

    def outside_pay(self, experience: float, quantile: float, trained: bool = True) -> float:
        """The pay of an outside offer at ``quantile`` of those a worker's skills can get.

        The market pays for skill: experience up to ``skill_premium`` more, and (for a worker
        in post) the productivity its training adds (general training is portable: Becker).
        """
        quantile = min(max(quantile, 1e-12), 1.0 - 1e-12)  # a draw of exactly 0 has no quantile
        spread = self.params.outside_pay_spread
        return (self._median_offer(experience, trained)
                * math.exp(spread * _STANDARD_NORMAL.inv_cdf(quantile)))

    def _median_offer(self, experience: float, trained: bool = True) -> float:
        """The median outside offer for a worker's skills (see :meth:`outside_pay`)."""
        p = self.params
        median = p.outside_pay * (1.0 + p.skill_premium * experience)
        if trained:
            median *= 1.0 + p.training_effect * p.training_days
        return median

    def takes_offer(self, quantile: float, experience: float, stress: float) -> bool:
        """Whether a worker takes the outside offer at ``quantile`` over staying in post."""
        return self.outside_pay(experience, quantile) > self.post_value(stress)

    def quit_probability(self, stress: float, experience: float) -> float:
        """Chance a worker quits today: an offer comes and beats the post."""
        median = self._median_offer(experience)
        z = math.log(self.post_value(stress) / median) / self.params.outside_pay_spread
        return self.offer_probability(stress) * (1.0 - _STANDARD_NORMAL.cdf(z))

    def applicant_probability(self) -> float:
        """Chance a vacant position draws an applicant today."""
        return 1.0 - math.exp(-self.params.applicants_per_year / 365.0)

    def applicant_accepts(self, quantile: float, stress: float) -> bool:
        """Whether an applicant whose best other offer is at ``quantile`` takes the post.

        The applicant has a newcomer's experience and no training yet, and sees the load of the
        committee it would join (its workers' mean ``stress``).
        """
        outside = self.outside_pay(self.params.newcomer_experience, quantile, trained=False)
        return self.post_value(stress) >= outside

    def next_experience(self, experience: float | np.ndarray) -> float | np.ndarray:
        """Experience after one more day on the job (one worker's, or elementwise)."""
        return experience + (1.0 - experience) / self.params.learning_days
