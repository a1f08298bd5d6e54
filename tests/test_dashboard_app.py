"""The dashboard's pieces without a browser: uploads, state, charts, the serve command."""

from __future__ import annotations

import pytest
from conftest import small_scenario
from matplotlib.figure import Figure

from model.cli import dashboard_command
from model.dashboard import charts, panels, state
from model.dashboard.session import DashboardRun
from model.scenario import ScenarioError, load_scenario_text
from model.translations import outcome_label, text


@pytest.fixture(autouse=True)
def fresh_state():
    """Each test starts from a new session's state (a small district, to be quick)."""
    state.choice.value = state.Choice()
    state.uploads.value = {}
    state.problems.value = []
    state.lang.value = "en"
    state.compare.value = False
    state.playing.value = False
    state.days_per_tick.value = 1
    state.runs.value = {"single": DashboardRun(small_scenario(), 0)}
    yield


def test_upload_too_large_is_refused_unread():
    def read():
        raise AssertionError("a file over the limit must not be read")

    panels.receive_upload("big.toml", panels.MAX_UPLOAD_BYTES + 1, read)
    assert state.problems.value == [
        f"big.toml: file too large (at most 64 KB): {panels.MAX_UPLOAD_BYTES + 1:,} bytes"]
    assert state.uploads.value == {}


def test_upload_may_not_extend_a_path_on_the_server():
    panels.receive_upload("evil.toml", 30, lambda: b'extends = "../../etc/passwd"\n')
    (line,) = state.problems.value
    assert line.startswith("evil.toml: extends: '../../etc/passwd' is not a bundled scenario "
                           "(allowed: ageing, baseline,")
    assert state.choice.value.scenario == "baseline", "a bad upload changes nothing"


def test_upload_error_is_the_validate_message():
    bad = b'extends = "baseline"\n[whistle]\nstuck_dayz = 3\n'
    panels.receive_upload("mine.toml", len(bad), lambda: bad)
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(bad.decode(), source="mine.toml")
    assert state.problems.value == raised.value.problems
    assert "did you mean 'stuck_days'?" in state.problems.value[0]


def test_upload_not_text():
    panels.receive_upload("bin.toml", 4, lambda: b"\xff\xfe\x00\x01")
    assert state.problems.value == ["bin.toml: not UTF-8 text"]


def test_good_upload_becomes_the_scenario_and_resets():
    good = b'extends = "baseline"\nname = "mine"\n[whistle]\nenabled = true\n'
    panels.receive_upload("mine.toml", len(good), lambda: good)
    assert state.problems.value == []
    assert state.choice.value.scenario == "mine" and "mine" in state.scenario_names()
    assert state.single().scenario.whistle.enabled is True


def test_lever_changes_take_effect_on_reset():
    state.single().step(3)
    panels.set_choice(changes={"whistle.enabled": True, "whistle.stuck_days": 4})
    assert state.single().scenario.whistle.enabled is False, "pending until reset"
    state.reset()
    run = state.single()
    assert (run.day, run.scenario.whistle.enabled, run.scenario.whistle.stuck_days) == (0, True, 4)


def test_bad_lever_value_is_reported_not_raised():
    panels.set_choice(changes={"whistle.stuck_days": 0})
    state.reset()
    assert state.problems.value == [
        "overrides: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)"]


def test_step_advances_the_shown_runs_by_days_per_tick():
    state.days_per_tick.value = 5
    state.step_once()
    assert state.single().day == 5
    state.compare.value = True
    state.step_once()
    assert state.pair().left.day == state.pair().right.day == 5
    state.days_per_tick.value = 1


def test_series_chart_titles_follow_the_language():
    run = DashboardRun(small_scenario(), seed=1)
    run.step(10)
    for lang in ("en", "zh"):
        fig = charts.series_figure(run.series(), lang)
        titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
        assert titles == [outcome_label(name, lang) for name in charts.SERIES_OUTCOMES]
        assert all(ax.get_xlabel() == text("day", lang) for ax in fig.axes if ax.get_visible())


def test_network_and_settled_charts_draw():
    run = DashboardRun(small_scenario(), seed=2)
    run.step(20)
    for colour_by in ("backlog", "satisfaction"):
        district = run.network(colour_by)
        fig = charts.network_figure(district.nodes, district.edges, colour_by, "zh")
        assert isinstance(fig, Figure)
        assert fig.axes[0].get_title() == (f"{text('district_network', 'zh')} · "
                                           f"{text(colour_by, 'zh')}")
    fig = charts.settled_figure(run.settled(), "en")
    widths = [patch.get_width() for patch in fig.axes[0].patches]
    assert sum(widths) == pytest.approx(1.0), "the settled shares fill the bar"


def test_compare_chart_has_both_runs_and_the_difference():
    state.compare.value = True
    pair = state.pair()
    pair.step(5)
    fig = charts.compare_figure(pair.left.series(), pair.right.series(), ("a", "b"), "en")
    first_row = fig.axes[:2]
    assert len(first_row[0].lines) == 2, "left panel: both policies"
    assert first_row[1].get_title().startswith(text("difference", "en"))


def test_dashboard_serves_locally_and_culls_idle_sessions():
    argv, env = dashboard_command("127.0.0.1", 9999, "15m")
    assert argv[1:5] == ["-m", "solara", "run", "model.dashboard.app"]
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "15m"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
