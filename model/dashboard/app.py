"""The policymakers' dashboard (``cogov dashboard`` or ``solara run model.dashboard.app``).

Pick a scenario, move the levers, reset, then step or play the district forward and watch the
headline outcomes, their daily series, the district's case flows and where cases were settled;
switch on compare mode to run two policies side by side on the same seed; export the series
(CSV) and the settings (scenario TOML). Every label is in English or Chinese.

Mesa's SolaraViz builds its controls from a model's ``__init__`` signature and shows one
model; here the levers come from the scenario schema and compare mode steps two models in
lockstep, so the page is its own Solara app, using SolaraViz's play/step/reset pattern (a
threaded task that steps while playing; settings take effect on reset).
"""

from __future__ import annotations

import math
import time
from typing import Any

import solara
import solara.lab

from model.dashboard import charts, state
from model.dashboard.panels import LeverPanel, ScenarioPicker, set_choice
from model.dashboard.session import COLOUR_BY, Kpi
from model.translations import outcome_label, text

LANGUAGES = {"en": "English", "zh": "中文"}
PLAY_GAP_S = 0.03
KPI_CARD_STYLE = {"min-width": "150px", "flex": "1", "padding": "8px", "border-radius": "4px",
                  "box-shadow": "0 1px 3px rgba(0,0,0,0.2)", "background": "white"}


