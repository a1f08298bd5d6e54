"""Running one scenario for one seed: the summary dict and the daily series."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from model.governance import GovernanceModel
from model.outcomes import summarize
from model.scenario import Scenario, load_scenario

#: Objects already frozen when this module was imported: CPython 3.12.1 freezes a few hundred
#: of its own at startup, which is not a caller's freeze to respect.
_FROZEN_AT_IMPORT = gc.get_freeze_count()


@contextmanager
def cycle_collection_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's cyclic garbage collector for a run; hand everything back unscanned.

    A run frees its cases by reference counting and makes no reference cycles (a collection
    after a year at 100,000 residents found none), but it keeps millions of tracked objects
    alive (residents, queued cases, timers), so automatic collections rescan them over and
    over: at a million residents they took about 45% of the run's time with no memory to show
    for it (benchmarks/scale.py). Results do not depend on it: collection never changes what
    the model computes.

    Yields a function to call once the model is built: it freezes what exists then (a million
    residents). At the end what the run made is frozen too and everything is unfrozen into
    the collector's oldest generation, unscanned: a closing collection of it took 3-5 s at a
    million residents and freed nothing. If the caller had frozen objects of its own (more
    than were frozen when this module was imported), which it alone may unfreeze, nothing is
    frozen and the run ends with one full collection instead, unless the caller keeps the
    collector off until it frees the run (:func:`one_collection_per_run`).
    """
    enabled = gc.isenabled()
    ours = gc.get_freeze_count() <= _FROZEN_AT_IMPORT
    gc.disable()
    try:
        yield gc.freeze if ours else _nothing
    finally:
        if enabled:
            gc.enable()
        if ours:
            gc.freeze()  # what the run made joins the frozen model...
            gc.unfreeze()  # ...and all of it goes to the oldest generation
        elif enabled:
            gc.collect()


def freeze_loaded_objects() -> bool:
    """Keep what a worker process has loaded out of the collections that free its runs.

    A process running one model after another frees each with a full collection
    (:func:`release`), which also walks every module, function and class the process has
    loaded: at 10,000 residents that walk was about 0.08 s of a 0.09 s collection, a tenth of
    a run. Frozen, they are skipped. Frozen objects are never collected, so this is for a
    worker that only runs models; a process that froze objects of its own keeps its freeze
    and nothing is frozen here.

    Returns:
        Whether this froze anything.
    """
    if gc.get_freeze_count() > _FROZEN_AT_IMPORT:
        return False
    gc.collect()
    gc.freeze()
    return True


@contextmanager
def one_collection_per_run() -> Iterator[None]:
    """Keep the collector off from a run's start until it is freed (one full collection).

    Where objects are frozen (a worker, :func:`freeze_loaded_objects`), a run ends with a
    full collection while the model is still alive (:func:`cycle_collection_paused`), and
    :func:`release` walks it again once dropped: at a million residents each walk takes
    seconds. With the collector off until the release, the release's is the only one.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _nothing() -> None:
    """Freeze nothing (see :func:`cycle_collection_paused`)."""


def run_model(
    scenario: Scenario | str | Path, seed: int = 0, days: int | None = None
) -> GovernanceModel:
    """Build a model for ``scenario`` and run it for ``days`` (default: the scenario's)."""
    params = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    with cycle_collection_paused() as built:
        model = GovernanceModel(params, rng=seed)
        built()
        for _ in range(params.run.days if days is None else days):
            model.step()
    return model


def simulate(
    scenario: Scenario | str | Path, seed: int = 0, days: int | None = None
) -> dict[str, Any]:
    """Run one scenario with one seed; return the summary (same as ``cogov run --json``).

    The run is freed before returning (see :func:`release`), so a loop of runs keeps one.
    """
    with one_collection_per_run():
        model = run_model(scenario, seed=seed, days=days)
        summary = summarize(model)
        del model
        release()
    return summary


def release() -> None:
    """Free the runs this process has dropped.

    A model and its agents refer to each other, so only the cyclic collector frees a finished
    run, and :func:`cycle_collection_paused` hands a run to the collector's oldest generation,
    which it rarely scans: a process that runs one model after another (a loop of runs, a
    sweep's worker) calls this after dropping each, or keeps every run it made (about 15 MB
    each at 20,000 residents; a thousand runs filled 24 GB). It takes about 0.1 s at 20,000
    residents.
    """
    gc.collect()


def daily_series(model: GovernanceModel) -> pd.DataFrame:
    """The daily outcomes the DataCollector recorded, one row per day (day 0 = start)."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index.name = "day"
    # an outcome undefined every day so far (None) is a column of NaN, as written to CSV
    undefined = [name for name in frame.columns if frame[name].dtype == object]
    frame[undefined] = frame[undefined].apply(pd.to_numeric)
    return frame.reset_index()
