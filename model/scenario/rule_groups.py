"""Parameter groups for the policy rules of the model (one class per rule group).

Defaults describe the baseline: today's typical system (siloed data, little and unfunded
devolution, process-weighted assessment, no whistle, no one-stop hall, a small NGO budget,
rare consultation). Section numbers (§) refer to the source text in
``shared/seed/community_governance_linkage.zh.txt``; docs/ODD.md quotes the sentences.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from model.scenario.channel_groups import ChannelName
from model.scenario.fields import Group, data_field, param

# why the keys of fixed misbehaviour probabilities are gone (see RENAMED below)
_CHOSEN = "departments and committees now choose by what their assessment rewards"
_DELIBERATE = ("a dispute is settled when the attendees' deliberation reaches agreement "
               "(bounded confidence)")
_WORKERS_CHOOSE = "a worker quits when an outside offer beats its pay net of its stress"


class InformationParams(Group):
    """信息共享: siloed department systems versus a unified platform (§4.2, §6.1)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "siloed_hop_fidelity": ("reentry_error", "a case's record loses attributes when it is "
                                "keyed into another system by hand"),
        "unified_hop_fidelity": ("reentry_error", "units on the platform share one record"),
        "siloed_hop_delay_days": ("batch_days", "paper hand-offs move in batches"),
        "unified_hop_delay_days": ("batch_days", "units on the platform read the record at once"),
        "misroute_scale": ("reentry_error", "a misroute follows a lost category"),
        "feedback_tolerance": ("", "residents judge lateness the same on the platform"),
        "overlap_misroute": ("remit_memory_days", "a street office routes a category several "
                             "departments claim by what it has seen of who handles it"),
    }

    unified_platform: bool = param(
        False, "One shared platform for committees, streets and departments (统一信息平台)",
        source="§6.1", role="lever",
        label="Unified platform", zh="统一信息平台",
        zh_help="社区、街道和部门共用一个信息平台（统一信息平台）")
    sharing_scope: float = param(
        1.0, "Share of departments whose systems join the platform when it is unified", ge=0, le=1,
        unit="share", source="§6.1", step=0.05, role="lever",
        label="Data-sharing scope", zh="数据共享范围",
        zh_help="信息平台统一后接入平台的部门系统比例")
    reentry_error: float = param(
        0.6, "Chance that keying a case into another system by hand corrupts one of its "
        "four recorded attributes (category, place, urgency, description)", ge=0, le=1,
        unit="probability", source="§2 信息传递失真; §4.2 重复录入", step=0.05,
        role="assumption",
        label="Error per manual re-entry", zh="手工转录出错率",
        zh_help="诉求被手工录入另一系统时，其四项记录（类别、地点、紧急程度、描述）之一出错的概率")
    batch_days: int = param(
        5, "Days between batches of paper hand-offs between units whose systems are not joined",
        ge=1, le=30, unit="days", source="§2 决策迟滞", role="assumption",
        label="Paper hand-off cycle", zh="纸质流转周期",
        zh_help="系统互不联通的单位之间，纸质公文批量流转的间隔天数")
    remit_memory_days: int = param(
        90, "Days a street office remembers which of several claiming departments saw a case "
        "of a category through (staff rotate, remits shift)", ge=0, le=3650, unit="days",
        source="§2 职责交叉或真空", role="assumption",
        label="Memory of overlapping remits", zh="交叉职责记忆天数",
        zh_help="街道记住多个部门职责交叉的类别最近由哪个部门办结的天数（人员轮换、职责调整）")
    entry_hours: float = param(
        0.3, "Staff hours for one duplicate data entry into another system", ge=0, le=8,
        unit="hours", source="§4.2 重复录入信息", step=0.05, role="assumption",
        label="Hours per duplicate entry", zh="重复录入工时",
        zh_help="向另一系统重复录入一次数据所需的人员工时")
    automated_share: float = param(
        0.3, "Share of a committee's documentation the shared platform fills in by itself",
        ge=0, le=1, unit="share", source="§6.1 避免重复录入", step=0.05, role="assumption",
        label="Documentation automated", zh="平台自动填报比例",
        zh_help="接入统一平台后，居委会留痕记录中由平台自动生成的比例")
    clarify_factor: float = param(
        1.0, "Extra work, as a share of a case's work, to clarify a need whose description was "
        "lost", ge=0, le=5, unit="share", source="§2 信息传递失真", step=0.1,
        role="assumption",
        label="Clarification work", zh="信息补正工作量",
        zh_help="诉求描述丢失后向居民核实所增加的工作量（占原工作量的比例）")
    blind_fix_share: float = param(
        0.5, "Chance of the right fix when the resident's description was lost, relative to an "
        "intact one", ge=0, le=1, unit="share", source="§2 信息传递失真", step=0.05,
        role="assumption",
        label="Right fix without the description", zh="描述缺失时办对比例",
        zh_help="居民原始描述丢失时办对的概率，相对于描述完整时")
    wasted_visit_hours: float = param(
        2.0, "Staff hours lost on a visit to the wrong place when a case's place was lost",
        ge=0, le=40, unit="hours", source="§2 信息传递失真", step=0.5, role="assumption",
        label="Hours of a wasted visit", zh="地点错误空跑工时",
        zh_help="诉求地点记录出错时，部门上门空跑所耗的工时")
    urgent_threshold: float = param(
        0.6, "Urgency at or above which a department takes a case before others, when its "
        "record still shows it", ge=0, le=1, unit="index", source="§2 决策迟滞", step=0.05,
        role="assumption",
        label="Urgent-case threshold", zh="紧急诉求阈值",
        zh_help="紧急程度达到此值且记录完好的诉求，部门优先办理")


