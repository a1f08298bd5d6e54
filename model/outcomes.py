"""Outcomes, declared once: name, English and Chinese label, unit, which way is better.

The same declarations feed the Mesa DataCollector (daily series), the run summary
(``simulate`` and ``cogov run --json``), the comparison table and the dashboard. Each outcome
also names the headline groups it belongs to (:data:`HEADLINE_GROUPS`); :func:`headline` lists a
group in declaration order, so the order of :data:`OUTCOMES` is the order of every headline table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

import mesa

from model.cases import HOTLINE_CHANNELS, Channel, Level

if TYPE_CHECKING:
    from model.governance import GovernanceModel

Better = Literal["higher", "lower", "neither"]

#: The headline groups an outcome may belong to, and what each one is for.
HEADLINE_GROUPS: dict[str, str] = {
    "table": "rows of the comparison table (cogov compare) and experiments' default outcomes",
    "plot": "panels of the comparison figure (compare.png)",
    "daily": "the sweep report's daily series charts, drawn before any other daily outcome",
    "sequence": "outcomes calibration records along the reform sequence, besides its targets",
    "reform": "columns of the paper's reform table (docs/paper.md, table.reforms)",
    "kpi": "the dashboard's KPI cards",
    "series": "the dashboard's daily charts, single and compare mode",
}
_ALLOWED = ", ".join(HEADLINE_GROUPS)


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run."""

    name: str
    label: str
    zh: str
    unit: str
    better: Better
    compute: Callable[[GovernanceModel], float | None]
    daily: bool = True
    headlines: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        """Refuse a headline group that is not one of :data:`HEADLINE_GROUPS`."""
        unknown = sorted(set(self.headlines) - HEADLINE_GROUPS.keys())
        if unknown:
            raise ValueError(f"outcome {self.name!r}: unknown headline group(s) "
                             f"{', '.join(map(repr, unknown))} (allowed: {_ALLOWED})")


def _in(*groups: str) -> frozenset[str]:
    """The headline groups of one outcome declaration."""
    return frozenset(groups)


