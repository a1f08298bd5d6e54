"""The sweep runner: plan an experiment, skip what is stored, run the rest, keep every result.

:func:`run_sweep` checks the result folder against the spec (a folder written by a different
spec is refused unless ``fresh``), plans every run, skips the ones already stored as ``ok``,
sends the rest to a backend with a progress bar, and stores each result the moment it arrives.
Running the same command again after a kill resumes where it stopped, and the final table is
the same as an uninterrupted sweep's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from model.experiment.backends import Task, default_workers, run_tasks
from model.experiment.design import Run, design_points, plan_runs, salib_problem, sample_matrix
from model.experiment.spec import Experiment
from model.experiment.store import ResultStore
from model.provenance import git_commit, jsonable, package_versions
from model.scenario import ScenarioError

COMPACT_EVERY = 200


@dataclass
class SweepSummary:
    """What a sweep did: runs planned, skipped (already stored), finished ok, failed."""

    out: Path
    planned: int
    skipped: int
    ok: int
    failed: int
    seconds: float
    status: str
    runs: pd.DataFrame


def check_store(store: ResultStore, experiment: Experiment, fresh: bool) -> None:
    """Refuse a folder holding results of another spec; with ``fresh``, empty it instead.

    Raises:
        ScenarioError: One line naming the folder, what changed and what to do.
    """
    if fresh:
        store.clear()
        return
    stored = store.read_manifest()
    if stored is None:
        if store.has_results():
            raise ScenarioError([f"{store.root}: holds run results without a manifest.json; "
                                 f"use --fresh to discard them or --out to write elsewhere"])
        return
    if stored.get("spec_hash") == experiment.spec_hash():
        return
    changed = _changed_keys(stored.get("fingerprint") or {}, experiment.fingerprint())
    raise ScenarioError([f"{store.root}: results were written by a different spec "
                         f"(changed: {', '.join(changed) or 'unknown'}); use --fresh to discard "
                         f"them or --out to write elsewhere"])


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level spec keys (and ``days``, ``scenarios``) that differ between fingerprints."""
    old_spec, new_spec = old.get("spec", {}), new.get("spec", {})
    keys = [key for key in dict.fromkeys([*new_spec, *old_spec])
            if jsonable(old_spec.get(key)) != jsonable(new_spec.get(key))]
    if "days" not in keys and old.get("days") != new.get("days"):
        keys.append("days")
    if old.get("code") != new.get("code"):
        keys.append("model code (cogov version or the source results depend on)")
    old_hashes = [s.get("scenario_hash") for s in old.get("scenarios", [])]
    if old_hashes != [s["scenario_hash"] for s in new.get("scenarios", [])]:
        keys.append("scenario contents")
    return keys


def base_manifest(experiment: Experiment, backend: str, workers: int,
                  planned: int) -> dict[str, Any]:
    """The manifest of a sweep as it starts (status ``running``)."""
    design = experiment.spec.design
    sampled = experiment.design_kind in ("lhs", "sobol", "morris")
    fingerprint = experiment.fingerprint()
    return jsonable({
        "experiment": experiment.name, "description": experiment.spec.description,
        "spec_file": experiment.source, "spec": experiment.spec.model_dump(mode="json"),
        "spec_hash": experiment.spec_hash(), "fingerprint": fingerprint,
        "design": {"kind": experiment.design_kind, "samples": design.samples,
                   "levels": design.levels, "calc_second_order": design.calc_second_order,
                   "seed": experiment.spec.root_seed % 2**32 if design.seed is None
                   else design.seed},
        "factors": [factor.as_dict() for factor in experiment.factors],
        "problem": salib_problem(experiment.factors) if sampled else None,
        "scenarios": [{"name": b.name, "ref": b.ref, "scenario_hash": stamp["scenario_hash"]}
                      for b, stamp in zip(experiment.scenarios, fingerprint["scenarios"],
                                          strict=True)],
        "replications": experiment.spec.replications, "seeds": experiment.seeds,
        "root_seed": experiment.spec.root_seed, "days": experiment.days,
        "outcomes": experiment.spec.outcomes,
        "analysis": experiment.spec.analysis.model_dump(mode="json"),
        "save_series": experiment.spec.save_series,
        "versions": package_versions(), "commit": git_commit(),
        "started_utc": _now(), "finished_utc": None, "status": "running",
        "backend": backend, "workers": workers,
        "counts": {"planned": planned, "ok": 0, "failed": 0},
    })


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _store_design(store: ResultStore, experiment: Experiment) -> None:
    matrix = sample_matrix(experiment)
    if matrix is None:
        return
    frame = pd.DataFrame(matrix, columns=[f.key for f in experiment.factors])
    frame.insert(0, "point", range(len(frame)))
    store.write_design(frame)


