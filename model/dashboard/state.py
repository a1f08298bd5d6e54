"""The dashboard's per-session state: what the user chose, the runs it drives, and play.

Solara keeps a separate value of every reactive variable for each browser session (kernel),
so one user's scenario, levers and model never touch another's. Runs are mutated in place
when stepped; ``tick`` counts changes so that exactly the components showing numbers redraw.

Playing keeps the page light: each tick steps the model, then only the day and the KPI cards
are redrawn (``tick``); a second thread has the charts drawn as PNGs about once a second
(``images``), off the tick path, in a worker process when one can run (:func:`_chart_worker`).
Ticks are paced at :data:`TICKS_PER_S`; when the page or the machine falls behind, a tick
steps the days of the ticks it missed (the day shown jumps, but always with that day's
numbers).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import solara

from model.dashboard import charts
from model.dashboard.levers import apply_levers
from model.dashboard.limits import capped
from model.dashboard.session import ComparePair, DashboardRun
from model.outcomes import headline
from model.scenario import Scenario, ScenarioError, bundled_names, load_scenario

DEFAULT_SCENARIO = "baseline"
DEFAULT_RIGHT = "integrated"
MAX_DAYS_PER_TICK = 30
TICKS_PER_S = 30  # play pace: days per tick x this many days a second, when the model can
MIN_GAP_S = 0.005  # rest between ticks even when late, so a Pause click gets its turn
MAX_STEP_S = 0.1  # a late tick catches up on missed ticks for at most this long
MAX_LAG_S = 0.5  # further behind than this, play forgets the missed ticks
# While playing, a drawing of the charts starts this often: a drawing takes ~0.3 s (~0.8 s on a
# busy machine), so each chart is new at least once a second. A day of 20,000 residents: ~5 ms.
CHART_INTERVAL_S = 0.8
# A drawing the chart worker has not finished in this long means it hangs: draw here instead.
CHART_WORKER_TIMEOUT_S = 60.0
SINGLE_CHARTS = ("series", "network", "settled", "channels", "neighbours")
COMPARE_CHARTS = ("compare",)
# Set to a file path, the server appends one JSON line per play tick and per chart drawing
# while playing (read by benchmarks/dashboard.py).
TIMING_ENV = "COGOV_DASHBOARD_TIMING"


@dataclass
class Choice:
    """What the user picked: scenario (bundled name or upload), seed, lever changes."""

    scenario: str = DEFAULT_SCENARIO
    seed: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    right: str = DEFAULT_RIGHT


@dataclass(frozen=True)
class Drawn:
    """A chart drawn as PNG, and what it shows: ``(lang, option, run token, day)``."""

    key: tuple[Any, ...]
    png: bytes


lang = solara.reactive("en")
choice = solara.reactive(Choice())
uploads: solara.Reactive[dict[str, Scenario]] = solara.reactive({})
days_per_tick = solara.reactive(1)
playing = solara.reactive(False)
play_serial = solara.reactive(0)  # which play loop may run: a new Play retires the last one
compare = solara.reactive(False)
colour_by = solara.reactive("backlog")
community = solara.reactive(0)  # whose residents the neighbours chart shows
tick = solara.reactive(0)
chart_tick = solara.reactive(0)
images: solara.Reactive[dict[str, Drawn]] = solara.reactive({})
problems: solara.Reactive[list[str]] = solara.reactive([])
runs: solara.Reactive[dict[str, Any]] = solara.reactive({})
_log_lock = threading.Lock()
_worker_lock = threading.Lock()
_worker: dict[str, Any] = {}  # the chart worker, shared by the server's sessions


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
        problems.value = capped(exc.problems)
        return
    problems.value = []
    seed = choice.value.seed
    runs.value = {"single": DashboardRun(scenario, seed), "pair": ComparePair(scenario, right,
                                                                              seed=seed)}
    redraw()


def shown_run() -> DashboardRun:
    """The run whose day the page shows: the single run, or the left side of compare mode."""
    return pair().left if compare.value else single()


def run_is_over() -> bool:
    """Whether the shown run has reached its scenario's ``run.days`` (playing stops there)."""
    run = shown_run()
    return run.day >= run.scenario.run.days


def step_days(days: int) -> None:
    """Advance the shown run (or both runs of compare mode) by ``days``."""
    if compare.value:
        pair().step(days)
    else:
        single().step(days)


def step_once() -> None:
    """Advance the shown runs by the days per tick and redraw numbers and charts."""
    step_days(days_per_tick.value)
    redraw()


