"""The report of a sweep (``cogov report DIR``): ``report.md``, tables and figures.

Reads a result store (``manifest.json``, ``runs.parquet`` and, when present, ``design.parquet``
and ``series/``), computes the statistics of :mod:`model.experiment.analysis` and writes
``tables/*.csv`` and ``*.tex``, ``figures/*.png`` and ``*.svg``, and ``report.md`` embedding
them. A store with failed runs, one replication or outcomes without values still gives a
report that says so; only a missing or unreadable manifest or runs table is an error.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.compare import decimals, number
from model.experiment import analysis as an
from model.outcomes import DAILY_OUTCOMES, OUTCOMES_BY_NAME, Outcome

MAX_PLOTTED = 30  # more conditions than this: no means figure, tables point to the CSV
MAX_COLUMNS = 8  # at most this many conditions: the markdown means table has one column each
MAX_SERIES = 12  # at most this many conditions: daily series figures
HEADLINE_DAILY = ("resolved_share", "mean_days_to_resolve", "mean_satisfaction", "mean_trust",
                  "backlog_end", "paperwork_share")
SAMPLED = {"lhs": "Latin hypercube", "sobol": "Sobol (Saltelli)", "morris": "Morris"}
HINT = "is this a sweep's result folder?"


class ReportError(Exception):
    """A result store that cannot be reported on; the message is one line naming the file."""


@dataclass
class Store:
    """A sweep's result store as read from its folder."""

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    design: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ReportError(f"{path}: no such file ({HINT})")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise ReportError(f"{path}: cannot be read ({str(error).splitlines()[0]})") from error


