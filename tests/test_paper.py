"""`cogov paper`: a small paper regenerates to the same bytes, with its claims evaluated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from calibration_helpers import tiny_calibration

from model.calibration import Backend
from model.cli import main
from model.paper import fill_document, load_paper, run_paper
from model.scenario import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SMALL_SET = """
[set]
"district.residents" = 1000
"district.residents_per_community" = 500
"""

DOCUMENT = """# A small paper

Prose written by hand stays as it is.

<!-- cogov:table.validation -->
<!-- /cogov:table.validation -->

<!-- cogov:table.calibration_fit -->
<!-- /cogov:table.calibration_fit -->

<!-- cogov:table.calibration_patterns -->
<!-- /cogov:table.calibration_patterns -->

<!-- cogov:figure.whistle.means -->
<!-- /cogov:figure.whistle.means -->

<!-- cogov:table.sensitivity -->
<!-- /cogov:table.sensitivity -->

<!-- cogov:table.screening -->
<!-- /cogov:table.screening -->

<!-- cogov:provenance -->
<!-- /cogov:provenance -->
"""


def _small_calibration(folder: Path) -> None:
    """The bundled calibration, shrunk: February 2018 fitted, four months run from the posterior,
    against made-up published figures; the paper's one claim required of the posterior."""
    import tomli_w

    district = {"district.residents": 1000, "district.residents_per_community": 500}
    data = tiny_calibration(district, days=60, fitted="2018-02", samples=6, abc_draws=2000,
                            posterior_draws=2, draws=2, last="2018-04")
    data["patterns"] = {"claims": "claims.toml", "ids": ["P4b"],
                        "set": {**district, "run.days": 60}}
    (folder / "calibration.toml").write_text(tomli_w.dumps(data), encoding="utf-8")


