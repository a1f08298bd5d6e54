"""Sobol indices on an emulator: exact on known functions, free of seed noise, reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from test_report import PROBLEM, make_runs, manifest

from model.calibration.emulator import fit_quietly, gaussian_process
from model.experiment import analysis as an
from model.experiment.emulated_sobol import (
    emulated_sobol_indices,
    emulator_is_read,
    leave_one_out_q2,
    posterior_paths,
    standardized_error,
)

NOISE_SD = 0.5


def _noisy_linear_store(base: int = 64):
    """A Saltelli design of 4 x1 + x2 (x3 idle) run once per point with seed noise."""
    from SALib.sample import sobol

    sample = sobol.sample(PROBLEM, base, calc_second_order=False, seed=3)
    noise = np.random.default_rng(1).normal(0, NOISE_SD, len(sample))
    y = 4 * sample[:, 0] + sample[:, 1] + noise
    runs = make_runs([("baseline", i, {}, {"resolved_share": [v]}, ()) for i, v in enumerate(y)])
    design = pd.DataFrame({"point": np.arange(len(sample)),
                           **{k: sample[:, i] for i, k in enumerate(PROBLEM["names"])}})
    info = manifest(problem=PROBLEM, design={"kind": "sobol", "samples": base, "levels": None,
                                             "calc_second_order": False, "seed": 7})
    return info, design, runs


@pytest.fixture(scope="module")
def noisy_linear():
    info, design, runs = _noisy_linear_store()
    emulated = emulated_sobol_indices(info, design, runs, "resolved_share", samples=4096,
                                      path_samples=256, realisations=32).set_index("factor")
    direct = an.sobol_indices(info, design, runs, "resolved_share").set_index("factor")
    return emulated, direct


def test_emulated_indices_recover_the_variance_shares_of_a_noisy_linear_function(noisy_linear):
    """Var(4 x1) = 16/12 and Var(x2) = 1/12 of uniforms: ST is 16/17, 1/17 and 0."""
    emulated, _ = noisy_linear
    for factor, share in (("a.x1", 16 / 17), ("a.x2", 1 / 17), ("a.x3", 0.0)):
        row = emulated.loc[factor]
        assert abs(row["ST"] - share) <= max(row["ST_conf"], 0.01), (factor, row["ST"], share)
    assert emulated["ST_conf"].max() < 0.1, "320 noisy runs give intervals under 0.1"


def test_the_emulator_takes_the_seed_noise_that_inflates_saltellis_estimator(noisy_linear):
    """On single noisy runs Saltelli's ST gives the idle x3 a share; the emulator does not."""
    emulated, direct = noisy_linear
    assert direct.loc["a.x3", "ST"] - direct.loc["a.x3", "ST_conf"] > 0.05, (
        "the noise shows up as a share of the idle factor")
    assert emulated.loc["a.x3", "ST"] < 0.01
    assert emulated["ST_conf"].max() < direct["ST_conf"].max()
    expected_share = NOISE_SD ** 2 / (NOISE_SD ** 2 + 17 / 12)
    assert emulated["noise_share"].iloc[0] == pytest.approx(expected_share, abs=0.06)
    assert 0.7 < emulated["q2"].iloc[0] < 1 - emulated["noise_share"].iloc[0] + 0.02


def test_emulated_indices_are_reproducible():
    info, design, runs = _noisy_linear_store(16)
    first, second = (emulated_sobol_indices(info, design, runs, "resolved_share", samples=256,
                                            path_samples=64, realisations=8) for _ in range(2))
    pd.testing.assert_frame_equal(first, second)


