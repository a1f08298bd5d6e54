"""The dashboard's levers come from the scenario schema; every label exists in both languages."""

from __future__ import annotations

import re
import string
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from model import translations
from model.dashboard.levers import (
    LEVER_GROUPS,
    apply_levers,
    assumptions,
    current_values,
    grouped_assumptions,
    grouped_levers,
    lever,
    levers,
    nice_step,
)
from model.experiment.factors import scalar_keys
from model.outcomes import OUTCOMES
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.fields import field_bounds
from model.translations import (
    GROUP_HELP_ZH,
    UI,
    group_help,
    group_label,
    outcome_label,
    parameter_help,
    parameter_label,
    text,
    unit_label,
)

RULE_GROUPS = ("information", "devolution", "assessment", "whistle", "one_stop", "procurement",
               "consultation", "talent", "services")
CJK = re.compile(r"[\u4e00-\u9fff]")
DASHBOARD = Path(__file__).resolve().parent.parent / "model" / "dashboard"


def schema_classes() -> dict[str, type[BaseModel]]:
    """Every pydantic class reachable from Scenario, by name."""
    found: dict[str, type[BaseModel]] = {}

    def walk(cls: type[BaseModel]) -> None:
        found[cls.__name__] = cls
        for info in cls.model_fields.values():
            for kind in (info.annotation, *typing.get_args(info.annotation)):
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    if kind.__name__ not in found:
                        walk(kind)

    walk(Scenario)
    return found


def described_fields() -> list[tuple[type[BaseModel], str]]:
    """Every field with a description (all scalar parameters and the data tables)."""
    return [(cls, name) for cls in schema_classes().values()
            for name, info in cls.model_fields.items() if info.description]


def roles_of(role: str) -> list[str]:
    """Dotted keys of the scalar parameters whose schema field declares ``role``."""
    found = []
    for key in scalar_keys(Scenario()):
        group, name = key.split(".")
        info = Scenario.model_fields[group].annotation.model_fields[name]
        if (info.json_schema_extra or {}).get("role") == role:
            found.append(key)
    return found


def test_levers_are_the_policy_levers_and_assumptions_come_apart():
    assert [lv.key for lv in levers()] == roles_of("lever")
    assert [lv.key for lv in assumptions()] == roles_of("assumption")
    assert "procurement.specialty_shares" not in {lv.key for lv in levers()}
    assert {"whistle.enabled", "devolution.level", "assessment.process_weight",
            "information.unified_platform", "procurement.budget_per_1000_residents"} <= {
        lv.key for lv in levers()}, "what a government sets is a lever"
    assert {"assessment.learning_rate", "residents.report_trust_weight",
            "assessment.blame_weight"} <= {lv.key for lv in assumptions()}, (
        "how people and organisations behave is an assumption")
    shown = {lv.key for lv in (*levers(), *assumptions())}
    assert not shown & set(roles_of("context")), "the district's context is not a control"


def test_groups_keep_the_schema_order():
    order = list(Scenario.model_fields)
    for grouped in (grouped_levers(), grouped_assumptions()):
        assert list(grouped) == sorted(grouped, key=order.index)
        for group, members in grouped.items():
            assert members and all(lv.group == group for lv in members), group
    assert LEVER_GROUPS == tuple(grouped_levers())
    assert set(RULE_GROUPS) - {"services"} <= set(LEVER_GROUPS), "every reform has levers"


def test_bounds_and_steps_are_the_schemas():
    for lv in (*levers(), *assumptions()):
        info = lv.group_class.model_fields[lv.field]
        if lv.kind in ("bool", "choice"):
            assert (lv.low, lv.high, lv.step) == (None, None, None), lv.key
            continue
        assert (lv.low, lv.high) == field_bounds(lv.group_class, lv.field), lv.key
        declared = info.json_schema_extra.get("step")
        if declared is not None:
            assert lv.step == declared, f"{lv.key}: step differs from the schema's"
        elif lv.kind == "int":
            assert lv.step == 1, lv.key
        else:
            assert lv.step == nice_step(lv.low, lv.high), lv.key
        assert lv.unit == info.json_schema_extra["unit"]
        assert lv.source == info.json_schema_extra["source"]


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten():
    assert nice_step(0, 1) == 0.01
    assert nice_step(0, 3) == 0.02
    assert nice_step(0, 40) == 0.5
    assert nice_step(0, 1e7) == 1e5


def test_kinds_follow_the_annotations():
    assert lever("whistle.enabled").kind == "bool"
    assert lever("whistle.stuck_days").kind == "int"
    assert lever("whistle.coordination_hours").kind == "float"
    level = lever("one_stop.level")
    assert level.kind == "choice"
    assert level.choices == ("street", "community")
    with pytest.raises(KeyError, match="did you mean 'whistle.stuck_days'"):
        lever("whistle.stuck_day")


