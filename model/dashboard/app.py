"""The policymakers' dashboard, served by ``cogov dashboard`` (:mod:`model.dashboard.server`).

``solara run model.dashboard.app`` shows the same page without the server's safe HTTP defaults.

Pick a scenario, move the levers, reset, then step or play the district forward and watch the
headline outcomes, their daily series, the district's case flows and where cases were settled;
switch on compare mode to run two policies side by side on the same seed; export the series
(CSV) and the settings (scenario TOML). Every label is in English or Chinese.

Mesa's SolaraViz builds its controls from a model's ``__init__`` signature and shows one
model; here the levers come from the scenario schema and compare mode steps two models in
lockstep, so the page is its own Solara app, using SolaraViz's play/step/reset pattern (a
threaded task that steps while playing; settings take effect on reset).

While playing, the page redraws only what changes: the day and the KPI cards (one HTML
element) on every tick, and the chart images about once a second. Each lives in an
:func:`Island`, a render context of its own, so its redraw does not walk the rest of the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import Any

import reacton
import reacton.ipywidgets as rw
import solara
import solara.lab

from model.dashboard import state
from model.dashboard.panels import LeverPanel, ScenarioPicker, set_choice
from model.dashboard.session import COLOUR_BY, DashboardRun, Kpi
from model.translations import outcome_label, text

LANGUAGES = {"en": "English", "zh": "中文"}
# The day and the KPI cards are one HTML element, styled inline: while playing it is all that
# changes on each tick, one message to the browser.
CARD_CSS = ("min-width: 150px; flex: 1; padding: 8px; border-radius: 4px; background: white; "
            "box-shadow: 0 1px 3px rgba(0,0,0,0.2); display: flex; flex-direction: column; "
            "gap: 2px")
ROW_CSS = "display: flex; flex-wrap: wrap; gap: 8px"


def number_text(value: float | None, unit: str) -> str:
    """A KPI value as a card shows it (a share as a percentage; a dash when undefined)."""
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
        number_text(abs(kpi.change), kpi.unit)
    if not any(ch in "123456789" for ch in amount):  # rounds to zero: no direction to show
        return f"±{amount}", "grey"
    sign = "+" if kpi.change >= 0 else "−"
    good = (kpi.change > 0) == (kpi.better == "higher")
    colour = "grey" if kpi.better == "neither" or good is None else ("green" if good else "red")
    return f"{sign}{amount}", colour


def card_html(kpi: Kpi, lang: str) -> str:
    """One headline outcome's card: its label, value now and change since the start."""
    change, colour = _change(kpi)
    since = f"{text('change_since_start', lang)}: {change}"
    return (f'<div class="kpi kpi-{kpi.name}" style="{CARD_CSS}">'
            f'<span class="kpi-label" style="font-size: 0.85em; color: #555">'
            f"{escape(outcome_label(kpi.name, lang))}</span>"
            f'<span class="kpi-value" style="font-size: 1.6em; font-weight: bold">'
            f"{escape(number_text(kpi.value, kpi.unit))}</span>"
            f'<span class="kpi-change" style="color: {colour}; font-size: 0.8em">'
            f"{escape(since)}</span></div>")


def cards_html(kpis: list[Kpi], lang: str, title: str = "") -> str:
    """A row of KPI cards, under a bold title if given."""
    heading = f'<div style="font-weight: bold">{escape(title)}</div>' if title else ""
    cards = "".join(card_html(kpi, lang) for kpi in kpis)
    return f'<div>{heading}<div style="{ROW_CSS}">{cards}</div></div>'


def day_html(title: str, day: int, lang: str) -> str:
    """The scenario shown and the simulated day."""
    return (f'<div style="display: flex; align-items: baseline; gap: 8px; margin: 8px 0">'
            f'<span style="font-size: 1.3em; font-weight: bold">{escape(title)}</span>'
            f"<span>{escape(text('day', lang))}</span>"
            f'<span class="cogov-day" style="font-size: 1.3em">{day}</span></div>')


