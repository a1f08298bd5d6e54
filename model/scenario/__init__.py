"""Scenarios: the parameter schema, TOML loading with ``extends``, and clear errors."""

from model.scenario.errors import ScenarioError
from model.scenario.loader import (
    bundled_dir,
    bundled_names,
    load_scenario,
    load_scenario_text,
    parse_override,
)
from model.scenario.schema import CategorySpec, DepartmentSpec, Scenario

__all__ = [
    "CategorySpec",
    "DepartmentSpec",
    "Scenario",
    "ScenarioError",
    "bundled_dir",
    "bundled_names",
    "load_scenario",
    "load_scenario_text",
    "parse_override",
]
