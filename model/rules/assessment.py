"""考核机制 rule: process versus outcome weights, and how departments adapt (§4.2, §5.2).

Process-weighted assessment rewards closures, on-time closure and filled ledgers (留痕);
outcome-weighted assessment rewards residents' satisfaction. Departments push ledgers down
to committees in proportion to the process weight, and at each assessment round move their
propensity to close hard cases unsolved in the direction their assessment rewards, judged
from their own cases of the last round (a myopic best response, not a fixed switch).
"""

from __future__ import annotations

from dataclasses import dataclass

from model.scenario.rule_groups import AssessmentParams


@dataclass
class RoundRecord:
    """What one department saw in one assessment round, by how it handled hard cases."""

    quick_closed: int = 0  # hard cases closed unsolved
    quick_on_time: int = 0
    quick_experience: float = 0.0
    worked: int = 0  # hard cases worked through
    worked_on_time: int = 0
    worked_experience: float = 0.0

    def record(self, quick: bool, on_time: bool, experience: float) -> None:
        """Add one closed hard case."""
        if quick:
            self.quick_closed += 1
            self.quick_on_time += on_time
            self.quick_experience += experience
        else:
            self.worked += 1
            self.worked_on_time += on_time
            self.worked_experience += experience


class AssessmentRule:
    """Turns assessment weights into paperwork pushed down and departments' closing habits."""

    def __init__(self, params: AssessmentParams, unified: bool) -> None:
        self.params = params
        self.unified = unified

    @property
    def outcome_weight(self) -> float:
        """Weight of outcome indicators (resident satisfaction)."""
        return 1.0 - self.params.process_weight

    def ledger_hours_per_day(self) -> float:
        """Paperwork hours pushed down to each committee per day."""
        p = self.params
        hours = p.ledger_hours_floor + p.ledger_hours_full * p.process_weight
        return hours if self.unified else hours * p.siloed_ledger_factor

    def close_unsolved_probability(self, propensity: float, queued_hours: float,
                                   capacity: float) -> float:
        """Chance of closing a hard case unsolved; rises as the queue grows (§4.2 应付检查)."""
        pressure = min(1.0, queued_hours / (capacity * self.params.pressure_days))
        floor = self.params.pressure_floor
        return propensity * (floor + (1.0 - floor) * pressure)

    def adapt(self, propensity: float, seen: RoundRecord) -> float:
        """New propensity after a round: move toward what the assessment rewards."""
        quick_on_time = seen.quick_on_time / seen.quick_closed if seen.quick_closed else 1.0
        quick_exp = seen.quick_experience / seen.quick_closed if seen.quick_closed else 0.0
        worked_on_time = seen.worked_on_time / seen.worked if seen.worked else 1.0
        worked_exp = seen.worked_experience / seen.worked if seen.worked else 1.0
        gain = self.params.process_weight * (quick_on_time - worked_on_time + 1.0) / 2.0
        loss = self.outcome_weight * max(0.0, worked_exp - quick_exp)
        step = self.params.learning_rate * (gain - loss)
        return min(1.0, max(0.0, propensity + step))
