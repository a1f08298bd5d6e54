"""Calibration: spec errors, emulator-based ABC on a known answer, and a small real run."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from calibration_helpers import PATTERNS, tiny_calibration

from model.calibration import Backend, calibrate
from model.calibration.emulator import abc_rejection, fit_emulator, posterior_table
from model.calibration.report import write_calibration_report
from model.calibration.spec import calibration_from_data
from model.cli import main
from model.scenario import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "experiments" / "calibration.toml"
BASE = tomllib.loads(SPEC.read_text(encoding="utf-8"))
TINY = {"district.residents": 800, "district.residents_per_community": 400}


def _data(**changes: object) -> dict:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def _problems(data: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        calibration_from_data(data, "cal.toml", SPEC.parent)
    return caught.value.problems


def test_bundled_spec_fits_the_months_before_and_after_the_reform():
    calibration = calibration_from_data(BASE, str(SPEC), SPEC.parent)
    assert calibration.keys == ["residents.report_trust_weight", "assessment.hour_price",
                                "assessment.blame_weight", "assessment.learning_rate",
                                "residents.satisfied_threshold",
                                "expectations.disconfirmation_weight", "policy.beyond_share",
                                "district.street_hours_per_1000_residents"]
    assert calibration.targets == [f"{period}:{rate}" for period in ("2019-01", "2019-09", "2019")
                                   for rate in ("callback_resolution", "callback_satisfaction")]
    assert calibration.design.spec.days == 730, "fitting runs stop at the end of 2019"
    assert calibration.predictive.name == "beijing_2018_2024"
    assert calibration.predictive.run.days == 2557, "the predictive run is the whole timeline"
    assert calibration.design.spec.design.kind == "lhs"
    claims = tomllib.loads((SPEC.parent / "validation.toml").read_text(encoding="utf-8"))
    assert calibration.patterns.ids == [c["id"] for c in claims["claims"]
                                        if c["id"].startswith("P")], "the brief's five patterns"


def test_every_fitted_parameter_is_an_assumption_or_a_lever_the_timeline_keeps():
    from model.scenario.parameters import parameter

    timeline = calibration_from_data(BASE, str(SPEC), SPEC.parent).predictive.timeline
    changed = {key for entry in timeline for key in entry.set}
    for key in BASE["parameters"]:
        role = parameter(key).role
        assert role == "assumption" or (role == "lever" and key not in changed), key


def test_pattern_claims_must_exist():
    data = _data()
    data["patterns"]["ids"] = ["P4a", "P9z"]
    (problem,) = _problems(data)
    claims = SPEC.parent / "validation.toml"
    assert problem.startswith(f"cal.toml: patterns.ids: 'P9z' not a claim of {claims} "
                              "(allowed: P1a, P1b, ")
    data["patterns"]["claims"] = "nowhere.toml"
    assert _problems(data) == [
        f"cal.toml: patterns.claims: no claims file {SPEC.parent / 'nowhere.toml'}"]
    data["patterns"]["claims"] = "validation.toml"
    data["patterns"]["ids"] = ["P4a"]
    data["patterns"]["set"] = {"district.residentz": 10}
    (problem,) = _problems(data)
    assert problem.startswith("cal.toml: patterns.set: ")
    assert "district.residentz" in problem


def test_misspelt_parameter_is_named_with_a_suggestion():
    data = _data()
    data["parameters"]["residents.report_trust_weigth"] = data["parameters"].pop(
        "residents.report_trust_weight")
    assert _problems(data) == [
        "cal.toml: parameters.residents.report_trust_weigth: not a scenario parameter (see "
        "'cogov schema' or docs/parameters.md); did you mean 'residents.report_trust_weight'?"]


def test_prior_outside_the_schema_bounds_is_refused():
    data = _data()
    data["parameters"]["residents.satisfied_threshold"]["high"] = 1.5
    assert _problems(data) == ["cal.toml: parameters.residents.satisfied_threshold: 1.5 is out "
                               "of range (allowed: 0 to 1)"]


def test_empty_prior_range_is_refused():
    data = _data()
    data["parameters"]["residents.satisfied_threshold"]["low"] = 0.9
    assert _problems(data) == ["cal.toml: parameters.residents.satisfied_threshold: low must "
                               "be below high (got low = 0.9, high = 0.7)"]


def test_unknown_target_outcome_is_one_line():
    data = _data()
    data["targets"]["resolved_shar"] = data["targets"].pop("2019:callback_resolution")
    (line,) = _problems(data)
    assert line.startswith("cal.toml: targets.resolved_shar: unknown outcome 'resolved_shar' "
                           "(allowed: ")
    assert line.endswith("; did you mean 'resolved_share'?")


def test_periods_the_predictive_run_lacks_are_named():
    data = _data()
    data["predictive"]["periods"] = ["2019", "2019-13", "2026", "2019-01", "2019-09", "2020",
                                     "2023"]
    data["changes"][0]["to_period"] = "2018"
    assert _problems(data) == [
        "cal.toml: predictive.periods: period '2019-13': not a period (allowed: YYYY, YYYY-MM "
        "or YYYY-MM..YYYY-MM)",
        "cal.toml: published[5].period: '2024-01..2024-09' is not a period of the predictive "
        "run (allowed: 2019, 2019-13, 2026, 2019-01, 2019-09, 2020, 2023)",
        "cal.toml: changes[0].to_period: '2018' is not a period of the predictive run "
        "(allowed: 2019, 2019-13, 2026, 2019-01, 2019-09, 2020, 2023)",
        "cal.toml: predictive.periods: beijing_2018_2024: period '2026': outside the run so far "
        "(allowed: periods within 2018-01-01 to 2024-12-31)"]


def test_published_figures_need_a_predictive_run():
    data = _data()
    data.pop("predictive")
    assert _problems(data) == [
        "cal.toml: published: needs a [predictive] table to compare with",
        "cal.toml: changes: needs a [predictive] table to compare with"]


def test_bad_abc_share_and_unknown_key():
    data = _data()
    data["abc"]["accept"] = 0
    data["abc"]["tolerance"] = 0.1
    assert _problems(data) == [
        "cal.toml: abc.accept: 0 is out of range (allowed: 1e-06 to 0.5)",
        "cal.toml: abc.tolerance: unknown key (allowed: draws, accept, seed)"]


def test_abc_keeps_only_draws_the_patterns_admit():
    rng = np.random.default_rng(5)
    points = rng.random((40, 2))
    runs = pd.DataFrame({"a": points[:, 0], "b": points[:, 1], "point": np.arange(40)})
    runs["y"] = 0.2 + 0.6 * runs["a"] + rng.normal(0, 0.01, len(runs))
    emulator = fit_emulator(runs, ["a", "b"], ["y"], np.zeros(2), np.ones(2), seed=1)
    observed = np.array([0.5])
    free = abc_rejection(emulator, observed, 10000, 0.02, seed=2)
    kept = abc_rejection(emulator, observed, 10000, 0.02, seed=2,
                         admits=lambda theta: theta[:, 1] > 0.8)
    assert len(kept.draws) == len(free.draws) == 200
    assert (kept.draws["b"] > 0.8).all() and not (free.draws["b"] > 0.8).all()
    assert kept.tolerance > free.tolerance, "admitting fewer draws widens the tolerance"
    with pytest.raises(ValueError, match="^none of 10000 prior draws reproduces every pattern$"):
        abc_rejection(emulator, observed, 10000, 0.02, seed=2,
                      admits=lambda theta: theta[:, 1] > 1)


def test_abc_on_an_emulator_recovers_a_known_parameter():
    """A noisy function of two parameters, one of them irrelevant: the posterior of the
    relevant one is narrow around the truth, the other's stays as wide as its prior."""
    rng = np.random.default_rng(5)
    points = rng.random((60, 2))
    runs = pd.DataFrame({"a": np.repeat(points[:, 0], 3), "b": np.repeat(points[:, 1], 3),
                         "point": np.repeat(np.arange(60), 3)})
    runs["y"] = 0.2 + 0.6 * runs["a"] ** 2 + rng.normal(0, 0.01, len(runs))
    low, high = np.zeros(2), np.ones(2)
    emulator = fit_emulator(runs, ["a", "b"], ["y"], low, high, seed=1)
    truth = 0.7
    posterior = abc_rejection(emulator, np.array([0.2 + 0.6 * truth ** 2]), 20000, 0.01, seed=2)
    table = posterior_table(posterior, ["a", "b"], low, high).set_index("parameter")
    assert table.loc["a", "ci_low"] < truth < table.loc["a", "ci_high"]
    assert table.loc["a", "ci_high"] - table.loc["a", "ci_low"] < 0.1
    assert table.loc["a", "narrowing"] > 0.8
    assert table.loc["b", "narrowing"] < 0.2
    again = abc_rejection(emulator, np.array([0.2 + 0.6 * truth ** 2]), 20000, 0.01, seed=2)
    pd.testing.assert_frame_equal(posterior.draws, again.draws)


