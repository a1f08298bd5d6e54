"""Statistics of a sweep's runs: condition means, differences, sensitivity indices, bands.

A condition is one ``(scenario, point)`` pair of ``runs.parquet``; its replications are its
seeds. Conditions keep the order in which they first appear in the runs table and the first
one is the reference. Only runs with status ``"ok"`` enter any statistic. Every function here
takes and returns pandas or numpy objects and draws nothing; the report modules turn
the results into tables, figures and text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.compare import mean_ci, welch
from model.outcomes import OUTCOMES_BY_NAME

CONDITION = ["scenario", "point"]
RUN_COLUMNS = ("run_id", "scenario", "point", "replication", "seed")
TAIL_COLUMNS = ("status", "error", "seconds")
NAN4 = (math.nan,) * 4


def ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that finished (status ``"ok"``); failed runs enter no statistic."""
    return runs[runs["status"] == "ok"]


def factor_keys(runs: pd.DataFrame) -> list[str]:
    """The factor columns of ``runs``: those between ``seed`` and the first outcome column."""
    keys = []
    for column in list(runs.columns)[len(RUN_COLUMNS):]:
        if column in OUTCOMES_BY_NAME or column in TAIL_COLUMNS:
            break
        keys.append(column)
    return keys


def short_keys(keys: Sequence[str]) -> dict[str, str]:
    """A short name per dotted key: its last part, or the whole key when that is ambiguous."""
    lasts = [key.rsplit(".", 1)[-1] for key in keys]
    return {key: last if lasts.count(last) == 1 else key for key, last in zip(keys, lasts,
                                                                            strict=True)}


def format_value(value: Any) -> str:
    """A factor value as text: floats to four significant digits, anything else as is."""
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        return f"{float(value):.4g}"
    if isinstance(value, float | np.floating):
        return str(int(value))
    return str(value)


def conditions(runs: pd.DataFrame) -> pd.DataFrame:
    """The conditions of ``runs`` in order of appearance, failed runs included.

    Args:
        runs: The runs table of a result store.

    Returns:
        One row per condition: ``condition`` (a readable label: the scenario, then the factor
        values, e.g. ``"baseline · level=0.5"``), ``scenario``, ``point`` and each factor.
    """
    keys = factor_keys(runs)
    table = runs.drop_duplicates(CONDITION)[CONDITION + keys].reset_index(drop=True)
    short = short_keys(keys)
    labels = []
    for row in table.itertuples(index=False):
        values = dict(zip(CONDITION + keys, row, strict=True))
        parts = [f"{short[key]}={format_value(values[key])}" for key in keys]
        labels.append(" · ".join([str(values["scenario"]), ", ".join(parts)]) if parts
                      else str(values["scenario"]))
    table.insert(0, "condition", labels)
    return table


def _groups(runs: pd.DataFrame) -> dict[tuple[Any, ...], pd.DataFrame]:
    """The ok runs of each condition, by ``(scenario, point)``."""
    return {key: frame for key, frame in ok_runs(runs).groupby(CONDITION, sort=False)}


def _values(frame: pd.DataFrame | None, outcome: str) -> np.ndarray:
    """The finite values of ``outcome`` in ``frame`` (empty when there is none)."""
    if frame is None or outcome not in frame:
        return np.array([], dtype=float)
    values = frame[outcome].to_numpy(dtype=float)
    return values[np.isfinite(values)]


