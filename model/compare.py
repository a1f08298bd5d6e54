"""Comparing scenarios over replication seeds: statistics, text table, figures.

Every scenario runs with the same seeds (common random numbers), derived from one root seed by
``numpy.random.SeedSequence.spawn``; the runs themselves go through :mod:`model.experiment`.
:func:`compare_table` gives, per outcome and scenario, the mean with its 95% confidence
interval and, against the first scenario, the difference of means with its Welch 95% interval
and p-value.

:func:`save_comparison` writes into a folder held by :func:`comparison_folder`: locked while
compare writes it, and new, empty or written by compare before (its manifest says
``"command": "compare"``). Any other folder is refused, and rewriting a comparison replaces
only the files its manifest lists, so nothing compare did not write is deleted or overwritten.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.locking import LOCK_NAME, FolderLock
from model.outcomes import OUTCOMES, OUTCOMES_BY_NAME, headline
from model.provenance import replace_atomically, scenario_to_toml, write_json_atomic
from model.scenario import Scenario, ScenarioError

Summary = dict[str, float | None]

COLUMNS = ("outcome", "label", "zh", "unit", "better", "scenario", "n", "mean", "sd", "ci_low",
           "ci_high", "diff", "diff_low", "diff_high", "p_value")
_WORDS = {
    "en": {"outcome": "Outcome", "higher": "higher is better", "lower": "lower is better",
           "neither": "", "title": "Mean [95% CI] over {n} seeds (common random numbers); "
           "Δ = difference from {ref}, p = Welch t-test"},
    "zh": {"outcome": "指标", "higher": "越高越好", "lower": "越低越好", "neither": "",
           "title": "{n}个种子的均值 [95%置信区间]（共同随机数）；"
           "Δ = 与{ref}之差，p = Welch t检验"},
}


def replication_seeds(root_seed: int, n: int) -> list[int]:
    """Seeds of ``n`` replications derived from ``root_seed``.

    Args:
        root_seed: The root seed of the experiment.
        n: How many replications.

    Returns:
        ``n`` 32-bit seeds; the first ``k`` are the same for any ``n >= k``.
    """
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def mean_ci(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, standard deviation and t-based 95% interval (NaN interval for one value)."""
    n = len(values)
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def welch(first: np.ndarray, other: np.ndarray) -> tuple[float, float, float, float]:
    """Difference of means (other - first), its Welch 95% interval and the Welch p-value."""
    diff = float(other.mean() - first.mean())
    if len(first) < 2 or len(other) < 2:
        return diff, math.nan, math.nan, math.nan
    if np.ptp(first) == 0 and np.ptp(other) == 0:  # both constant: no variance to test
        diff = float(other[0] - first[0])
        return diff, diff, diff, 1.0 if diff == 0 else 0.0
    var_a, var_b = first.var(ddof=1) / len(first), other.var(ddof=1) / len(other)
    dof = (var_a + var_b) ** 2 / (var_a**2 / (len(first) - 1) + var_b**2 / (len(other) - 1))
    half = float(stats.t.ppf(0.975, dof)) * math.sqrt(var_a + var_b)
    with warnings.catch_warnings():  # nearly equal samples: scipy warns, the p-value is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        p_value = float(stats.ttest_ind(other, first, equal_var=False).pvalue)
    return diff, diff - half, diff + half, p_value


def _values(summaries: list[Summary], name: str) -> np.ndarray:
    return np.array([s[name] for s in summaries if s.get(name) is not None], dtype=float)


