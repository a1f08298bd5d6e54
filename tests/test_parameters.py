"""Every scenario parameter says what it is: a policy lever, a behavioural assumption or context."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing

import pytest
from pydantic import BaseModel

from model.scenario import Scenario
from model.scenario.fields import LABELS, ROLES, data_field, info_label, info_role, param
from model.scenario.parameters import parameter, parameters

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = {"label": "x", "zh": "某", "zh_help": "某某"}


def schema_classes() -> list[type[BaseModel]]:
    """Every pydantic class reachable from Scenario."""
    found: list[type[BaseModel]] = []

    def walk(cls: type[BaseModel]) -> None:
        found.append(cls)
        for info in cls.model_fields.values():
            for kind in (info.annotation, *typing.get_args(info.annotation)):
                if isinstance(kind, type) and issubclass(kind, BaseModel) and kind not in found:
                    walk(kind)

    walk(Scenario)
    return found


def test_every_number_switch_and_choice_declares_a_role():
    scalar = (int, float, bool)
    for cls in schema_classes():
        for name, info in cls.model_fields.items():
            literal = typing.get_origin(info.annotation) is typing.Literal
            if info.annotation in scalar or literal:
                assert info_role(info) in ROLES, f"{cls.__name__}.{name} declares no role"


def test_param_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="role: 'policy' is not known "
                                         "\\(allowed: lever, assumption, context\\)"):
        param(1.0, "x", role="policy", **NAMES)


def test_every_field_declares_its_labels():
    for cls in schema_classes():
        for name, info in cls.model_fields.items():
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
                continue  # a parameter group: its name and tooltip are the group's
            key = f"{cls.__name__}.{name}"
            label, zh, zh_help = (info_label(info, k) for k in ("label", "zh", "zh_help"))
            assert label and not CJK.search(label), f"{key}: no English label"
            assert CJK.search(zh), f"{key}: no Chinese label"
            assert CJK.search(zh_help), f"{key}: no Chinese tooltip"


def test_param_and_data_field_refuse_a_missing_or_empty_label():
    for declare in (lambda **kw: param(1.0, "x", role="lever", **kw),
                    lambda **kw: data_field("x", **kw)):
        for key, meaning in LABELS.items():
            others = {k: v for k, v in NAMES.items() if k != key}
            with pytest.raises(TypeError, match=f"missing 1 required keyword-only argument: "
                                                f"'{key}'"):
                declare(**others)
            message = (f"{key}: empty; every field of the scenario schema needs {meaning} "
                       "(the dashboard shows it)")
            with pytest.raises(ValueError) as refused:
                declare(**others, **{key: " "})
            assert str(refused.value) == message
    with pytest.raises(ValueError) as refused:
        param(1.0, "x", role="lever", label="", zh="某", zh_help="某某")
    assert str(refused.value) == ("label: empty; every field of the scenario schema needs a "
                                  "short English label (the dashboard shows it)")


def test_roles_sort_the_catalogue():
    levers, assumptions, context = (parameters(role) for role in ROLES)
    assert len(levers) + len(assumptions) + len(context) == len(parameters())
    assert parameter("whistle.enabled").role == "lever"
    assert parameter("assessment.learning_rate").role == "assumption"
    assert parameter("district.residents").role == "context"
    with pytest.raises(KeyError, match="did you mean 'whistle.stuck_days'"):
        parameter("whistle.stuck_day")


def test_cogov_schema_shows_each_role():
    printed = subprocess.run([sys.executable, "-m", "model.cli", "schema"], check=True,
                             capture_output=True, text=True).stdout
    schema = json.loads(printed)
    whistle = schema["$defs"]["WhistleParams"]["properties"]
    assert whistle["enabled"]["role"] == "lever"
    assert whistle["coordination_hours"]["role"] == "assumption"
    assert (whistle["enabled"]["label"], whistle["enabled"]["zh"]) == ("Street whistle", "街道吹哨")
    assert whistle["enabled"]["zh_help"].startswith("街道办事处可以吹哨：")


def test_bundled_scenarios_change_levers_and_context_never_assumptions():
    from model import load_scenario
    from model.scenario import bundled_names
    from model.scenario.timeline import stages

    baseline = load_scenario("baseline")
    for name in bundled_names():
        scenario = load_scenario(name)
        # and each stage of its timeline: a dated reform changes institutions too
        states = [scenario, *(stage.scenario for stage in stages(scenario))]
        changed = [p.key for p in parameters("assumption") for state in states
                   if p.value_in(state) != p.value_in(baseline)]
        assert not changed, f"{name} changes behavioural assumptions {changed}: a reform " \
                            "changes institutions, not how people behave"
