"""Grouped Morris screening: a group steps as one, is screened as one, and the bundled
screening varies every numeric behavioural assumption in its own group."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from sweep_helpers import experiment

from model.experiment.analysis import morris_indices
from model.experiment.design import salib_problem, sample_matrix
from model.scenario import load_scenario
from model.scenario.parameters import parameters

ROOT = Path(__file__).resolve().parent.parent
GROUPED = {
    "assessment.hour_price": {"low": 0.02, "high": 0.08, "group": "assessment"},
    "assessment.blame_weight": {"low": 0.1, "high": 0.5, "group": "assessment"},
    "whistle.invitation_days": {"low": 5, "high": 20, "group": "whistle"},
}


def test_a_group_steps_as_one_and_is_screened_as_one():
    """Consecutive points of a trajectory differ in one group's factors, and the indices come
    one row per group: a group whose factors leave the outcome alone has mu* = 0."""
    exp = experiment(scenarios=["baseline"], design={"kind": "morris", "samples": 3},
                     factors=GROUPED)
    assert exp.point_count == 3 * (2 + 1)
    matrix = sample_matrix(exp)
    assert matrix is not None and matrix.shape == (9, 3)
    for start in range(0, 9, 3):
        trajectory = matrix[start:start + 3]
        for before, after in zip(trajectory, trajectory[1:], strict=False):
            assert (before != after).tolist() in ([True, True, False], [False, False, True])
    names = list(GROUPED)
    design = pd.DataFrame(matrix, columns=names)
    design.insert(0, "point", np.arange(len(design)))
    runs = pd.DataFrame({"scenario": "baseline", "point": design["point"], "status": "ok",
                         "resolved_share": 10 * matrix[:, 0] - 2 * matrix[:, 1]})
    manifest = {"scenarios": [{"name": "baseline"}], "problem": salib_problem(exp.factors),
                "design": {"levels": 4, "seed": 1}}
    table = morris_indices(manifest, design, runs, "resolved_share").set_index("factor")
    assert list(table.index) == ["assessment", "whistle"]
    assert table.loc["whistle", "mu_star"] == 0
    assert table.loc["assessment", "mu_star"] > 0
    assert np.isnan(table.loc["assessment", "sigma"]), "a group of two has no sigma"


def test_the_bundled_screening_varies_every_numeric_assumption_in_its_group():
    """Each numeric assumption of the schema is a factor, grouped by its rule group, over a
    range that holds the baseline's value."""
    factors = tomllib.loads((ROOT / "experiments" / "screening.toml").read_text("utf-8"))[
        "factors"]
    base = load_scenario("baseline")
    numeric = {p.key: p.value_in(base) for p in parameters("assumption")
               if not isinstance(p.value_in(base), bool)}
    assert set(factors) == set(numeric)
    for key, given in factors.items():
        assert given["group"] == key.split(".")[0], key
        assert given["low"] <= numeric[key] <= given["high"], key