def condition_stats(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Mean, standard deviation and 95% t-interval of each outcome in each condition.

    Args:
        runs: The runs table of a result store.
        outcomes: Outcome names, in the order wanted.

    Returns:
        One row per outcome and condition (outcome-major): ``condition, scenario, point,
        outcome, n, mean, sd, ci_low, ci_high``. ``n`` counts ok runs with a value; the
        interval is NaN below two values and every statistic is NaN with none.
    """
    table, groups = conditions(runs), _groups(runs)
    rows = []
    for outcome in outcomes:
        for label, scenario, point in table[["condition", *CONDITION]].itertuples(index=False):
            values = _values(groups.get((scenario, point)), outcome)
            rows.append((label, scenario, point, outcome, len(values),
                         *(mean_ci(values) if len(values) else NAN4)))
    return pd.DataFrame(rows, columns=["condition", *CONDITION, "outcome", "n", "mean", "sd",
                                       "ci_low", "ci_high"])


def hedges_g(first: np.ndarray, other: np.ndarray) -> float:
    """Hedges' g of ``other`` against ``first``: bias-corrected standardised mean difference.

    Cohen's d with the pooled standard deviation, times the small-sample correction
    ``J = 1 - 3 / (4 (n1 + n2) - 9)`` (Hedges & Olkin 1985).

    Args:
        first: Values of the reference condition.
        other: Values of the condition compared with it.

    Returns:
        g, or NaN when either sample has fewer than two values or both are constant.
    """
    n1, n2 = len(first), len(other)
    # constant samples: test ptp, as the variance of equal floats can come out a hair above 0
    if n1 < 2 or n2 < 2 or (np.ptp(first) == 0 and np.ptp(other) == 0):
        return math.nan
    pooled = ((n1 - 1) * first.var(ddof=1) + (n2 - 1) * other.var(ddof=1)) / (n1 + n2 - 2)
    d = (other.mean() - first.mean()) / math.sqrt(pooled)
    return float(d * (1 - 3 / (4 * (n1 + n2) - 9)))


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values.

    The i-th smallest of m p-values is multiplied by ``m - i + 1``; a running maximum keeps
    the adjusted values in the order of the raw ones, and they are capped at 1. NaN values
    are passed through and do not count towards m.

    Args:
        p_values: The raw p-values of one family, in any order.

    Returns:
        The adjusted p-values, in the order given.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, math.nan)
    finite = np.flatnonzero(np.isfinite(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    scaled = p[order] * (m - np.arange(m))
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


def differences(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each condition against the reference (the first), per outcome.

    Args:
        runs: The runs table of a result store.
        outcomes: Outcome names, in the order wanted.

    Returns:
        One row per outcome and non-reference condition: ``condition, scenario, point,
        outcome, n_reference, n, diff, diff_low, diff_high, hedges_g, p_value, p_holm``.
        ``diff`` is condition minus reference with its Welch 95% interval; ``p_value`` is
        the Welch t-test's and ``p_holm`` is Holm-adjusted over all comparisons of that
        outcome.
    """
    table, groups = conditions(runs), _groups(runs)
    keys = list(table[["condition", *CONDITION]].itertuples(index=False))
    rows = []
    for outcome in outcomes:
        first = _values(groups.get(tuple(keys[0][1:])), outcome) if keys else np.array([])
        block = []
        for label, scenario, point in keys[1:]:
            other = _values(groups.get((scenario, point)), outcome)
            diff, low, high, p = welch(first, other) if len(first) and len(other) else NAN4
            block.append([label, scenario, point, outcome, len(first), len(other), diff, low,
                          high, hedges_g(first, other), p])
        adjusted = holm([row[-1] for row in block])
        rows += [[*row, p] for row, p in zip(block, adjusted, strict=True)]
    return pd.DataFrame(rows, columns=["condition", *CONDITION, "outcome", "n_reference", "n",
                                       "diff", "diff_low", "diff_high", "hedges_g", "p_value",
                                       "p_holm"])


def point_outputs(manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame,
                  outcome: str, scenario: str | None = None,
                  minus: str | None = None) -> np.ndarray:
    """Mean of ``outcome`` over each design point's ok replications, in design order.

    Args:
        manifest: The store's manifest.
        design: The store's design table (``point`` then the raw sample).
        runs: The runs table.
        outcome: The outcome to average.
        scenario: The scenario whose runs count (default: the reference scenario).
        minus: A scenario whose means are taken away point by point: the reform's effect at
            each point (both ran on the same seeds there).

    Returns:
        One value per row of ``design``.

    Raises:
        ValueError: Some design points have no ok run with a value of ``outcome``, or the
            values do not vary (sensitivity indices would be 0/0, which SALib reports as 0).
    """
    scenario = scenario or manifest["scenarios"][0]["name"]
    y = _point_means(design, runs, outcome, scenario)
    if minus is not None:
        y = y - _point_means(design, runs, outcome, minus)
        scenario = f"{scenario} - {minus}"
    if len(y) and np.ptp(y) == 0:
        raise ValueError(f"{outcome} is the same at every design point of scenario "
                         f"{scenario!r}: it has no sensitivity to apportion")
    return y


def _point_means(design: pd.DataFrame, runs: pd.DataFrame, outcome: str,
                 scenario: str) -> np.ndarray:
    """Each design point's mean of ``outcome`` over ``scenario``'s ok runs, in design order."""
    chosen = ok_runs(runs[runs["scenario"] == scenario])
    if outcome not in chosen:
        raise ValueError(f"the runs table has no column {outcome!r}")
    means = chosen.groupby("point")[outcome].mean()
    points = design["point"].to_numpy()
    y = means.reindex(points).to_numpy(dtype=float)
    missing = int((~np.isfinite(y)).sum())
    if missing:
        raise ValueError(f"{missing} of {len(points)} design points of scenario {scenario!r} "
                         f"have no successful run with a value of {outcome}")
    return y


def salib_problem(manifest: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of the SALib problem (SALib adds keys to the dict it is given)."""
    problem = manifest.get("problem")
    if not problem:
        raise ValueError("the manifest has no SALib problem (not a sampled design)")
    fresh = {"num_vars": problem["num_vars"], "names": list(problem["names"]),
             "bounds": [list(bound) for bound in problem["bounds"]]}
    if problem.get("groups"):
        fresh["groups"] = list(problem["groups"])
    return fresh


def sobol_indices(manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame,
                  outcome: str, scenario: str | None = None,
                  minus: str | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices of ``outcome`` (Saltelli/Sobol design).

    Args:
        manifest: The store's manifest (``problem`` and ``design`` are used).
        design: The store's design table.
        runs: The runs table.
        outcome: The outcome analysed.
        scenario: The scenario analysed (default: the reference scenario).
        minus: Analyse ``scenario``'s difference from this one (see :func:`point_outputs`).

    Returns:
        One row per factor: ``factor, S1, S1_conf, ST, ST_conf`` (conf: half-width of the
        95% bootstrap interval).

    Raises:
        ValueError: Design points without a value, or a design that does not fit the problem.
    """
    from SALib.analyze import sobol  # imported here: SALib is an optional dependency

    problem = salib_problem(manifest)
    y = point_outputs(manifest, design, runs, outcome, scenario, minus)
    settings = manifest.get("design") or {}
    try:
        result = sobol.analyze(problem, y, conf_level=0.95, seed=settings.get("seed"),
                               calc_second_order=bool(settings.get("calc_second_order", True)))
    except RuntimeError as error:  # SALib's word for a sample of the wrong size
        raise ValueError(str(error)) from error
    return pd.DataFrame({"factor": problem["names"], **{
        key: np.asarray(result[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")}})


def level_and_effect_analyses(manifest: dict[str, Any],
                              runs: pd.DataFrame) -> list[tuple[str, str | None, str]]:
    """What a sampled design's indices are computed for: ``(scenario, minus, label)``.

    Each scenario's levels, then each further scenario's effect: its difference from the
    reference (the first scenario), point by point.
    """
    scenarios = [s["name"] for s in manifest["scenarios"] if (runs["scenario"] == s["name"]).any()]
    return [(s, None, s) for s in scenarios] + [
        (s, scenarios[0], f"{s} - {scenarios[0]}") for s in scenarios[1:]]


def morris_indices(manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame,
                   outcome: str, scenario: str | None = None,
                   minus: str | None = None) -> pd.DataFrame:
    """Morris elementary-effect screening of ``outcome``.

    Args:
        manifest: The store's manifest (``problem`` and ``design`` are used).
        design: The store's design table; its raw sample is the X SALib analyses.
        runs: The runs table.
        outcome: The outcome analysed.
        scenario: The scenario analysed (default: the reference scenario).
        minus: Analyse ``scenario``'s difference from this one (see :func:`point_outputs`).

    Returns:
        One row per factor, or per group of a grouped design (its name in ``factor``):
        ``factor, mu_star, mu_star_conf, sigma`` (sigma is NaN for a group of several factors,
        whose elementary effects mix their signs).

    Raises:
        ValueError: Design points without a value, or a design that does not fit the problem.
    """
    from SALib.analyze import morris

    problem = salib_problem(manifest)
    y = point_outputs(manifest, design, runs, outcome, scenario, minus)
    x = design[problem["names"]].to_numpy(dtype=float)
    settings = manifest.get("design") or {}
    result = morris.analyze(problem, x, y, conf_level=0.95,
                            num_levels=int(settings.get("levels") or 4), seed=settings.get("seed"))
    return pd.DataFrame({"factor": list(result["names"]), **{
        key: np.asarray(result[key], dtype=float)
        for key in ("mu_star", "mu_star_conf", "sigma")}})


def point_means(runs: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of ``columns`` over each condition's ok runs: ``scenario, point`` and the means."""
    ok = ok_runs(runs)
    numeric = {column: pd.to_numeric(ok[column], errors="coerce") for column in columns}
    frame = pd.DataFrame({**{key: ok[key] for key in CONDITION}, **numeric})
    return frame.groupby(CONDITION, sort=False).mean().reset_index()


def rank_correlations(runs: pd.DataFrame, factors: Sequence[str],
                      outcomes: Sequence[str]) -> pd.DataFrame:
    """Spearman rank correlation of each factor with each outcome over design-point means.

    Args:
        runs: The runs table (typically of a Latin hypercube design).
        factors: Factor keys.
        outcomes: Outcome names.

    Returns:
        One row per scenario, outcome and factor: ``scenario, outcome, factor, n, rho,
        p_value`` (NaN below three points or when either variable is constant).
    """
    columns = [*factors, *[o for o in outcomes if o in runs]]
    means = point_means(runs, columns)
    rows = []
    for scenario, frame in means.groupby("scenario", sort=False):
        for outcome in outcomes:
            for factor in factors:
                pair = frame[[factor, outcome]].dropna() if outcome in frame else frame[[]]
                rho, p = math.nan, math.nan
                if len(pair) >= 3 and pair[factor].nunique() > 1 and pair[outcome].nunique() > 1:
                    result = stats.spearmanr(pair[factor], pair[outcome])
                    rho, p = float(result.statistic), float(result.pvalue)
                rows.append((scenario, outcome, factor, len(pair), rho, p))
    return pd.DataFrame(rows, columns=["scenario", "outcome", "factor", "n", "rho", "p_value"])


def grid_frame(runs: pd.DataFrame, key_x: str, key_y: str, outcome: str) -> pd.DataFrame:
    """Mean of ``outcome`` per scenario and pair of grid values (for heatmaps).

    Other grid factors, if any, are averaged over.

    Args:
        runs: The runs table of a grid design.
        key_x: The factor on the x axis.
        key_y: The factor on the y axis.
        outcome: The outcome averaged.

    Returns:
        ``scenario, key_x, key_y, mean, n`` with values in order of appearance.
    """
    ok = ok_runs(runs)
    grouped = ok.groupby(["scenario", key_x, key_y], sort=False)[outcome]
    return grouped.agg(mean="mean", n="count").reset_index()


def series_bands(series: pd.DataFrame, runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per condition and day: mean of ``outcome`` and its 2.5 and 97.5 percentiles over seeds.

    Args:
        series: Daily series of the runs (``run_id``, ``day`` and daily outcomes).
        runs: The runs table (to find each run's condition; failed runs are left out).
        outcome: A daily outcome.

    Returns:
        ``condition, scenario, point, day, n, mean, low, high`` in condition then day order.
    """
    table = conditions(runs)
    merged = series[["run_id", "day", outcome]].merge(
        ok_runs(runs)[["run_id", *CONDITION]], on="run_id")
    grouped = merged.groupby([*CONDITION, "day"])[outcome]
    bands = grouped.agg(n="count", mean="mean")
    quantiles = grouped.quantile([0.025, 0.975]).unstack()
    bands["low"], bands["high"] = quantiles[0.025], quantiles[0.975]
    bands = table[["condition", *CONDITION]].merge(bands.reset_index(), on=CONDITION)
    return bands.reset_index(drop=True)