def _tasks(experiment: Experiment, runs: list[Run]) -> Iterator[Task]:
    for run in runs:
        base = experiment.scenarios[run.scenario_index].scenario
        yield Task(run, base, experiment.spec.save_series)


def run_sweep(
    experiment: Experiment, out: str | Path, *, backend: str = "processes",
    workers: int | None = None, scheduler: str | None = None, fresh: bool = False,
    progress: bool = True,
) -> SweepSummary:
    """Run every planned run not already stored, storing each result as it finishes.

    Args:
        experiment: The validated experiment.
        out: Its result folder.
        backend: ``serial``, ``processes`` (local pool) or ``dask``.
        workers: Worker processes (default: one per core; Dask: for a local cluster).
        scheduler: Address of a running Dask scheduler (``dask`` only; default: start a
            local cluster for the sweep).
        fresh: Discard whatever the folder holds instead of resuming.
        progress: Show a progress bar (runs done, failed, rate, time left).

    Returns:
        The summary, with the final run table.

    Raises:
        ScenarioError: The folder holds results of a different spec (and not ``fresh``).
    """
    store = ResultStore(out)
    check_store(store, experiment, fresh)
    runs = plan_runs(experiment, design_points(experiment))
    order = [run.run_id for run in runs]
    store.remove_stale_temporaries()
    stored = store.compact(order)  # parts left by a killed sweep join the table first
    done = set(stored["run_id"][stored["status"] == "ok"]) if len(stored) else set()
    todo = [run for run in runs if run.run_id not in done]
    workers = workers or default_workers()
    info = base_manifest(experiment, backend, workers, len(runs))
    store.write_manifest(info)
    _store_design(store, experiment)
    start, status, failed = time.perf_counter(), "interrupted", 0
    bar = tqdm(total=len(runs), initial=len(runs) - len(todo), unit="run",
               desc=experiment.name, disable=not progress or not todo, mininterval=0.5,
               dynamic_ncols=True)
    try:
        results = run_tasks(_tasks(experiment, todo), backend, workers, scheduler)
        for result in results:
            store.add(result)
            failed += result.row["status"] != "ok"
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()
            if store.pending() >= COMPACT_EVERY:
                store.compact(order)
        status = "complete"
    finally:
        bar.close()
        table = store.compact(order)
        ok = int((table["status"] == "ok").sum()) if len(table) else 0
        info.update(status=status, finished_utc=_now(),
                    counts={"planned": len(runs), "ok": ok, "failed": len(table) - ok})
        store.write_manifest(info)
    return SweepSummary(store.root, len(runs), len(runs) - len(todo), ok, len(table) - ok,
                        time.perf_counter() - start, status, table)


def summaries_by_scenario(
    runs: pd.DataFrame, names: list[str]
) -> dict[str, list[dict[str, float | None]]]:
    """The ``ok`` runs' outcomes by scenario (in ``names`` order), NaN read as None.

    The shape :func:`model.compare.compare_table` takes; runs keep the table's order.
    """
    from model.outcomes import OUTCOMES

    results: dict[str, list[dict[str, float | None]]] = {name: [] for name in names}
    if not len(runs):
        return results
    ok = runs[runs["status"] == "ok"]
    columns = [o.name for o in OUTCOMES if o.name in ok.columns]
    for name, values in zip(ok["scenario"], ok[columns].to_numpy(dtype=float), strict=True):
        results[name].append({col: None if math.isnan(v) else float(v)
                              for col, v in zip(columns, values, strict=True)})
    return results
