"""The dashboard's controls, read from the scenario schema: policy levers and assumptions.

A control is one scalar parameter of the scenario catalogue (:mod:`model.scenario.parameters`):
a slider for a number, a switch for true/false, a select for a choice. The page shows the
policy levers (what a government can set) first and the behavioural assumptions under an
advanced panel; the district's context (its size and population) is the scenario's. Bounds,
slider steps, choices, units and sources come from the schema's ``param()`` declarations;
labels and tooltips from ``model/translations.py``. Nothing here repeats a default, a bound or
a choice, and changes go through the scenario loader, so a bad value is refused in its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from model import translations
from model.scenario import Scenario, load_scenario
from model.scenario.parameters import GROUPS, Parameter, nice_step, parameter, parameters

__all__ = ["LEVER_GROUPS", "Lever", "apply_levers", "assumptions", "current_values",
           "grouped_assumptions", "grouped_levers", "lever", "levers", "nice_step"]

#: The roles the dashboard offers as controls (the district's context is not one).
SHOWN_ROLES = ("lever", "assumption")


@dataclass(frozen=True)
class Lever(Parameter):
    """One control: a scenario parameter with its labels and tooltip in either language."""

    @classmethod
    def of(cls, found: Parameter) -> Lever:
        """The control for catalogue entry ``found``."""
        return cls(**{name: getattr(found, name) for name in Parameter.__dataclass_fields__})

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


@cache
def _controls() -> tuple[Lever, ...]:
    return tuple(Lever.of(found) for found in parameters(*SHOWN_ROLES))


def _grouped(role: str) -> dict[str, list[Lever]]:
    found = [lv for lv in _controls() if lv.role == role]
    groups = [group for group in GROUPS if any(lv.group == group for lv in found)]
    return {group: [lv for lv in found if lv.group == group] for group in groups}


#: The groups holding policy levers, in the schema's order.
LEVER_GROUPS: tuple[str, ...] = tuple(_grouped("lever"))


def levers() -> list[Lever]:
    """Every policy lever, groups and fields in schema order."""
    return [lv for lv in _controls() if lv.role == "lever"]


def assumptions() -> list[Lever]:
    """Every behavioural assumption, groups and fields in schema order."""
    return [lv for lv in _controls() if lv.role == "assumption"]


def grouped_levers() -> dict[str, list[Lever]]:
    """The policy levers of each group that has any, groups in schema order."""
    return _grouped("lever")


def grouped_assumptions() -> dict[str, list[Lever]]:
    """The behavioural assumptions of each group that has any, groups in schema order."""
    return _grouped("assumption")


def lever(key: str) -> Lever:
    """The control with dotted ``key`` ("whistle.stuck_days"), lever or assumption.

    Raises:
        KeyError: For a key that is not a control, with the closest one as a hint.
    """
    found = parameter(key)
    if found.role not in SHOWN_ROLES:
        raise KeyError(f"'{key}' is the district's context, not a dashboard control")
    return Lever.of(found)


def current_values(scenario: Scenario) -> dict[str, Any]:
    """Each control's value in ``scenario``, by dotted key."""
    return {lv.key: lv.value_in(scenario) for lv in _controls()}


def apply_levers(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with ``changes`` (dotted key -> value) applied and validated.

    Raises:
        ScenarioError: From the scenario loader, one line per bad key or value
            (``overrides: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)``).
    """
    return load_scenario(scenario, changes)
