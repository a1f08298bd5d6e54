"""居民: a resident, whose state lives in the population's columns (model.population)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.cases import Case, Status

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class Resident(mesa.Agent):
    """A resident: raises needs, chooses a channel, rates outcomes, joins meetings.

    The attributes are views of row ``index`` of :class:`model.population.Population`, so
    district-wide aggregates never loop over residents. Residents act only when something
    happens to them (a need arises, a case closes, a meeting is held): there is no daily
    per-resident step.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def satisfaction(self) -> float:
        """Satisfaction with public services, in [0, 1]."""
        return float(self.model.population.satisfaction[self.index])

    @property
    def trust(self) -> float:
        """Trust in government, in [0, 1]."""
        return float(self.model.population.trust[self.index])

    @property
    def elderly(self) -> bool:
        """Whether the resident is aged 60 or over."""
        return bool(self.model.population.elderly[self.index])

    @property
    def migrant(self) -> bool:
        """Whether the resident is a migrant (流动人口)."""
        return bool(self.model.population.migrant[self.index])

    @property
    def community(self) -> int:
        """Index of the resident's community."""
        return int(self.model.population.community[self.index])

    def reports(self, urgency: float, draw: float | None = None) -> bool:
        """Decide whether to report a new need (or stay silent).

        ``draw`` is this decision's number from the reporting stream, when the caller drew
        the day's numbers at once; otherwise it is drawn here.
        """
        chance = self.model.rules.judgement.report_probability(self.trust, urgency)
        if draw is None:
            draw = self.model.streams["reporting"].random()
        return draw < chance

    def uses_hotline(self) -> bool:
        """Decide whether to report through the hotline rather than the committee."""
        share = self.model.rules.judgement.hotline_share(self.migrant)
        return bool(self.model.streams["channel"].random() < share)

    def rate(self, case: Case) -> float:
        """Judge an ended case; update satisfaction and trust; return the experience score."""
        model = self.model
        rule = model.rules.judgement
        if case.status == Status.SILENT:
            self.stay_silent()
            return 0.0
        score = rule.experience(case, model.category_specs[case.category])
        sat, trust = rule.updated(self.satisfaction, self.trust, score)
        model.population.set_state(self.index, sat, trust)
        return score

    def stay_silent(self) -> None:
        """Leave a need unreported and unmet: satisfaction and trust fall."""
        sat, trust = self.model.rules.judgement.after_silence(self.satisfaction, self.trust)
        self.model.population.set_state(self.index, sat, trust)

    def escalate(self) -> None:
        """Lose patience with an open case: satisfaction and trust fall."""
        sat, trust = self.model.rules.judgement.after_escalation(self.satisfaction, self.trust)
        self.model.population.set_state(self.index, sat, trust)
