"""Sobol indices of the expected outcome, computed on a Gaussian-process emulator of the runs.

A Saltelli design run once per point puts the seed-to-seed spread of single runs into every
estimate: the total-order estimator differences pairs of runs, so noise inflates the indices
and their bootstrap intervals, and an interval below 0.1 would take thousands of base samples.
Here a Gaussian process (the calibration's kernel, :mod:`model.calibration.emulator`) learns the
expected outcome from the design's runs, its white-noise term taking the seed spread. Sobol
indices are then estimated on the emulator's mean at a fresh Saltelli sample far larger than
any design of runs. Their interval holds both the Monte Carlo error and the emulator's
uncertainty: the spread of the indices of realisations of its posterior (Marrel, Iooss,
Laurent and Roustant 2009, Reliab. Eng. Syst. Saf. 94:742; Oakley and O'Hagan 2004,
J. R. Stat. Soc. B 66:751). The emulator's leave-one-out predictivity (Q2), the share of the
variance it puts down to seeds and whether it misses held-out points by more than it claims are
reported with the indices, so a reader sees how far the emulator is to be believed. Where the
design runs points on several seeds, the seeds' spread is measured there instead of fitted
(stochastic kriging), and an analysis of variance says whether the points differ by more than
the seeds make them at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import cho_solve

from model.calibration.emulator import fit_quietly, gaussian_process, seed_sd
from model.experiment.analysis import ok_runs, point_outputs, salib_problem

SAMPLES = 16384
"""Base samples of the Saltelli design run on the emulator's mean (N; N x (k + 2) points)."""
PATH_SAMPLES = 256
"""Base samples at which the emulator's posterior realisations are drawn jointly.

A joint draw costs the cube of its points, 256 x (k + 2): with fourteen factors 512 base samples
took 14 s per analysis against 4 s, and a sweep of thirteen scenarios has a hundred analyses.
The realisations share their points, so the spread of their indices is the emulator's
uncertainty more than the Monte Carlo error (512 narrowed the widest interval by a tenth)."""
REALISATIONS = 64
"""Posterior realisations of the emulator whose spread is the emulator's uncertainty."""
BOOTSTRAP = 100
"""Bootstrap resamples of the Monte Carlo points (SALib)."""
Z95 = 1.959963984540054
PREDICTIVE_Q2 = 0.7
"""The least leave-one-out Q2 at which the indices of an emulator with fitted noise are read.

Below it the emulator predicts less than 70% of the variance of single runs: either the
outcome varies across the factors by little more than the seeds' spread, so there is little
variance to apportion, or it varies too erratically for the design's points to follow, and
with the noise fitted rather than measured a reader cannot tell which. Where the design
measures the seeds' spread the rule is :func:`emulator_is_read`'s instead: single runs' Q2
cannot exceed the share of their variance the points carry, however well the expected outcome
is learnt."""


