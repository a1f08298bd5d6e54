"""Every error cogov raises survives pickling whole: across process pools and Dask workers."""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import pkgutil
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pytest

import model
from model import ScenarioError, load_scenario

# One sample of the arguments of each error type the package defines (a new type needs one).
SAMPLES: dict[str, tuple] = {
    "ScenarioError": (["a.toml: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)",
                       "a.toml: devolution.level: expected a number, got 'x'"],),
    "DanglingReferenceError": ("categories.noise.departments",
                               "'police' is not a department (allowed: urban)"),
    "UsageError": ("cogov run: error: argument --seed: expected a whole number",),
    "ReportError": ("results/x: no runs.parquet: not a sweep's folder",),
    "BackendError": ("dask: scheduler tcp://10.0.0.1:8786 unreachable",),
    "CalibrationError": ("12 of 240 fitting runs failed",),
    "FolderBusyError": ("out: in use by pid 25815 on vm since 2026-11-29T20:24:45+00:00",),
    "StoreReadError": (Path("out/runs.parquet"), "cannot be read (truncated or not Parquet)"),
    "PeriodError": ("period '2018-13': not a period (allowed: YYYY, YYYY-MM or "
                    "YYYY-MM..YYYY-MM)",),
}


@cache
def error_types() -> dict[str, type[BaseException]]:
    """Every exception class defined in the ``model`` package, by name."""
    found = {}
    for info in pkgutil.walk_packages(model.__path__, "model."):
        if info.name.startswith("model.dashboard"):
            continue  # the dashboard defines no errors and imports Solara
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__ == info.name):
                found[value.__name__] = value
    return found


def raise_error(name: str, args: tuple) -> None:
    """Raise error type ``name`` with ``args`` (runs in a worker process)."""
    raise error_types()[name](*args)


def load_bad_override() -> None:
    """What a sweep worker does with a bad sampled value."""
    load_scenario("baseline", {"whistle.stuck_days": 0})


def same(a: BaseException, b: BaseException) -> bool:
    return type(a) is type(b) and a.args == b.args and vars(a) == vars(b) and str(a) == str(b)


def test_every_error_type_has_a_sample():
    assert set(error_types()) == set(SAMPLES), "add a sample for each new error type"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_errors_round_trip_through_pickle(name):
    error = error_types()[name](*SAMPLES[name])
    copy = pickle.loads(pickle.dumps(error))
    assert same(error, copy), f"{name} should come back from pickle as it was raised"


def test_errors_come_back_whole_from_a_process_pool():
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        for name, args in SAMPLES.items():
            with pytest.raises(error_types()[name]) as caught:
                pool.submit(raise_error, name, args).result()
            assert same(caught.value, error_types()[name](*args)), name
        with pytest.raises(ScenarioError) as caught:
            pool.submit(load_bad_override).result()
    assert caught.value.problems == [
        "overrides: whistle.stuck_days: 0 is out of range (allowed: 1 to 180)"], (
        "a scenario error from a worker keeps its lines, not one character per line")
