"""The one translation table: every dashboard string in English and Chinese (中文).

Outcome labels live with the outcomes (``model/outcomes.py``) and each parameter's labels with
its schema field (``param()`` and ``data_field()`` in ``model/scenario``: a short English
label, a Chinese label and a Chinese tooltip); this module reads those and adds what is not a
parameter: the user interface strings, rule-group names and tooltips, and units.
Strings with ``{name}`` placeholders are filled by the caller with ``str.format``:
``text("day_n", lang).format(day=30)``.
"""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.outcomes import OUTCOMES_BY_NAME
from model.scenario.fields import info_label
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
    # how needs were voiced (the channel chart; "committee" and "hotline" as above)
    "how_voiced": ("How needs were voiced", "诉求反映渠道"),
    "online": ("12345 online", "12345网上"),
    "office": ("Street office visit", "街道来访"),
    "petition": ("Petition", "信访"),
    "line": ("Department line", "部门热线"),
    "service_visit": ("Service asked in person", "当面办事"),
    "silent": ("Left silent", "沉默未报"),
    # one community's residents and their ties (the neighbours chart)
    "neighbours": ("Neighbours who tell each other of their cases", "邻里口碑网络"),
    "community_shown": ("Community", "社区"),
    "last_channel": ("Channel used last", "上次使用的渠道"),
    "no_channel_yet": ("None yet", "尚未使用"),
    "tie_outside": ("Tie to another community", "跨社区联系"),
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
    "group_channels": ("Reporting channels", "反映渠道"),
    "group_network": ("Neighbours' network", "邻里网络"),
    "group_expectations": ("Expectations and judgement", "期望与评价"),
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
    "group_response": ("Response to surges", "应急动员"),
    "group_funds": ("Funds", "资金统筹"),
    "group_policy": ("Policy limits and themes", "政策边界与每月一题"),
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
    "channels": ("渠道选择：居民通过哪个渠道反映诉求，以及对各渠道的预期如何从亲身经历"
                 "和邻里口碑中形成（§3.2）。"),
    "network": "邻里网络：居民向谁讲述自己的诉求经历（社区内的小世界网络）。",
    "expectations": ("期望与评价：居民以办理结果、时效和办事体验对照自己的期望评价每件诉求；"
                     "期望来自亲身经历、邻里口碑和公开信息。"),
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
    "response": "应急动员：积压单位获得部门间调配、干部下沉和志愿者支援（§1 韧性、§4.1、§6.3）。",
    "policy": "政策边界：现行政策使部分诉求超出所有单位的职权范围；每月一题为其中最集中的"
              "类别修改政策（§4.2 有责无权）。",
    "funds": "资金：社区事务项目资金按月拨付、办事支出、年终未用部分收回；"
             "由各部门分别管理或统筹使用（§4.2 单独管理和核算、§6.3 资源统筹平台）。",
}

UNIT_ZH: dict[str, str] = {
    "": "", "applicants/year": "人/年", "bounces/case": "次/件", "cases": "件",
    "categories/month": "类/月",
    "communities": "个社区", "day": "天", "days": "天", "days/year": "天/年",
    "departments": "个部门", "elasticity": "弹性", "entries/case": "次/件", "escalations": "次",
    "factor": "倍", "hours": "小时", "hours/day": "小时/天", "hours/month": "小时/月",
    "hours/day per 1,000 residents": "小时/天·每千人", "hours/resident-month": "小时/人·月",
    "index": "指数", "log": "对数", "offers/year": "次/年", "per 1,000 cases": "每千件",
    "per 1,000/year": "每千人每年", "per bounce": "每次推诿", "per case": "每件",
    "per day": "每天", "per day/year": "每培训日/年", "per hour": "每小时", "per limit": "每个时限",
    "per meeting": "每次会议", "per month": "每月", "per resident-year": "件/人·年",
    "per round": "每轮", "per trip": "每趟", "per value": "每单位价值", "per year": "每年",
    "positions": "个岗位",
    "probability": "概率", "ratio": "比值", "refusals": "次", "residents": "人", "rounds": "轮",
    "shape": "形状参数", "value": "价值",
    "score": "分", "score/hour": "分/小时", "share": "比例", "tasks/day": "件/天", "trips": "趟",
    "weight": "权重",
    "workers": "人", "yuan": "元", "yuan/case": "元/件", "yuan/hour": "元/小时",
    "yuan/year": "元/年",
}


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be 'en' or 'zh', got {lang!r}")


def _lookup(table: dict[str, str], key: str, what: str) -> str:
    try:
        return table[key]
    except KeyError:
        message = f"no Chinese {what} for '{key}': add it to model/translations.py"
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


def _info(model_cls: type[BaseModel], field: str) -> FieldInfo:
    info = model_cls.model_fields.get(field)
    if info is None:
        raise KeyError(f"{model_cls.__name__} has no field '{field}'")
    return info


def _declared(model_cls: type[BaseModel], field: str, key: str) -> str:
    """A label the schema declares on ``model_cls.field`` (``"label"``, ``"zh"``, ``"zh_help"``)."""
    declared = info_label(_info(model_cls, field), key)
    if not declared:
        raise KeyError(f"{model_cls.__name__}.{field} declares no {key}: declare the field with "
                       "param() or data_field() (model/scenario/fields.py)")
    return declared


def parameter_label(model_cls: type[BaseModel], field: str, lang: str) -> str:
    """Short label of a schema field: its ``label`` or, in Chinese, its ``zh``.

    The description is the tooltip (:func:`parameter_help`).
    """
    _check_lang(lang)
    return _declared(model_cls, field, "zh" if lang == "zh" else "label")


def parameter_help(model_cls: type[BaseModel], field: str, lang: str) -> str:
    """Tooltip of a schema field: its description, or in Chinese its ``zh_help``."""
    _check_lang(lang)
    if lang == "zh":
        return _declared(model_cls, field, "zh_help")
    return _info(model_cls, field).description or ""


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