def emulated_sobol_indices(manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame,
                           outcome: str, scenario: str | None = None, minus: str | None = None,
                           samples: int = SAMPLES, path_samples: int = PATH_SAMPLES,
                           realisations: int = REALISATIONS) -> pd.DataFrame:
    """First-order and total Sobol indices of the emulated expected ``outcome``.

    The indices are those of the emulator's posterior mean on ``samples`` base samples. Their
    95% interval adds two variances: the Monte Carlo error (SALib's bootstrap) and the
    emulator's uncertainty, the spread of the indices of ``realisations`` joint posterior draws
    at ``path_samples`` base samples (a joint draw at every point of the large sample would
    need a covariance matrix of billions of entries).

    Args:
        manifest: The store's manifest (its SALib ``problem`` and the design's ``seed``).
        design: The store's design table: the points the emulator learns from.
        runs: The runs table.
        outcome: The outcome analysed.
        scenario: The scenario analysed (default: the reference scenario).
        minus: Analyse ``scenario``'s difference from this one, point by point.
        samples: Base samples of the Saltelli design run on the emulator's mean.
        path_samples: Base samples at which posterior realisations are drawn.
        realisations: Posterior realisations drawn.

    Returns:
        One row per factor: ``factor, S1, S1_conf, ST, ST_conf`` (conf: the half-width of the
        95% interval), then the emulator's ``q2``, ``noise_share`` and
        :func:`standardized_error` (``loo_z2`` and its bound ``loo_z2_high``), the same on
        every row. When the design runs some points on several seeds that change the outcome
        there, the emulator takes the seeds' measured spread as its noise, and the rows add
        :func:`points_differ`'s ``points_p`` and the share of a run's variance the points
        carry, ``signal_share`` with its interval ``signal_low, signal_high``.

    Raises:
        ValueError: Design points without a value, or outcomes that do not vary.
    """
    from SALib.analyze import sobol
    from SALib.sample import sobol as saltelli

    problem = salib_problem(manifest)
    low, high = (np.array([b[i] for b in problem["bounds"]], dtype=float) for i in (0, 1))
    seed = int((manifest.get("design") or {}).get("seed") or 0)
    y = point_outputs(manifest, design, runs, outcome, scenario, minus)
    spread = seed_spread(manifest, design, runs, outcome, scenario, minus)
    centre, scale = float(y.mean()), float(y.std()) or 1.0
    gp = gaussian_process(seed, len(low), normalize_y=False)
    measured = spread.dof > 0 and spread.variance > 0  # seeds that change nothing measure no noise
    if measured:
        # Stochastic kriging (Ankenman, Nelson and Staum 2010): each mean's noise is the seeds'
        # measured spread over its run count. Fitted instead, the noise term can vanish while
        # short length scales take the seeds' scatter for a response, which in fourteen
        # dimensions 128 points cannot tell apart.
        gp.set_params(alpha=spread.variance / spread.counts / scale ** 2)
    fit_quietly(gp, (design[problem["names"]].to_numpy(float) - low) / (high - low),
                (y - centre) / scale)

    def unit_sample(base: int) -> np.ndarray:
        sample = saltelli.sample(salib_problem(manifest), base, calc_second_order=False, seed=seed)
        return (sample - low) / (high - low)

    def indices(values: np.ndarray, resample_seed: int) -> dict[str, Any]:
        return sobol.analyze(salib_problem(manifest), values, calc_second_order=False,
                             conf_level=0.95, num_resamples=BOOTSTRAP, seed=resample_seed)

    on_mean = indices(_predicted_mean(gp, unit_sample(samples)), seed)
    paths = posterior_paths(gp, unit_sample(path_samples), realisations,
                            np.random.default_rng(seed))
    on_paths = [indices(path, seed + 1 + r) for r, path in enumerate(paths)]
    frame = pd.DataFrame({"factor": problem["names"]})
    for key in ("S1", "ST"):
        emulator_var = np.array([e[key] for e in on_paths], dtype=float).var(axis=0, ddof=1)
        monte_carlo = np.asarray(on_mean[f"{key}_conf"], dtype=float) / Z95
        frame[key] = np.asarray(on_mean[key], dtype=float)
        frame[f"{key}_conf"] = Z95 * np.sqrt(emulator_var + monte_carlo ** 2)
    held_out = _leave_one_out(gp)
    frame["q2"] = _q2(gp.y_train_, held_out[0])
    frame["loo_z2"], frame["loo_z2_high"] = _mean_square_and_bound(*held_out)
    frame["noise_share"] = (float(gp.kernel_.k2.noise_level)
                            + (float(np.mean(gp.alpha)) if measured else 0.0))
    if measured:
        test = points_differ(y, spread)
        frame["points_p"] = test["p"]
        frame["signal_share"] = test["share"]
        frame["signal_low"] = test["share_low"]
        frame["signal_high"] = test["share_high"]
    return frame


@dataclass(frozen=True)
class SeedSpread:
    """The seeds' spread in one analysis, measured where the design runs a point more than once.

    For a reform's effect the spread is that of the paired differences: both scenarios ran
    each replication on the same seed.
    """

    counts: np.ndarray
    """Runs (pairs, for an effect) at each design point, in design order."""
    variance: float
    """Pooled variance of single runs about their point's mean (nan when no point repeats)."""
    dof: int
    """Degrees of freedom of ``variance``: runs beyond the first at each point."""


def seed_spread(manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame,
                outcome: str, scenario: str | None = None,
                minus: str | None = None) -> SeedSpread:
    """The seeds' spread of ``outcome`` (or of ``scenario`` minus ``minus``) within points."""
    scenario = scenario or manifest["scenarios"][0]["name"]
    values = _by_point_and_replication(runs, outcome, scenario)
    if minus is not None:
        values = (values - _by_point_and_replication(runs, outcome, minus)).dropna()
    counts = values.groupby(level="point").count().reindex(design["point"].to_numpy())
    counts = counts.fillna(0).to_numpy(int)
    dof = int(np.clip(counts - 1, 0, None).sum())
    return SeedSpread(counts, seed_sd(values.reset_index(), outcome) ** 2, dof)


def _by_point_and_replication(runs: pd.DataFrame, outcome: str, scenario: str) -> pd.Series:
    chosen = ok_runs(runs[runs["scenario"] == scenario])
    return chosen.set_index(["point", "replication"])[outcome].dropna().astype(float)


def points_differ(y: np.ndarray, spread: SeedSpread) -> dict[str, float]:
    """One-way analysis of variance: do the points' means differ by more than seeds make them?

    The points are the groups of a random-effects analysis of variance, the seeds' spread its
    within-group mean square. Besides F and its p-value it gives the share of one run's
    variance that the points carry (the intraclass correlation) with its exact 95% interval
    for a balanced design (Searle, Casella and McCulloch 1992, Variance Components, ch. 3),
    unbalanced designs taking the effective group size n0. A share whose interval reaches down
    to zero leaves the assumptions nothing to apportion: the indices of such an outcome are
    0/0, not small.

    Args:
        y: Each design point's mean.
        spread: The seeds' spread, with the run count at each point.

    Returns:
        ``f, p, share, share_low, share_high``.
    """
    from scipy.stats import f as fisher

    counts = spread.counts.astype(float)
    total, groups = counts.sum(), len(counts)
    grand = float(np.sum(counts * y) / total)
    between = float(np.sum(counts * (y - grand) ** 2) / (groups - 1))
    ratio = between / spread.variance
    size = (total - np.sum(counts ** 2) / total) / (groups - 1)

    def share(value: float) -> float:
        return float(np.clip((value - 1) / (value - 1 + size), 0.0, 1.0))

    low = ratio / fisher.ppf(0.975, groups - 1, spread.dof)
    high = ratio / fisher.ppf(0.025, groups - 1, spread.dof)
    return {"f": ratio, "p": float(fisher.sf(ratio, groups - 1, spread.dof)),
            "share": share(ratio), "share_low": share(low), "share_high": share(high)}