def _tiny(tmp: Path, backend: Backend) -> dict:
    """Fit January 2018's rates over 40 days; run the first four months from the posterior."""
    data = tiny_calibration(TINY, days=40, fitted="2018-01", samples=8, abc_draws=4000,
                            posterior_draws=3, draws=3, last="2018-03..2018-04")
    calibration = calibration_from_data(data, str(SPEC), SPEC.parent)
    return calibrate(calibration, tmp, backend)


def _numbers(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("seconds", "versions")}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("calibration")
    return out, _tiny(out, Backend("serial", progress=False))


def test_calibration_writes_posterior_fit_and_trajectory(tiny_run):
    out, result = tiny_run
    assert result["design_runs"] == 16
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert result["abc"]["draws"] == 4000 and result["abc"]["accepted"] == len(posterior) == 200
    assert result["abc"]["tolerance"] == posterior["distance"].max() > 0
    fitted = result["fitted"]
    for key, prior in BASE["parameters"].items():
        assert prior["low"] <= fitted[key] <= prior["high"]
    assert [row["target"] for row in result["fit"]] == ["2018-01:callback_resolution",
                                                        "2018-01:callback_satisfaction"]
    assert len(result["ridges"]) == 28, "every pair of eight parameters"
    patterns = result["patterns"]
    assert patterns["runs"] == 4 * 8, "four distinct scenarios at each of eight points"
    assert [row["claim"] for row in patterns["claims"]] == [*PATTERNS, "all"]
    every = patterns["claims"][-1]["prior_share"]
    assert 0 < every <= min(row["prior_share"] for row in patterns["claims"])
    assert result["abc"]["tolerance"] >= patterns["rates_only_tolerance"], (
        "requiring the patterns can only keep draws farther from the rates")
    assert [row["period"] for row in result["trajectory"]] == ["2018-01", "2018-02",
                                                               "2018-03..2018-04"]
    first, _, last = result["trajectory"]
    assert first["volume_index_mean"] == pytest.approx(1.0)
    assert "volume_index_published" not in first, "the reference is 1.0 by definition"
    assert first["callback_resolution_fitted"] and not last["callback_resolution_fitted"]
    assert last["callback_resolution_outside"] == (
        not last["callback_resolution_low"] <= 0.99 <= last["callback_resolution_high"])
    assert last["volume_index_published"] == pytest.approx(1.2)
    stored = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert stored["fitted"] == fitted
    written = write_calibration_report(out)
    report = (out / "report.md").read_text(encoding="utf-8").splitlines()
    ridged = any(abs(row["correlation"]) >= 0.3 for row in result["ridges"])
    assert sum(line.startswith("| ---") for line in report) == 8 + ridged, (
        "posterior, patterns, the posterior with and without them, ridges (when any pair is "
        "correlated), fit, emulator, trajectory, channels and changes")
    assert "## Patterns the posterior reproduces" in report
    assert {p.name for p in written} >= {"calibration_posterior.png",
                                         "calibration_trajectory.svg"}


