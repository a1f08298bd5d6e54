"""The source's patterns as a second kind of data for the calibration (pattern-oriented).

Six published rates leave assumptions open that decide whether the model shows what the source
says the reforms do (the blame a unit expects for a case that comes back decides whether the
whistle shortens multi-department cases). Pattern-oriented modelling (Grimm et al. 2005;
Wiegand et al. 2003) uses such qualitative patterns as data: a parameter set the published rates
allow but under which the model contradicts the source is rejected.

Here a calibration names validation claims (``[patterns]``) every accepted parameter set must
reproduce. At each design point the scenarios the claims compare run on seeds common to the
point; a Gaussian process learns each claim's difference, signed so that a positive value means
the claim holds; rejection ABC then keeps only prior draws at which every emulated difference is
positive. The claims used so are no longer independent evidence: the paper says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.calibration.emulator import FOLDS, Emulator, cross_validate, fit_emulator
from model.claims import Claim, load_claims
from model.experiment.spec import load_experiment
from model.posterior_claims import Compared, PosteriorCheck, draw_means, run_posterior
from model.scenario import ScenarioError, load_scenario

if TYPE_CHECKING:
    from model.calibration.run import Backend
    from model.calibration.spec import Patterns


@dataclass
class PatternClaims:
    """The claims a calibration must reproduce, with the scenarios each compares."""

    claims: list[Claim]
    compared: dict[str, Compared]  # "experiment/scenario" -> the scenario as its experiment runs it

    @property
    def ids(self) -> list[str]:
        """The claims' ids, in the order the spec names them."""
        return [claim.id for claim in self.claims]


def resolve_patterns(patterns: Patterns, source: str, base_dir: Path | None,
                     problems: list[str]) -> PatternClaims | None:
    """The claims ``patterns`` names and their scenarios; problems are appended, one line each.

    The claims file and each claim's experiment (``EXPERIMENT.toml`` beside the claims file)
    are read relative to the calibration spec's folder.
    """
    folder = base_dir or Path(".")
    path = folder / patterns.claims
    if not path.is_file():
        problems.append(f"{source}: patterns.claims: no claims file {path}")
        return None
    try:
        claims = load_claims(path)
    except ScenarioError as exc:
        problems += exc.problems
        return None
    by_id = {claim.id: claim for claim in claims.claims}
    unknown = [i for i in patterns.ids if i not in by_id]
    if unknown:
        problems.append(f"{source}: patterns.ids: {', '.join(map(repr, unknown))} "
                        f"not a claim of {path} (allowed: {', '.join(by_id)})")
        return None
    chosen = [by_id[i] for i in patterns.ids]
    found = len(problems)
    compared: dict[str, Compared] = {}
    for claim in chosen:
        scenarios = _experiment_scenarios(path.parent / f"{claim.experiment}.toml", source,
                                          claim, problems)
        for name in (claim.scenario, claim.reference):
            key = f"{claim.experiment}/{name}"
            if scenarios is not None and key not in compared:
                try:
                    compared[key] = Compared(key, load_scenario(scenarios[name], patterns.set))
                except ScenarioError as exc:
                    problems += [f"{source}: patterns.set: {line}" for line in exc.problems]
                    return None
    return PatternClaims(chosen, compared) if len(problems) == found else None


def _experiment_scenarios(path: Path, source: str, claim: Claim,
                          problems: list[str]) -> dict | None:
    """The scenarios of a claim's experiment by name, or None with the problem appended."""
    if not path.is_file():
        problems.append(f"{source}: patterns.ids: claim {claim.id}'s experiment "
                        f"'{claim.experiment}' has no spec {path}")
        return None
    experiment = load_experiment(path)
    return {s.name: s.scenario for s in experiment.scenarios}


def pattern_check(patterns: Patterns, points: int) -> PosteriorCheck:
    """How the claims' scenarios run at the design points: ``points`` sets, common seeds."""
    return PosteriorCheck(draws=max(points, 2), replications=patterns.replications,
                          root_seed=patterns.root_seed, set=dict(patterns.set))


def run_pattern_points(pattern_claims: PatternClaims, points: list[dict[str, float]],
                       patterns: Patterns, out: Path, backend: Backend) -> pd.DataFrame:
    """Run every compared scenario at each design point (resumable under ``out``)."""
    return run_posterior(list(pattern_claims.compared.values()), points,
                         pattern_check(patterns, len(points)), out, backend)