def _ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``; None (undefined, not zero) when nothing is counted yet."""
    return numerator / denominator if denominator else None


def _per_thousand(numerator: float, denominator: float) -> float | None:
    share = _ratio(numerator, denominator)
    return None if share is None else 1000 * share


def _years(m: GovernanceModel) -> float:
    return max(m.day, 1) / 365.0


def _recovery_days(m: GovernanceModel) -> float | None:
    """Days after a shock ends until the backlog is back near its pre-shock level.

    The pre-shock level is the mean backlog over the 14 days before the shock, plus 10%
    (and at least 5 cases) of tolerance. A run that ends first reports the days observed
    (a lower bound). None without a shock, or before the shock has ended.
    """
    window = m.demand.shock_window()
    if window is None:
        return None
    start, end = window
    history = m.backlog_history
    if len(history) < end or start < 1:
        return None
    before = history[max(0, start - 15):start - 1] or history[:1]
    level = sum(before) / len(before)
    threshold = max(level * 1.1, level + 5)
    for day in range(end, len(history) + 1):
        if history[day - 1] <= threshold:
            return float(day - end)
    return float(len(history) - end)


def _paperwork_share(m: GovernanceModel) -> float | None:
    worked = sum(c.hours_worked for c in m.committees)
    return _ratio(sum(c.paperwork_hours for c in m.committees), worked)


def _turnover(m: GovernanceModel) -> float | None:
    share = _ratio(sum(c.quits for c in m.committees), m.positions())
    return None if share is None else share / _years(m)


def _channel_share(m: GovernanceModel, channels: frozenset[Channel]) -> float | None:
    """Share of chosen-channel reports that went by ``channels``.

    Administrative services, asked for where they are given, are not counted.
    """
    counts = m.tally.reports_by_channel
    return _ratio(sum(counts[c] for c in channels), sum(counts.values()))


def _hotline_questions(m: GovernanceModel) -> int:
    """Information requests 12345 answered (by phone and online)."""
    return sum(m.tally.questions_by_channel[c] for c in HOTLINE_CHANNELS)


def _hotline_volume(m: GovernanceModel) -> int:
    """What 12345 received: requests dispatched and information requests answered."""
    return m.tally.hotline_reports + _hotline_questions(m)


#: The channel-share outcomes: name, English and Chinese label, the channels each counts.
_CHANNEL_OUTCOMES: tuple[tuple[str, str, str, frozenset[Channel]], ...] = (
    ("committee", "residents' committee", "居委会", frozenset({Channel.COMMITTEE})),
    ("hotline", "12345 (phone and online)", "12345（电话和网上）", HOTLINE_CHANNELS),
    ("online", "online", "网上", frozenset({Channel.ONLINE})),
    ("office", "street office in person", "街道来访", frozenset({Channel.OFFICE})),
    ("petition", "petition", "信访", frozenset({Channel.PETITION})),
    ("line", "departments' own lines", "部门热线", frozenset({Channel.LINE})),
)

#: Each channel-share outcome's name and the channels it counts.
CHANNEL_SHARES: dict[str, frozenset[Channel]] = {
    f"{name}_share": channels for name, _, _, channels in _CHANNEL_OUTCOMES}


# Declaration order is the order of every headline group (see :func:`headline`), so it is the
# row order of the comparison table and the column order of the paper's reform table.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome("cases_raised", "Needs raised", "产生诉求数", "cases", "neither",
            lambda m: m.tally.raised),
    Outcome("needs_prevented", "Needs prevented by agreements", "协议化解的诉求数", "cases",
            "neither", lambda m: m.tally.prevented),
    Outcome("cases_reported", "Needs reported", "上报诉求数", "cases", "neither",
            lambda m: m.tally.reported, headlines=_in("sequence")),
    Outcome("hotline_requests_per_resident", "Hotline requests per resident per year",
            "人均年热线诉求量", "per resident-year", "neither",
            lambda m: m.tally.hotline_reports / m.population.size / _years(m),
            headlines=_in("sequence")),
    Outcome("hotline_volume_per_resident", "12345 volume per resident per year",
            "人均年12345受理量", "per resident-year", "neither",
            lambda m: _hotline_volume(m) / m.population.size / _years(m),
            headlines=_in("sequence")),
    Outcome("information_share", "Share of information requests in 12345's volume",
            "12345咨询占比", "share", "neither",
            lambda m: _ratio(_hotline_questions(m), _hotline_volume(m)),
            headlines=_in("sequence")),
    *(Outcome(f"{name}_share", f"Channel share: {label}", f"渠道占比：{zh}", "share", "neither",
              partial(_channel_share, channels=channels))
      for name, label, zh, channels in _CHANNEL_OUTCOMES),
    Outcome("silent_share", "Share of needs left silent", "沉默需求比例", "share", "lower",
            lambda m: _ratio(m.tally.silent, m.tally.raised)),
    Outcome("resolved_share", "Share really resolved", "实际解决率", "share", "higher",
            lambda m: _ratio(m.tally.resolved, m.tally.reported),
            headlines=_in("table", "plot", "daily", "sequence", "reform", "kpi", "series")),
    Outcome("within_limit_share", "Share resolved within time limit", "按时解决率", "share",
            "higher", lambda m: _ratio(m.tally.within_limit, m.tally.reported),
            headlines=_in("table", "kpi")),
    Outcome("mean_days_to_resolve", "Mean days to resolve", "平均解决天数", "days", "lower",
            lambda m: m.tally.mean_days(),
            headlines=_in("table", "plot", "daily", "reform", "kpi", "series")),
    Outcome("p90_days_to_resolve", "90th percentile days to resolve", "解决天数P90", "days",
            "lower", lambda m: m.tally.quantile_days(0.9)),
    Outcome("multi_department_days", "Mean days, multi-department cases", "多部门诉求解决天数",
            "days", "lower", lambda m: _ratio(m.tally.multi_days, m.tally.multi_resolved),
            headlines=_in("table")),
    Outcome("community_settled_share", "Share settled in the community", "社区化解比例",
            "share", "higher", lambda m: m.tally.settled_share(Level.COMMUNITY),
            headlines=_in("table")),
    Outcome("street_settled_share", "Share settled at the street", "街道化解比例", "share",
            "higher", lambda m: m.tally.settled_share(Level.STREET)),
    Outcome("department_settled_share", "Share settled by departments", "部门解决比例", "share",
            "neither", lambda m: m.tally.settled_share(Level.DEPARTMENT)),
    Outcome("ngo_settled_share", "Share settled by NGOs", "社会组织解决比例", "share", "higher",
            lambda m: m.tally.settled_share(Level.NGO)),
    Outcome("bounces_per_case", "Bounces per reported case", "推诿次数/件", "bounces/case",
            "lower", lambda m: _ratio(m.tally.bounces, m.tally.reported),
            headlines=_in("table", "plot")),
    Outcome("misroute_share", "Share of routings misrouted", "误派比例", "share", "lower",
            lambda m: _ratio(m.tally.misroutes, m.tally.routings), headlines=_in("table")),
    Outcome("gap_resolved_share", "Share resolved, cases no remit covers",
            "职责真空诉求解决率", "share", "higher",
            lambda m: m.tally.share_of(m.tally.resolved_by_category, m.gap_categories)),
    Outcome("gap_bounces_per_case", "Bounces per case no remit covers", "职责真空诉求推诿次数/件",
            "bounces/case", "lower",
            lambda m: m.tally.share_of(m.tally.bounces_by_category, m.gap_categories)),
    Outcome("escalations_per_1000_residents", "Escalations per 1,000 residents per year",
            "每千人年投诉升级数", "per 1,000/year", "lower",
            lambda m: m.tally.escalations * 1000 / m.population.size / _years(m)),
    Outcome("dispute_escalations_per_1000_residents",
            "Escalations of collective disputes per 1,000 residents per year",
            "每千人年集体纠纷投诉升级数", "per 1,000/year", "lower",
            lambda m: (sum(m.tally.escalations_by_category[c] for c in m.collective_categories)
                       * 1000 / m.population.size / _years(m))),
    Outcome("duplicate_entries_per_case", "Duplicate data entries per case", "重复录入次数/件",
            "entries/case", "lower", lambda m: _ratio(m.tally.duplicate_entries, m.tally.reported),
            headlines=_in("table")),
    Outcome("trips_per_admin_case", "Trips per administrative case", "办事跑腿次数", "trips",
            "lower", lambda m: _ratio(m.tally.admin_trips, m.tally.admin_closed),
            headlines=_in("table")),
    Outcome("admin_case_satisfaction", "Satisfaction with administrative cases",
            "行政事项满意度", "index", "higher",
            lambda m: _ratio(m.tally.admin_score, m.tally.admin_closed)),
    Outcome("cost_per_resolved_case", "Cost per resolved case", "每件解决成本", "yuan", "lower",
            lambda m: _ratio(m.tally.cost, m.tally.resolved), headlines=_in("table", "plot")),
    Outcome("unfunded_fix_share", "Fixes left undone for want of money", "因缺资金未办诉求比例",
            "share", "lower", lambda m: _ratio(m.tally.unfunded_fixes, m.tally.reported)),
    Outcome("unspent_funds_share", "Project funds released but not spent", "项目资金闲置比例",
            "share", "lower", lambda m: _ratio(m.treasury.unspent(), m.treasury.released)),
    Outcome("whistles_per_1000_cases", "Whistles per 1,000 reported cases", "每千件吹哨次数",
            "per 1,000 cases", "neither",
            lambda m: _per_thousand(m.tally.whistles, m.tally.reported)),
    Outcome("mean_satisfaction", "Mean resident satisfaction", "居民平均满意度", "index",
            "higher", lambda m: m.population.mean_satisfaction,
            headlines=_in("table", "plot", "daily", "sequence", "reform", "kpi", "series")),
    Outcome("callback_resolution", "Share of 12345 requests resolved (callback)",
            "12345回访解决率", "share", "higher",
            lambda m: _ratio(m.tally.callbacks_resolved, m.tally.callbacks),
            headlines=_in("sequence")),
    Outcome("callback_satisfaction", "Share of 12345 requests satisfied (callback)",
            "12345回访满意率", "share", "higher",
            lambda m: _ratio(m.tally.callbacks_satisfied, m.tally.callbacks),
            headlines=_in("sequence")),
    Outcome("expectation_gap", "Cases' experience minus residents' expectations",
            "体验与期望之差", "index", "neither",
            lambda m: _ratio(m.tally.disconfirmation, m.tally.judged),
            headlines=_in("table", "kpi", "series")),
    Outcome("expected_resolution", "Chance of a solution residents expect", "居民对解决的期望",
            "share", "neither", lambda m: m.population.mean_expected_result(), daily=False),
    Outcome("mean_trust", "Mean trust in government", "政府信任度", "index", "higher",
            lambda m: m.population.mean_trust,
            headlines=_in("table", "plot", "daily", "sequence", "reform", "kpi", "series")),
    Outcome("satisfaction_elderly", "Satisfaction of the elderly", "老年人满意度", "index",
            "higher", lambda m: m.population.satisfaction_elderly, headlines=_in("table")),
    Outcome("satisfaction_migrant", "Satisfaction of migrants", "流动人口满意度", "index",
            "higher", lambda m: m.population.satisfaction_migrant, headlines=_in("table")),
    Outcome("elderly_satisfaction_gap", "Satisfaction gap: residents under 60 minus the elderly",
            "老年人满意度差距", "index", "lower",
            lambda m: m.population.satisfaction_not_elderly - m.population.satisfaction_elderly),
    Outcome("participation_rate", "Residents attending consultation (past year)", "居民参与率",
            "share", "higher", lambda m: m.population.participation_rate(m.day), daily=False,
            headlines=_in("table")),
    Outcome("attendance_rate", "Share of invited residents who attend consultation",
            "受邀居民出席率", "share", "higher",
            lambda m: _ratio(m.tally.attendances, m.tally.meeting_invitations)),
    Outcome("worker_turnover_rate", "Community worker turnover per year", "社工年流失率",
            "per year", "lower", _turnover, headlines=_in("table", "kpi")),
    Outcome("mean_worker_stress", "Mean worker stress (time average)", "社工平均压力", "index",
            "lower", lambda m: m.stress_sum / max(m.day, 1), headlines=_in("table")),
    Outcome("vacancies", "Vacant worker positions (time average)", "社工平均空缺数", "positions",
            "lower", lambda m: m.vacancy_sum / max(m.day, 1)),
    Outcome("backlog_end", "Open cases (backlog)", "积压诉求数", "cases", "lower",
            lambda m: m.tally.open, headlines=_in("table", "daily")),
    # What process assessment costs and what it is told: ledger paperwork and the reported
    # closure rate. Declared after trust and the backlog because the paper's reform table shows
    # them after trust and the report's daily charts show paperwork after the backlog.
    Outcome("paperwork_share", "Committee time on paperwork", "台账工作占比", "share", "lower",
            _paperwork_share, headlines=_in("table", "daily", "reform", "kpi")),
    Outcome("reported_closure_rate", "Closure rate reported (on time)",
            "上报按时办结率", "share", "neither",
            lambda m: _ratio(m.tally.closed_within_limit, m.tally.reported),
            headlines=_in("table", "reform", "kpi")),
    Outcome("recovery_days", "Days to recover from a shock", "冲击后恢复天数", "days", "lower",
            _recovery_days, daily=False),
)

OUTCOMES_BY_NAME = {outcome.name: outcome for outcome in OUTCOMES}
DAILY_OUTCOMES = tuple(o.name for o in OUTCOMES if o.daily)


def _headline_members() -> dict[str, tuple[str, ...]]:
    """Each headline group's outcome names in declaration order, refusing an empty group."""
    members = {group: tuple(o.name for o in OUTCOMES if group in o.headlines)
               for group in HEADLINE_GROUPS}
    # A group no outcome belongs to would leave its table or charts silently empty.
    if empty := [group for group, names in members.items() if not names]:
        raise ValueError(f"headline group(s) {', '.join(empty)}: no outcome belongs to them")
    return members


_HEADLINES = _headline_members()


def headline(group: str) -> tuple[str, ...]:
    """Names of the outcomes in headline ``group`` (:data:`HEADLINE_GROUPS`), declaration order."""
    if group not in _HEADLINES:
        raise ValueError(f"unknown headline group {group!r} (allowed: {_ALLOWED})")
    return _HEADLINES[group]


def outcome_value(name: str, model: GovernanceModel) -> float | None:
    """Value of outcome ``name`` for ``model`` as it stands now."""
    value = OUTCOMES_BY_NAME[name].compute(model)
    return None if value is None else float(value)


def summarize(model: GovernanceModel) -> dict[str, float | None]:
    """Every outcome of ``model`` as it stands now, by name."""
    return {outcome.name: outcome_value(outcome.name, model) for outcome in OUTCOMES}


def build_datacollector() -> mesa.DataCollector:
    """A DataCollector recording every daily outcome (picklable reporters)."""
    reporters = {name: partial(outcome_value, name) for name in DAILY_OUTCOMES}
    return mesa.DataCollector(model_reporters=reporters)
