"""Running a calibration: fitting runs, emulator, ABC, check at the posterior, reform sequence.

Everything lands in one folder:

- ``design/``: the fitting runs, an ordinary result store (resumable, any backend);
- ``posterior.parquet``: accepted parameter draws with their emulated outcomes;
- ``check.parquet``: simulator runs at the posterior mean and at posterior draws;
- ``sequence.parquet``: the reform sequence, one row per stage and chain;
- ``calibration.json``: the fitted values, the fit, the comparison with the published
  trajectory, and the provenance (spec, seeds, versions, commit, times).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.emulator import (
    abc_rejection,
    cross_validate,
    fit_emulator,
    posterior_table,
)
from model.calibration.spec import Calibration
from model.compare import mean_ci, replication_seeds
from model.experiment.backends import Result, Task, run_tasks
from model.experiment.design import Run
from model.experiment.runner import run_sweep
from model.experiment.spec import code_stamp
from model.provenance import (
    jsonable,
    package_versions,
    replace_atomically,
    source_hash,
    write_json_atomic,
)
from model.scenario import Scenario

#: The outcome Beijing's published volume is compared with: what 12345 receives, requests and
#: information requests alike.
VOLUME = "hotline_volume_per_resident"
CARRIED = {"population.initial_satisfaction": "mean_satisfaction",
           "population.initial_trust": "mean_trust"}


class CalibrationError(Exception):
    """A calibration that cannot go on (failed fitting runs); one line."""


@dataclass
class Backend:
    """Where the calibration's runs execute (see :func:`model.experiment.run_sweep`)."""

    name: str = "processes"
    workers: int | None = None
    scheduler: str | None = None
    progress: bool = True


def calibrate(calibration: Calibration, out: str | Path, backend: Backend | None = None,
              fresh: bool = False) -> dict[str, Any]:
    """Fit the calibration's parameters and run its reform sequence; write ``out``.

    Returns:
        The contents of ``calibration.json``.

    Raises:
        CalibrationError: Some fitting runs failed (rerun to retry just those).
        ScenarioError: ``out/design`` holds runs of a different spec (and not ``fresh``).
    """
    backend = backend or Backend()
    out = Path(out)
    started = time.perf_counter()
    spec = calibration.spec
    sweep = run_sweep(calibration.design, out / "design", backend=backend.name,
                      workers=backend.workers, scheduler=backend.scheduler, fresh=fresh,
                      progress=backend.progress)
    if sweep.failed or sweep.status != "complete":
        raise CalibrationError(f"{sweep.failed} of {sweep.planned} fitting runs failed "
                               f"(see {out / 'design' / 'runs.parquet'}); run again to retry them")
    runs = sweep.runs[sweep.runs["status"] == "ok"].reset_index(drop=True)
    keys, targets = calibration.keys, calibration.targets
    low = np.array([spec.parameters[k].low for k in keys])
    high = np.array([spec.parameters[k].high for k in keys])
    observed = np.array([spec.targets[t].value for t in targets])
    emulator = fit_emulator(runs, keys, targets, low, high, seed=spec.abc.seed)
    validation = cross_validate(runs, emulator, seed=spec.abc.seed)
    posterior = abc_rejection(emulator, observed, spec.abc.draws, spec.abc.accept, spec.abc.seed)
    fitted = {k: float(posterior.draws[k].mean()) for k in keys}
    emulated, emulated_sd = emulator.predict(np.array([[fitted[k] for k in keys]]))
    _write_parquet(out / "posterior.parquet", posterior.draws)
    check = run_check(calibration, fitted, posterior.draws, backend)
    _write_parquet(out / "check.parquet", check)
    sequence = run_sequence(calibration, fitted, backend) if spec.sequence else pd.DataFrame()
    _write_parquet(out / "sequence.parquet", sequence)
    result = {
        "name": spec.name, "spec_file": calibration.source,
        "spec": spec.model_dump(mode="json"), "design_spec_hash": calibration.design.spec_hash(),
        "code": code_stamp(), "source": source_hash(), "versions": package_versions(),
        "seconds": round(time.perf_counter() - started, 1),
        "design_runs": len(runs), "fitted": fitted,
        "posterior": posterior_table(posterior, keys, low, high).to_dict("records"),
        "abc": {"draws": posterior.scored, "accepted": len(posterior.draws),
                "tolerance": posterior.tolerance},
        "emulator_validation": validation.to_dict("records"),
        "fit": fit_rows(calibration, check, emulated[0], emulated_sd[0]),
        "trajectory": trajectory_rows(calibration, sequence) if len(sequence) else [],
        "changes": change_rows(calibration, sequence) if len(sequence) else [],
    }
    write_json_atomic(out / "calibration.json", jsonable(result))
    return result


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _execute(tasks: list[Task], backend: Backend) -> dict[str, dict[str, Any]]:
    """Run ``tasks``; their rows by run id. A failed run stops the calibration."""
    rows: dict[str, dict[str, Any]] = {}
    results: Iterator[Result] = run_tasks(iter(tasks), backend.name, backend.workers,
                                          backend.scheduler)
    for result in results:
        if result.row["status"] != "ok":
            raise CalibrationError(f"run {result.row['run_id']} failed:\n{result.row['error']}")
        rows[result.row["run_id"]] = result.row
    return rows


