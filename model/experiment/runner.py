"""The sweep runner: plan an experiment, skip what is stored, run the rest, keep every result.

:func:`run_sweep` locks the result folder (:mod:`model.locking`), checks it against the spec (a
folder written by a different spec, or by another command, is refused unless ``fresh``), plans
every run, skips the ones already stored as ``ok``, sends the rest to a backend with a progress
bar, and stores each result the moment it arrives. Running the same command again after a kill
resumes where it stopped, and the final table is the same as an uninterrupted sweep's.

Nothing stored is dropped: fewer replications than the folder holds (the spec hash leaves the
replication count out, so this is the same spec) give a table of the plan's runs, while
``runs.parquet`` keeps the others after them and a later sweep with more replications reuses
them. A store file that cannot be read stops the sweep with one line naming it. A sweep that
finds every planned run stored under an up-to-date manifest writes nothing, so it also works
in a read-only folder.
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
from model.experiment.store import ResultStore, StoreReadError
from model.locking import LOCK_NAME, FolderLock
from model.provenance import git_commit, jsonable, package_versions
from model.scenario import ScenarioError

COMPACT_EVERY = 200
FRESH_OR_OUT = "use --fresh to discard the folder's results, or --out to write elsewhere"


@dataclass
class SweepSummary:
    """What a sweep did: runs planned, skipped (already stored), finished ok, failed.

    ``runs`` is the table of the planned runs; ``kept`` counts the other runs the folder
    stores (further replications of an earlier sweep), which stay in ``runs.parquet``.
    """

    out: Path
    planned: int
    skipped: int
    ok: int
    failed: int
    seconds: float
    status: str
    runs: pd.DataFrame
    kept: int = 0


def check_store(store: ResultStore, experiment: Experiment, fresh: bool) -> None:
    """Refuse a folder holding results of another spec; with ``fresh``, empty it instead.

    A folder whose manifest another command wrote (``cogov compare``, ``cogov run``) or that
    is not a sweep's is refused even with ``fresh``: a sweep deletes only what sweeps write.

    Raises:
        ScenarioError: One line naming the folder or file, what is wrong and what to do.
    """
    links = store.links()
    if links:
        raise ScenarioError([f"{links[0]}: is a link; a sweep writes only inside its own "
                             f"folder (remove the link, or use --out to write elsewhere)"])
    try:
        stored = store.read_manifest()
    except StoreReadError as error:
        if not fresh:
            raise ScenarioError([f"{error}; {FRESH_OR_OUT}"]) from None
        store.clear(report=False)  # a cogov manifest, damaged: --fresh removes the store's files
        return
    _check_owner(store, stored)
    if stored is None:
        _check_empty(store)
    if fresh:
        store.clear(report=stored is not None)
        return
    if stored is None:
        return
    if stored.get("spec_hash") == experiment.spec_hash():
        return
    changed = _changed_keys(stored.get("fingerprint") or {}, experiment.fingerprint())
    raise ScenarioError([f"{store.root}: results were written by a different spec "
                         f"(changed: {', '.join(changed) or 'unknown'}); use --fresh to discard "
                         f"them or --out to write elsewhere"])


def _check_empty(store: ResultStore) -> None:
    """Refuse a folder that holds anything but a sweep wrote no manifest there (even fresh).

    Without a sweep's manifest nothing in the folder is known to be a sweep's, so nothing in
    it may be deleted or overwritten: the sweep needs a new or empty folder.
    """
    others = sorted(path.name for path in store.root.iterdir()
                    if path.name != LOCK_NAME) if store.root.is_dir() else []
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise ScenarioError([f"{store.root}: holds files no sweep wrote ({shown}); use a new "
                             f"or empty folder for --out"])


def _check_owner(store: ResultStore, stored: dict[str, Any] | None) -> None:
    """Refuse a manifest that is not a sweep's (whatever ``fresh`` says)."""
    if stored is None or ("spec_hash" in stored and "command" not in stored):
        return
    command = stored.get("command")
    what = (f"written by cogov {command}, not by a sweep" if isinstance(command, str)
            else "not a sweep's manifest")
    raise ScenarioError([f"{store.manifest_path}: {what}; use --out to write the sweep "
                         f"elsewhere"])


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
                   else design.seed, "repeat": experiment.repeat},
        "factors": [factor.as_dict() for factor in experiment.factors],
        "problem": salib_problem(experiment.factors) if sampled else None,
        "scenarios": [{"name": b.name, "ref": b.ref, "scenario_hash": stamp["scenario_hash"]}
                      for b, stamp in zip(experiment.scenarios, fingerprint["scenarios"],
                                          strict=True)],
        "replications": experiment.spec.replications, "seeds": experiment.seeds,
        "root_seed": experiment.spec.root_seed, "days": experiment.days,
        "outcomes": experiment.spec.outcomes,
        "analysis": experiment.spec.analysis.model_dump(mode="json"),
        "save_series": experiment.spec.save_series, "periods": experiment.spec.periods,
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
        yield Task(run, base, experiment.spec.save_series, tuple(experiment.spec.periods))


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
        fresh: Discard the results a sweep stored in the folder instead of resuming.
        progress: Show a progress bar (runs done, failed, rate, time left).

    Returns:
        The summary, with the table of the planned runs (in plan order).

    Raises:
        ScenarioError: The folder holds results of a different spec (and not ``fresh``), was
            written by another command, has a file that cannot be read, or is locked by
            another process (:class:`model.locking.FolderBusyError`); one line each.
    """
    store = ResultStore(out)
    runs = plan_runs(experiment, design_points(experiment))
    start = time.perf_counter()
    complete = None if fresh else _complete_table(store, experiment, runs)
    if complete is not None:
        table, kept = complete
        return SweepSummary(store.root, len(runs), len(runs), len(runs), 0,
                            time.perf_counter() - start, "complete", table, kept)
    with FolderLock(store.root, f"sweep '{experiment.name}'"):
        check_store(store, experiment, fresh)
        store.remove_stale_temporaries()
        try:  # parts left by a killed sweep join the table first
            stored = store.compact([run.run_id for run in runs])
        except StoreReadError as error:
            raise ScenarioError([f"{error}; {_advice(store, error.path)}"]) from None
        return _run_rest(store, experiment, runs, stored, backend, workers, scheduler,
                         progress, start)


def _advice(store: ResultStore, path: Path) -> str:
    """What to do about a stored table that cannot be read."""
    if path.parent == store.parts_dir:
        return "delete it to rerun that run, or use --fresh to discard the folder's results"
    return "move it away to rerun its runs, or use --fresh to discard the folder's results"


def _complete_table(store: ResultStore, experiment: Experiment,
                    runs: list[Run]) -> tuple[pd.DataFrame, int] | None:
    """The planned runs' table and how many other runs are stored, if nothing is left to do.

    Nothing is left to run or to write when this spec's sweep, with this many replications,
    completed in the folder and every planned run is stored as ``ok``; otherwise None.

    Raises:
        ScenarioError: The manifest or a stored table cannot be read (one line).
    """
    try:
        stored = store.read_manifest()
        if (stored is None or stored.get("status") != "complete" or store.pending()
                or stored.get("spec_hash") != experiment.spec_hash()
                or stored.get("replications") != experiment.spec.replications
                or (stored.get("design") or {}).get("repeat") != experiment.repeat):
            return None
        rows = store.read_rows()
    except StoreReadError as error:
        advice = FRESH_OR_OUT if error.path == store.manifest_path else _advice(store,
                                                                               error.path)
        raise ScenarioError([f"{error}; {advice}"]) from None
    if rows is None:
        return None
    order = [run.run_id for run in runs]
    table = _planned(rows, order)
    if list(table["run_id"]) != order or not (table["status"] == "ok").all():
        return None
    return table, len(rows) - len(table)


def _planned(table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The rows of the planned runs (the first ones of a compacted table)."""
    if not len(table):
        return table
    return table[table["run_id"].isin(set(order))].reset_index(drop=True)


