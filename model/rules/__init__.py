"""Policy rules: one object per rule group, consulted by the agents.

Agents never branch on a scenario; they ask these objects. Adding a variant of a rule means
changing one module here and its parameter group in ``model/scenario/rule_groups.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.rules.assessment import AssessmentRule
from model.rules.channels import ChannelRule
from model.rules.consultation import ConsultationRule
from model.rules.demand import DemandRule
from model.rules.devolution import DevolutionRule
from model.rules.information import InformationRule
from model.rules.judgement import JudgementRule
from model.rules.one_stop import OneStopRule
from model.rules.policy import PolicyRule
from model.rules.procurement import ProcurementRule
from model.rules.response import ResponseRule
from model.rules.services import ServiceRule
from model.rules.talent import TalentRule
from model.rules.time_use import TimeUseRule
from model.rules.whistle import WhistleRule
from model.scenario.schema import Scenario


@dataclass(frozen=True)
class Rules:
    """The rule objects of one run (demand is built separately: it needs the population)."""

    information: InformationRule
    devolution: DevolutionRule
    assessment: AssessmentRule
    whistle: WhistleRule
    one_stop: OneStopRule
    procurement: ProcurementRule
    consultation: ConsultationRule
    talent: TalentRule
    judgement: JudgementRule
    channels: ChannelRule
    services: ServiceRule
    response: ResponseRule
    time_use: TimeUseRule
    policy: PolicyRule

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Rules:
        """Build every rule object from a validated scenario."""
        information = InformationRule(scenario.information, len(scenario.departments))
        devolvable = [c.devolvable for c in scenario.categories.values()]
        return cls(
            information=information,
            devolution=DevolutionRule(scenario.devolution, devolvable),
            assessment=AssessmentRule(scenario.assessment),
            whistle=WhistleRule(scenario.whistle),
            one_stop=OneStopRule(scenario.one_stop),
            procurement=ProcurementRule(scenario.procurement, scenario.district.residents),
            consultation=ConsultationRule(scenario.consultation),
            talent=TalentRule(scenario.talent),
            judgement=JudgementRule(scenario.residents, scenario.expectations),
            channels=ChannelRule(scenario.channels),
            services=ServiceRule(scenario.services),
            response=ResponseRule(scenario.response),
            time_use=TimeUseRule(scenario.assessment),
            policy=PolicyRule(scenario.policy, len(scenario.categories)),
        )

    def retune(self, scenario: Scenario) -> None:
        """Take up a timeline entry's settings (groups in ``timeline.CHANGEABLE_GROUPS``)."""
        self.information.retune(scenario.information)
        self.assessment.params = scenario.assessment
        self.time_use.params = scenario.assessment
        self.whistle.params = scenario.whistle
        self.judgement.retune(scenario.residents, scenario.expectations)
        self.channels.retune(scenario.channels)
        self.services.params = scenario.services
        self.response.params = scenario.response
        self.policy.retune(scenario.policy)


__all__ = ["DemandRule", "Rules"]