def test_predictive_runs_are_posterior_draws_over_several_seeds(tiny_run):
    out, result = tiny_run
    runs = pd.read_parquet(out / "predictive.parquet")
    assert result["predictive_runs"] == len(runs) == 6
    assert runs.groupby("draw")["seed"].nunique().tolist() == [2, 2, 2]
    keys = list(BASE["parameters"])
    assert len(runs.drop_duplicates(keys)) == 3, "each draw is one accepted parameter set"
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert set(map(tuple, runs[keys].to_numpy())) <= set(map(tuple, posterior[keys].to_numpy()))
    band = result["trajectory"][2]
    values = runs["2018-03..2018-04:callback_resolution"]
    assert band["callback_resolution_low"] <= values.mean() <= band["callback_resolution_high"]
    (change, volume) = result["changes"]
    diffs = (runs["2018-03..2018-04:callback_resolution"]
             - runs["2018-01:callback_resolution"])
    assert change["simulated"] == pytest.approx(diffs.mean())
    assert change["published"] == pytest.approx(0.49)
    assert volume["published"] == pytest.approx(0.2)


def test_calibration_is_identical_on_another_backend(tiny_run, tmp_path):
    _, serial = tiny_run
    pooled = _tiny(tmp_path, Backend("processes", workers=2, progress=False))
    assert _numbers(pooled) == _numbers(serial)