@pytest.fixture
def small_paper(tmp_path: Path) -> Path:
    experiments = tmp_path / "experiments"
    experiments.mkdir()
    (experiments / "whistle.toml").write_text(
        'name = "whistle"\nscenarios = ["baseline", "whistle"]\nreplications = 3\nroot_seed = 4\n'
        'days = 40\noutcomes = ["multi_department_days", "bounces_per_case"]\n' + SMALL_SET,
        encoding="utf-8")
    (experiments / "claims.toml").write_text(
        'alpha = 0.01\n[posterior]\ndraws = 2\nreplications = 2\n'
        'set = { "district.residents" = 800 }\n'
        '[[claims]]\nid = "P4b"\nclaim = "The whistle cuts bounces"\n'
        'source = "§4.1"\nexperiment = "whistle"\nscenario = "whistle"\n'
        'reference = "baseline"\noutcome = "bounces_per_case"\nexpect = "lower"\n'
        'mechanism = "definitional"\nwhy = "Whistled cases are never routed."\n',
        encoding="utf-8")
    (experiments / "sensitivity.toml").write_text(
        'name = "sensitivity"\nscenarios = ["baseline", "whistle"]\nreplications = 1\n'
        'root_seed = 5\ndays = 30\noutcomes = ["resolved_share"]\n[design]\nkind = "lhs"\n'
        'samples = 12\n[factors]\n"assessment.hour_price" = { low = 0.02, high = 0.08 }\n'
        '"whistle.invitation_days" = { low = 5, high = 20 }\n' + SMALL_SET, encoding="utf-8")
    (experiments / "screening.toml").write_text(
        'name = "screening"\nscenarios = ["baseline", "whistle"]\nreplications = 1\n'
        'root_seed = 6\ndays = 30\noutcomes = ["resolved_share"]\n[design]\nkind = "morris"\n'
        'samples = 2\n[factors]\n'
        '"assessment.hour_price" = { low = 0.02, high = 0.08, group = "assessment" }\n'
        '"assessment.blame_weight" = { low = 0.1, high = 0.5, group = "assessment" }\n'
        '"whistle.invitation_days" = { low = 5, high = 20, group = "whistle" }\n' + SMALL_SET,
        encoding="utf-8")
    _small_calibration(experiments)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "paper.md").write_text(DOCUMENT, encoding="utf-8")
    spec = experiments / "paper.toml"
    spec.write_text('document = "../docs/paper.md"\nassets = "../docs/paper"\n'
                    'results = "../results"\ncalibration = "calibration.toml"\n'
                    'claims = "claims.toml"\n[[sweeps]]\nspec = "whistle.toml"\n'
                    'figures = ["means"]\n[[sweeps]]\nspec = "sensitivity.toml"\n'
                    'emulate = true\n[[sweeps]]\nspec = "screening.toml"\n', encoding="utf-8")
    return spec


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_small_paper_regenerates_byte_for_byte(small_paper: Path):
    docs = small_paper.parent.parent / "docs"
    run_paper(small_paper, Backend("serial", progress=False))
    first = _snapshot(docs)
    text = first["paper.md"].decode("utf-8")
    assert "Prose written by hand stays as it is." in text
    assert "| # | claim | mechanism | source | experiment |" in text
    assert "| P4b | The whistle cuts bounces | definitional | §4.1 |" in text
    assert "claims hold at Holm-adjusted p < 0.01." in text
    assert "| share of 2 posterior draws it holds in [95% CI] |" in text
    assert ("Used in the calibration (every accepted parameter set reproduces them, section 6), "
            "so not independent evidence: P4b.") in text
    assert ("1 of 1 claims are definitional (one equation or one switch produces them rather "
            "than interacting processes):\n\n- P4b: Whistled cases are never routed.\n") in text
    assert "![whistle: means](paper/figures/whistle-means.png)" in text
    assert "*Generated by `make paper` from `whistle.toml` (sha256 " in text
    # emulated total-order indices of a Latin hypercube, on the level and the reform's effect
    sensitivity = text.split("<!-- cogov:table.sensitivity -->")[1].split("<!-- /cogov")[0]
    assert "| runs | Share really resolved |" in sensitivity
    rows = [line for line in sensitivity.splitlines() if line.startswith("| baseline")
            or line.startswith("| whistle - baseline")]
    # 12 points of 30 days are too few to predict: each cell names its leaders or says so
    assert len(rows) == 2 and all(("hour_price" in r and "invitation_days" in r)
                                  or "not predicted (Q2 " in r for r in rows), rows
    assert "The three assumptions of largest total-order Sobol index (ST)" in sensitivity
    assert re.search(r"The indices of \d of these 2 analyses are read \(Q2 at least 0\.7, "
                     r"held-out runs missed by no more than the emulator says\)", sensitivity)
    assert "nan" not in sensitivity, "with none predicted there is no widest interval to give"
    assert "Saltelli's estimator" not in sensitivity, "a Latin hypercube has no direct estimate"
    # the grouped screening: the baseline's levels and the reform's effect, groups by mu*
    screening = text.split("<!-- cogov:table.screening -->")[1].split("<!-- /cogov")[0]
    assert "| runs | Share really resolved |" in screening
    rows = [line for line in screening.splitlines() if line.startswith("| baseline")
            or line.startswith("| whistle - baseline")]
    assert len(rows) == 2 and all("assessment" in r and "whistle" in r for r in rows), rows
    # the calibration's fit table
    assert "Share of 12345 requests resolved (callback), 2018-02" in text
    # the claim every accepted parameter set reproduces, where it holds
    patterns = text.split("<!-- cogov:table.calibration_patterns -->")[1].split("<!-- /cogov")[0]
    assert ("| claim | design points where it holds (%) | prior draws where it is emulated to "
            "hold (%) | emulator R² |") in patterns
    assert "| P4b |" in patterns
    assert {"paper/figures/whistle-means.png", "paper/figures/calibration_trajectory.png",
            "paper/tables/validation.csv", "paper/tables/calibration_fit.csv"} <= set(first)
    # a rerun resumes every store and redraws the same bytes
    run_paper(small_paper, Backend("processes", workers=2, progress=False))
    assert _snapshot(docs) == first


CLAIM = ('[[claims]]\nid = "P4b"\nclaim = "The whistle cuts bounces"\nsource = "§4.1"\n'
         'experiment = "whistle"\nscenario = "whistle"\nreference = "baseline"\n'
         'outcome = "bounces_per_case"\nexpect = "lower"\n')


