"""Loading scenarios: ``extends`` layering, overrides, and one exact line per problem."""

from __future__ import annotations

import math
import tomllib
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from model import ScenarioError, load_scenario
from model.scenario import bundled_dir, bundled_names, parse_override
from model.scenario.fields import field_bounds
from model.scenario.loader import linearise
from model.scenario.rule_groups import WhistleParams
from model.scenario.schema import Scenario


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path.resolve()


def problems_of(source: str | Path, overrides: dict[str, Any] | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(source, overrides=overrides)
    return caught.value.problems


def allowed_range(model: type[BaseModel], name: str) -> str:
    lower, upper = field_bounds(model, name)
    return f"{lower:g} to {upper:g}"


def leaves(table: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[tuple, Any]]:
    """Every (key path, value) of a TOML table, descending into sub-tables."""
    found = []
    for key, value in table.items():
        if isinstance(value, dict):
            found.extend(leaves(value, (*path, key)))
        else:
            found.append(((*path, key), value))
    return found


# -- layering ---------------------------------------------------------------------------------
def test_child_overrides_parent_key_by_key(tmp_path):
    write(tmp_path, "parent", 'extends = "baseline"\n[whistle]\nenabled = true\nstuck_days = 5\n')
    child = write(tmp_path, "child", 'extends = "parent.toml"\n[whistle]\nstuck_days = 9\n')
    scenario = load_scenario(child)
    assert scenario.whistle.stuck_days == 9, "the child's value should replace the parent's"
    assert scenario.whistle.enabled, "keys the child does not state should keep the parent's"
    assert scenario.whistle.min_departments == WhistleParams().min_departments, (
        "keys no file states should keep the schema default")
    assert "housing" in scenario.departments, "the baseline's data should come through"


def test_list_extends_is_linearised_each_file_once(tmp_path):
    write(tmp_path, "base", 'extends = "baseline"\n[whistle]\nstuck_days = 3\n')
    write(tmp_path, "left", 'extends = "base.toml"\n[whistle]\nstuck_days = 5\n')
    write(tmp_path, "right", 'extends = "base.toml"\n[whistle]\ncoordination_hours = 2.0\n'
          "stuck_days = 7\n")
    write(tmp_path, "mid", 'extends = "base.toml"\n[whistle]\nmin_departments = 3\n')
    top = write(tmp_path, "top", 'extends = ["left.toml", "mid.toml"]\n')
    order = [path.stem for path, _ in linearise(top)]
    assert order == ["baseline", "base", "left", "mid", "top"], (
        "layers should be parents first, list order kept, each file once")
    scenario = load_scenario(top)
    assert scenario.whistle.stuck_days == 5, "a shared parent should not be applied again later"
    assert scenario.whistle.min_departments == 3, "each listed parent should contribute"
    later = write(tmp_path, "later", 'extends = ["left.toml", "right.toml"]\n')
    assert load_scenario(later).whistle.stuck_days == 7, "a later list entry should win"


def test_integrated_has_every_reforms_settings():
    integrated = load_scenario("integrated").model_dump()
    own = tomllib.loads((bundled_dir() / "integrated.toml").read_text(encoding="utf-8"))
    assert len(own["extends"]) >= 8, "integrated should layer every reform"
    for reform in own["extends"]:
        data = tomllib.loads((bundled_dir() / f"{reform}.toml").read_text(encoding="utf-8"))
        settings = [(path, value) for path, value in leaves(data) if len(path) > 1]
        assert settings, f"{reform} should set something"
        for path, value in settings:
            assert read_back(integrated, ".".join(path)) == value, (
                f"integrated should keep {reform}'s {'.'.join(path)} = {value!r}")


def test_overrides_apply_last_and_name_defaults_to_stem(tmp_path):
    path = write(tmp_path, "my_policy", 'extends = "whistle"\n[whistle]\nstuck_days = 4\n')
    scenario = load_scenario(path, overrides={"whistle.stuck_days": 11})
    assert scenario.whistle.stuck_days == 11, "an override should beat every file"
    assert scenario.name == "my_policy", "the name should default to the file's stem"
    assert load_scenario("whistle").name == "whistle", "a bundled name is its stem too"
    named = write(tmp_path, "other", 'extends = "baseline"\nname = "Reform A"\n')
    assert load_scenario(named).name == "Reform A", "an explicit name should be kept"
    copy = load_scenario(scenario, overrides={"whistle.enabled": False})
    assert copy.whistle.stuck_days == 11 and not copy.whistle.enabled, (
        "loading a Scenario should copy it and apply new overrides")
    assert scenario.whistle.enabled, "the original Scenario should be left unchanged"


# -- exact error lines --------------------------------------------------------------------------
def test_unknown_key_suggests_the_closest(tmp_path):
    path = write(tmp_path, "typo", 'extends = "baseline"\n[whistle]\nenabeld = true\n')
    allowed = ", ".join(WhistleParams.model_fields)
    assert problems_of(path) == [
        f"{path}: whistle.enabeld: unknown key (allowed: {allowed}); did you mean 'enabled'?"
    ], "an unknown key should be named with the allowed keys and a suggestion"


def test_wrong_type_and_out_of_range(tmp_path):
    path = write(tmp_path, "bad", 'extends = "baseline"\n[whistle]\nstuck_days = "soon"\n'
                 "[assessment]\nprocess_weight = 1.5\n")
    assert sorted(problems_of(path)) == sorted([
        f"{path}: whistle.stuck_days: expected a whole number, got 'soon' "
        f"(allowed: {allowed_range(WhistleParams, 'stuck_days')})",
        f"{path}: assessment.process_weight: 1.5 is out of range (allowed: 0 to 1)",
    ]), "every problem should be reported at once, each on one line with what is allowed"


def test_override_errors_name_where_the_override_came_from():
    assert problems_of("baseline", {"one_stop.level": "city"}) == [
        "overrides: one_stop.level: 'city' is not allowed (allowed: 'street' or 'community')"
    ], "a bad override given in Python should be attributed to overrides"
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline", {"one_stop.level": "city"}, overrides_source="--set")
    assert caught.value.problems == [
        "--set: one_stop.level: 'city' is not allowed (allowed: 'street' or 'community')"
    ], "the command line names --set"


def test_extends_cycle(tmp_path):
    first = write(tmp_path, "first", 'extends = "second.toml"\n')
    second = write(tmp_path, "second", 'extends = "first.toml"\n')
    assert problems_of(first) == [f"{second}: extends: cycle first -> second -> first"], (
        "a cycle should be named by the file closing it and the whole loop")


def test_missing_extends_target(tmp_path):
    path = write(tmp_path, "orphan", 'extends = "nope"\n')
    allowed = ", ".join(bundled_names())
    assert problems_of(path) == [
        f"{path}: extends: no scenario 'nope' (allowed: a path or one of {allowed})"
    ], "a missing parent should list what may be extended"


def test_malformed_toml(tmp_path):
    path = write(tmp_path, "broken", "[whistle\nenabled = true\n")
    (line,) = problems_of(path)
    assert line.startswith(f"{path}: malformed TOML: ") and "line 1" in line, (
        "a syntax error should name the file and the line")


def test_reference_to_unknown_department(tmp_path):
    path = write(tmp_path, "ref", 'extends = "baseline"\n[categories.elderly_care]\n'
                 'departments = ["foo"]\n')
    allowed = ", ".join(sorted(load_scenario("baseline").departments))
    assert problems_of(path) == [
        f"{path}: categories.elderly_care.departments: unknown department 'foo' "
        f"(allowed: {allowed})"
    ], "a category naming an undefined department should list the defined ones"


def test_errors_name_the_file_that_set_the_key(tmp_path):
    parent = write(tmp_path, "parent", 'extends = "baseline"\n[whistle]\n'
                   "response_deadline_days = 99\n")
    child = write(tmp_path, "child", 'extends = "parent.toml"\n[whistle]\nstuck_days = 0\n')
    problems = problems_of(child)
    assert f"{child}: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)" in problems, (
        "the child's bad value should name the child file")
    assert any(p.startswith(f"{parent}: whistle.response_deadline_days: 99 is out of range")
               for p in problems), "the parent's bad value should name the parent file"


# -- properties over the whole schema -------------------------------------------------------------
def numeric_fields() -> list[tuple[str, type[BaseModel], str, type]]:
    """(dotted key, model, field, int or float) for every bounded number of the schema."""
    baseline = load_scenario("baseline")
    groups: list[tuple[str, type[BaseModel]]] = []
    for name, info in Scenario.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            groups.append((name, annotation))
        elif typing.get_origin(annotation) is dict:
            spec = typing.get_args(annotation)[1]
            groups.append((f"{name}.{next(iter(getattr(baseline, name)))}", spec))
    fields = []
    for prefix, model in groups:
        for name, info in model.model_fields.items():
            if info.annotation in (int, float) and any(field_bounds(model, name)):
                fields.append((f"{prefix}.{name}", model, name, info.annotation))
    return fields


NUMERIC = numeric_fields()
# talent.stress_full must exceed talent.stress_onset: move the partner out of the way
PARTNERS = {"talent.stress_onset": ("talent.stress_full", lambda onset: onset + 1.0),
            "talent.stress_full": ("talent.stress_onset", lambda full: full / 2.0)}


def read_back(scenario: Scenario | dict[str, Any], dotted: str) -> Any:
    value: Any = scenario
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def within(model: type[BaseModel], name: str, kind: type) -> st.SearchStrategy:
    lower, upper = field_bounds(model, name)
    if kind is int:
        return st.integers(None if lower is None else math.ceil(lower),
                           None if upper is None else math.floor(upper))
    return st.floats(lower, upper, allow_nan=False, allow_infinity=False)


def outside(model: type[BaseModel], name: str, kind: type) -> st.SearchStrategy:
    lower, upper = field_bounds(model, name)
    options = []
    if lower is not None:
        options.append(st.integers(max_value=math.ceil(lower) - 1) if kind is int
                       else st.floats(max_value=lower, exclude_max=True, allow_nan=False))
    if upper is not None:
        options.append(st.integers(min_value=math.floor(upper) + 1) if kind is int
                       else st.floats(min_value=upper, exclude_min=True, allow_nan=False))
    return st.one_of(options)


def test_schema_has_bounded_numbers_to_test():
    keys = {key for key, *_ in NUMERIC}
    assert {"assessment.process_weight", "departments.civil_affairs.hours_per_1000_residents",
            "categories.elderly_care.rate"} <= keys, "numeric fields should be found everywhere"


@settings(max_examples=60, deadline=None)
@given(data=st.data(), field=st.sampled_from(NUMERIC))
def test_values_within_bounds_validate(data, field):
    key, model, name, kind = field
    value = data.draw(within(model, name, kind), label=key)
    overrides = {key: value}
    if key in PARTNERS:
        partner, partner_value = PARTNERS[key]
        overrides[partner] = partner_value(value)
    scenario = load_scenario("baseline", overrides=overrides)
    assert read_back(scenario, key) == value, f"{key}={value} within bounds should be kept"


@settings(max_examples=60, deadline=None)
@given(data=st.data(), field=st.sampled_from(NUMERIC))
def test_values_outside_bounds_are_rejected(data, field):
    key, model, name, kind = field
    value = data.draw(outside(model, name, kind), label=key)
    problems = problems_of("baseline", {key: value})
    assert any(p.startswith(f"overrides: {key}: ") and "out of range (allowed: " in p
               for p in problems), f"{key}={value} outside bounds should be rejected: {problems}"


keys = st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), min_size=1,
                max_size=3).map(".".join)
values = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20),
)


@given(key=keys, value=values)
def test_parse_override_round_trips_toml_values(key, value):
    text = f"{key}={tomli_w.dumps({'v': value}).partition('=')[2].strip()}"
    assert parse_override(text) == (key, value), f"{text!r} should parse back to {value!r}"


@given(key=keys, word=st.from_regex(r"[A-Za-z][A-Za-z_]{0,12}", fullmatch=True))
def test_parse_override_keeps_bare_words_as_strings(key, word):
    expected: Any = {"true": True, "false": False, "inf": math.inf}.get(word, word)
    if word == "nan":
        assert math.isnan(parse_override(f"{key}={word}")[1]), "nan is a TOML float"
        return
    assert parse_override(f"{key}= {word} ") == (key, expected), (
        f"a bare word {word!r} should be kept as a string (TOML keywords excepted)")


def test_overrides_take_numpy_scalars_of_the_right_kind():
    scenario = load_scenario("baseline", {
        "assessment.interval_days": np.int64(166), "devolution.level": np.float32(0.5),
        "whistle.enabled": np.bool_(True), "one_stop.level": np.str_("community"),
        "district.residents": np.float64(3000.0)})
    assert scenario.assessment.interval_days == 166
    assert type(scenario.assessment.interval_days) is int
    assert scenario.devolution.level == 0.5 and scenario.whistle.enabled is True
    assert scenario.one_stop.level == "community"
    assert scenario.district.residents == 3000 and type(scenario.district.residents) is int, (
        "a whole-numbered float (a pandas row's integer) is a whole number")


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("whistle.enabled", np.int64(1), "expected true or false, got 1"),
    ("devolution.level", np.bool_(True), "expected a number, got true (allowed: 0 to 1)"),
    ("devolution.level", np.str_("0.5"), "expected a number, got '0.5' (allowed: 0 to 1)"),
    ("assessment.interval_days", np.float64(166.5),
     "expected a whole number, got 166.5 (allowed: 7 to 365)"),
    ("assessment.interval_days", 166.5, "expected a whole number, got 166.5 (allowed: 7 to 365)"),
])
def test_numpy_scalars_of_the_wrong_kind_are_still_refused(key, value, problem):
    assert problems_of("baseline", {key: value}) == [f"overrides: {key}: {problem}"]
