"""Parameter groups for the policy rules of the model (one class per rule group).

Defaults describe the baseline: today's typical system (siloed data, little and unfunded
devolution, process-weighted assessment, no whistle, no one-stop hall, a small NGO budget,
rare consultation). Section numbers (§) refer to the source text in
``shared/seed/community_governance_linkage.zh.txt``; docs/ODD.md quotes the sentences.
"""

from __future__ import annotations

from typing import Literal

from model.scenario.fields import Group, param


class InformationParams(Group):
    """信息共享: siloed department systems versus a unified platform (§4.2, §6.1)."""

    unified_platform: bool = param(
        False, "One shared platform for committees, streets and departments (统一信息平台)",
        source="§6.1", zh="统一信息平台", role="lever")
    sharing_scope: float = param(
        1.0, "Share of departments whose systems join the platform when it is unified",
        ge=0, le=1, unit="share", source="§6.1", zh="数据共享范围", step=0.05, role="lever")
    siloed_hop_fidelity: float = param(
        0.85, "Share of a case's information kept on a hop between unconnected systems",
        ge=0.3, le=1, unit="share", source="§2 信息传递失真", zh="分散系统信息保真度", step=0.01,
        role="assumption")
    unified_hop_fidelity: float = param(
        0.98, "Share of a case's information kept on a hop within the platform",
        ge=0.3, le=1, unit="share", source="§6.1", zh="平台信息保真度", step=0.01,
        role="assumption")
    siloed_hop_delay_days: int = param(
        2, "Days a case spends in transit on a hop between unconnected systems",
        ge=0, le=30, unit="days", source="§2 决策迟滞", zh="分散系统流转天数", role="assumption")
    unified_hop_delay_days: int = param(
        0, "Days a case spends in transit on a hop within the platform",
        ge=0, le=30, unit="days", source="§6.1", zh="平台流转天数", role="assumption")
    misroute_scale: float = param(
        1.5, "Misrouting probability per unit of information lost", ge=0, le=5,
        unit="1/fidelity", source="§2 条块分割", zh="误派系数", step=0.1, role="assumption")
    overlap_misroute: float = param(
        0.2, "Extra misrouting probability for categories claimed by several departments",
        ge=0, le=1, unit="probability", source="§2 职责交叉或真空",
        zh="职责交叉误派概率", step=0.01, role="assumption")
    entry_hours: float = param(
        0.3, "Staff hours for one duplicate data entry into another system",
        ge=0, le=8, unit="hours", source="§4.2 重复录入信息", zh="重复录入工时", step=0.05,
        role="assumption")
    clarify_factor: float = param(
        1.0, "Extra work per unit of information lost (clarifying what the resident needs)",
        ge=0, le=5, unit="work/fidelity", source="§2 信息传递失真", zh="信息补正系数", step=0.1,
        role="assumption")
    blind_fix_share: float = param(
        0.5, "Chance of a right fix with no information left, relative to full information",
        ge=0, le=1, unit="share", source="§2 信息传递失真", zh="信息缺失时办对比例", step=0.05,
        role="assumption")
    feedback_tolerance: float = param(
        0.5, "Share of the delay penalty residents forgive when the platform shows progress",
        ge=0, le=1, unit="share", source="§6.1 畅通信息反馈渠道", zh="进度反馈宽容度", step=0.05,
        role="assumption")


