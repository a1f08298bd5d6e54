"""协商议事 rule: who attends meetings, what they settle, how trust grows (§6.4, §5.1)."""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import ConsultationParams


class ConsultationRule:
    """Attendance, settlement and trust effects of a community consultation meeting.

    An invited resident attends with probability participation x (floor + (1 - floor) trust) x
    the committee's mobilisation: attendance rests on the committee's visits and services, so it
    falls when the committee chooses to spend its hours on records (自治行政化). Each collective
    dispute on the agenda is deliberated by the attendees (:meth:`deliberate`); one agreed on
    is settled if the money to carry it out is there. Trust follows the meeting's record, the
    share of its decisions carried out: attendees saw it, others as far as it is published
    (四议两公开).
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

    def deliberate(self, trust: np.ndarray, rng: np.random.Generator) -> bool:
        """Whether attendees with ``trust`` each reach agreement on one collective dispute.

        The dispute divides residents into two camps ``polarisation`` apart, each attendee in
        one (the split drawn per dispute) with a position spread around its camp's centre.
        Each round every attendee moves to the mean position of those within its confidence
        bound, ``confidence`` x its trust (Hegselmann-Krause bounded confidence: the trusting
        listen further). The meeting agrees when ``agreement_share`` of the attendees end
        within ``agreement_width`` of the middle position, and needs ``quorum`` attendees.
        """
        p = self.params
        n = len(trust)
        if n < p.quorum:
            return False
        lean = rng.random()
        camp = np.where(rng.random(n) < lean, -0.5, 0.5)
        x = np.clip(0.5 + camp * p.polarisation + p.position_spread * rng.standard_normal(n),
                    0.0, 1.0)
        bound = (p.confidence * trust)[:, None]
        for _ in range(p.deliberation_rounds):
            heard = np.abs(x[:, None] - x[None, :]) <= bound
            moved = heard @ x / heard.sum(axis=1)
            settled = np.abs(moved - x).max() < 1e-9
            x = moved
            if settled:
                break
        agreeing = np.abs(x - np.median(x)) <= p.agreement_width
        return bool(agreeing.mean() >= p.agreement_share)

    def trust_after(self, trust: np.ndarray, record: float, attended: np.ndarray) -> np.ndarray:
        """Residents' trust after a meeting's record is known.

        ``record`` is the share of the meeting's decisions carried out. Attendees saw it; the
        others learn it as far as decisions and accounts are published (四议两公开).
        """
        p = self.params
        weight = np.where(attended, p.trust_gain, p.transparency * p.trust_gain)
        return trust + weight * (record - trust)

    def waits_for_meeting(self, days_to_meeting: int) -> bool:
        """Whether a collective dispute is held for the next meeting rather than sent up."""
        return days_to_meeting <= self.params.max_wait_days