class DevolutionParams(Group):
    """权责下放: which categories committees settle, and whether resources follow (§4.2, §6.2)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "push_down_share": ("assessment.hour_price", _CHOSEN),
        "overlap_bounce_prob": ("assessment.blame_weight", _CHOSEN),
    }

    level: float = param(
        0.2, "Share of devolvable categories committees may settle themselves", ge=0, le=1,
        unit="share", source="§6.2 梳理下放权力清单", step=0.05, role="lever",
        label="Devolution level", zh="下放程度", zh_help="社区居委会可自行处置的可下放诉求类别比例")
    authority_follows: float = param(
        1.0, "Share of the devolved duties that carry the power to settle them (权随事走)", ge=0,
        le=1, unit="share", source="§4.2 不给予相应的资源和权力; §6.2 权随事走", step=0.05,
        role="lever", label="Authority follows duties", zh="权力随事转比例",
        zh_help="下放给社区的事项中同时下放处置权的比例；其余为有责无权")
    resources_follow: float = param(
        0.0, "Share of the devolved workload's staff and money that follows it (费随事清)", ge=0,
        le=1, unit="share", source="§6.2 完善配套支持政策", step=0.05, role="lever",
        label="Resources follow duties", zh="资源随事转比例",
        zh_help="随下放工作量一并下沉的人员和经费比例（费随事清）")
    unauthorised_solve_prob: float = param(
        0.3, "Chance a committee settles a case it has no power over (pushed down, or a duty "
        "devolved without authority: 有责无权)",
        ge=0, le=1, unit="probability", source="§4.2 有责无权", step=0.05, role="assumption",
        label="Settling without authority", zh="无权处置成功率",
        zh_help="居委会办结无处置权的下推诉求的概率（有责无权）")
    novice_settle_factor: float = param(
        0.7, "Settling chance of an inexperienced committee relative to an experienced one", ge=0,
        le=1, unit="share", source="§6.5 提升其履职能力", step=0.05, role="assumption",
        label="Novice settling factor", zh="新手处置系数",
        zh_help="经验不足的居委会相对于经验丰富的居委会的处置成功系数")
    committee_solve_prob: float = param(
        0.9, "Chance an experienced committee settles a devolved case it has worked through", ge=0,
        le=1, unit="probability", source="§3.2 贴近居民", step=0.01, role="assumption",
        label="Committee settling chance", zh="社区处置成功率",
        zh_help="经验丰富的居委会办结其已着手处理的下放诉求的概率")


class AssessmentParams(Group):
    """考核机制: weight on process indicators versus outcomes (§4.2, §5.2, §6.5)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "initial_close_unsolved": ("prior_score", _CHOSEN),
        "pressure_floor": ("hour_price", _CHOSEN),
        "ledger_hours_full": ("record_hours", "paperwork is produced by the activities an "
                              "inspection counts, documented per system"),
        "ledger_hours_floor": ("admin_tasks_per_day", "paperwork is produced by the tasks "
                               "handed down and the activities an inspection counts"),
        "siloed_ledger_factor": ("record_hours", "each separate system asks for its own entry"),
    }

    process_weight: float = param(
        0.7, "Weight of process indicators (closures, ledgers, 留痕); outcomes get the rest", ge=0,
        le=1, unit="share", source="§4.2 重过程轻结果", step=0.05, role="lever",
        label="Process indicator weight", zh="过程指标权重",
        zh_help="过程指标（办结数量、台账、留痕）的权重，其余为结果指标权重")
    interval_days: int = param(
        90, "Days between assessment rounds, when units learn what their choices score", ge=7,
        le=365,
        unit="days", source="§5.2 绩效评估与反馈", role="lever",
        label="Assessment interval", zh="考核周期",
        zh_help="两轮考核之间的天数；每轮考核时各单位根据得分调整处置选择")
    uncounted_channels: list[ChannelName] = data_field(
        "Channels whose cases the assessment does not count: a unit choosing how to handle one "
        "weighs only the hours it costs, and the case earns it no score (what is counted)",
        default_factory=list,
        label="Channels not counted", zh="不纳入考核的渠道",
        zh_help="其诉求不计入考核的渠道：单位处置这类诉求时只考虑所费工时，办得好坏都不得分")
    learning_rate: float = param(
        0.32, "Weight of the latest assessment round in what a unit expects an option to score",
        ge=0, le=1, unit="per round", source="§5.2 绩效评估与反馈; calibrated (ODD §8)", step=0.01,
        role="assumption",
        label="Learning from assessment rounds", zh="考核学习速度",
        zh_help="最近一轮考核结果在单位对各处置方式预期得分中的权重")
    prior_score: float = param(
        0.5, "Score a unit expects of a handling option it has not yet seen assessed", ge=0,
        le=1, unit="score", source="assumption", step=0.05, role="assumption",
        label="Prior expected score", zh="初始预期得分",
        zh_help="单位对尚未经历考核的处置方式的预期得分")
    hour_price: float = param(
        0.54, "Assessment score a unit gives up for one staff hour when it is fully behind",
        ge=0, le=1, unit="score/hour", source="§4.2 小马拉大车; calibrated (ODD §8)", step=0.005,
        role="assumption",
        label="Price of an hour under pressure", zh="工时压力价格",
        zh_help="单位积压满负荷时，一个工时相当于多少考核得分")
    choice_temperature: float = param(
        0.1, "Spread of handling choices around the best-scoring option (logit temperature)",
        ge=0.001, le=10, unit="score", source="assumption", step=0.01, role="assumption",
        label="Choice noise", zh="选择随机性",
        zh_help="单位处置选择偏离预期得分最高方式的程度（logit 温度）")
    blame_weight: float = param(
        0.58, "Score a unit loses each time a case it chose on comes back or escalates",
        ge=0, le=5, unit="score", source="§4.2 推诿扯皮; 信访; calibrated (ODD §8)", step=0.01,
        role="assumption",
        label="Blame per return or escalation", zh="回退与投诉问责",
        zh_help="单位处置过的诉求每被退回或升级投诉一次所扣的考核得分")
    admin_tasks_per_day: float = param(
        7.0, "Administrative tasks departments hand each committee per day (行政事务下沉)", ge=0,
        le=100, unit="tasks/day", source="§4.2 承担了大量本应由行政部门承担的行政事务", step=0.5,
        role="lever",
        label="Administrative tasks handed down", zh="下派行政事务量",
        zh_help="各部门每天下派给每个居委会的行政事务件数（社区工作事项准入可压减）")
    admin_task_hours: float = param(
        1.0, "Committee hours one administrative task takes, before documenting it", ge=0, le=40,
        unit="hours", source="§4.2", step=0.1, role="assumption",
        label="Hours per administrative task", zh="行政事务工时",
        zh_help="居委会办理一件下派行政事务所需工时（不含留痕记录）")
    record_hours: float = param(
        2.0, "Hours to document one activity for an inspection of records, in one data system",
        ge=0, le=40, unit="hours", source="§4.2 台账资料、留痕管理", step=0.1,
        role="assumption",
        label="Hours to document an activity", zh="留痕记录工时",
        zh_help="为应对台账检查，在一个信息系统中记录一项工作所需工时")
    pressure_days: float = param(
        3.0, "Days of queued work at which a unit is fully behind (hours priced highest)", ge=0.1,
        le=60, unit="days", source="assumption", step=0.1, role="assumption",
        label="Queue days at full pressure", zh="积压压力天数",
        zh_help="单位积压工作达到多少天时工时压力达到最大")