def test_cli_refuses_a_bad_spec_in_one_line(tmp_path, capsys):
    bad = tmp_path / "cal.toml"
    bad.write_text(SPEC.read_text(encoding="utf-8").replace("accept = 0.005", "accept = 0.9"),
                   encoding="utf-8")
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{bad}: abc.accept: 0.9 is out of range (allowed: 1e-06 to 0.5)")
    assert not (tmp_path / "out").exists()


def _dated(**targets: float) -> dict:
    data = _data(set={**TINY, "run.start_date": "2018-01-01"}, days=60)
    data["targets"] = {name: {"value": value, "source": "test"} for name, value in targets.items()}
    for key in ("predictive", "published", "changes"):
        data.pop(key)
    return data


def test_targets_may_be_a_calendar_periods_figures():
    calibration = calibration_from_data(
        _dated(**{"2018-02:resolved_share": 0.5, "resolved_share": 0.5,
                  "2018-01..2018-02:callback_satisfaction": 0.6}), str(SPEC), SPEC.parent)
    assert calibration.periods == ("2018-02", "2018-01..2018-02")
    assert calibration.design.spec.periods == ["2018-02", "2018-01..2018-02"], (
        "the fitting runs should record the figures of every period a target names")


def test_a_period_target_is_checked_against_periods_and_the_run():
    problems = _problems(_dated(**{"2018-13:resolved_share": 0.5,
                                   "2018-02:resolved_shar": 0.5,
                                   "2018-05:callback_satisfaction": 0.5}))
    assert problems == [
        "cal.toml: targets.2018-13:resolved_share: period '2018-13': not a period (allowed: "
        "YYYY, YYYY-MM or YYYY-MM..YYYY-MM)",
        "cal.toml: targets.2018-02:resolved_shar: 'resolved_shar' is not a figure of a period "
        "(allowed: resolved_share, callback_resolution, callback_satisfaction, "
        "hotline_volume_per_resident, "
        "information_share, committee_share, hotline_share, online_share, office_share, "
        "petition_share, line_share)",
        "cal.toml: targets: beijing_2018_2024: period '2018-05': outside the run so far (allowed: "
        "periods within 2018-01-01 to 2018-03-01)",
    ]


def test_a_calibration_fits_a_periods_figures(tmp_path):
    data = _dated(**{"2018-02:resolved_share": 0.6, "resolved_share": 0.6})
    data["design"].update(samples=6, replications=1)
    data["abc"].update(draws=2000, accept=0.05)
    data["check"].update(replications=2, posterior_draws=2)
    result = calibrate(calibration_from_data(data, str(SPEC), SPEC.parent), tmp_path,
                       Backend("serial", progress=False))
    (fit,) = [row for row in result["fit"] if row["target"] == "2018-02:resolved_share"]
    assert fit["runs"] == 2 and 0.0 < fit["simulated"] < 1.0
    runs = pd.read_parquet(tmp_path / "design" / "runs.parquet")
    assert runs["2018-02:resolved_share"].between(0, 1).all()