class DevolutionParams(Group):
    """权责下放: which categories committees settle, and whether resources follow (§4.2, §6.2)."""

    level: float = param(
        0.2, "Share of devolvable categories committees may settle themselves",
        ge=0, le=1, unit="share", source="§6.2 梳理下放权力清单", zh="下放程度", step=0.05,
        role="lever")
    resources_follow: float = param(
        0.0, "Share of the devolved workload's staff and money that follows it (费随事清)",
        ge=0, le=1, unit="share", source="§6.2 完善配套支持政策", zh="资源随事转比例", step=0.05,
        role="lever")
    push_down_share: float = param(
        0.3, "Share of hard devolvable cases departments push down to committees (甩锅)",
        ge=0, le=1, unit="share", source="§4.2 甩锅", zh="部门甩锅比例", step=0.05,
        role="assumption")
    overlap_bounce_prob: float = param(
        0.3, "Chance a department bounces a case whose remit it shares with another (推诿)",
        ge=0, le=1, unit="probability", source="§2 职责交叉或真空; §6.2 推诿扯皮",
        zh="职责交叉推诿概率", step=0.05, role="assumption")
    unauthorised_solve_prob: float = param(
        0.3, "Chance a committee settles a pushed-down case it has no authority for (有责无权)",
        ge=0, le=1, unit="probability", source="§4.2 有责无权", zh="无权处置成功率", step=0.05,
        role="assumption")
    novice_settle_factor: float = param(
        0.7, "Settling chance of an inexperienced committee relative to an experienced one",
        ge=0, le=1, unit="share", source="§6.5 提升其履职能力", zh="新手处置系数", step=0.05,
        role="assumption")
    committee_solve_prob: float = param(
        0.9, "Chance an experienced committee settles a devolved case it has worked through",
        ge=0, le=1, unit="probability", source="§3.2 贴近居民", zh="社区处置成功率", step=0.01,
        role="assumption")


class AssessmentParams(Group):
    """考核机制: weight on process indicators versus outcomes (§4.2, §5.2, §6.5)."""

    process_weight: float = param(
        0.7, "Weight of process indicators (closures, ledgers, 留痕); outcomes get the rest",
        ge=0, le=1, unit="share", source="§4.2 重过程轻结果", zh="过程指标权重", step=0.05,
        role="lever")
    interval_days: int = param(
        90, "Days between assessment rounds, when departments adapt their behaviour",
        ge=7, le=365, unit="days", source="§5.2 绩效评估与反馈", zh="考核周期", role="lever")
    learning_rate: float = param(
        0.3, "How far departments move their closing propensity per assessment round",
        ge=0, le=1, unit="per round", source="assumption", zh="部门适应速度", step=0.01,
        role="assumption")
    initial_close_unsolved: float = param(
        0.3, "Initial propensity of departments to close hard cases unsolved",
        ge=0, le=1, unit="probability", source="§4.2 应付检查", zh="初始敷衍结案倾向", step=0.01,
        role="assumption")
    ledger_hours_full: float = param(
        36.0, "Ledger and paperwork hours per committee per day at process weight 1 (台账)",
        ge=0, le=200, unit="hours/day", source="§4.2 台账资料", zh="台账工时(满过程权重)", step=1,
        role="assumption")
    ledger_hours_floor: float = param(
        5.0, "Paperwork hours per committee per day that any assessment requires",
        ge=0, le=200, unit="hours/day", source="§4.2", zh="基础台账工时", step=1, role="assumption")
    siloed_ledger_factor: float = param(
        1.3, "Paperwork multiplier when each department's ledger is filled in its own system",
        ge=1, le=3, unit="factor", source="§4.2 重复录入", zh="分散系统台账倍数", step=0.05,
        role="assumption")
    pressure_floor: float = param(
        0.5, "Share of the closing propensity acted on with an empty queue", ge=0, le=1,
        unit="share", source="assumption", zh="无积压时敷衍比例", step=0.05, role="assumption")
    pressure_days: float = param(
        3.0, "Days of queued work at which a department's closing pressure is full",
        ge=0.1, le=60, unit="days", source="assumption", zh="积压压力天数", step=0.1,
        role="assumption")