class WhistleParams(Group):
    """街道吹哨、部门报到: the street office summons departments to stuck or joint cases (§4.1)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "joint_fidelity": ("", "departments hearing a case together restore its whole record"),
    }

    enabled: bool = param(
        False, "Street offices may blow the whistle: a summons that binds, by a deadline, for "
        "multi-department, stuck, escalated and unclaimed cases", source="§4.1", role="lever",
        label="Street whistle", zh="街道吹哨",
        zh_help="街道办事处可以吹哨：对多部门、滞留、投诉升级和无人认领的诉求召集部门限期报到")
    street_convenes: bool = param(
        True, "Without the whistle, street offices may still invite the departments a "
        "multi-department case needs to a coordination meeting (协调会), an invitation that "
        "does not bind", source="§4.1 赋予街道更大的统筹协调权", role="assumption",
        label="Street convenes without the whistle", zh="街道协调会",
        zh_help="未推行吹哨时，街道仍可邀请多部门诉求涉及的部门开协调会，但邀请没有约束力")
    invitation_days: int = param(
        10, "Days a department invited without the whistle may take before it answers", ge=0,
        le=90, unit="days", source="§4.1 统筹协调", role="assumption",
        label="Answer to an invitation within", zh="协调邀请答复天数",
        zh_help="未推行吹哨时，受邀部门答复街道协调邀请前可拖延的天数")
    stuck_days: int = param(
        15, "Days a case may wait at a department before the street whistles", ge=1, le=180,
        unit="days", source="§4.1", role="lever",
        label="Whistle after days stuck", zh="吹哨触发天数",
        zh_help="诉求在部门滞留多少天后街道吹哨")
    min_departments: int = param(
        2, "Cases needing at least this many departments are whistled at once", ge=2, le=10,
        unit="departments", source="§4.1 统筹协调", role="lever",
        label="Whistle at departments needed", zh="多部门吹哨阈值",
        zh_help="需要至少这么多部门办理的诉求立即吹哨")
    response_deadline_days: int = param(
        2, "Days a summoned department has to report and act (报到)", ge=0, le=30, unit="days",
        source="§4.1", role="lever",
        label="Report deadline", zh="报到时限", zh_help="被召集部门报到并处置的时限天数（报到）")
    coordination_hours: float = param(
        4.0, "Street coordination hours each whistle costs", ge=0, le=40, unit="hours",
        source="§4.2 协调机制", step=0.5, role="assumption",
        label="Coordination hours per whistle", zh="每次吹哨协调工时",
        zh_help="每次吹哨耗费的街道协调工时")
    street_rates_answers: bool = param(
        True, "The street's rating of how departments answered its summonses counts in their "
        "assessment: an answer in name only is blamed", source="§4.1 赋予街道更大的统筹协调权",
        role="lever",
        label="Street rates departments' answers", zh="街道评价部门报到",
        zh_help="街道对部门报到情况的评价计入部门考核：走过场的报到会被扣分")
    assign_after_refusals: int = param(
        1, "Refusals after which the street assigns a case no department's remit covers "
        "(职责真空) to a nearest department, which must act", ge=0, le=20, unit="refusals",
        source="§2 职责交叉或真空; §4.1", role="lever",
        label="Assign a gap case after refusals", zh="真空事项指派阈值",
        zh_help="无部门职责覆盖的诉求被拒收多少次后，街道吹哨指派给职责相近的部门（该部门必须办理）")


class OneStopParams(Group):
    """一门式办理 / 最多跑一次: administrative services in one visit at a hall (§4.1, §6.2)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "platform_document_factor": ("documents_on_record", "offices on the platform read the "
                                     "documents government records already hold"),
    }

    enabled: bool = param(False, "A one-stop hall serves administrative cases", source="§6.2",
                          role="lever",
                          label="One-stop hall", zh="一门式办理",
                          zh_help="设立一门式服务大厅办理行政服务事项")
    level: Literal["street", "community"] = param(
        "street", "Where the hall sits: the street office or every community", source="§4.1",
        role="lever",
        label="Hall level", zh="服务大厅层级", zh_help="服务大厅的设置层级：街道办事处或每个社区")
    hall_hours_per_day: float = param(
        40.0, "Staff hours per day at each hall", ge=1, le=500, unit="hours/day",
        source="§4.1 行政服务窗口前移", step=1, role="lever",
        label="Hall hours/day", zh="大厅日工时", zh_help="每个服务大厅每天的人员工时")
    hall_work_factor: float = param(
        0.6, "Hall work per case relative to the departments' (流程再造)", ge=0.1, le=2,
        unit="factor", source="§6.2 流程再造", step=0.05, role="assumption",
        label="Hall work factor", zh="大厅工作量系数",
        zh_help="大厅办理每件事项的工作量相对于职能部门的系数（流程再造）")
    missing_document_prob: float = param(
        0.5, "Chance an office visit needs another trip (a fifth of it on the platform)", ge=0,
        le=1, unit="probability", source="§6.2 减少跑腿次数", step=0.05, role="assumption",
        label="Missing-document chance", zh="材料不全概率",
        zh_help="到窗口办事因材料不全需要再跑一趟的概率（接入平台后为其五分之一）")
    documents_on_record: float = param(
        0.8, "Share of the documents an administrative case needs that government records "
        "already hold, read by offices on the shared platform", ge=0, le=1, unit="share",
        source="§6.2 流程再造、信息共享", step=0.05, role="assumption",
        label="Documents on record", zh="已有档案材料比例",
        zh_help="办理行政事项所需材料中政府档案已有、接入平台的窗口可直接调取的比例")
    max_extra_trips: int = param(
        5, "Most extra trips one office visit can take", ge=0, le=20, unit="trips",
        source="assumption", role="assumption",
        label="Most extra trips", zh="最多额外跑腿次数",
        zh_help="一次窗口办事最多需要额外跑腿的次数")
    visit_days: int = param(
        2, "Days between a resident's successive trips to offices", ge=0, le=30, unit="days",
        source="assumption", role="assumption",
        label="Days between trips", zh="跑腿间隔天数", zh_help="居民两次跑窗口之间相隔的天数")


