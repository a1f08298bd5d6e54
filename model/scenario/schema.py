"""The scenario schema: the one source of truth for every parameter of a run.

A scenario is a district (its size and population), its departments and case categories
(data, defined in scenario files), the demand and residents' behaviour, and the nine rule
groups. ``Scenario.model_json_schema()`` is what ``cogov schema`` prints.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, Self

from pydantic import Field, field_validator, model_validator

from model.scenario.channel_groups import ChannelParams, ExpectationParams, NetworkParams
from model.scenario.fields import Group, data_field, param
from model.scenario.rule_groups import (
    AssessmentParams,
    ConsultationParams,
    DevolutionParams,
    FundsParams,
    InformationParams,
    OneStopParams,
    PolicyParams,
    ProcurementParams,
    ResponseParams,
    ServiceParams,
    TalentParams,
    WhistleParams,
)
from model.scenario.timeline import TimelineEntry, stages


class RunParams(Group):
    """How long a run lasts."""

    days: int = param(365, "Simulated days", ge=1, le=3650, unit="days", role="context",
                      label="Simulated days", zh="模拟天数", zh_help="模拟的天数")
    start_date: str = data_field(
        "Calendar date of day 1, the first day simulated (YYYY-MM-DD), for dated timeline "
        "entries and periods; empty: none",
        label="Start date", zh="起始日期",
        zh_help="第 1 天（模拟的第一天）的日历日期（YYYY-MM-DD），"
                "用于按日期的时间线条目和时期；为空表示不设")

    @field_validator("start_date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        """A TOML date is kept as its ISO text (a scenario is written back as TOML)."""
        return value.isoformat() if isinstance(value, datetime.date) else value


class DistrictParams(Group):
    """Size of the district: residents, communities of a set size, street offices (§2 层级性)."""

    #: Keys of earlier versions, with the key that replaced each and why (named in errors).
    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "streets": ("residents_per_community",
                    "communities and street offices now follow from district.residents"),
        "street_hours_per_day": ("street_hours_per_1000_residents",
                                 "a street office's hours now follow its residents"),
    }

    residents_per_community: int = param(
        1667, "Residents per community (one residents' committee each); sets how many "
        "communities there are", ge=100, le=20000, unit="residents", role="context",
        label="Residents per community", zh="每社区居民数",
        zh_help="每个社区（一个居委会）的居民人数；决定社区的数量")
    communities_per_street: int = param(
        4, "Communities (one residents' committee each) per street office", ge=1, le=100,
        unit="communities", role="context",
        label="Communities per street", zh="每街道社区数",
        zh_help="每个街道办事处下辖的社区数（每个社区一个居委会）")
    residents: int = param(20000, "Residents in the district", ge=100, le=5_000_000,
                           unit="residents", role="context",
                           label="Residents", zh="居民人数", zh_help="辖区居民总数")
    street_hours_per_1000_residents: float = param(
        5.0, "Coordination staff hours per day of a street office per 1,000 of its residents "
        "(routing, whistles)", ge=0.01, le=100, unit="hours/day per 1,000 residents",
        source="§4.1 统筹协调权; calibrated (ODD §8)", step=0.1, role="lever",
        label="Street coordination hours/day per 1,000 residents", zh="街道协调日工时(每千人)",
        zh_help="街道办事处每千名辖区居民每天用于统筹协调（分派、吹哨）的人员工时")
    routing_hours: float = param(0.3, "Street hours to screen and route one case", ge=0, le=10,
                                 unit="hours", step=0.05, role="assumption",
                                 label="Routing hours per case", zh="分派工时",
                                 zh_help="街道甄别并分派一件诉求所需的工时")
    intake_hours: float = param(0.5, "Committee hours to take in and forward one case", ge=0, le=10,
                                unit="hours", step=0.05, role="assumption",
                                label="Intake hours per case", zh="受理转办工时",
                                zh_help="居委会受理并转办一件诉求所需的工时")


class PopulationParams(Group):
    """Who lives in the district and how they start (§3.1 老龄化, 流动人口)."""

    elderly_share: float = param(0.18, "Share of residents aged 60 and over", ge=0, le=1,
                                 unit="share", source="§3.1 人口老龄化", step=0.01, role="context",
                                 label="Elderly share", zh="老年人口比例",
                                 zh_help="60岁及以上居民所占比例")
    migrant_share: float = param(0.25, "Share of residents who are migrants (流动人口)", ge=0, le=1,
                                 unit="share", source="§3.1", step=0.01, role="context",
                                 label="Migrant share", zh="流动人口比例",
                                 zh_help="流动人口在居民中所占比例")
    initial_satisfaction: float = param(0.6, "Mean satisfaction at the start", ge=0, le=1,
                                        unit="index", step=0.01, role="context",
                                        label="Initial satisfaction", zh="初始满意度",
                                        zh_help="初始时居民满意度的均值")
    initial_trust: float = param(0.55, "Mean trust in government at the start", ge=0, le=1,
                                 unit="index", step=0.01, role="context",
                                 label="Initial trust", zh="初始信任度",
                                 zh_help="初始时居民对政府信任度的均值")
    spread: float = param(0.1, "Standard deviation of initial satisfaction and trust", ge=0, le=0.5,
                          unit="index", step=0.01, role="context",
                          label="Initial spread", zh="初始离散度",
                          zh_help="初始满意度和信任度的标准差")
    participation_mean: float = param(0.3, "Mean participation propensity", ge=0, le=1,
                                      unit="index", source="§4.2 居民参与的积极性", step=0.01,
                                      role="assumption",
                                      label="Mean participation", zh="参与倾向均值",
                                      zh_help="居民参与倾向的均值")
    migrant_participation: float = param(0.6, "Participation of migrants relative to locals", ge=0,
                                         le=2, unit="factor", source="§3.1", step=0.05,
                                         role="assumption",
                                         label="Migrant participation factor",
                                         zh="流动人口参与系数",
                                         zh_help="流动人口参与倾向相对于本地居民的倍数")
    urgency_spread: float = param(0.15, "Standard deviation of a need's urgency around its mean",
                                  ge=0, le=0.5, unit="index", step=0.01, role="assumption",
                                  label="Urgency spread", zh="紧迫性离散度",
                                  zh_help="诉求紧迫性围绕其均值的标准差")
    patience_shape: float = param(4.0, "Gamma shape of patience (higher: patience more alike)",
                                  ge=0.5, le=100, unit="shape", step=0.5, role="assumption",
                                  label="Patience shape", zh="耐心分布形状",
                                  zh_help="居民耐心的伽马分布形状参数（越大，居民耐心越相近）")
    patience_days: float = param(30.0, "Mean days a resident waits before escalating", ge=1, le=365,
                                 unit="days", step=1, role="assumption",
                                 label="Patience (days)", zh="耐心天数",
                                 zh_help="居民在诉求升级前平均等待的天数")


class ResidentParams(Group):
    """How residents report needs and judge outcomes (§3.2, §5.2)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "hotline_share_local": ("channels.hotline_effort", "residents choose their channel by "
                                "what they expect of it, its effort and habit"),
        "hotline_share_migrant": ("channels.migrant_known_factor", "migrants use the hotline "
                                  "more because they know fewer of the other channels"),
    }

    report_base: float = param(0.35, "Chance of reporting a need at zero trust and urgency", ge=0,
                               le=1, unit="probability", step=0.01, role="assumption",
                               label="Base reporting chance", zh="基础上报概率",
                               zh_help="信任度和紧迫性均为零时上报诉求的概率")
    report_trust_weight: float = param(0.62, "Added reporting chance at full expected value of "
                                       "reporting (trust and what channels are known to do)",
                                       ge=0, le=1, unit="probability", source="calibrated (ODD §8)",
                                       step=0.01, role="assumption",
                                       label="Trust effect on reporting", zh="信任对上报的影响",
                                       zh_help="完全信任时上报概率的增量")
    report_urgency_weight: float = param(0.3, "Added reporting chance at full urgency", ge=0, le=1,
                                         unit="probability", step=0.01, role="assumption",
                                         label="Urgency effect on reporting",
                                         zh="紧迫性对上报的影响",
                                         zh_help="紧迫性最高时上报概率的增量")
    satisfaction_rate: float = param(0.3, "Weight of one outcome in a resident's satisfaction",
                                     ge=0, le=1, unit="weight", step=0.01, role="assumption",
                                     label="Satisfaction update weight", zh="满意度更新权重",
                                     zh_help="单次办理结果在居民满意度中的权重")
    trust_rate: float = param(0.2, "Weight of satisfaction in trust after each outcome", ge=0, le=1,
                              unit="weight", step=0.01, role="assumption",
                              label="Trust update weight", zh="信任更新权重",
                              zh_help="每次办理结果后满意度对信任度的影响权重")
    silent_penalty: float = param(0.15, "Experience score of a need left unreported, as a loss",
                                  ge=0, le=1, unit="index", step=0.01, role="assumption",
                                  label="Loss from a silent need", zh="沉默需求损失",
                                  zh_help="未上报（沉默）诉求造成的体验损失")
    delay_penalty: float = param(0.5, "Decay of a case's time score per time limit taken: the "
                                 "score is exp(-penalty x days / limit)", ge=0, le=5,
                                 unit="per limit", step=0.05, role="assumption",
                                 label="Delay penalty", zh="拖延惩罚",
                                 zh_help="每用去一个办理时限，时效得分按 exp(-惩罚×天数/时限) 衰减")
    trip_penalty: float = param(0.1, "Treatment score lost per extra trip to an office", ge=0, le=1,
                                unit="per trip", source="§6.2 最多跑一次", step=0.01,
                                role="assumption",
                                label="Trip penalty", zh="跑腿惩罚",
                                zh_help="每多跑一次办事窗口所损失的办事体验分")
    bounce_penalty: float = param(0.08, "Treatment score lost per bounce between departments", ge=0,
                                  le=1, unit="per bounce", source="§6.2 推诿扯皮", step=0.01,
                                  role="assumption",
                                  label="Bounce penalty", zh="推诿惩罚",
                                  zh_help="部门间每推诿一次所损失的办事体验分")
    escalation_penalty: float = param(0.05, "Satisfaction and trust lost when a resident escalates",
                                      ge=0, le=1, unit="index", step=0.01, role="assumption",
                                      label="Loss from escalating", zh="上访损失",
                                      zh_help="居民投诉升级时满意度和信任度的损失")
    max_escalations: int = param(2, "Most times a resident escalates one case (hotline, petition)",
                                 ge=0, le=20, unit="escalations", role="assumption",
                                 label="Most escalations", zh="最多升级次数",
                                 zh_help="居民就同一诉求最多升级（热线、信访）的次数")
    abandon_days: int = param(120, "Days after which a resident gives up on an open case", ge=5,
                              le=3650, unit="days", role="assumption",
                              label="Days before giving up", zh="放弃天数",
                              zh_help="居民放弃未办结诉求之前等待的天数")
    satisfied_threshold: float = param(
        0.21, "Judgement of her case at or above which a resident answers its callback "
        "'satisfied'", ge=0, le=1,
        unit="index", source="§5.2 群众满意度; calibrated (ODD §8)", step=0.01,
        role="assumption",
        label="Callback 'satisfied' threshold", zh="回访满意阈值",
        zh_help="回访时居民对该诉求的评价达到此值即答“满意”")