def _task(run_id: str, base: Scenario, seed: int, values: dict[str, Any], point: int = 0,
          replication: int = 0, periods: tuple[str, ...] = ()) -> Task:
    run = Run(run_id, 0, base.name or "scenario", point, replication, seed,
              tuple(values.items()))
    return Task(run, base, periods=periods)


def run_check(calibration: Calibration, fitted: dict[str, float], draws: pd.DataFrame,
              backend: Backend) -> pd.DataFrame:
    """Simulate the posterior mean over fresh seeds, and a spread of accepted draws once each.

    Check seeds come after the design's replication seeds, so no check run repeats a fitting
    run's random numbers.
    """
    spec = calibration.spec
    base = calibration.design.scenarios[0].scenario
    seeds = replication_seeds(spec.root_seed, spec.design.replications
                              + spec.check.replications + spec.check.posterior_draws)
    seeds = seeds[spec.design.replications:]
    periods = calibration.periods
    tasks = [_task(f"mean-r{r:04d}", base, seeds[r], fitted, replication=r, periods=periods)
             for r in range(spec.check.replications)]
    picked = np.linspace(0, len(draws) - 1, min(spec.check.posterior_draws, len(draws)))
    for i, row in enumerate(picked.round().astype(int)):
        values = {k: float(draws.iloc[row][k]) for k in calibration.keys}
        seed = seeds[spec.check.replications + i]
        tasks.append(_task(f"draw-{i:04d}", base, seed, values, point=i + 1, periods=periods))
    rows = _execute(tasks, backend)
    frame = pd.DataFrame([rows[t.run.run_id] for t in tasks])
    frame.insert(0, "kind", ["mean" if t.run.run_id.startswith("mean") else "draw"
                             for t in tasks])
    return frame


def run_sequence(calibration: Calibration, fitted: dict[str, float],
                 backend: Backend) -> pd.DataFrame:
    """Run the reform sequence with the fitted values, stage after stage, chain by chain.

    Each chain is one stream of seeds; a stage starts from its chain's residents' mean
    satisfaction and trust at the end of the stage before.
    """
    spec = calibration.spec
    assert spec.sequence is not None
    chains = spec.sequence.replications
    carried: list[dict[str, float]] = [{} for _ in range(chains)]
    frames = []
    for k, (stage, base) in enumerate(zip(spec.sequence.stages, calibration.stages,
                                          strict=True)):
        seeds = replication_seeds(spec.root_seed + 1 + k, chains)
        tasks = [_task(f"stage{k}-c{c:04d}", base, seeds[c], {**fitted, **carried[c]},
                       point=k, replication=c) for c in range(chains)]
        rows = _execute(tasks, backend)
        frame = pd.DataFrame([rows[t.run.run_id] for t in tasks])
        frame.insert(0, "stage", stage.label)
        frame.insert(1, "stage_index", k)
        frame.insert(2, "chain", range(chains))
        frames.append(frame)
        carried = [{key: float(np.clip(row[outcome], 0.0, 1.0))
                    for key, outcome in CARRIED.items()} for row in frame.to_dict("records")]
    return pd.concat(frames, ignore_index=True)


def _ci(values: np.ndarray) -> dict[str, float]:
    values = values[np.isfinite(values)]
    mean, _sd, low, high = mean_ci(values) if len(values) else (math.nan,) * 4
    return {"mean": mean, "ci_low": low, "ci_high": high}


