"""The report of a sweep (``cogov report DIR``): ``report.md``, tables and figures.

Reads a result store (``manifest.json``, ``runs.parquet`` and, when present, ``design.parquet``
and ``series/``), computes the statistics of :mod:`model.experiment.analysis` and writes
``tables/*.csv`` and ``*.tex``, ``figures/*.png`` and ``*.svg`` (drawn by
:mod:`model.experiment.figures`), and ``report.md`` embedding them. A store with failed runs,
one replication or outcomes without values still gives a report that says so, and so does the
folder of a killed sweep (its finished runs, in ``.parts/``, are reported with a note on how to
resume). Runs kept from an earlier sweep with more replications than the manifest's are left
out. Only a missing or unreadable manifest or stored runs table is an error, and asking for
emulated indices of a design that is neither Sobol's nor a Latin hypercube.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from model.compare import number
from model.experiment import analysis as an
from model.experiment import figures
from model.experiment.figures import outcome_meta as _meta
from model.experiment.reading import ReportError, Store, read_store
from model.experiment.tables import (
    ci_text,
    decimals_of,
    indices_shown,
    md_table,
    p_text,
    repeat_text,
    without_single_scenario,
    write_table,
    write_tables,
)
from model.outcomes import DAILY_OUTCOMES, headline

__all__ = ["ReportError", "Store", "read_store", "write_report"]

MAX_PLOTTED = 30  # more conditions than this: no means figure, tables point to the CSV
MAX_COLUMNS = 8  # at most this many conditions: the markdown means table has one column each
MAX_SERIES = 16  # at most this many conditions: daily series figures (16 distinct styles)
SAMPLED = {"lhs": "Latin hypercube", "sobol": "Sobol (Saltelli)", "morris": "Morris"}
EMULABLE = ("sobol", "lhs")  # designs whose points an emulator can learn the indices from


def write_report(results_dir: str | Path, out_dir: str | Path | None = None,
                 emulate: bool = False) -> list[Path]:
    """Write the report of a sweep: ``report.md``, ``tables/`` and ``figures/``.

    Args:
        results_dir: The sweep's result store.
        out_dir: Where to write (default: ``results_dir``).
        emulate: Add Sobol indices of the expected outcomes, estimated on an emulator of the
            runs (:mod:`model.experiment.emulated_sobol`), to the report of a Sobol or
            Latin hypercube design.

    Returns:
        The paths written, ``report.md`` last.

    Raises:
        ReportError: The manifest or runs table is missing or unreadable, or ``emulate`` is
            asked of a design that is neither (checked before anything is written).
    """
    store = read_store(results_dir)
    kind = (store.manifest.get("design") or {}).get("kind")
    if emulate and kind not in EMULABLE:
        raise ReportError(f"{store.path / 'manifest.json'}: design.kind is {kind!r}; emulated "
                          "indices need a Sobol or Latin hypercube design (allowed: "
                          + ", ".join(repr(k) for k in EMULABLE) + ")")
    out = Path(out_dir) if out_dir is not None else store.path
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    manifest, runs = store.manifest, store.runs
    outcomes = [name for name in manifest["outcomes"] if name in runs]
    ok = an.ok_runs(runs)
    valued = [name for name in outcomes if ok[name].notna().any()]
    stats = an.condition_stats(runs, outcomes)
    diffs = an.differences(runs, outcomes)
    paths = write_tables(out, runs, stats, diffs)
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
        plotted = stats["condition"].nunique() <= MAX_PLOTTED
        lines += _figure(out, paths, figures.means(out, stats, valued) if plotted else [],
                         "Means with 95% CIs")
        lines += _differences_section(diffs, valued, stats)
        lines += _grid_section(store, out, paths, stats, valued)
        lines += _sensitivity_section(store, out, paths, valued, emulate)
        lines += _series_section(store, out, paths, valued)
    report = out / "report.md"
    text = re.sub(r"\n+(#+ )", r"\n\n\1", "\n".join(lines))  # a blank line before headings
    report.write_text(re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", encoding="utf-8")
    return [*paths, report]


# --- text ---------------------------------------------------------------------------------------


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
        f"- Replications: {manifest.get('replications', '?')} per condition"
        f"{repeat_text(design.get('repeat'))}, seeds derived from root seed "
        f"{manifest.get('root_seed', '?')} "
        f"({len(manifest.get('seeds') or [])} seeds)",
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
        places = decimals_of(block, "mean", "ci_low", "ci_high")
        cells[name] = [ci_text(r.mean, r.ci_low, r.ci_high, places) for r in block.itertuples()]
    if len(labels) <= MAX_COLUMNS:
        rows = [[_meta(n).label, _meta(n).unit, *cells[n]] for n in valued]
        return [*lines, *md_table(["Outcome", "Unit", *labels], rows, left=2)]
    header = ["Condition", *[f"{_meta(n).label} ({_meta(n).unit})" for n in valued]]
    rows = [[label, *[cells[n][i] for n in valued]] for i, label in enumerate(labels)]
    return [*lines, *md_table(header, rows)]


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
        places = decimals_of(block, "diff", "diff_low", "diff_high")
        rows += [[_meta(name).label, r.condition, ci_text(r.diff, r.diff_low, r.diff_high, places,
                                                      sign=True),
                  number(r.hedges_g, 2, sign=True), p_text(r.p_value), p_text(r.p_holm)]
                 for r in block.itertuples()]
    return [*lines, *md_table(["Outcome", "Condition", "Δ [95% CI]", "Hedges' g", "p",
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
        written = figures.response(out, stats.merge(an.conditions(runs)[[*an.CONDITION,
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
            lines += _figure(out, paths, figures.heatmap(out, runs, pair, name),
                             f"{_meta(name).label} over {pair[0]} and {pair[1]}")
    return ["## Grid", *lines, ""] if lines else []


def _sensitivity_section(store: Store, out: Path, paths: list[Path], valued: list[str],
                         emulate: bool = False) -> list[str]:
    """Sobol or Morris indices (and emulated Sobol indices), or rank correlations for a LHS."""
    manifest, runs = store.manifest, store.runs
    kind = (manifest.get("design") or {}).get("kind")
    if kind not in SAMPLED:
        return []
    lines = ["## Sensitivity", ""]
    if kind == "lhs":
        lines += _rank_correlations(out, paths, runs, valued)
        if emulate and store.design is None:
            return [*lines, "There is no design table, so no emulated indices.", ""]
        return [*lines, *(_emulated_section(store, out, paths, valued, None) if emulate else [])]
    if store.design is None:
        return [*lines, "There is no design table, so no sensitivity indices.", ""]
    table = _indices(store, valued, an.sobol_indices if kind == "sobol" else an.morris_indices,
                     lines)
    if table is None:
        return [*lines, "", "No outcome could be analysed.", ""]
    shown, left = without_single_scenario(indices_shown(table, kind))
    what = ("First-order (S1) and total (ST) Sobol indices with 95% bootstrap half-widths"
            if kind == "sobol" else "Morris mean absolute elementary effect (mu*) with 95% "
            "bootstrap half-width, and the standard deviation of the effects (sigma)")
    paths += write_table(out, kind, table, shown, f"{what}.", left=left)
    lines += [f"{what}. Table: `tables/{kind}.csv`, `.tex`.",
              *md_table(list(shown.columns), shown.astype(str).values.tolist(), left)]
    plot = figures.sobol if kind == "sobol" else figures.morris
    for name, block in table.groupby("outcome", sort=False):
        lines += _figure(out, paths, plot(out, block, str(name)), f"{SAMPLED[kind]}: "
                         f"{_meta(str(name)).label}")
    if emulate:
        lines += _emulated_section(store, out, paths, valued, float(table["ST_conf"].max()))
    return lines


def _indices(store: Store, valued: list[str], analyse: Any,
             lines: list[str]) -> pd.DataFrame | None:
    """``analyse`` of every outcome on each level and reform effect (None if none could be).

    An outcome that cannot be analysed (it never varies) is named in ``lines``.
    """
    frames = []
    for name in valued:
        for scenario, minus, label in an.level_and_effect_analyses(store.manifest, store.runs):
            try:
                frame = analyse(store.manifest, store.design, store.runs, name, scenario, minus)
            except ValueError as error:
                lines.append(f"- {_meta(name).label} ({label}): not analysed: {error}.")
                continue
            frames.append(frame.assign(scenario=label, outcome=name))
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    return table[["scenario", "outcome", *[c for c in table if c not in ("scenario", "outcome")]]]


def _emulated_section(store: Store, out: Path, paths: list[Path], valued: list[str],
                      widest_direct: float | None) -> list[str]:
    """Sobol indices of the expected outcomes, on a Gaussian-process emulator of the runs.

    ``widest_direct`` is the widest total-order half-width of Saltelli's estimator on the runs
    of a Sobol design, set beside the emulator's (None for a design it cannot be run on).
    """
    from model.experiment.emulated_sobol import REALISATIONS, SAMPLES, emulated_sobol_indices

    lines = ["### Sobol indices of the expected outcomes (emulated)", ""]
    table = _indices(store, valued, emulated_sobol_indices, lines)
    if table is None:
        return [*lines, "", "No outcome could be analysed.", ""]
    shown, left = without_single_scenario(indices_shown(table, "sobol"))
    shown["Q2"] = [number(v, 2) for v in table["q2"]]
    shown["seed share"] = [number(v, 2) for v in table["noise_share"]]
    shown["held-out error (bound)"] = [f"{number(r.loo_z2, 2)} ({number(r.loo_z2_high, 2)})"
                                       for r in table.itertuples()]
    repeated = "points_p" in table
    if repeated:
        shown["points differ (p)"] = [p_text(v) for v in table["points_p"]]
        shown["points' share [95% CI]"] = [
            f"{number(r.signal_share, 2)} [{number(r.signal_low, 2)}, {number(r.signal_high, 2)}]"
            for r in table.itertuples()]
    what = (f"First-order (S1) and total (ST) Sobol indices of the expected outcome, on a "
            f"Gaussian-process emulator of the runs ({SAMPLES:,} base samples, {REALISATIONS} "
            f"posterior realisations), with 95% half-widths holding the emulator's uncertainty "
            f"and the Monte Carlo error; Q2 is the emulator's leave-one-out predictivity of "
            f"the points' outputs (a point's mean where it ran on several seeds), the seed share "
            f"the variance it puts down to seeds, and the held-out "
            f"error the mean squared standardized leave-one-out error, which exceeds its bound "
            f"(the 95% point for an emulator whose uncertainty is honest) where the emulator "
            f"misses by more than it claims")
    if repeated:
        what += ("; where the design repeats points, the seeds' spread there is measured and "
                 "given to the emulator, and a one-way analysis of variance tests whether the "
                 "points differ by more than the seeds make them, with the share of a run's "
                 "variance the points carry (an interval reaching zero leaves nothing to "
                 "apportion)")
    paths += write_table(out, "sobol_emulated", table, shown, f"{what}.", left=left)
    against = ("" if widest_direct is None
               else f", against {widest_direct:.3f} for Saltelli's estimator above")
    lines += [f"{what}. The widest half-width is {table['ST_conf'].max():.3f}{against}. Table: "
              "`tables/sobol_emulated.csv`, `.tex`.",
              *md_table(list(shown.columns), shown.astype(str).values.tolist(), left)]
    for name, block in table.groupby("outcome", sort=False):
        lines += _figure(out, paths, figures.total_order_map(out, block, str(name)),
                         f"Total-order indices (emulated): {_meta(str(name)).label}")
    return lines


def _rank_correlations(out: Path, paths: list[Path], runs: pd.DataFrame,
                       valued: list[str]) -> list[str]:
    """Spearman rank correlation of each factor with each outcome, and scatter plots."""
    table = an.rank_correlations(runs, an.factor_keys(runs), valued)
    shown = pd.DataFrame({"Scenario": table["scenario"],
                          "Outcome": [_meta(n).label for n in table["outcome"]],
                          "Factor": table["factor"], "n": table["n"],
                          "rho": [number(v, 2, sign=True) for v in table["rho"]],
                          "p": [p_text(v) for v in table["p_value"]]})
    shown, left = without_single_scenario(shown)
    paths += write_table(out, "rank_correlations", table, shown, "Spearman rank "
                          "correlation of each factor with each outcome over the design "
                          "points' means.", left=left)
    lines = ["Spearman rank correlation (rho) of each factor with each outcome, over the "
             "means of the design points. Table: `tables/rank_correlations.csv`, `.tex`.",
             *md_table(list(shown.columns), shown.astype(str).values.tolist(), left)]
    shown_outcomes = list(dict.fromkeys([n for n in headline("daily") if n in valued]
                                        + valued))[:4]
    return [*lines, *_figure(out, paths, figures.lhs_scatter(out, runs, shown_outcomes),
                             "Outcomes against factors")]


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
    first = headline("daily")
    chosen = ([n for n in first if n in daily] + [n for n in daily if n not in first])[:6]
    try:
        series = pd.read_parquet(folder, columns=["run_id", "day", *chosen])
    except (OSError, ValueError, KeyError) as error:
        return [*lines, f"The daily series could not be read ({str(error).splitlines()[0]}).",
                ""]
    lines.append("Mean over the seeds of each condition, with the band from the 2.5th to the "
                 "97.5th percentile.")
    for name in chosen:
        bands = an.series_bands(series, store.runs, name)
        lines += _figure(out, paths, figures.series(out, bands, name), _meta(name).label)
    return lines
