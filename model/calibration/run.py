"""Running a calibration: fitting runs, emulator, ABC, check, and the run out of sample.

Everything lands in one folder:

- ``design/``: the fitting runs, an ordinary result store (resumable, any backend);
- ``patterns/``: with ``[patterns]``, the claims' scenarios run at every design point
  (resumable), whose emulated differences admit or reject prior draws;
- ``posterior.parquet``: accepted parameter draws with their emulated outcomes;
- ``check.parquet``: simulator runs at the posterior mean and at posterior draws;
- ``predictive.parquet``: the dated scenario run from posterior draws, several seeds each, one
  row per run with its figures of every period (``PERIOD:outcome`` columns);
- ``calibration.json``: the fitted values, the posterior's ridges, the fit, the predictive
  trajectory against the published one, and the provenance (spec, seeds, versions, commit,
  times).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.emulator import (
    Emulator,
    Posterior,
    abc_rejection,
    cross_validate,
    fit_emulator,
    posterior_table,
    prior_draws,
)
from model.calibration.patterns import (
    PatternFilter,
    design_share_rows,
    fit_pattern_filter,
    run_pattern_points,
    signed_differences,
    validate_filter,
)
from model.calibration.spec import Calibration
from model.compare import mean_ci, replication_seeds
from model.experiment.backends import Result, Task, run_tasks
from model.experiment.design import Run
from model.experiment.runner import run_sweep
from model.experiment.spec import code_stamp
from model.outcomes import CHANNEL_SHARES
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
#: The figures of the predictive trajectory, each period's: the hotline's two rates, its volume
#: as a multiple of the reference period's, what the volume is made of, and the channel shares.
TRAJECTORY = ("callback_resolution", "callback_satisfaction", "volume_index",
              "information_share", *CHANNEL_SHARES)
#: Published figures by the trajectory figure they are set against.
PUBLISHED = ("callback_resolution", "callback_satisfaction", "volume_index")


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
    """Fit the calibration's parameters and run the predictive trajectory; write ``out``.

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
    patterns = (fit_patterns(calibration, runs, out / "patterns", backend)
                if calibration.patterns else None)
    posterior = _posterior(calibration, emulator, observed,
                           patterns.filter.admits if patterns else None)
    fitted = {k: float(posterior.draws[k].mean()) for k in keys}
    emulated, emulated_sd = emulator.predict(np.array([[fitted[k] for k in keys]]))
    _write_parquet(out / "posterior.parquet", posterior.draws)
    check = run_check(calibration, fitted, posterior.draws, backend)
    _write_parquet(out / "check.parquet", check)
    predictive = (run_predictive(calibration, posterior.draws, backend)
                  if calibration.predictive else pd.DataFrame())
    _write_parquet(out / "predictive.parquet", predictive)
    result = {
        "name": spec.name, "spec_file": calibration.source,
        "spec": spec.model_dump(mode="json"), "design_spec_hash": calibration.design.spec_hash(),
        "code": code_stamp(), "source": source_hash(), "versions": package_versions(),
        "seconds": round(time.perf_counter() - started, 1),
        "design_runs": len(runs), "fitted": fitted,
        "posterior": posterior_table(posterior, keys, low, high).to_dict("records"),
        "ridges": ridge_rows(posterior.draws, keys),
        "abc": {"draws": posterior.scored, "accepted": len(posterior.draws),
                "tolerance": posterior.tolerance},
        "emulator_validation": validation.to_dict("records"),
        "fit": fit_rows(calibration, check, emulated[0], emulated_sd[0]),
        "predictive_runs": len(predictive),
        "trajectory": trajectory_rows(calibration, predictive) if len(predictive) else [],
        "changes": change_rows(calibration, predictive) if len(predictive) else [],
        "patterns": (pattern_summary(calibration, emulator, observed, patterns, low, high)
                     if patterns else None),
    }
    write_json_atomic(out / "calibration.json", jsonable(result))
    return result


def _posterior(calibration: Calibration, emulator: Emulator, observed: np.ndarray,
               admits: Callable[[np.ndarray], np.ndarray] | None) -> Posterior:
    """Rejection ABC as the spec sets it, only among draws ``admits`` lets through."""
    abc = calibration.spec.abc
    try:
        return abc_rejection(emulator, observed, abc.draws, abc.accept, abc.seed, admits)
    except ValueError as exc:
        raise CalibrationError(f"{calibration.source}: patterns: {exc}; the claims cannot all "
                               "hold within the parameters' ranges") from None


