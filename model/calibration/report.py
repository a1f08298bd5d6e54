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
from model.outcomes import CHANNEL_SHARES, OUTCOMES_BY_NAME

#: The published measures, by trajectory figure, with their headings.
MEASURES = (("callback_resolution", "Resolution rate (%)"),
            ("callback_satisfaction", "Satisfaction rate (%)"),
            ("volume_index", "Hotline volume (x {reference})"))


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


def target_label(name: str) -> str:
    """A target's outcome label, with its calendar period if it has one."""
    period, _, outcome = name.rpartition(":")
    label = OUTCOMES_BY_NAME[outcome].label
    return f"{label}, {period}" if period else label


def posterior_lines(result: dict[str, Any]) -> list[str]:
    """Fitted parameters: prior, posterior mean, SD and 95% credible interval, narrowing."""
    rows = [[f"`{row['parameter']}`", f"{row['prior_low']:g} – {row['prior_high']:g}",
             number(row["mean"], 3), number(row["sd"], 3),
             f"[{number(row['ci_low'], 3)}, {number(row['ci_high'], 3)}]",
             f"{row['narrowing'] * 100:.0f}%"]
            for row in result["posterior"]]
    return md_table(["parameter", "prior", "posterior mean", "SD", "95% CrI", "narrowed"], rows)


def ridge_lines(result: dict[str, Any], strong: float = 0.3) -> list[str]:
    """Posterior correlations of at least ``strong``: the ridges, and what the data cannot fix.

    A parameter the posterior narrows by under a quarter of its prior is one the targets do not
    fix; a strong correlation says the targets fix a combination of two parameters.
    """
    ridges = [[f"`{row['first']}`", f"`{row['second']}`", f"{row['correlation']:+.2f}"]
              for row in result.get("ridges", []) if abs(row["correlation"]) >= strong]
    loose = [f"`{row['parameter']}`" for row in result["posterior"] if row["narrowing"] < 0.25]
    lines = (md_table(["parameter", "parameter", "posterior correlation"], ridges, left=2)
             if ridges else [f"No pair of parameters is correlated beyond ±{strong:g} in the "
                             "posterior.", ""])
    return [*lines, ("Not fixed by the targets (posterior narrowed by under 25% of the prior): "
                     + (", ".join(loose) if loose else "none") + "."), ""]


def why_lines(result: dict[str, Any]) -> list[str]:
    """Why each parameter is fitted, as a list."""
    return ["", *(f"- `{key}`: {p['why']}." for key, p in result["spec"]["parameters"].items()),
            ""]


def fit_lines(result: dict[str, Any]) -> list[str]:
    """Targets: published value, emulator and simulator at the posterior mean (in %)."""
    rows = []
    for row in result["fit"]:
        rows.append([
            target_label(row["target"]), _pct(row["published"]),
            f"{_pct(row['emulated'])} ± {row['emulated_sd'] * 100:.1f}",
            f"{_pct(row['simulated'])} "
            f"{_interval(row['simulated_ci_low'], row['simulated_ci_high'])}",
            _interval(row["predictive_low"], row["predictive_high"]),
            "yes" if row["within_ci"] else "no"])
    return md_table(["target (%)", "published", "emulator at posterior mean",
                     f"simulated, {result['fit'][0]['runs']} seeds [95% CI]",
                     "posterior predictive 95%", "published within CI"], rows)


def validation_lines(result: dict[str, Any]) -> list[str]:
    """Emulator accuracy: out-of-fold RMSE and R² against the seed-to-seed spread."""
    rows = [[target_label(row["target"]), f"{row['cv_rmse'] * 100:.2f}",
             f"{row['cv_r2']:.3f}",
             "–" if row["seed_sd"] is None else f"{row['seed_sd'] * 100:.2f}"]
            for row in result["emulator_validation"]]
    return md_table(["target", "5-fold RMSE (points)", "R²", "seed SD (points)"], rows)


NO_PATTERNS = ["The calibration required no claim of every accepted parameter set.", ""]
"""What the pattern tables say of a calibration without ``[patterns]``."""