def signed_differences(pattern_claims: PatternClaims, runs: pd.DataFrame) -> pd.DataFrame:
    """Per design point (``draw``) and claim: scenario - reference, positive when it holds.

    Differences are of the means over the point's seeds, common to both scenarios.
    """
    columns = {}
    for claim in pattern_claims.claims:
        sign = 1.0 if claim.expect == "higher" else -1.0
        compared = pattern_claims.compared
        columns[claim.id] = sign * (
            draw_means(runs, compared[f"{claim.experiment}/{claim.scenario}"], claim.outcome)
            - draw_means(runs, compared[f"{claim.experiment}/{claim.reference}"],
                          claim.outcome))
    return pd.DataFrame(columns)


@dataclass
class PatternFilter:
    """An emulator of each claim's signed difference; a parameter set passes if all are > 0."""

    emulator: Emulator

    @property
    def ids(self) -> list[str]:
        """The claims filtered on."""
        return self.emulator.targets

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Whether each claim's emulated difference is positive (sets by claims)."""
        means = np.vstack([self.emulator.predict(chunk)[0]
                           for chunk in np.array_split(np.atleast_2d(values), 20) if len(chunk)])
        return means > 0

    def admits(self, values: np.ndarray) -> np.ndarray:
        """Whether every claim holds at each parameter set."""
        return self.holds(values).all(axis=1)


def fit_pattern_filter(points: pd.DataFrame, differences: pd.DataFrame, keys: Sequence[str],
                       low: np.ndarray, high: np.ndarray, seed: int) -> tuple[PatternFilter,
                                                                               pd.DataFrame]:
    """Fit the filter; also return its training frame (``point``, keys, one column per claim).

    A claim whose difference is undefined at a point (no case of the kind) leaves that point
    out of its own emulator only.
    """
    frame = points.join(differences, how="inner").reset_index(names="point")
    ids = list(differences.columns)
    processes = []
    for claim in ids:
        usable = frame[np.isfinite(frame[claim].to_numpy(float))]
        processes += fit_emulator(usable, list(keys), [claim], low, high, seed).processes
    emulator = Emulator(list(keys), ids, np.asarray(low, float), np.asarray(high, float),
                        processes)
    return PatternFilter(emulator), frame


def validate_filter(pattern_filter: PatternFilter, frame: pd.DataFrame,
                    seed: int) -> pd.DataFrame:
    """Out-of-fold accuracy of each claim's emulator (see :func:`cross_validate`).

    A claim defined at fewer points than there are folds gets no accuracy (NaN).
    """
    emulator = pattern_filter.emulator
    rows = []
    for claim, gp in zip(emulator.targets, emulator.processes, strict=True):
        one = Emulator(emulator.keys, [claim], emulator.low, emulator.high, [gp])
        usable = frame[np.isfinite(frame[claim].to_numpy(float))]
        rows.append(cross_validate(usable, one, seed) if len(usable) >= FOLDS else
                    pd.DataFrame([{"target": claim, "cv_rmse": float("nan"),
                                   "cv_r2": float("nan"), "seed_sd": float("nan")}]))
    return pd.concat(rows, ignore_index=True)


def design_share_rows(pattern_filter: PatternFilter, frame: pd.DataFrame, prior: np.ndarray,
                      validation: pd.DataFrame) -> list[dict[str, object]]:
    """Per claim: share of design points and of prior draws where it holds, emulator accuracy.

    A last row, ``all``, gives the share of prior draws where every claim holds.
    """
    held = pattern_filter.holds(prior)
    rows = []
    for i, claim in enumerate(pattern_filter.ids):
        values = frame[claim].to_numpy(float)
        values = values[np.isfinite(values)]
        accuracy = validation.set_index("target").loc[claim]
        rows.append({"claim": claim, "design_share": float((values > 0).mean()),
                     "prior_share": float(held[:, i].mean()),
                     "cv_r2": _finite(accuracy["cv_r2"]), "cv_rmse": _finite(accuracy["cv_rmse"])})
    rows.append({"claim": "all", "design_share": None,
                 "prior_share": float(held.all(axis=1).mean()), "cv_r2": None, "cv_rmse": None})
    return rows


def _finite(value: float) -> float | None:
    """``value``, or None where it is undefined (so equal results compare equal)."""
    return float(value) if np.isfinite(value) else None
