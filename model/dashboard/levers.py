"""The dashboard's policy levers, read from the scenario schema.

A lever is one scalar field of a policy rule group (``model/scenario/rule_groups.py``): a
slider for a number, a switch for true/false, a select for a choice. Bounds, slider steps,
choices, units and sources come from the schema's ``param()`` declarations; labels and
tooltips from ``model/translations.py``. Nothing here repeats a default, a bound or a choice,
and changes go through the scenario loader, so a bad value is refused in its words.
"""

from __future__ import annotations

import difflib
import math
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model import translations
from model.scenario import Scenario, load_scenario, rule_groups
from model.scenario.fields import info_bounds

Kind = Literal["float", "int", "bool", "choice"]

#: The rule groups shown as levers, in the schema's order (the district is not a lever).
LEVER_GROUPS: tuple[str, ...] = tuple(
    name for name, info in Scenario.model_fields.items()
    if getattr(info.annotation, "__module__", None) == rule_groups.__name__
)

SLIDER_POSITIONS = 100  # a derived float step splits the range into about this many steps


@dataclass(frozen=True)
class Lever:
    """One control: a scalar field of a rule group, with what a widget needs to show it.

    ``low``/``high`` are the schema's inclusive bounds (None where it declares none) and
    ``step`` the slider step; all three are None for switches and selects.
    """

    key: str
    group: str
    field: str
    group_class: type[BaseModel]
    kind: Kind
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""
    source: str = ""

    @property
    def bounded(self) -> bool:
        """Whether the schema gives both bounds (a slider); otherwise a number field."""
        return self.low is not None and self.high is not None

    def label(self, lang: str) -> str:
        """Short name of the lever in ``lang`` ("en" or "zh")."""
        return translations.parameter_label(self.group_class, self.field, lang)

    def help(self, lang: str) -> str:
        """Tooltip: the schema's description, or its Chinese translation."""
        return translations.parameter_help(self.group_class, self.field, lang)

    def unit_label(self, lang: str) -> str:
        """The unit in ``lang`` ("" where the parameter has none)."""
        return translations.unit_label(self.unit, lang)

    def choice_label(self, value: str, lang: str) -> str:
        """Label of one of ``choices`` in ``lang``."""
        return translations.choice_label(value, lang)


def nice_step(low: float, high: float) -> float:
    """A step of 1, 2 or 5 x 10^k splitting ``[low, high]`` into about 100 positions."""
    raw = (high - low) / SLIDER_POSITIONS
    if raw <= 0:
        return 1.0
    exponent = math.floor(math.log10(raw))
    candidates = [float(f"{m}e{exponent + shift}") for shift in (0, 1) for m in (1, 2, 5)]
    return min(candidates, key=lambda step: abs(math.log(step / raw)))


def _kind(annotation: Any) -> Kind | None:
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if typing.get_origin(annotation) is Literal:
        return "choice"
    return None


def _lever(group: str, cls: type[BaseModel], name: str, info: FieldInfo) -> Lever | None:
    kind = _kind(info.annotation)
    if kind is None:
        return None
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    low = high = step = None
    if kind in ("int", "float"):
        low, high = info_bounds(info)
        step = extra.get("step")
        if step is None and kind == "int":
            step = 1
        elif step is None and low is not None and high is not None:
            step = nice_step(low, high)
    choices = tuple(typing.get_args(info.annotation)) if kind == "choice" else ()
    return Lever(f"{group}.{name}", group, name, cls, kind, low, high, step, choices,
                 str(extra.get("unit", "")), str(extra.get("source", "")))


@cache
def _all_levers() -> tuple[Lever, ...]:
    found = []
    for group in LEVER_GROUPS:
        cls = Scenario.model_fields[group].annotation
        for name, info in cls.model_fields.items():
            lever = _lever(group, cls, name, info)
            if lever is not None:
                found.append(lever)
    return tuple(found)


def levers() -> list[Lever]:
    """Every lever, by rule group in ``LEVER_GROUPS`` order, fields in schema order.

    Fields that are not scalars (``procurement.specialty_shares``) are left out.
    """
    return list(_all_levers())


def grouped_levers() -> dict[str, list[Lever]]:
    """The levers of each rule group, groups in ``LEVER_GROUPS`` order."""
    return {group: [lv for lv in _all_levers() if lv.group == group] for group in LEVER_GROUPS}


def lever(key: str) -> Lever:
    """The lever with dotted ``key`` ("whistle.stuck_days")."""
    for candidate in _all_levers():
        if candidate.key == key:
            return candidate
    close = difflib.get_close_matches(key, [lv.key for lv in _all_levers()], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise KeyError(f"no lever '{key}'{hint}")


def current_values(scenario: Scenario) -> dict[str, Any]:
    """Each lever's value in ``scenario``, by dotted key."""
    return {lv.key: getattr(getattr(scenario, lv.group), lv.field) for lv in _all_levers()}


def apply_levers(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with ``changes`` (dotted key -> value) applied and validated.

    Raises:
        ScenarioError: From the scenario loader, one line per bad key or value
            (``--set: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)``).
    """
    return load_scenario(scenario, changes)
