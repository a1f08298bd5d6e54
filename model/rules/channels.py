"""渠道选择: which channel a resident reports a need through, or silence (§3.2, §5.2).

A resident values each channel she knows and that is open by what she expects it to do for
her (a blend of her trust in government and what she learnt of that channel from her own
cases and her neighbours' stories), less the effort it costs her group, plus a small bonus for
the channel she used last (habit). She picks among them by a multinomial logit; how much the
whole set is worth to her (its logsum, McFadden's expected maximum) is the value of reporting
at all, which the judgement rule weighs against silence. So a channel that serves its users
well draws more reports, a newly opened channel raises reporting, and residents who know only
one channel, or for whom every channel is costly, stay silent more often.
"""

from __future__ import annotations

import numpy as np

from model.cases import CHOSEN_CHANNELS, Channel
from model.scenario.channel_groups import ChannelParams

#: Column of each chosen channel in the population's arrays of expectations and knowledge.
COLUMN: dict[Channel, int] = {channel: i for i, channel in enumerate(CHOSEN_CHANNELS)}
COMMITTEE, HOTLINE, ONLINE, OFFICE, PETITION, LINE = range(len(CHOSEN_CHANNELS))
_PHONE, _TRIPS = (HOTLINE, LINE), (OFFICE, PETITION)


class ChannelRule:
    """Which channels residents know and may use, what each is worth to them, their choice.

    Args:
        params: The scenario's ``channels`` group.
    """

    def __init__(self, params: ChannelParams) -> None:
        self.retune(params)
        #: channels where a question is answered on the spot: not an office visit or petition
        self.answers_questions = np.ones(len(CHOSEN_CHANNELS), dtype=bool)
        self.answers_questions[list(_TRIPS)] = False

    def retune(self, params: ChannelParams) -> None:
        """Take up new settings (a timeline entry): efforts, openings and closures."""
        self.params = params
        base = np.zeros(len(CHOSEN_CHANNELS))
        for column, effort in ((COMMITTEE, params.committee_effort),
                               (HOTLINE, params.hotline_effort), (ONLINE, params.online_effort),
                               (OFFICE, params.office_effort),
                               (PETITION, params.petition_effort), (LINE, params.line_effort)):
            base[column] = effort
        elderly = base.copy()
        elderly[list(_PHONE)] += params.elderly_phone_effort
        elderly[ONLINE] += params.elderly_digital_effort
        elderly[list(_TRIPS)] += params.elderly_trip_effort
        #: effort by group (local, migrant, elderly local, elderly migrant) and channel
        self.effort = np.stack([base, base, elderly, elderly])

    def known_at_start(self, migrant: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Which channels each resident knows at the start, shape (residents, channels).

        Everyone knows the 12345 hotline (it is publicised everywhere); a local knows the
        committee, the street office and petitions, the online channel with chance
        ``online_known`` and departments' own lines with chance ``line_known``; a migrant
        knows each channel but the hotline with that chance times ``migrant_known_factor``.
        """
        p = self.params
        chance = np.ones(len(CHOSEN_CHANNELS))
        chance[ONLINE], chance[LINE] = p.online_known, p.line_known
        factor = np.where(migrant, p.migrant_known_factor, 1.0)
        known = rng.random((len(migrant), len(CHOSEN_CHANNELS))) < chance * factor[:, None]
        known[:, HOTLINE] = True
        return known

    def open_channels(self, day: int) -> np.ndarray:
        """Which channels take reports on ``day``.

        The online channel once it has opened; departments' own lines until they merge into
        the hotline; the others always; none of those ``closed`` lists.
        """
        p = self.params
        is_open = np.ones(len(CHOSEN_CHANNELS), dtype=bool)
        is_open[ONLINE] = 0 <= p.online_open_day <= day
        is_open[LINE] = not 0 <= p.line_merge_day <= day
        for name in p.closed:
            is_open[COLUMN[Channel(name)]] = False
        return is_open

    def values(self, expected: np.ndarray, trust: np.ndarray, group: np.ndarray,
               last: np.ndarray) -> np.ndarray:
        """Each resident's value of each channel: expected responsiveness, effort and habit.

        Args:
            expected: What each resident learnt to expect of each channel, (residents, channels).
            trust: Each resident's trust in government.
            group: Each resident's group (elderly x 2 + migrant).
            last: The column of the channel each resident used last (-1 for none).
        """
        w = self.params.trust_weight
        value = (1.0 - w) * expected + w * trust[:, None] - self.effort[group]
        value += self.params.habit_weight * (last[:, None] == np.arange(expected.shape[1]))
        return value

    def choose(self, value: np.ndarray, available: np.ndarray,
               draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each resident's channel (a column) and the value of reporting at all.

        The channel is drawn by a multinomial logit over the available ones (``draws`` are
        uniform numbers, one per resident); the value of reporting is the logsum of the
        available values divided by the choice scale (at scale 0: the choice is uniform and
        the value their mean). A resident with no channel available gets column -1 (silence)
        and value 0.
        """
        weight, total, worth = self._weights(value, available)
        cumulative = np.cumsum(weight, axis=1)
        column = (cumulative <= (draws * total)[:, None]).sum(axis=1)
        column = np.minimum(column, value.shape[1] - 1)
        any_open = total > 0
        return np.where(any_open, column, -1), np.where(any_open, worth, 0.0)

    def probabilities(self, value: np.ndarray, available: np.ndarray) -> np.ndarray:
        """Each resident's chance of choosing each channel, should she report."""
        weight, total, _ = self._weights(value, available)
        return weight / np.maximum(total, np.finfo(float).tiny)[:, None]

    def _weights(self, value: np.ndarray,
                 available: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Logit weights of the available channels, their sum and the value of the set."""
        scale = self.params.choice_scale
        if scale <= 0:
            weight = available.astype(float)
            total = weight.sum(axis=1)
            return weight, total, (np.where(available, value, 0.0).sum(axis=1)
                                   / np.maximum(total, 1))
        utility = np.where(available, scale * value, -np.inf)
        top = utility.max(axis=1, initial=-np.inf)
        top = np.where(np.isfinite(top), top, 0.0)
        weight = np.exp(utility - top[:, None])
        total = weight.sum(axis=1)
        return weight, total, (top + np.log(np.where(total > 0, total, 1.0))) / scale
