"""Checking an experiment's overrides and factors against the scenario schema.

A factor names a scalar scenario parameter by dotted key; its values (or the whole numbers or
both ends of its range) are applied to every scenario of the experiment and validated there,
so a bad factor is refused in the same words as a bad scenario file, addressed to the spec's
own key. Entries of ``set`` and ``factors`` are checked here before the spec schema sees them,
so each bad entry is one line, not one line per type the schema would have accepted.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.errors import describe_validation_error, model_at, renamed_key
from model.scenario.loader import API_SOURCE

if TYPE_CHECKING:
    from model.experiment.spec import BaseScenario, ExperimentSpec, Factor

SCALARS = (bool, int, float, str)
SCALAR_WORDS = "a number, true or false, or a string"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"a list {value!r}"
    return repr(value)


def entry_problems(data: dict[str, Any], source: str, range_model: type[BaseModel]) -> list[str]:
    """One line per bad entry of the spec's ``set`` and ``factors`` tables."""
    problems = []
    overrides = data.get("set")
    for key, value in overrides.items() if isinstance(overrides, dict) else ():
        if not isinstance(value, SCALARS):
            problems.append(f"{source}: set.{key}: expected {SCALAR_WORDS}, got {_shown(value)}")
    factors = data.get("factors")
    for key, value in factors.items() if isinstance(factors, dict) else ():
        if isinstance(value, dict):
            problems += _range_problems(value, f"factors.{key}", source, range_model)
        elif isinstance(value, list):
            bad = [item for item in value if not isinstance(item, SCALARS)]
            if bad:
                problems.append(f"{source}: factors.{key}: values must each be {SCALAR_WORDS}, "
                                f"got {_shown(bad[0])}")
        else:
            problems.append(f"{source}: factors.{key}: expected a list of values or a range "
                            f"{{low = ..., high = ...}}, got {_shown(value)}")
    return problems


def _range_problems(
    value: dict[str, Any], where: str, source: str, range_model: type[BaseModel]
) -> list[str]:
    try:
        range_model.model_validate(value)
    except ValidationError as exc:
        lines = describe_validation_error(exc, {}, source, range_model)
        return [line.replace(f"{source}: ", f"{source}: {where}.", 1) for line in lines]
    return []


def as_spec_problem(line: str, source: str, where: str, key_table: str) -> str:
    """Re-address a scenario problem raised by an override to the spec's own key."""
    prefix = f"{API_SOURCE}: "
    if line.startswith(prefix):
        return f"{source}: {key_table}.{line[len(prefix):]}"
    return f"{source}: {where}: {line}"


def check_factors(
    spec: ExperimentSpec, scenarios: list[BaseScenario], source: str, problems: list[str]
) -> list[Factor]:
    """Check each factor's key and values against the schema; return the typed factors."""
    factors = []
    known = scalar_keys(scenarios[0].scenario)
    for key, given in spec.factors.items():
        annotation = known.get(key)
        if annotation is None:
            problems.append(f"{source}: factors.{key}: {_not_a_parameter(key, known)}")
            continue
        factor = _typed_factor(key, given, annotation, source, problems)
        if factor is not None:
            _check_values(factor, scenarios, source, problems)
            factors.append(factor)
    return factors


def _not_a_parameter(key: str, known: dict[str, Any]) -> str:
    """Why ``key`` is no factor: the key that replaced it, or the closest parameter."""
    owner, _ = model_at(Scenario, tuple(key.split(".")))
    renamed = renamed_key(owner, key)
    if renamed is not None:
        return renamed
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"not a scenario parameter (see 'cogov schema' or docs/parameters.md){hint}"


def _typed_factor(
    key: str, given: Any, annotation: Any, source: str, problems: list[str]
) -> Factor | None:
    """The factor with values cast to the parameter's type (ints to floats for float keys)."""
    from model.experiment.spec import Factor

    if not isinstance(given, list):
        if annotation not in (int, float):
            problems.append(f"{source}: factors.{key}: a range needs a numeric parameter "
                            f"({key} is {_type_word(annotation)}); list its values on a grid")
            return None
        if annotation is int and math.ceil(given.low) > math.floor(given.high):
            problems.append(f"{source}: factors.{key}: no whole number between low = "
                            f"{given.low:g} and high = {given.high:g} ({key} is a whole number)")
            return None
        return Factor(key, low=given.low, high=given.high, integer=annotation is int,
                      group=given.group)
    values = tuple(float(v) if annotation is float and type(v) is int else v for v in given)
    if len(set(map(repr, values))) < len(values):
        problems.append(f"{source}: factors.{key}: repeated values {list(values)}")
        return None
    return Factor(key, values=values)


def _check_values(
    factor: Factor, scenarios: list[BaseScenario], source: str, problems: list[str]
) -> None:
    """Apply each value (or the ends of the range) to every scenario; report what fails."""
    values = factor.values or (factor.low, factor.high)
    if factor.integer:
        values = (math.ceil(factor.low), math.floor(factor.high))
    seen = set()
    for value in values:
        for base in scenarios:
            try:
                load_scenario(base.scenario, {factor.key: value})
            except ScenarioError as exc:
                for line in exc.problems:
                    text = as_spec_problem(line, source, f"factors.{factor.key}", "factors")
                    if text not in seen:
                        seen.add(text)
                        problems.append(text)


def _type_word(annotation: Any) -> str:
    if annotation is bool:
        return "true or false"
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(map(repr, typing.get_args(annotation)))
    return getattr(annotation, "__name__", str(annotation))


def _scalar(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return False
    return annotation in SCALARS or typing.get_origin(annotation) is Literal


def scalar_keys(scenario: Scenario) -> dict[str, Any]:
    """Every scalar parameter of ``scenario`` by dotted key, with its type annotation.

    Departments and categories are expanded by the names this scenario defines
    (``departments.housing.hours_per_1000_residents``). Names and descriptions are left out.
    """
    keys: dict[str, Any] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                walk(value, f"{prefix}{name}.")
            elif isinstance(value, dict) and all(isinstance(v, BaseModel) for v in value.values()):
                for item, child in value.items():
                    walk(child, f"{prefix}{name}.{item}.")
            elif _scalar(info.annotation) and f"{prefix}{name}" not in ("name", "description"):
                keys[f"{prefix}{name}"] = info.annotation

    walk(scenario, "")
    return keys
