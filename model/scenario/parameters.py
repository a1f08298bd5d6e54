"""The scalar parameters of a scenario as a catalogue: key, kind, bounds, choices, unit, role.

Read from the schema's :func:`~model.scenario.fields.param` declarations, never repeated. The
dashboard's controls, the EMA Workbench adapter (:mod:`model.ema`) and Mesa's ``batch_run`` and
SolaraViz helpers (:mod:`model.governance`) all build on this one list. A parameter's ``role``
says whether it is a policy lever, a behavioural assumption or the district's context.
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

from model.scenario.errors import ScenarioError
from model.scenario.fields import Role, info_bounds, info_role
from model.scenario.loader import API_SOURCE
from model.scenario.schema import Scenario

Kind = Literal["float", "int", "bool", "choice"]

#: The parameter groups of a scenario (tables of scalars), in the schema's order.
GROUPS: tuple[str, ...] = tuple(
    name for name, info in Scenario.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
)

SLIDER_POSITIONS = 100  # a derived float step splits the range into about this many steps


@dataclass(frozen=True)
class Parameter:
    """One scalar parameter of a scenario.

    ``low``/``high`` are the schema's inclusive bounds (None where it declares none) and
    ``step`` a slider step; all three are None for booleans and choices.
    """

    key: str
    group: str
    field: str
    group_class: type[BaseModel]
    kind: Kind
    role: Role
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

    @property
    def description(self) -> str:
        """The schema's one-line meaning of the parameter."""
        return self.group_class.model_fields[self.field].description or ""

    def value_in(self, scenario: Scenario) -> Any:
        """This parameter's value in ``scenario``."""
        return getattr(getattr(scenario, self.group), self.field)


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


def _parameter(group: str, cls: type[BaseModel], name: str, info: FieldInfo) -> Parameter | None:
    kind, role = _kind(info.annotation), info_role(info)
    if kind is None or role is None:
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
    return Parameter(f"{group}.{name}", group, name, cls, kind, role, low, high, step, choices,
                     str(extra.get("unit", "")), str(extra.get("source", "")))


@cache
def _catalogue() -> tuple[Parameter, ...]:
    found = []
    for group in GROUPS:
        cls = Scenario.model_fields[group].annotation
        for name, info in cls.model_fields.items():
            found.append(_parameter(group, cls, name, info))
    return tuple(p for p in found if p is not None)


def parameters(*roles: Role) -> list[Parameter]:
    """Every scalar parameter (of the given roles, if any), groups and fields in schema order.

    Departments, categories, demand shocks and tables such as
    ``procurement.specialty_shares`` are data, not scalars, and are left out.
    """
    return [p for p in _catalogue() if not roles or p.role in roles]


def parameter(key: str) -> Parameter:
    """The parameter with dotted ``key`` ("whistle.stuck_days").

    Raises:
        KeyError: Naming the key, with the closest known key as a hint.
    """
    for candidate in _catalogue():
        if candidate.key == key:
            return candidate
    close = difflib.get_close_matches(key, [p.key for p in _catalogue()], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise KeyError(f"no parameter '{key}'{hint}")


def identifier(key: str) -> str:
    """A Python-identifier name for dotted ``key``: ``devolution.level`` -> ``devolution__level``.

    Mesa's ``batch_run`` and SolaraViz pass parameters as keyword arguments and EMA Workbench
    wants identifiers; :func:`dotted_key` maps the name back.
    """
    return key.replace(".", "__")


@cache
def _short_names() -> dict[str, list[str]]:
    """Each field name of the catalogue and the dotted keys that carry it."""
    names: dict[str, list[str]] = {}
    for found in _catalogue():
        names.setdefault(found.field, []).append(found.key)
    return names


def dotted_key(name: str) -> str:
    """The dotted key a keyword name stands for.

    ``group__field`` is ``group.field`` (any depth:
    ``departments__police__hours_per_1000_residents``); a bare field name stands for the one
    parameter that has it (``residents`` is ``district.residents``). The scenario loader then
    checks the key and its value.

    Raises:
        ScenarioError: For a bare name that no parameter or several parameters have.
    """
    if "__" in name:
        return name.replace("__", ".")
    keys = _short_names().get(name)
    if keys is not None and len(keys) == 1:
        return keys[0]
    if keys:
        allowed = ", ".join(identifier(key) for key in keys)
        raise ScenarioError([f"{API_SOURCE}: {name}: names several parameters; say which "
                             f"(allowed: {allowed})"])
    known = sorted({*_short_names(), *(identifier(p.key) for p in _catalogue())})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ScenarioError([f"{API_SOURCE}: {name}: unknown parameter (allowed: group__field, "
                         f"such as devolution__level, or a field name only one group "
                         f"has){hint}"])


def flat_overrides(names: dict[str, Any]) -> dict[str, Any]:
    """Keyword overrides (``devolution__level=0.8``, ``residents=3000``) as dotted overrides.

    Raises:
        ScenarioError: One line per name that stands for no parameter or for several.
    """
    overrides, problems = {}, []
    for name, value in names.items():
        try:
            overrides[dotted_key(name)] = value
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return overrides
