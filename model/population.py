"""Residents' state as columns (NumPy arrays), with running sums for cheap aggregates.

Residents are Mesa agents (:class:`model.agents.resident.Resident`), but their state lives
here, in arrays sorted by community, so that daily aggregates (mean satisfaction, trust, by
group) cost nothing per resident: sums are updated whenever one resident's value changes,
and periodic whole-community updates (consultation) recompute that community's slice.
"""

from __future__ import annotations

import numpy as np

from model.scenario.schema import PopulationParams

GROUPS = ("local", "migrant", "elderly_local", "elderly_migrant")


class Population:
    """Column store of every resident's attributes and state."""

    def __init__(
        self, params: PopulationParams, sizes: list[int], rng: np.random.Generator
    ) -> None:
        n = int(sum(sizes))
        self.size = n
        self.community = np.repeat(np.arange(len(sizes)), sizes)
        self.bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.elderly = rng.random(n) < params.elderly_share
        self.migrant = rng.random(n) < params.migrant_share
        self.group = self.elderly.astype(int) * 2 + self.migrant.astype(int)
        self._groups = self.group.tolist()  # read for every changed resident: a list is cheaper
        spread = params.spread
        self.satisfaction = np.clip(rng.normal(params.initial_satisfaction, spread, n), 0, 1)
        self.trust = np.clip(rng.normal(params.initial_trust, spread, n), 0, 1)
        base = rng.beta(2, 2 / max(params.participation_mean, 1e-6) - 2 + 1e-9, n)
        self.participation = np.where(self.migrant, base * params.migrant_participation, base)
        self.participation = np.clip(self.participation, 0, 1)
        shape = params.patience_shape
        patience = rng.gamma(shape, params.patience_days / shape, n)
        self.patience = np.maximum(1, patience).astype(int)
        # what a resident believes a meeting achieves: before she has seen or read of one, what
        # she expects of government
        self.efficacy = self.trust.copy()
        self.last_attended = np.full(n, -10**6, dtype=int)
        self.open_cases = np.zeros(n, dtype=int)
        self.members = [
            [np.flatnonzero(self.group[lo:hi] == g) + lo for g in range(len(GROUPS))]
            for lo, hi in zip(self.bounds[:-1], self.bounds[1:], strict=True)
        ]
        self._recount()

    def equip_channels(self, known: np.ndarray, listeners: np.ndarray,
                       ring_position: np.ndarray) -> None:
        """Give residents their channels and their listeners (who they tell of their cases).

        What a resident expects of each channel starts at her trust in government (she has
        not used it yet); ``known`` says which channels she knows, and she has used none.
        """
        self.expected = np.repeat(self.trust[:, None], known.shape[1], axis=1)
        self.known = known
        self.last_channel = np.full(self.size, -1, dtype=np.int64)
        self.listeners = listeners
        self.ring_position = ring_position  # where she sits on her community's ring
        self._stories: list[tuple[int, int, float]] = []  # told today, heard at day's end

    def learn_channel(self, index: int, column: int, score: float, rate: float) -> None:
        """Let one resident learn from her case through channel ``column``, scored ``score``.

        She expects of that channel a step ``rate`` nearer to the score, uses it by habit,
        and will tell her listeners (:meth:`spread_stories`).
        """
        expected = self.expected
        old = expected.item(index, column)
        expected[index, column] = old + rate * (score - old)
        self.known[index, column] = True
        self.last_channel[index] = column
        self._stories.append((index, column, score))

    def spread_stories(self, rate: float) -> None:
        """Today's stories reach their tellers' listeners, who learn of the channel at ``rate``.

        All of a day's stories are heard at once: a listener told of the same channel twice in
        a day keeps the later story's step (in the order the cases ended).
        """
        stories, self._stories = self._stories, []
        ties = self.listeners.shape[1]
        if not stories or ties == 0:
            return
        tellers, columns, scores = (np.array(part) for part in zip(*stories, strict=True))
        listeners = self.listeners[tellers].ravel()
        columns = np.repeat(columns, ties)
        scores = np.repeat(scores, ties)
        # the last story of each (listener, channel): NumPy leaves unspecified which of
        # repeated indices an assignment keeps
        key = (listeners * self.expected.shape[1] + columns)[::-1]
        _, first = np.unique(key, return_index=True)
        last = len(key) - 1 - first
        listeners, columns = listeners[last], columns[last]
        heard = self.expected[listeners, columns]
        self.expected[listeners, columns] = heard + rate * (scores[last] - heard)
        self.known[listeners, columns] = True

    def _recount(self) -> None:
        """Recompute every running sum from the arrays."""
        self.sum_satisfaction = float(self.satisfaction.sum())
        self.sum_trust = float(self.trust.sum())
        self.sum_satisfaction_elderly = float(self.satisfaction[self.elderly].sum())
        self.sum_satisfaction_migrant = float(self.satisfaction[self.migrant].sum())
        self.n_elderly = int(self.elderly.sum())
        self.n_migrant = int(self.migrant.sum())

    def group_counts(self) -> np.ndarray:
        """Residents per community and group, shape (communities, groups)."""
        return np.array([[len(m) for m in members] for members in self.members])

    def state(self, index: int) -> tuple[float, float]:
        """One resident's satisfaction and trust, as Python floats."""
        # item(): a Python float, as float() of the element, at half the cost
        return self.satisfaction.item(index), self.trust.item(index)

    def set_state(self, index: int, satisfaction: float, trust: float,
                  old: tuple[float, float]) -> None:
        """Set one resident's satisfaction and trust, replacing ``old`` (from :meth:`state`).

        The sums move by the differences; the caller has just read the old values.
        """
        # Python floats: the same double arithmetic as NumPy scalars, at a third of the cost
        old_satisfaction, old_trust = old
        d_sat = satisfaction - old_satisfaction
        self.sum_satisfaction += d_sat
        group = self._groups[index]  # elderly x 2 + migrant
        if group & 2:
            self.sum_satisfaction_elderly += d_sat
        if group & 1:
            self.sum_satisfaction_migrant += d_sat
        self.sum_trust += trust - old_trust
        self.satisfaction[index] = satisfaction
        self.trust[index] = trust

    def community_slice(self, community: int) -> slice:
        """Index range of one community's residents."""
        return slice(int(self.bounds[community]), int(self.bounds[community + 1]))

    def refresh_community(self, community: int, old_sat: np.ndarray, old_trust: np.ndarray) -> None:
        """Update the sums after a whole community's arrays changed (given their old values)."""
        part = self.community_slice(community)
        d_sat = self.satisfaction[part] - old_sat
        self.sum_satisfaction += float(d_sat.sum())
        self.sum_satisfaction_elderly += float(d_sat[self.elderly[part]].sum())
        self.sum_satisfaction_migrant += float(d_sat[self.migrant[part]].sum())
        self.sum_trust += float((self.trust[part] - old_trust).sum())

    @property
    def mean_satisfaction(self) -> float:
        """Mean satisfaction of all residents."""
        return self.sum_satisfaction / self.size

    @property
    def mean_trust(self) -> float:
        """Mean trust in government of all residents."""
        return self.sum_trust / self.size

    @property
    def satisfaction_elderly(self) -> float:
        """Mean satisfaction of residents aged 60 and over."""
        return self.sum_satisfaction_elderly / max(self.n_elderly, 1)

    @property
    def satisfaction_not_elderly(self) -> float:
        """Mean satisfaction of residents under 60."""
        return ((self.sum_satisfaction - self.sum_satisfaction_elderly)
                / max(self.size - self.n_elderly, 1))

    @property
    def satisfaction_migrant(self) -> float:
        """Mean satisfaction of migrants."""
        return self.sum_satisfaction_migrant / max(self.n_migrant, 1)

    def participation_rate(self, today: int, window: int = 365) -> float:
        """Share of residents who attended a consultation within ``window`` days."""
        return float(np.mean(self.last_attended > today - window))
