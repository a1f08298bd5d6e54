"""The bundled experiment specs: each validates, runs at a small size and gets its report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from model.cli import main
from model.experiment import load_experiment, plan_runs
from model.outcomes import OUTCOMES_BY_NAME

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
# experiments/ also holds the calibration, the paper and its claims: not sweep specs
NOT_SWEEPS = {"calibration", "paper", "validation"}
SPECS = sorted(p for p in EXPERIMENTS.glob("*.toml") if p.stem not in NOT_SWEEPS)
SMALL = ["--set", "district.residents=1000",
         "--set", "district.residents_per_community=500", "--days", "15", "--replications", "2",
         "--quiet", "--backend", "serial"]


def test_every_brief_pattern_and_the_required_experiments_are_bundled():
    names = {path.stem for path in SPECS}
    assert {"reforms", "devolution_x_assessment", "sensitivity"} <= names
    assert sum(name.startswith("pattern") for name in names) == 5, "one spec per BRIEF pattern"


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_spec_validates_at_full_size(spec):
    experiment = load_experiment(spec)
    assert experiment.name == spec.stem
    assert set(experiment.spec.outcomes) <= set(OUTCOMES_BY_NAME)
    assert len(plan_runs(experiment)) >= 20, "a full-size experiment has enough runs to test"


def test_reforms_covers_every_bundled_policy_scenario():
    """Every bundled scenario but dated trajectories (a timeline runs years of history)."""
    from model import load_scenario
    from model.scenario import bundled_names

    experiment = load_experiment(EXPERIMENTS / "reforms.toml")
    policies = [name for name in bundled_names() if not load_scenario(name).timeline]
    assert "beijing_2018_2024" in bundled_names() and "beijing_2018_2024" not in policies
    assert sorted(b.ref for b in experiment.scenarios) == policies
    assert experiment.scenarios[0].name == "baseline", "the baseline is the reference"


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_spec_runs_small_and_reports(spec, tmp_path, capsys):
    out = tmp_path / spec.stem
    kind = load_experiment(spec).design_kind
    extra = {"grid": ["--replications", "1"], "sobol": ["--samples", "2"],
             "lhs": ["--samples", "2", "--replications", "1"],
             "morris": ["--samples", "2", "--replications", "1"]}.get(kind, [])
    assert main(["sweep", str(spec), "--out", str(out), *SMALL, *extra]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs["status"] == "ok").all(), runs.loc[runs["status"] != "ok", "error"].tolist()
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "complete" and info["counts"]["ok"] == len(runs)
    assert main(["report", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert report.startswith(f"# {spec.stem}")
    assert any((out / "figures").glob("*.svg")) and any((out / "tables").glob("*.tex"))
