"""The figures of a sweep's report, drawn with matplotlib and saved as PNG (200 dpi) and SVG.

Each public function takes the tables of :mod:`model.experiment.analysis`, writes
``figures/STEM.png`` and ``figures/STEM.svg`` under ``out`` and returns those paths (PNG first),
or ``[]`` when there is nothing to draw. :mod:`model.experiment.report` decides which figures a
report has and embeds them; this module only draws.
"""

from __future__ import annotations

import math
import textwrap
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.compare import decimals, number
from model.experiment import analysis as an
from model.outcomes import OUTCOMES_BY_NAME, Outcome


def outcome_meta(name: str) -> Outcome:
    """The declaration of outcome ``name`` (a bare one for a name the code no longer has)."""
    return OUTCOMES_BY_NAME.get(name) or Outcome(name, name, name, "", "neither", lambda m: None)


# --- helpers ------------------------------------------------------------------------------------


def _panels(count: int, width: float, height: float, cols: int = 3,
            sharey: bool | str = False) -> tuple[Any, list[Any]]:
    """A constrained-layout figure with ``count`` panels in rows of ``cols``."""
    from matplotlib.figure import Figure  # imported here: slow, and only figures need it

    cols = max(1, min(cols, count))
    rows = max(1, math.ceil(count / cols))
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False, sharey=sharey).ravel())
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count]


#: Provenance stamped into every figure saved while it is set (see :func:`save_figure`).
STAMP: ContextVar[str | None] = ContextVar("figure_stamp", default=None)


def save_figure(fig: Any, out: Path, stem: str, description: str | None = None) -> list[Path]:
    """Save ``fig`` as ``figures/STEM.png`` (200 dpi) and ``.svg``, byte for byte reproducible.

    ``description`` (provenance: spec, seeds, code; default :data:`STAMP`) is stamped into
    both files' metadata. The
    SVG carries no date and a fixed id salt, so the same numbers give the same bytes.
    """
    import matplotlib

    paths = [out / "figures" / f"{stem}.png", out / "figures" / f"{stem}.svg"]
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    description = description or STAMP.get()
    stamp = {"Description": description} if description else {}
    with matplotlib.rc_context({"svg.hashsalt": "cogov"}):
        fig.savefig(paths[0], dpi=200, metadata=stamp)
        fig.savefig(paths[1], metadata={"Date": None, **stamp})
    return paths


_save = save_figure


def _label_axes(ax: Any, name: str, axis: str = "y") -> None:
    """Title the panel with the outcome's label and put its unit on ``axis``."""
    meta = outcome_meta(name)
    ax.set_title(meta.label, fontsize=10)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(meta.unit)
    ax.grid(alpha=0.3)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _ordered(values: pd.Series) -> list[Any]:
    levels = list(dict.fromkeys(values))
    return sorted(levels) if _is_numeric(values) else levels


# --- figures ------------------------------------------------------------------------------------


def means(out: Path, stats: pd.DataFrame, valued: list[str]) -> list[Path]:
    """Mean ± 95% CI per condition, one panel per outcome; the reference in grey."""
    labels = list(dict.fromkeys(stats["condition"]))
    if not valued:
        return []
    # conditions down the y axis: long labels stay horizontal and readable
    fig, axes = _panels(len(valued), 3.4, 0.3 * len(labels) + 1.3, sharey=True)
    y = np.arange(len(labels))
    for ax, name in zip(axes, valued, strict=True):
        block = stats[stats["outcome"] == name]
        mean = block["mean"].to_numpy(dtype=float)
        error = np.nan_to_num(np.vstack([mean - block["ci_low"].to_numpy(dtype=float),
                                         block["ci_high"].to_numpy(dtype=float) - mean]))
        for part, colour in ((slice(0, 1), "0.45"), (slice(1, None), "tab:blue")):
            ax.errorbar(mean[part], y[part], xerr=error[:, part], fmt="o", color=colour,
                        capsize=3)
        ax.set_yticks(y, [_wrap(label, 45) for label in labels], fontsize=8)
        ax.set_ylim(len(labels) - 0.5, -0.5)  # the reference on top; idempotent on shared axes
        _label_axes(ax, name, axis="x")
    fig.suptitle("Mean ± 95% CI per condition (grey: reference)")
    return _save(fig, out, "means")


def response(out: Path, stats: pd.DataFrame, key: str, valued: list[str]) -> list[Path]:
    """Each outcome against the grid factor ``key``: a line with a CI band per scenario."""
    if not valued:
        return []
    numeric = _is_numeric(stats[key])
    levels = list(dict.fromkeys(stats[key]))
    fig, axes = _panels(len(valued), 3.6, 3.2)
    for ax, name in zip(axes, valued, strict=True):
        block = stats[stats["outcome"] == name]
        for scenario, rows in block.groupby("scenario", sort=False):
            rows = rows.sort_values(key) if numeric else rows
            x = rows[key].to_numpy(dtype=float) if numeric else [levels.index(v)
                                                                 for v in rows[key]]
            (line,) = ax.plot(x, rows["mean"], marker="o", label=str(scenario))
            ax.fill_between(x, rows["ci_low"], rows["ci_high"], color=line.get_color(),
                            alpha=0.2)
        if not numeric:
            ax.set_xticks(range(len(levels)), [an.format_value(v) for v in levels])
        ax.set_xlabel(key)
        _label_axes(ax, name)
    if stats["scenario"].nunique() > 1:
        axes[0].legend(fontsize=8)
    fig.suptitle(f"Mean with 95% CI band against {key}")
    return _save(fig, out, "response")


