"""Dated changes of settings within one run (``[[timeline]]``): reforms on their dates.

A scenario's timeline lists entries, each with a ``day`` of the run or a calendar ``date``
(``run.start_date`` is the date of day 1, the first day simulated) and the settings that change
then, as in ``--set``::

    [run]
    start_date = 2018-01-01

    [[timeline]]
    date = 2019-01-01
    label = "接诉即办"
    [timeline.set]
    "assessment.process_weight" = 0.2
    "information.unified_platform" = true

Entries apply in order of their day (entries of one day in the order listed), each on top of
the ones before. One of day 0 (or dated ``run.start_date``) is in force from the start; a later
one takes effect at the end of the day before it, so day ``d`` is the first day run under it.
Only settings that rules consult as the run goes may change (:data:`CHANGEABLE_GROUPS`, less
:data:`FIXED_AT_START`); the district, its data and what is set up at the start are refused with
the reason.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError, field_validator

from model.scenario.fields import Group, data_field, param
from model.scenario.references import DanglingReferenceError

if TYPE_CHECKING:
    from model.scenario.schema import Scenario

#: Groups whose rules are consulted as the run goes, so a change takes effect on its day.
CHANGEABLE_GROUPS = ("whistle", "information", "assessment", "channels", "residents",
                     "expectations", "services", "response", "policy")

#: Settings of those groups used only to set the run up, with why they cannot change later.
FIXED_AT_START = {
    "assessment.prior_score": "it sets what units expect of each option before their first "
                              "round, at the start",
    "channels.online_known": "it sets who knows the channel at the start",
    "channels.line_known": "it sets who knows the channel at the start",
    "channels.migrant_known_factor": "it sets who knows the channels at the start",
    "expectations.initial_result": "it sets residents' expectations at the start",
    "expectations.initial_time": "it sets residents' expectations at the start",
    "expectations.initial_treatment": "it sets residents' expectations at the start",
}


class TimelineEntry(Group):
    """One dated change: the day (or date) it takes effect and the settings it changes."""

    day: int = param(-1, "Day of the run the change takes effect (-1: given by date)",
                     ge=-1, le=3650, unit="day", role="context", label="Day",
                     zh="生效日", zh_help="变化生效的模拟日（-1 表示按日期）")
    date: str = data_field("Calendar date the change takes effect (YYYY-MM-DD; needs "
                           "run.start_date)", label="Date", zh="生效日期",
                           zh_help="变化生效的日历日期（YYYY-MM-DD；需设置 run.start_date）")
    label: str = data_field("What changes, in a few words (marked on the dashboard's series)",
                            label="Label", zh="名称",
                            zh_help="变化的简短名称（标在仪表板的序列上）")
    set: dict[str, Any] = data_field(
        "Settings that change, as dotted keys (as --set)", default_factory=dict,
        label="Settings", zh="变更的设置", zh_help="变更的设置，以点号分隔的键（同 --set）")

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        """A TOML date is kept as its ISO text (a scenario is written back as TOML)."""
        return value.isoformat() if isinstance(value, datetime.date) else value

    @field_validator("set", mode="before")
    @classmethod
    def _flat_keys(cls, value: Any) -> Any:
        """``[timeline.set] whistle.enabled = true`` (nested tables) as ``"whistle.enabled"``."""
        return _flatten(value) if isinstance(value, dict) else value


class Stage(NamedTuple):
    """The settings in force from ``day`` on, after the timeline entry ``label``."""

    day: int
    label: str
    scenario: Scenario


def parse_date(text: str, key: str) -> datetime.date:
    """``text`` as a date, or an error naming ``key`` and the form allowed."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DanglingReferenceError(
            key, f"'{text}' is not a date (allowed: YYYY-MM-DD, e.g. 2019-01-01)") from None