class ShockParams(Group):
    """A demand surge such as an epidemic (突发公共事件, §3.3)."""

    start_day: int = param(120, "Day the surge starts", ge=0, le=3650, unit="day", role="context",
                           label="Surge start day", zh="激增开始日",
                           zh_help="需求激增开始的日期（第几天）")
    duration_days: int = param(60, "Days the surge lasts", ge=1, le=3650, unit="days",
                               role="context",
                               label="Surge duration", zh="激增持续天数",
                               zh_help="需求激增持续的天数")
    multiplier: float = param(2.5, "Multiplier on the rates of the affected categories", ge=0,
                              le=50, unit="factor", role="context",
                              label="Surge multiplier", zh="激增倍数",
                              zh_help="受影响诉求类别发生率的乘数")
    categories: list[str] = data_field(
        "Affected categories (empty: all)", default_factory=list,
        label="Affected categories", zh="受影响类别",
        zh_help="受影响的诉求类别（为空表示全部类别）")


class DemandParams(Group):
    """How many needs arise (§3.1); the per-category rates are in the categories."""

    rate_scale: float = param(1.0, "Multiplier on every category's rate", ge=0, le=20,
                              unit="factor", step=0.05, role="context",
                              label="Demand scale", zh="需求总量系数",
                              zh_help="所有诉求类别发生率的总乘数")
    shocks: list[ShockParams] = data_field(
        "Demand surges (突发公共事件)", default_factory=list,
        label="Demand surges", zh="需求激增", zh_help="需求激增（突发公共事件）")


