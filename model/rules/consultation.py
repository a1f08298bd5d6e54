"""协商议事 rule: who attends meetings, what they settle, how trust grows (§6.4, §5.1)."""

from __future__ import annotations

import numpy as np

from model.scenario.rule_groups import ConsultationParams


class ConsultationRule:
    """Attendance, settlement and trust effects of a community consultation meeting.

    An invited resident chooses whether to come: with probability participation x willingness x
    the committee's mobilisation, where willingness rests on her trust in government and on
    what she believes meetings achieve, learnt from meetings she attended or heard of, less
    what the meeting's hours cost her (more for residents of working age than for the
    retired). Attendance rests on the committee's visits and services, so it falls when the
    committee chooses to spend its hours on records (自治行政化). Each collective dispute on the
    agenda is deliberated by the attendees (:meth:`deliberate_all`); one agreed on is settled if
    the money to carry it out is there. Satisfaction and trust follow the meeting's record, the
    share of its decisions carried out, and belief in meetings the share of its agenda carried
    out: attendees saw them, their neighbours heard of them from the attendees, and the rest
    learn as much as is published (四议两公开), each as far as they learnt
    (:meth:`learnt`).
    """

    def __init__(self, params: ConsultationParams) -> None:
        self.params = params

    def attendance(
        self, participation: np.ndarray, trust: np.ndarray, efficacy: np.ndarray,
        elderly: np.ndarray, reach: float, rng: np.random.Generator,
    ) -> np.ndarray:
        """Boolean mask of the invited residents given who choose to attend.

        ``efficacy`` is each one's belief in what meetings achieve; ``elderly`` marks those
        whose hours cost less (:meth:`time_cost`); ``reach`` in [0, 1] is how well the
        committee's visits and services reach residents, on which the share
        ``mobilisation_weight`` of attendance depends.
        """
        p = self.params
        mobilised = 1.0 - p.mobilisation_weight + p.mobilisation_weight * reach
        worth = (1.0 - p.efficacy_weight) * trust + p.efficacy_weight * efficacy
        floor = p.trust_attendance_floor
        willing = np.clip(floor + (1.0 - floor) * worth - self.time_cost(elderly), 0.0, 1.0)
        chance = participation * willing * mobilised
        return rng.random(len(chance)) < chance

    def time_cost(self, elderly: np.ndarray) -> np.ndarray:
        """Willingness each resident loses to the hours a meeting takes her."""
        p = self.params
        per_hour = np.where(elderly, p.hour_cost * p.elderly_hour_factor, p.hour_cost)
        return p.attendance_hours * per_hour

    def learnt(self, attended: np.ndarray, told: np.ndarray) -> np.ndarray:
        """How much of a meeting's record each resident learnt, in [0, 1].

        1 for attendees; ``told_weight`` for those an attendee among their ties told of it;
        everyone learns at least what is published (``transparency``).
        """
        p = self.params
        heard = np.where(told, max(p.told_weight, p.transparency), p.transparency)
        return np.where(attended, 1.0, heard)

    def invite(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Offsets (within the community) of the residents invited to a meeting."""
        count = round(self.params.invited_share * size)
        return rng.choice(size, size=count, replace=False) if count else np.empty(0, int)

    def deliberate_all(self, trust: np.ndarray, disputes: int,
                       rng: np.random.Generator) -> np.ndarray:
        """Whether attendees with ``trust`` agree on each of ``disputes`` collective disputes.

        Each dispute divides residents into two camps ``polarisation`` apart, each attendee in
        one (the split drawn per dispute) with a position spread around its camp's centre.
        Each round every attendee moves to the mean position of those within its confidence
        bound, ``confidence`` x its trust (Hegselmann-Krause bounded confidence: the trusting
        listen further). The meeting agrees when ``agreement_share`` of the attendees end
        within ``agreement_width`` of the middle position, and needs ``quorum`` attendees.
        The disputes are independent: drawn one after another, deliberated side by side.
        """
        p = self.params
        n = len(trust)
        if n < p.quorum or disputes == 0:
            return np.zeros(disputes, dtype=bool)
        x = np.empty((disputes, n))
        for row in x:  # per dispute, the draws in the order of one dispute at a time
            lean = rng.random()
            camp = np.where(rng.random(n) < lean, -0.5, 0.5)
            row[:] = 0.5 + camp * p.polarisation + p.position_spread * rng.standard_normal(n)
        np.clip(x, 0.0, 1.0, out=x)
        bound = (p.confidence * trust)[:, None]
        active = np.arange(disputes)  # disputes whose positions still move
        for _ in range(p.deliberation_rounds):
            moving = x[active]
            heard = (np.abs(moving[:, :, None] - moving[:, None, :]) <= bound).astype(float)
            # a float matmul sums as one dispute's ``heard @ x`` does, bit for bit
            moved = np.matmul(heard, moving[:, :, None])[:, :, 0] / heard.sum(axis=2)
            x[active] = moved
            active = active[np.abs(moved - moving).max(axis=1) >= 1e-9]
            if not len(active):
                break
        agreeing = np.abs(x - np.median(x, axis=1, keepdims=True)) <= p.agreement_width
        return agreeing.mean(axis=1) >= p.agreement_share

    def trust_after(self, trust: np.ndarray, record: float, learnt: np.ndarray) -> np.ndarray:
        """Residents' trust after a meeting's record is known.

        ``record`` is the share of the meeting's decisions carried out; ``learnt`` how much of
        it each resident learnt (:meth:`learnt`).
        """
        return self._follow_record(trust, record, learnt, self.params.trust_gain)

    def satisfaction_after(self, satisfaction: np.ndarray, record: float,
                           learnt: np.ndarray) -> np.ndarray:
        """Residents' satisfaction after a meeting's record (decisions carried out) is known."""
        return self._follow_record(satisfaction, record, learnt, self.params.satisfaction_gain)

    def efficacy_after(self, efficacy: np.ndarray, achieved: float,
                       learnt: np.ndarray) -> np.ndarray:
        """Residents' belief in what meetings achieve, after one that carried out ``achieved``.

        ``achieved`` is the share of the meeting's agenda carried out; ``learnt`` how much of
        it each resident learnt (:meth:`learnt`).
        """
        return self._follow_record(efficacy, achieved, learnt, self.params.efficacy_rate)

    @staticmethod
    def _follow_record(values: np.ndarray, record: float, learnt: np.ndarray,
                       rate: float) -> np.ndarray:
        """``values`` moved toward ``record`` at ``rate`` times how much each one learnt."""
        return values + rate * learnt * (record - values)

    def waits_for_meeting(self, days_to_meeting: int) -> bool:
        """Whether a collective dispute is held for the next meeting rather than sent up."""
        return days_to_meeting <= self.params.max_wait_days