def _run_rest(store: ResultStore, experiment: Experiment, runs: list[Run],
              stored: pd.DataFrame, backend: str, workers: int | None,
              scheduler: str | None, progress: bool, start: float) -> SweepSummary:
    """Run the planned runs not stored as ``ok``, in the locked and checked folder."""
    order = [run.run_id for run in runs]
    done = set(stored["run_id"][stored["status"] == "ok"]) if len(stored) else set()
    todo = [run for run in runs if run.run_id not in done]
    workers = workers or default_workers()
    info = base_manifest(experiment, backend, workers, len(runs))
    store.write_manifest(info)
    _store_design(store, experiment)
    status, failed = "interrupted", 0
    bar = tqdm(total=len(runs), initial=len(runs) - len(todo), unit="run",
               desc=experiment.name, disable=not progress or not todo, mininterval=0.5,
               dynamic_ncols=True)
    try:
        for result in run_tasks(_tasks(experiment, todo), backend, workers, scheduler):
            store.add(result)
            failed += result.row["status"] != "ok"
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()
            if store.pending() >= COMPACT_EVERY:
                store.compact(order)
        status = "complete"
    finally:
        bar.close()
        whole = store.compact(order)
        table = _planned(whole, order)
        ok = int((table["status"] == "ok").sum()) if len(table) else 0
        info.update(status=status, finished_utc=_now(), other_runs=len(whole) - len(table),
                    counts={"planned": len(runs), "ok": ok, "failed": len(table) - ok})
        store.write_manifest(info)
    return SweepSummary(store.root, len(runs), len(runs) - len(todo), ok, len(table) - ok,
                        time.perf_counter() - start, status, table, len(whole) - len(table))


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