def compare_table(results: dict[str, list[Summary]]) -> pd.DataFrame:
    """Statistics per outcome and scenario, the first scenario being the reference.

    Args:
        results: Summaries of the replications, by scenario name (the first is the reference).

    Returns:
        One row per outcome and scenario (outcomes in declaration order; None values and
        outcomes without any value left out) with ``outcome, label, zh, unit, better,
        scenario, n, mean, sd, ci_low, ci_high`` and, against the reference, ``diff,
        diff_low, diff_high, p_value`` (NaN for the reference itself).
    """
    names = list(results)
    rows = []
    for outcome in OUTCOMES if names else ():
        samples = {name: _values(results[name], outcome.name) for name in names}
        reference = samples[names[0]]
        for name in names:
            values = samples[name]
            if not len(values):
                continue
            mean, sd, low, high = mean_ci(values)
            diff = (math.nan,) * 4
            if name != names[0] and len(reference):
                diff = welch(reference, values)
            rows.append((outcome.name, outcome.label, outcome.zh, outcome.unit, outcome.better,
                         name, len(values), mean, sd, low, high, *diff))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def runs_frame(results: dict[str, list[Summary]], seeds: Sequence[int]) -> pd.DataFrame:
    """One row per run: ``scenario``, ``seed`` and every outcome (runs in seed order)."""
    rows = [{"scenario": name, "seed": seed, **summary}
            for name, summaries in results.items() for seed, summary in zip(seeds, summaries,
                                                                              strict=True)]
    return pd.DataFrame(rows)


# --- text -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns, clipped (with an ellipsis) to keep a space free."""
    if _width(text) > width - 1:
        while _width(text) > width - 2:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


def decimals(values: Sequence[float]) -> int:
    """Decimal places suiting numbers of this size (fewer for larger numbers)."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    size = max(finite, default=0.0)
    return 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 10 else 3


def number(value: float | None, places: int, sign: bool = False) -> str:
    """``value`` with thousands separators and ``places`` decimals ("–" when missing)."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:{'+' if sign else ''},.{places}f}"


def _p_text(p_value: float) -> str:
    if not math.isfinite(p_value):
        return "p=–"
    return "p<0.001" if p_value < 0.001 else f"p={p_value:.3f}"


def _cells(row: pd.Series, places: int) -> tuple[str, str]:
    """The two lines of one table cell: mean with interval, difference with p-value."""
    top = (f"{number(row['mean'], places)} "
           f"[{number(row['ci_low'], places)}, {number(row['ci_high'], places)}]")
    if pd.isna(row["diff"]):
        return top, ""
    return top, f"Δ {number(row['diff'], places, sign=True)} ({_p_text(row['p_value'])})"


def _block(df: pd.DataFrame, names: list[str], outcomes: list[str], lang: str,
           label_width: int, cell_width: int) -> list[str]:
    """Lines of the table for the scenarios ``names`` (one column each)."""
    words = _WORDS[lang]
    lines = [_fit(words["outcome"], label_width) + "".join(_fit(n, cell_width) for n in names)]
    lines.append("─" * (label_width + cell_width * len(names)))
    for name in outcomes:
        rows = df[df["outcome"] == name].set_index("scenario")
        places = decimals(list(rows["mean"]) + list(rows["ci_low"]) + list(rows["ci_high"]))
        cells = [_cells(rows.loc[s], places) if s in rows.index else ("–", "") for s in names]
        first = rows.iloc[0]
        label = first["zh"] if lang == "zh" else first["label"]
        note = ", ".join(filter(None, [first["unit"], words[first["better"]]]))
        lines.append(_fit(label, label_width) + "".join(_fit(c[0], cell_width) for c in cells))
        lines.append(_fit(f"  {note}", label_width)
                     + "".join(_fit(c[1], cell_width) for c in cells))
    return [line.rstrip() for line in lines]


