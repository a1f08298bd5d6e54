"""Validation claims across the posterior: in what share of plausible parameter sets each holds.

The paper's validation table tests each claim at the bundled values. A claim that holds there but
not for most parameter values the published figures leave plausible is fragile. Here each
of ``draws`` accepted parameter sets of the calibration (spread evenly over the accepted draws)
runs every scenario the claims compare over ``replications`` seeds, common to all scenarios of
the draw; a claim holds in a draw when its mean difference (scenario - reference) over those
seeds has the expected sign. A claim holding in under ``fragile_below`` of the draws is fragile.

Runs are stored a draw at a time under the output folder, so an interrupted check resumes; runs
of other draws, scenarios or code that this check stored there are replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from model.compare import replication_seeds
from model.experiment.backends import Task, run_tasks
from model.experiment.design import Run
from model.experiment.spec import Value
from model.provenance import replace_atomically, scenario_hash, source_hash, write_json_atomic
from model.scenario import Scenario
from model.streams import MAX_SEED

if TYPE_CHECKING:  # the calibration runs claims too, so only the type is imported here
    from model.calibration.run import Backend


class PosteriorCheck(BaseModel):
    """How the claims are run across the calibration's posterior."""

    model_config = ConfigDict(extra="forbid")

    draws: int = Field(50, ge=2, le=10_000, description="Accepted parameter sets run")
    replications: int = Field(3, ge=1, le=100, description="Seeds per parameter set")
    fragile_below: float = Field(0.9, gt=0, le=1,
                                 description="Share of draws under which a claim is fragile")
    root_seed: int = Field(31, ge=0, le=MAX_SEED, description="Root of the draws' seeds")
    set: dict[str, Value] = Field(
        default_factory=dict, description="Overrides for every scenario the claims compare, by "
        "dotted key (a smaller district makes the check cheaper)")


@dataclass(frozen=True)
class Compared:
    """One scenario a claim compares, as its experiment runs it."""

    key: str  # "experiment/scenario"
    scenario: Scenario


def _distinct(compared: Iterable[Compared]) -> dict[str, Scenario]:
    """The scenarios to run, one per distinct content: equal scenarios share their runs."""
    runs: dict[str, Scenario] = {}
    for item in compared:
        runs.setdefault(scenario_hash(item.scenario), item.scenario)
    return runs


def draw_tasks(scenarios: dict[str, Scenario], values: dict[str, float], draw: int,
               seeds: Sequence[int]) -> list[Task]:
    """Every scenario at one parameter set, on the draw's common seeds."""
    return [Task(Run(f"d{draw:04d}-{digest[:12]}-r{r:02d}", 0, scenario.name or "scenario",
                     draw, r, seed, tuple(values.items())), scenario)
            for digest, scenario in scenarios.items() for r, seed in enumerate(seeds)]


def run_posterior(compared: Sequence[Compared], parameter_sets: list[dict[str, float]],
                  check: PosteriorCheck, out: Path, backend: Backend) -> pd.DataFrame:
    """Run every compared scenario at each parameter set; one row per run with ``digest``.

    ``out/manifest.json`` holds the runs' fingerprint and a status, ``complete`` once every
    parameter set's runs are stored.

    Raises:
        RuntimeError: A run failed (its traceback is in the message).
    """
    scenarios = _distinct(compared)
    fingerprint = _fingerprint(scenarios, parameter_sets, check)
    parts = _parts_folder(out, fingerprint)
    seeds = replication_seeds(check.root_seed, len(parameter_sets) * check.replications)
    missing = [d for d in range(len(parameter_sets))
               if not (parts / f"draw-{d:04d}.parquet").exists()]
    tasks = {d: draw_tasks(scenarios, parameter_sets[d], d,
                           seeds[d * check.replications:(d + 1) * check.replications])
             for d in missing}
    done: dict[int, dict[str, dict[str, Any]]] = {d: {} for d in missing}
    queue = [task for d in missing for task in tasks[d]]
    results = run_tasks(iter(queue), backend.name, backend.workers, backend.scheduler) if queue \
        else iter(())
    for result in results:
        row = result.row
        if row["status"] != "ok":
            raise RuntimeError(f"run {row['run_id']} failed:\n{row['error']}")
        draw = row["point"]
        done[draw][row["run_id"]] = row
        if len(done[draw]) == len(tasks[draw]):
            finished = done.pop(draw)
            _write_draw(parts, draw, [finished[t.run.run_id] for t in tasks[draw]])
    write_json_atomic(out / "manifest.json", {"fingerprint": fingerprint, "status": "complete"})
    return pd.concat([pd.read_parquet(parts / f"draw-{d:04d}.parquet")
                      for d in range(len(parameter_sets))], ignore_index=True)