def pattern_lines(result: dict[str, Any]) -> list[str]:
    """Each claim the posterior must reproduce: where it holds, and its emulator's accuracy."""
    patterns = result.get("patterns")
    if not patterns:
        return list(NO_PATTERNS)
    rows = [[row["claim"] if row["claim"] != "all" else "all of them",
             _pct(row["design_share"]), _pct(row["prior_share"]),
             "–" if row["cv_r2"] is None else f"{row['cv_r2']:.2f}"]
            for row in patterns["claims"]]
    return md_table(["claim", "design points where it holds (%)",
                     "prior draws where it is emulated to hold (%)", "emulator R²"], rows,
                    left=1)


def pattern_posterior_lines(result: dict[str, Any]) -> list[str]:
    """The posterior from the published rates alone beside the one the patterns also shape."""
    patterns = result.get("patterns")
    if not patterns:
        return list(NO_PATTERNS)
    alone = {row["parameter"]: row for row in patterns["rates_only"]}

    def cell(row: dict[str, Any]) -> str:
        return (f"{number(row['mean'], 3)} [{number(row['ci_low'], 3)}, "
                f"{number(row['ci_high'], 3)}]")

    rows = [[f"`{row['parameter']}`", cell(alone[row["parameter"]]), cell(row)]
            for row in result["posterior"]]
    return md_table(["parameter", "rates alone: mean [95% CrI]",
                     "rates and patterns: mean [95% CrI]"], rows)


def _reference(result: dict[str, Any]) -> str:
    return (result["spec"].get("predictive") or {}).get("volume_reference", "")


def _published_cell(row: dict[str, Any], name: str, scale: float, places: int) -> str:
    """A published figure, marked when it was fitted or lies outside the predictive band."""
    if f"{name}_published" not in row:
        return "–"
    cell = f"{row[f'{name}_published'] * scale:.{places}f}"
    if row[f"{name}_fitted"]:
        return f"{cell} (fitted)"
    return f"{cell} **outside**" if row[f"{name}_outside"] else f"{cell} (within)"


def _band_cell(row: dict[str, Any], name: str, scale: float, places: int) -> str:
    return (f"{row[f'{name}_mean'] * scale:.{places}f} "
            f"{_interval(row[f'{name}_low'], row[f'{name}_high'], scale, places)}")


def trajectory_lines(result: dict[str, Any]) -> list[str]:
    """Each period: predictive mean [95% band] next to the published figures."""
    rows = []
    for row in result["trajectory"]:
        cells = [row["period"]]
        for name, _ in MEASURES:
            scale, places = (1, 2) if name == "volume_index" else (100, 1)
            cells += [_band_cell(row, name, scale, places),
                      _published_cell(row, name, scale, places)]
        cells.append(_band_cell(row, "information_share", 100, 1))
        rows.append(cells)
    header = ["period"]
    for _, label in MEASURES:
        label = label.format(reference=_reference(result))
        header += [f"{label}, predicted [95%]", "published"]
    return md_table([*header, "Information requests (% of volume) [95%]"], rows)


def channel_lines(result: dict[str, Any]) -> list[str]:
    """Each period: the predicted share of requests by channel (%, mean [95% band])."""
    rows = [[row["period"], *(_band_cell(row, name, 100, 1) for name in CHANNEL_SHARES)]
            for row in result["trajectory"]]
    return md_table(["period", *(OUTCOMES_BY_NAME[name].label.removeprefix("Channel share: ")
                                 for name in CHANNEL_SHARES)], rows)