def format_table(df: pd.DataFrame, outcomes: Sequence[str] | None = None, lang: str = "en",
                 width: int = 120) -> str:
    """The comparison as fixed-width text: outcomes as rows, scenarios as columns.

    Each cell shows ``mean [lo, hi]`` and, for scenarios after the first, ``Δ +x (p=...)``
    below it. Scenarios that do not fit in ``width`` columns go to further blocks.

    Args:
        df: A table from :func:`compare_table`.
        outcomes: Outcome names to show (default: the ``"table"`` headline group,
            :func:`model.outcomes.headline`); ones absent from ``df`` are left out.
        lang: ``"en"`` or ``"zh"`` outcome labels.
        width: Terminal columns available.

    Returns:
        The table text.
    """
    wanted = list(headline("table") if outcomes is None else outcomes)
    present = [name for name in wanted if name in set(df["outcome"])]
    names = list(dict.fromkeys(df["scenario"]))
    if not present or not names:
        return "(no outcomes to show)"
    label_width, cell_width = 44, 25
    per_block = max(1, (width - label_width) // cell_width)
    title = _WORDS[lang]["title"].format(n=int(df["n"].max()), ref=names[0])
    blocks = [title]
    for start in range(0, len(names), per_block):
        chunk = names[start:start + per_block]
        blocks.append("\n".join(_block(df, chunk, present, lang, label_width, cell_width)))
    return "\n\n".join(blocks)


def format_summary(summary: Summary, lang: str = "en") -> str:
    """One run's summary as fixed-width text: outcome label, value, unit."""
    lines = []
    for outcome in OUTCOMES:
        if outcome.name not in summary:
            continue
        value = summary[outcome.name]
        label = outcome.zh if lang == "zh" else outcome.label
        places = 0 if value is not None and float(value).is_integer() else decimals([value])
        text = number(value, places)
        lines.append(f"{_fit(label, 48)} {text:>14}  {outcome.unit}")
    return "\n".join(lines)


# --- figures and files -------------------------------------------------------------------------


def plot_comparison(df: pd.DataFrame, out_dir: str | Path,
                    outcomes: Sequence[str] | None = None) -> list[Path]:
    """Bar charts of mean ± 95% CI per scenario, one panel per headline outcome.

    Args:
        df: A table from :func:`compare_table`.
        out_dir: Folder to write ``compare.png`` and ``compare.svg`` into.
        outcomes: Outcomes to plot (default: the ``"plot"`` headline group); ones absent
            from ``df`` are left out.

    Returns:
        The paths written.
    """
    from matplotlib.figure import Figure  # imported here: slow, and only plots need it

    wanted = headline("plot") if outcomes is None else outcomes
    present = [name for name in wanted if name in set(df["outcome"])]
    names = list(dict.fromkeys(df["scenario"]))
    cols = min(3, max(1, len(present)))
    rows = max(1, math.ceil(len(present) / cols))
    fig = Figure(figsize=(max(9.0, 0.45 * len(names) * cols + 3), 3.8 * rows),
                 layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, name in zip(axes, present, strict=False):
        _bar_panel(ax, df[df["outcome"] == name].set_index("scenario").reindex(names), name)
    for ax in axes[len(present):]:
        ax.set_visible(False)
    if names:
        fig.suptitle(f"Mean ± 95% CI over {int(df['n'].max())} seeds; grey: {names[0]}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "compare.png", out / "compare.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths


def _bar_panel(ax: Any, rows: pd.DataFrame, name: str) -> None:
    """One panel: a bar per scenario with its 95% interval; the reference in grey."""
    outcome = OUTCOMES_BY_NAME[name]
    means = rows["mean"].to_numpy(dtype=float)
    errors = np.nan_to_num(np.vstack([means - rows["ci_low"].to_numpy(dtype=float),
                                      rows["ci_high"].to_numpy(dtype=float) - means]))
    colours = ["0.6"] + ["tab:blue"] * (len(rows) - 1)
    ax.bar(range(len(rows)), np.nan_to_num(means), yerr=errors, color=colours, capsize=3)
    ax.set_xticks(range(len(rows)), list(rows.index), rotation=45, ha="right")
    ax.set_title(outcome.label, fontsize=10)
    ax.set_ylabel(outcome.unit)
    ax.grid(axis="y", alpha=0.3)


@contextmanager
def comparison_folder(out: str | Path | None) -> Iterator[Path | None]:
    """Hold ``out`` while a comparison is computed and saved into it.

    The folder is locked (a second writer is refused, see :mod:`model.locking`) and must be
    new, empty, or one that compare wrote before.

    Args:
        out: The folder, or None for a comparison that is not saved (nothing is held).

    Yields:
        ``out`` as a path (None for None).

    Raises:
        ScenarioError: The folder holds files compare did not write, or another process is
            writing it (one line).
    """
    if out is None:
        yield None
        return
    folder = Path(out)
    with FolderLock(folder, "compare"):
        entries = sorted(path.name for path in folder.iterdir() if path.name != LOCK_NAME)
        if entries and _previous_outputs(folder) is None:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise ScenarioError([f"{folder}: holds files cogov compare did not write ({shown}); "
                                 f"use a new or empty folder for --out"])
        _refuse_links(folder, _entries(folder))
        yield folder


def _previous_outputs(folder: Path) -> list[str] | None:
    """The files an earlier comparison wrote into ``folder`` (by its manifest), else None."""
    try:
        info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(info, dict) or info.get("command") != "compare":
        return None
    outputs = info.get("outputs") if isinstance(info.get("outputs"), list) else []
    return [name for name in outputs if isinstance(name, str)]


def save_comparison(out_dir: str | Path, results: dict[str, list[Summary]],
                    scenarios: Sequence[Scenario], seeds: Sequence[int],
                    info: dict[str, Any], runs: pd.DataFrame | None = None) -> list[Path]:
    """Write a comparison with its provenance.

    Writes ``compare.csv`` (the table), ``runs.csv`` (one row per run), the figures,
    ``scenarios/NAME.toml`` (each scenario fully resolved), ``runs.parquet`` (when ``runs``
    is given) and ``manifest.json``, which lists them. Files an earlier comparison listed and
    this one does not write are removed; nothing else in the folder is touched.

    Args:
        out_dir: Folder to write into (created if missing); hold it with
            :func:`comparison_folder` first.
        results: Summaries by scenario name, in the order of ``scenarios``.
        scenarios: The scenarios compared.
        seeds: The replication seeds.
        info: The manifest (from :func:`model.provenance.manifest`); ``outputs`` is added.
        runs: The sweep's table of runs, stored as ``runs.parquet``.

    Returns:
        The paths written.
    """
    out = Path(out_dir)
    previous = _previous_outputs(out) or []
    names = [f"scenarios/{re.sub(r'[^\w.-]', '_', name)}.toml" for name in results]
    _refuse_links(out, ["scenarios", "compare.png", "compare.svg", *names])
    (out / "scenarios").mkdir(parents=True, exist_ok=True)
    table = compare_table(results)
    paths = [replace_atomically(out / "compare.csv", lambda temp: table.to_csv(temp, index=False)),
             replace_atomically(out / "runs.csv", lambda temp: runs_frame(results, seeds).to_csv(
                 temp, index=False))]
    paths += plot_comparison(table, out)
    for name, scenario in zip(names, scenarios, strict=True):
        text = scenario_to_toml(scenario)
        paths.append(replace_atomically(out / name, lambda temp, text=text: Path(temp).write_text(
            text, encoding="utf-8")))
    if runs is not None:
        paths.append(replace_atomically(out / "runs.parquet",
                                        lambda temp: runs.to_parquet(temp, index=False)))
    paths.append(out / "manifest.json")
    outputs = sorted(path.relative_to(out).as_posix() for path in paths)
    write_json_atomic(paths[-1], {**info, "outputs": outputs})
    _remove_outputs(out, set(previous) - set(outputs))
    return paths


def _entries(folder: Path) -> list[str]:
    """Names in ``folder`` and in its ``scenarios/`` (where compare writes), relative to it."""
    names = [path.name for path in folder.iterdir()]
    inner = folder / "scenarios"
    if inner.is_dir() and not inner.is_symlink():
        names += [f"scenarios/{path.name}" for path in inner.iterdir()]
    return names


def _refuse_links(out: Path, names: list[str]) -> None:
    """Refuse to write through a link in the folder (it could lead to a file outside it)."""
    links = [name for name in names if (out / name).is_symlink()]
    if links:
        raise ScenarioError([f"{out / links[0]}: is a link; cogov compare writes only files "
                             f"of its own folder (use a new or empty folder for --out)"])


def _remove_outputs(out: Path, names: set[str]) -> None:
    """Delete these files of an earlier comparison (only inside ``out``; emptied folders too)."""
    root = out.resolve()
    for name in sorted(names):
        path = (out / name).resolve()
        if path == root or not path.is_relative_to(root) or not path.is_file():
            continue
        path.unlink()
        if path.parent != root and not any(path.parent.iterdir()):
            path.parent.rmdir()