def _claims_problems(tmp_path: Path, extra: str) -> list[str]:
    """The problems ``load_claims`` reports for one claim with ``extra`` lines added."""
    from model.paper import load_claims

    path = tmp_path / "claims.toml"
    path.write_text(CLAIM + extra, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_claims(path)
    return caught.value.problems


def test_a_claim_without_its_mechanism_is_refused(tmp_path: Path):
    """A claim must say whether it is emergent or definitional; the error names both."""
    assert _claims_problems(tmp_path, 'why = "Whistled cases are never routed."\n') == [
        f"{tmp_path / 'claims.toml'}: claims.0.mechanism: required key is missing "
        f"(allowed: 'emergent' or 'definitional')"]


def test_a_bad_override_of_the_posterior_check_is_named(tmp_path: Path):
    """``posterior.set`` is checked against the schema when the claims are read."""
    problems = _claims_problems(tmp_path, 'mechanism = "emergent"\nwhy = "Queues."\n'
                                '[posterior]\nset = { "district.residnts" = 5000 }\n')
    assert problems == [
        f"{tmp_path / 'claims.toml'}: posterior.set.district.residnts: unknown key (allowed: "
        f"residents_per_community, communities_per_street, residents, "
        f"street_hours_per_1000_residents, routing_hours, intake_hours); did you mean "
        f"'residents'?"]


def test_a_claim_with_an_unknown_mechanism_is_refused(tmp_path: Path):
    """Only the two labels of the standard are accepted."""
    assert _claims_problems(tmp_path, 'mechanism = "magic"\nwhy = "Because."\n') == [
        f"{tmp_path / 'claims.toml'}: claims.0.mechanism: 'magic' is not allowed "
        f"(allowed: 'emergent' or 'definitional')"]


def test_a_claim_must_say_why(tmp_path: Path):
    """A missing or blank ``why`` is refused."""
    path = tmp_path / "claims.toml"
    assert _claims_problems(tmp_path, 'mechanism = "emergent"\n') == [
        f"{path}: claims.0.why: required key is missing"]
    assert _claims_problems(tmp_path, 'mechanism = "emergent"\nwhy = "  "\n') == [
        f"{path}: claims.0.why: is empty (allowed: one sentence naming the interacting "
        f"processes, or the one equation or switch, that produce the claim)"]


def test_definitional_claims_are_counted_and_listed_under_the_table(tmp_path: Path):
    """The text under the table counts the definitional claims and gives each one's why."""
    from model.paper import definitional_lines, load_claims

    path = tmp_path / "claims.toml"
    second = CLAIM.replace("P4b", "P4c") + 'mechanism = "definitional"\nwhy = "A switch."\n'
    path.write_text("alpha = 0.01\n" + CLAIM + 'mechanism = "emergent"\nwhy = "Queues."\n'
                    + second, encoding="utf-8")
    assert definitional_lines(load_claims(path)) == [
        "1 of 2 claims are definitional (one equation or one switch produces them rather than "
        "interacting processes):", "", "- P4c: A switch.", ""]


# The standard (shared/MECHANISMS.md) keeps at most three claims definitional (each claim's `why`
# says which equation or switch produces it).
DEFINITIONAL_CEILING = 3


def test_bundled_claims_keep_definitional_claims_few():
    """The bundled claims hold no more definitional claims than the ceiling."""
    from model.paper import load_claims

    claims = load_claims(ROOT / "experiments" / "validation.toml").claims
    definitional = [c.id for c in claims if c.mechanism == "definitional"]
    assert len(definitional) <= DEFINITIONAL_CEILING, definitional


def test_a_block_nothing_generates_is_refused(tmp_path: Path):
    document = tmp_path / "paper.md"
    document.write_text("<!-- cogov:table.nothing -->\n<!-- /cogov:table.nothing -->\n",
                        encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        fill_document(document, {"table.reforms": ["x"]})
    assert caught.value.problems == [f"{document}: block 'table.nothing' is generated by "
                                     f"nothing (allowed: table.reforms)"]


def test_emulated_indices_are_asked_only_of_designs_that_allow_them(small_paper: Path):
    """The screening's Morris design cannot be emulated, and the sensitivity table needs it."""
    text = small_paper.read_text(encoding="utf-8")
    small_paper.write_text(text.replace('emulate = true\n', '')
                           .replace('spec = "screening.toml"\n',
                                    'spec = "screening.toml"\nemulate = true\n'),
                           encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_paper(small_paper)
    assert caught.value.problems == [
        f"{small_paper}: sweeps[1].emulate: the sensitivity table reads emulated indices: "
        "set emulate = true (allowed: true)",
        f"{small_paper}: sweeps[2].emulate: screening.toml has a 'morris' design; emulated "
        "indices need one of 'sobol', 'lhs'"]


def test_cli_names_a_missing_spec_file(tmp_path: Path, capsys):
    spec = tmp_path / "paper.toml"
    spec.write_text('document = "paper.md"\nassets = "a"\nresults = "r"\n'
                    '[[sweeps]]\nspec = "nowhere.toml"\n', encoding="utf-8")
    assert main(["paper", str(spec)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{spec}: document: no such file: paper.md",
                   f"{spec}: sweeps[0].spec: no such file: nowhere.toml"]


def test_bundled_paper_spec_claims_and_document_agree():
    """Every claim names a sweep of the paper, scenarios of that sweep and a known outcome;
    every block of docs/paper.md is one the paper generates, and each is there."""
    from model.experiment import load_experiment
    from model.outcomes import OUTCOMES_BY_NAME
    from model.paper import BLOCK, block_names, load_claims

    paper = load_paper(ROOT / "experiments" / "paper.toml")
    scenarios = {}
    for entry in paper.spec.sweeps:
        experiment = load_experiment(paper.path(entry.spec), 1)
        scenarios[experiment.name] = [base.name for base in experiment.scenarios]
    claims = load_claims(paper.path(paper.spec.claims))
    assert len(claims.claims) >= 14
    assert {c.id for c in claims.claims} >= {"P1a", "P2a", "P3a", "P4a", "P5a"}
    for claim in claims.claims:
        assert {claim.scenario, claim.reference} <= set(scenarios[claim.experiment]), claim.id
        assert claim.outcome in OUTCOMES_BY_NAME, claim.id
    text = paper.path(paper.spec.document).read_text(encoding="utf-8")
    assert {m.group("name") for m in BLOCK.finditer(text)} == block_names(paper)


def test_paper_reruns_a_store_written_by_another_spec(small_paper: Path, capsys):
    run_paper(small_paper, Backend("serial", progress=False))
    spec = small_paper.parent / "whistle.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("days = 40", "days = 35"),
                    encoding="utf-8")
    capsys.readouterr()
    run_paper(small_paper, Backend("serial", progress=False))
    results = small_paper.parent.parent / "results"
    assert (f"{results / 'whistle'}: written by another spec or other code; running it afresh"
            in capsys.readouterr().err)
    manifest = json.loads((results / "whistle" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["days"] == 35 and manifest["status"] == "complete"


def test_a_calibration_without_patterns_says_so_in_the_paper_and_not_in_its_report():
    """The paper's pattern blocks always exist; a calibration without [patterns] fills them."""
    from model.calibration.report import (
        _pattern_section,
        pattern_lines,
        pattern_posterior_lines,
    )

    result = {"patterns": None}
    sentence = ["The calibration required no claim of every accepted parameter set.", ""]
    assert pattern_lines(result) == sentence
    assert pattern_posterior_lines(result) == sentence
    assert _pattern_section(result, {}) == [], "the calibration's own report has no section"


def test_a_sensitivity_cell_names_the_leaders_only_where_the_emulator_predicts():
    """Without measured noise, indices of an emulator below Q2 0.7 are not read."""
    from model.paper import _leading_indices

    block = pd.DataFrame({"factor": ["a.x", "a.y", "b.z", "b.w"], "ST": [0.1, 0.6, 0.3, 0.0],
                          "ST_conf": [0.01, 0.05, 0.02, 0.0], "q2": 0.9, "loo_z2": 1.0,
                          "loo_z2_high": 1.3})
    short = {"a.x": "x", "a.y": "y", "b.z": "z", "b.w": "w"}
    assert _leading_indices(block, short) == ("y 0.60 ± 0.05; z 0.30 ± 0.02; x 0.10 ± 0.01 "
                                              "(Q2 0.90)")
    assert _leading_indices(block.assign(q2=0.69), short) == "not predicted (Q2 0.69)"
    assert _leading_indices(block.assign(loo_z2=1.31), short) == (
        "not predicted (held-out points missed by 1.31 times the variance it claims)")


def test_with_repeated_points_a_cell_is_read_by_the_emulators_calibration_not_its_q2():
    """Q2 cannot pass the points' share of their variance; an honest emulator below 0.7 is read."""
    from model.paper import _leading_indices

    block = pd.DataFrame({"factor": ["a.x", "a.y"], "ST": [0.2, 0.8], "ST_conf": [0.03, 0.04],
                          "q2": 0.31, "loo_z2": 1.02, "loo_z2_high": 1.26,
                          "signal_share": 0.37, "signal_low": 0.2, "signal_high": 0.5})
    short = {"a.x": "x", "a.y": "y"}
    assert _leading_indices(block, short) == "y 0.80 ± 0.04; x 0.20 ± 0.03 (Q2 0.31)"
    assert _leading_indices(block.assign(loo_z2=1.4), short) == (
        "not predicted (held-out points missed by 1.40 times the variance it claims)")
    # an analysis whose points differ by no more than the seeds says so
    flat = block.assign(signal_share=0.1, signal_low=0.0, signal_high=0.27)
    assert _leading_indices(flat, short) == ("no variation beyond the seeds' (share at "
                                             "most 0.27)")