@dataclass
class FittedPatterns:
    """The pattern filter with the design points' differences and the emulators' accuracy."""

    filter: PatternFilter
    frame: pd.DataFrame
    validation: pd.DataFrame
    runs: int


def fit_patterns(calibration: Calibration, runs: pd.DataFrame, out: Path,
                 backend: Backend) -> FittedPatterns:
    """Run the claims' scenarios at every design point and fit the filter on them.

    Raises:
        CalibrationError: A pattern run failed.
    """
    spec, keys = calibration.spec, calibration.keys
    assert calibration.patterns is not None and spec.patterns is not None
    points = runs.groupby("point")[keys].first()
    sets = [{k: float(v) for k, v in row.items()} for _, row in points.iterrows()]
    try:
        pattern_runs = run_pattern_points(calibration.patterns, sets, spec.patterns, out,
                                          backend)
    except RuntimeError as exc:
        raise CalibrationError(f"a pattern run failed (run again to resume): {exc}") from None
    differences = signed_differences(calibration.patterns, pattern_runs)
    differences.index = points.index[differences.index]
    empty = [c for c in calibration.patterns.claims if not differences[c.id].notna().any()]
    if empty:
        raise CalibrationError(
            f"{calibration.source}: patterns.ids: {', '.join(c.id for c in empty)}: "
            f"{', '.join(sorted({c.outcome for c in empty}))} undefined at every design point "
            "(no case of the kind in the pattern runs; a larger district or longer runs in "
            "patterns.set give some)")
    low = np.array([spec.parameters[k].low for k in keys])
    high = np.array([spec.parameters[k].high for k in keys])
    pattern_filter, frame = fit_pattern_filter(points, differences, keys, low, high,
                                               spec.abc.seed)
    return FittedPatterns(pattern_filter, frame,
                          validate_filter(pattern_filter, frame, spec.abc.seed), len(pattern_runs))


def pattern_summary(calibration: Calibration, emulator: Emulator, observed: np.ndarray,
                    patterns: FittedPatterns, low: np.ndarray, high: np.ndarray) -> dict[str, Any]:
    """What the patterns did, beside the posterior the published rates alone would give.

    Per claim: the share of design points and of prior draws where it holds, and the accuracy
    of its emulator.
    """
    abc, keys = calibration.spec.abc, calibration.keys
    prior = prior_draws(emulator, abc.draws, abc.seed)
    rates_only = _posterior(calibration, emulator, observed, None)
    return {"claims": design_share_rows(patterns.filter, patterns.frame, prior,
                                        patterns.validation),
            "runs": patterns.runs,
            "rates_only": posterior_table(rates_only, keys, low, high).to_dict("records"),
            "rates_only_tolerance": rates_only.tolerance}


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


def picked_draws(draws: pd.DataFrame, keys: list[str], count: int) -> list[dict[str, float]]:
    """``count`` accepted parameter sets spread evenly over the accepted draws, in order."""
    rows = np.linspace(0, len(draws) - 1, min(count, len(draws))).round().astype(int)
    return [{k: float(draws.iloc[row][k]) for k in keys} for row in rows]


def run_predictive(calibration: Calibration, draws: pd.DataFrame,
                   backend: Backend) -> pd.DataFrame:
    """Run the dated scenario from posterior draws, each over several seeds (out of sample).

    Every run is one continuous timeline: organisations keep what they hold from one reform to
    the next. Seeds follow the check's, so no run repeats a fitting or check run's numbers.
    """
    spec = calibration.spec
    assert spec.predictive is not None and calibration.predictive is not None
    base = calibration.predictive
    sets = picked_draws(draws, calibration.keys, spec.predictive.draws)
    used = (spec.design.replications + spec.check.replications + spec.check.posterior_draws)
    seeds = replication_seeds(spec.root_seed, used + len(sets) * spec.predictive.replications)
    seeds = seeds[used:]
    periods = tuple(spec.predictive.periods)
    tasks = [_task(f"draw{d:04d}-r{r:02d}", base, seeds[d * spec.predictive.replications + r],
                   values, point=d, replication=r, periods=periods)
             for d, values in enumerate(sets) for r in range(spec.predictive.replications)]
    rows = _execute(tasks, backend)
    frame = pd.DataFrame([rows[t.run.run_id] for t in tasks])
    frame.insert(0, "draw", [t.run.point for t in tasks])
    return frame