def change_lines(result: dict[str, Any]) -> list[str]:
    """Published changes between periods against the predicted changes (points or x)."""
    rows = []
    for row in result["changes"]:
        volume = row["outcome"] == "volume_index"
        scale, places = (1, 2) if volume else (100, 1)
        label = ("12345 volume (multiple)" if volume
                 else OUTCOMES_BY_NAME[row["outcome"]].label)
        rows.append([row["change"], label,
                     f"{row['published'] * scale:+.{places}f}",
                     f"{row['simulated'] * scale:+.{places}f} "
                     f"{_interval(row['simulated_low'], row['simulated_high'], scale, places)}"])
    return md_table(["change", "outcome", "published", "predicted [95%]"], rows, left=2)


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
    """Predictive mean and 95% band per period, with the published figures (fitted or not)."""
    from matplotlib.figure import Figure

    rows = result["trajectory"]
    x = list(range(len(rows)))
    fig = Figure(figsize=(12, 3.4), layout="constrained")
    for ax, (name, label) in zip(fig.subplots(1, len(MEASURES)), MEASURES, strict=True):
        scale = 1 if name == "volume_index" else 100
        ax.fill_between(x, [r[f"{name}_low"] * scale for r in rows],
                        [r[f"{name}_high"] * scale for r in rows], color="#4477aa", alpha=0.25,
                        label="predicted (95%)")
        ax.plot(x, [r[f"{name}_mean"] * scale for r in rows], marker="o", color="#4477aa")
        for fitted, marker, color, text in ((True, "s", "#228833", "published, fitted"),
                                            (False, "D", "#cc6677", "published, out of sample")):
            shown = [(i, r[f"{name}_published"] * scale) for i, r in enumerate(rows)
                     if f"{name}_published" in r and r[f"{name}_fitted"] == fitted]
            if shown:
                ax.scatter(*zip(*shown, strict=True), marker=marker, color=color, zorder=3,
                           label=text)
        ax.set_xticks(x, [r["period"] for r in rows], rotation=30, ha="right", fontsize=7)
        ax.set_title(label.format(reference=_reference(result)), fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    return save_figure(fig, out, "calibration_trajectory", stamp or provenance(result))


def write_tables(result: dict[str, Any], out: Path) -> dict[str, list[str]]:
    """Write each table as CSV under ``out/tables``; return the markdown of each by name."""
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(result["posterior"]).to_csv(tables / "calibration_posterior.csv", index=False)
    pd.DataFrame(result["fit"]).to_csv(tables / "calibration_fit.csv", index=False)
    pd.DataFrame(result["emulator_validation"]).to_csv(tables / "calibration_emulator.csv",
                                                       index=False)
    flat = result["trajectory"]
    pd.DataFrame(flat).to_csv(tables / "calibration_trajectory.csv", index=False)
    pd.DataFrame(result.get("ridges", [])).to_csv(tables / "calibration_ridges.csv", index=False)
    pd.DataFrame(result["changes"]).to_csv(tables / "calibration_changes.csv", index=False)
    if result.get("patterns"):
        pd.DataFrame(result["patterns"]["claims"]).to_csv(tables / "calibration_patterns.csv",
                                                          index=False)
    return {"calibration_patterns": pattern_lines(result),
            "calibration_pattern_posterior": pattern_posterior_lines(result),
            "calibration_posterior": posterior_lines(result), "calibration_fit": fit_lines(result),
            "calibration_emulator": validation_lines(result),
            "calibration_ridges": ridge_lines(result),
            "calibration_trajectory": trajectory_lines(result),
            "calibration_channels": channel_lines(result),
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
             *_pattern_section(result, tables),
             "## Ridges of the posterior", *tables["calibration_ridges"],
             "## Fit to the targets", *tables["calibration_fit"],
             "## Emulator accuracy", *tables["calibration_emulator"],
             f"## The dated run from {result.get('predictive_runs', 0)} posterior runs against "
             "the published trajectory", *tables["calibration_trajectory"],
             *tables["calibration_channels"], *tables["calibration_changes"],
             "![trajectory](figures/calibration_trajectory.png)", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return [report, *figures]


def _pattern_section(result: dict[str, Any], tables: dict[str, list[str]]) -> list[str]:
    """The report's section on the claims every accepted parameter set reproduces."""
    patterns = result.get("patterns")
    if not patterns:
        return []
    return ["## Patterns the posterior reproduces",
            f"Every accepted parameter set reproduces these claims of the source, as emulated "
            f"from {patterns['runs']} runs of their scenarios at the design points; the rates "
            f"alone would accept draws up to a distance of "
            f"{patterns['rates_only_tolerance']:.4f}.", "",
            *tables["calibration_patterns"], *tables["calibration_pattern_posterior"]]


def summary_text(result: dict[str, Any]) -> str:
    """The fitted values, the fit and the trajectory as text for the terminal."""
    return "\n".join([*why_lines(result), *posterior_lines(result), *ridge_lines(result),
                      *fit_lines(result), *trajectory_lines(result), *channel_lines(result),
                      *change_lines(result)])