def test_a_reforms_effect_is_apportioned_on_its_own_emulator():
    """The effect 3 x3 is x3's alone, though 4 x1 + x2 dominates both levels."""
    from SALib.sample import sobol

    sample = sobol.sample(PROBLEM, 32, calc_second_order=False, seed=3)
    keys = PROBLEM["names"]
    level = 4 * sample[:, 0] + sample[:, 1]
    runs = make_runs([(scenario, i, dict(zip(keys, row, strict=True)),
                       {"resolved_share": [level[i] + (3 * row[2] if scenario == "reform"
                                                       else 0)]}, ())
                      for scenario in ("baseline", "reform") for i, row in enumerate(sample)],
                     keys)
    design = pd.DataFrame({"point": np.arange(len(sample)),
                           **{key: sample[:, i] for i, key in enumerate(keys)}})
    info = manifest(problem=PROBLEM, design={"kind": "sobol", "samples": 32, "levels": None,
                                             "calc_second_order": False, "seed": 7},
                    scenarios=[{"name": n, "ref": n, "scenario_hash": "h"}
                               for n in ("baseline", "reform")])
    table = emulated_sobol_indices(info, design, runs, "resolved_share", "reform",
                                   minus="baseline", samples=1024,
                                   path_samples=64, realisations=8).set_index("factor")
    assert table.loc["a.x3", "ST"] > 0.97 and table.loc["a.x1", "ST"] < 0.02


def _fitted_on_noise() -> tuple[GaussianProcessRegressor, np.ndarray]:
    rng = np.random.default_rng(5)
    x = rng.random((60, 2))
    y = np.sin(3 * x[:, 0]) + rng.normal(0, 0.3, len(x))
    gp = gaussian_process(0, 2, normalize_y=False)
    fit_quietly(gp, x, y)
    return gp, x


def test_posterior_paths_draw_the_expected_outcome_not_single_runs():
    """Realisations spread by the emulator's uncertainty, well below the seed noise."""
    gp, x = _fitted_on_noise()
    paths = posterior_paths(gp, x[:20], 400, np.random.default_rng(0))
    assert paths.shape == (400, 20)
    mean, sd = gp.predict(x[:20], return_std=True)  # sd of a single run: noise included
    noise = gp.kernel_.k2.noise_level
    assert np.abs(paths.mean(axis=0) - mean).max() < 0.05
    latent = np.sqrt(sd ** 2 - noise)
    assert paths.std(axis=0) == pytest.approx(latent, rel=0.2)
    assert (paths.std(axis=0) < 0.5 * np.sqrt(noise)).all()


