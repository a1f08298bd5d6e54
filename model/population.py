"""Residents' state as columns (NumPy arrays), with running sums for cheap aggregates.

Residents are Mesa agents (:class:`model.agents.resident.Resident`), but their state lives
here, in arrays sorted by community, so that daily aggregates (mean satisfaction, trust, by
group) cost nothing per resident: sums are updated whenever one resident's value changes,
and periodic whole-community updates (consultation) recompute that community's slice.
"""

from __future__ import annotations

import numpy as np

from model.scenario.schema import PopulationParams

#: numbers in one story: teller, channel column, performance, judgement, three experiences
_STORY = 7

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
        self.expected_of_channel = np.repeat(self.trust[:, None], known.shape[1], axis=1)
        self.known = known
        self.last_channel = np.full(self.size, -1, dtype=np.int64)
        self.listeners = listeners
        self.ring_position = ring_position  # where she sits on her community's ring
        # told today, heard at day's end: teller, channel column, performance, judgement and
        # the three experience scores
        # the day's stories, seven numbers each, one after another (flat: a day's table is
        # then one conversion of floats, not one of tuples)
        self._stories: list[float] = []

    def equip_expectations(self, initial: tuple[float, float, float]) -> None:
        """Give every resident what she expects of a case: result, time and treatment scores.

        Before any case of her own or any story, everyone expects ``initial``. The month's
        experiences are summed for the district's published figures (:meth:`publish`).
        """
        self.expectations = np.tile(np.asarray(initial, dtype=float), (self.size, 1))
        # the month's summed experiences, as Python floats: added to once per ended case
        self._month_experience = [0.0, 0.0, 0.0]
        self._month_cases = 0

    def expected(self, index: int) -> tuple[float, float, float]:
        """What one resident expects of her next case (result, time, treatment)."""
        row = self.expectations[index]
        return row.item(0), row.item(1), row.item(2)

    def learn(self, index: int, column: int, experience: tuple[float, float, float],
              performance: float, judgement: float, rates: tuple[float, float]) -> None:
        """Let one resident learn from her ended case, and tell her listeners of it.

        Her expectations move the first of ``rates`` toward the case's ``experience``; when
        she chose its channel (``column`` >= 0) she expects of that channel the second of
        ``rates`` nearer to its ``performance`` and uses it by habit. Her listeners hear the
        story at the day's end (:meth:`spread_stories`).
        """
        own_rate, channel_rate = rates
        row = self.expectations[index]
        month = self._month_experience
        for dim in range(3):
            old = row.item(dim)
            row[dim] = old + own_rate * (experience[dim] - old)
            month[dim] += experience[dim]
        self._month_cases += 1
        if column >= 0:
            expected = self.expected_of_channel
            old = expected.item(index, column)
            expected[index, column] = old + channel_rate * (performance - old)
            self.known[index, column] = True
            self.last_channel[index] = column
        self._stories.extend((index, column, performance, judgement, *experience))

    def spread_stories(self, channel_rate: float, expectation_rate: float,
                       neighbour_weight: float, trust_rate: float) -> None:
        """Today's stories reach their tellers' listeners, who learn from them.

        A listener's expectations move ``expectation_rate`` toward the story's experience; her
        satisfaction ``neighbour_weight`` toward the teller's judgement, and her trust
        ``trust_rate`` toward her satisfaction; she learns of the teller's channel at
        ``channel_rate``. All of a day's stories are heard at once: a listener told twice in
        a day keeps the later story (in the order the cases ended).
        """
        stories, self._stories = self._stories, []
        ties = self.listeners.shape[1]
        if not stories or ties == 0:
            return
        # teller, column, performance, judgement, three experiences
        table = np.fromiter(stories, dtype=np.float64, count=len(stories)).reshape(-1, _STORY)
        listeners = self.listeners[table[:, 0].astype(np.int64)].ravel()
        heard = np.repeat(table[:, 1:], ties, axis=0)
        self._hear_channels(listeners, heard[:, 0].astype(np.int64), heard[:, 1], channel_rate)
        last = _last_of(listeners)
        listeners, heard = listeners[last], heard[last]
        expectations = self.expectations[listeners]
        self.expectations[listeners] = expectations + expectation_rate * (
            heard[:, 3:] - expectations)
        self._follow_judgements(listeners, heard[:, 2], neighbour_weight, trust_rate)

    def _hear_channels(self, listeners: np.ndarray, columns: np.ndarray,
                       scores: np.ndarray, rate: float) -> None:
        """Listeners learn of the channels their tellers chose (the later story of each)."""
        chosen = columns >= 0
        listeners, columns, scores = listeners[chosen], columns[chosen], scores[chosen]
        last = _last_of(listeners * self.expected_of_channel.shape[1] + columns)
        listeners, columns = listeners[last], columns[last]
        heard = self.expected_of_channel[listeners, columns]
        self.expected_of_channel[listeners, columns] = heard + rate * (scores[last] - heard)
        self.known[listeners, columns] = True

    def _follow_judgements(self, listeners: np.ndarray, judgements: np.ndarray,
                           weight: float, trust_rate: float) -> None:
        """Distinct listeners' satisfaction and trust after hearing neighbours' judgements."""
        old_sat, old_trust = self.satisfaction[listeners], self.trust[listeners]
        sat = old_sat + weight * (judgements - old_sat)
        trust = old_trust + trust_rate * (sat - old_trust)
        self.satisfaction[listeners] = sat
        self.trust[listeners] = trust
        d_sat = sat - old_sat
        self.sum_satisfaction += float(d_sat.sum())
        self.sum_satisfaction_elderly += float(d_sat[self.elderly[listeners]].sum())
        self.sum_satisfaction_migrant += float(d_sat[self.migrant[listeners]].sum())
        self.sum_trust += float((trust - old_trust).sum())

    def publish(self, rate: float) -> None:
        """The district publishes the month's mean experience; expectations move ``rate`` to it.

        A month with no ended case publishes nothing.
        """
        if self._month_cases:
            figures = np.array(self._month_experience) / self._month_cases
            self.expectations += rate * (figures - self.expectations)
        self._month_experience = [0.0, 0.0, 0.0]
        self._month_cases = 0

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

    def mean_expected_result(self) -> float:
        """The chance of a solution residents expect of their next case, on average."""
        return float(self.expectations[:, 0].mean())

    def participation_rate(self, today: int, window: int = 365) -> float:
        """Share of residents who attended a consultation within ``window`` days."""
        return float(np.mean(self.last_attended > today - window))


def _last_of(keys: np.ndarray) -> np.ndarray:
    """Positions of the last occurrence of each distinct key, in the order of the keys."""
    # NumPy leaves unspecified which of repeated indices an assignment keeps
    _, first = np.unique(keys[::-1], return_index=True)
    return len(keys) - 1 - first
