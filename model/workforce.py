"""Every committee's workers in district-wide arrays, so a day's workforce update is one pass.

Each residents' committee (:class:`model.agents.committee.ResidentsCommittee`) owns a
contiguous range of positions in these arrays, in committee order; its ``experience``,
``stress`` and ``active`` are views of its range. The daily update (stress follows load,
experience grows, some workers take outside offers) runs on all positions at once with the
same elementwise arithmetic as one committee at a time, and draws the numbers in the same order
(committee by committee, position by position), so results are those of the per-committee
update.
"""

from __future__ import annotations

import numpy as np

from model.rules.talent import TalentRule
from model.streams import ScalarDraws


class Workforce:
    """Experience, stress and whether in post, of every committee worker position.

    Args:
        positions: Funded positions of each committee, in committee order.
        talent: The rule for productivity, stress, learning and quitting.
        experience: Experience of the workers in post at the start.
    """

    def __init__(self, positions: list[int], talent: TalentRule, experience: float) -> None:
        self.talent = talent
        self.bounds = np.concatenate([[0], np.cumsum(positions, dtype=np.int64)]).tolist()
        size = self.bounds[-1]
        self.experience = np.full(size, experience)
        self.stress = np.zeros(size)
        self.active = np.ones(size, dtype=bool)
        self.committee_of = np.repeat(np.arange(len(positions)), positions)
        self._productivity: np.ndarray | None = None  # per position, until the workers change

    def span(self, committee: int) -> slice:
        """The positions of one committee."""
        return slice(self.bounds[committee], self.bounds[committee + 1])

    def changed(self) -> None:
        """Forget productivity computed from the arrays (a worker was hired or quit)."""
        self._productivity = None

    def productivity(self, committee: int, posts: slice | np.ndarray) -> np.ndarray:
        """Productivity of one committee's workers in post (``posts`` within its span)."""
        if self._productivity is None:  # every position at once: elementwise, so the same
            self._productivity = self.talent.productivity(self.experience, self.stress)
        return self._productivity[self.span(committee)][posts]

    def day(self, load_ratios: list[float], rng: ScalarDraws) -> list[int]:
        """One day of every worker in post; the positions whose workers quit, in order.

        Stress moves toward the target of its committee's ``load_ratios`` (one per committee)
        and experience grows; then each worker in post draws whether an outside offer came
        and, if one did, chooses whether to take it (see :class:`TalentRule`).
        """
        talent = self.talent
        active = self.active
        posts = slice(None) if active.all() else np.flatnonzero(active)
        targets = np.array([talent.stress_target(ratio) for ratio in load_ratios])
        stress = self.stress[posts]
        # next_stress with each worker's committee's target: the same arithmetic elementwise
        stress = stress + talent.params.stress_adaptation * (
            targets[self.committee_of[posts]] - stress)
        self.stress[posts] = stress
        self.experience[posts] = talent.next_experience(self.experience[posts])
        self._productivity = None
        draws = np.array(rng.randoms(len(stress)))
        if not len(draws):
            return []
        # offers are rare: only a draw below the chance of the most stressed can be one
        ceiling = talent.offer_ceiling(float(stress.max()))
        candidates = np.flatnonzero(draws < ceiling).tolist()
        if not candidates:
            return []
        where = np.arange(len(active))[posts]
        experience = self.experience[posts]
        quits = []
        for k in candidates:
            chance = talent.offer_probability(float(stress[k]))
            # below the chance an offer came; where in it the draw fell is the offer's quantile
            if draws[k] < chance and talent.takes_offer(
                    float(draws[k] / chance), float(experience[k]), float(stress[k])):
                quits.append(int(where[k]))
        return quits
