"""The dashboard's per-session state: what the user chose and the runs it drives.

Solara keeps a separate value of every reactive variable for each browser session (kernel),
so one user's scenario, levers and model never touch another's. Runs are mutated in place
when stepped; ``tick`` counts changes so that exactly the components showing results redraw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import solara

from model.dashboard.levers import apply_levers
from model.dashboard.session import ComparePair, DashboardRun
from model.scenario import Scenario, ScenarioError, bundled_names, load_scenario

DEFAULT_SCENARIO = "baseline"
DEFAULT_RIGHT = "integrated"
MAX_DAYS_PER_TICK = 30
# While playing, the day and KPI cards redraw on every step but the charts at most this often:
# a matplotlib chart takes ~100 ms to draw, a step of a 20,000-resident district ~5 ms.
CHART_INTERVAL_S = 1.0


@dataclass
class Choice:
    """What the user picked: scenario (bundled name or upload), seed, lever changes."""

    scenario: str = DEFAULT_SCENARIO
    seed: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    right: str = DEFAULT_RIGHT


lang = solara.reactive("en")
choice = solara.reactive(Choice())
uploads: solara.Reactive[dict[str, Scenario]] = solara.reactive({})
days_per_tick = solara.reactive(1)
playing = solara.reactive(False)
compare = solara.reactive(False)
colour_by = solara.reactive("backlog")
tick = solara.reactive(0)
chart_tick = solara.reactive(0)
last_chart = solara.reactive(0.0)
problems: solara.Reactive[list[str]] = solara.reactive([])
runs: solara.Reactive[dict[str, Any]] = solara.reactive({})


def scenario_named(name: str) -> Scenario:
    """A bundled scenario or one the user uploaded in this session."""
    if name in uploads.value:
        return uploads.value[name]
    return load_scenario(name)


def scenario_names() -> list[str]:
    """Bundled scenarios, then this session's uploads."""
    return [*bundled_names(), *[n for n in uploads.value if n not in bundled_names()]]


def current_scenario() -> Scenario:
    """The chosen scenario with the lever changes applied (raises ScenarioError)."""
    picked = choice.value
    return apply_levers(scenario_named(picked.scenario), picked.changes)


def single() -> DashboardRun:
    """This session's single run, built on first use."""
    if "single" not in runs.value:
        runs.value = {**runs.value, "single": DashboardRun(current_scenario(), choice.value.seed)}
    return runs.value["single"]


def pair() -> ComparePair:
    """This session's compare pair (left: the chosen settings; right: another scenario)."""
    if "pair" not in runs.value:
        right = scenario_named(choice.value.right)
        runs.value = {**runs.value, "pair": ComparePair(current_scenario(), right,
                                                        seed=choice.value.seed)}
    return runs.value["pair"]


def reset() -> None:
    """Rebuild the runs from the current choice; report a bad setting instead of raising."""
    playing.value = False
    try:
        scenario = current_scenario()
        right = scenario_named(choice.value.right)
    except ScenarioError as exc:
        problems.value = list(exc.problems)
        return
    problems.value = []
    seed = choice.value.seed
    runs.value = {"single": DashboardRun(scenario, seed), "pair": ComparePair(scenario, right,
                                                                              seed=seed)}
    redraw()


def run_is_over() -> bool:
    """Whether the shown run has reached its scenario's ``run.days`` (playing stops there)."""
    run = pair().left if compare.value else single()
    return run.day >= run.scenario.run.days


def step_once() -> None:
    """Advance the shown run (or both runs of compare mode) by the days per tick."""
    days = days_per_tick.value
    if compare.value:
        pair().step(days)
    else:
        single().step(days)
    if not playing.value or time.monotonic() - last_chart.value >= CHART_INTERVAL_S:
        redraw()
    else:
        tick.value += 1


def redraw() -> None:
    """Redraw everything, charts included."""
    last_chart.value = time.monotonic()
    chart_tick.value += 1
    tick.value += 1


def set_playing(value: bool) -> None:
    """Start or stop playing; on stopping, draw the charts of the last step."""
    playing.value = value
    if not value:
        redraw()