def _refitted_without_each_point(gp: GaussianProcessRegressor,
                                 x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each training output's residual from ``gp``'s kernel refitted without it, and its SD."""
    y = gp.y_train_
    residuals, sds = [], []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        held = GaussianProcessRegressor(gp.kernel_, optimizer=None, normalize_y=False)
        mean, sd = held.fit(x[keep], y[keep]).predict(x[i:i + 1], return_std=True)
        residuals.append(y[i] - mean[0])
        sds.append(sd[0])
    return np.array(residuals), np.array(sds)


def test_leave_one_out_q2_is_the_closed_form_of_refitting_without_each_point():
    gp, x = _fitted_on_noise()
    residuals, _ = _refitted_without_each_point(gp, x)
    y = gp.y_train_
    brute = 1 - np.sum(np.square(residuals)) / np.sum((y - y.mean()) ** 2)
    assert leave_one_out_q2(gp) == pytest.approx(brute, rel=1e-6)


def test_the_standardized_error_is_the_held_out_runs_error_over_the_refitted_spread():
    gp, x = _fitted_on_noise()
    residuals, sds = _refitted_without_each_point(gp, x)
    mean_square, bound = standardized_error(gp)
    assert mean_square == pytest.approx(np.mean(np.square(residuals / sds)), rel=1e-6)
    assert bound == pytest.approx(83.298 / 60, abs=1e-4), "chi-square 97.5% point, 60 dof, / 60"
    assert mean_square < bound, "a fitted emulator's uncertainty is honest"


def test_an_emulator_that_puts_no_scatter_down_to_seeds_misses_by_more_than_it_claims():
    """Almost no noise term on runs of SD 0.3: it claims a precision it does not have."""
    from sklearn.gaussian_process.kernels import RBF, WhiteKernel

    gp, x = _fitted_on_noise()
    overconfident = GaussianProcessRegressor(RBF(0.3) + WhiteKernel(1e-3), optimizer=None,
                                             normalize_y=False).fit(x, gp.y_train_)
    mean_square, bound = standardized_error(overconfident)
    assert mean_square > 10 * bound


def test_a_small_effect_learnt_well_is_read_though_single_runs_q2_is_low():
    """Var(4 x1) is 4/7 of a run's: Q2 of single runs stays below 0.7, the emulator is honest."""
    info, design, runs = _replicated_lhs_store(slope=4.0, points=128, seeds=4)
    table = emulated_sobol_indices(info, design, runs, "resolved_share", samples=1024,
                                   path_samples=64, realisations=8)
    first = table.iloc[0]
    assert first["q2"] < 0.7 and first["signal_low"] > 0.0
    assert first["loo_z2"] <= first["loo_z2_high"] and emulator_is_read(table)
    assert table.set_index("factor").loc["a.x1", "ST"] > 0.9
    assert not emulator_is_read(table.assign(signal_low=0.0)), "a flat analysis is not read"
    assert not emulator_is_read(table.drop(columns=["signal_low"])), (
        "without measured noise the Q2 rule applies")


def _replicated_lhs_store(slope: float, points: int = 96, repeated: int = 16, seeds: int = 3):
    """A Latin hypercube of ``slope`` x1 plus unit seed noise; the first points run thrice.

    The reform's runs share each replication's seed noise with the baseline's, as common
    random numbers do, and add 2 x2 with noise of their own of SD 0.3.
    """
    from SALib.sample import latin

    sample = latin.sample(PROBLEM, points, seed=11)
    rng = np.random.default_rng(2)
    conditions = []
    for i, row in enumerate(sample):
        shared = rng.normal(0, 1, seeds if i < repeated else 1)
        base = slope * row[0] + shared
        reform = base + 2 * row[1] + rng.normal(0, 0.3, len(shared))
        values = dict(zip(PROBLEM["names"], row, strict=True))
        conditions += [("baseline", i, values, {"resolved_share": list(base)}, ()),
                       ("reform", i, values, {"resolved_share": list(reform)}, ())]
    runs = make_runs(conditions, PROBLEM["names"])
    design = pd.DataFrame({"point": np.arange(points),
                           **{k: sample[:, i] for i, k in enumerate(PROBLEM["names"])}})
    info = manifest(problem=PROBLEM, design={"kind": "lhs", "samples": points, "levels": None,
                                             "calc_second_order": False, "seed": 7},
                    scenarios=[{"name": n, "ref": n, "scenario_hash": "h"}
                               for n in ("baseline", "reform")])
    return info, design, runs


def test_the_seed_spread_is_pooled_within_points_and_paired_for_an_effect():
    """Unit seed noise in a level; only the reform's own 0.3 in its effect (common seeds)."""
    from model.experiment.emulated_sobol import seed_spread

    info, design, runs = _replicated_lhs_store(slope=0.0, points=200, repeated=200)
    level = seed_spread(info, design, runs, "resolved_share")
    effect = seed_spread(info, design, runs, "resolved_share", "reform", minus="baseline")
    assert level.dof == effect.dof == 400 and set(level.counts) == {3}
    assert level.variance == pytest.approx(1.0, rel=0.15)
    assert effect.variance == pytest.approx(0.09, rel=0.15)
    single = _replicated_lhs_store(slope=0.0, points=20, repeated=0)
    assert seed_spread(*single, "resolved_share").dof == 0


def test_points_differ_is_fishers_one_way_analysis_of_variance():
    """F and p equal scipy's one-way ANOVA on unequal groups; the share's interval covers it."""
    from scipy.stats import f_oneway

    from model.experiment.emulated_sobol import SeedSpread, points_differ

    rng = np.random.default_rng(4)
    counts = np.array([1] * 60 + [3] * 20)
    signal = rng.normal(0, 1, len(counts))  # intraclass share 1 / (1 + 1) = 0.5
    groups = [s + rng.normal(0, 1, n) for s, n in zip(signal, counts, strict=True)]
    within = [g - g.mean() for g in groups if len(g) > 1]
    spread = SeedSpread(counts, float(sum((w ** 2).sum() for w in within) / 40), 40)
    test = points_differ(np.array([g.mean() for g in groups]), spread)
    reference = f_oneway(*groups)
    assert test["f"] == pytest.approx(reference.statistic)
    assert test["p"] == pytest.approx(reference.pvalue)
    assert test["share_low"] < 0.5 < test["share_high"] and test["p"] < 0.01


def test_a_flat_effect_is_told_apart_from_a_small_one():
    """Where the points differ by no more than the seeds, the share's interval reaches zero."""
    from model.experiment.emulated_sobol import points_differ, seed_spread

    info, design, runs = _replicated_lhs_store(slope=0.0)
    flat = points_differ(an.point_outputs(info, design, runs, "resolved_share"),
                         seed_spread(info, design, runs, "resolved_share"))
    assert flat["p"] > 0.05 and flat["share_low"] == 0.0
    info, design, runs = _replicated_lhs_store(slope=4.0)
    steep = points_differ(an.point_outputs(info, design, runs, "resolved_share"),
                          seed_spread(info, design, runs, "resolved_share"))
    # the share is Var(4 x1) / (Var(4 x1) + 1) = 4 / 7
    assert steep["p"] < 1e-3 and steep["share_low"] > 0.1 and steep["share_high"] > 4 / 7


def test_repeated_points_give_the_emulator_the_measured_seed_noise():
    """Stochastic kriging: the effect 2 x2 is x2's, its noise the measured 0.3 SD."""
    info, design, runs = _replicated_lhs_store(slope=3.0)
    table = emulated_sobol_indices(info, design, runs, "resolved_share", "reform",
                                   minus="baseline", samples=1024, path_samples=64,
                                   realisations=8).set_index("factor")
    assert table.loc["a.x2", "ST"] > 0.95 and table["ST_conf"].max() < 0.1
    # the share is Var(2 x2) / (Var(2 x2) + 0.09) = 0.79
    assert table["points_p"].iloc[0] < 1e-6 and table["signal_low"].iloc[0] > 0.5
    single = _replicated_lhs_store(slope=3.0, repeated=0)
    plain = emulated_sobol_indices(*single, "resolved_share", "reform", minus="baseline",
                                   samples=256, path_samples=32, realisations=4)
    assert "points_p" not in plain, "a design without repeats keeps the fitted noise alone"


def test_a_report_of_repeated_points_tells_a_flat_level_from_an_effect(tmp_path):
    """The baseline is seed noise alone; the reform's effect 2 x2 stands well above its own."""
    from test_report import write_store

    from model.experiment.report import write_report

    info, design, runs = _replicated_lhs_store(slope=0.0, points=48, repeated=48)
    info.update(replications=3, factors=[{"key": k, "low": 0.0, "high": 1.0, "integer": False}
                                         for k in PROBLEM["names"]],
                outcomes=["resolved_share"],
                counts={"planned": len(runs), "ok": len(runs), "failed": 0})
    folder = write_store(tmp_path / "repeated", runs, info, design=design)
    write_report(folder, emulate=True)
    table = pd.read_csv(folder / "tables" / "sobol_emulated.csv")
    shares = table.groupby("scenario")[["signal_low", "signal_high", "points_p"]].first()
    assert shares.loc["baseline", "signal_low"] == 0.0 and shares.loc["baseline", "points_p"] > 0.05
    assert shares.loc["reform - baseline", "signal_low"] > 0.5
    text = (folder / "report.md").read_text()
    assert "| points differ (p) | points' share [95% CI] |" in text
    assert "an interval reaching zero leaves nothing to apportion" in text