def read_store(results_dir: str | Path) -> Store:
    """Read a result store's manifest, runs and design.

    Args:
        results_dir: The folder the sweep runner wrote.

    Returns:
        The store; problems that still allow a report (an unreadable design) are in ``notes``.

    Raises:
        ReportError: ``manifest.json`` or ``runs.parquet`` is missing or unreadable.
    """
    folder = Path(results_dir)
    path = folder / "manifest.json"
    if not path.is_file():
        raise ReportError(f"{path}: no such file ({HINT})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise ReportError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(manifest, dict):
        raise ReportError(f"{path}: not a sweep manifest (not a JSON object; {HINT})")
    missing = [key for key in ("experiment", "scenarios", "outcomes") if key not in manifest]
    if missing:
        raise ReportError(f"{path}: not a sweep manifest (no '{missing[0]}'; {HINT})")
    runs = _read_parquet(folder / "runs.parquet")
    absent = [c for c in (*an.RUN_COLUMNS, "status") if c not in runs]
    if absent:
        raise ReportError(f"{folder / 'runs.parquet'}: not a runs table (no column "
                          f"'{absent[0]}')")
    store = Store(folder, manifest, runs)
    if (manifest.get("design") or {}).get("kind") in ("sobol", "morris"):
        try:
            store.design = _read_parquet(folder / "design.parquet")
        except ReportError as error:
            store.notes.append(f"{error}: no sensitivity analysis.")
    return store


def write_report(results_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Write the report of a sweep: ``report.md``, ``tables/`` and ``figures/``.

    Args:
        results_dir: The sweep's result store.
        out_dir: Where to write (default: ``results_dir``).

    Returns:
        The paths written, ``report.md`` last.

    Raises:
        ReportError: The manifest or runs table is missing or unreadable.
    """
    store = read_store(results_dir)
    out = Path(out_dir) if out_dir is not None else store.path
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    manifest, runs = store.manifest, store.runs
    outcomes = [name for name in manifest["outcomes"] if name in runs]
    ok = an.ok_runs(runs)
    valued = [name for name in outcomes if ok[name].notna().any()]
    stats = an.condition_stats(runs, outcomes)
    diffs = an.differences(runs, outcomes)
    paths = _write_tables(out, runs, stats, diffs)
    lines = [f"# {manifest['experiment']}", "", manifest.get("description") or "", "",
             *_provenance(manifest), *_runs_section(manifest, runs), *store.notes]
    if len(ok) == 0:
        lines += ["", "No run succeeded, so there are no statistics to report."]
    else:
        unknown = [name for name in manifest["outcomes"] if name not in runs]
        if unknown:
            lines += ["", f"The runs table has no column for: {', '.join(unknown)}."]
        absent = [name for name in outcomes if name not in valued]
        if absent:
            lines += ["", "No successful run gave a value of: "
                      + ", ".join(f"{_meta(n).label} (`{n}`)" for n in absent) + "."]
        lines += _means_section(stats, valued)
        lines += _figure(out, paths, _means_figure(out, stats, valued), "Means with 95% CIs")
        lines += _differences_section(diffs, valued, stats)
        lines += _grid_section(store, out, paths, stats, valued)
        lines += _sensitivity_section(store, out, paths, valued)
        lines += _series_section(store, out, paths, valued)
    report = out / "report.md"
    text = re.sub(r"\n+(#+ )", r"\n\n\1", "\n".join(lines))  # a blank line before headings
    report.write_text(re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", encoding="utf-8")
    return [*paths, report]


# --- text ---------------------------------------------------------------------------------------


def _meta(name: str) -> Outcome:
    """The declaration of outcome ``name`` (a bare one for a name the code no longer has)."""
    return OUTCOMES_BY_NAME.get(name) or Outcome(name, name, name, "", "neither", lambda m: None)


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _interval(low: float, high: float, places: int, sign: bool = False) -> str:
    """``[low, high]``, or ``–`` without an interval."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    return f"[{number(low, places, sign)}, {number(high, places, sign)}]"


def _ci(mean: float, low: float, high: float, places: int, sign: bool = False) -> str:
    """``mean [low, high]``; ``mean [–]`` without an interval and ``–`` without a mean."""
    if not math.isfinite(mean):
        return "–"
    interval = _interval(low, high, places, sign)
    return f"{number(mean, places, sign)} {'[–]' if interval == '–' else interval}"


def _places(frame: pd.DataFrame, *columns: str) -> int:
    return decimals([float(v) for c in columns for v in frame[c]])


def _md_table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A markdown table; the first ``left`` columns are left-aligned, the others right."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
    rule = ["---"] * left + ["---:"] * (len(header) - left)
    return ["", line(header), line(rule), *[line(row) for row in rows], ""]


def _provenance(manifest: dict[str, Any]) -> list[str]:
    versions = manifest.get("versions") or {}
    design = manifest.get("design") or {}
    scenarios = manifest["scenarios"]
    version_text = ", ".join(f"{name} {versions.get(key) or '?'}" for key, name in
                             (("cogov", "cogov"), ("mesa", "Mesa"), ("python", "Python")))
    listed = ", ".join(f"{s['name']} (`{s.get('ref', '')}`)" for s in scenarios)
    return [
        "## Provenance", "",
        f"- Spec hash: `{manifest.get('spec_hash', '?')}`",
        f"- Commit: `{manifest['commit']}`" if manifest.get("commit") else "- Commit: not recorded",
        f"- Versions: {version_text}",
        f"- Backend: {manifest.get('backend', '?')} ({manifest.get('workers', '?')} workers)",
        f"- Started {manifest.get('started_utc', '?')}, finished "
        f"{manifest.get('finished_utc') or '–'} (status: {manifest.get('status', '?')})",
        f"- Design: {_design_text(design, manifest.get('factors') or [])}",
        f"- Scenarios: {listed}; the first is the reference" if scenarios else "- Scenarios: –",
        f"- Replications: {manifest.get('replications', '?')} per condition, seeds derived from "
        f"root seed {manifest.get('root_seed', '?')} ({len(manifest.get('seeds') or [])} seeds)",
        f"- Days simulated: {manifest.get('days', '?')}", "",
    ]


def _design_text(design: dict[str, Any], factors: list[dict[str, Any]]) -> str:
    kind = design.get("kind", "none")
    if kind == "none" or not factors:
        return "scenarios only, no factors"
    if kind == "grid":
        return "grid over " + ", ".join(f"`{f['key']}` ({len(f.get('values', []))} values)"
                                        for f in factors)
    ranges = ", ".join(f"`{f['key']}` in [{f.get('low')}, {f.get('high')}]" for f in factors)
    extra = f", {design['levels']} levels" if kind == "morris" and design.get("levels") else ""
    return (f"{SAMPLED.get(kind, kind)} sample (N = {design.get('samples')}{extra}, "
            f"seed {design.get('seed')}) over {ranges}")


def _runs_section(manifest: dict[str, Any], runs: pd.DataFrame) -> list[str]:
    failed = runs[runs["status"] != "ok"]
    planned = (manifest.get("counts") or {}).get("planned") or len(runs)
    lines = ["## Runs", "", f"Planned {planned}, succeeded {len(runs) - len(failed)}, "
             f"failed {len(failed)}."]
    if planned > len(runs):
        lines.append(f"{planned - len(runs)} planned runs are not in the runs table (status: "
                     f"{manifest.get('status', '?')}); the results below are partial.")
    if len(failed):
        lines += ["", "Failed runs (last line of the error):", ""]
        errors = failed["error"] if "error" in failed else pd.Series([""] * len(failed))
        for run_id, error in list(zip(failed["run_id"], errors, strict=True))[:50]:
            last = (str(error).strip().splitlines() or ["(no message)"])[-1]
            lines.append(f"- `{run_id}`: {last}")
        if len(failed) > 50:
            lines.append(f"- … and {len(failed) - 50} more (see the `error` column of "
                         "runs.parquet)")
    return [*lines, ""]


def _means_section(stats: pd.DataFrame, valued: list[str]) -> list[str]:
    labels = list(dict.fromkeys(stats["condition"]))
    n = stats.loc[stats["outcome"].isin(valued), "n"]
    lines = ["## Means", "", f"Mean [95% t-interval] over the successful replications of each "
             f"condition (n = {_range(n)}). Table: `tables/conditions.csv`, `.tex`."]
    if n.max() < 2:
        lines.append("With at most one replication per condition there are no intervals (–).")
    if len(labels) > MAX_PLOTTED:
        return [*lines, f"There are {len(labels)} conditions: see `tables/conditions.csv`.", ""]
    cells = {}
    for name in valued:
        block = stats[stats["outcome"] == name]
        places = _places(block, "mean", "ci_low", "ci_high")
        cells[name] = [_ci(r.mean, r.ci_low, r.ci_high, places) for r in block.itertuples()]
    if len(labels) <= MAX_COLUMNS:
        rows = [[_meta(n).label, _meta(n).unit, *cells[n]] for n in valued]
        return [*lines, *_md_table(["Outcome", "Unit", *labels], rows, left=2)]
    header = ["Condition", *[f"{_meta(n).label} ({_meta(n).unit})" for n in valued]]
    rows = [[label, *[cells[n][i] for n in valued]] for i, label in enumerate(labels)]
    return [*lines, *_md_table(header, rows)]


def _range(values: pd.Series) -> str:
    low, high = int(values.min()), int(values.max())
    return str(low) if low == high else f"{low} to {high}"


def _differences_section(diffs: pd.DataFrame, valued: list[str],
                         stats: pd.DataFrame) -> list[str]:
    labels = list(dict.fromkeys(stats["condition"]))
    lines = ["## Differences from the reference", "",
             f"Each condition minus the reference ({labels[0]}): difference of means with its "
             "95% interval, Hedges' g, and p-values of the Welch t-test, Holm-corrected within "
             "each outcome. Table: `tables/differences.csv`, `.tex`."]
    if len(labels) < 2:
        return [*lines, "", "There is only one condition: nothing to compare.", ""]
    if len(labels) > MAX_PLOTTED:
        return [*lines, f"There are {len(labels)} conditions: see `tables/differences.csv`.", ""]
    rows = []
    for name in valued:
        block = diffs[diffs["outcome"] == name]
        places = _places(block, "diff", "diff_low", "diff_high")
        rows += [[_meta(name).label, r.condition, _ci(r.diff, r.diff_low, r.diff_high, places,
                                                      sign=True),
                  number(r.hedges_g, 2, sign=True), _p(r.p_value), _p(r.p_holm)]
                 for r in block.itertuples()]
    return [*lines, *_md_table(["Outcome", "Condition", "Δ [95% CI]", "Hedges' g", "p",
                                "Holm p"], rows, left=2)]


def _figure(out: Path, paths: list[Path], written: list[Path], caption: str) -> list[str]:
    """Record ``written`` figures (PNG, SVG pairs) and embed them in the markdown."""
    paths += written
    lines = []
    for png in written[::2]:
        link, svg = png.relative_to(out).as_posix(), png.with_suffix(".svg")
        lines += ["", f"![{caption}]({link})", "",
                  f"Vector version: [{svg.name}]({svg.relative_to(out).as_posix()})", ""]
    return lines


# --- tables -------------------------------------------------------------------------------------


def _tex(text: Any) -> str:
    """``text`` with LaTeX's special characters escaped."""
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
               "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
               "^": r"\textasciicircum{}"}
    return re.sub(r"[\\&%$#_{}~^]", lambda match: special[match.group()], str(text))


def _write_table(out: Path, stem: str, data: pd.DataFrame, shown: pd.DataFrame, caption: str,
                 left: int) -> list[Path]:
    """Write ``data`` as CSV and its formatted version ``shown`` as a booktabs LaTeX table."""
    csv, tex = out / "tables" / f"{stem}.csv", out / "tables" / f"{stem}.tex"
    data.to_csv(csv, index=False)
    escaped = shown.map(_tex).rename(columns=_tex)
    escaped.to_latex(tex, index=False, escape=False, caption=_tex(caption),
                     label=f"tab:{stem}", position="htbp",
                     column_format="l" * left + "r" * (len(shown.columns) - left))
    return [csv, tex]


def _outcome_cell(name: str) -> str:
    meta = _meta(name)
    return f"{meta.label} ({meta.unit})" if meta.unit else meta.label


def _write_tables(out: Path, runs: pd.DataFrame, stats: pd.DataFrame,
                  diffs: pd.DataFrame) -> list[Path]:
    """The means and differences tables: full numbers in CSV, rounded ones in LaTeX."""
    info = an.conditions(runs).drop(columns="condition")
    names = list(dict.fromkeys(stats["outcome"]))
    meta = pd.DataFrame([(n, _meta(n).label, _meta(n).unit) for n in names],
                        columns=["outcome", "label", "unit"])
    shown_means, shown_diffs = [], []
    for name in names:
        block = stats[stats["outcome"] == name]
        places = _places(block, "mean", "ci_low", "ci_high")
        shown_means += [[_outcome_cell(name) if i == 0 else "", r.condition, r.n,
                         number(r.mean, places), _interval(r.ci_low, r.ci_high, places)]
                        for i, r in enumerate(block.itertuples())]
        block = diffs[diffs["outcome"] == name]
        places = _places(block, "diff", "diff_low", "diff_high")
        shown_diffs += [[_outcome_cell(name) if i == 0 else "", r.condition,
                         _ci(r.diff, r.diff_low, r.diff_high, places, sign=True),
                         number(r.hedges_g, 2, sign=True), _p(r.p_value), _p(r.p_holm)]
                        for i, r in enumerate(block.itertuples())]
    means = stats.merge(info, on=an.CONDITION, how="left").merge(meta, on="outcome", how="left")
    first = ["condition", *an.CONDITION, *an.factor_keys(runs), "outcome", "label", "unit"]
    means = means[[*first, *[c for c in means if c not in first]]]
    return [
        *_write_table(out, "conditions", means, pd.DataFrame(shown_means, columns=[
            "Outcome", "Condition", "n", "Mean", "95% CI"]), "Mean of each outcome per "
            "condition over its successful replications, with the 95% t-interval "
            "(– where fewer than two replications).", left=2),
        *_write_table(out, "differences", diffs.merge(meta, on="outcome", how="left"),
                      pd.DataFrame(shown_diffs, columns=[
                          "Outcome", "Condition", "Difference [95% CI]", "Hedges' g", "p",
                          "Holm p"]),
                      "Each condition minus the reference: difference of means with the Welch "
                      "95% interval, Hedges' g, Welch t-test p-value and Holm-adjusted p-value "
                      "(family: all comparisons of one outcome).", left=2),
    ]


# --- grid and sensitivity -----------------------------------------------------------------------


def _grid_section(store: Store, out: Path, paths: list[Path], stats: pd.DataFrame,
                  valued: list[str]) -> list[str]:
    """Outcome against a single grid factor, or heatmaps over two of them."""
    manifest, runs = store.manifest, store.runs
    if (manifest.get("design") or {}).get("kind") != "grid":
        return []
    keys = [f["key"] for f in manifest.get("factors") or [] if f["key"] in runs]
    lines = []
    if len(keys) == 1:
        written = _response_figure(out, stats.merge(an.conditions(runs)[[*an.CONDITION,
                                                                        keys[0]]]), keys[0],
                                   valued)
        lines += _figure(out, paths, written, f"Outcomes against {keys[0]}")
    pair = (manifest.get("analysis") or {}).get("heatmap")
    if not pair and len(keys) == 2 and all(runs[key].nunique() >= 2 for key in keys):
        pair = keys
    if pair and not all(key in runs for key in pair):
        lines += ["", f"Heatmap factors {pair} are not columns of the runs table."]
    elif pair:
        others = [key for key in keys if key not in pair]
        if others:
            lines += ["", f"The heatmaps average over {', '.join(others)}."]
        for name in valued:
            lines += _figure(out, paths, _heatmap(out, runs, pair, name),
                             f"{_meta(name).label} over {pair[0]} and {pair[1]}")
    return ["## Grid", *lines, ""] if lines else []


def _sensitivity_section(store: Store, out: Path, paths: list[Path],
                         valued: list[str]) -> list[str]:
    """Sobol or Morris indices, or rank correlations for a Latin hypercube."""
    manifest, runs = store.manifest, store.runs
    kind = (manifest.get("design") or {}).get("kind")
    if kind not in SAMPLED:
        return []
    lines = ["## Sensitivity", ""]
    if kind == "lhs":
        table = an.rank_correlations(runs, an.factor_keys(runs), valued)
        shown = pd.DataFrame({"Scenario": table["scenario"],
                              "Outcome": [_meta(n).label for n in table["outcome"]],
                              "Factor": table["factor"], "n": table["n"],
                              "rho": [number(v, 2, sign=True) for v in table["rho"]],
                              "p": [_p(v) for v in table["p_value"]]})
        shown, left = _without_single_scenario(shown)
        paths += _write_table(out, "rank_correlations", table, shown, "Spearman rank "
                              "correlation of each factor with each outcome over the design "
                              "points' means.", left=left)
        lines += ["Spearman rank correlation (rho) of each factor with each outcome, over the "
                  "means of the design points. Table: `tables/rank_correlations.csv`, `.tex`.",
                  *_md_table(list(shown.columns), shown.astype(str).values.tolist(), left)]
        return [*lines, *_figure(out, paths, _lhs_scatter(out, runs, valued),
                                 "Outcomes against factors")]
    if store.design is None:
        return [*lines, "There is no design table, so no sensitivity indices.", ""]
    analyse = an.sobol_indices if kind == "sobol" else an.morris_indices
    scenarios = [s["name"] for s in manifest["scenarios"] if (runs["scenario"] == s["name"]).any()]
    frames = []
    for name in valued:
        for scenario in scenarios:
            try:
                frame = analyse(manifest, store.design, runs, name, scenario)
            except ValueError as error:
                lines.append(f"- {_meta(name).label} ({scenario}): not analysed: {error}.")
                continue
            frames.append(frame.assign(scenario=scenario, outcome=name))
    if not frames:
        return [*lines, "", "No outcome could be analysed.", ""]
    table = pd.concat(frames, ignore_index=True)
    table = table[["scenario", "outcome", *[c for c in table if c not in ("scenario", "outcome")]]]
    shown, left = _without_single_scenario(_indices_shown(table, kind))
    what = ("First-order (S1) and total (ST) Sobol indices with 95% bootstrap half-widths"
            if kind == "sobol" else "Morris mean absolute elementary effect (mu*) with 95% "
            "bootstrap half-width, and the standard deviation of the effects (sigma)")
    paths += _write_table(out, kind, table, shown, f"{what}.", left=left)
    lines += [f"{what}. Table: `tables/{kind}.csv`, `.tex`.",
              *_md_table(list(shown.columns), shown.astype(str).values.tolist(), left)]
    plot = _sobol_figure if kind == "sobol" else _morris_figure
    for name, block in table.groupby("outcome", sort=False):
        lines += _figure(out, paths, plot(out, block, str(name)), f"{SAMPLED[kind]}: "
                         f"{_meta(str(name)).label}")
    return lines


def _without_single_scenario(shown: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``shown`` without its Scenario column when there is one scenario; text columns left."""
    if shown["Scenario"].nunique() == 1:
        shown = shown.drop(columns="Scenario")
    return shown, shown.columns.get_loc("Factor") + 1


def _indices_shown(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The indices rounded for reading: three decimals (Sobol) or the outcome's (Morris)."""
    shown = pd.DataFrame({"Scenario": table["scenario"],
                          "Outcome": [_meta(n).label for n in table["outcome"]],
                          "Factor": table["factor"]})
    if kind == "sobol":
        for key in ("S1", "ST"):
            shown[f"{key} ± 95%"] = [f"{number(v, 3)} ± {number(c, 3)}"
                                     for v, c in zip(table[key], table[f"{key}_conf"],
                                                     strict=True)]
        return shown
    places = table.groupby("outcome")["mu_star"].transform(lambda v: decimals(list(v)))
    shown["mu* ± 95%"] = [f"{number(v, p)} ± {number(c, p)}" for v, c, p in
                          zip(table["mu_star"], table["mu_star_conf"], places, strict=True)]
    shown["sigma"] = [number(v, p) for v, p in zip(table["sigma"], places, strict=True)]
    return shown


def _series_section(store: Store, out: Path, paths: list[Path], valued: list[str]) -> list[str]:
    """Daily mean and 95% band per condition for up to six headline daily outcomes."""
    folder = store.path / "series"
    if not folder.is_dir() or (store.manifest.get("analysis") or {}).get("timeseries") is False:
        return []
    count = len(an.conditions(store.runs))
    lines = ["## Daily series", ""]
    if count > MAX_SERIES:
        return [*lines, f"There are {count} conditions (more than {MAX_SERIES}): no series "
                "figures.", ""]
    daily = [name for name in valued if name in DAILY_OUTCOMES]
    chosen = ([n for n in HEADLINE_DAILY if n in daily]
              + [n for n in daily if n not in HEADLINE_DAILY])[:6]
    try:
        series = pd.read_parquet(folder, columns=["run_id", "day", *chosen])
    except (OSError, ValueError, KeyError) as error:
        return [*lines, f"The daily series could not be read ({str(error).splitlines()[0]}).",
                ""]
    lines.append("Mean over the seeds of each condition, with the band from the 2.5th to the "
                 "97.5th percentile.")
    for name in chosen:
        bands = an.series_bands(series, store.runs, name)
        lines += _figure(out, paths, _series_figure(out, bands, name), _meta(name).label)
    return lines


# --- figures ------------------------------------------------------------------------------------


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


def _save(fig: Any, out: Path, stem: str) -> list[Path]:
    """Save ``fig`` as ``figures/STEM.png`` (200 dpi) and ``.svg``."""
    paths = [out / "figures" / f"{stem}.png", out / "figures" / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=200)
    fig.savefig(paths[1])
    return paths


def _label_axes(ax: Any, name: str, axis: str = "y") -> None:
    """Title the panel with the outcome's label and put its unit on ``axis``."""
    meta = _meta(name)
    ax.set_title(meta.label, fontsize=10)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(meta.unit)
    ax.grid(alpha=0.3)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _means_figure(out: Path, stats: pd.DataFrame, valued: list[str]) -> list[Path]:
    """Mean ± 95% CI per condition, one panel per outcome; the reference in grey."""
    labels = list(dict.fromkeys(stats["condition"]))
    if not valued or len(labels) > MAX_PLOTTED:
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


def _response_figure(out: Path, stats: pd.DataFrame, key: str, valued: list[str]) -> list[Path]:
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


def _ordered(values: pd.Series) -> list[Any]:
    levels = list(dict.fromkeys(values))
    return sorted(levels) if _is_numeric(values) else levels


def _heatmap(out: Path, runs: pd.DataFrame, pair: list[str], name: str) -> list[Path]:
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
    fig.colorbar(image, ax=axes, label=_meta(name).unit, shrink=0.9)
    fig.suptitle(f"{_meta(name).label}: mean over replications")
    return _save(fig, out, f"heatmap_{name}")


def _sobol_figure(out: Path, table: pd.DataFrame, name: str) -> list[Path]:
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
    fig.suptitle(f"{_meta(name).label}: Sobol indices with 95% CI")
    return _save(fig, out, f"sobol_{name}")


def _morris_figure(out: Path, table: pd.DataFrame, name: str) -> list[Path]:
    """Morris mu* (with its 95% interval) against sigma, factors labelled."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    short = an.short_keys(list(dict.fromkeys(table["factor"])))
    unit = _meta(name).unit
    fig, axes = _panels(len(scenarios), 4.2, 3.6)
    for ax, scenario in zip(axes, scenarios, strict=True):
        rows = table[table["scenario"] == scenario]
        ax.errorbar(rows["mu_star"], rows["sigma"], xerr=np.nan_to_num(rows["mu_star_conf"]),
                    fmt="o", capsize=3)
        for row in rows.itertuples():
            ax.annotate(short[row.factor], (row.mu_star, row.sigma), textcoords="offset points",
                        xytext=(4, 4), fontsize=8)
        ax.set_xlabel(f"mu* ({unit})")
        ax.set_ylabel(f"sigma ({unit})")
        ax.set_title(str(scenario), fontsize=10)
        ax.margins(0.15)  # room for the factor labels next to the outermost points
        ax.grid(alpha=0.3)
    fig.suptitle(f"{_meta(name).label}: Morris screening")
    return _save(fig, out, f"morris_{name}")


def _lhs_scatter(out: Path, runs: pd.DataFrame, valued: list[str]) -> list[Path]:
    """Design-point means of up to four outcomes against up to six factors."""
    factors = an.factor_keys(runs)[:6]
    shown = ([n for n in HEADLINE_DAILY if n in valued] + valued)
    shown = list(dict.fromkeys(shown))[:4]
    if not factors or not shown:
        return []
    means = an.point_means(runs, [*factors, *shown])
    fig, axes = _panels(len(factors) * len(shown), 2.6, 2.3, cols=len(factors), sharey="row")
    for index, ax in enumerate(axes):
        name, key = shown[index // len(factors)], factors[index % len(factors)]
        for scenario, rows in means.groupby("scenario", sort=False):
            ax.scatter(rows[key], rows[name], s=6, alpha=0.6, label=str(scenario))
        ax.set_xlabel(key, fontsize=8)
        if index % len(factors) == 0:
            ax.set_ylabel(_wrap(f"{_meta(name).label} ({_meta(name).unit})", 30), fontsize=8)
        ax.tick_params(labelsize=7)
    if means["scenario"].nunique() > 1:
        axes[0].legend(fontsize=7)
    fig.suptitle("Design-point means against each factor")
    return _save(fig, out, "lhs_scatter")


def _series_figure(out: Path, bands: pd.DataFrame, name: str) -> list[Path]:
    """Daily mean with its 2.5-97.5 percentile band, one line per condition."""
    if bands.empty:
        return []
    fig, (ax,) = _panels(1, 7.5, 4.2)
    for index, (label, rows) in enumerate(bands.groupby("condition", sort=False)):
        colour = f"C{index % 10}"
        ax.plot(rows["day"], rows["mean"], color=colour, linestyle="-" if index < 10 else "--",
                label=_wrap(str(label), 45))
        ax.fill_between(rows["day"], rows["low"], rows["high"], color=colour, alpha=0.15)
    ax.set_xlabel("day")
    _label_axes(ax, name)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    fig.suptitle("Mean over seeds with 95% band")
    return _save(fig, out, f"series_{name}")
