"""Emulator-based approximate Bayesian computation (ABC).

A run of the model takes about a second, so rejection ABC run on the simulator itself (hundreds
of thousands of runs) is out of reach on a laptop. Instead a Gaussian process (scikit-learn)
learns each target outcome from a Latin-hypercube design of runs with replicated seeds; its
white-noise term absorbs the seed-to-seed spread, so the emulator predicts the expected outcome
at a parameter set. Rejection ABC then scores a large sample from the uniform prior on the
emulator and keeps the closest share of draws (Beaumont et al. 2002; Wilkinson 2014 on
emulator-accelerated ABC). Everything is seeded, so the posterior is reproducible.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from sklearn.model_selection import KFold

FOLDS = 5


@dataclass
class Emulator:
    """One Gaussian process per target, on parameters scaled to the unit cube."""

    keys: list[str]
    targets: list[str]
    low: np.ndarray
    high: np.ndarray
    processes: list[GaussianProcessRegressor]

    def unit(self, values: np.ndarray) -> np.ndarray:
        """Parameter values scaled to [0, 1] by the prior ranges."""
        return (np.asarray(values, dtype=float) - self.low) / (self.high - self.low)

    def predict(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predicted expected outcomes and their standard deviations, one column per target."""
        unit = self.unit(np.atleast_2d(values))
        means, sds = zip(*(gp.predict(unit, return_std=True) for gp in self.processes),
                         strict=True)
        return np.column_stack(means), np.column_stack(sds)


def fit_quietly(gp: GaussianProcessRegressor, x: np.ndarray, y: np.ndarray) -> None:
    """Fit ``gp`` to ``x`` and ``y``, without warnings about length scales at their bounds."""
    # A parameter a target does not depend on (the callback threshold for the resolution
    # rate) drives its length scale to the upper bound: the right answer, not a failure.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(x, y)