def _predicted_mean(gp: Any, points: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """The emulator's posterior mean at many points, a chunk at a time to bound memory."""
    return np.concatenate([gp.predict(points[start:start + chunk])
                           for start in range(0, len(points), chunk)])


def posterior_paths(gp: Any, points: np.ndarray, count: int,
                    rng: np.random.Generator) -> np.ndarray:
    """``count`` draws of the fitted ``gp``'s latent function at ``points`` (rows).

    The latent function is the expected outcome: the white-noise term, which the fitted
    kernel adds on the diagonal, is taken off before drawing.
    """
    mean, cov = gp.predict(points, return_cov=True)
    cov[np.diag_indices_from(cov)] -= gp.kernel_.k2.noise_level
    factor = _cholesky(cov)
    return mean + (factor @ rng.standard_normal((len(points), count))).T


def _cholesky(cov: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of a posterior covariance, with the least jitter that works.

    Thousands of points of a smooth process make the matrix singular to rounding; jitter of
    at most a thousandth of the mean variance adds noise far below the indices' resolution.
    """
    level = max(float(np.mean(np.diag(cov))), 1e-12)
    for jitter in (1e-10, 1e-8, 1e-6, 1e-4, 1e-3):
        try:
            return np.linalg.cholesky(cov + np.eye(len(cov)) * jitter * level)
        except np.linalg.LinAlgError:
            continue
    raise ValueError("the emulator's posterior covariance is not positive definite even with "
                     "jitter of a thousandth of its variance")


def emulator_is_read(block: pd.DataFrame) -> bool:
    """Whether the indices of one analysis (its rows of :func:`emulated_sobol_indices`) are read.

    Where the seeds' spread is measured (``signal_low`` present), the points must differ by
    more than the seeds make them (a share whose interval stays above zero) and the emulator
    must miss held-out points by no more than it says it will (:func:`standardized_error`): then
    its posterior, whose spread the indices' intervals carry, is to be believed, and an
    interval below 0.1 settles an index. Where the noise is fitted, the emulator must also
    predict single runs (:data:`PREDICTIVE_Q2`).
    """
    first = block.iloc[0]
    calibrated = first["loo_z2"] <= first["loo_z2_high"]
    if "signal_low" in block:
        return bool(first["signal_low"] > 0.0 and calibrated)
    return bool(first["q2"] >= PREDICTIVE_Q2 and calibrated)


def standardized_error(gp: Any) -> tuple[float, float]:
    """Mean squared standardized leave-one-out error of ``gp``, and the most it should be.

    Each held-out output's error over the emulator's predictive standard deviation there
    (seed noise included) is a standard normal draw when the emulator's uncertainty is honest
    (Jones, Schonlau and Welch 1998, J. Global Optim. 13:455; Bastos and O'Hagan 2009,
    Technometrics 51:425). Their mean square above the upper 97.5% point of a chi-square over
    its n degrees of freedom says the emulator misses by more than it claims, and so do the
    intervals of its indices.

    Returns:
        ``(mean square, its upper bound)``.
    """
    return _mean_square_and_bound(*_leave_one_out(gp))


def leave_one_out_q2(gp: Any) -> float:
    """Leave-one-out predictivity Q2 of a fitted ``gp`` against its training outputs.

    Single runs carry seed noise the emulator cannot predict, so Q2 stays below one minus the
    noise share.
    """
    return _q2(gp.y_train_, _leave_one_out(gp)[0])


def _q2(outputs: np.ndarray, residuals: np.ndarray) -> float:
    """One minus the held-out residuals' sum of squares over the outputs'."""
    return float(1.0 - np.sum(residuals ** 2) / np.sum((outputs - outputs.mean()) ** 2))


def _mean_square_and_bound(residuals: np.ndarray, variances: np.ndarray) -> tuple[float, float]:
    """Mean squared standardized error and the upper 97.5% point of its chi-square over n."""
    from scipy.stats import chi2

    count = len(residuals)
    return float(np.mean(residuals ** 2 / variances)), float(chi2.ppf(0.975, count) / count)


def _leave_one_out(gp: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each training output's residual from the emulator fitted without it, and its variance.

    Closed form (Rasmussen and Williams 2006, eq. 5.12): the residual is the point's weight
    over the diagonal of the inverse kernel matrix, the predictive variance one over that
    diagonal, so no refit is needed.
    """
    diagonal = np.diag(cho_solve((gp.L_, True), np.eye(len(gp.y_train_))))
    return gp.alpha_ / diagonal, 1.0 / diagonal
