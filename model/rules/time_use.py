"""居委会的时间分配: how a committee divides its day among administration, cases, self-governance.

The source says administrative work pushed down to residents' committees and assessment by
records pull their effort away from serving residents and from self-governance (§4.2: 承担了
大量本应由行政部门承担的行政事务, 偏离了服务居民、促进自治的本源). Here that is the committee's
choice. Each day it divides its own hours among three kinds of work:

- administration: the tasks departments hand down and the documentation an inspection of
  records counts (台账), which process indicators score;
- cases: the residents' cases in its queue, each scored when it ends (see
  :mod:`model.rules.assessment`);
- self-governance: consultation meetings' overhead, then visits, activities and services,
  which residents' satisfaction, an outcome indicator, scores.

It gives its attention where the street's assessment rounds found it losing score
(problemistic search, Cyert and March 1963): each round shows, per kind, the weight the
scenario's assessment puts on that kind's indicator times how far the indicator fell short
(administration: the share of the round's administrative work not done by the inspection;
cases: one minus the round's mean case score; self-governance: one minus the community's mean
satisfaction). The committee's expectation of each kind's loss moves toward what the round showed
at the assessment's ``learning_rate``, by the unbiased step of :mod:`model.rules.assessment` (the
first round replaces the prior), and hours are shared by a logit of those losses with the
assessment's ``choice_temperature``; a kind needing fewer hours than its share passes the rest to
the others. So a heavy process weight makes records come first when they fall behind, and an
outcome weight lets them wait while residents are served.
"""

from __future__ import annotations

import math
from enum import IntEnum

from model.rules.assessment import unbiased_step
from model.scenario.rule_groups import AssessmentParams


class Work(IntEnum):
    """The kinds of work a committee divides its hours among."""

    ADMINISTRATION = 0
    CASES = 1
    SELF_GOVERNANCE = 2


class Attention:
    """What one committee expects each kind of work to lose it at the next assessment round."""

    __slots__ = ("losses", "trace")

    def __init__(self, prior: list[float]) -> None:
        self.losses = list(prior)
        self.trace = 0.0

    def learn(self, found: list[float], rate: float) -> None:
        """End a round: move each kind's expected loss toward what the round found."""
        self.trace, step = unbiased_step(self.trace, rate)
        self.losses = [old + step * (new - old) for old, new in zip(self.losses, found,
                                                                     strict=True)]


class TimeUseRule:
    """Scores a committee's round per kind of work and shares its hours by the losses learnt."""

    def __init__(self, params: AssessmentParams) -> None:
        self.params = params

    def losses(self, records_done: float, case_score: float, satisfaction: float) -> list[float]:
        """The score each kind of work lost in a round, by what the assessment counts.

        Args:
            records_done: Share of the round's administrative work done by the inspection.
            case_score: Mean assessment score of the cases the committee chose on.
            satisfaction: The community's mean satisfaction at the round's end.
        """
        process = self.params.process_weight
        return [process * (1.0 - records_done), max(0.0, 1.0 - case_score),
                (1.0 - process) * (1.0 - satisfaction)]

    def attention(self) -> Attention:
        """A committee's expectations before its first round: every indicator at the prior."""
        prior = self.params.prior_score
        return Attention(self.losses(prior, prior, prior))

    def allocate(self, hours: float, needs: list[float], attention: Attention) -> list[float]:
        """Share ``hours`` among the kinds of work, each getting at most what it ``needs``.

        Shares follow a logit of the expected losses; a kind whose share exceeds its need gets
        its need, and what it leaves is shared among the rest in the same proportions (needs
        may be infinite: self-governance can always use more hours).
        """
        given = [0.0] * len(needs)
        open_kinds = [k for k, need in enumerate(needs) if need > 0.0]
        temperature = self.params.choice_temperature
        while open_kinds and hours > 1e-9:
            best = max(attention.losses[k] for k in open_kinds)
            weights = {k: math.exp((attention.losses[k] - best) / temperature)
                       for k in open_kinds}
            total = sum(weights.values())
            filled = [k for k in open_kinds if hours * weights[k] / total >= needs[k]]
            if not filled:
                for k in open_kinds:
                    given[k] = hours * weights[k] / total
                break
            for k in filled:
                given[k] = needs[k]
                hours -= needs[k]
                open_kinds.remove(k)
        return given