def gaussian_process(seed: int, dims: int, normalize_y: bool = True) -> GaussianProcessRegressor:
    """An unfitted Gaussian process for ``dims`` inputs in the unit cube.

    A constant times a Matern 5/2 kernel with one length scale per input (the smooth response),
    plus white noise (the seed-to-seed spread of single runs).
    """
    kernel = (ConstantKernel(1.0, (1e-3, 1e3))
              * Matern(length_scale=np.full(dims, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5)
              + WhiteKernel(0.1, (1e-6, 1.0)))
    return GaussianProcessRegressor(kernel, normalize_y=normalize_y, n_restarts_optimizer=3,
                                    random_state=seed)


def fit_emulator(runs: pd.DataFrame, keys: list[str], targets: list[str],
                 low: np.ndarray, high: np.ndarray, seed: int) -> Emulator:
    """Fit one Gaussian process per target to every run (each replication is one row)."""
    x = (runs[keys].to_numpy(dtype=float) - low) / (high - low)
    processes = []
    for target in targets:
        gp = gaussian_process(seed, len(keys))
        fit_quietly(gp, x, runs[target].to_numpy(dtype=float))
        processes.append(gp)
    return Emulator(keys, targets, np.asarray(low, float), np.asarray(high, float), processes)


def seed_sd(runs: pd.DataFrame, target: str) -> float:
    """Pooled seed-to-seed standard deviation of ``target`` within design points."""
    groups = runs.groupby("point")[target]
    dof = int((groups.count() - 1).clip(lower=0).sum())
    return float(np.sqrt(groups.var(ddof=1).fillna(0).mul(groups.count() - 1).sum() / dof)) \
        if dof else float("nan")


def cross_validate(runs: pd.DataFrame, emulator: Emulator, seed: int) -> pd.DataFrame:
    """Out-of-fold accuracy of the emulator, folds grouped by design point.

    Returns one row per target: RMSE of the predicted point mean against the observed mean of
    each held-out point, the seed-to-seed SD for scale, and R squared of the point means.
    """
    points = runs["point"].to_numpy()
    unique = np.unique(points)
    rows = []
    for target in emulator.targets:
        predicted, observed = [], []
        for _train, test in KFold(FOLDS, shuffle=True, random_state=seed).split(unique):
            held = np.isin(points, unique[test])
            gp = gaussian_process(seed, len(emulator.keys))
            fit_quietly(gp, emulator.unit(runs.loc[~held, emulator.keys].to_numpy(float)),
                        runs.loc[~held, target].to_numpy(float))
            means = runs[held].groupby("point")[[*emulator.keys, target]].mean()
            predicted.append(gp.predict(emulator.unit(means[emulator.keys].to_numpy(float))))
            observed.append(means[target].to_numpy(float))
        pred, obs = np.concatenate(predicted), np.concatenate(observed)
        rmse = float(np.sqrt(np.mean((pred - obs) ** 2)))
        spread = float(np.sum((obs - obs.mean()) ** 2))
        r2 = 1.0 - float(np.sum((pred - obs) ** 2)) / spread if spread > 0 else float("nan")
        rows.append({"target": target, "cv_rmse": rmse, "cv_r2": r2,
                     "seed_sd": seed_sd(runs, target)})
    return pd.DataFrame(rows)


@dataclass
class Posterior:
    """Accepted parameter draws, their emulated outcomes and the tolerance reached."""

    draws: pd.DataFrame
    tolerance: float
    scored: int


def prior_draws(emulator: Emulator, draws: int, seed: int) -> np.ndarray:
    """``draws`` parameter sets from the uniform prior over the emulator's ranges (seeded)."""
    rng = np.random.default_rng(seed)
    return emulator.low + rng.random((draws, len(emulator.keys))) * (emulator.high - emulator.low)


def abc_rejection(emulator: Emulator, observed: np.ndarray, draws: int, accept: float,
                  seed: int, admits: Callable[[np.ndarray], np.ndarray] | None = None
                  ) -> Posterior:
    """Rejection ABC on the emulator: keep the ``accept`` share of prior draws nearest.

    Nearness is the Euclidean distance between the emulated expected outcomes and
    ``observed``; the tolerance is the distance of the last draw kept. With ``admits`` (one
    boolean per parameter set) only admitted draws may be kept; the share kept is still of all
    draws, so a filter that admits few draws widens the tolerance instead of shrinking the
    sample.

    Raises:
        ValueError: ``admits`` admits none of the draws.
    """
    theta = prior_draws(emulator, draws, seed)
    means = np.vstack([emulator.predict(chunk)[0] for chunk in np.array_split(theta, 20)])
    distance = np.sqrt(((means - observed) ** 2).sum(axis=1))
    if admits is not None:
        admitted = admits(theta)
        if not admitted.any():
            raise ValueError(f"none of {draws} prior draws reproduces every pattern")
        distance = np.where(admitted, distance, np.inf)
    keep = max(1, int(round(accept * draws)))
    order = np.argsort(distance, kind="stable")[:keep]
    order = order[np.isfinite(distance[order])]
    frame = pd.DataFrame(theta[order], columns=emulator.keys)
    for i, target in enumerate(emulator.targets):
        frame[f"emulated_{target}"] = means[order, i]
    frame["distance"] = distance[order]
    return Posterior(frame, float(distance[order[-1]]), draws)


def posterior_table(posterior: Posterior, keys: list[str], low: np.ndarray,
                    high: np.ndarray) -> pd.DataFrame:
    """Per parameter: prior range, posterior mean, SD, median and 95% credible interval.

    ``narrowing`` is how much the posterior narrowed the prior: 1 - posterior IQR / prior IQR.
    """
    rows = []
    for key, lo, hi in zip(keys, low, high, strict=True):
        values = posterior.draws[key].to_numpy(float)
        q = np.quantile(values, [0.025, 0.25, 0.5, 0.75, 0.975])
        rows.append({"parameter": key, "prior_low": float(lo), "prior_high": float(hi),
                     "mean": float(values.mean()), "sd": float(values.std(ddof=1)),
                     "median": float(q[2]), "ci_low": float(q[0]), "ci_high": float(q[4]),
                     "narrowing": float(1 - (q[3] - q[1]) / ((hi - lo) / 2))})
    return pd.DataFrame(rows)
