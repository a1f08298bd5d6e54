"""Parameter groups: how residents voice a need, who tells whom, how they judge a case.

Channels: a resident with a need chooses among the channels she knows and that are open, or stays
silent (§3.2, §5.2); what she expects of each channel she learns from her own cases and from
her neighbours' stories, carried by the residents' network. Section numbers (§) refer to the
source text; docs/ODD.md gives each default's reason.
"""

from __future__ import annotations

from typing import Literal

from model.scenario.fields import Group, data_field, param

#: The channels a resident may choose, by the names scenario files use.
ChannelName = Literal["committee", "hotline", "online", "office", "petition", "line"]


def _effort(default: float, english: str, zh: str, zh_help: str) -> float:
    """An effort field: what reporting through one channel costs, in expected-value units."""
    return param(default, f"Effort of reporting {english}, in units of expected responsiveness",
                 ge=0, le=2, unit="value", source="§5.2", step=0.01, role="assumption",
                 label=f"Effort: {english}", zh=zh, zh_help=zh_help)


class ChannelParams(Group):
    """渠道选择: which channel a resident reports through, and what she learns of each (§3.2)."""

    choice_scale: float = param(
        10.0, "How sharply residents prefer the channel of highest value (logit scale)", ge=0,
        le=100, unit="per value", source="assumption", step=0.5, role="assumption",
        label="Channel choice sharpness", zh="渠道选择敏感度",
        zh_help="居民偏向价值最高渠道的程度（logit 尺度参数）")
    trust_weight: float = param(
        0.5, "Weight of general trust in government in what a resident expects of a channel "
        "(the rest is what she learnt of that channel)", ge=0, le=1, unit="weight",
        source="§5.3 信任", step=0.05, role="assumption",
        label="Trust in channel expectations", zh="信任对渠道预期的权重",
        zh_help="居民对某一渠道的预期中，对政府的一般信任所占权重（其余为对该渠道的亲身与耳闻经验）")
    learning_rate: float = param(
        0.3, "Weight of one of her own cases in what a resident expects of its channel", ge=0,
        le=1, unit="weight", source="assumption", step=0.05, role="assumption",
        label="Learning from own cases", zh="亲身经验学习率",
        zh_help="一次亲身诉求的结果在居民对该渠道预期中的权重")
    story_rate: float = param(
        0.1, "Weight of a neighbour's story of a case in what a resident expects of its channel",
        ge=0, le=1, unit="weight", source="§5.3 口碑", step=0.05, role="assumption",
        label="Learning from neighbours", zh="邻里口碑学习率",
        zh_help="邻居讲述的一次诉求结果在居民对该渠道预期中的权重")
    habit_weight: float = param(
        0.03, "Value a resident adds to the channel she used last (habit)", ge=0, le=1,
        unit="value", source="assumption", step=0.01, role="assumption",
        label="Habit", zh="使用习惯",
        zh_help="居民对上次使用过的渠道额外附加的价值（习惯）")
    committee_effort: float = _effort(0.0, "at the residents' committee", "居委会反映的成本",
                                      "到社区居委会反映诉求的成本（以预期回应度计）")
    hotline_effort: float = _effort(0.12, "by calling the 12345 hotline", "12345热线的成本",
                                    "拨打12345热线反映诉求的成本（以预期回应度计）")
    online_effort: float = _effort(0.22, "online (12345 website, app, WeChat)", "网上渠道的成本",
                                   "通过12345网站、App或微信反映诉求的成本（以预期回应度计）")
    office_effort: float = _effort(0.28, "in person at the street office", "街道来访的成本",
                                   "到街道办事处当面反映诉求的成本（以预期回应度计）")
    petition_effort: float = _effort(0.5, "by petition", "信访的成本",
                                     "通过信访反映诉求的成本（以预期回应度计）")
    line_effort: float = _effort(0.15, "on a department's own hotline", "部门热线的成本",
                                 "拨打职能部门自设热线（如12315）反映诉求的成本（以预期回应度计）")
    elderly_phone_effort: float = param(
        0.05, "Extra effort of the telephone channels (hotline, department lines) for the elderly",
        ge=0, le=2, unit="value", source="§3.1 人口老龄化", step=0.01, role="assumption",
        label="Elderly: extra phone effort", zh="老年人电话渠道额外成本",
        zh_help="老年人使用电话渠道（12345热线、部门热线）的额外成本")
    elderly_digital_effort: float = param(
        0.3, "Extra effort of the online channel for the elderly (the digital divide)", ge=0,
        le=2, unit="value", source="§3.1 人口老龄化", step=0.01, role="assumption",
        label="Elderly: digital divide", zh="老年人数字鸿沟",
        zh_help="老年人使用网上渠道的额外成本（数字鸿沟）")
    elderly_trip_effort: float = param(
        0.05, "Extra effort of a trip (street office, petition) for the elderly", ge=0, le=2,
        unit="value", source="§3.1 人口老龄化", step=0.01, role="assumption",
        label="Elderly: extra trip effort", zh="老年人出行额外成本",
        zh_help="老年人前往街道或信访的额外成本")
    online_known: float = param(
        0.6, "Share of residents who know the online channel at the start", ge=0, le=1,
        unit="share", source="assumption", step=0.05, role="assumption",
        label="Know the online channel", zh="知晓网上渠道比例",
        zh_help="初始时知道网上渠道的居民比例")
    line_known: float = param(
        0.3, "Share of residents who know a department's own line at the start", ge=0, le=1,
        unit="share", source="assumption", step=0.05, role="assumption",
        label="Know department lines", zh="知晓部门热线比例",
        zh_help="初始时知道职能部门自设热线的居民比例")
    migrant_known_factor: float = param(
        0.45, "Chance a migrant knows a channel other than the hotline, relative to a local "
        "(migrants know fewer channels)", ge=0, le=1, unit="factor", source="§3.1 流动人口",
        step=0.05, role="assumption",
        label="Migrants' channel knowledge", zh="流动人口渠道知晓系数",
        zh_help="流动人口知道12345热线以外某一渠道的概率相对于本地居民的倍数")
    information_rate: float = param(
        0.5, "Questions (咨询: policies, procedures) each resident has a year, asked like a need "
        "but answered where they are asked", ge=0, le=20, unit="per resident-year",
        source="§4.1 政策查询", step=0.05, role="context",
        label="Information requests", zh="咨询量",
        zh_help="每位居民每年的咨询（政策、办事流程）数量；与诉求一样选择渠道，但在提出处当场答复")
    answer_hours: float = param(
        0.25, "Committee hours to answer one question asked at the committee", ge=0, le=8,
        unit="hours", source="§4.1", step=0.05, role="assumption",
        label="Hours per question answered", zh="每次咨询答复工时",
        zh_help="居委会答复一次居民咨询所需的工时")
    closed: list[ChannelName] = data_field(
        "Channels that take no requests or questions (a reform may close them and send "
        "residents elsewhere)", default_factory=list,
        label="Closed channels", zh="关闭的渠道",
        zh_help="不再受理诉求和咨询的渠道（改革可关闭某些渠道，引导居民转用其他渠道）")
    online_open_day: int = param(
        0, "Day the online channel opens (-1: it never does)", ge=-1, le=36500, unit="day",
        source="§6.1", role="lever",
        label="Online channel opens", zh="网上渠道开通日",
        zh_help="网上渠道开通的日期（第几天；-1 表示不开通）")
    line_merge_day: int = param(
        -1, "Day departments' own lines merge into the 12345 hotline (-1: they never do)",
        ge=-1, le=36500, unit="day", source="§6.1 整合", role="lever",
        label="Department lines merge", zh="部门热线并入日",
        zh_help="职能部门自设热线并入12345热线的日期（第几天；-1 表示不并入）")


