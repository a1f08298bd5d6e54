"""The command line: listing, validation, runs, comparisons, provenance and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model import OUTCOMES, Scenario, load_scenario, simulate
from model.cli import main
from model.provenance import (
    manifest,
    scenario_hash,
    scenario_to_toml,
    write_json_atomic,
)
from model.scenario import bundled_dir, bundled_names

REPO = Path(__file__).resolve().parent.parent
SMALL = ["--set", "district.residents=2000", "--set", "district.residents_per_community=667",
         "--days", "20"]
BUNDLED = ", ".join(bundled_names())


def allowed(group: str | None = None) -> str:
    """The allowed keys the loader lists for a group (top level when None)."""
    model = Scenario if group is None else Scenario.model_fields[group].annotation
    return ", ".join(model.model_fields)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


# --- list, validate, schema -------------------------------------------------------------------


def test_list_shows_every_bundled_scenario_with_its_description(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == bundled_names()
    baseline = next(line for line in lines if line.startswith("baseline "))
    assert load_scenario("baseline").description in baseline


def test_validate_bundled_files_ok(capsys):
    files = [str(bundled_dir() / f"{name}.toml") for name in ("baseline", "whistle")]
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{f}: ok" for f in files]


def test_schema_is_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "whistle" in schema["properties"]


# --- bad scenario files: every message exactly --------------------------------------------------


BAD_FILES = {
    "misspelt": ("[information]\nunified_platfrom = true\n",
                 lambda p: f"{p}: information.unified_platfrom: unknown key (allowed: "
                           f"{allowed('information')}); did you mean 'unified_platform'?"),
    "top": ("colour = 1\n", lambda p: f"{p}: colour: unknown key (allowed: {allowed()})"),
    "type": ('[whistle]\nenabled = "maybe"\n',
             lambda p: f"{p}: whistle.enabled: expected true or false, got 'maybe'"),
    "range": ("[devolution]\nlevel = 1.5\n",
              lambda p: f"{p}: devolution.level: 1.5 is out of range (allowed: 0 to 1)"),
    "malformed": ("[run\ndays = 3\n",
                  lambda p: f"{p}: malformed TOML: Expected ']' at the end of a table "
                            f"declaration (at line 1, column 5)"),
    "no_target": ('extends = "nosuch"\n',
                  lambda p: f"{p}: extends: no scenario 'nosuch' (allowed: a path or one of "
                            f"{BUNDLED})"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_validate_bad_file_exact_message(case, tmp_path, capsys):
    text, expected = BAD_FILES[case]
    path = write(tmp_path, f"{case}.toml", text)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected(path)]
    assert captured.out == ""


def test_validate_extends_cycle(tmp_path, capsys):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    assert main(["validate", str(tmp_path / "a.toml")]) == 2
    assert errors(capsys) == [f"{b}: extends: cycle a -> b -> a"]


def test_validate_reports_good_and_bad_files(tmp_path, capsys):
    good = write(tmp_path, "good.toml", 'extends = "baseline"\n[whistle]\nenabled = true\n')
    bad = write(tmp_path, "bad.toml", "[devolution]\nlevel = 1.5\n")
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"{good}: ok"]
    assert captured.err.splitlines() == [
        f"{bad}: devolution.level: 1.5 is out of range (allowed: 0 to 1)"]


def test_missing_file(capsys):
    assert main(["run", "no/such.toml"]) == 2
    assert errors(capsys) == [
        f"no/such.toml: no such file or bundled scenario (allowed: a path or one of {BUNDLED})"]


def test_run_bad_file_is_reported_not_raised(tmp_path, capsys):
    path = write(tmp_path, "type.toml", '[whistle]\nenabled = "maybe"\n')
    assert main(["run", str(path), "--days", "5"]) == 2
    assert errors(capsys) == [f"{path}: whistle.enabled: expected true or false, got 'maybe'"]


# --- bad command lines: every message exactly ---------------------------------------------------


BAD_ARGS = {
    "set_no_equals": (["run", "baseline", "--set", "abc"],
                      "--set: expected dotted.key=value, got 'abc'"),
    "set_unknown_key": (["run", "baseline", "--set", "district.residnts=5"],
                        f"--set: district.residnts: unknown key (allowed: "
                        f"{allowed('district')}); did you mean 'residents'?"),
    "set_out_of_range": (["compare", "baseline", "--set", "devolution.level=2"],
                         "--set: devolution.level: 2 is out of range (allowed: 0 to 1)"),
    "days_zero": (["run", "baseline", "--days", "0"],
                  "cogov run: error: argument --days: expected a positive whole number, "
                  "got '0' (see 'cogov run --help')"),
    "days_negative": (["compare", "baseline", "--days=-3"],
                      "cogov compare: error: argument --days: expected a positive whole "
                      "number, got '-3' (see 'cogov compare --help')"),
    "days_word": (["run", "baseline", "--days", "ten"],
                  "cogov run: error: argument --days: expected a positive whole number, "
                  "got 'ten' (see 'cogov run --help')"),
    "seeds_zero": (["compare", "baseline", "--seeds", "0"],
                   "cogov compare: error: argument --seeds: expected a positive whole "
                   "number, got '0' (see 'cogov compare --help')"),
    "unknown_option": (["run", "baseline", "--colour", "red"],
                       "cogov: error: unrecognized arguments: --colour red "
                       "(see 'cogov --help')"),
    "no_command": ([], "cogov: error: the following arguments are required: COMMAND "
                       "(see 'cogov --help')"),
    "run_no_scenario": (["run"], "cogov run: error: the following arguments are required: "
                                 "SCENARIO (see 'cogov run --help')"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGS))
def test_bad_arguments_exact_message(case, capsys):
    argv, expected = BAD_ARGS[case]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected]
    assert captured.out == ""


def test_bad_outcome_name(capsys):
    assert main(["compare", "baseline", "--outcomes", "resolved_share,speed"]) == 2
    (line,) = errors(capsys)
    assert line.startswith("cogov compare: error: argument --outcomes: unknown outcome 'speed' "
                           "(allowed: all, cases_raised, ")


def test_out_is_a_file(tmp_path, capsys):
    blocker = write(tmp_path, "taken", "")
    assert main(["run", "baseline", *SMALL, "--days", "2", "--json", "--out", str(blocker)]) == 2
    (line,) = errors(capsys)
    assert line.startswith(f"cogov: error: {blocker}: ")


def test_help_exits_zero(capsys):
    assert main(["run", "--help"]) == 0
    assert "--set" in capsys.readouterr().out


# --- run ----------------------------------------------------------------------------------------


def test_run_prints_a_table(capsys):
    assert main(["run", "baseline", *SMALL]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "baseline: seed 0, 20 days"
    assert all(outcome.label[:40] in out for outcome in OUTCOMES)


def test_run_json_has_every_outcome(capsys):
    assert main(["run", "whistle", *SMALL, "--seed", "4", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert list(summary) == [outcome.name for outcome in OUTCOMES]
    assert summary["recovery_days"] is None, "no shock: None becomes null"
    expected = simulate(load_scenario("whistle", {"district.residents": 2000,
                        "district.residents_per_community": 667}),
                        seed=4, days=20)
    assert summary == pytest.approx(expected)


def test_run_out_writes_files_that_reproduce_the_run(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", "whistle", *SMALL, "--seed", "9", "--set", "whistle.stuck_days=5",
            "--json", "--out", str(out)]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {p.name for p in out.iterdir()} == {
        "series.parquet", "series.csv", "summary.json", "scenario.toml", "manifest.json"}
    assert json.loads((out / "summary.json").read_text()) == printed
    series = pd.read_parquet(out / "series.parquet")
    assert len(series) == len(pd.read_csv(out / "series.csv")) >= 20
    assert main(["validate", str(out / "scenario.toml")]) == 0
    resolved = load_scenario(out / "scenario.toml")
    assert resolved.whistle.stuck_days == 5 and resolved.run.days == 20
    again = simulate(resolved, seed=9)
    assert again == pytest.approx(printed), "same scenario and seed, same run"
    info = json.loads((out / "manifest.json").read_text())
    assert info["seed"] == 9 and info["days"] == 20 and info["scenario"] == "whistle"
    assert info["scenario_hash"] == scenario_hash(resolved)
    assert "district.residents=2000" in info["overrides"]
    assert set(info["versions"]) >= {"cogov", "mesa", "numpy", "pandas", "pydantic", "scipy",
                                     "python"}


# --- compare ------------------------------------------------------------------------------------


def compare_json(capsys, *extra):
    argv = ["compare", "baseline", "whistle", *SMALL, "--seeds", "3", "--json", *extra]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_compare_same_results_for_any_worker_count(capsys):
    serial = compare_json(capsys, "--workers", "1")
    parallel = compare_json(capsys, "--workers", "2")
    assert serial == parallel
    names = {row["outcome"] for row in serial}
    assert "resolved_share" in names and {row["scenario"] for row in serial} == {
        "baseline", "whistle"}
    whistle = [r for r in serial if r["scenario"] == "whistle" and r["p_value"] is not None]
    assert whistle and all(0 <= r["p_value"] <= 1 for r in whistle)


def test_compare_prints_table_and_saves(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "baseline", "whistle", *SMALL, "--seeds", "2", "--workers", "1",
            "--out", str(out), "--lang", "zh"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "实际解决率" in text and "Δ" in text
    assert max(len(line) for line in text.splitlines()) <= 120
    assert {p.name for p in out.iterdir()} == {
        "compare.csv", "runs.csv", "compare.png", "compare.svg", "manifest.json", "scenarios",
        "runs.parquet"}
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4 and list(runs["scenario"]) == ["baseline"] * 2 + ["whistle"] * 2
    assert list(runs["seed"][:2]) == list(runs["seed"][2:]), "common random numbers"
    info = json.loads((out / "manifest.json").read_text())
    assert [s["name"] for s in info["scenarios"]] == ["baseline", "whistle"]
    assert info["seeds"] == list(runs["seed"][:2]) and info["days"] == 20


def test_compare_repeated_scenario_names_are_made_unique(capsys):
    argv = ["compare", "baseline", "baseline", *SMALL, "--seeds", "2", "--workers", "1",
            "--json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["scenario"] for row in rows} == {"baseline", "baseline-2"}
    repeated = [r for r in rows if r["scenario"] == "baseline-2"]
    assert all(r["diff"] == 0.0 for r in repeated if r["diff"] is not None), (
        "the same scenario with the same seeds gives the same results")
    assert all(r["p_value"] == 1.0 for r in repeated if r["n"] >= 2), (
        "an outcome with two values or more on each side is compared, and found equal")


def test_console_entry_point_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "model.cli", "validate", "nosuch.toml"],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"nosuch.toml: no such file or bundled scenario (allowed: a path or one of {BUNDLED})"]
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "model.cli", "list"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=True)
    assert "baseline" in done.stdout


# --- provenance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["baseline", "epidemic_shock", "integrated"])
def test_scenario_toml_round_trip(name, tmp_path):
    scenario = load_scenario(name, {"whistle.stuck_days": 3})
    path = write(tmp_path, "resolved.toml", scenario_to_toml(scenario))
    again = load_scenario(path)
    assert again == scenario
    assert scenario_hash(again) == scenario_hash(scenario)


def test_scenario_hash_changes_with_any_parameter():
    base = load_scenario("baseline")
    assert scenario_hash(base) == scenario_hash(load_scenario("baseline"))
    assert scenario_hash(base) != scenario_hash(load_scenario("baseline",
                                                              {"demand.rate_scale": 1.01}))


def test_manifest_contents():
    scenario = load_scenario("whistle")
    info = manifest(scenario, [1, 2], {"command": "test"})
    assert info["scenario"] == "whistle" and info["seeds"] == [1, 2]
    assert info["command"] == "test" and info["created_utc"].endswith("+00:00")
    assert info["commit"] is None or len(info["commit"]) == 40
    several = manifest([scenario, load_scenario("baseline")], [1], {})
    assert [s["name"] for s in several["scenarios"]] == ["whistle", "baseline"]
    json.dumps(info, allow_nan=False)


def test_write_json_atomic_leaves_no_temporary_file(tmp_path):
    path = write_json_atomic(tmp_path / "x.json", {"a": float("nan"), "b": [1, 2]})
    assert json.loads(path.read_text()) == {"a": None, "b": [1, 2]}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
