"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Each backend takes an iterator of tasks and yields each finished run's result as it completes
(in any order). Only a bounded number of tasks is in flight at a time, so memory stays flat
however long the sweep, and a run's result depends only on its task, never on the backend, the
worker or the order: every run builds its own model from its own scenario and seed.
"""

from __future__ import annotations

import logging
import math
import os
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import pandas as pd

from model.experiment.design import Run
from model.outcomes import OUTCOMES
from model.scenario import Scenario, load_scenario

BACKENDS = ("serial", "processes", "dask")
CONNECT_TIMEOUT = "20s"
# A run is pure Python holding the GIL for seconds; Dask's 20 ms event-loop tick, 10 ms
# statistical profiler and frequent monitors interrupt it (runs measured about 10% slower on a
# local cluster with them). Whole-run tasks need none of that detail.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


class BackendError(Exception):
    """A backend that cannot start (Dask missing, scheduler unreachable); one line."""


@dataclass(frozen=True)
class Task:
    """What a worker needs for one run: the plan entry, its base scenario, what to keep."""

    run: Run
    base: Scenario
    save_series: bool = False
    periods: tuple[str, ...] = ()  # calendar periods whose figures the row also holds


@dataclass
class Result:
    """One finished run: its table row, and its daily series when asked for."""

    row: dict[str, Any]
    series: pd.DataFrame | None = None


def execute(task: Task) -> Result:
    """Run one task; a run that raises is returned as a failed row with its traceback."""
    from model.simulate import one_collection_per_run

    with one_collection_per_run():
        return _execute(task)


def _execute(task: Task) -> Result:
    """:func:`execute`'s run, summary and release."""
    from model.outcomes import summarize
    from model.periods import PERIOD_OUTCOMES, period_outcomes
    from model.simulate import daily_series, release, run_model  # workers import lazily

    run = task.run
    row: dict[str, Any] = {"run_id": run.run_id, "scenario": run.scenario, "point": run.point,
                           "replication": run.replication, "seed": run.seed, **dict(run.values)}
    start = time.perf_counter()
    try:
        scenario = load_scenario(task.base, dict(run.values))
        model = run_model(scenario, seed=run.seed)
        summary = summarize(model)
        periods = {period_column(label, name): value for label in task.periods
                   for name, value in period_outcomes(model, label).items()}
    except Exception:  # noqa: BLE001 - any failure is recorded and the sweep goes on
        row.update({o.name: math.nan for o in OUTCOMES})
        row.update({period_column(label, name): math.nan for label in task.periods
                    for name in PERIOD_OUTCOMES})
        row.update(status="failed", error=traceback.format_exc(),
                   seconds=time.perf_counter() - start)
        release()
        return Result(row)
    row.update({o.name: _number(summary.get(o.name)) for o in OUTCOMES})
    row.update({column: _number(value) for column, value in periods.items()})
    row.update(status="ok", error="", seconds=time.perf_counter() - start)
    series = None
    if task.save_series:
        series = daily_series(model)
        series.insert(0, "run_id", run.run_id)
    del model
    release()  # a worker runs many models: free this one before the next
    return Result(row, series)


def period_column(period: str, outcome: str) -> str:
    """The column of a run's row holding ``outcome`` over calendar ``period``."""
    return f"{period}:{outcome}"


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def start_worker() -> None:
    """Load what a run needs and freeze it, so the collection after each run skips it.

    A local pool's and a local Dask cluster's workers start with it (one the nanny restarts
    runs unfrozen: slower, same results); a remote cluster's workers, which may serve others,
    and the serial loop, which runs in the caller's process, are left as they are.
    """
    import model.outcomes  # noqa: F401 - what execute imports lazily, loaded before the freeze
    import model.periods  # noqa: F401
    from model.simulate import freeze_loaded_objects

    freeze_loaded_objects()


def run_serial(tasks: Iterable[Task]) -> Iterator[Result]:
    """Run the tasks one after another in this process."""
    for task in tasks:
        yield execute(task)


def run_processes(tasks: Iterable[Task], workers: int) -> Iterator[Result]:
    """Run the tasks in a pool of ``workers`` fresh (spawned) processes."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=start_worker)
    try:
        yield from _bounded(tasks, lambda task: pool.submit(execute, task), 2 * workers,
                            _wait_local)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _wait_local(pending: set[Future]) -> tuple[set[Future], set[Future]]:
    done, rest = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(rest)


def _bounded(tasks: Iterable[Task], submit: Any, limit: int, wait_some: Any) -> Iterator[Result]:
    """Keep at most ``limit`` tasks in flight; yield results as they complete."""
    pending: set[Any] = set()
    for task in tasks:
        pending.add(submit(task))
        if len(pending) >= limit:
            done, pending = wait_some(pending)
            yield from (future.result() for future in done)
    while pending:
        done, pending = wait_some(pending)
        yield from (future.result() for future in done)


def run_dask(tasks: Iterable[Task], workers: int, scheduler: str | None = None) -> Iterator[Result]:
    """Run the tasks on a Dask cluster: the one at ``scheduler``, or a local one started here.

    A local cluster has ``workers`` single-threaded worker processes listening on 127.0.0.1
    and is closed when the sweep ends. On a remote cluster every worker needs cogov installed.
    """
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as dask_wait
    except ImportError:
        raise BackendError("the dask backend needs Dask: pip install 'cogov[sweep]'") from None
    cluster = None
    if scheduler is None:
        import dask

        with dask.config.set(QUIET_WORKERS):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None,
                                   silence_logs=logging.ERROR)
    try:
        client = Client(scheduler or cluster, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise BackendError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        if cluster is not None:
            client.run(start_worker)
        threads = sum(client.nthreads().values()) or workers

        def wait_some(pending: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(done), set(rest)

        def submit(task: Task) -> Any:
            return client.submit(execute, task, pure=False)

        yield from _bounded(tasks, submit, 2 * threads, wait_some)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def run_tasks(tasks: Iterable[Task], backend: str, workers: int | None = None,
              scheduler: str | None = None) -> Iterator[Result]:
    """Dispatch ``tasks`` to the named backend (``serial``, ``processes`` or ``dask``)."""
    workers = workers or default_workers()
    if backend == "serial":
        return run_serial(tasks)
    if backend == "processes":
        return run_serial(tasks) if workers == 1 else run_processes(tasks, workers)
    if backend == "dask":
        return run_dask(tasks, workers, scheduler)
    raise ValueError(f"unknown backend '{backend}' (allowed: {', '.join(BACKENDS)})")