class WhistleParams(Group):
    """街道吹哨、部门报到: the street office summons departments to stuck or joint cases (§4.1)."""

    enabled: bool = param(False, "Street offices may blow the whistle", source="§4.1",
                          zh="街道吹哨", role="lever")
    stuck_days: int = param(
        15, "Days a case may wait at a department before the street whistles",
        ge=1, le=180, unit="days", source="§4.1", zh="吹哨触发天数", role="lever")
    min_departments: int = param(
        2, "Cases needing at least this many departments are whistled at once",
        ge=2, le=10, unit="departments", source="§4.1 统筹协调", zh="多部门吹哨阈值", role="lever")
    response_deadline_days: int = param(
        2, "Days a summoned department has to report and act (报到)",
        ge=0, le=30, unit="days", source="§4.1", zh="报到时限", role="lever")
    coordination_hours: float = param(
        4.0, "Street coordination hours each whistle costs", ge=0, le=40,
        unit="hours", source="§4.2 协调机制", zh="每次吹哨协调工时", step=0.5, role="assumption")
    joint_fidelity: float = param(
        0.95, "Information fidelity restored when departments meet on the case together",
        ge=0, le=1, unit="share", source="§5.1 网络化治理", zh="联合办理信息保真度", step=0.01,
        role="assumption")


class OneStopParams(Group):
    """一门式办理 / 最多跑一次: administrative services in one visit at a hall (§4.1, §6.2)."""

    enabled: bool = param(False, "A one-stop hall serves administrative cases", source="§6.2",
                          zh="一门式办理", role="lever")
    level: Literal["street", "community"] = param(
        "street", "Where the hall sits: the street office or every community", source="§4.1",
        zh="服务大厅层级", role="lever")
    hall_hours_per_day: float = param(
        40.0, "Staff hours per day at each hall", ge=1, le=500, unit="hours/day",
        source="§4.1 行政服务窗口前移", zh="大厅日工时", step=1, role="lever")
    hall_work_factor: float = param(
        0.6, "Hall work per case relative to the departments' (流程再造)", ge=0.1, le=2,
        unit="factor", source="§6.2 流程再造", zh="大厅工作量系数", step=0.05, role="assumption")
    missing_document_prob: float = param(
        0.5, "Chance an office visit needs another trip (a fifth of it on the platform)",
        ge=0, le=1, unit="probability", source="§6.2 减少跑腿次数", zh="材料不全概率", step=0.05,
        role="assumption")
    platform_document_factor: float = param(
        0.2, "Missing-document chance at offices on the platform, relative to siloed ones",
        ge=0, le=1, unit="factor", source="§6.2 流程再造、信息共享", zh="平台材料不全系数",
        step=0.05, role="assumption")
    max_extra_trips: int = param(
        5, "Most extra trips one office visit can take", ge=0, le=20, unit="trips",
        source="assumption", zh="最多额外跑腿次数", role="assumption")
    visit_days: int = param(
        2, "Days between a resident's successive trips to offices", ge=0, le=30, unit="days",
        source="assumption", zh="跑腿间隔天数", role="assumption")


class ProcurementParams(Group):
    """政府购买服务: money for NGO services per specialty, and cultivation (§4.1, §6.3)."""

    budget_per_1000_residents: float = param(
        15000.0, "Yearly NGO service budget per 1,000 residents", ge=0, le=1e7,
        unit="yuan/year", source="§4.1 推广社区购买服务", zh="购买服务预算", step=1000,
        role="lever")
    cost_per_hour: float = param(
        80.0, "Price of one NGO service hour", ge=1, le=2000, unit="yuan/hour",
        source="assumption", zh="服务单价", step=1, role="context")
    specialty_shares: dict[str, float] = param(
        {"elderly_care": 0.4, "disability": 0.2, "youth": 0.1, "mediation": 0.3},
        "Share of the budget per NGO specialty (keys are specialties named by categories)",
        source="§4.1 居家养老、青少年服务、残疾人帮扶", zh="专业领域分配", role="lever")
    initial_professionalism: float = param(
        0.55, "Chance an NGO solves a referred case at the start", ge=0, le=1,
        unit="probability", source="§4.2 缺乏专业能力", zh="初始专业化水平", step=0.01,
        role="assumption")
    cultivation_rate: float = param(
        0.02, "Monthly growth of professionalism toward 1 from cultivation (培育)", ge=0, le=1,
        unit="per month", source="§6.3 社会组织孵化基地", zh="培育速度", step=0.005, role="lever")
    max_queue_days: float = param(
        5.0, "Committees stop referring to an NGO whose queue exceeds this many days of work",
        ge=0, le=60, unit="days", source="assumption", zh="转介排队上限", step=0.5,
        role="assumption")
    volume_learning: float = param(
        0.002, "Growth of professionalism per case served (learning by doing)", ge=0, le=0.1,
        unit="per case", source="§4.1 激发社会组织活力", zh="实践学习速度", step=0.0005,
        role="assumption")