def ridge_rows(draws: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Pairs of fitted parameters by the strength of their posterior correlation.

    A strong correlation is a ridge: the data fix a combination of the two, not each.
    """
    corr = draws[keys].corr().to_numpy()
    rows = [{"first": keys[i], "second": keys[j], "correlation": float(corr[i, j])}
            for i in range(len(keys)) for j in range(i + 1, len(keys))]
    return sorted(rows, key=lambda row: -abs(row["correlation"]))


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


def _band(values: np.ndarray) -> dict[str, float]:
    """Mean and central 95% of the predictive runs."""
    values = values[np.isfinite(values)]
    if not len(values):
        return {"mean": math.nan, "low": math.nan, "high": math.nan}
    low, high = np.quantile(values, [0.025, 0.975])
    return {"mean": float(values.mean()), "low": float(low), "high": float(high)}


def period_figures(calibration: Calibration, runs: pd.DataFrame, period: str) -> pd.DataFrame:
    """Each predictive run's figures of ``period``, volume as a multiple of the reference's."""
    assert calibration.spec.predictive is not None
    reference = runs[f"{calibration.spec.predictive.volume_reference}:{VOLUME}"].to_numpy(float)
    frame = pd.DataFrame({name: runs[f"{period}:{name}"].to_numpy(float)
                          for name in TRAJECTORY if name != "volume_index"})
    frame["volume_index"] = runs[f"{period}:{VOLUME}"].to_numpy(float) / reference
    return frame


def trajectory_rows(calibration: Calibration, runs: pd.DataFrame) -> list[dict[str, Any]]:
    """Per period: predictive mean and 95% band of each figure, and the published figures.

    A published figure is marked ``fitted`` when it is a calibration target, and ``outside``
    when it lies outside the predictive band.
    """
    spec = calibration.spec
    assert spec.predictive is not None
    rows = []
    for period in spec.predictive.periods:
        figures = period_figures(calibration, runs, period)
        row: dict[str, Any] = {"period": period}
        for name in TRAJECTORY:
            row.update({f"{name}_{k}": v for k, v in _band(figures[name].to_numpy()).items()})
        for name, value in published_figures(calibration, period).items():
            if name == "volume_index" and period == spec.predictive.volume_reference:
                continue  # 1.0 by definition
            row[f"{name}_published"] = value
            row[f"{name}_fitted"] = f"{period}:{name}" in spec.targets
            row[f"{name}_outside"] = not row[f"{name}_low"] <= value <= row[f"{name}_high"]
        rows.append(row)
    return rows


def published_figures(calibration: Calibration, period: str) -> dict[str, float]:
    """The figures Beijing published for ``period``, volume as a multiple of the reference's."""
    spec = calibration.spec
    assert spec.predictive is not None
    published = calibration.published(period)
    if published is None:
        return {}
    figures = {name: getattr(published, name) for name in PUBLISHED if name != "volume_index"}
    reference = calibration.published(spec.predictive.volume_reference)
    if published.volume_millions and reference is not None and reference.volume_millions:
        figures["volume_index"] = published.volume_millions / reference.volume_millions
    return {name: value for name, value in figures.items() if value is not None}


def change_rows(calibration: Calibration, runs: pd.DataFrame) -> list[dict[str, Any]]:
    """Published changes between two periods against the simulated change within each run."""
    rows = []
    for change in calibration.spec.changes:
        before = period_figures(calibration, runs, change.from_period)
        after = period_figures(calibration, runs, change.to_period)
        published_before = published_figures(calibration, change.from_period)
        published_after = published_figures(calibration, change.to_period)
        for name in PUBLISHED:
            if name not in published_before or name not in published_after:
                continue
            band = _band((after[name] - before[name]).to_numpy())
            rows.append({"change": change.label, "outcome": name,
                         "published": published_after[name] - published_before[name],
                         "simulated": band["mean"], "simulated_low": band["low"],
                         "simulated_high": band["high"]})
    return rows