def redraw() -> None:
    """Redraw the numbers, and the charts (each is drawn again if its day is not shown yet)."""
    chart_tick.value += 1
    tick.value += 1


def set_playing(value: bool) -> None:
    """Start or stop playing (a new Play retires any play loop still winding down)."""
    if value and not playing.value:
        play_serial.value += 1
    playing.value = value


# -- charts -----------------------------------------------------------------------------------
def shown_charts() -> tuple[str, ...]:
    """The charts the page shows now."""
    return COMPARE_CHARTS if compare.value else SINGLE_CHARTS


def chart_key(name: str) -> tuple[Any, ...]:
    """What chart ``name`` should show now: ``(lang, option, run token, day)``."""
    if name in COMPARE_CHARTS:
        both = pair()
        return lang.value, None, both.token, both.day
    run = single()
    return lang.value, _option(name), run.token, run.day


def _option(name: str) -> Any:
    """What else chart ``name`` shows besides the run and day: a colouring, a community."""
    return {"network": colour_by.value, "neighbours": shown_community()}.get(name)


def shown_community() -> int:
    """The community the neighbours chart shows (the first, if the run has fewer)."""
    return community.value if community.value < len(single().model.committees) else 0


def chart_png(name: str) -> bytes:
    """Chart ``name`` as PNG, for the page: the one drawn last if it still fits, else a new one.

    While playing, a chart of an earlier day fits (the chart thread draws the next one); a
    change of language, colouring or run, or a step when not playing, draws it again here.
    """
    held = images.value.get(name)
    key = chart_key(name)
    fits = held is not None and held.key[:3] == key[:3] and (
        held.key[3] == key[3] or playing.value)
    if not fits:
        held = draw_charts((name,))[name]
    return held.png


def draw_charts(names: tuple[str, ...] | None = None,
                in_worker: bool = False) -> dict[str, Drawn]:
    """Draw charts ``names`` (default: those shown) for the current day; keep and return them.

    ``in_worker`` draws them in the chart worker process (see :func:`_chart_worker`).

    An image is kept only if it is still of the current language, colouring and run and no
    older than the one held, so a slow drawing that a reset or a newer drawing overtook is
    dropped. (Two threads drawing at once may lose one's update; :func:`chart_png` then finds
    the chart out of date and draws it again.)
    """
    names = shown_charts() if names is None else names
    fresh = _draw(names, in_worker)
    held = dict(images.value)
    for name, drawn in fresh.items():
        now, old = chart_key(name), held.get(name)
        newer = old is None or old.key[:3] != now[:3] or old.key[3] <= drawn.key[3]
        if drawn.key[:3] == now[:3] and newer:
            held[name] = drawn
        else:
            fresh[name] = held.get(name, drawn)
    images.value = held
    return fresh


def _draw(names: tuple[str, ...], in_worker: bool = False) -> dict[str, Drawn]:
    """Draw the charts from one consistent read of the run(s), here or in the chart worker."""
    jobs = _chart_jobs(names)
    pool = _chart_worker() if in_worker else None
    if pool is not None:
        try:
            futures = {name: pool.submit(charts.render, name, key[0], data)
                       for name, (key, data) in jobs.items()}
            return {name: Drawn(jobs[name][0], future.result(timeout=CHART_WORKER_TIMEOUT_S))
                    for name, future in futures.items()}
        except (BrokenProcessPool, RuntimeError, TimeoutError):  # died, stopping, or hung
            _retire_chart_worker()
    return {name: Drawn(key, charts.render(name, key[0], data))
            for name, (key, data) in jobs.items()}


def _chart_jobs(names: tuple[str, ...]) -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each chart's key and the plain data it is drawn from, read on one day."""
    code, colour = lang.value, colour_by.value
    if any(name in COMPARE_CHARTS for name in names):
        both = pair()
        day, left, right = both.series_pair()
        shown = ["day", *headline("series")]
        data = {"left": left[shown], "right": right[shown],
                "names": (both.left.scenario.name, both.right.scenario.name)}
        return {"compare": ((code, None, both.token, day), data)}
    snap = single().snapshot(colour, shown_community())
    data = {"series": snap.series[["day", *headline("series")]], "marks": snap.marks,
            "nodes": snap.district.nodes, "edges": snap.district.edges, "colour_by": colour,
            "settled": snap.settled, "channels": snap.channels,
            "neighbours": snap.neighbours,
            "community_label": single().community_labels(code)[snap.neighbours.community]}
    return {name: ((code, _option(name), snap.token, snap.day), data) for name in names}



