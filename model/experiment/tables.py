"""The tables of a sweep's report: numbers formatted for reading, CSV and LaTeX files.

Full-precision numbers go to CSV for further analysis; rounded ones, with intervals and
p-values formatted for reading, go to booktabs LaTeX tables and the markdown of ``report.md``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from model.compare import decimals, number
from model.experiment import analysis as an
from model.experiment.figures import outcome_meta as _meta


def p_text(value: float) -> str:
    """A p-value for reading: three decimals, ``<0.001``, or ``–`` when missing."""
    if not math.isfinite(value):
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def repeat_text(repeat: dict[str, Any] | None) -> str:
    """" (4 at the first 16 points)" for a design that repeats points, else nothing."""
    if not isinstance(repeat, dict):
        return ""
    points = repeat.get("points", "?")
    where = "the first point" if points == 1 else f"the first {points} points"
    return f" ({repeat.get('replications', '?')} at {where})"


def interval_text(low: float, high: float, places: int, sign: bool = False) -> str:
    """``[low, high]``, or ``–`` without an interval."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    return f"[{number(low, places, sign)}, {number(high, places, sign)}]"


def ci_text(mean: float, low: float, high: float, places: int, sign: bool = False) -> str:
    """``mean [low, high]``; ``mean [–]`` without an interval and ``–`` without a mean."""
    if not math.isfinite(mean):
        return "–"
    interval = interval_text(low, high, places, sign)
    return f"{number(mean, places, sign)} {'[–]' if interval == '–' else interval}"


def decimals_of(frame: pd.DataFrame, *columns: str) -> int:
    """Decimal places suiting the numbers in ``columns`` of ``frame``."""
    return decimals([float(v) for c in columns for v in frame[c]])


def md_table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A markdown table; the first ``left`` columns are left-aligned, the others right."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
    rule = ["---"] * left + ["---:"] * (len(header) - left)
    return ["", line(header), line(rule), *[line(row) for row in rows], ""]


def tex_escape(text: Any) -> str:
    """``text`` with LaTeX's special characters escaped."""
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
               "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
               "^": r"\textasciicircum{}"}
    return re.sub(r"[\\&%$#_{}~^]", lambda match: special[match.group()], str(text))


def write_table(out: Path, stem: str, data: pd.DataFrame, shown: pd.DataFrame, caption: str,
                 left: int) -> list[Path]:
    """Write ``data`` as CSV and its formatted version ``shown`` as a booktabs LaTeX table."""
    csv, tex = out / "tables" / f"{stem}.csv", out / "tables" / f"{stem}.tex"
    data.to_csv(csv, index=False)
    escaped = shown.map(tex_escape).rename(columns=tex_escape)
    escaped.to_latex(tex, index=False, escape=False, caption=tex_escape(caption),
                     label=f"tab:{stem}", position="htbp",
                     column_format="l" * left + "r" * (len(shown.columns) - left))
    return [csv, tex]


def outcome_cell(name: str) -> str:
    """An outcome's label with its unit, for a table's first column."""
    meta = _meta(name)
    return f"{meta.label} ({meta.unit})" if meta.unit else meta.label


def write_tables(out: Path, runs: pd.DataFrame, stats: pd.DataFrame,
                  diffs: pd.DataFrame) -> list[Path]:
    """The means and differences tables: full numbers in CSV, rounded ones in LaTeX."""
    info = an.conditions(runs).drop(columns="condition")
    names = list(dict.fromkeys(stats["outcome"]))
    meta = pd.DataFrame([(n, _meta(n).label, _meta(n).unit) for n in names],
                        columns=["outcome", "label", "unit"])
    shown_means, shown_diffs = [], []
    for name in names:
        block = stats[stats["outcome"] == name]
        places = decimals_of(block, "mean", "ci_low", "ci_high")
        shown_means += [[outcome_cell(name) if i == 0 else "", r.condition, r.n,
                         number(r.mean, places), interval_text(r.ci_low, r.ci_high, places)]
                        for i, r in enumerate(block.itertuples())]
        block = diffs[diffs["outcome"] == name]
        places = decimals_of(block, "diff", "diff_low", "diff_high")
        shown_diffs += [[outcome_cell(name) if i == 0 else "", r.condition,
                         ci_text(r.diff, r.diff_low, r.diff_high, places, sign=True),
                         number(r.hedges_g, 2, sign=True), p_text(r.p_value), p_text(r.p_holm)]
                        for i, r in enumerate(block.itertuples())]
    means = stats.merge(info, on=an.CONDITION, how="left").merge(meta, on="outcome", how="left")
    first = ["condition", *an.CONDITION, *an.factor_keys(runs), "outcome", "label", "unit"]
    means = means[[*first, *[c for c in means if c not in first]]]
    return [
        *write_table(out, "conditions", means, pd.DataFrame(shown_means, columns=[
            "Outcome", "Condition", "n", "Mean", "95% CI"]), "Mean of each outcome per "
            "condition over its successful replications, with the 95% t-interval "
            "(– where fewer than two replications).", left=2),
        *write_table(out, "differences", diffs.merge(meta, on="outcome", how="left"),
                      pd.DataFrame(shown_diffs, columns=[
                          "Outcome", "Condition", "Difference [95% CI]", "Hedges' g", "p",
                          "Holm p"]),
                      "Each condition minus the reference: difference of means with the Welch "
                      "95% interval, Hedges' g, Welch t-test p-value and Holm-adjusted p-value "
                      "(family: all comparisons of one outcome).", left=2),
    ]


def without_single_scenario(shown: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``shown`` without its Scenario column when there is one scenario; text columns left."""
    if shown["Scenario"].nunique() == 1:
        shown = shown.drop(columns="Scenario")
    return shown, shown.columns.get_loc("Factor") + 1


def indices_shown(table: pd.DataFrame, kind: str) -> pd.DataFrame:
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