class ConsultationParams(Group):
    """协商议事 (居民议事会, 四议两公开): meetings that settle collective disputes (§6.4)."""

    interval_days: int = param(
        90, "Days between consultation meetings in each community", ge=7, le=365,
        unit="days", source="§6.4 完善社区议事协商制度", zh="议事会间隔天数", role="lever")
    invited_share: float = param(
        0.2, "Share of residents invited to each meeting", ge=0, le=1, unit="share",
        source="§6.4 鼓励广泛参与", zh="邀请居民比例", step=0.05, role="lever")
    transparency: float = param(
        0.3, "Openness of decisions and finances (四议两公开); raises everyone's trust",
        ge=0, le=1, unit="index", source="§6.4 决策和执行情况公开", zh="公开透明度", step=0.05,
        role="lever")
    trust_gain: float = param(
        0.08, "Trust gained per meeting at full transparency (toward 1)", ge=0, le=1,
        unit="per meeting", source="§5.3 信任与沟通", zh="每次会议信任提升", step=0.01,
        role="assumption")
    meeting_hours: float = param(
        14.0, "Committee hours each meeting costs (preparation included)", ge=0, le=200,
        unit="hours", source="§6.4", zh="每次会议工时", step=1, role="assumption")
    settle_max: float = param(
        0.9, "Chance a collective dispute is settled at a well-attended meeting", ge=0, le=1,
        unit="probability", source="§3.1 协商民主", zh="议事化解上限", step=0.01, role="assumption")
    attendance_half: float = param(
        0.15, "Attendance rate at which the settling chance is half its maximum", ge=0.001,
        le=1, unit="share", source="assumption", zh="半饱和出席率", step=0.001, role="assumption")
    trust_attendance_floor: float = param(
        0.3, "Attendance of an invited resident with no trust, relative to full trust", ge=0,
        le=1, unit="share", source="§5.3 信任与沟通", zh="零信任出席系数", step=0.05,
        role="assumption")
    admin_crowding: float = param(
        1.0, "How strongly committee paperwork deters attendance (自治行政化)", ge=0, le=3,
        unit="factor", source="§4.2 社区自治的行政化倾向", zh="行政化挤出系数", step=0.1,
        role="assumption")
    max_wait_days: int = param(
        20, "Longest a collective dispute waits for the next meeting before going up",
        ge=0, le=180, unit="days", source="assumption", zh="待议最长天数", role="lever")
    volunteer_hours: float = param(
        1.0, "Volunteer hours each attendee gives the committee before the next meeting",
        ge=0, le=50, unit="hours", source="§6.3 志愿服务", zh="志愿服务工时", step=0.5,
        role="assumption")


class ServiceParams(Group):
    """社区服务: committees serve residents with the time paperwork and cases leave (§4.2)."""

    half_hours: float = param(
        0.3, "Service hours per resident per month at which service quality is half its best",
        ge=0.01, le=20, unit="hours/resident-month", source="§4.2 偏离了服务居民的本源",
        zh="服务半饱和工时", step=0.01, role="assumption")
    rate: float = param(
        0.1, "Monthly weight with which residents' satisfaction follows service quality",
        ge=0, le=1, unit="per month", source="§3.2 贴近居民、了解民情", zh="服务影响速度",
        step=0.01, role="assumption")