class DepartmentSpec(Group):
    """One functional department (职能部门); departments are data, named in scenario files."""

    zh: str = data_field("Chinese name", label="Chinese name", zh="中文名称",
                         zh_help="部门的中文名称")
    #: Keys of earlier versions, with the key that replaced each and why (named in errors).
    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "hours_per_day": ("hours_per_1000_residents",
                          "a department's hours now follow the district's residents"),
    }

    hours_per_1000_residents: float = param(
        2.0, "Staff hours per day for community cases per 1,000 residents of the district",
        ge=0.01, le=500, unit="hours/day per 1,000 residents", step=0.05, role="lever",
        label="Department hours/day per 1,000 residents", zh="部门日工时(每千人)",
        zh_help="部门每千名辖区居民每天用于办理社区诉求的人员工时")
    screening_hours: float = param(0.5, "Hours to screen a case before taking or bouncing it", ge=0,
                                   le=40, unit="hours", step=0.1, role="assumption",
                                   label="Screening hours", zh="甄别工时",
                                   zh_help="部门甄别一件诉求（决定受理或退回）所需的工时")
    solve_prob: float = param(0.95, "Chance a fully informed department solves its part", ge=0,
                              le=1, unit="probability", step=0.01, role="assumption",
                              label="Solving chance", zh="办结成功率",
                              zh_help="信息完整时部门办好其承担部分的概率")


