"""Tables, figures and report of a calibration folder (see :mod:`model.calibration.run`).

Every table is returned as markdown lines and written as CSV; every figure as PNG and SVG with
the provenance stamped in its metadata. ``docs/paper.md`` embeds the same tables and figures.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from model.compare import number
from model.experiment.figures import save_figure
from model.experiment.tables import md_table
from model.outcomes import OUTCOMES_BY_NAME

MEASURES = (("resolved_share", "Resolution rate (%)"),
            ("callback_satisfaction", "Satisfaction rate (%)"),
            ("volume_index", "Hotline volume (x 2019)"))


def read_result(folder: str | Path) -> dict[str, Any]:
    """The ``calibration.json`` of a calibration folder."""
    path = Path(folder) / "calibration.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no calibration here; run `cogov calibrate SPEC "
                                f"--out {folder}` first") from None


def provenance(result: dict[str, Any]) -> str:
    """One line naming the spec, its seeds and the code that produced ``result``."""
    code = result["code"]
    spec = result["spec"]
    return (f"cogov {code['cogov']} (model source {str(result.get('source'))[:12]}), "
            f"{result['spec_file']}, root seed {spec['root_seed']}, design seed "
            f"{spec['design']['seed']}, ABC seed {spec['abc']['seed']}")


def _pct(value: float | None, sign: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value * 100:+.1f}" if sign else f"{value * 100:.1f}"


def _interval(low: float, high: float, scale: float = 100, places: int = 1) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "[–]"
    return f"[{low * scale:.{places}f}, {high * scale:.{places}f}]"


def posterior_lines(result: dict[str, Any]) -> list[str]:
    """Fitted parameters: prior, posterior mean, SD and 95% credible interval, narrowing."""
    rows = [[f"`{row['parameter']}`", f"{row['prior_low']:g} – {row['prior_high']:g}",
             number(row["mean"], 3), number(row["sd"], 3),
             f"[{number(row['ci_low'], 3)}, {number(row['ci_high'], 3)}]",
             f"{row['narrowing'] * 100:.0f}%"]
            for row in result["posterior"]]
    return md_table(["parameter", "prior", "posterior mean", "SD", "95% CrI", "narrowed"], rows)


def why_lines(result: dict[str, Any]) -> list[str]:
    """Why each parameter is fitted, as a list."""
    return ["", *(f"- `{key}`: {p['why']}." for key, p in result["spec"]["parameters"].items()),
            ""]


def fit_lines(result: dict[str, Any]) -> list[str]:
    """Targets: published value, emulator and simulator at the posterior mean (in %)."""
    rows = []
    for row in result["fit"]:
        rows.append([
            OUTCOMES_BY_NAME[row["target"]].label, _pct(row["published"]),
            f"{_pct(row['emulated'])} ± {row['emulated_sd'] * 100:.1f}",
            f"{_pct(row['simulated'])} "
            f"{_interval(row['simulated_ci_low'], row['simulated_ci_high'])}",
            _interval(row["predictive_low"], row["predictive_high"]),
            "yes" if row["within_ci"] else "no"])
    return md_table(["target (%)", "published 2019", "emulator at posterior mean",
                     f"simulated, {result['fit'][0]['runs']} seeds [95% CI]",
                     "posterior predictive 95%", "published within CI"], rows)


def validation_lines(result: dict[str, Any]) -> list[str]:
    """Emulator accuracy: out-of-fold RMSE and R² against the seed-to-seed spread."""
    rows = [[OUTCOMES_BY_NAME[row["target"]].label, f"{row['cv_rmse'] * 100:.2f}",
             f"{row['cv_r2']:.3f}", f"{row['seed_sd'] * 100:.2f}"]
            for row in result["emulator_validation"]]
    return md_table(["target", "5-fold RMSE (points)", "R²", "seed SD (points)"], rows)


def trajectory_lines(result: dict[str, Any]) -> list[str]:
    """The reform sequence: simulated mean [95% CI] next to the published figures."""
    rows = []
    for stage in result["trajectory"]:
        cells = [stage["stage"]]
        for name, _ in MEASURES:
            scale, places = (1, 2) if name == "volume_index" else (100, 1)
            mean = stage[f"{name}_mean"] * scale
            low, high = stage[f"{name}_ci_low"], stage[f"{name}_ci_high"]
            cells.append(f"{mean:.{places}f} {_interval(low, high, scale, places)}")
            cells.append("; ".join(f"{p[name] * scale:.{places}f} ({p['period']})"
                                   for p in stage["published"] if p[name] is not None) or "–")
        rows.append(cells)
    header = ["stage"]
    for _, label in MEASURES:
        header += [f"{label}, simulated", "published"]
    return md_table(header, rows)


def change_lines(result: dict[str, Any]) -> list[str]:
    """Published changes against simulated changes between stages (percentage points)."""
    rows = [[row["change"], OUTCOMES_BY_NAME[row["outcome"]].label,
             _pct(row["published"], sign=True),
             f"{_pct(row['simulated'], sign=True)} "
             f"{_interval(row['simulated_ci_low'], row['simulated_ci_high'])}"]
            for row in result["changes"]]
    return md_table(["change", "outcome", "published (points)",
                     "simulated (points) [95% CI]"], rows, left=2)


def posterior_figure(folder: Path, result: dict[str, Any], out: Path,
                     stamp: str | None = None) -> list[Path]:
    """Histograms of the accepted draws of each parameter over its prior range."""
    from matplotlib.figure import Figure

    draws = pd.read_parquet(folder / "posterior.parquet")
    rows = result["posterior"]
    fig = Figure(figsize=(3.2 * len(rows), 2.8), layout="constrained")
    for ax, row in zip(fig.subplots(1, len(rows), squeeze=False)[0], rows, strict=True):
        ax.hist(draws[row["parameter"]], bins=25, range=(row["prior_low"], row["prior_high"]),
                color="#4477aa", alpha=0.8)
        ax.axvline(row["mean"], color="black", lw=1)
        ax.set_xlim(row["prior_low"], row["prior_high"])
        ax.set_title(row["parameter"].split(".")[-1], fontsize=9)
        ax.set_xlabel(row["parameter"].split(".")[0], fontsize=8)
    return save_figure(fig, out, "calibration_posterior", stamp or provenance(result))


def trajectory_figure(result: dict[str, Any], out: Path, stamp: str | None = None) -> list[Path]:
    """Simulated stages (mean and 95% CI) with the published figures of their periods."""
    from matplotlib.figure import Figure

    stages = result["trajectory"]
    x = list(range(len(stages)))
    fig = Figure(figsize=(12, 3.4), layout="constrained")
    for ax, (name, label) in zip(fig.subplots(1, len(MEASURES)), MEASURES, strict=True):
        scale = 1 if name == "volume_index" else 100
        means = [s[f"{name}_mean"] * scale for s in stages]
        errors = [[m - s[f"{name}_ci_low"] * scale for m, s in zip(means, stages, strict=True)],
                  [s[f"{name}_ci_high"] * scale - m for m, s in zip(means, stages, strict=True)]]
        ax.errorbar(x, means, yerr=errors, marker="o", color="#4477aa", capsize=3,
                    label="simulated (95% CI)")
        shown = False
        for i, stage in enumerate(stages):
            for p in stage["published"]:
                if p[name] is not None:
                    ax.scatter(i, p[name] * scale, marker="s", color="#cc6677", zorder=3,
                               label=None if shown else "published")
                    ax.annotate(p["period"], (i, p[name] * scale), textcoords="offset points",
                                xytext=(5, 3), fontsize=7)
                    shown = True
        ax.set_xticks(x, [s["stage"].split(" (")[0] for s in stages], rotation=20, ha="right",
                      fontsize=7)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    return save_figure(fig, out, "calibration_trajectory", stamp or provenance(result))


def write_tables(result: dict[str, Any], out: Path) -> dict[str, list[str]]:
    """Write each table as CSV under ``out/tables``; return the markdown of each by name."""
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(result["posterior"]).to_csv(tables / "calibration_posterior.csv", index=False)
    pd.DataFrame(result["fit"]).to_csv(tables / "calibration_fit.csv", index=False)
    pd.DataFrame(result["emulator_validation"]).to_csv(tables / "calibration_emulator.csv",
                                                       index=False)
    flat = [{k: v for k, v in row.items() if k != "published"} for row in result["trajectory"]]
    pd.DataFrame(flat).to_csv(tables / "calibration_trajectory.csv", index=False)
    pd.DataFrame(result["changes"]).to_csv(tables / "calibration_changes.csv", index=False)
    return {"calibration_posterior": posterior_lines(result), "calibration_fit": fit_lines(result),
            "calibration_emulator": validation_lines(result),
            "calibration_trajectory": trajectory_lines(result),
            "calibration_changes": change_lines(result)}


def write_calibration_report(folder: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write ``report.md`` with every table and figure of a calibration folder."""
    folder = Path(folder)
    out = Path(out) if out else folder
    result = read_result(folder)
    tables = write_tables(result, out)
    figures = posterior_figure(folder, result, out) + trajectory_figure(result, out)
    abc = result["abc"]
    lines = [f"# Calibration: {result['name']}", "", result["spec"]["description"], "",
             f"Provenance: {provenance(result)}.", "",
             f"{result['design_runs']} fitting runs; rejection ABC kept {abc['accepted']} of "
             f"{abc['draws']} prior draws (tolerance {abc['tolerance']:.4f}).", "",
             "## Fitted parameters", *why_lines(result), *tables["calibration_posterior"],
             "![posterior](figures/calibration_posterior.png)", "",
             "## Fit to the 2019 figures", *tables["calibration_fit"],
             "## Emulator accuracy", *tables["calibration_emulator"],
             "## Reform sequence against the published trajectory (out of sample)",
             *tables["calibration_trajectory"], *tables["calibration_changes"],
             "![trajectory](figures/calibration_trajectory.png)", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return [report, *figures]


def summary_text(result: dict[str, Any]) -> str:
    """The fitted values, the fit and the trajectory as text for the terminal."""
    return "\n".join([*why_lines(result), *posterior_lines(result), *fit_lines(result),
                      *trajectory_lines(result), *change_lines(result)])