def single_numbers_html(lang: str) -> str:
    """The single run's day and KPI cards."""
    run = state.single()
    day, kpis = run.kpis_today()
    return day_html(run.scenario.name, day, lang) + cards_html(kpis, lang)


def compare_numbers_html(lang: str) -> str:
    """The day and both policies' KPI cards, side by side."""
    pair = state.pair()
    names = (pair.left.scenario.name, pair.right.scenario.name)
    day, left, right = pair.kpis_today()
    sides = "".join(cards_html(kpis, lang, title=f"{text(side, lang)}: {name}")
                    for side, name, kpis in zip(("left_policy", "right_policy"), names,
                                                (left, right), strict=True))
    return (day_html(f"{names[0]} ↔ {names[1]}", day, lang)
            + f'<div style="display: grid; grid-template-columns: 1fr 1fr; gap: 16px">'
              f"{sides}</div>")


@solara.component
def Controls() -> None:
    """Reset, step, play/pause, days per tick, compare mode and the right-hand policy."""
    lang = state.lang.value
    playing = state.playing.value
    solara.lab.use_task(state.play, dependencies=[playing], prefer_threaded=True)
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
def Island(component: Callable[..., Any], *args: Any) -> None:
    """``component(*args)`` in a render context of its own.

    Reacton reconciles every widget of a render context on each render: for the whole page,
    lever panel included, that is over 400 widgets (~35 ms) to change one number. What changes
    while playing (the numbers on every tick, the charts once a second) lives in islands, whose
    redraws touch only their own few widgets.
    """
    widget, set_widget = solara.use_state(None)

    def mount() -> Callable[[], None]:
        # in an effect, not in the render: an element made while the page renders would be
        # counted as the page's own
        root, context = reacton.render_fixed(component(*args))
        set_widget(root)
        return context.close

    solara.use_effect(mount, [component, *args])
    solara.Div(children=[] if widget is None else [widget])


@solara.component
def Numbers() -> None:
    """The day and the KPI cards: the one element redrawn on every tick while playing."""
    _ = state.tick.value
    lang = state.lang.value
    html = compare_numbers_html(lang) if state.compare.value else single_numbers_html(lang)
    solara.HTML(unsafe_innerHTML=html, classes=["cogov-numbers"])


@solara.component
def Chart(name: str) -> None:
    """One chart as a PNG (drawn by :func:`state.chart_png` only when it is out of date)."""
    _ = state.chart_tick.value
    rw.Image(value=state.chart_png(name), format="png")


@solara.component
def ChartBox(name: str) -> None:
    """Chart ``name`` in its own island, in a box of class ``cogov-{name}-chart``."""
    with solara.Div(classes=[f"cogov-{name}-chart"]):
        Island(Chart, name)


@solara.component
def SingleView() -> None:
    """KPIs, series, the district network, settled breakdown and channels of the single run."""
    Island(Numbers)
    SingleCharts()
    Exports(state.single())


@solara.component
def SingleCharts() -> None:
    """The single run's series, network, settled breakdown, channels and one community."""
    lang = state.lang.value
    ChartBox("series")
    kinds = {text(kind, lang): kind for kind in COLOUR_BY}
    solara.ToggleButtonsSingle(value=text(state.colour_by.value, lang), values=list(kinds),
                               on_value=lambda name: state.colour_by.set(kinds[name]),
                               classes=["cogov-colour-by"])
    ChartBox("network")
    ChartBox("settled")
    ChartBox("channels")
    CommunityPicker()
    ChartBox("neighbours")


@solara.component
def CommunityPicker() -> None:
    """Choose the community whose residents the neighbours chart shows."""
    lang = state.lang.value
    names = state.single().community_labels(lang)
    solara.Select(label=text("community_shown", lang), value=names[state.shown_community()],
                  values=names, on_value=lambda name: state.community.set(names.index(name)),
                  classes=["cogov-community"])

@solara.component
def CompareView() -> None:
    """Both policies' KPIs side by side, their series and the difference."""
    Island(Numbers)
    ChartBox("compare")


@solara.component
def Exports(run: DashboardRun) -> None:
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