class CategorySpec(Group):
    """One case category (诉求类别): its demand, who handles it and how."""

    zh: str = data_field("Chinese name", label="Chinese name", zh="中文名称",
                         zh_help="类别的中文名称")
    rate: float = param(0.1, "Needs per resident per year (working-age local residents)", ge=0,
                        le=50, unit="per resident-year", role="context",
                        label="Needs per resident-year", zh="人均年发生率",
                        zh_help="每位居民每年产生的该类诉求数（以劳动年龄本地居民计）")
    elderly_multiplier: float = param(1.0, "Rate multiplier for the elderly", ge=0, le=20,
                                      unit="factor", role="context",
                                      label="Elderly multiplier", zh="老年人发生倍数",
                                      zh_help="老年人的发生率乘数")
    migrant_multiplier: float = param(1.0, "Rate multiplier for migrants", ge=0, le=20,
                                      unit="factor", role="context",
                                      label="Migrant multiplier", zh="流动人口发生倍数",
                                      zh_help="流动人口的发生率乘数")
    departments: list[str] = data_field(
        "Departments whose work the case needs, in order", default_factory=list,
        label="Departments", zh="办理部门", zh_help="办理该类诉求需要的职能部门（按办理顺序）")
    claimed_by: list[str] = data_field(
        "Other departments whose remit overlaps (职责交叉)", default_factory=list,
        label="Overlapping departments", zh="职责交叉部门",
        zh_help="职责与之重叠的其他部门（职责交叉）")
    nearest: list[str] = data_field(
        "Departments whose remit lies nearest a category no department's remit covers "
        "(职责真空), nearest first: those the street may ask to claim it; required when "
        "departments is empty", default_factory=list,
        label="Nearest departments", zh="职责相近部门",
        zh_help="无任何部门职责覆盖（职责真空）的类别中，职责最相近、街道可请其认领的部门"
        "（最相近者在前）；办理部门为空时必填")
    devolvable: bool = param(False, "Committees may be given authority to settle it",
                             role="context",
                             label="Devolvable", zh="可下放社区",
                             zh_help="可授权社区居委会自行处置")
    admin_service: bool = param(False, "An administrative service needing visits", role="context",
                                label="Administrative service", zh="行政服务事项",
                                zh_help="需要到窗口办理的行政服务事项")
    collective: bool = param(False, "A collective dispute settled by consultation", role="context",
                             label="Collective dispute", zh="集体性事项",
                             zh_help="通过协商议事化解的集体性纠纷")
    ngo_specialty: str = data_field(
        "NGO specialty that can serve it ('' for none)",
        label="NGO specialty", zh="社会组织专业领域",
        zh_help="可承接该类诉求的社会组织专业领域（为空表示无）")
    time_limit_days: int = param(15, "Time limit to resolve", ge=1, le=365, unit="days",
                                 role="lever",
                                 label="Time limit", zh="办理时限", zh_help="办理时限")
    work_hours: float = param(3.0, "Staff hours of work per department involved", ge=0.1, le=200,
                              unit="hours", role="assumption",
                              label="Work hours", zh="办理工时",
                              zh_help="每个参与部门所需的办理工时")
    hard_share: float = param(0.3, "Share of cases needing extra work to really solve", ge=0, le=1,
                              unit="share", role="assumption",
                              label="Share of hard cases", zh="疑难诉求比例",
                              zh_help="需要额外工作才能真正解决的疑难诉求比例")
    hard_extra_hours: float = param(4.0, "Extra hours a hard case needs", ge=0, le=200,
                                    unit="hours", role="assumption",
                                    label="Extra hours, hard cases", zh="疑难额外工时",
                                    zh_help="疑难诉求所需的额外工时")
    urgency: float = param(0.4, "Mean urgency of a need of this category", ge=0, le=1, unit="index",
                           role="context",
                           label="Urgency", zh="紧迫性", zh_help="该类诉求的平均紧迫性")
    material_cost: float = param(
        0.0, "Money a real fix needs besides staff time (materials, contractors), split evenly "
        "among the departments it needs", ge=0, le=1e7, unit="yuan/case", role="assumption",
        label="Material cost", zh="物料费用",
        zh_help="真正解决一件诉求除人工外所需的费用（材料、施工），由所涉部门平均分担")