class TalentParams(Group):
    """人才支撑: staffing, pay and training of community workers (§4.2, §6.5)."""

    workers_per_committee: int = param(
        9, "Funded worker positions per residents' committee", ge=1, le=100,
        unit="workers", source="§4.1 增加编制", zh="社区工作者编制", role="lever")
    hours_per_day: float = param(
        7.0, "Working hours per worker per day", ge=1, le=16, unit="hours/day",
        source="assumption", zh="每日工时", step=0.5, role="lever")
    pay_index: float = param(
        1.0, "Pay relative to today's typical community worker pay", ge=0.3, le=3,
        unit="index", source="§4.2 工资待遇偏低", zh="薪酬指数", step=0.05, role="lever")
    training_days: float = param(
        3.0, "Training days per worker per year", ge=0, le=60, unit="days/year",
        source="§6.5 加强专业化培训", zh="年培训天数", step=1, role="lever")
    training_effect: float = param(
        0.02, "Productivity gained per training day per year", ge=0, le=0.2,
        unit="per day/year", source="§6.5", zh="培训效果", step=0.005, role="assumption")
    base_quit_rate: float = param(
        0.08, "Yearly quitting probability of an unstressed worker at index pay", ge=0, le=1,
        unit="per year", source="§4.2 队伍流失率高", zh="基础离职率", step=0.01, role="assumption")
    stress_quit_factor: float = param(
        5.0, "Multiplier on quitting at full stress", ge=1, le=50, unit="factor",
        source="§4.2", zh="压力离职倍数", step=0.5, role="assumption")
    pay_elasticity: float = param(
        1.5, "Elasticity of quitting with respect to pay", ge=0, le=5, unit="elasticity",
        source="§6.5 提高其薪酬水平", zh="薪酬弹性", step=0.1, role="assumption")
    hiring_delay_days: int = param(
        60, "Days a vacancy stays open before a newcomer starts", ge=0, le=365,
        unit="days", source="§4.2 难以吸引和留住", zh="招聘周期", role="assumption")
    learning_days: float = param(
        180.0, "Time scale on which a newcomer gains experience", ge=1, le=3650,
        unit="days", source="assumption", zh="经验积累周期", step=1, role="assumption")
    novice_productivity: float = param(
        0.6, "Productivity with no experience, relative to full experience", ge=0.05, le=1,
        unit="share", source="§6.5 专业化培训", zh="新手效率", step=0.05, role="assumption")
    initial_experience: float = param(
        0.5, "Experience of every worker at the start", ge=0, le=1, unit="index",
        source="assumption", zh="初始经验", step=0.05, role="context")
    working_days: float = param(
        250.0, "Working days per year (training days are taken from them)", ge=100, le=366,
        unit="days/year", source="assumption", zh="年工作日", step=1, role="context")
    newcomer_experience: float = param(
        0.1, "Experience of a newcomer", ge=0, le=1, unit="index", source="assumption",
        zh="新人经验", step=0.05, role="assumption")
    stress_onset: float = param(
        0.7, "Load over capacity at which stress starts", ge=0, le=5, unit="ratio",
        source="§4.2 小马拉大车", zh="压力起点负荷", step=0.05, role="assumption")
    stress_full: float = param(
        1.4, "Load over capacity at which stress is full", ge=0.1, le=10, unit="ratio",
        source="§4.2", zh="满压力负荷", step=0.05, role="assumption")
    stress_productivity_loss: float = param(
        0.3, "Share of productivity lost at full stress (burnout)", ge=0, le=1, unit="share",
        source="§4.2 工作负担过重", zh="压力效率损失", step=0.05, role="assumption")
    stress_adaptation: float = param(
        0.05, "Daily rate at which stress follows load", ge=0, le=1, unit="per day",
        source="assumption", zh="压力调整速度", step=0.01, role="assumption")
    wage_per_hour: float = param(
        45.0, "Staff cost of one hour of public work (committee, street, department)",
        ge=1, le=1000, unit="yuan/hour", source="assumption", zh="人工成本", step=1, role="context")
