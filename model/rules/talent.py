"""人才支撑 rule: productivity, stress, quitting and learning of community workers (§4.2, §6.5)."""

from __future__ import annotations

import math

from model.scenario.rule_groups import TalentParams


class TalentRule:
    """Functional forms for the workforce of residents' committees.

    Productivity is (novice + (1 - novice) experience) x (1 + training_effect x training_days) x
    (1 - stress_productivity_loss x stress); training takes its days off the working year.
    Stress follows load over capacity linearly between ``stress_onset`` and ``stress_full``.
    The daily quitting hazard is the yearly base rate, multiplied by up to
    ``stress_quit_factor`` with stress and divided by pay^elasticity.
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

    def next_stress(self, stress: float, load_ratio: float) -> float:
        """Stress after one day."""
        return stress + self.params.stress_adaptation * (self.stress_target(load_ratio) - stress)

    def quit_probability(self, stress: float) -> float:
        """Chance a worker quits today."""
        p = self.params
        yearly = p.base_quit_rate * (1.0 + (p.stress_quit_factor - 1.0) * stress)
        yearly /= p.pay_index ** p.pay_elasticity
        return 1.0 - math.exp(-yearly / 365.0)

    def next_experience(self, experience: float) -> float:
        """Experience after one more day on the job."""
        return experience + (1.0 - experience) / self.params.learning_days