def fit_rows(calibration: Calibration, check: pd.DataFrame, emulated: np.ndarray,
             emulated_sd: np.ndarray) -> list[dict[str, Any]]:
    """Per target: published value, emulator and simulator at the posterior mean.

    Also the posterior predictive interval: single runs at accepted draws.
    """
    rows = []
    for i, target in enumerate(calibration.targets):
        at_mean = check.loc[check["kind"] == "mean", target].to_numpy(float)
        at_draws = check.loc[check["kind"] == "draw", target].to_numpy(float)
        simulated = _ci(at_mean)
        rows.append({
            "target": target, "published": calibration.spec.targets[target].value,
            "source": calibration.spec.targets[target].source,
            "emulated": float(emulated[i]), "emulated_sd": float(emulated_sd[i]),
            "simulated": simulated["mean"], "simulated_ci_low": simulated["ci_low"],
            "simulated_ci_high": simulated["ci_high"], "runs": len(at_mean),
            "predictive_low": float(np.quantile(at_draws, 0.025)),
            "predictive_high": float(np.quantile(at_draws, 0.975)),
            "within_ci": bool(simulated["ci_low"] <= calibration.spec.targets[target].value
                              <= simulated["ci_high"]),
        })
    return rows


def volume_index(calibration: Calibration, sequence: pd.DataFrame) -> np.ndarray:
    """Each run's 12345 volume as a multiple of its chain's first stage's.

    The volume counts requests and questions, as Beijing counts the calls and messages it
    receives.
    """
    first = sequence[sequence["stage_index"] == 0].set_index("chain")
    reference = first[VOLUME].reindex(sequence["chain"]).to_numpy()
    return sequence[VOLUME].to_numpy(float) / reference


def reference_volume(calibration: Calibration) -> float | None:
    """The published volume the first stage stands for (the index's 1.0)."""
    spec = calibration.spec
    for period in spec.sequence.stages[0].periods if spec.sequence else []:
        published = calibration.published(period)
        if published is not None and published.volume_millions:
            return published.volume_millions
    return None


def trajectory_rows(calibration: Calibration, sequence: pd.DataFrame) -> list[dict[str, Any]]:
    """Per stage: simulated outcomes with 95% CIs over chains, and the published figures.

    The published figures are those of the periods the stage stands for.
    """
    spec = calibration.spec
    assert spec.sequence is not None
    sequence = sequence.assign(volume_index=volume_index(calibration, sequence))
    reference = reference_volume(calibration)
    rows = []
    for k, stage in enumerate(spec.sequence.stages):
        runs = sequence[sequence["stage_index"] == k]
        row: dict[str, Any] = {"stage": stage.label, "scenario": stage.scenario,
                               "periods": stage.periods}
        for outcome in ("resolved_share", "callback_satisfaction", "volume_index",
                        "hotline_requests_per_resident", VOLUME, "information_share",
                        "mean_trust"):
            stats = _ci(runs[outcome].to_numpy(float))
            row.update({f"{outcome}_{name}": value for name, value in stats.items()})
        row["published"] = [_published(calibration, p, reference) for p in stage.periods]
        rows.append(row)
    return rows


def _published(calibration: Calibration, period: str, reference: float | None) -> dict[str, Any]:
    published = calibration.published(period)
    assert published is not None
    volume = published.volume_millions
    return {"period": period, "resolved_share": published.resolved_share,
            "callback_satisfaction": published.callback_satisfaction,
            "volume_index": volume / reference if volume and reference else None,
            "source": published.source}


def change_rows(calibration: Calibration, sequence: pd.DataFrame) -> list[dict[str, Any]]:
    """Published changes between periods against the simulated change between stages.

    Stages are paired by chain; the interval is a t interval of the paired differences.
    """
    spec = calibration.spec
    labels = [s.label for s in spec.sequence.stages] if spec.sequence else []
    rows = []
    for change in spec.changes:
        first = sequence[sequence["stage_index"] == labels.index(change.from_stage)]
        last = sequence[sequence["stage_index"] == labels.index(change.to_stage)]
        before, after = calibration.published(change.from_period), \
            calibration.published(change.to_period)
        for outcome in ("resolved_share", "callback_satisfaction"):
            diff = (last.set_index("chain")[outcome] - first.set_index("chain")[outcome])
            stats = _ci(diff.to_numpy(float))
            published = (getattr(after, outcome) - getattr(before, outcome)
                         if getattr(after, outcome) is not None
                         and getattr(before, outcome) is not None else None)
            rows.append({"change": change.label, "outcome": outcome,
                         "published": published, "simulated": stats["mean"],
                         "simulated_ci_low": stats["ci_low"],
                         "simulated_ci_high": stats["ci_high"]})
    return rows
