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


@contextmanager
def cycle_collection_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's cyclic garbage collector for a run, then collect once.

    A run frees its cases by reference counting and makes almost no reference cycles, but it
    keeps millions of tracked objects alive (residents, queued cases, timers), so automatic
    collections rescan them over and over: at a million residents they took about 45% of the
    run's time with no memory to show for it (benchmarks/scale.py). Results do not depend on
    it: collection never changes what the model computes.

    Yields a function to call once the model is built: what exists then (a million residents)
    is left out of the closing collection, which then scans only what the run made, and is
    handed back to the collector afterwards (unless the caller had frozen objects of its own,
    which it alone may unfreeze: then nothing is frozen).
    """
    enabled = gc.isenabled()
    ours = gc.get_freeze_count() == 0
    gc.disable()
    try:
        yield gc.freeze if ours else _nothing
    finally:
        if enabled:
            gc.enable()
        gc.collect()
        if ours:
            gc.unfreeze()


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
    """Run one scenario with one seed; return the summary (same as ``cogov run --json``)."""
    return summarize(run_model(scenario, seed=seed, days=days))


def daily_series(model: GovernanceModel) -> pd.DataFrame:
    """The daily outcomes the DataCollector recorded, one row per day (day 0 = start)."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index.name = "day"
    return frame.reset_index()
