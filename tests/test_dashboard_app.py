"""The dashboard's pieces without a browser: uploads, state, charts, the serve command."""

from __future__ import annotations

import threading
import time

import pytest
import solara
from conftest import small_scenario
from dashboard_helpers import fresh_session
from matplotlib.figure import Figure

from model.cli import dashboard_command
from model.dashboard import app, charts, panels, state
from model.dashboard.session import DashboardRun
from model.outcomes import headline
from model.scenario import ScenarioError, load_scenario_text
from model.translations import outcome_label, text


@pytest.fixture(autouse=True)
def fresh_state():
    """Each test starts from a new session's state (a small district, to be quick)."""
    fresh_session(DashboardRun(small_scenario(), 0))
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


@pytest.fixture
def no_chart_worker(monkeypatch):
    """Charts drawn in this process (the worker has a test of its own)."""
    monkeypatch.setattr(state, "_chart_worker", lambda: None)


def test_play_runs_to_the_last_day_and_stops_there(no_chart_worker):
    state.runs.value = {"single": DashboardRun(small_scenario(overrides={"run.days": 20}), 0)}
    state.days_per_tick.value = 7
    charts_drawn = state.chart_tick.value
    state.set_playing(True)
    state.play()  # the page runs this as a threaded task; here it runs to the end
    assert state.single().day == 20, "play stops on run.days, not a tick past it"
    assert state.playing.value is False, "the play button shows Play again at the end"
    assert state.chart_tick.value > charts_drawn, "the charts are redrawn for the last day"


def test_a_new_play_retires_the_loop_of_the_last_one(no_chart_worker):
    state.set_playing(True)
    loop = threading.Thread(target=state.play)
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while state.single().day == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state.single().day > 0, "playing should step the run"
        state.set_playing(False)
        state.set_playing(True)  # Pause and Play again: the page starts a new loop for it
        loop.join(timeout=30)
        assert not loop.is_alive(), "the earlier loop should stop, or two loops would step"
    finally:
        state.playing.value = False
        loop.join(timeout=30)


def test_charts_are_drawn_again_only_when_out_of_date():
    first = state.chart_png("series")
    assert state.chart_png("series") is first, "same day, language and run: the same image"
    state.step_once()
    stepped = state.chart_png("series")
    assert stepped != first, "a step draws the new day"
    state.playing.value = True
    state.single().step(2)
    assert state.chart_png("series") is stepped, (
        "while playing, the page keeps the last image until the chart thread draws the next")
    state.lang.value = "zh"
    assert state.chart_png("series") != stepped, "another language draws again at once"
    network = state.chart_png("network")
    state.colour_by.value = "satisfaction"
    assert state.chart_png("network") != network, "another colouring draws the network again"
    neighbours = state.chart_png("neighbours")
    state.community.value = 1
    assert state.chart_png("neighbours") != neighbours, "another community draws it again"
    state.community.value = 10**6
    assert state.shown_community() == 0, "a community the run does not have shows the first"
    state.community.value = 0
    state.playing.value = False


def test_an_older_drawing_does_not_replace_a_newer_one():
    state.single().step(3)
    newer = state.draw_charts(("series",))["series"]
    state.images.value = {}
    state.single().step(1)
    state.draw_charts(("series",))
    state.images.value = {**state.images.value, "series": newer}
    kept = state.draw_charts(("series",))["series"]
    assert kept.key[3] == 4
    state.images.value = {"series": state.Drawn((*newer.key[:3], 99), b"later")}
    assert state.draw_charts(("series",))["series"].png == b"later", (
        "a drawing of an earlier day than the one shown is dropped")


def test_charts_drawn_in_the_worker_match_those_drawn_here():
    state.single().step(5)
    deadline = time.monotonic() + 120
    while state._chart_worker() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # the worker process starts on first use
    try:
        assert state._chart_worker() is not None, "the chart worker should start"
        there = state._draw(state.SINGLE_CHARTS, in_worker=True)
        here = state._draw(state.SINGLE_CHARTS)
        for name in state.SINGLE_CHARTS:
            assert there[name].key == here[name].key == ("en", there[name].key[1],
                                                           state.single().token, 5)
            assert there[name].png == here[name].png, f"the {name} chart should be the same"
    finally:
        state._retire_chart_worker()
    assert state._chart_worker() is None, "a retired worker is not used again"


def test_a_tick_redraws_the_numbers_not_the_page():
    page, context = solara.render(app.Page(), handle_error=False)
    try:
        renders = context.render_count
        for _ in range(3):
            state.single().step(1)
            state.tick.value += 1
        assert context.render_count == renders, (
            "a tick should redraw only the numbers' island, not reconcile the whole page")
        numbers = [widget for widget in context.find(solara.widgets.HTML).widgets
                   if "cogov-day" in (widget.unsafe_innerHTML or "")]
        assert len(numbers) == 1 and '"cogov-day" style="font-size: 1.3em">3<' in (
            numbers[0].unsafe_innerHTML), "the numbers should show day 3"
    finally:
        context.close()


def test_numbers_escape_names():
    html = app.day_html("<b>mine</b>", 4, "en")
    assert "&lt;b&gt;mine&lt;/b&gt;" in html and "<b>" not in html


def test_series_chart_titles_follow_the_language():
    run = DashboardRun(small_scenario(), seed=1)
    run.step(10)
    for lang in ("en", "zh"):
        fig = charts.series_figure(run.series(), lang)
        titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
        assert titles == [outcome_label(name, lang) for name in headline("series")]
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
    neighbours = run.neighbours(1)
    fig = charts.neighbours_figure(neighbours, "Community 1-2", "en")
    assert fig.axes[0].get_title() == f"{text('neighbours', 'en')} · Community 1-2"
    drawn = sum(len(collection.get_offsets()) for collection in fig.axes[0].collections[2:])
    assert drawn == len(neighbours.x), "every resident of the community is drawn once"
    fig = charts.channels_figure(run.channels(), "en")
    widths = [patch.get_width() for patch in fig.axes[0].patches]
    assert sum(widths) == pytest.approx(1.0), "the channel shares fill the bar"
    assert fig.axes[0].get_title() == text("how_voiced", "en")


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
    assert argv[1:3] == ["-m", "model.dashboard.server"]
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "15m"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