def _number(value: float | None, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _change(kpi: Kpi) -> tuple[str, str]:
    """The change since the start as text, and its colour (green when it is better)."""
    if kpi.change is None or not math.isfinite(kpi.change):
        return "–", "grey"
    amount = f"{abs(kpi.change) * 100:.1f} pp" if kpi.unit == "share" else \
        _number(abs(kpi.change), kpi.unit)
    if not any(ch in "123456789" for ch in amount):  # rounds to zero: no direction to show
        return f"±{amount}", "grey"
    sign = "+" if kpi.change >= 0 else "−"
    good = (kpi.change > 0) == (kpi.better == "higher")
    colour = "grey" if kpi.better == "neither" or good is None else ("green" if good else "red")
    return f"{sign}{amount}", colour


def page_connected() -> bool:
    """Whether this session still has an open page (a closed tab must not keep playing)."""
    try:
        from solara.server import kernel_context
    except ImportError:
        return True
    if not kernel_context.has_current_context():
        return True
    statuses = kernel_context.get_current_context().page_status.values()
    return kernel_context.PageStatus.CONNECTED in statuses


@solara.component
def KpiCards(kpis: list[Kpi], title: str = "") -> None:
    """One card per headline outcome: value now and change since the start."""
    lang = state.lang.value
    if title:
        solara.Text(title, style={"font-weight": "bold"})
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        for kpi in kpis:
            change, colour = _change(kpi)
            with solara.Div(classes=["kpi", f"kpi-{kpi.name}"], style=KPI_CARD_STYLE):
                with solara.Column(gap="2px"):
                    solara.Text(outcome_label(kpi.name, lang), classes=["kpi-label"],
                                style={"font-size": "0.85em", "color": "#555"})
                    solara.Text(_number(kpi.value, kpi.unit), classes=["kpi-value"],
                                style={"font-size": "1.6em", "font-weight": "bold"})
                    solara.Text(f"{text('change_since_start', lang)}: {change}",
                                classes=["kpi-change"],
                                style={"color": colour, "font-size": "0.8em"})


@solara.component
def Controls() -> None:
    """Reset, step, play/pause, days per tick, compare mode and the right-hand policy."""
    lang = state.lang.value
    playing = state.playing.value

    def play_loop() -> None:
        while state.playing.value:
            if state.run_is_over() or not page_connected():
                state.set_playing(False)
                return
            state.step_once()
            # a pause that can't get in while the page redraws would be lost; this gap lets it
            time.sleep(PLAY_GAP_S)

    solara.lab.use_task(play_loop, dependencies=[playing], prefer_threaded=True)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(text("reset", lang), color="primary", on_click=state.reset,
                      classes=["cogov-reset"])
        solara.Button(text("step", lang), color="primary", on_click=state.step_once,
                      disabled=playing, classes=["cogov-step"])
        solara.Button(text("pause", lang) if playing else text("play", lang), color="primary",
                      on_click=lambda: state.set_playing(not state.playing.value),
                      classes=["cogov-play"])
        solara.SliderInt(text("days_per_tick", lang), value=state.days_per_tick, min=1,
                         max=state.MAX_DAYS_PER_TICK)
        # the value the server holds, drawn by the server: what the next Step will use
        solara.Text(str(state.days_per_tick.value), classes=["cogov-days-per-tick"])
        solara.Switch(label=text("compare_mode", lang), value=state.compare,
                      classes=["cogov-compare"])
        if state.compare.value:
            solara.Select(label=text("right_policy", lang), values=state.scenario_names(),
                          value=state.choice.value.right,
                          on_value=lambda name: (set_choice(right=name), state.reset()))


@solara.component
def DayLine(title: str, day: int) -> None:
    """The scenario shown and the simulated day."""
    lang = state.lang.value
    with solara.Row(style={"align-items": "baseline"}):
        solara.Text(title, style={"font-size": "1.3em", "font-weight": "bold"})
        solara.Text(text("day", lang))
        solara.Text(str(day), classes=["cogov-day"], style={"font-size": "1.3em"})


@solara.component
def SingleView() -> None:
    """KPIs, series, the district network and the settled breakdown of the single run."""
    SingleNumbers()
    SingleCharts()
    Exports(state.single())


@solara.component
def SingleNumbers() -> None:
    """The day and the KPI cards of the single run, redrawn on every step."""
    _ = state.tick.value
    run = state.single()
    DayLine(run.scenario.name, run.day)
    KpiCards(run.kpis())


@solara.component
def SingleCharts() -> None:
    """The single run's series, district network and settled breakdown."""
    _ = state.chart_tick.value  # charts redraw less often than the numbers while playing
    lang = state.lang.value
    run = state.single()
    solara.FigureMatplotlib(charts.series_figure(run.series(), lang), format="png")
    kinds = {text(kind, lang): kind for kind in COLOUR_BY}
    solara.ToggleButtonsSingle(value=text(state.colour_by.value, lang), values=list(kinds),
                               on_value=lambda name: state.colour_by.set(kinds[name]),
                               classes=["cogov-colour-by"])
    district = run.network(state.colour_by.value)
    solara.FigureMatplotlib(charts.network_figure(district.nodes, district.edges,
                                                  state.colour_by.value, lang), format="png")
    solara.FigureMatplotlib(charts.settled_figure(run.settled(), lang), format="png")


@solara.component
def CompareView() -> None:
    """Both policies' KPIs side by side, their series and the difference."""
    CompareNumbers()
    CompareCharts()


@solara.component
def CompareNumbers() -> None:
    """The day and both policies' KPI cards, redrawn on every step."""
    _ = state.tick.value
    lang = state.lang.value
    pair = state.pair()
    left, right = pair.left, pair.right
    DayLine(f"{left.scenario.name} ↔ {right.scenario.name}", left.day)
    with solara.Columns([1, 1]):
        KpiCards(left.kpis(), title=f"{text('left_policy', lang)}: {left.scenario.name}")
        KpiCards(right.kpis(), title=f"{text('right_policy', lang)}: {right.scenario.name}")


@solara.component
def CompareCharts() -> None:
    """Both runs' series and their difference."""
    _ = state.chart_tick.value
    lang = state.lang.value
    pair = state.pair()
    left, right = pair.left, pair.right
    with solara.Div(classes=["cogov-compare-chart"]):
        solara.FigureMatplotlib(charts.compare_figure(
            left.series(), right.series(), (left.scenario.name, right.scenario.name), lang),
            format="png")


@solara.component
def Exports(run: Any) -> None:
    """Download the run's daily series (CSV) and its settings (scenario TOML)."""
    lang = state.lang.value
    stem = f"cogov-{run.scenario.name or 'scenario'}-seed{run.seed}"
    with solara.Row():
        solara.FileDownload(run.series_csv, filename=f"{stem}.csv",
                            label=text("export_csv", lang), mime_type="text/csv")
        solara.FileDownload(run.scenario_toml, filename=f"{stem}.toml",
                            label=text("export_toml", lang), mime_type="application/toml")


@solara.component
def Page() -> None:
    """The whole page: app bar with the language switch, side panel, results."""
    lang = state.lang.value
    solara.Title(text("app_title", lang))
    with solara.AppBar():
        solara.AppBarTitle(text("app_title", lang))
        codes = {name: code for code, name in LANGUAGES.items()}
        solara.ToggleButtonsSingle(value=LANGUAGES[lang], values=list(codes),
                                   on_value=lambda name: state.lang.set(codes[name]),
                                   classes=["cogov-language"])
    with solara.Sidebar():
        ScenarioPicker()
        LeverPanel()
    with solara.Column():
        Controls()
        if state.compare.value:
            CompareView()
        else:
            SingleView()