def entry_day(scenario: Scenario, index: int) -> int:
    """The day of the run timeline entry ``index`` takes effect."""
    entry = scenario.timeline[index]
    key = f"timeline.{index}"
    if (entry.day >= 0) == bool(entry.date):
        raise DanglingReferenceError(
            key, "give the day the change takes effect or its date, one of the two "
            f"(allowed: day = 0 to 3650, or date = YYYY-MM-DD), got day = {entry.day}, "
            f"date = '{entry.date}'")
    if entry.day >= 0:
        return entry.day
    if not scenario.run.start_date:
        raise DanglingReferenceError(
            f"{key}.date", "a dated change needs run.start_date, the date of day 1 "
            "(allowed: set run.start_date = YYYY-MM-DD, or give day instead)")
    day = date_day(scenario.run.start_date, parse_date(entry.date, f"{key}.date"))
    if not 0 <= day <= 3650:
        raise DanglingReferenceError(
            f"{key}.date", f"{entry.date} is day {day} of a run from run.start_date "
            f"{scenario.run.start_date} (allowed: that date to 3,649 days after it)")
    return day


def date_day(start_date: str, date: datetime.date) -> int:
    """The day of a run from ``start_date`` (day 1) that simulates ``date``.

    The start date itself gives 0: a change dated then is in force from the start.
    """
    day = simulated_day(start_date, date)
    return day if day > 1 else day - 1


def simulated_day(start_date: str, date: datetime.date) -> int:
    """The day of a run from ``start_date`` that simulates ``date`` (the start date is day 1)."""
    return (date - parse_date(start_date, "run.start_date")).days + 1


def _check_key(dotted: str, key: str) -> None:
    """Refuse a setting that cannot change during a run, saying why and what may."""
    group = dotted.split(".", 1)[0]
    if dotted in FIXED_AT_START:
        raise DanglingReferenceError(key, f"cannot change during a run: {FIXED_AT_START[dotted]}")
    if group not in CHANGEABLE_GROUPS or "." not in dotted:
        raise DanglingReferenceError(
            key, "cannot change during a run: the district, its data and what is set up at "
            f"the start are fixed (allowed: keys of {', '.join(CHANGEABLE_GROUPS)})")


def stages(scenario: Scenario) -> list[Stage]:
    """The settings in force after each timeline entry, in the order they take effect.

    Each stage's scenario has the entries up to it applied and no timeline of its own.

    Raises:
        DanglingReferenceError: For an entry without a day, a setting that cannot change during
            a run, or a value the scenario's schema refuses (naming ``timeline.N.set.KEY``).
    """
    from model.scenario.errors import _message
    from model.scenario.schema import Scenario

    if not scenario.timeline:
        return []
    days = [entry_day(scenario, i) for i in range(len(scenario.timeline))]
    data = scenario.model_dump()
    data["timeline"] = []
    result = []
    for index in sorted(range(len(days)), key=days.__getitem__):
        entry = scenario.timeline[index]
        prefix = f"timeline.{index}.set"
        for dotted, value in entry.set.items():
            _check_key(dotted, f"{prefix}.{dotted}")
            _assign(data, dotted, value, f"{prefix}.{dotted}")
        try:
            stage = Scenario.model_validate(data)
        except ValidationError as exc:
            key, message = _message(exc.errors(include_url=False)[0], Scenario)
            raise DanglingReferenceError(f"{prefix}.{key}", message) from None
        result.append(Stage(days[index], entry.label or f"timeline {index}", stage))
    return result


def _assign(data: dict[str, Any], dotted: str, value: Any, key: str) -> None:
    """Set ``data``'s value at a dotted key (the schema then checks name and value)."""
    *tables, name = dotted.split(".")
    for table in tables:
        inner = data.get(table)
        if not isinstance(inner, dict):
            raise DanglingReferenceError(key, f"'{table}' is a setting, not a group of settings")
        data = inner
    data[name] = value


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys; a value that is not a table is kept as it is."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
