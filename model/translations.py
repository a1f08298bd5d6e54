"""The one translation table: every dashboard string in English and Chinese (中文).

Outcome labels live with the outcomes (``model/outcomes.py``) and parameter descriptions and
Chinese labels with the schema (``model/scenario``); this module adds what they lack: the user
interface strings, a short English label and a Chinese tooltip for every parameter, Chinese
labels for the few parameters declared without one, rule-group names and tooltips, and units.
Strings with ``{name}`` placeholders are filled by the caller with ``str.format``:
``text("day_n", lang).format(day=30)``.
"""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import BaseModel

from model.outcomes import OUTCOMES_BY_NAME
from model.scenario.schema import Scenario

Lang = Literal["en", "zh"]
LANGUAGES: tuple[Lang, ...] = ("en", "zh")

_UI_PAIRS: dict[str, tuple[str, str]] = {
    # page and language
    "app_title": ("Community governance simulator", "基层协同治理仿真"),
    "language": ("Language", "语言"),
    "language_name": ("English", "中文"),
    "switch_language": ("中文", "English"),
    "about": ("About the model", "关于本模型"),
    "disclaimer": ("The model compares mechanisms and the direction of their effects; it does "
                   "not forecast any real district.",
                   "本模型用于比较各项机制及其作用方向，不对任何真实辖区作预测。"),
    # scenario and run controls
    "scenario": ("Scenario", "情景"),
    "scenario_help": ("Bundled scenario the district and policy start from",
                      "辖区与政策所依据的内置情景"),
    "scenario_description": ("What this scenario is", "情景说明"),
    "uploaded_scenario": ("Uploaded scenario", "已上传情景"),
    "upload_scenario": ("Upload scenario", "上传情景文件"),
    "upload_hint": ("A TOML file of at most 64 KB; it may extend bundled scenarios by name "
                    "(extends = \"baseline\").",
                    "TOML 格式文件，不超过 64 KB；"
                    "可按名称继承内置情景（extends = \"baseline\"）。"),
    "upload_too_large": ("file too large (at most 64 KB)", "文件过大（不超过 64 KB）"),
    "upload_not_text": ("not UTF-8 text", "不是 UTF-8 编码的文本"),
    "upload_failed": ("this file cannot be used as a scenario",
                      "该文件无法用作情景"),
    "run_settings": ("Run settings", "运行设置"),
    "seed": ("Random seed", "随机种子"),
    "seed_help": ("Runs with the same seed and settings are identical",
                  "随机种子和参数相同，运行结果完全一致"),
    "days_per_tick": ("Days per tick", "每步推进天数"),
    "days_per_tick_help": ("Days simulated by one step or one frame of play",
                           "单步推进或连续运行时每帧模拟的天数"),
    "step": ("Step", "单步推进"),
    "play": ("Play", "运行"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "running": ("Running…", "运行中…"),
    "day": ("Day", "天数"),
    "day_n": ("Day {day}", "第 {day} 天"),
    # compare mode
    "compare_mode": ("Compare two policies", "政策对比模式"),
    "compare_help": ("Both policies run on the same district with the same seed",
                     "两套政策在同一辖区、同一随机种子下运行"),
    "left_policy": ("Left policy", "左侧政策"),
    "right_policy": ("Right policy", "右侧政策"),
    "difference": ("Difference (right − left)", "差值（右 − 左）"),
    # levers
    "levers": ("Policy levers", "政策工具"),
    "apply_on_reset": ("Changes take effect when you reset.", "参数调整在重置后生效。"),
    "assumptions": ("Advanced: behavioural assumptions", "高级：行为假设"),
    "assumptions_hint": ("How people and organisations act and learn; not set by policy.",
                         "居民与组织如何行动和学习；并非政策可直接设定。"),
    "levers_changed": ("Changed from the scenario", "已偏离情景设定"),
    "restore_levers": ("Restore the scenario's values", "恢复情景设定值"),
    "on": ("On", "开启"),
    "off": ("Off", "关闭"),
    "value": ("Value", "取值"),
    "unit": ("Unit", "单位"),
    "range": ("Range", "取值范围"),
    "source": ("Source", "依据"),
    # indicators and charts
    "kpis": ("Key indicators", "核心指标"),
    "outcomes": ("Outcomes", "结果指标"),
    "outcomes_shown": ("Indicators shown", "显示的指标"),
    "change_since_start": ("Change since start", "较初始变化"),
    "better": ("Better", "改善"),
    "worse": ("Worse", "变差"),
    "better_higher": ("Higher is better", "越高越好"),
    "better_lower": ("Lower is better", "越低越好"),
    "better_neither": ("Neither direction is better in itself", "本身无好坏方向"),
    "time_series": ("Time series", "时间序列"),
    "no_data": ("No data yet: step the model first.", "暂无数据，请先推进模拟。"),
    "district_network": ("District network", "辖区治理网络"),
    "case_flows": ("Case flows", "诉求流转"),
    "colour_by": ("Colour by", "着色依据"),
    "backlog": ("Backlog", "积压诉求"),
    "satisfaction": ("Satisfaction", "满意度"),
    "trust": ("Trust", "信任度"),
    "where_settled": ("Where cases were settled", "诉求化解层级"),
    "community": ("Community", "社区"),
    "unresolved": ("Unresolved", "未解决"),
    # node kinds of the district network (also the levels where cases are settled)
    "department": ("Department", "职能部门"),
    "street": ("Street office", "街道办事处"),
    "committee": ("Residents' committee", "社区居委会"),
    "ngo": ("NGO", "社会组织"),
    "hall": ("One-stop service hall", "便民服务大厅"),
    "hotline": ("12345 hotline", "12345热线"),
    "resident": ("Resident", "居民"),
    # export and errors
    "export": ("Export", "导出"),
    "export_csv": ("Export series (CSV)", "导出时间序列（CSV）"),
    "export_toml": ("Export scenario (TOML)", "导出情景（TOML）"),
    "error": ("Bad scenario", "情景文件有误"),
    "error_value": ("Value not accepted", "参数取值无效"),
    # parameter groups: the district, then the policy rule groups
    "group_run": ("Run", "运行时长"),
    "group_district": ("District", "辖区规模"),
    "group_population": ("Population", "人口结构"),
    "group_residents": ("Residents' behaviour", "居民行为"),
    "group_demand": ("Demand", "诉求需求"),
    "group_shocks": ("Demand shocks", "突发事件冲击"),
    "group_departments": ("Departments", "职能部门"),
    "group_categories": ("Case categories", "诉求类别"),
    "group_information": ("Information sharing", "信息共享"),
    "group_devolution": ("Devolution", "权责下放"),
    "group_assessment": ("Assessment", "考核机制"),
    "group_whistle": ("Street whistle, departments report", "街道吹哨、部门报到"),
    "group_one_stop": ("One-stop service", "一门式办理"),
    "group_procurement": ("Purchase of services", "政府购买服务"),
    "group_consultation": ("Consultation", "协商议事"),
    "group_talent": ("Talent", "人才支撑"),
    "group_services": ("Community services", "社区服务"),
}

UI: dict[str, dict[str, str]] = {
    key: {"en": en, "zh": zh} for key, (en, zh) in _UI_PAIRS.items()
}

GROUP_HELP_ZH: dict[str, str] = {
    "run": "一次运行的时长。",
    "district": "辖区规模：街道办事处、社区和居民的数量（§2 层级性）。",
    "population": "辖区人口构成及初始状态（§3.1 老龄化、流动人口）。",
    "residents": "居民如何上报诉求、如何评价办理结果（§3.2、§5.2）。",
    "demand": "诉求产生的总量（§3.1）；各类别的发生率在诉求类别中设定。",
    "departments": "职能部门；部门属于数据，在情景文件中命名。",
    "categories": "诉求类别：需求量、承办主体及办理方式。",
    "information": "信息共享：部门系统各自为政与统一信息平台（§4.2、§6.1）。",
    "devolution": "权责下放：社区可自行处置哪些类别，资源是否随事下沉（§4.2、§6.2）。",
    "assessment": "考核机制：过程指标与结果指标的权重（§4.2、§5.2、§6.5）。",
    "whistle": "街道吹哨、部门报到：街道就滞留或需多部门办理的诉求召集职能部门（§4.1）。",
    "one_stop": "一门式办理、最多跑一次：行政服务事项在服务大厅一次办结（§4.1、§6.2）。",
    "procurement": "政府购买服务：按专业领域安排社会组织服务资金，并培育社会组织（§4.1、§6.3）。",
    "consultation": "协商议事（居民议事会、四议两公开）：以议事会议化解集体性纠纷（§6.4）。",
    "talent": "人才支撑：社区工作者的编制、薪酬与培训（§4.2、§6.5）。",
    "services": "社区服务：居委会以台账和诉求之外的时间服务居民（§4.2）。",
}

_HELP_ZH: dict[str, dict[str, str]] = {
    "Scenario": {
        "name": "情景名称（从文件载入时为文件名）",
        "description": "一句话说明该情景代表的政策",
        "departments": "按名称列出的职能部门",
        "categories": "按名称列出的诉求类别",
    },
    "RunParams": {"days": "模拟的天数"},
    "DistrictParams": {
        "streets": "辖区内街道办事处的数量",
        "communities_per_street": "每个街道办事处下辖的社区数（每个社区一个居委会）",
        "residents": "辖区居民总数",
        "street_hours_per_day": "每个街道办事处每天用于统筹协调（分派、吹哨）的人员工时",
        "routing_hours": "街道甄别并分派一件诉求所需的工时",
        "intake_hours": "居委会受理并转办一件诉求所需的工时",
    },
    "PopulationParams": {
        "elderly_share": "60岁及以上居民所占比例",
        "migrant_share": "流动人口在居民中所占比例",
        "initial_satisfaction": "初始时居民满意度的均值",
        "initial_trust": "初始时居民对政府信任度的均值",
        "spread": "初始满意度和信任度的标准差",
        "participation_mean": "居民参与倾向的均值",
        "migrant_participation": "流动人口参与倾向相对于本地居民的倍数",
        "urgency_spread": "诉求紧迫性围绕其均值的标准差",
        "patience_shape": "居民耐心的伽马分布形状参数（越大，居民耐心越相近）",
        "patience_days": "居民在诉求升级前平均等待的天数",
    },
    "ResidentParams": {
        "report_base": "信任度和紧迫性均为零时上报诉求的概率",
        "report_trust_weight": "完全信任时上报概率的增量",
        "report_urgency_weight": "紧迫性最高时上报概率的增量",
        "hotline_share_local": "本地居民经热线上报诉求的比例",
        "hotline_share_migrant": "流动人口经热线上报诉求的比例",
        "satisfaction_rate": "单次办理结果在居民满意度中的权重",
        "trust_rate": "每次办理结果后满意度对信任度的影响权重",
        "silent_penalty": "未上报（沉默）诉求造成的体验损失",
        "delay_penalty": "每超出一个办理时限所损失的体验分",
        "trip_penalty": "每多跑一次办事窗口所损失的体验分",
        "bounce_penalty": "部门间每推诿一次所损失的体验分",
        "escalation_penalty": "居民投诉升级时满意度和信任度的损失",
        "max_escalations": "居民就同一诉求最多升级（热线、信访）的次数",
        "abandon_days": "居民放弃未办结诉求之前等待的天数",
        "satisfied_threshold": "回访时居民满意度达到此值即答“满意”",
    },
    "DemandParams": {
        "rate_scale": "所有诉求类别发生率的总乘数",
        "shocks": "需求激增（突发公共事件）",
    },
    "ShockParams": {
        "start_day": "需求激增开始的日期（第几天）",
        "duration_days": "需求激增持续的天数",
        "multiplier": "受影响诉求类别发生率的乘数",
        "categories": "受影响的诉求类别（为空表示全部类别）",
    },
    "DepartmentSpec": {
        "zh": "部门的中文名称",
        "hours_per_day": "部门每天用于办理社区诉求的人员工时",
        "screening_hours": "部门甄别一件诉求（决定受理或退回）所需的工时",
        "solve_prob": "信息完整时部门办好其承担部分的概率",
    },
    "CategorySpec": {
        "zh": "类别的中文名称",
        "rate": "每位居民每年产生的该类诉求数（以劳动年龄本地居民计）",
        "elderly_multiplier": "老年人的发生率乘数",
        "migrant_multiplier": "流动人口的发生率乘数",
        "departments": "办理该类诉求需要的职能部门（按办理顺序）",
        "claimed_by": "职责与之重叠的其他部门（职责交叉）",
        "devolvable": "可授权社区居委会自行处置",
        "admin_service": "需要到窗口办理的行政服务事项",
        "collective": "通过协商议事化解的集体性纠纷",
        "ngo_specialty": "可承接该类诉求的社会组织专业领域（为空表示无）",
        "time_limit_days": "办理时限",
        "work_hours": "每个参与部门所需的办理工时",
        "hard_share": "需要额外工作才能真正解决的疑难诉求比例",
        "hard_extra_hours": "疑难诉求所需的额外工时",
        "urgency": "该类诉求的平均紧迫性",
    },
    "InformationParams": {
        "unified_platform": "社区、街道和部门共用一个信息平台（统一信息平台）",
        "sharing_scope": "信息平台统一后接入平台的部门系统比例",
        "siloed_hop_fidelity": "诉求在互不联通的系统间每流转一次所保留的信息比例",
        "unified_hop_fidelity": "诉求在平台内每流转一次所保留的信息比例",
        "siloed_hop_delay_days": "诉求在互不联通的系统间每流转一次耗费的天数",
        "unified_hop_delay_days": "诉求在平台内每流转一次耗费的天数",
        "misroute_scale": "每损失一个单位信息所增加的误派概率",
        "overlap_misroute": "多个部门职责交叉的诉求类别额外增加的误派概率",
        "entry_hours": "向另一系统重复录入一次数据所需的人员工时",
        "clarify_factor": "每损失一个单位信息所增加的工作量（向居民核实诉求）",
        "blind_fix_share": "信息全部丢失时办对的概率，相对于信息完整时",
        "feedback_tolerance": "平台公开办理进度时，居民谅解的拖延惩罚比例",
    },
    "DevolutionParams": {
        "level": "社区居委会可自行处置的可下放诉求类别比例",
        "resources_follow": "随下放工作量一并下沉的人员和经费比例（费随事清）",
        "push_down_share": "部门将可下放的疑难诉求推给社区居委会的比例（甩锅）",
        "overlap_bounce_prob": "部门退回与其他部门职责交叉诉求的概率（推诿）",
        "unauthorised_solve_prob": "居委会办结无处置权的下推诉求的概率（有责无权）",
        "novice_settle_factor": "经验不足的居委会相对于经验丰富的居委会的处置成功系数",
        "committee_solve_prob": "经验丰富的居委会办结其已着手处理的下放诉求的概率",
    },
    "AssessmentParams": {
        "process_weight": "过程指标（办结数量、台账、留痕）的权重，其余为结果指标权重",
        "interval_days": "两轮考核之间的天数；每轮考核时部门调整其行为",
        "learning_rate": "每轮考核时部门调整敷衍结案倾向的幅度",
        "initial_close_unsolved": "部门初始时将疑难诉求未解决即结案的倾向",
        "ledger_hours_full": "过程指标权重为1时，每个居委会每天的台账及材料工时（台账）",
        "ledger_hours_floor": "任何考核方式下每个居委会每天必需的材料工时",
        "siloed_ledger_factor": "各部门台账分别在各自系统中填报时的材料工作量倍数",
        "pressure_floor": "部门无积压时实际付诸行动的敷衍结案倾向比例",
        "pressure_days": "部门积压工作达到多少天时结案压力达到最大",
    },
    "WhistleParams": {
        "enabled": "街道办事处可以吹哨",
        "stuck_days": "诉求在部门滞留多少天后街道吹哨",
        "min_departments": "需要至少这么多部门办理的诉求立即吹哨",
        "response_deadline_days": "被召集部门报到并处置的时限天数（报到）",
        "coordination_hours": "每次吹哨耗费的街道协调工时",
        "joint_fidelity": "各部门共同会商诉求时恢复的信息保真度",
    },
    "OneStopParams": {
        "enabled": "设立一门式服务大厅办理行政服务事项",
        "level": "服务大厅的设置层级：街道办事处或每个社区",
        "hall_hours_per_day": "每个服务大厅每天的人员工时",
        "hall_work_factor": "大厅办理每件事项的工作量相对于职能部门的系数（流程再造）",
        "missing_document_prob": "到窗口办事因材料不全需要再跑一趟的概率（接入平台后为其五分之一）",
        "platform_document_factor": "接入平台的窗口材料不全概率相对于分散系统窗口的系数",
        "max_extra_trips": "一次窗口办事最多需要额外跑腿的次数",
        "visit_days": "居民两次跑窗口之间相隔的天数",
    },
    "ProcurementParams": {
        "budget_per_1000_residents": "每千名居民每年购买社会组织服务的预算",
        "cost_per_hour": "社会组织每服务小时的价格",
        "specialty_shares": "预算在各社会组织专业领域之间的分配比例（领域名称与诉求类别中一致）",
        "initial_professionalism": "初始时社会组织办结转介诉求的概率",
        "cultivation_rate": "培育使专业化水平向1提升的月增长率（培育）",
        "max_queue_days": "社会组织排队工作量超过该天数时，居委会不再向其转介",
        "volume_learning": "每服务一件诉求带来的专业化水平提升（干中学）",
    },
    "ConsultationParams": {
        "interval_days": "每个社区两次议事会议之间的天数",
        "invited_share": "每次会议邀请的居民比例",
        "transparency": "决策和财务的公开程度（四议两公开），提升全体居民的信任",
        "trust_gain": "完全公开时每次会议带来的信任提升（向1趋近）",
        "meeting_hours": "每次会议耗费的居委会工时（含筹备）",
        "settle_max": "出席充分的会议化解集体性纠纷的概率",
        "attendance_half": "化解概率达到其上限一半时的出席率",
        "trust_attendance_floor": "零信任的受邀居民的出席率，相对于完全信任时",
        "admin_crowding": "居委会行政事务对居民出席的抑制强度（自治行政化）",
        "max_wait_days": "集体性纠纷等待下次会议的最长天数，超过则上交",
        "volunteer_hours": "每位出席者在下次会议前为居委会提供的志愿服务工时",
    },
    "TalentParams": {
        "workers_per_committee": "每个社区居委会核定的工作者岗位数",
        "hours_per_day": "每名工作者每天的工作时长",
        "pay_index": "薪酬相对于当前社区工作者一般薪酬水平的指数",
        "training_days": "每名工作者每年的培训天数",
        "training_effect": "每年每个培训日带来的效率提升",
        "base_quit_rate": "无压力且薪酬为指数水平时工作者的年离职概率",
        "stress_quit_factor": "压力最大时离职概率的倍数",
        "pay_elasticity": "离职概率对薪酬的弹性",
        "hiring_delay_days": "岗位空缺到新人入职的天数",
        "learning_days": "新人积累经验的时间尺度",
        "novice_productivity": "无经验时的工作效率，相对于经验丰富时",
        "initial_experience": "初始时每名工作者的经验水平",
        "working_days": "每年的工作日数（培训天数从中扣除）",
        "newcomer_experience": "新入职工作者的经验水平",
        "stress_onset": "开始产生压力时的负荷与能力之比",
        "stress_full": "压力达到最大时的负荷与能力之比",
        "stress_productivity_loss": "压力最大时损失的效率比例（职业倦怠）",
        "stress_adaptation": "压力随负荷变化的日调整速度",
        "wage_per_hour": "一小时公共工作（居委会、街道、部门）的人工成本",
    },
    "ServiceParams": {
        "half_hours": "服务质量达到最佳水平一半时每位居民每月的服务工时",
        "rate": "居民满意度跟随服务质量变化的月权重",
    },
}

PARAMETER_HELP_ZH: dict[str, str] = {
    f"{cls}.{field}": tip for cls, fields in _HELP_ZH.items() for field, tip in fields.items()
}

_LABEL_ZH: dict[str, dict[str, str]] = {
    "Scenario": {"name": "情景名称", "description": "情景说明", "departments": "职能部门",
                 "categories": "诉求类别"},
    "DemandParams": {"shocks": "需求激增"},
    "ShockParams": {"start_day": "激增开始日", "duration_days": "激增持续天数",
                    "multiplier": "激增倍数", "categories": "受影响类别"},
    "DepartmentSpec": {"zh": "中文名称"},
    "CategorySpec": {
        "zh": "中文名称", "rate": "人均年发生率", "elderly_multiplier": "老年人发生倍数",
        "migrant_multiplier": "流动人口发生倍数", "departments": "办理部门",
        "claimed_by": "职责交叉部门", "devolvable": "可下放社区", "admin_service": "行政服务事项",
        "collective": "集体性事项", "ngo_specialty": "社会组织专业领域",
        "time_limit_days": "办理时限", "work_hours": "办理工时", "hard_share": "疑难诉求比例",
        "hard_extra_hours": "疑难额外工时", "urgency": "紧迫性",
    },
}

PARAMETER_LABEL_ZH: dict[str, str] = {
    f"{cls}.{field}": label for cls, fields in _LABEL_ZH.items() for field, label in fields.items()
}

_LABEL_EN: dict[str, dict[str, str]] = {
    "Scenario": {"name": "Name", "description": "Description", "departments": "Departments",
                 "categories": "Case categories"},
    "RunParams": {"days": "Simulated days"},
    "DistrictParams": {
        "streets": "Street offices", "communities_per_street": "Communities per street",
        "residents": "Residents", "street_hours_per_day": "Street coordination hours/day",
        "routing_hours": "Routing hours per case", "intake_hours": "Intake hours per case",
    },
    "PopulationParams": {
        "elderly_share": "Elderly share", "migrant_share": "Migrant share",
        "initial_satisfaction": "Initial satisfaction", "initial_trust": "Initial trust",
        "spread": "Initial spread", "participation_mean": "Mean participation",
        "migrant_participation": "Migrant participation factor",
        "urgency_spread": "Urgency spread", "patience_shape": "Patience shape",
        "patience_days": "Patience (days)",
    },
    "ResidentParams": {
        "report_base": "Base reporting chance", "report_trust_weight": "Trust effect on reporting",
        "report_urgency_weight": "Urgency effect on reporting",
        "hotline_share_local": "Hotline share, locals",
        "hotline_share_migrant": "Hotline share, migrants",
        "satisfaction_rate": "Satisfaction update weight", "trust_rate": "Trust update weight",
        "silent_penalty": "Loss from a silent need", "delay_penalty": "Delay penalty",
        "trip_penalty": "Trip penalty", "bounce_penalty": "Bounce penalty",
        "escalation_penalty": "Loss from escalating", "max_escalations": "Most escalations",
        "abandon_days": "Days before giving up",
        "satisfied_threshold": "Callback 'satisfied' threshold",
    },
    "DemandParams": {"rate_scale": "Demand scale", "shocks": "Demand surges"},
    "ShockParams": {"start_day": "Surge start day", "duration_days": "Surge duration",
                    "multiplier": "Surge multiplier", "categories": "Affected categories"},
    "DepartmentSpec": {"zh": "Chinese name", "hours_per_day": "Department hours/day",
                       "screening_hours": "Screening hours", "solve_prob": "Solving chance"},
    "CategorySpec": {
        "zh": "Chinese name", "rate": "Needs per resident-year",
        "elderly_multiplier": "Elderly multiplier", "migrant_multiplier": "Migrant multiplier",
        "departments": "Departments", "claimed_by": "Overlapping departments",
        "devolvable": "Devolvable", "admin_service": "Administrative service",
        "collective": "Collective dispute", "ngo_specialty": "NGO specialty",
        "time_limit_days": "Time limit", "work_hours": "Work hours",
        "hard_share": "Share of hard cases", "hard_extra_hours": "Extra hours, hard cases",
        "urgency": "Urgency",
    },
    "InformationParams": {
        "unified_platform": "Unified platform", "sharing_scope": "Data-sharing scope",
        "siloed_hop_fidelity": "Fidelity per hop, siloed",
        "unified_hop_fidelity": "Fidelity per hop, platform",
        "siloed_hop_delay_days": "Transit days per hop, siloed",
        "unified_hop_delay_days": "Transit days per hop, platform",
        "misroute_scale": "Misrouting scale",
        "overlap_misroute": "Misrouting from overlapping remits",
        "entry_hours": "Hours per duplicate entry", "clarify_factor": "Clarification factor",
        "blind_fix_share": "Right fix without information",
        "feedback_tolerance": "Tolerance with progress feedback",
    },
    "DevolutionParams": {
        "level": "Devolution level", "resources_follow": "Resources follow duties",
        "push_down_share": "Push-down share",
        "overlap_bounce_prob": "Bounce chance, overlapping remits",
        "unauthorised_solve_prob": "Settling without authority",
        "novice_settle_factor": "Novice settling factor",
        "committee_solve_prob": "Committee settling chance",
    },
    "AssessmentParams": {
        "process_weight": "Process indicator weight", "interval_days": "Assessment interval",
        "learning_rate": "Department adaptation rate",
        "initial_close_unsolved": "Initial closing unsolved",
        "ledger_hours_full": "Ledger hours at full process weight",
        "ledger_hours_floor": "Base ledger hours",
        "siloed_ledger_factor": "Ledger multiplier, siloed",
        "pressure_floor": "Closing unsolved, empty queue",
        "pressure_days": "Queue days at full pressure",
    },
    "WhistleParams": {
        "enabled": "Street whistle", "stuck_days": "Whistle after days stuck",
        "min_departments": "Whistle at departments needed",
        "response_deadline_days": "Report deadline",
        "coordination_hours": "Coordination hours per whistle",
        "joint_fidelity": "Fidelity of joint handling",
    },
    "OneStopParams": {
        "enabled": "One-stop hall", "level": "Hall level",
        "hall_hours_per_day": "Hall hours/day", "hall_work_factor": "Hall work factor",
        "missing_document_prob": "Missing-document chance",
        "platform_document_factor": "Missing documents on the platform",
        "max_extra_trips": "Most extra trips", "visit_days": "Days between trips",
    },
    "ProcurementParams": {
        "budget_per_1000_residents": "Budget per 1,000 residents",
        "cost_per_hour": "Price per service hour", "specialty_shares": "Budget by specialty",
        "initial_professionalism": "Initial professionalism",
        "cultivation_rate": "Cultivation rate", "max_queue_days": "Referral queue limit",
        "volume_learning": "Learning by doing",
    },
    "ConsultationParams": {
        "interval_days": "Meeting interval", "invited_share": "Residents invited",
        "transparency": "Transparency", "trust_gain": "Trust gain per meeting",
        "meeting_hours": "Hours per meeting", "settle_max": "Best settling chance",
        "attendance_half": "Half-saturation attendance",
        "trust_attendance_floor": "Attendance at zero trust",
        "admin_crowding": "Crowding out by paperwork",
        "max_wait_days": "Longest wait for a meeting", "volunteer_hours": "Volunteer hours",
    },
    "TalentParams": {
        "workers_per_committee": "Workers per committee", "hours_per_day": "Hours per day",
        "pay_index": "Pay index", "training_days": "Training days per year",
        "training_effect": "Training effect", "base_quit_rate": "Base quit rate",
        "stress_quit_factor": "Quitting multiplier at full stress",
        "pay_elasticity": "Pay elasticity", "hiring_delay_days": "Hiring delay",
        "learning_days": "Experience time scale", "novice_productivity": "Novice productivity",
        "initial_experience": "Initial experience", "working_days": "Working days per year",
        "newcomer_experience": "Newcomer experience", "stress_onset": "Load at stress onset",
        "stress_full": "Load at full stress",
        "stress_productivity_loss": "Productivity lost to stress",
        "stress_adaptation": "Stress adaptation rate", "wage_per_hour": "Staff cost per hour",
    },
    "ServiceParams": {"half_hours": "Service hours for half quality",
                      "rate": "Service effect rate"},
}

PARAMETER_LABEL_EN: dict[str, str] = {
    f"{cls}.{field}": label for cls, fields in _LABEL_EN.items() for field, label in fields.items()
}

UNIT_ZH: dict[str, str] = {
    "": "", "1/fidelity": "1/保真度", "bounces/case": "次/件", "cases": "件",
    "communities": "个社区", "day": "天", "days": "天", "days/year": "天/年",
    "departments": "个部门", "elasticity": "弹性", "entries/case": "次/件", "escalations": "次",
    "factor": "倍", "hours": "小时", "hours/day": "小时/天", "hours/resident-month": "小时/人·月",
    "index": "指数", "offices": "个街道", "per 1,000 cases": "每千件",
    "per 1,000/year": "每千人每年", "per bounce": "每次推诿", "per case": "每件",
    "per day": "每天", "per day/year": "每培训日/年", "per limit": "每个时限",
    "per meeting": "每次会议", "per month": "每月", "per resident-year": "件/人·年",
    "per round": "每轮", "per trip": "每趟", "per year": "每年", "positions": "个岗位",
    "probability": "概率", "ratio": "比值", "residents": "人", "shape": "形状参数",
    "share": "比例", "trips": "趟", "weight": "权重", "work/fidelity": "工作量/保真度",
    "workers": "人", "yuan": "元", "yuan/hour": "元/小时", "yuan/year": "元/年",
}


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be 'en' or 'zh', got {lang!r}")


def _lookup(table: dict[str, str], key: str, what: str, language: str = "Chinese") -> str:
    try:
        return table[key]
    except KeyError:
        message = f"no {language} {what} for '{key}': add it to model/translations.py"
        raise KeyError(message) from None


def text(key: str, lang: str) -> str:
    """The user-interface string ``key`` in ``lang`` ("en" or "zh").

    Raises:
        KeyError: For a key missing from the table, naming it and the table's file.
        ValueError: For a language other than "en" and "zh".
    """
    _check_lang(lang)
    entry = UI.get(key)
    if entry is None:
        raise KeyError(f"no dashboard text '{key}': add it to UI in model/translations.py")
    return entry[lang]


def outcome_label(name: str, lang: str) -> str:
    """The label of outcome ``name`` (declared in ``model/outcomes.py``) in ``lang``."""
    _check_lang(lang)
    outcome = OUTCOMES_BY_NAME.get(name)
    if outcome is None:
        raise KeyError(f"no outcome '{name}' (outcomes are declared in model/outcomes.py)")
    return outcome.zh if lang == "zh" else outcome.label


def unit_label(unit: str, lang: str) -> str:
    """A unit as declared in the schema or an outcome, in ``lang``."""
    _check_lang(lang)
    return _lookup(UNIT_ZH, unit, "unit") if lang == "zh" else unit


def _field(model_cls: type[BaseModel], field: str) -> str:
    if field not in model_cls.model_fields:
        raise KeyError(f"{model_cls.__name__} has no field '{field}'")
    return f"{model_cls.__name__}.{field}"


def parameter_label(model_cls: type[BaseModel], field: str, lang: str) -> str:
    """Short label of a schema field; in Chinese its ``param(zh=...)`` label or the table's.

    The description is the tooltip (:func:`parameter_help`).
    """
    _check_lang(lang)
    key = _field(model_cls, field)
    if lang == "en":
        return _lookup(PARAMETER_LABEL_EN, key, "label", "English")
    extra = model_cls.model_fields[field].json_schema_extra
    declared = extra.get("zh", "") if isinstance(extra, dict) else ""
    return str(declared) or _lookup(PARAMETER_LABEL_ZH, key, "label")


def parameter_help(model_cls: type[BaseModel], field: str, lang: str) -> str:
    """Tooltip of a schema field: its description, or the Chinese translation of it."""
    _check_lang(lang)
    key = _field(model_cls, field)
    if lang == "zh":
        return _lookup(PARAMETER_HELP_ZH, key, "tooltip")
    return model_cls.model_fields[field].description or ""


def group_class(group: str) -> type[BaseModel]:
    """The schema class of a parameter group of ``Scenario`` (departments: DepartmentSpec)."""
    info = Scenario.model_fields.get(group)
    annotation = info.annotation if info is not None else None
    if typing.get_origin(annotation) is dict:
        annotation = typing.get_args(annotation)[-1]
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        raise KeyError(f"'{group}' is not a parameter group of the scenario")
    return annotation


def group_label(group: str, lang: str) -> str:
    """Name of a parameter group ("whistle" -> "Street whistle, ..." / "街道吹哨、部门报到")."""
    return text(f"group_{group}", lang)


def group_help(group: str, lang: str) -> str:
    """Tooltip of a parameter group: its class docstring's first line, or the Chinese one."""
    _check_lang(lang)
    cls = group_class(group)
    if lang == "zh":
        return _lookup(GROUP_HELP_ZH, group, "group tooltip")
    return (cls.__doc__ or "").strip().splitlines()[0]


def choice_label(value: str, lang: str) -> str:
    """Label of a choice of a select (``one_stop.level``: "street", "community")."""
    return text(value, lang)
