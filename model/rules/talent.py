"""人才支撑 rule: productivity, stress, quitting and learning of community workers (§4.2, §6.5)."""

from __future__ import annotations

import math

import numpy as np

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

    def next_stress(self, stress: float | np.ndarray, load_ratio: float) -> float | np.ndarray:
        """Stress after one day (of one worker, or elementwise of an array of them)."""
        return stress + self.params.stress_adaptation * (self.stress_target(load_ratio) - stress)

    def quit_probability(self, stress: float) -> float:
        """Chance a worker quits today."""
        return self.quit_probabilities([stress])[0]

    def quit_ceiling(self, stress: float) -> float:
        """A chance of quitting no worker with at most ``stress`` exceeds.

        Quitting rises with stress (``stress_quit_factor`` >= 1); the margin covers rounding.
        """
        return self.quit_probability(stress) * (1.0 + 1e-9)

    def quit_probabilities(self, stresses: list[float]) -> list[float]:
        """Chance each of several workers quits today (one rule look-up for a whole team)."""
        p = self.params
        base, factor = p.base_quit_rate, p.stress_quit_factor - 1.0
        pay = p.pay_index ** p.pay_elasticity
        return [1.0 - math.exp(-(base * (1.0 + factor * stress) / pay) / 365.0)
                for stress in stresses]

    def next_experience(self, experience: float | np.ndarray) -> float | np.ndarray:
        """Experience after one more day on the job (one worker's, or elementwise)."""
        return experience + (1.0 - experience) / self.params.learning_days
