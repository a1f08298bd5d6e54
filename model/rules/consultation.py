"""协商议事 rule: who attends meetings, what they settle, how trust grows (§6.4, §5.1)."""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import ConsultationParams


class ConsultationRule:
    """Attendance, settlement and trust effects of a community consultation meeting.

    An invited resident attends with probability participation x (floor + (1 - floor) trust) x
    the committee's mobilisation: attendance rests on the committee's visits and services, so it
    falls when the committee chooses to spend its hours on records (自治行政化). A collective
    dispute on the agenda is settled with probability ``settle_max * a / (a + attendance_half)``
    at attendance rate ``a``. Publishing decisions and accounts (四议两公开) moves every
    resident's trust toward 1 by ``transparency * trust_gain``.
    """

    def __init__(self, params: ConsultationParams) -> None:
        self.params = params

    def attendance(
        self, participation: np.ndarray, trust: np.ndarray, reach: float,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Boolean mask of attendees among the invited residents given.

        ``reach`` in [0, 1] is how well the committee's visits and services reach residents;
        the share ``mobilisation_weight`` of attendance depends on it.
        """
        weight = self.params.mobilisation_weight
        mobilised = 1.0 - weight + weight * reach
        floor = self.params.trust_attendance_floor
        chance = participation * (floor + (1.0 - floor) * trust) * mobilised
        return rng.random(len(chance)) < chance

    def invite(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Offsets (within the community) of the residents invited to a meeting."""
        count = round(self.params.invited_share * size)
        return rng.choice(size, size=count, replace=False) if count else np.empty(0, int)

    def settle_probability(self, attendance_rate: float) -> float:
        """Chance a collective dispute on the agenda is settled."""
        p = self.params
        return p.settle_max * attendance_rate / (attendance_rate + p.attendance_half)

    def trust_after(self, trust: np.ndarray) -> np.ndarray:
        """Everyone's trust after the meeting's decisions are made public."""
        p = self.params
        return trust + p.transparency * p.trust_gain * (1.0 - trust)

    def waits_for_meeting(self, days_to_meeting: int) -> bool:
        """Whether a collective dispute is held for the next meeting rather than sent up."""
        return days_to_meeting <= self.params.max_wait_days