class NetworkParams(Group):
    """邻里网络: who tells whom about their cases (a small world within communities)."""

    ties: int = param(
        6, "Residents each resident tells of her cases (her nearest in a ring of her community)",
        ge=0, le=50, unit="residents", source="§3.1 熟人社会", role="context",
        label="Ties per resident", zh="邻里联系人数",
        zh_help="每位居民会向其讲述自己诉求经历的居民人数")
    cross_share: float = param(
        0.05, "Share of ties that reach a resident of another community (rewired, as in "
        "Watts and Strogatz)", ge=0, le=1, unit="share", source="§3.1 流动人口", step=0.01,
        role="context",
        label="Ties across communities", zh="跨社区联系比例",
        zh_help="居民联系中指向其他社区居民的比例（小世界网络的重连概率）")


class ExpectationParams(Group):
    """期望与体验: how a resident judges a case against what she expected (§5.2, §5.3).

    Expectancy disconfirmation (Van Ryzin 2004; Zhang et al. 2022): a case is judged by what
    it delivered (its result, its time, its treatment) and by how that compares with what the
    resident expected; expectations follow her own cases, neighbours' stories and what the
    district publishes.
    """

    disconfirmation_weight: float = param(
        0.62, "Weight of experience minus expectation in a case's judgement (the rest is the "
        "experience itself)", ge=0, le=2, unit="weight",
        source="§5.2 群众满意度; calibrated (ODD §8)", step=0.01, role="assumption",
        label="Disconfirmation weight", zh="期望落差权重",
        zh_help="案件评价中“实际体验减去期望”所占的权重（其余为实际体验本身）")
    result_weight: float = param(
        0.6, "Relative weight of the result (solved or not) in judging a case", ge=0, le=1,
        unit="weight", source="§5.2 解决率", step=0.05, role="assumption",
        label="Weight of the result", zh="结果权重",
        zh_help="评价一件诉求时办理结果（是否解决）的相对权重")
    time_weight: float = param(
        0.2, "Relative weight of the time taken in judging a case", ge=0, le=1, unit="weight",
        source="§5.2 响应率", step=0.05, role="assumption",
        label="Weight of time", zh="时效权重",
        zh_help="评价一件诉求时办理时效的相对权重")
    treatment_weight: float = param(
        0.2, "Relative weight of the treatment (trips, bounces) in judging a case", ge=0, le=1,
        unit="weight", source="§6.2 推诿扯皮、最多跑一次", step=0.05, role="assumption",
        label="Weight of treatment", zh="办事体验权重",
        zh_help="评价一件诉求时办事体验（往返次数、推诿）的相对权重")
    own_rate: float = param(
        0.3, "Weight of one of her own cases in what a resident expects of the next", ge=0,
        le=1, unit="weight", source="assumption", step=0.05, role="assumption",
        label="Expectations: own cases", zh="亲身经历对期望的影响",
        zh_help="一次亲身诉求在居民对下一次诉求的期望中所占的权重")
    story_rate: float = param(
        0.1, "Weight of a neighbour's story of a case in what a resident expects", ge=0, le=1,
        unit="weight", source="§5.3 口碑", step=0.05, role="assumption",
        label="Expectations: neighbours' stories", zh="邻里口碑对期望的影响",
        zh_help="邻居讲述的一次诉求在居民期望中所占的权重")
    publicity_rate: float = param(
        0.05, "Monthly weight with which expectations follow the district's published figures "
        "(last month's results, times and treatment)", ge=0, le=1, unit="per month",
        source="§6.1 考核排名公开", step=0.01, role="assumption",
        label="Expectations: publicity", zh="公开信息对期望的影响",
        zh_help="居民期望每月向辖区公布的上月办理结果、时效和体验靠拢的权重")
    neighbour_weight: float = param(
        0.02, "Weight of a neighbour's judgement of her case in a listener's satisfaction",
        ge=0, le=1, unit="weight", source="§5.3 口碑", step=0.01, role="assumption",
        label="Satisfaction from neighbours", zh="邻里评价对满意度的影响",
        zh_help="邻居对其诉求的评价在听者满意度中所占的权重")
    initial_result: float = param(
        0.5, "Chance of a solution a resident expects before any case", ge=0, le=1,
        unit="share", source="assumption", step=0.05, role="assumption",
        label="Initial expected result", zh="初始结果期望",
        zh_help="居民在有任何诉求经历之前期望诉求被解决的概率")
    initial_time: float = param(
        0.6, "Time score a resident expects before any case (1: at once; exp(-delay penalty) "
        "at the time limit)", ge=0, le=1, unit="index", source="assumption", step=0.05,
        role="assumption",
        label="Initial expected time", zh="初始时效期望",
        zh_help="居民在有任何诉求经历之前期望的时效得分（1 为立即办结）")
    initial_treatment: float = param(
        0.9, "Treatment score a resident expects before any case (1: one trip, no bounce)",
        ge=0, le=1, unit="index", source="assumption", step=0.05, role="assumption",
        label="Initial expected treatment", zh="初始办事体验期望",
        zh_help="居民在有任何诉求经历之前期望的办事体验得分（1 为只跑一次、无推诿）")