def heatmap(out: Path, runs: pd.DataFrame, pair: list[str], name: str) -> list[Path]:
    """Mean of ``name`` over two grid factors, one panel per scenario, values annotated."""
    key_x, key_y = pair
    frame = an.grid_frame(runs, key_x, key_y, name)
    xs, ys = _ordered(runs[key_x]), _ordered(runs[key_y])
    finite = frame["mean"][np.isfinite(frame["mean"])]
    if finite.empty:
        return []
    low, high = float(finite.min()), float(finite.max())
    places = decimals([low, high])
    scenarios = list(dict.fromkeys(frame["scenario"]))
    fig, axes = _panels(len(scenarios), max(3.6, 0.75 * len(xs) + 1.8),
                        max(3.0, 0.5 * len(ys) + 1.8))
    for ax, scenario in zip(axes, scenarios, strict=True):
        grid = frame[frame["scenario"] == scenario].pivot(index=key_y, columns=key_x,
                                                          values="mean")
        values = grid.reindex(index=ys, columns=xs).to_numpy(dtype=float)
        image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis", vmin=low,
                          vmax=high)
        for (row, col), value in np.ndenumerate(values):
            if np.isfinite(value):
                dark = high > low and (value - low) / (high - low) < 0.55
                ax.text(col, row, number(value, places), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
        ax.set_xticks(range(len(xs)), [an.format_value(v) for v in xs])
        ax.set_yticks(range(len(ys)), [an.format_value(v) for v in ys])
        ax.set_xlabel(key_x)
        ax.set_ylabel(key_y)
        ax.set_title(str(scenario), fontsize=10)
    fig.colorbar(image, ax=axes, label=outcome_meta(name).unit, shrink=0.9)
    fig.suptitle(f"{outcome_meta(name).label}: mean over replications")
    return _save(fig, out, f"heatmap_{name}")


def sobol(out: Path, table: pd.DataFrame, name: str) -> list[Path]:
    """Bars of S1 and ST per factor with their 95% intervals, one panel per scenario."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    factors = list(dict.fromkeys(table["factor"]))
    short = an.short_keys(factors)
    fig, axes = _panels(len(scenarios), max(4.8, 0.8 * len(factors) + 1.4), 3.4)
    x = np.arange(len(factors))
    for ax, scenario in zip(axes, scenarios, strict=True):
        rows = table[table["scenario"] == scenario].set_index("factor").reindex(factors)
        for shift, key in ((-0.2, "S1"), (0.2, "ST")):
            ax.bar(x + shift, rows[key], width=0.4, yerr=np.nan_to_num(rows[f"{key}_conf"]),
                   capsize=3, label=key)
        ax.set_xticks(x, [short[f] for f in factors], rotation=30 if len(factors) > 4 else 0,
                      ha="right" if len(factors) > 4 else "center")
        ax.set_ylabel("Sobol index (share of variance)")
        ax.set_title(str(scenario), fontsize=10)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"{outcome_meta(name).label}: Sobol indices with 95% CI")
    return _save(fig, out, f"sobol_{name}")


def total_order_map(out: Path, table: pd.DataFrame, name: str) -> list[Path]:
    """Total-order indices as a map: one row per level or reform effect, one column per factor.

    With many scenarios a panel of bars each would not be read; a map shows at a glance which
    assumption each level and each effect rests on. Each cell gives ST and its half-width.
    """
    rows = list(dict.fromkeys(table["scenario"]))
    factors = list(dict.fromkeys(table["factor"]))
    short = an.short_keys(factors)
    grid = table.pivot(index="scenario", columns="factor", values="ST").reindex(
        index=rows, columns=factors)
    conf = table.pivot(index="scenario", columns="factor", values="ST_conf").reindex(
        index=rows, columns=factors)
    fig, axes = _panels(1, max(6.0, 0.95 * len(factors) + 2.8), max(2.6, 0.36 * len(rows) + 1.6))
    ax = axes[0]
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0,
                      vmax=1)
    for (row, col), value in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(value):
            ax.text(col, row, f"{value:.2f}\n±{conf.iat[row, col]:.2f}", ha="center",
                    va="center", fontsize=6.5, color="white" if value < 0.55 else "black")
    ax.set_xticks(range(len(factors)), [short[f] for f in factors], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    fig.colorbar(image, ax=axes, label="total-order index (share of variance)", shrink=0.9)
    fig.suptitle(f"{outcome_meta(name).label}: total-order Sobol indices (± 95%)", fontsize=10)
    return _save(fig, out, f"sobol_total_{name}")


MORRIS_LABELS = 8
"""Factors named beside their point in a Morris panel, the largest mu* first.

A screening of seventy factors crowds their points near the origin, where every label would
overlap the next; the table names them all."""


def morris(out: Path, table: pd.DataFrame, name: str) -> list[Path]:
    """Morris mu* (with its 95% interval) against sigma, the leading factors labelled."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    short = an.short_keys(list(dict.fromkeys(table["factor"])))
    unit = outcome_meta(name).unit
    fig, axes = _panels(len(scenarios), 4.2, 3.6)
    for ax, scenario in zip(axes, scenarios, strict=True):
        rows = table[table["scenario"] == scenario]
        if rows["sigma"].isna().any():
            _morris_bars(ax, rows, short, unit)
            continue
        ax.errorbar(rows["mu_star"], rows["sigma"], xerr=np.nan_to_num(rows["mu_star_conf"]),
                    fmt="o", capsize=3)
        for row in rows.nlargest(MORRIS_LABELS, "mu_star").itertuples():
            ax.annotate(short[row.factor], (row.mu_star, row.sigma), textcoords="offset points",
                        xytext=(4, 4), fontsize=8)
        ax.set_xlabel(f"mu* ({unit})")
        ax.set_ylabel(f"sigma ({unit})")
        ax.set_title(str(scenario), fontsize=10)
        ax.margins(0.15)  # room for the factor labels next to the outermost points
        ax.grid(alpha=0.3)
    fig.suptitle(f"{outcome_meta(name).label}: Morris screening")
    return _save(fig, out, f"morris_{name}")


def _morris_bars(ax: Any, rows: pd.DataFrame, short: dict[str, str], unit: str) -> None:
    """Draw mu* of each group as a bar with its 95% interval.

    Groups of several factors have no sigma, so the mu*-sigma plane has no place for them.
    """
    ordered = rows.sort_values("mu_star")
    ax.barh([short[f] for f in ordered["factor"]], ordered["mu_star"],
            xerr=np.nan_to_num(ordered["mu_star_conf"]), capsize=2, color="0.55")
    ax.set_xlabel(f"mu* ({unit})")
    ax.set_title(str(ordered["scenario"].iloc[0]), fontsize=10)
    ax.tick_params(axis="y", labelsize=7)
    from matplotlib.ticker import MaxNLocator  # imported here: slow, and only figures need it

    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.grid(axis="x", alpha=0.3)


def lhs_scatter(out: Path, runs: pd.DataFrame, shown: list[str]) -> list[Path]:
    """Design-point means of the outcomes ``shown`` (one row each) against up to six factors."""
    factors = an.factor_keys(runs)[:6]
    if not factors or not shown:
        return []
    points = an.point_means(runs, [*factors, *shown])
    fig, axes = _panels(len(factors) * len(shown), 2.6, 2.3, cols=len(factors), sharey="row")
    for index, ax in enumerate(axes):
        name, key = shown[index // len(factors)], factors[index % len(factors)]
        for scenario, rows in points.groupby("scenario", sort=False):
            ax.scatter(rows[key], rows[name], s=6, alpha=0.6, label=str(scenario))
        ax.set_xlabel(key, fontsize=8)
        if index % len(factors) == 0:
            meta = outcome_meta(name)
            ax.set_ylabel(_wrap(f"{meta.label} ({meta.unit})", 30), fontsize=8)
        ax.tick_params(labelsize=7)
    if points["scenario"].nunique() > 1:
        axes[0].legend(fontsize=7)
    fig.suptitle("Design-point means against each factor")
    return _save(fig, out, "lhs_scatter")


def _series_styles(count: int) -> list[tuple[tuple[float, ...], str]]:
    """A colour and line style for each of ``count`` lines; 20 distinct before any repeat."""
    from matplotlib import colormaps  # imported here: slow, and only figures need it

    # tab20 pairs each tab10 colour with a lighter shade: the ten dark ones come first (up to
    # ten lines look as with the default cycle), the light ones dashed to tell them from theirs
    colours = colormaps["tab20"].colors
    order = [*colours[0::2], *colours[1::2]]
    return [(order[i % 20], "-" if i % 20 < 10 else "--") for i in range(count)]


def series(out: Path, bands: pd.DataFrame, name: str) -> list[Path]:
    """Daily mean with its 2.5-97.5 percentile band, one line per condition."""
    if bands.empty:
        return []
    groups = list(bands.groupby("condition", sort=False))
    fig, (ax,) = _panels(1, 7.5, 4.2)
    for (label, rows), (colour, style) in zip(groups, _series_styles(len(groups)), strict=True):
        ax.plot(rows["day"], rows["mean"], color=colour, linestyle=style,
                label=_wrap(str(label), 45))
        ax.fill_between(rows["day"], rows["low"], rows["high"], color=colour, alpha=0.15)
    ax.set_xlabel("day")
    _label_axes(ax, name)
    # right of the axes: a legend inside would hide lines, and there may be 16 of them
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    fig.suptitle("Mean over seeds with 95% band")
    return _save(fig, out, f"series_{name}")
