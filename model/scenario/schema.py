"""The scenario schema: the one source of truth for every parameter of a run.

A scenario is a district (its size and population), its departments and case categories
(data, defined in scenario files), the demand and residents' behaviour, and the nine rule
groups. ``Scenario.model_json_schema()`` is what ``cogov schema`` prints.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from model.scenario.fields import Group, param
from model.scenario.rule_groups import (
    AssessmentParams,
    ConsultationParams,
    DevolutionParams,
    InformationParams,
    OneStopParams,
    ProcurementParams,
    ServiceParams,
    TalentParams,
    WhistleParams,
)


class RunParams(Group):
    """How long a run lasts."""

    days: int = param(365, "Simulated days", ge=1, le=3650, unit="days", zh="模拟天数",
                      role="context")


class DistrictParams(Group):
    """Size of the district: street offices, communities, residents (§2 层级性)."""

    streets: int = param(3, "Street offices (街道办事处) in the district", ge=1, le=100,
                         unit="offices", zh="街道数", role="context")
    communities_per_street: int = param(
        4, "Communities (one residents' committee each) per street office", ge=1, le=100,
        unit="communities", zh="每街道社区数", role="context")
    residents: int = param(20000, "Residents in the district", ge=100, le=5_000_000,
                           unit="residents", zh="居民人数", role="context")
    street_hours_per_day: float = param(
        24.0, "Coordination staff hours per street office per day (routing, whistles)", ge=1,
        le=1000, unit="hours/day", source="§4.1 统筹协调权", zh="街道协调日工时", step=1,
        role="lever")
    routing_hours: float = param(0.3, "Street hours to screen and route one case", ge=0, le=10,
                                 unit="hours", zh="分派工时", step=0.05, role="assumption")
    intake_hours: float = param(0.5, "Committee hours to take in and forward one case", ge=0,
                                le=10, unit="hours", zh="受理转办工时", step=0.05,
                                role="assumption")


class PopulationParams(Group):
    """Who lives in the district and how they start (§3.1 老龄化, 流动人口)."""

    elderly_share: float = param(0.18, "Share of residents aged 60 and over", ge=0, le=1,
                                 unit="share", source="§3.1 人口老龄化", zh="老年人口比例",
                                 step=0.01, role="context")
    migrant_share: float = param(0.25, "Share of residents who are migrants (流动人口)", ge=0,
                                 le=1, unit="share", source="§3.1", zh="流动人口比例", step=0.01,
                                 role="context")
    initial_satisfaction: float = param(0.6, "Mean satisfaction at the start", ge=0, le=1,
                                        unit="index", zh="初始满意度", step=0.01, role="context")
    initial_trust: float = param(0.55, "Mean trust in government at the start", ge=0, le=1,
                                 unit="index", zh="初始信任度", step=0.01, role="context")
    spread: float = param(0.1, "Standard deviation of initial satisfaction and trust", ge=0,
                          le=0.5, unit="index", zh="初始离散度", step=0.01, role="context")
    participation_mean: float = param(0.3, "Mean participation propensity", ge=0, le=1,
                                      unit="index", source="§4.2 居民参与的积极性",
                                      zh="参与倾向均值", step=0.01, role="assumption")
    migrant_participation: float = param(0.6, "Participation of migrants relative to locals",
                                         ge=0, le=2, unit="factor", source="§3.1",
                                         zh="流动人口参与系数", step=0.05, role="assumption")
    urgency_spread: float = param(0.15, "Standard deviation of a need's urgency around its mean",
                                  ge=0, le=0.5, unit="index", zh="紧迫性离散度", step=0.01,
                                  role="assumption")
    patience_shape: float = param(4.0, "Gamma shape of patience (higher: patience more alike)",
                                  ge=0.5, le=100, unit="shape", zh="耐心分布形状", step=0.5,
                                  role="assumption")
    patience_days: float = param(30.0, "Mean days a resident waits before escalating", ge=1,
                                 le=365, unit="days", zh="耐心天数", step=1, role="assumption")


class ResidentParams(Group):
    """How residents report needs and judge outcomes (§3.2, §5.2)."""

    report_base: float = param(0.35, "Chance of reporting a need at zero trust and urgency",
                               ge=0, le=1, unit="probability", zh="基础上报概率", step=0.01,
                               role="assumption")
    report_trust_weight: float = param(0.45, "Added reporting chance at full trust", ge=0,
                                       le=1, unit="probability", zh="信任对上报的影响",
                                       step=0.01, role="assumption")
    report_urgency_weight: float = param(0.3, "Added reporting chance at full urgency", ge=0,
                                         le=1, unit="probability", zh="紧迫性对上报的影响",
                                         step=0.01, role="assumption")
    hotline_share_local: float = param(0.25, "Share of local residents' reports via the hotline",
                                       ge=0, le=1, unit="share", zh="本地居民热线比例",
                                       step=0.01, role="assumption")
    hotline_share_migrant: float = param(0.6, "Share of migrants' reports via the hotline",
                                         ge=0, le=1, unit="share", source="§3.1",
                                         zh="流动人口热线比例", step=0.01, role="assumption")
    satisfaction_rate: float = param(0.3, "Weight of one outcome in a resident's satisfaction",
                                     ge=0, le=1, unit="weight", zh="满意度更新权重", step=0.01,
                                     role="assumption")
    trust_rate: float = param(0.2, "Weight of satisfaction in trust after each outcome", ge=0,
                              le=1, unit="weight", zh="信任更新权重", step=0.01, role="assumption")
    silent_penalty: float = param(0.15, "Experience score of a need left unreported, as a loss",
                                  ge=0, le=1, unit="index", zh="沉默需求损失", step=0.01,
                                  role="assumption")
    delay_penalty: float = param(0.5, "Experience lost per time limit of lateness", ge=0, le=5,
                                 unit="per limit", zh="拖延惩罚", step=0.05, role="assumption")
    trip_penalty: float = param(0.1, "Experience lost per extra trip to an office", ge=0, le=1,
                                unit="per trip", source="§6.2 最多跑一次", zh="跑腿惩罚",
                                step=0.01, role="assumption")
    bounce_penalty: float = param(0.08, "Experience lost per bounce between departments", ge=0,
                                  le=1, unit="per bounce", source="§6.2 推诿扯皮",
                                  zh="推诿惩罚", step=0.01, role="assumption")
    escalation_penalty: float = param(0.05, "Satisfaction and trust lost when a resident escalates",
                                      ge=0, le=1, unit="index", zh="上访损失", step=0.01,
                                      role="assumption")
    max_escalations: int = param(2, "Most times a resident escalates one case (hotline, petition)",
                                 ge=0, le=20, unit="escalations", zh="最多升级次数",
                                 role="assumption")
    abandon_days: int = param(120, "Days after which a resident gives up on an open case",
                              ge=5, le=3650, unit="days", zh="放弃天数", role="assumption")
    satisfied_threshold: float = param(
        0.5, "Satisfaction at or above which a resident answers a callback 'satisfied'", ge=0,
        le=1, unit="index", source="§5.2 群众满意度", zh="回访满意阈值", step=0.01,
        role="assumption")


class ShockParams(Group):
    """A demand surge such as an epidemic (突发公共事件, §3.3)."""

    start_day: int = param(120, "Day the surge starts", ge=0, le=3650, unit="day", role="context")
    duration_days: int = param(60, "Days the surge lasts", ge=1, le=3650, unit="days",
                               role="context")
    multiplier: float = param(2.5, "Multiplier on the rates of the affected categories", ge=0,
                              le=50, unit="factor", role="context")
    categories: list[str] = Field(default_factory=list,
                                  description="Affected categories (empty: all)")


class DemandParams(Group):
    """How many needs arise (§3.1); the per-category rates are in the categories."""

    rate_scale: float = param(1.0, "Multiplier on every category's rate", ge=0, le=20,
                              unit="factor", zh="需求总量系数", step=0.05, role="context")
    shocks: list[ShockParams] = Field(default_factory=list,
                                      description="Demand surges (突发公共事件)")


class DepartmentSpec(Group):
    """One functional department (职能部门); departments are data, named in scenario files."""

    zh: str = Field("", description="Chinese name")
    hours_per_day: float = param(40.0, "Staff hours per day for community cases", ge=1,
                                 le=10000, unit="hours/day", zh="部门日工时", step=1, role="lever")
    screening_hours: float = param(0.5, "Hours to screen a case before taking or bouncing it",
                                   ge=0, le=40, unit="hours", zh="甄别工时", step=0.1,
                                   role="assumption")
    solve_prob: float = param(0.95, "Chance a fully informed department solves its part",
                              ge=0, le=1, unit="probability", zh="办结成功率", step=0.01,
                              role="assumption")


class CategorySpec(Group):
    """One case category (诉求类别): its demand, who handles it and how."""

    zh: str = Field("", description="Chinese name")
    rate: float = param(0.1, "Needs per resident per year (working-age local residents)", ge=0,
                        le=50, unit="per resident-year", role="context")
    elderly_multiplier: float = param(1.0, "Rate multiplier for the elderly", ge=0, le=20,
                                      unit="factor", role="context")
    migrant_multiplier: float = param(1.0, "Rate multiplier for migrants", ge=0, le=20,
                                      unit="factor", role="context")
    departments: list[str] = Field(default_factory=list,
                                   description="Departments whose work the case needs, in order")
    claimed_by: list[str] = Field(default_factory=list,
                                  description="Other departments whose remit overlaps (职责交叉)")
    devolvable: bool = param(False, "Committees may be given authority to settle it",
                             role="context")
    admin_service: bool = param(False, "An administrative service needing visits", role="context")
    collective: bool = param(False, "A collective dispute settled by consultation", role="context")
    ngo_specialty: str = Field("", description="NGO specialty that can serve it ('' for none)")
    time_limit_days: int = param(15, "Time limit to resolve", ge=1, le=365, unit="days",
                                 role="lever")
    work_hours: float = param(3.0, "Staff hours of work per department involved", ge=0.1,
                              le=200, unit="hours", role="assumption")
    hard_share: float = param(0.3, "Share of cases needing extra work to really solve", ge=0,
                              le=1, unit="share", role="assumption")
    hard_extra_hours: float = param(4.0, "Extra hours a hard case needs", ge=0, le=200,
                                    unit="hours", role="assumption")
    urgency: float = param(0.4, "Mean urgency of a need of this category", ge=0, le=1,
                           unit="index", role="context")


class Scenario(Group):
    """A full scenario: district, data, demand, residents and the rule groups."""

    name: str = Field("", description="Scenario name (the file name when loaded)")
    description: str = Field("", description="One line saying what policy this is")
    run: RunParams = Field(default_factory=RunParams)
    district: DistrictParams = Field(default_factory=DistrictParams)
    population: PopulationParams = Field(default_factory=PopulationParams)
    residents: ResidentParams = Field(default_factory=ResidentParams)
    demand: DemandParams = Field(default_factory=DemandParams)
    departments: dict[str, DepartmentSpec] = Field(
        default_factory=dict, description="Functional departments by name")
    categories: dict[str, CategorySpec] = Field(
        default_factory=dict, description="Case categories by name")
    information: InformationParams = Field(default_factory=InformationParams)
    devolution: DevolutionParams = Field(default_factory=DevolutionParams)
    assessment: AssessmentParams = Field(default_factory=AssessmentParams)
    whistle: WhistleParams = Field(default_factory=WhistleParams)
    one_stop: OneStopParams = Field(default_factory=OneStopParams)
    procurement: ProcurementParams = Field(default_factory=ProcurementParams)
    consultation: ConsultationParams = Field(default_factory=ConsultationParams)
    talent: TalentParams = Field(default_factory=TalentParams)
    services: ServiceParams = Field(default_factory=ServiceParams)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        """Check that categories name defined departments, specialties and shock targets."""
        from model.scenario.references import check_references

        check_references(self)
        return self
