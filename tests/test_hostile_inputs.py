"""Hostile but fair inputs: each is refused with exit 2 and one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import GovernanceModel
from model.cli import main
from model.experiment import load_experiment
from model.scenario import ScenarioError, bundled_names, load_scenario_text
from model.scenario.loader import MAX_EXTENDS_DEPTH, MAX_NESTING
from model.streams import MAX_SEED

BUNDLED = ", ".join(bundled_names())
DEPARTMENTS = ("civil_affairs, health, housing, human_resources, public_security, "
               "urban_management")


def refused(capsys, argv: list[str]) -> str:
    """Run the command line; it must exit 2 with exactly one line on stderr."""
    assert main(argv) == 2, f"{argv} should exit 2"
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, f"{argv} should say one line, said {lines}"
    return lines[0]


def chain(tmp_path: Path, length: int) -> Path:
    """``c0.toml`` extends ``c1.toml`` ... extends the baseline: ``length`` files."""
    for index in range(length):
        parent = f"c{index + 1}.toml" if index < length - 1 else "baseline"
        (tmp_path / f"c{index}.toml").write_text(f'extends = "{parent}"\n', encoding="utf-8")
    return tmp_path / "c0.toml"


FILES = {
    "binary": (b"\xff\xfe\x00\x01 not text",
               "{path}: not UTF-8 text (a scenario is a TOML file)"),
    "nested_lists": (("x = " + "[" * 1000 + "]" * 1000 + "\n").encode(),
                     f"{{path}}: tables or lists nested more than {MAX_NESTING} deep "
                     f"(a scenario has at most 4 levels)"),
    "nested_tables": (("[" + ".".join(["a"] * 1000) + "]\nx = 1\n").encode(),
                      f"{{path}}: tables or lists nested more than {MAX_NESTING} deep "
                      f"(a scenario has at most 4 levels)"),
    "no_departments": (b'[categories.noise]\ndepartments = ["police"]\n',
                       "{path}: categories.noise.departments: unknown department 'police' "
                       "(allowed: none defined)"),
    "category_without_departments": (
        b'extends = "baseline"\n[categories.noise]\ndepartments = []\n',
        f"{{path}}: categories.noise.departments: a category needs at least one department, "
        f"or, for a gap in remits (departments = []), the departments nearest it in nearest "
        f"(allowed: {DEPARTMENTS})"),
    "new_category_without_departments": (
        b'extends = "baseline"\n[categories.fresh]\nrate = 0.1\n',
        f"{{path}}: categories.fresh.departments: a category needs at least one department, "
        f"or, for a gap in remits (departments = []), the departments nearest it in nearest "
        f"(allowed: {DEPARTMENTS})"),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_bad_scenario_files_are_one_line(tmp_path, capsys, name):
    content, expected = FILES[name]
    path = tmp_path / f"{name}.toml"
    path.write_bytes(content)
    assert refused(capsys, ["validate", str(path)]) == expected.format(path=path)


def test_a_file_without_extends_needs_departments_and_categories(tmp_path, capsys):
    path = tmp_path / "bare.toml"
    path.write_text("[whistle]\nenabled = true\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: {table}: a scenario needs at least one entry here (extends = \"baseline\" "
        f"brings the bundled {table})" for table in ("departments", "categories")]


def test_a_long_extends_chain_is_refused_before_python_recursion(tmp_path, capsys):
    first = chain(tmp_path, 1000)
    line = refused(capsys, ["validate", str(first)])
    assert line == (f"{first}: extends: a chain of more than {MAX_EXTENDS_DEPTH} files "
                    f"(at {tmp_path / f'c{MAX_EXTENDS_DEPTH}.toml'})")
    short = tmp_path / "short"
    short.mkdir()
    assert main(["validate", str(chain(short, MAX_EXTENDS_DEPTH - 1))]) == 0, (
        "a chain of files within the limit (the baseline included) is fine")


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "baseline", "--seed", "-1"],
     f"cogov run: error: argument --seed: expected a whole number from 0 to {MAX_SEED}, "
     f"got '-1' (see 'cogov run --help')"),
    (["run", "baseline", "--seed", str(2**70)],
     f"cogov run: error: argument --seed: expected a whole number from 0 to {MAX_SEED}, "
     f"got '{2**70}' (see 'cogov run --help')"),
    (["compare", "baseline", "--seed", str(2**70)],
     f"cogov compare: error: argument --seed: expected a whole number from 0 to {MAX_SEED}, "
     f"got '{2**70}' (see 'cogov compare --help')"),
    (["dashboard", "--port", "99999"],
     "cogov dashboard: error: argument --port: expected a port from 1 to 65535 (0: any free "
     "port), got '99999' (see 'cogov dashboard --help')"),
    (["dashboard", "--port", "http"],
     "cogov dashboard: error: argument --port: expected a port from 1 to 65535 (0: any free "
     "port), got 'http' (see 'cogov dashboard --help')"),
])
def test_bad_seeds_and_ports_are_one_line(capsys, argv, expected):
    assert refused(capsys, argv) == expected


def test_seed_bounds_are_the_same_in_python():
    with pytest.raises(ValueError, match=f"rng: -1 is out of range \\(allowed: 0 to {MAX_SEED}"):
        GovernanceModel("baseline", rng=-1, residents=500)


def test_a_design_too_big_to_plan_is_refused_before_it_is_built(tmp_path, capsys):
    values = "[" + ", ".join(str(i / 50) for i in range(50)) + "]"
    keys = ("devolution.level", "devolution.resources_follow", "assessment.process_weight",
            "consultation.invited_share", "consultation.transparency",
            "information.sharing_scope", "residents.report_base", "residents.trust_rate")
    spec = tmp_path / "huge.toml"
    spec.write_text('scenarios = ["baseline"]\nreplications = 1\n[factors]\n'
                    + "".join(f'"{key}" = {values}\n' for key in keys), encoding="utf-8")
    out = tmp_path / "out"
    line = refused(capsys, ["sweep", str(spec), "--out", str(out)])
    assert line == (f"{spec}: the spec plans 39,062,500,000,000 runs (1 scenario × "
                    f"39,062,500,000,000 design points × 1 replication), more than the "
                    f"1,000,000 allowed; use fewer factor values or samples, or raise "
                    f"--max-runs")
    assert not out.exists(), "nothing is written for a refused spec"
    small = tmp_path / "small.toml"
    small.write_text('scenarios = ["baseline", "whistle"]\nreplications = 3\n[factors]\n'
                     '"devolution.level" = [0.2, 0.8]\n', encoding="utf-8")
    assert refused(capsys, ["sweep", str(small), "--max-runs", "11", "--out", str(out)]) == (
        f"{small}: the spec plans 12 runs (2 scenarios × 2 design points × 3 replications), "
        f"more than the 11 allowed; use fewer factor values or samples, or raise --max-runs")


@pytest.mark.parametrize(("text", "expected"), [
    ("extends = 5\n", "up.toml: extends: expected a bundled scenario's name or a list of them, "
                      f"got 5 (allowed: {BUNDLED})"),
    ('extends = [5]\n', f"up.toml: extends: 5 is not a bundled scenario (allowed: {BUNDLED})"),
    ("x = " + "[" * 1000 + "]" * 1000 + "\n",
     f"up.toml: tables or lists nested more than {MAX_NESTING} deep (a scenario has at most "
     f"4 levels)"),
])
def test_uploaded_text_is_refused_in_one_line(text, expected):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source="up.toml")
    assert caught.value.problems == [expected]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_file_content_validates_or_is_refused_cleanly(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("probe") / "any.toml"
    path.write_bytes(content)
    assert main(["validate", str(path)]) in (0, 2), "validated, or refused with exit 2"


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["scenarios", "replications", "root_seed", "days",
                                        "factors", "design", "set", "outcomes", "name"]),
                       st.one_of(st.integers(-5, 10**20), st.text(max_size=8),
                                 st.lists(st.text(max_size=6), max_size=3),
                                 st.dictionaries(st.text(max_size=6), st.integers(), max_size=2)),
                       max_size=5))
def test_any_spec_is_accepted_or_refused_cleanly(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("spec") / "spec.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    try:
        load_experiment(path)
    except ScenarioError as exc:
        assert exc.problems and all("\n" not in line for line in exc.problems)