def _chart_worker() -> ProcessPoolExecutor | None:
    """The server's chart worker process once it is ready; None until then, or if it failed.

    While playing, charts are drawn there, so matplotlib never holds this process's GIL: the
    model and the numbers keep their pace, and the charts theirs, on a busy machine too. The
    first call starts it (a second or two); until it is ready, and for good if it cannot start
    or dies, the charts are drawn in this process.
    """
    with _worker_lock:
        if "pool" not in _worker:
            try:
                pool = ProcessPoolExecutor(max_workers=1,
                                           mp_context=multiprocessing.get_context("spawn"),
                                           initializer=charts.exit_with_parent,
                                           initargs=(os.getpid(),))
                _worker.update(pool=pool, ready=pool.submit(charts.cjk_families))
            except (OSError, RuntimeError):
                _worker.update(pool=None, ready=None)
        pool, ready = _worker["pool"], _worker["ready"]
    if pool is None or not ready.done():
        return None
    if ready.exception() is not None:
        _retire_chart_worker()
        return None
    return pool


def _retire_chart_worker() -> None:
    """Stop using the chart worker (it died or could not start): draw here from now on."""
    with _worker_lock:
        pool, _worker["pool"] = _worker.get("pool"), None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


# -- play -------------------------------------------------------------------------------------
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


def play() -> None:
    """While playing: step and show the numbers every tick, draw charts in a second thread.

    Runs as the page's play task (a thread); returns when paused, at the run's end, when the
    page is gone, or when a newer Play took over. The charts of the last day are drawn then,
    and the button shows Play again (also if a step raised).
    """
    if not playing.value:
        return
    serial = play_serial.value
    _chart_worker()  # starts the worker on the first play; charts are drawn here until ready
    stop = threading.Event()
    painter = threading.Thread(target=_paint, args=(stop,), name="cogov-charts", daemon=True)
    painter.start()
    try:
        _tick_while_playing(serial)
    finally:
        stop.set()
        painter.join()
        if play_serial.value == serial:  # else a newer Play owns the page now
            playing.value = False
            chart_tick.value += 1


def _tick_while_playing(serial: int) -> None:
    """The play loop: ticks paced at TICKS_PER_S, catching up on missed ticks when late."""
    period = 1 / TICKS_PER_S
    due = time.monotonic()
    while playing.value and play_serial.value == serial:
        if run_is_over() or not page_connected():
            playing.value = False
            return
        started = time.monotonic()
        missed = int(max(0.0, started - due) / period)
        ticks, days, model_s = _catch_up(1 + missed, started + MAX_STEP_S)
        tick.value += 1
        shown = time.monotonic()
        due = max(due + ticks * period, shown - MAX_LAG_S)
        time.sleep(max(MIN_GAP_S, due - shown))
        _log_timing(days=days, model_s=model_s, publish_s=shown - started - model_s,
                    wait_s=time.monotonic() - shown, tick_s=time.monotonic() - started)


def _catch_up(ticks: int, deadline: float) -> tuple[int, int, float]:
    """Step up to ``ticks`` ticks' days (until ``deadline``, not past the run's end).

    Returns:
        The ticks done, the days stepped and the seconds spent stepping.
    """
    run, per = shown_run(), days_per_tick.value
    left = max(0, run.scenario.run.days - run.day)
    started = time.monotonic()
    done = days = 0
    while done < ticks and days < left and (done == 0 or time.monotonic() < deadline):
        step = min(per, left - days)
        step_days(step)
        done, days = done + 1, days + step
    return max(done, 1), days, time.monotonic() - started


def _paint(stop: threading.Event) -> None:
    """Draw the shown charts about every CHART_INTERVAL_S until ``stop`` is set."""
    due = time.monotonic() + CHART_INTERVAL_S
    while not stop.wait(max(0.0, due - time.monotonic())):
        due = time.monotonic() + CHART_INTERVAL_S
        started = time.monotonic()
        draw_charts(in_worker=True)
        _log_timing(charts_s=time.monotonic() - started, shown_at=time.monotonic())


def _log_timing(**numbers: float) -> None:
    """Append one JSON line to the file named by TIMING_ENV (nothing when it is unset)."""
    path = os.environ.get(TIMING_ENV)
    if not path:
        return
    with _log_lock, open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(numbers) + "\n")
