"""Sweep reports: statistics against hand computations, and the files on synthetic stores."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.experiment import analysis as an
from model.experiment import figures
from model.experiment.report import MAX_SERIES, ReportError, write_report
from model.outcomes import OUTCOMES, headline

OUTS = ["resolved_share", "mean_trust"]
DAILY = ["resolved_share", "mean_trust"]


# --- synthetic stores ---------------------------------------------------------------------------


def make_runs(conditions, factors=()):
    """Runs table in the store's column order.

    ``conditions``: (scenario, point, {factor: value}, {outcome: [value per replication]},
    failed replication indices).
    """
    rows = []
    for scenario, point, values, outcomes, failed in conditions:
        reps = len(next(iter(outcomes.values())))
        for rep in range(reps):
            ok = rep not in failed
            row = {"run_id": f"{scenario}-p{point}-r{rep}", "scenario": scenario,
                   "point": point, "replication": rep, "seed": 100 + rep}
            row.update({key: values[key] for key in factors})
            row.update({o.name: (outcomes[o.name][rep] if ok and o.name in outcomes
                                 else math.nan) for o in OUTCOMES})
            row.update(status="ok" if ok else "failed",
                       error="" if ok else "Traceback (most recent call last):\n  ...\n"
                                           "ValueError: boom", seconds=0.5)
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame[["point", "replication", "seed"]] = frame[["point", "replication", "seed"]].astype(
        "int64")
    return frame


def manifest(**extra):
    data = {
        "experiment": "demo", "description": "A synthetic sweep.", "spec_hash": "abc123",
        "commit": "deadbeef", "versions": {"cogov": "0.1.0", "mesa": "3.5.1",
                                           "python": "3.12.1"},
        "started_utc": "2025-01-01T00:00:00Z", "finished_utc": "2025-01-01T01:00:00Z",
        "status": "complete", "backend": "local", "workers": 2,
        "design": {"kind": "none", "samples": None, "levels": None, "calc_second_order": False,
                   "seed": 7},
        "factors": [], "problem": None,
        "scenarios": [{"name": "baseline", "ref": "baseline", "scenario_hash": "h1"},
                      {"name": "whistle", "ref": "whistle", "scenario_hash": "h2"}],
        "replications": 4, "seeds": [100, 101, 102, 103], "root_seed": 42, "days": 3,
        "outcomes": OUTS, "analysis": {"timeseries": True, "heatmap": None},
        "save_series": False, "counts": {"planned": 8, "ok": 8, "failed": 0},
    }
    data.update(extra)
    return data


def write_store(folder, runs, info, design=None, series=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(info), encoding="utf-8")
    runs.to_parquet(folder / "runs.parquet", index=False)
    if design is not None:
        design.to_parquet(folder / "design.parquet", index=False)
    if series is not None:
        (folder / "series").mkdir()
        for run_id, frame in series.groupby("run_id"):
            frame.to_parquet(folder / "series" / f"{run_id}.parquet", index=False)
    return folder


def two_scenarios(reference, other, failed=()):
    return make_runs([("baseline", 0, {}, {"resolved_share": reference, "mean_trust":
                                            [0.5] * len(reference)}, ()),
                      ("whistle", 0, {}, {"resolved_share": other, "mean_trust":
                                          [0.6] * len(other)}, failed)])


def grid_store(folder, reps=3, series=False):
    """Two scenarios over a 2 x 2 grid; resolved_share = 0.1 + level + weight / 10 (+ noise)."""
    keys = ["devolution.level", "process.weight"]
    conditions, point = [], 0
    for scenario, shift in (("baseline", 0.0), ("whistle", 0.05)):
        for point, (level, weight) in enumerate([(0.2, 1), (0.2, 2), (0.6, 1), (0.6, 2)]):
            base = 0.1 + level + weight / 10 + shift
            conditions.append((scenario, point, dict(zip(keys, (level, weight), strict=True)),
                               {"resolved_share": [base + 0.01 * r for r in range(reps)],
                                "mean_trust": [0.5 + level / 2] * reps},
                               (1,) if (scenario, point) == ("whistle", 3) else ()))
    runs = make_runs(conditions, keys)
    factors = [{"key": "devolution.level", "values": [0.2, 0.6]},
               {"key": "process.weight", "values": [1, 2]}]
    info = manifest(design={"kind": "grid", "samples": None, "levels": None,
                            "calc_second_order": False, "seed": 7}, factors=factors,
                    replications=reps, save_series=series,
                    counts={"planned": len(runs), "ok": len(runs) - 1, "failed": 1})
    frames = None
    if series:
        frames = pd.concat([pd.DataFrame({"run_id": run_id, "day": [1, 2, 3],
                                          "resolved_share": [value * d / 3 for d in (1, 2, 3)],
                                          "mean_trust": [0.5, 0.5, 0.5]})
                            for run_id, value in zip(runs["run_id"], runs["resolved_share"],
                                                     strict=True)], ignore_index=True)
    return write_store(folder, runs, info, series=frames)


PROBLEM = {"num_vars": 3, "names": ["a.x1", "a.x2", "a.x3"], "bounds": [[0, 1]] * 3}


def sampled_store(folder, kind, sample):
    """A sampled design whose outcome is resolved_share = 4 x1 + x2 (x3 has no effect)."""
    keys = PROBLEM["names"]
    y = 4 * sample[:, 0] + sample[:, 1]
    conditions = [("baseline", i, dict(zip(keys, row, strict=True)),
                   {"resolved_share": [y[i]], "mean_trust": [0.5]}, ())
                  for i, row in enumerate(sample)]
    runs = make_runs(conditions, keys)
    design = pd.DataFrame({"point": np.arange(len(sample), dtype="int64"),
                           **{key: sample[:, i] for i, key in enumerate(keys)}})
    factors = [{"key": key, "low": 0.0, "high": 1.0, "integer": False} for key in keys]
    info = manifest(design={"kind": kind, "samples": 64, "levels": 4, "calc_second_order": True,
                            "seed": 7}, factors=factors, problem=PROBLEM,
                    scenarios=[{"name": "baseline", "ref": "baseline", "scenario_hash": "h"}],
                    replications=1, counts={"planned": len(runs), "ok": len(runs),
                                            "failed": 0})
    return write_store(folder, runs, info, design=design), runs, design, info


# --- statistics ---------------------------------------------------------------------------------


def test_holm_matches_hand_computation():
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max
    assert an.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    adjusted = an.holm([0.5, math.nan, 0.02])
    assert math.isnan(adjusted[1]), "NaN is passed through"
    assert adjusted[[0, 2]] == pytest.approx([0.5, 0.04]), "NaN does not count towards m"
    assert list(an.holm([0.6, 0.7])) == [1.0, 1.0], "capped at 1"
    assert len(an.holm([])) == 0


def test_hedges_g_matches_hand_computation():
    first, other = np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6, 7])
    # pooled variance (3 * 5/3 + 4 * 2.5) / 7 = 15/7; J = 1 - 3 / (4 * 9 - 9) = 8/9
    expected = 2.5 / math.sqrt(15 / 7) * 8 / 9
    assert an.hedges_g(first, other) == pytest.approx(expected)
    assert an.hedges_g(first, other) == pytest.approx(1.51807, abs=1e-5)
    assert math.isnan(an.hedges_g(first, np.array([5.0]))), "undefined with one value"
    assert math.isnan(an.hedges_g(np.ones(3), np.ones(3))), "undefined without spread"


def test_condition_stats_mean_sd_and_t_interval():
    runs = two_scenarios([1.0, 2, 3, 4], [2.0, 4, 6, 8])
    table = an.condition_stats(runs, ["resolved_share"]).set_index("condition")
    row = table.loc["baseline"]
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(2.5)
    assert row["sd"] == pytest.approx(1.290994)
    half = stats.t.ppf(0.975, 3) * math.sqrt(5 / 3) / 2  # sd of 1..4 is sqrt(5/3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((2.5 - half, 2.5 + half))
    assert table.loc["whistle", "mean"] == pytest.approx(5.0)


def test_differences_agree_with_scipy_welch_and_holm():
    reference, other = [0.40, 0.42, 0.39, 0.45, 0.41], [0.50, 0.47, 0.55, 0.49]
    runs = two_scenarios(reference, other + [0.9], failed=(4,))
    diff = an.differences(runs, ["resolved_share"]).iloc[0]
    welch = stats.ttest_ind(other, reference, equal_var=False)
    low, high = welch.confidence_interval(0.95)
    assert diff["n_reference"] == 5 and diff["n"] == 4, "the failed run is left out"
    assert diff["diff"] == pytest.approx(np.mean(other) - np.mean(reference))
    assert (diff["diff_low"], diff["diff_high"]) == pytest.approx((low, high))
    assert diff["p_value"] == pytest.approx(welch.pvalue)
    assert diff["p_holm"] == pytest.approx(welch.pvalue), "a family of one is not adjusted"
    three = make_runs([(name, 0, {}, {"resolved_share": values}, ()) for name, values in
                       (("a", reference), ("b", other), ("c", [0.41, 0.43, 0.40, 0.44]))])
    table = an.differences(three, ["resolved_share"])
    assert list(table["p_holm"]) == pytest.approx(list(an.holm(table["p_value"])))
    p_b, p_c = table["p_value"]
    assert p_b < p_c
    assert list(table["p_holm"]) == pytest.approx([2 * p_b, max(2 * p_b, p_c)]), \
        "the smaller p-value of two is doubled, the larger kept"


def test_condition_labels_use_short_keys_when_unambiguous():
    runs = make_runs([("baseline", 0, {"devolution.level": 0.5, "process.weight": 2},
                       {"resolved_share": [0.1]}, ())], ["devolution.level", "process.weight"])
    assert list(an.conditions(runs)["condition"]) == ["baseline · level=0.5, weight=2"]
    runs = make_runs([("b", 0, {"a.level": 0.25, "c.level": True},
                       {"resolved_share": [0.1]}, ())], ["a.level", "c.level"])
    assert list(an.conditions(runs)["condition"]) == ["b · a.level=0.25, c.level=True"]


def test_sobol_indices_rank_a_linear_function():
    from SALib.sample import sobol

    sample = sobol.sample(PROBLEM, 128, calc_second_order=True, seed=3)
    runs = make_runs([("baseline", i, {}, {"resolved_share": [4 * row[0] + row[1]]}, ())
                      for i, row in enumerate(sample)])
    design = pd.DataFrame({"point": np.arange(len(sample)),
                           **{k: sample[:, i] for i, k in enumerate(PROBLEM["names"])}})
    info = manifest(problem=PROBLEM, design={"kind": "sobol", "samples": 128, "levels": None,
                                             "calc_second_order": True, "seed": 7})
    table = an.sobol_indices(info, design, runs, "resolved_share").set_index("factor")
    s1 = table["S1"]
    assert s1["a.x1"] > s1["a.x2"] > s1["a.x3"], "4 x1 + x2 ranks x1 over x2 over x3"
    assert s1["a.x1"] == pytest.approx(16 / 17, abs=0.08), "Var share of 4 x1 is 16/17"
    assert abs(s1["a.x3"]) < 0.03, "x3 has no effect"
    assert table["ST"]["a.x3"] < 0.01
    broken = runs[~runs["point"].isin([0, 5, 9])]
    with pytest.raises(ValueError, match="3 of 1024 design points"):
        an.sobol_indices(info, design, broken, "resolved_share")


def test_sobol_of_a_reforms_effect_apportions_its_difference_not_its_levels(tmp_path):
    from SALib.sample import sobol

    sample = sobol.sample(PROBLEM, 128, calc_second_order=True, seed=3)
    keys = PROBLEM["names"]
    level = 4 * sample[:, 0] + sample[:, 1]
    effect = 3 * sample[:, 2]  # the reform's effect depends on x3 alone
    runs = make_runs([(scenario, i, dict(zip(keys, row, strict=True)),
                       {"resolved_share": [level[i] + (effect[i] if scenario == "reform" else 0)],
                        "mean_trust": [0.5]}, ())
                      for scenario in ("baseline", "reform")
                      for i, row in enumerate(sample)], keys)
    design = pd.DataFrame({"point": np.arange(len(sample), dtype="int64"),
                           **{key: sample[:, i] for i, key in enumerate(keys)}})
    info = manifest(problem=PROBLEM, design={"kind": "sobol", "samples": 128, "levels": None,
                                             "calc_second_order": True, "seed": 7},
                    factors=[{"key": k, "low": 0.0, "high": 1.0, "integer": False}
                             for k in keys],
                    scenarios=[{"name": n, "ref": n, "scenario_hash": "h"}
                               for n in ("baseline", "reform")])
    table = an.sobol_indices(info, design, runs, "resolved_share", "reform",
                             minus="baseline").set_index("factor")
    assert table["ST"]["a.x3"] > 0.9 and table["ST"]["a.x1"] < 0.02, (
        "the effect's variance is x3's alone, though x1 dominates both levels")
    folder = write_store(tmp_path / "pair", runs, info, design=design)
    write_report(folder)
    written = pd.read_csv(folder / "tables" / "sobol.csv")
    effect_rows = written[written["scenario"] == "reform - baseline"]
    assert set(effect_rows["factor"]) == set(keys), "the report analyses the reform's effect"
    assert ("(reform - baseline): not analysed: mean_trust is the same at every design point "
            "of scenario 'reform - baseline'") in (folder / "report.md").read_text(), (
        "an effect that never varies is named as such")


def test_morris_indices_recover_linear_coefficients(tmp_path):
    from SALib.sample import morris

    sample = morris.sample(PROBLEM, 20, num_levels=4, seed=3)
    _, runs, design, info = sampled_store(tmp_path / "morris", "morris", sample)
    table = an.morris_indices(info, design, runs, "resolved_share").set_index("factor")
    # every elementary effect of a linear function is its coefficient
    assert list(table["mu_star"]) == pytest.approx([4.0, 1.0, 0.0], abs=1e-9)
    assert list(table["sigma"]) == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_rank_correlations_of_latin_hypercube(tmp_path):
    from SALib.sample import latin

    sample = latin.sample(PROBLEM, 40, seed=3)
    _, runs, _, _ = sampled_store(tmp_path / "lhs", "lhs", sample)
    table = an.rank_correlations(runs, PROBLEM["names"], ["resolved_share", "mean_trust"])
    rho = table.set_index(["outcome", "factor"])["rho"]
    assert rho["resolved_share", "a.x1"] > 0.9, "4 x1 dominates the outcome"
    assert abs(rho["resolved_share", "a.x3"]) < 0.4
    assert math.isnan(rho["mean_trust", "a.x1"]), "a constant outcome has no correlation"


def test_grid_frame_and_series_bands(tmp_path):
    folder = grid_store(tmp_path / "grid", series=True)
    runs = pd.read_parquet(folder / "runs.parquet")
    grid = an.grid_frame(runs, "devolution.level", "process.weight", "resolved_share")
    cell = grid[(grid["scenario"] == "baseline") & (grid["devolution.level"] == 0.6)
                & (grid["process.weight"] == 2)].iloc[0]
    assert cell["mean"] == pytest.approx(0.1 + 0.6 + 0.2 + 0.01) and cell["n"] == 3
    series = pd.read_parquet(folder / "series")
    bands = an.series_bands(series, runs, "resolved_share")
    day3 = bands[(bands["condition"] == "baseline · level=0.2, weight=1") & (bands["day"] == 3)]
    values = np.array([0.4, 0.41, 0.42])
    assert day3["mean"].iloc[0] == pytest.approx(values.mean())
    assert day3["low"].iloc[0] == pytest.approx(np.percentile(values, 2.5))
    assert day3["high"].iloc[0] == pytest.approx(np.percentile(values, 97.5))
    failed = bands[(bands["condition"] == "whistle · level=0.6, weight=2") & (bands["day"] == 1)]
    assert failed["n"].iloc[0] == 2, "the failed run's series is left out"


# --- reports ------------------------------------------------------------------------------------


def assert_figures(out, *stems):
    for stem in stems:
        for suffix in ("png", "svg"):
            path = out / "figures" / f"{stem}.{suffix}"
            assert path.is_file() and path.stat().st_size > 1000, f"{path} missing or empty"


def test_grid_report_writes_tables_heatmaps_series_and_failures(tmp_path):
    folder = grid_store(tmp_path / "grid", series=True)
    paths = write_report(folder)
    assert paths[-1] == folder / "report.md"
    assert all(path.is_file() for path in paths)
    for stem in ("conditions", "differences"):
        assert (folder / "tables" / f"{stem}.csv").is_file()
        assert "\\toprule" in (folder / "tables" / f"{stem}.tex").read_text()
    assert_figures(folder, "means", "heatmap_resolved_share", "heatmap_mean_trust",
                   "series_resolved_share", "series_mean_trust")
    table = pd.read_csv(folder / "tables" / "conditions.csv")
    row = table[(table["condition"] == "whistle · level=0.6, weight=2")
                & (table["outcome"] == "resolved_share")].iloc[0]
    assert row["n"] == 2 and row["mean"] == pytest.approx(0.95 + 0.01), "runs 0 and 2 only"
    assert row["devolution.level"] == 0.6 and row["unit"] == "share"
    text = (folder / "report.md").read_text()
    assert "# demo" in text and "`abc123`" in text and "Mesa 3.5.1" in text
    assert "Planned 24, succeeded 23, failed 1." in text
    assert "- `whistle-p3-r1`: ValueError: boom" in text
    assert "Welch t-test, Holm-corrected within each outcome" in text
    assert "![Mean resident satisfaction" not in text
    assert "](figures/heatmap_resolved_share.png)" in text
    assert "<" not in text.replace("<0.001", ""), "markdown only, no HTML"


def test_one_factor_grid_draws_a_response_figure_into_out_dir(tmp_path):
    runs = make_runs([("baseline", p, {"devolution.level": level},
                       {"resolved_share": [level, level + 0.02], "mean_trust": [0.5, 0.6]}, ())
                      for p, level in enumerate([0.1, 0.5, 0.9])], ["devolution.level"])
    info = manifest(design={"kind": "grid", "samples": None, "levels": None,
                            "calc_second_order": False, "seed": 7},
                    factors=[{"key": "devolution.level", "values": [0.1, 0.5, 0.9]}],
                    scenarios=manifest()["scenarios"][:1])
    folder = write_store(tmp_path / "one", runs, info)
    write_report(folder, tmp_path / "out")
    assert_figures(tmp_path / "out", "response", "means")
    assert not (folder / "report.md").exists(), "out_dir is where the report goes"
    text = (tmp_path / "out" / "report.md").read_text()
    assert "| Outcome | Unit | baseline · level=0.1 |" in text
    assert "0.110 [" in text, "mean of 0.1 and 0.12 with its interval"


def test_sobol_and_morris_reports(tmp_path):
    from SALib.sample import morris, sobol

    folder, *_ = sampled_store(tmp_path / "sobol", "sobol",
                               sobol.sample(PROBLEM, 32, calc_second_order=True, seed=3))
    write_report(folder)
    table = pd.read_csv(folder / "tables" / "sobol.csv")
    assert list(table.columns[:3]) == ["scenario", "outcome", "factor"]
    best = table[table["outcome"] == "resolved_share"].sort_values("S1")["factor"].iloc[-1]
    assert best == "a.x1"
    assert (folder / "tables" / "sobol.tex").is_file()
    assert_figures(folder, "sobol_resolved_share")
    text = (folder / "report.md").read_text()
    assert "## Sensitivity" in text and "There are 256 conditions" in text
    assert "not analysed: mean_trust is the same at every design point" in text
    folder, *_ = sampled_store(tmp_path / "morris", "morris",
                               morris.sample(PROBLEM, 10, num_levels=4, seed=3))
    write_report(folder)
    assert (folder / "tables" / "morris.csv").is_file()
    assert_figures(folder, "morris_resolved_share")


def test_emulated_indices_join_a_sobol_report_and_are_refused_for_other_designs(tmp_path):
    from SALib.sample import morris, sobol

    folder, *_ = sampled_store(tmp_path / "sobol", "sobol",
                               sobol.sample(PROBLEM, 32, calc_second_order=True, seed=3))
    paths = write_report(folder, emulate=True)
    assert folder / "tables" / "sobol_emulated.csv" in paths
    table = pd.read_csv(folder / "tables" / "sobol_emulated.csv").set_index("factor")
    assert list(table.columns[:2]) == ["scenario", "outcome"]
    # resolved_share = 4 x1 + x2 with no noise: ST is 16/17, 1/17 and 0
    for factor, share in (("a.x1", 16 / 17), ("a.x2", 1 / 17), ("a.x3", 0.0)):
        assert abs(table.loc[factor, "ST"] - share) <= max(table.loc[factor, "ST_conf"], 0.02)
    text = (folder / "report.md").read_text()
    assert "### Sobol indices of the expected outcomes (emulated)" in text
    assert ("| Outcome | Factor | S1 ± 95% | ST ± 95% | Q2 | seed share | held-out error (bound) |"
            in text)
    assert "not analysed: mean_trust is the same at every design point" in text.split(
        "(emulated)")[1], "an outcome that never varies is named in the emulated section too"
    plain = tmp_path / "plain"
    write_report(folder, plain)
    assert not (plain / "tables" / "sobol_emulated.csv").exists(), "emulation is asked for"
    folder, *_ = sampled_store(tmp_path / "morris", "morris",
                               morris.sample(PROBLEM, 10, num_levels=4, seed=3))
    with pytest.raises(ReportError) as error:
        write_report(folder, emulate=True)
    assert str(error.value) == (f"{folder}/manifest.json: design.kind is 'morris'; emulated "
                                "indices need a Sobol or Latin hypercube design (allowed: "
                                "'sobol', 'lhs')")
    assert not (folder / "report.md").exists(), "nothing is written before the check"


def test_emulated_indices_of_a_latin_hypercube_recover_the_variance_shares(tmp_path):
    """An emulator needs no Saltelli sample: it learns the indices from a space-filling design."""
    from SALib.sample import latin

    folder, *_ = sampled_store(tmp_path / "lhs", "lhs", latin.sample(PROBLEM, 40, seed=3))
    paths = write_report(folder, emulate=True)
    table = pd.read_csv(folder / "tables" / "sobol_emulated.csv").set_index("factor")
    # resolved_share = 4 x1 + x2 with no noise: ST is 16/17, 1/17 and 0
    for factor, share in (("a.x1", 16 / 17), ("a.x2", 1 / 17), ("a.x3", 0.0)):
        assert table.loc[factor, "ST"] == pytest.approx(share, abs=0.03), factor
    assert table["ST_conf"].max() < 0.1
    text = (folder / "report.md").read_text()
    assert "Spearman" in text, "the rank correlations stay"
    assert "The widest half-width is " in text and "Saltelli's estimator above" not in text
    figure = folder / "figures" / "sobol_total_resolved_share.png"
    assert figure in paths and figure.stat().st_size > 0


def test_lhs_report_writes_rank_correlations(tmp_path):
    from SALib.sample import latin

    folder, *_ = sampled_store(tmp_path / "lhs", "lhs", latin.sample(PROBLEM, 20, seed=3))
    write_report(folder)
    table = pd.read_csv(folder / "tables" / "rank_correlations.csv")
    assert len(table) == 6 and (folder / "tables" / "rank_correlations.tex").is_file()
    assert "Spearman" in (folder / "report.md").read_text()


def test_all_failed_store_still_reports(tmp_path):
    runs = two_scenarios([0.1, 0.2], [0.3, 0.4], failed=(0, 1))
    runs["status"], runs["resolved_share"] = "failed", math.nan
    runs["mean_trust"], runs["error"] = math.nan, "Traceback\nRuntimeError: all broke"
    folder = write_store(tmp_path / "failed", runs, manifest(
        counts={"planned": 4, "ok": 0, "failed": 4}, status="interrupted"))
    write_report(folder)
    text = (folder / "report.md").read_text()
    assert "Planned 4, succeeded 0, failed 4." in text
    assert "No run succeeded" in text
    assert "- `baseline-p0-r1`: RuntimeError: all broke" in text


def test_one_replication_and_empty_outcome_say_so(tmp_path):
    runs = make_runs([(name, 0, {}, {"resolved_share": [value], "mean_trust": [math.nan]}, ())
                      for name, value in (("baseline", 0.4), ("whistle", 0.5))])
    folder = write_store(tmp_path / "one", runs, manifest(replications=1))
    write_report(folder)
    text = (folder / "report.md").read_text()
    assert "0.400 [–]" in text, "one replication: no interval"
    assert "no intervals (–)" in text
    assert "No successful run gave a value of: Mean trust in government (`mean_trust`)." in text


def test_missing_or_broken_files_raise_report_error(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    with pytest.raises(ReportError) as error:
        write_report(folder)
    assert str(error.value) == f"{folder}/manifest.json: no such file (is this a sweep's " \
                               "result folder?)"
    (folder / "manifest.json").write_text(json.dumps(manifest()))
    with pytest.raises(ReportError) as error:
        write_report(folder)
    assert str(error.value) == f"{folder}/runs.parquet: no such file (is this a sweep's " \
                               "result folder?)"
    (folder / "runs.parquet").write_text("not parquet")
    with pytest.raises(ReportError, match="runs.parquet: cannot be read"):
        write_report(folder)
    (folder / "manifest.json").write_text("{oops")
    with pytest.raises(ReportError, match="manifest.json: not valid JSON"):
        write_report(folder)


def many_scenarios_store(folder, count):
    """``count`` scenarios of two replications each, with three days of series."""
    names = [f"s{i:02d}" for i in range(count)]
    runs = make_runs([(name, 0, {}, {"resolved_share": [i / 20, i / 20 + 0.01],
                                     "mean_trust": [0.5, 0.5]}, ())
                      for i, name in enumerate(names)])
    series = pd.concat([pd.DataFrame({"run_id": run_id, "day": [1, 2, 3],
                                      "resolved_share": [value * d / 3 for d in (1, 2, 3)],
                                      "mean_trust": [0.5, 0.5, 0.5]})
                        for run_id, value in zip(runs["run_id"], runs["resolved_share"],
                                                 strict=True)], ignore_index=True)
    info = manifest(scenarios=[{"name": n, "ref": n, "scenario_hash": n} for n in names],
                    replications=2, save_series=True,
                    counts={"planned": len(runs), "ok": len(runs), "failed": 0})
    return write_store(folder, runs, info, series=series)


def test_series_figures_for_up_to_sixteen_conditions(tmp_path):
    assert MAX_SERIES == 16
    styles = figures._series_styles(16)
    assert len(set(styles)) == 16, "every condition gets its own colour and line style"
    assert len({colour for colour, _ in styles}) == 16, "16 distinct colours, not a repeat"
    folder = many_scenarios_store(tmp_path / "thirteen", 13)
    write_report(folder)
    assert_figures(folder, "series_resolved_share", "series_mean_trust")
    assert "no series figures" not in (folder / "report.md").read_text()
    folder = many_scenarios_store(tmp_path / "seventeen", 17)
    write_report(folder)
    assert "There are 17 conditions (more than 16): no series figures." in \
        (folder / "report.md").read_text()
    assert not (folder / "figures" / "series_resolved_share.png").exists()


def test_series_figures_show_the_daily_headline_group_first_in_its_order(tmp_path):
    """Six series figures at most: the "daily" headline group first, whatever the spec's order."""
    others = [o.name for o in OUTCOMES if o.daily and o.name not in headline("daily")][:2]
    outcomes = [*others, *reversed(headline("daily"))]
    runs = make_runs([(name, 0, {}, {n: [0.4 + i / 10, 0.41 + i / 10] for n in outcomes}, ())
                      for i, name in enumerate(("baseline", "whistle"))])
    series = pd.concat([pd.DataFrame({"run_id": run_id, "day": [1, 2, 3],
                                      **{n: [0.1, 0.2, 0.3] for n in outcomes}})
                        for run_id in runs["run_id"]], ignore_index=True)
    folder = write_store(tmp_path / "daily", runs,
                         manifest(outcomes=outcomes, replications=2, save_series=True),
                         series=series)
    write_report(folder)
    text = (folder / "report.md").read_text()
    shown = re.findall(r"\]\(figures/series_(\w+)\.png\)", text)
    assert shown == list(headline("daily"))[:6]
