"""Claims across the posterior: shares of parameter sets in which each claim holds."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pandas as pd
import pytest

from model import load_scenario
from model.calibration.run import Backend
from model.posterior_claims import Compared, PosteriorCheck, claim_shares, run_posterior, wilson

TINY = {"district.residents": 800, "district.residents_per_community": 400, "run.days": 30}
SETS = [{"residents.report_trust_weight": 0.3}, {"residents.report_trust_weight": 0.9},
        {"residents.report_trust_weight": 0.6}]


def _compared() -> dict[str, Compared]:
    return {f"exp/{name}": Compared(f"exp/{name}", load_scenario(name, overrides=TINY))
            for name in ("baseline", "unified_platform")}


def _claim(expect: str) -> SimpleNamespace:
    return SimpleNamespace(id=f"C-{expect}", experiment="exp", scenario="unified_platform",
                           reference="baseline", outcome="duplicate_entries_per_case",
                           expect=expect)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, object]:
    out = tmp_path_factory.mktemp("posterior")
    check = PosteriorCheck(draws=3, replications=2)
    frame = run_posterior(list(_compared().values()), SETS, check, out,
                          Backend("serial", progress=False))
    return frame, out


def test_each_set_runs_every_scenario_on_common_seeds(runs):
    frame, out = runs
    assert len(frame) == 3 * 2 * 2
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "complete"
    seeds = frame.groupby(["draw", "digest"])["seed"].apply(tuple).unstack()
    assert (seeds.iloc[:, 0] == seeds.iloc[:, 1]).all(), "scenarios of a set share seeds"
    assert seeds.iloc[:, 0].nunique() == 3, "each set has its own seeds"
    assert sorted(frame["residents.report_trust_weight"].unique()) == [0.3, 0.6, 0.9]


def test_a_claim_that_always_holds_and_its_opposite(runs):
    frame, _ = runs
    check = PosteriorCheck(draws=3, replications=2)
    shares = claim_shares([_claim("lower"), _claim("higher")], _compared(), frame, check)
    lower, higher = shares.to_dict("records")
    assert (lower["held"], lower["draws"], lower["share"], lower["fragile"]) == (3, 3, 1.0, False)
    assert (higher["held"], higher["share"], higher["fragile"]) == (0, 0.0, True)
    assert (lower["share_low"], lower["share_high"]) == pytest.approx(wilson(3, 3))


def test_a_stored_check_resumes_and_a_changed_one_starts_afresh(runs, monkeypatch):
    frame, out = runs
    import model.posterior_claims as pc

    def refuse(*args, **kwargs):
        raise AssertionError("a stored draw should not run again")

    monkeypatch.setattr(pc, "run_tasks", refuse)
    again = run_posterior(list(_compared().values()), SETS, PosteriorCheck(draws=3, replications=2),
                          out, Backend("serial", progress=False))
    pd.testing.assert_frame_equal(again, frame)
    with pytest.raises(AssertionError, match="should not run again"):
        run_posterior(list(_compared().values()), SETS, PosteriorCheck(draws=3, replications=1),
                      out, Backend("serial", progress=False))


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson(45, 50)
    assert (round(low, 4), round(high, 4)) == (0.7864, 0.9565)
    assert all(math.isnan(bound) for bound in wilson(0, 0)), "no trials, no interval"


def test_draw_files_it_did_not_write_are_left_alone(tmp_path):
    """A folder whose draw files no manifest of a check accounts for is refused, not emptied."""
    foreign = tmp_path / "draws" / "draw-0000.parquet"
    foreign.parent.mkdir()
    foreign.write_bytes(b"someone else's")
    with pytest.raises(RuntimeError, match="holds draw files this check did not write"):
        run_posterior(list(_compared().values()), SETS, PosteriorCheck(draws=3, replications=1),
                      tmp_path, Backend("serial", progress=False))
    assert foreign.read_bytes() == b"someone else's"