def _write_draw(parts: Path, draw: int, rows: list[dict[str, Any]]) -> None:
    """Store one draw's runs, in task order, once all of them are in."""
    frame = pd.DataFrame(rows)
    frame.insert(0, "digest", [row["run_id"].split("-")[1] for row in rows])
    frame.insert(0, "draw", draw)
    replace_atomically(parts / f"draw-{draw:04d}.parquet",
                       lambda tmp: frame.to_parquet(tmp, index=False))


def _fingerprint(scenarios: dict[str, Scenario], parameter_sets: list[dict[str, float]],
                 check: PosteriorCheck) -> str:
    text = json.dumps({"scenarios": sorted(scenarios), "sets": parameter_sets,
                       "check": check.model_dump(), "source": source_hash()}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parts_folder(out: Path, fingerprint: str) -> Path:
    """``out/draws``; runs a check of another fingerprint stored there are removed first.

    Raises:
        RuntimeError: ``out/draws`` holds draw files but no manifest of a check wrote them.
    """
    parts = out / "draws"
    manifest = out / "manifest.json"
    ours = sorted(parts.glob("draw-*.parquet"))
    if not manifest.exists() and ours:
        raise RuntimeError(f"{parts}: holds draw files this check did not write; choose "
                           "another folder")
    stored = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    if stored.get("fingerprint") != fingerprint:
        for path in ours:
            path.unlink()
        parts.mkdir(parents=True, exist_ok=True)
        write_json_atomic(manifest, {"fingerprint": fingerprint, "status": "running"})
    return parts


def claim_shares(claims: Sequence[Any], compared: dict[str, Compared], runs: pd.DataFrame,
                 check: PosteriorCheck) -> pd.DataFrame:
    """Per claim: draws run, share in which it holds (Wilson 95% interval), and fragility.

    ``compared`` maps each claim's "experiment/scenario" key to what its experiment runs.
    """
    rows = []
    for claim in claims:
        sign = 1.0 if claim.expect == "higher" else -1.0
        diffs = (draw_means(runs, compared[f"{claim.experiment}/{claim.scenario}"], claim.outcome)
                 - draw_means(runs, compared[f"{claim.experiment}/{claim.reference}"],
                               claim.outcome))
        diffs = diffs.dropna()
        held = int((np.sign(diffs) == sign).sum())
        low, high = wilson(held, len(diffs))
        share = held / len(diffs) if len(diffs) else float("nan")
        rows.append({"id": claim.id, "draws": len(diffs), "held": held, "share": share,
                     "share_low": low, "share_high": high,
                     "fragile": bool(share < check.fragile_below)})
    return pd.DataFrame(rows)


def draw_means(runs: pd.DataFrame, item: Compared, outcome: str) -> pd.Series:
    """The mean of ``outcome`` over each draw's seeds for one compared scenario."""
    digest = scenario_hash(item.scenario)[:12]
    own = runs[runs["digest"] == digest]
    return own.groupby("draw")[outcome].mean()


def wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion (NaN, NaN without trials)."""
    if trials == 0:
        return float("nan"), float("nan")
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return float(centre - half), float(centre + half)
