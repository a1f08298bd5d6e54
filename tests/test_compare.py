"""Comparing scenarios: replication seeds, statistics, table and figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model import OUTCOMES, OUTCOMES_BY_NAME, load_scenario
from model.compare import (
    COLUMNS,
    compare_table,
    format_summary,
    format_table,
    plot_comparison,
    replication_seeds,
    runs_frame,
    save_comparison,
)
from model.outcomes import headline
from model.provenance import manifest
from model.simulate import simulate

SMALL = {"district.residents": 2000, "district.residents_per_community": 667}
DAYS = 30


def small(name="baseline", **extra):
    return load_scenario(name, overrides={**SMALL, **extra})


def run_many(tasks):
    """Summaries of ``(scenario, seed, days)`` runs, in order."""
    return [simulate(scenario, seed=seed, days=days) for scenario, seed, days in tasks]


def fake(values):
    """Summaries with one outcome, ``resolved_share``, taking ``values``."""
    return [{"resolved_share": v, "recovery_days": None} for v in values]


# --- seeds ------------------------------------------------------------------------------------


def test_replication_seeds_are_prefix_stable_and_distinct():
    seeds = replication_seeds(42, 10)
    assert seeds[:4] == replication_seeds(42, 4), "the first k seeds must not depend on n"
    assert seeds == replication_seeds(42, 10), "seeds depend only on the root and n"
    assert len(set(seeds)) == 10
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds)
    assert replication_seeds(43, 4) != seeds[:4], "another root gives other seeds"


# --- statistics -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table():
    seeds = replication_seeds(7, 4)
    names = ("baseline", "whistle", "unified_platform")
    summaries = run_many([(small(n), s, DAYS) for n in names for s in seeds])
    results = {n: summaries[i * 4:(i + 1) * 4] for i, n in enumerate(names)}
    return compare_table(results)


def test_compare_table_structure(table):
    assert list(table.columns) == list(COLUMNS)
    assert list(dict.fromkeys(table["scenario"])) == ["baseline", "whistle", "unified_platform"]
    assert list(dict.fromkeys(table["outcome"])) == [
        o.name for o in OUTCOMES if o.name in set(table["outcome"])], "declaration order"
    assert "recovery_days" not in set(table["outcome"]), "None outcomes (no shock) are skipped"
    assert (table["n"] <= 4).all() and (table["n"] >= 1).all()
    always = table[table["outcome"].isin(["resolved_share", "mean_satisfaction"])]
    assert (always["n"] == 4).all(), "outcomes defined in every run count every seed"
    reference = table[table["scenario"] == "baseline"]
    assert reference[["diff", "diff_low", "diff_high", "p_value"]].isna().all().all()


def test_compare_table_intervals_contain_the_mean_and_p_in_unit_interval(table):
    # an outcome defined in one run only (few multi-department cases end in 30 days on the
    # small district) has no interval, nor a difference from a scenario where it is
    one = table[table["n"] < 2]
    assert one[["ci_low", "ci_high"]].isna().all().all(), "one value gives no interval"
    table = table[table["n"] >= 2]
    assert (table["ci_low"] <= table["mean"] + 1e-12).all()
    assert (table["mean"] <= table["ci_high"] + 1e-12).all()
    reference_n = table[table["scenario"] == "baseline"].set_index("outcome")["n"]
    others = table[(table["scenario"] != "baseline") & table["outcome"].isin(reference_n.index)]
    assert others["p_value"].between(0, 1).all()
    assert (others["diff_low"] <= others["diff"] + 1e-12).all()
    assert (others["diff"] <= others["diff_high"] + 1e-12).all()


def test_compare_table_constant_samples():
    table = compare_table({"a": fake([0.5, 0.5, 0.5]), "b": fake([0.5] * 3), "c": fake([0.7] * 3)})
    rows = table.set_index("scenario")
    assert rows.loc["b", "p_value"] == 1.0, "equal constants: no difference"
    assert rows.loc["c", "p_value"] == 0.0, "different constants: certain difference"
    assert rows.loc["c", "diff"] == pytest.approx(0.2)
    assert rows.loc["a", "ci_low"] == rows.loc["a", "ci_high"] == 0.5


def test_compare_table_single_replication_has_no_interval():
    table = compare_table({"a": fake([0.5]), "b": fake([0.6])}).set_index("scenario")
    assert math.isnan(table.loc["a", "ci_low"]) and math.isnan(table.loc["b", "p_value"])
    assert table.loc["b", "diff"] == pytest.approx(0.1)


def test_compare_table_welch_matches_scipy():
    from scipy import stats

    a, b = [0.50, 0.52, 0.49, 0.51], [0.55, 0.60, 0.58, 0.62]
    row = compare_table({"a": fake(a), "b": fake(b)}).set_index("scenario").loc["b"]
    assert row["p_value"] == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
    assert row["diff"] == pytest.approx(np.mean(b) - np.mean(a))


def test_halving_demand_clearly_lowers_needs_raised():
    seeds = replication_seeds(3, 5)
    low, base = small(**{"demand.rate_scale": 0.5}), small()
    summaries = run_many([(s, seed, DAYS) for s in (base, low) for seed in seeds])
    table = compare_table({"base": summaries[:5], "half": summaries[5:]})
    row = table[(table["outcome"] == "cases_raised") & (table["scenario"] == "half")].iloc[0]
    assert row["diff"] < 0 and row["diff_high"] < 0, "half the demand rate, fewer needs raised"
    assert row["p_value"] < 0.05, f"a clear difference must be significant, p={row['p_value']}"


# --- text and figures -------------------------------------------------------------------------


def test_format_table_fits_120_columns(table):
    text = format_table(table)
    assert max(len(line) for line in text.splitlines()) <= 120
    assert "Share really resolved" in text and "Δ " in text and "[" in text
    shown = [name for name in headline("table") if OUTCOMES_BY_NAME[name].label in text]
    assert len(shown) >= len(headline("table")) - 2, "the headline outcomes are shown"
    assert "Needs raised" not in text, "only the default outcomes"


def test_format_table_many_scenarios_go_to_blocks():
    results = {f"scenario_{i}": fake([0.5 + i / 100, 0.51 + i / 100]) for i in range(7)}
    text = format_table(compare_table(results), outcomes=["resolved_share"])
    assert max(len(line) for line in text.splitlines()) <= 120
    assert all(f"scenario_{i}" in text for i in range(7))


def test_format_table_chinese_labels(table):
    text = format_table(table, outcomes=["resolved_share", "mean_trust"], lang="zh")
    assert "实际解决率" in text and "政府信任度" in text
    assert "Share really resolved" not in text


def test_format_summary_lists_every_outcome():
    summary = {o.name: 1.5 for o in OUTCOMES} | {"recovery_days": None}
    lines = format_summary(summary).splitlines()
    assert len(lines) == len(OUTCOMES)
    assert lines[-1].split()[-2] == "–", "a missing value is shown as a dash"


def test_plot_comparison_writes_png_and_svg(table, tmp_path):
    paths = plot_comparison(table, tmp_path)
    assert [p.name for p in paths] == ["compare.png", "compare.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert paths[0].read_bytes()[:4] == b"\x89PNG"


def test_save_comparison_writes_everything(tmp_path):
    seeds = replication_seeds(0, 2)
    scenarios = [small(), small("whistle")]
    summaries = run_many([(s, seed, 10) for s in scenarios for seed in seeds])
    results = {"baseline": summaries[:2], "whistle": summaries[2:]}
    paths = save_comparison(tmp_path, results, scenarios, seeds,
                            manifest(scenarios, seeds, {"command": "test"}))
    names = {str(p.relative_to(tmp_path)) for p in paths}
    assert names == {"compare.csv", "runs.csv", "compare.png", "compare.svg", "manifest.json",
                     "scenarios/baseline.toml", "scenarios/whistle.toml"}
    runs = runs_frame(results, seeds)
    assert list(runs.columns[:2]) == ["scenario", "seed"] and len(runs) == 4
    assert load_scenario(tmp_path / "scenarios" / "whistle.toml") == scenarios[1]