class Scenario(Group):
    """A full scenario: district, data, demand, residents and the rule groups."""

    name: str = data_field("Scenario name (the file name when loaded)", label="Name",
                           zh="情景名称", zh_help="情景名称（从文件载入时为文件名）")
    description: str = data_field("One line saying what policy this is", label="Description",
                                  zh="情景说明", zh_help="一句话说明该情景代表的政策")
    run: RunParams = Field(default_factory=RunParams)
    district: DistrictParams = Field(default_factory=DistrictParams)
    population: PopulationParams = Field(default_factory=PopulationParams)
    residents: ResidentParams = Field(default_factory=ResidentParams)
    demand: DemandParams = Field(default_factory=DemandParams)
    channels: ChannelParams = Field(default_factory=ChannelParams)
    network: NetworkParams = Field(default_factory=NetworkParams)
    expectations: ExpectationParams = Field(default_factory=ExpectationParams)
    departments: dict[str, DepartmentSpec] = data_field(
        "Functional departments by name", default_factory=dict,
        label="Departments", zh="职能部门", zh_help="按名称列出的职能部门")
    categories: dict[str, CategorySpec] = data_field(
        "Case categories by name", default_factory=dict,
        label="Case categories", zh="诉求类别", zh_help="按名称列出的诉求类别")
    information: InformationParams = Field(default_factory=InformationParams)
    devolution: DevolutionParams = Field(default_factory=DevolutionParams)
    assessment: AssessmentParams = Field(default_factory=AssessmentParams)
    whistle: WhistleParams = Field(default_factory=WhistleParams)
    one_stop: OneStopParams = Field(default_factory=OneStopParams)
    procurement: ProcurementParams = Field(default_factory=ProcurementParams)
    consultation: ConsultationParams = Field(default_factory=ConsultationParams)
    talent: TalentParams = Field(default_factory=TalentParams)
    services: ServiceParams = Field(default_factory=ServiceParams)
    response: ResponseParams = Field(default_factory=ResponseParams)
    funds: FundsParams = Field(default_factory=FundsParams)
    policy: PolicyParams = Field(default_factory=PolicyParams)
    timeline: list[TimelineEntry] = data_field(
        "Dated changes of settings within the run ([[timeline]])", default_factory=list,
        label="Timeline", zh="时间线", zh_help="运行期间按日期生效的设置变化（[[timeline]]）")

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        """Check that categories name defined departments, specialties and shock targets."""
        from model.scenario.references import check_references

        check_references(self)
        if self.timeline:
            stages(self)  # every entry has a day and every stage is a valid scenario
        return self