class ProcurementParams(Group):
    """政府购买服务: money for NGO services per specialty, and cultivation (§4.1, §6.3)."""

    budget_per_1000_residents: float = param(
        15000.0, "Yearly NGO service budget per 1,000 residents", ge=0, le=1e7, unit="yuan/year",
        source="§4.1 推广社区购买服务", step=1000, role="lever",
        label="Budget per 1,000 residents", zh="购买服务预算",
        zh_help="每千名居民每年购买社会组织服务的预算")
    cost_per_hour: float = param(
        80.0, "Price of one NGO service hour", ge=1, le=2000, unit="yuan/hour", source="assumption",
        step=1, role="context",
        label="Price per service hour", zh="服务单价", zh_help="社会组织每服务小时的价格")
    specialty_shares: dict[str, float] = param(
        {"elderly_care": 0.4, "disability": 0.2, "youth": 0.1, "mediation": 0.3},
        "Share of the budget per NGO specialty (keys are specialties named by categories)",
        source="§4.1 居家养老、青少年服务、残疾人帮扶", role="lever",
        label="Budget by specialty", zh="专业领域分配",
        zh_help="预算在各社会组织专业领域之间的分配比例（领域名称与诉求类别中一致）")
    initial_professionalism: float = param(
        0.55, "Chance an NGO solves a referred case at the start", ge=0, le=1, unit="probability",
        source="§4.2 缺乏专业能力", step=0.01, role="assumption",
        label="Initial professionalism", zh="初始专业化水平",
        zh_help="初始时社会组织办结转介诉求的概率")
    cultivation_rate: float = param(
        0.02, "Monthly growth of professionalism toward 1 from cultivation (培育)", ge=0, le=1,
        unit="per month", source="§6.3 社会组织孵化基地", step=0.005, role="lever",
        label="Cultivation rate", zh="培育速度",
        zh_help="培育使专业化水平向1提升的月增长率（培育）")
    max_queue_days: float = param(
        5.0, "Committees stop referring to an NGO whose queue exceeds this many days of work", ge=0,
        le=60, unit="days", source="assumption", step=0.5, role="assumption",
        label="Referral queue limit", zh="转介排队上限",
        zh_help="社会组织排队工作量超过该天数时，居委会不再向其转介")
    volume_learning: float = param(
        0.002, "Growth of professionalism per case served (learning by doing)", ge=0, le=0.1,
        unit="per case", source="§4.1 激发社会组织活力", step=0.0005, role="assumption",
        label="Learning by doing", zh="实践学习速度",
        zh_help="每服务一件诉求带来的专业化水平提升（干中学）")

    contract_days: int = param(
        365, "Length of an NGO service contract; at its end the buyer renews it or tenders anew",
        ge=30, le=3650, unit="days", source="§6.3 完善政府购买社会服务机制", step=30,
        role="lever",
        label="Contract length", zh="服务合同期限",
        zh_help="购买社会组织服务合同的期限；期满时续签或重新招标")
    renewal_threshold: float = param(
        0.6, "Share of referred cases an NGO must have solved over its contract to be renewed",
        ge=0, le=1, unit="share", source="§6.3 提高购买服务质量", step=0.05, role="lever",
        label="Renewal threshold", zh="续约绩效门槛",
        zh_help="社会组织在合同期内须办结的转介诉求比例，达到方可续约")
    tender_days: int = param(
        30, "Days without a provider while a dropped contract is tendered anew", ge=0, le=365,
        unit="days", source="assumption", step=5, role="assumption",
        label="Tender gap", zh="重新招标空档",
        zh_help="合同未续约、重新招标期间无服务提供方的天数")


