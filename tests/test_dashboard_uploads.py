"""Hostile uploads: every one ends as lines in the message panel, none builds a huge model."""

from __future__ import annotations

import pytest
from conftest import small_scenario
from dashboard_helpers import fresh_session

from model.cli import main
from model.dashboard import panels, state
from model.dashboard.limits import (
    MAX_PROBLEM_LINES,
    UploadLimits,
    capped,
    needs_per_day,
    peak_shock_factor,
    upload_problems,
)
from model.dashboard.session import DashboardRun
from model.scenario import load_scenario, load_scenario_text

BIG = b'extends = "baseline"\n[district]\nresidents = 5000000\nresidents_per_community = 100\n'
BASELINE_CATEGORIES = len(load_scenario("baseline").categories)
MANY_CATEGORIES = ('extends = "baseline"\n' + "".join(
    f'[categories.c{i}]\nrate = 40.0\ndepartments = ["health"]\n' for i in range(1150))).encode()
UNKNOWN_KEYS = ('extends = "baseline"\n[whistle]\n' + "".join(
    f"k{i} = 1\n" for i in range(2000))).encode()
# Each hostile file, and the message panel's lines it must end as.
HOSTILE = {
    "extends_number": (b"extends = 5\n", ["up.toml: extends: expected a bundled scenario's "
                                          "name or a list of them, got 5 (allowed: "]),
    "deep": (("x = " + "[" * 1000 + "]" * 1000 + "\n").encode(),
             ["up.toml: tables or lists nested more than 16 deep"]),
    "binary": (b"\xff\xfe\x00\x01", ["up.toml: not UTF-8 text"]),
    "big": (BIG, ["up.toml: district.residents: 5,000,000 is more than this server takes "
                  "(at most 200,000; set by whoever runs it)",
                  "up.toml: district.residents / district.residents_per_community "
                  "(communities): 50,000 is more than this server takes (at most 400; set by "
                  "whoever runs it)"]),
    "many_categories": (MANY_CATEGORIES, [
        f"up.toml: categories: {1150 + BASELINE_CATEGORIES:,} is more than this server takes "
        "(at most 100; set by whoever runs it)",
        "up.toml: categories.*.rate (needs a day at the peak): "]),
}


@pytest.fixture(autouse=True)
def fresh_state():
    """Each test starts from a new session's state (a small district, to be quick)."""
    fresh_session(DashboardRun(small_scenario(), 0))
    yield


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_upload_ends_in_the_message_panel(name):
    content, expected = HOSTILE[name]
    before = state.runs.value["single"]
    panels.receive_upload("up.toml", len(content), lambda: content)
    shown = state.problems.value
    assert len(shown) == len(expected), shown
    for line, start in zip(shown, expected, strict=True):
        assert line.startswith(start), line
    assert state.runs.value["single"] is before, "a refused upload builds no model"
    assert state.choice.value.scenario == "baseline"


def test_a_long_error_list_is_capped():
    panels.receive_upload("up.toml", len(UNKNOWN_KEYS), lambda: UNKNOWN_KEYS)
    shown = state.problems.value
    assert len(shown) == MAX_PROBLEM_LINES + 1
    assert shown[-1] == f"… and {2000 - MAX_PROBLEM_LINES:,} more problems"
    assert capped(["a", "b"]) == ["a", "b"]


def test_an_upload_within_the_limits_is_taken():
    text = b'name = "mine"\nextends = "baseline"\n[district]\nresidents = 3000\n'
    panels.receive_upload("mine.toml", len(text), lambda: text)
    assert state.problems.value == []
    assert state.choice.value.scenario == "mine"
    assert state.single().scenario.district.residents == 3000


def test_limits_come_from_the_environment():
    limits = UploadLimits.from_environment({"COGOV_UPLOAD_MAX_RESIDENTS": "5000"})
    assert limits.residents == 5000 and limits.categories == UploadLimits().categories
    scenario = load_scenario_text('extends = "baseline"\n[district]\nresidents = 6000\n', "u")
    assert upload_problems(scenario, "u", limits) == [
        "u: district.residents: 6,000 is more than this server takes (at most 5,000; set by "
        "whoever runs it)"]
    with pytest.raises(ValueError, match="upload limit residents: expected a positive whole "
                                         "number, got 'lots'"):
        UploadLimits.from_environment({"COGOV_UPLOAD_MAX_RESIDENTS": "lots"})


def test_needs_a_day_follow_the_categories_rates():
    baseline = load_scenario_text('extends = "baseline"\n', "b")
    doubled = load_scenario_text('extends = "baseline"\n[demand]\nrate_scale = 2.0\n', "b")
    assert needs_per_day(doubled) == pytest.approx(2 * needs_per_day(baseline))
    assert upload_problems(baseline, "b", UploadLimits()) == []


@pytest.mark.parametrize(("argv", "expected"), [
    (["dashboard", "--upload-limit", "planets=3"],
     "cogov dashboard: error: argument --upload-limit: upload limit 'planets' is not known "
     "(allowed: residents, communities, departments, categories, needs_per_day, days) "
     "(see 'cogov dashboard --help')"),
    (["dashboard", "--upload-limit", "residents=0"],
     "cogov dashboard: error: argument --upload-limit: upload limit residents: expected a "
     "positive whole number, got '0' (see 'cogov dashboard --help')"),
])
def test_bad_upload_limits_are_one_line(capsys, argv, expected):
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [expected]


def test_shocks_on_the_same_days_multiply_in_the_limit():
    shock = "[[demand.shocks]]\nstart_day = 0\nduration_days = 3650\nmultiplier = 50.0\n"
    text = 'extends = "baseline"\n[district]\nresidents = 2000\n' + shock * 3
    scenario = load_scenario_text(text, "up.toml")
    assert peak_shock_factor(scenario) == 50.0**3
    (line,) = upload_problems(scenario, "up.toml", UploadLimits())
    assert line.startswith("up.toml: categories.*.rate (needs a day at the peak): ")
    early = shock.replace("duration_days = 3650", "duration_days = 10")
    later = shock.replace("start_day = 0", "start_day = 20")
    apart = 'extends = "baseline"\n' + early + later * 2
    assert peak_shock_factor(load_scenario_text(apart, "up.toml")) == 50.0**2, (
        "a shock over before the others start does not multiply with them")