def test_every_lever_has_labels_and_help_in_both_languages():
    for lv in (*levers(), *assumptions()):
        for lang in ("en", "zh"):
            assert lv.label(lang) and lv.help(lang), f"{lv.key} ({lang})"
            lv.unit_label(lang)
        assert CJK.search(lv.label("zh")) and CJK.search(lv.help("zh")), lv.key
        assert lv.help("en") == lv.group_class.model_fields[lv.field].description
        for choice in lv.choices:
            assert lv.choice_label(choice, "en") and lv.choice_label(choice, "zh")


def test_every_schema_field_has_labels_and_help_in_both_languages():
    for cls, name in described_fields():
        for lang in ("en", "zh"):
            assert parameter_label(cls, name, lang), f"{cls.__name__}.{name} label ({lang})"
            assert parameter_help(cls, name, lang), f"{cls.__name__}.{name} help ({lang})"
        unit = (cls.model_fields[name].json_schema_extra or {}).get("unit", "")
        assert unit_label(unit, "zh") or not unit, f"unit {unit!r}"


def test_parameter_labels_and_tooltips_are_the_schema_fields():
    for cls, name in described_fields():
        extra = cls.model_fields[name].json_schema_extra
        key = f"{cls.__name__}.{name}"
        assert parameter_label(cls, name, "en") == extra["label"], key
        assert parameter_label(cls, name, "zh") == extra["zh"], key
        assert parameter_help(cls, name, "zh") == extra["zh_help"], key
        assert parameter_help(cls, name, "en") == cls.model_fields[name].description, key


def test_translations_hold_no_per_parameter_table():
    classes = schema_classes()
    fields = {f"{cls}.{name}" for cls, found in classes.items() for name in found.model_fields}
    for attribute, value in vars(translations).items():
        if isinstance(value, dict):
            keys = {str(key) for key in value}
            assert not keys & (set(classes) | fields), (
                f"translations.{attribute} repeats parameter labels the schema declares")


def test_a_field_without_labels_is_refused_clearly():
    with pytest.raises(KeyError, match="Scenario has no field 'nope'"):
        parameter_label(Scenario, "nope", "en")
    with pytest.raises(KeyError, match=r"Scenario.run declares no zh: declare the field with "
                                       r"param\(\) or data_field\(\)"):
        parameter_label(Scenario, "run", "zh")


def test_every_outcome_has_labels_in_both_languages():
    for outcome in OUTCOMES:
        assert outcome_label(outcome.name, "en") == outcome.label
        assert CJK.search(outcome_label(outcome.name, "zh")), outcome.name
        assert unit_label(outcome.unit, "zh"), outcome.unit


def test_every_ui_string_is_translated():
    for key, entry in UI.items():
        assert key == key.lower() and key.isidentifier(), f"{key} is not snake_case"
        assert set(entry) == {"en", "zh"} and entry["en"] and entry["zh"], key
        symbolic = not re.search(r"[A-Za-z]{2,}", entry["en"])
        assert entry["zh"] != entry["en"] or symbolic, f"{key} is not translated"
        fields = [{name for _, name, _, _ in string.Formatter().parse(entry[lang]) if name}
                  for lang in ("en", "zh")]
        assert fields[0] == fields[1], f"{key}: placeholders differ"
    for group in {*grouped_levers(), *grouped_assumptions()}:
        assert group_label(group, "en") and CJK.search(group_label(group, "zh")), group
        assert group_help(group, "en") and group_help(group, "zh") == GROUP_HELP_ZH[group]


def test_every_text_key_the_dashboard_uses_exists():
    used = set()
    for path in DASHBOARD.glob("*.py"):
        used |= set(re.findall(r"\btext\(\s*['\"]([a-z0-9_]+)['\"]", path.read_text("utf-8")))
    assert used <= set(UI), f"missing UI keys: {sorted(used - set(UI))}"


def test_unknown_keys_and_languages_are_refused_clearly():
    with pytest.raises(KeyError, match="no dashboard text 'no_such_key'"):
        text("no_such_key", "en")
    with pytest.raises(ValueError, match="'en' or 'zh'"):
        text("app_title", "fr")


def test_current_values_read_the_scenario():
    assert current_values(load_scenario("whistle"))["whistle.enabled"] is True
    baseline = load_scenario("baseline")
    values = current_values(baseline)
    assert values["whistle.enabled"] is False
    assert values["talent.pay_index"] == baseline.talent.pay_index
    assert set(values) == {lv.key for lv in (*levers(), *assumptions())}


def test_apply_levers_changes_values_through_the_loader():
    baseline = load_scenario("baseline")
    changed = apply_levers(baseline, {"whistle.enabled": True, "whistle.stuck_days": 5})
    assert changed.whistle.enabled is True and changed.whistle.stuck_days == 5
    assert baseline.whistle.enabled is False, "the original scenario is left as it was"
    bad = {"whistle.stuck_days": 0}
    with pytest.raises(ScenarioError) as caught:
        apply_levers(baseline, bad)
    assert caught.value.problems == [
        "overrides: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)"]
    with pytest.raises(ScenarioError) as loader:
        load_scenario(baseline, bad)
    assert caught.value.problems == loader.value.problems