class ConsultationParams(Group):
    """协商议事 (居民议事会, 四议两公开): meetings that settle collective disputes (§6.4)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "settle_max": ("confidence", _DELIBERATE),
        "attendance_half": ("confidence", _DELIBERATE),
        "admin_crowding": ("mobilisation_weight", "attendance rests on the hours the committee "
                           "chooses to spend on visits and services, not on a paperwork formula"),
    }

    interval_days: int = param(
        90, "Days between consultation meetings in each community", ge=7, le=365, unit="days",
        source="§6.4 完善社区议事协商制度", role="lever",
        label="Meeting interval", zh="议事会间隔天数", zh_help="每个社区两次议事会议之间的天数")
    invited_share: float = param(
        0.2, "Share of residents invited to each meeting", ge=0, le=1, unit="share",
        source="§6.4 鼓励广泛参与", step=0.05, role="lever",
        label="Residents invited", zh="邀请居民比例", zh_help="每次会议邀请的居民比例")
    transparency: float = param(
        0.3, "Openness of decisions and finances (四议两公开); raises everyone's trust", ge=0, le=1,
        unit="index", source="§6.4 决策和执行情况公开", step=0.05, role="lever",
        label="Transparency", zh="公开透明度",
        zh_help="决策和财务的公开程度（四议两公开），提升全体居民的信任")
    trust_gain: float = param(
        0.08, "Weight with which an attendee's trust follows a meeting's record (the share of "
        "its decisions carried out); others follow it times transparency", ge=0, le=1,
        unit="per meeting", source="§5.3 信任与沟通", step=0.01, role="assumption",
        label="Trust from a meeting's record", zh="议事成效对信任的影响",
        zh_help="出席者信任向会议成效（所作决定得到落实的比例）调整的权重；未出席者再乘以公开透明度")
    meeting_hours: float = param(
        14.0, "Committee hours each meeting costs (preparation included)", ge=0, le=200,
        unit="hours", source="§6.4", step=1, role="assumption",
        label="Hours per meeting", zh="每次会议工时", zh_help="每次会议耗费的居委会工时（含筹备）")
    polarisation: float = param(
        0.5, "Distance between the two camps a collective dispute divides residents into "
        "(positions in [0, 1])", ge=0, le=1, unit="share", source="§3.1 利益诉求多元",
        step=0.05, role="assumption", label="Polarisation of disputes", zh="争议分化程度",
        zh_help="集体性纠纷中两派居民立场中心之间的距离（立场取值0到1）")
    position_spread: float = param(
        0.12, "Spread of residents' positions within a camp", ge=0, le=1, unit="share",
        source="assumption", step=0.01, role="assumption",
        label="Spread within a camp", zh="派内立场离散度", zh_help="同一派居民立场的标准差")
    confidence: float = param(
        0.4, "How far from its own position a fully trusting attendee still listens (bounded "
        "confidence; it scales with the attendee's trust)", ge=0, le=1, unit="share",
        source="§5.3 信任与沟通; §6.4 协商", step=0.05, role="assumption",
        label="Openness in deliberation", zh="协商包容度",
        zh_help="完全信任的出席者仍会倾听的立场距离（有限信任模型，随其信任度缩放）")
    agreement_share: float = param(
        0.67, "Share of attendees who must end within agreement_width of the middle position "
        "for the meeting to agree (民主决策)", ge=0.5, le=1, unit="share",
        source="§6.4 四议两公开", step=0.01, role="assumption",
        label="Share needed to agree", zh="议决所需比例",
        zh_help="会议议决所需的、最终立场接近中间立场的出席者比例")
    agreement_width: float = param(
        0.05, "How close to the middle position an attendee must end to count as agreeing",
        ge=0, le=1, unit="share", source="assumption", step=0.01, role="assumption",
        label="Width of agreement", zh="共识宽度",
        zh_help="出席者最终立场与中间立场相差多少以内视为同意")
    quorum: int = param(
        3, "Fewest attendees who may decide a dispute for the community", ge=1, le=1000,
        unit="residents", source="§6.4 居民会议", role="assumption",
        label="Quorum", zh="法定人数", zh_help="可为社区议决纠纷的最少出席人数")
    deliberation_rounds: int = param(
        20, "Most rounds of exchange a meeting gives one dispute", ge=1, le=200,
        unit="rounds", source="assumption", role="assumption",
        label="Rounds of deliberation", zh="协商轮数", zh_help="会议对一项纠纷最多进行的交流轮数")
    trust_attendance_floor: float = param(
        0.3, "Attendance of an invited resident with no trust in government and no belief in "
        "meetings, relative to one with full trust and belief", ge=0, le=1,
        unit="share", source="§5.3 信任与沟通", step=0.05, role="assumption",
        label="Attendance at zero trust", zh="零信任出席系数",
        zh_help="既不信任政府、也不认为议事会有成效的受邀居民的出席率，相对于完全信任且认可时")
    efficacy_weight: float = param(
        0.5, "Share of an invited resident's willingness to attend that rests on what she "
        "believes meetings achieve (the rest on her trust in government)", ge=0, le=1,
        unit="share", source="§6.4 协商结果有效落实; §4.2 居民参与的积极性", step=0.05,
        role="assumption", label="Attendance from meetings' record", zh="议事成效对出席的影响",
        zh_help="受邀居民出席意愿中取决于其对议事会成效的判断的比例（其余取决于对政府的信任）")
    efficacy_rate: float = param(
        0.3, "Weight with which an attendee's belief in meetings follows the share of a "
        "meeting's agenda carried out; others follow it times transparency", ge=0, le=1,
        unit="per meeting", source="§6.4 决策和执行情况公开", step=0.05, role="assumption",
        label="Learning from a meeting's record", zh="议事成效的认知更新",
        zh_help="出席者对议事会成效的判断向本次会议议题落实比例调整的权重；未出席者再乘以公开透明度")
    mobilisation_weight: float = param(
        1.0, "Share of meeting attendance that rests on the committee's visits and services",
        ge=0, le=1, unit="share", source="§4.2 社区自治的行政化倾向; §6.4", step=0.05,
        role="assumption", label="Attendance from mobilisation", zh="动员对出席的影响",
        zh_help="居民议事会出席中依赖居委会走访与服务动员的比例（行政化挤占动员时间）")
    max_wait_days: int = param(
        20, "Longest a collective dispute waits for the next meeting before going up", ge=0, le=180,
        unit="days", source="assumption", role="lever",
        label="Longest wait for a meeting", zh="待议最长天数",
        zh_help="集体性纠纷等待下次会议的最长天数，超过则上交")
    agreement_days: int = param(
        180, "Days an agreement carried out keeps its dispute settled in the community (a "
        "parking scheme, a fee arrangement, a renovation plan holds until its terms come up)",
        ge=0, le=3650, unit="days", source="§3.2 将矛盾化解在萌芽状态", role="assumption",
        label="Days an agreement holds", zh="协议有效天数",
        zh_help="落实的议事协议使社区内同类纠纷保持化解状态的天数（停车方案、物业费约定、改造方案等）")
    prevented_share: float = param(
        0.5, "Share of the community's needs of a settled dispute's kind that its agreement "
        "prevents while it holds (the rest are individual grievances it does not cover)",
        ge=0, le=1, unit="share", source="§3.2 避免矛盾上行", step=0.05, role="assumption",
        label="Needs an agreement prevents", zh="协议化解的同类诉求比例",
        zh_help="协议有效期内，社区同类诉求中因协议而不再产生的比例（其余为协议不涵盖的个人诉求）")
    satisfaction_gain: float = param(
        0.05, "Weight with which an attendee's satisfaction follows a meeting's record (the "
        "share of its decisions carried out); others follow it as far as they heard of it",
        ge=0, le=1, unit="per meeting", source="§6.4 协商结果有效落实", step=0.01,
        role="assumption", label="Satisfaction from a meeting's record",
        zh="议事成效对满意度的影响",
        zh_help="出席者满意度向会议成效（所作决定得到落实的比例）调整的权重；未出席者按其得知程度折算")
    told_weight: float = param(
        0.5, "How much of a meeting's record a resident learns from an attendee among her ties, "
        "relative to attending (she learns at least what is published)", ge=0, le=1,
        unit="share", source="§6.4 决策和执行情况公开; §5.3 信任与沟通", step=0.05,
        role="assumption", label="Learning a meeting's record from a neighbour",
        zh="从邻里得知议事成效",
        zh_help="居民从出席会议的邻里处得知会议成效的程度，相对于亲自出席（至少知道公开的内容）")
    attendance_hours: float = param(
        2.0, "Hours a meeting takes an attendee, travel included", ge=0, le=24, unit="hours",
        source="§4.2 居民参与的积极性", step=0.5, role="lever",
        label="Hours a meeting takes a resident", zh="居民参会耗时",
        zh_help="一次议事会议占用出席居民的时间（含往返）")
    hour_cost: float = param(
        0.05, "Willingness to attend lost per hour a meeting takes a resident of working age "
        "(locals and migrants who work)", ge=0, le=1, unit="per hour", source="assumption",
        step=0.01, role="assumption", label="Cost of an hour to working residents",
        zh="在职居民时间成本",
        zh_help="会议每占用在职居民（含流动人口）一小时，其出席意愿下降的幅度")
    elderly_hour_factor: float = param(
        0.3, "Cost of an hour to residents aged 60 and over, relative to working age (most "
        "are retired)", ge=0, le=2, unit="factor", source="§3.1 人口老龄化", step=0.05,
        role="assumption", label="Elderly time cost factor", zh="老年居民时间成本系数",
        zh_help="60岁及以上居民（多已退休）的时间成本相对于在职居民的倍数")
    volunteer_hours: float = param(
        1.0, "Volunteer hours each attendee gives the committee before the next meeting", ge=0,
        le=50, unit="hours", source="§6.3 志愿服务", step=0.5, role="assumption",
        label="Volunteer hours", zh="志愿服务工时",
        zh_help="每位出席者在下次会议前为居委会提供的志愿服务工时")


class ServiceParams(Group):
    """社区服务: committees serve residents with the time paperwork and cases leave (§4.2)."""

    half_hours: float = param(
        0.3, "Service hours per resident per month at which service quality is half its best",
        ge=0.01, le=20, unit="hours/resident-month", source="§4.2 偏离了服务居民的本源", step=0.01,
        role="assumption",
        label="Service hours for half quality", zh="服务半饱和工时",
        zh_help="服务质量达到最佳水平一半时每位居民每月的服务工时")
    rate: float = param(
        0.04, "Monthly weight with which residents' satisfaction follows service quality", ge=0,
        le=1, unit="per month", source="§3.2 贴近居民、了解民情", step=0.01, role="assumption",
        label="Service effect rate", zh="服务影响速度",
        zh_help="居民满意度跟随服务质量变化的月权重")


class TalentParams(Group):
    """人才支撑: staffing, pay and training of community workers (§4.2, §6.5)."""

    RENAMED: ClassVar[dict[str, tuple[str, str]]] = {
        "base_quit_rate": ("outside_offers_per_year", _WORKERS_CHOOSE),
        "stress_quit_factor": ("stress_search_factor", _WORKERS_CHOOSE),
        "pay_elasticity": ("outside_pay_spread", _WORKERS_CHOOSE),
        "hiring_delay_days": ("applicants_per_year", "a vacancy is filled when an applicant "
                              "takes the post over an outside offer"),
    }

    workers_per_committee: int = param(
        9, "Funded worker positions per residents' committee", ge=1, le=100, unit="workers",
        source="§4.1 增加编制", role="lever",
        label="Workers per committee", zh="社区工作者编制",
        zh_help="每个社区居委会核定的工作者岗位数")
    hours_per_day: float = param(
        7.0, "Working hours per worker per day", ge=1, le=16, unit="hours/day", source="assumption",
        step=0.5, role="lever",
        label="Hours per day", zh="每日工时", zh_help="每名工作者每天的工作时长")
    pay_index: float = param(
        1.0, "Pay relative to today's typical community worker pay", ge=0.3, le=3, unit="index",
        source="§4.2 工资待遇偏低", step=0.05, role="lever",
        label="Pay index", zh="薪酬指数", zh_help="薪酬相对于当前社区工作者一般薪酬水平的指数")
    training_days: float = param(
        3.0, "Training days per worker per year", ge=0, le=60, unit="days/year",
        source="§6.5 加强专业化培训", step=1, role="lever",
        label="Training days per year", zh="年培训天数", zh_help="每名工作者每年的培训天数")
    training_effect: float = param(
        0.02, "Productivity gained per training day per year", ge=0, le=0.2, unit="per day/year",
        source="§6.5", step=0.005, role="assumption",
        label="Training effect", zh="培训效果", zh_help="每年每个培训日带来的效率提升")
    outside_offers_per_year: float = param(
        0.12, "Outside job offers an unstressed worker comes across per year", ge=0, le=12,
        unit="offers/year", source="§4.2 队伍流失率高", step=0.01, role="assumption",
        label="Outside offers per year", zh="外部工作机会",
        zh_help="无压力的工作者每年遇到的外部工作机会数")
    stress_search_factor: float = param(
        5.0, "How many times more offers a worker under full stress looks for and finds", ge=1,
        le=50, unit="factor", source="§4.2 工作负担过重", step=0.5, role="assumption",
        label="Job search at full stress", zh="压力求职倍数",
        zh_help="压力最大时工作者寻找并遇到外部工作机会的倍数")
    outside_pay: float = param(
        0.8, "Median outside pay for a newcomer's skills, relative to today's community worker "
        "pay", ge=0.1, le=5, unit="index", source="§4.2 工资待遇偏低", step=0.05,
        role="assumption", label="Outside pay", zh="外部薪酬",
        zh_help="新人技能在外部劳动力市场的薪酬中位数，相对于当前社区工作者薪酬")
    outside_pay_spread: float = param(
        0.4, "Spread (log standard deviation) of outside pay offers", ge=0.01, le=3,
        unit="log", source="assumption", step=0.05, role="assumption",
        label="Outside pay spread", zh="外部薪酬离散度", zh_help="外部工作薪酬的对数标准差")
    skill_premium: float = param(
        0.2, "Outside pay gained at full experience (training adds its productivity gain)", ge=0,
        le=3, unit="share", source="§6.5 职业发展", step=0.05, role="assumption",
        label="Skill premium outside", zh="技能溢价",
        zh_help="经验丰富时外部薪酬的增幅（培训按其效率提升再加）")
    stress_cost: float = param(
        0.5, "Share of pay a worker would give up to be rid of full stress", ge=0, le=1,
        unit="share", source="§4.2 工作负担过重", step=0.05, role="assumption",
        label="Cost of stress", zh="压力代价", zh_help="工作者为摆脱最大压力愿意放弃的薪酬比例")
    applicants_per_year: float = param(
        10.0, "Applicants a vacant position draws per year", ge=0.1, le=365,
        unit="applicants/year", source="§4.2 难以吸引和留住优秀人才", step=0.5, role="assumption",
        label="Applicants per vacancy", zh="岗位应聘人数",
        zh_help="每个空缺岗位每年吸引的应聘者人数")
    learning_days: float = param(
        180.0, "Time scale on which a newcomer gains experience", ge=1, le=3650, unit="days",
        source="assumption", step=1, role="assumption",
        label="Experience time scale", zh="经验积累周期", zh_help="新人积累经验的时间尺度")
    novice_productivity: float = param(
        0.6, "Productivity with no experience, relative to full experience", ge=0.05, le=1,
        unit="share", source="§6.5 专业化培训", step=0.05, role="assumption",
        label="Novice productivity", zh="新手效率", zh_help="无经验时的工作效率，相对于经验丰富时")
    initial_experience: float = param(
        0.5, "Experience of every worker at the start", ge=0, le=1, unit="index",
        source="assumption", step=0.05, role="context",
        label="Initial experience", zh="初始经验", zh_help="初始时每名工作者的经验水平")
    working_days: float = param(
        250.0, "Working days per year (training days are taken from them)", ge=100, le=366,
        unit="days/year", source="assumption", step=1, role="context",
        label="Working days per year", zh="年工作日", zh_help="每年的工作日数（培训天数从中扣除）")
    newcomer_experience: float = param(
        0.1, "Experience of a newcomer", ge=0, le=1, unit="index", source="assumption", step=0.05,
        role="assumption",
        label="Newcomer experience", zh="新人经验", zh_help="新入职工作者的经验水平")
    stress_onset: float = param(
        0.6, "Load over capacity at which stress starts", ge=0, le=5, unit="ratio",
        source="§4.2 小马拉大车", step=0.05, role="assumption",
        label="Load at stress onset", zh="压力起点负荷", zh_help="开始产生压力时的负荷与能力之比")
    stress_full: float = param(
        1.4, "Load over capacity at which stress is full", ge=0.1, le=10, unit="ratio",
        source="§4.2", step=0.05, role="assumption",
        label="Load at full stress", zh="满压力负荷", zh_help="压力达到最大时的负荷与能力之比")
    stress_productivity_loss: float = param(
        0.3, "Share of productivity lost at full stress (burnout)", ge=0, le=1, unit="share",
        source="§4.2 工作负担过重", step=0.05, role="assumption",
        label="Productivity lost to stress", zh="压力效率损失",
        zh_help="压力最大时损失的效率比例（职业倦怠）")
    stress_adaptation: float = param(
        0.05, "Daily rate at which stress follows load", ge=0, le=1, unit="per day",
        source="assumption", step=0.01, role="assumption",
        label="Stress adaptation rate", zh="压力调整速度", zh_help="压力随负荷变化的日调整速度")
    wage_per_hour: float = param(
        45.0, "Staff cost of one hour of public work (committee, street, department)", ge=1,
        le=1000, unit="yuan/hour", source="assumption", step=1, role="context",
        label="Staff cost per hour", zh="人工成本",
        zh_help="一小时公共工作（居委会、街道、部门）的人工成本")


class ResponseParams(Group):
    """应急动员: help units mobilise when a surge puts them behind (§1 韧性, §4.1, §6.3)."""

    behind_days: float = param(
        2.0, "Queued work, in days of a unit's own hours, at which it counts as behind", ge=0.1,
        le=60, unit="days", source="assumption", step=0.1, role="assumption",
        label="Days behind before help comes", zh="积压求援天数",
        zh_help="单位积压工作超过自身多少天的工时即视为积压，可获支援")
    redeploy_share: float = param(
        0.5, "Share of a department's spare hours the district may move to departments the "
        "shared platform shows behind (部门间调配)", ge=0, le=1, unit="share",
        source="§4.1 统筹协调权; §6.1", step=0.05, role="lever",
        label="Redeployment across departments", zh="部门间人力调配比例",
        zh_help="统一平台显示某部门积压时，区里可从其他部门的空闲工时中调配的比例")
    redeploy_productivity: float = param(
        0.6, "Work done in one redeployed hour, relative to one of the department's own staff",
        ge=0, le=1, unit="share", source="assumption", step=0.05, role="assumption",
        label="Output of a redeployed hour", zh="调配工时效率",
        zh_help="调配来的人员一个工时完成的工作量，相对于本部门人员")
    cadre_hours_per_1000_residents: float = param(
        2.0, "Hours a day of district cadres that can be sent down to committees that are "
        "behind, per 1,000 residents (干部下沉)", ge=0, le=100,
        unit="hours/day per 1,000 residents", source="§1 在行政管理体制的指导和支持下", step=0.5,
        role="lever",
        label="Cadres sent down", zh="干部下沉工时",
        zh_help="每千名居民每天可下沉到积压社区的机关干部工时")
    volunteer_call_share: float = param(
        0.1, "Share of the residents who attended a meeting in the past year who come when a "
        "committee that is behind calls for volunteers", ge=0, le=1, unit="share",
        source="§1 社会动员能力; §6.3 志愿者", step=0.01, role="assumption",
        label="Volunteers answering a call", zh="志愿者响应比例",
        zh_help="积压社区召集志愿者时，过去一年参加过议事会的居民中前来帮忙的比例")
    volunteer_call_hours: float = param(
        2.0, "Hours a called volunteer gives on a day", ge=0, le=12, unit="hours",
        source="assumption", step=0.5, role="assumption",
        label="Hours per called volunteer", zh="志愿者每日工时",
        zh_help="被召集的志愿者每天提供的工时")


class PolicyParams(Group):
    """政策边界: requests beyond every unit's remit, and monthly themes (每月一题) (§4.2 有责无权).

    Monthly themes change the rules for the categories most often closed beyond them.
    """

    beyond_share: float = param(
        0.16, "Share of requests whose remedy the rules in force do not allow (policy limits, "
        "disputes between private parties, long-standing problems 历史遗留问题): a unit may "
        "work one, but can only explain, and it closes unsolved", ge=0, le=1, unit="share",
        source="§4.2 有责无权、权责边界不清; calibrated (ODD §8)", step=0.01,
        role="assumption",
        label="Requests beyond the rules", zh="超出政策边界的诉求比例",
        zh_help="现行政策不允许解决的诉求所占比例（政策限制、私人间纠纷、历史遗留问题）："
        "承办单位可以办理，但只能解释说明，最终未解决办结")
    themes_per_month: int = param(
        0, "Categories the city takes up each month as themes (每月一题): those with the most "
        "12345 requests closed beyond the rules that month, on the hotline's record; a theme "
        "changes the rules for part of its category's requests beyond them", ge=0, le=20,
        unit="categories/month", source="接诉即办 每月一题 (docs/ODD.md §6)", role="lever",
        label="Monthly themes", zh="每月一题",
        zh_help="市里每月选取的主题类别数（每月一题）：按热线记录，当月因超出政策边界而未解决"
        "办结的诉求最多的类别；每个主题为该类别的部分此类诉求修改政策")
    theme_reach: float = param(
        0.5, "Share of a themed category's remaining requests beyond the rules that its "
        "theme's rule change brings within units' remit", ge=0, le=1, unit="share",
        source="assumption", step=0.05, role="assumption",
        label="Reach of a theme", zh="主题覆盖比例",
        zh_help="一个主题的政策调整使该类别剩余超出政策边界的诉求中可以解决的比例")


class FundsParams(Group):
    """资金: project funds for community matters as stocks, and who holds them (§4.2, §6.3)."""

    pooling: Literal["department", "community", "street"] = param(
        "department", "Who holds the project funds for community matters: each department "
        "separately for each community (专项资金, accounted apart), one pot per community "
        "(社区统筹), or one pot per street (街道统筹)", source="§4.2 项目资金单独管理和核算; "
        "§6.3 社区资源统筹平台", role="lever",
        label="Who holds project funds", zh="项目资金统筹层级",
        zh_help="社区事务项目资金由谁掌握：各部门按社区分别管理（专项资金、单独核算）、"
        "每个社区一个资金池（社区统筹）或每个街道一个资金池（街道统筹）")
    coverage: float = param(
        1.0, "Yearly project funds relative to the material cost of the cases residents are "
        "expected to report (the plan's money per expected need)", ge=0, le=5, unit="share",
        source="assumption", step=0.05, role="lever",
        label="Funds per expected need", zh="项目资金覆盖率",
        zh_help="每年项目资金相对于预期上报诉求所需物料费用的比例")
    committee_funds_per_1000_residents: float = param(
        5000.0, "Yearly operating funds a committee may spend on community matters, per 1,000 "
        "residents (社区公益事业经费)", ge=0, le=1e7, unit="yuan/year",
        source="§4.2 小马拉大车", step=500, role="lever",
        label="Committee funds per 1,000 residents", zh="社区工作经费",
        zh_help="居委会每年可用于社区事务的工作经费（每千名居民）")
    report_hours: float = param(
        2.0, "Hours a month a committee spends accounting for each separate fund it spends "
        "from (单独管理和核算)", ge=0, le=100, unit="hours/month",
        source="§4.2 项目资金往往要求单独管理和核算", step=0.5, role="assumption",
        label="Accounting hours per fund", zh="每项资金核算工时",
        zh_help="居委会每月为其使用的每一项单独资金进行核算所花的工时")
