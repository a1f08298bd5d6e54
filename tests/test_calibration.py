"""Calibration: spec errors, emulator-based ABC on a known answer, and a small real run."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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


def test_bundled_spec_loads_with_its_stages():
    calibration = calibration_from_data(BASE, str(SPEC), SPEC.parent)
    assert calibration.keys == ["residents.report_trust_weight",
                                "assessment.hour_price",
                                "assessment.blame_weight",
                                "residents.satisfied_threshold"]
    assert calibration.targets == ["resolved_share", "callback_satisfaction"]
    assert [s.name for s in calibration.stages] == ["baseline", "whistle", "direct_handling",
                                                    "integrated"]
    assert calibration.design.spec.design.kind == "lhs"


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
    data["targets"]["resolved_shar"] = data["targets"].pop("resolved_share")
    (line,) = _problems(data)
    assert line.startswith("cal.toml: targets.resolved_shar: unknown outcome 'resolved_shar' "
                           "(allowed: ")
    assert line.endswith("; did you mean 'resolved_share'?")


def test_undefined_period_and_stage_are_named():
    data = _data()
    data["sequence"]["stages"][1]["periods"] = ["2018"]
    data["changes"][0]["to_stage"] = "nowhere"
    assert _problems(data) == [
        "cal.toml: sequence.stages[1].periods: '2018' is not defined (allowed: 2019, 2019-01, "
        "2019-09, 2020, 2023, 2024)",
        "cal.toml: changes[0].to_stage: 'nowhere' is not defined (allowed: 2019 baseline, "
        "whistle (吹哨报到), direct handling + outcome assessment (接诉即办), integrated system)"]


def test_bad_abc_share_and_unknown_key():
    data = _data()
    data["abc"]["accept"] = 0
    data["abc"]["tolerance"] = 0.1
    assert _problems(data) == [
        "cal.toml: abc.accept: 0 is out of range (allowed: 1e-06 to 0.5)",
        "cal.toml: abc.tolerance: unknown key (allowed: draws, accept, seed)"]


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
    data = _data(set=dict(TINY), days=40)
    data["design"].update(samples=8, replications=2)
    data["abc"].update(draws=4000, accept=0.05)
    data["check"].update(replications=2, posterior_draws=3)
    data["sequence"]["replications"] = 2
    for stage in data["sequence"]["stages"]:
        stage["days"] = 40
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
    assert [row["target"] for row in result["fit"]] == ["resolved_share", "callback_satisfaction"]
    assert [row["stage"] for row in result["trajectory"]][0] == "2019 baseline"
    assert result["trajectory"][0]["volume_index_mean"] == pytest.approx(1.0)
    stored = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert stored["fitted"] == fitted
    written = write_calibration_report(out)
    report = (out / "report.md").read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("| ---") for line in report) == 5
    assert {p.name for p in written} >= {"calibration_posterior.png",
                                         "calibration_trajectory.svg"}


def test_each_stage_starts_where_the_one_before_ended(tiny_run):
    out, _ = tiny_run
    sequence = pd.read_parquet(out / "sequence.parquet")
    for k in range(1, sequence["stage_index"].max() + 1):
        before = sequence[sequence["stage_index"] == k - 1].set_index("chain")
        after = sequence[sequence["stage_index"] == k].set_index("chain")
        np.testing.assert_allclose(after["population.initial_trust"], before["mean_trust"])
        np.testing.assert_allclose(after["population.initial_satisfaction"],
                                   before["mean_satisfaction"])


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
    data.pop("sequence"), data.pop("changes")
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
        "(allowed: resolved_share, callback_satisfaction, hotline_volume_per_resident, "
        "information_share, committee_share, hotline_share, online_share, office_share, "
        "petition_share, line_share)",
        "cal.toml: targets: baseline: period '2018-05': outside the run so far (allowed: "
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
