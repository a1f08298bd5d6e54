"""Experiment specs and designs: exact one-line errors, design points, run plans, seeds."""

from __future__ import annotations

import pytest

# ``model.simulate`` the attribute is the function; the module is looked up by name
from sweep_helpers import (
    SMALL_TOML,
    cli,
    experiment,
    write,
)

from model.cli import main
from model.compare import replication_seeds
from model.experiment import (
    ExperimentSpec,
    design_points,
    load_experiment,
    plan_runs,
)
from model.outcomes import OUTCOMES_BY_NAME
from model.scenario import ScenarioError, bundled_names

# --- spec validation: every message exactly ------------------------------------------------------

HEAD = 'scenarios = ["baseline"]\nreplications = 1\ndays = 5\n'
TAIL = f"[set]\n{SMALL_TOML}"
ONE_RANGE = '[factors]\n"devolution.level" = {low = 0.1, high = 0.5}\n'
SPEC_KEYS = ", ".join(ExperimentSpec.model_fields)

BAD_SPECS = {
    "top_level_key": ('scenarios = ["baseline"]\nreplicatons = 3\n',
                      lambda p: f"{p}: replicatons: unknown key (allowed: {SPEC_KEYS}); "
                                f"did you mean 'replications'?"),
    "factor_key": (HEAD + TAIL + '[factors]\n"devolution.levle" = [0.1, 0.2]\n',
                   lambda p: f"{p}: factors.devolution.levle: not a scenario parameter (see "
                             f"'cogov schema' or docs/parameters.md); did you mean "
                             f"'devolution.level'?"),
    "factor_out_of_range": (HEAD + TAIL + '[factors]\n"devolution.resources_follow" = [0.5, 1.5]\n',
                            lambda p: f"{p}: factors.devolution.resources_follow: 1.5 is out of "
                                      f"range (allowed: 0 to 1)"),
    "factor_bad_literal": (HEAD + TAIL + '[factors]\n"whistle.enabled" = [true, "maybe"]\n',
                           lambda p: f"{p}: factors.whistle.enabled: expected true or false, "
                                     f"got 'maybe'"),
    "factor_bad_choice": (HEAD + TAIL + '[factors]\n"one_stop.level" = ["street", "city"]\n',
                          lambda p: f"{p}: factors.one_stop.level: 'city' is not allowed "
                                    f"(allowed: 'street' or 'community')"),
    "range_on_grid": (HEAD + TAIL + ONE_RANGE,
                      lambda p: f"{p}: factors.devolution.level: a grid needs a list of values "
                                f"(ranges {{low, high}} need design.kind = lhs, sobol or morris)"),
    "list_on_sampled": (HEAD + TAIL + '[design]\nkind = "lhs"\nsamples = 4\n'
                        '[factors]\n"devolution.level" = [0.1, 0.5]\n',
                        lambda p: f"{p}: factors.devolution.level: design.kind = 'lhs' needs a "
                                  f"range {{low = ..., high = ...}}, got a list"),
    "sobol_not_power_of_2": (HEAD + TAIL + '[design]\nkind = "sobol"\nsamples = 6\n' + ONE_RANGE,
                             lambda p: f"{p}: design.samples: 6 is not a power of 2 (allowed "
                                       f"for sobol: 2, 4, 8, ..., 1024, ...)"),
    "group_on_sobol": (HEAD + TAIL + '[design]\nkind = "sobol"\nsamples = 4\n[factors]\n'
                       '"devolution.level" = {low = 0.1, high = 0.5, group = "g"}\n',
                       lambda p: f"{p}: factors.devolution.level.group: groups need "
                                 f"design.kind = 'morris' (got 'sobol')"),
    "group_missing": (HEAD + TAIL + '[design]\nkind = "morris"\nsamples = 2\n[factors]\n'
                      '"devolution.level" = {low = 0.1, high = 0.5, group = "g"}\n'
                      '"assessment.hour_price" = {low = 0.02, high = 0.08}\n',
                      lambda p: f"{p}: factors.assessment.hour_price: no group, though other "
                                f"factors have one (give every factor a group, or none)"),
    "samples_missing": (HEAD + TAIL + '[design]\nkind = "morris"\n' + ONE_RANGE,
                        lambda p: f"{p}: design.samples: required for design.kind = 'morris'"),
    "unknown_outcome": (HEAD + 'outcomes = ["resolved_shar"]\n' + TAIL,
                        lambda p: f"{p}: outcomes: unknown outcome 'resolved_shar' (allowed: "
                                  f"{', '.join(OUTCOMES_BY_NAME)}); did you mean "
                                  f"'resolved_share'?"),
    "unknown_scenario": ('scenarios = ["baseline", "nosuch"]\n',
                         lambda p: f"{p}: scenarios[1]: nosuch: no such file or bundled scenario "
                                   f"(allowed: a path or one of {', '.join(bundled_names())})"),
    "heatmap_key": (HEAD + TAIL + '[factors]\n"devolution.level" = [0.1, 0.5]\n'
                    '"whistle.enabled" = [true, false]\n'
                    '[analysis]\nheatmap = ["devolution.level", "whistle.stuck_days"]\n',
                    lambda p: f"{p}: analysis.heatmap: 'whistle.stuck_days' is not a factor "
                              f"(allowed: devolution.level, whistle.enabled)"),
    "repeat_too_many_points": (HEAD + TAIL + '[design]\nkind = "lhs"\nsamples = 4\n'
                               'repeat = {points = 5, replications = 3}\n' + ONE_RANGE,
                               lambda p: f"{p}: design.repeat.points: 5 is more than the "
                                         f"design's 4 points (allowed: 1 to 4)"),
    "repeat_one_replication": (HEAD + TAIL + '[design]\nkind = "lhs"\nsamples = 4\n'
                               'repeat = {points = 2, replications = 1}\n' + ONE_RANGE,
                               lambda p: f"{p}: design.repeat.replications: 1 is out of range "
                                         f"(allowed: 2 to 100000)"),
    "malformed": ('scenarios = ["baseline"\n',
                  lambda p: f"{p}: malformed TOML: Unclosed array (at end of document)"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_exact_message(case, tmp_path, capsys):
    text, expected = BAD_SPECS[case]
    path = write(tmp_path, f"{case}.toml", text)
    with pytest.raises(ScenarioError) as caught:
        load_experiment(path)
    assert caught.value.problems == [expected(path)], "one line naming file, key and value"
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected(path)], "cogov sweep prints the same line"
    assert captured.out == ""
    assert not (tmp_path / "out").exists(), "a bad spec writes no results"


def test_missing_spec_file(tmp_path, capsys):
    path = tmp_path / "no" / "such.toml"
    assert main(["sweep", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"{path}: no such file"]


@pytest.mark.parametrize("case", ["factor_not_a_list", "set_value_a_list"])
def test_one_problem_is_one_line_without_pydantic_type_names(case, tmp_path):
    text = {"factor_not_a_list": HEAD + TAIL + '[factors]\n"devolution.level" = 0.5\n',
            "set_value_a_list": HEAD + '[set]\n"devolution.level" = [0.5]\n'}[case]
    path = write(tmp_path, f"{case}.toml", text)
    with pytest.raises(ScenarioError) as caught:
        load_experiment(path)
    problems = caught.value.problems
    assert len(problems) == 1, f"one wrong value must give one line, got {problems}"
    assert "devolution.level" in problems[0] and "0.5" in problems[0], (
        "the line names the key and the value")
    assert not any(word in problems[0] for word in ("union[", ".Range", ".bool", ".float")), (
        "the line speaks of the spec's keys, not of pydantic's internal types")


def test_sweep_bad_spec_in_a_subprocess_lists_every_problem_without_traceback(tmp_path):
    path = write(tmp_path, "bad.toml", HEAD + 'outcomes = ["speed"]\n' + TAIL +
                 '[factors]\n"devolution.levle" = [0.1]\n'
                 '"devolution.resources_follow" = [1.5]\n')
    done = cli("sweep", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2, "bad input exits with status 2"
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 3, f"every problem at once, one line each: {lines}"
    assert lines[0].startswith(f"{path}: outcomes: unknown outcome 'speed' (allowed: ")
    assert lines[1].startswith(f"{path}: factors.devolution.levle: not a scenario parameter")
    assert lines[2] == (f"{path}: factors.devolution.resources_follow: 1.5 is out of range "
                        f"(allowed: 0 to 1)")


# --- design: points, run plan, seeds ------------------------------------------------------------


def test_grid_has_every_combination_first_factor_slowest():
    exp = experiment(scenarios=["baseline", "whistle"], replications=2,
                     factors={"devolution.level": [0, 0.3, 0.5], "whistle.enabled": [True, False]})
    points = design_points(exp)
    assert points == [{"devolution.level": level, "whistle.enabled": enabled}
                      for level in (0.0, 0.3, 0.5) for enabled in (True, False)], (
        "3 x 2 points, the first factor varies slowest")
    assert all(type(p["devolution.level"]) is float for p in points), "ints cast for a float key"
    runs = plan_runs(exp, points)
    assert len(runs) == 2 * 6 * 2, "scenarios x points x replications"
    assert [(r.scenario, r.point, r.replication) for r in runs] == [
        (s, p, r) for s in ("baseline", "whistle") for p in range(6) for r in range(2)]
    assert runs[3].run_id == "baseline-p00001-r0001"
    assert dict(runs[3].values) == points[1]


RANGES = {"devolution.level": {"low": 0.1, "high": 0.6},
          "devolution.resources_follow": {"low": 0.0, "high": 1.0}}


@pytest.mark.parametrize(("kind", "samples", "points"), [
    ("lhs", 5, 5), ("sobol", 4, 4 * (2 + 2)), ("morris", 3, 3 * (2 + 1))])
def test_sampled_design_sizes_and_ranges(kind, samples, points):
    exp = experiment(scenarios=["baseline"], replications=1, factors=RANGES,
                     design={"kind": kind, "samples": samples})
    found = design_points(exp)
    assert len(found) == points, f"{kind} with N={samples} and D=2 gives {points} points"
    for key, bounds in RANGES.items():
        values = [p[key] for p in found]
        assert all(bounds["low"] <= v <= bounds["high"] for v in values), f"{key} in its range"
        assert len(set(values)) > 1, f"{key} varies across the sample"
    assert design_points(exp) == found, "the sample is fixed by the spec"
    assert exp.point_count == points, "the count is known before the design is built"


@pytest.mark.parametrize("design", [
    {"kind": "grid"}, {"kind": "lhs", "samples": 6}, {"kind": "morris", "samples": 2},
    {"kind": "sobol", "samples": 4}, {"kind": "sobol", "samples": 4, "calc_second_order": True}])
def test_planned_run_count_is_known_before_planning(design):
    factors = RANGES if design["kind"] != "grid" else {
        "devolution.level": [0.2, 0.5, 0.8], "whistle.enabled": [True, False]}
    exp = experiment(scenarios=["baseline", "whistle"], replications=3, factors=factors,
                     design=design)
    assert exp.run_count == len(plan_runs(exp)), design


def test_integer_parameter_sampled_as_whole_numbers_in_range():
    exp = experiment(scenarios=["baseline"], replications=1,
                     factors={"whistle.stuck_days": {"low": 5, "high": 40}},
                     design={"kind": "lhs", "samples": 20})
    values = [p["whistle.stuck_days"] for p in design_points(exp)]
    assert all(type(v) is int for v in values), "a whole-number parameter gets ints"
    assert all(5 <= v <= 40 for v in values) and len(set(values)) > 10, "spread over 5..40"


def test_integer_parameter_with_fractional_bounds_stays_in_range():
    exp = experiment(scenarios=["baseline"], replications=1,
                     factors={"whistle.stuck_days": {"low": 0.4, "high": 2.6}},
                     design={"kind": "lhs", "samples": 60})
    values = {p["whistle.stuck_days"] for p in design_points(exp)}
    assert values <= {1, 2}, f"whole numbers within 0.4..2.6 are 1 and 2, got {sorted(values)}"


def test_run_ids_and_seeds_stable_when_replications_grow():
    factors = {"devolution.level": [0.1, 0.5]}
    few = plan_runs(experiment(scenarios=["baseline", "whistle"], replications=2,
                               factors=factors))
    many = plan_runs(experiment(scenarios=["baseline", "whistle"], replications=5,
                                factors=factors))
    by_id = {run.run_id: run for run in many}
    assert all(by_id.get(run.run_id) == run for run in few), (
        "every run of the smaller plan is in the larger one, with the same seed and values")
    for scenario, point in [("baseline", 0), ("whistle", 1)]:
        group = [r for r in many if (r.scenario, r.point) == (scenario, point)]
        assert group[:2] == [r for r in few if (r.scenario, r.point) == (scenario, point)], (
            "the first replications of each point are a prefix")


def test_repeated_points_run_the_first_seeds_of_the_same_sequence():
    design = {"kind": "lhs", "samples": 6}
    plain = experiment(scenarios=["baseline", "whistle"], replications=1, factors=RANGES,
                       design=design)
    repeated = experiment(scenarios=["baseline", "whistle"], replications=1, factors=RANGES,
                          design={**design, "repeat": {"points": 2, "replications": 3}})
    runs = plan_runs(repeated)
    per_point = {(r.scenario, r.point): [x.seed for x in runs
                                         if (x.scenario, x.point) == (r.scenario, r.point)]
                 for r in runs}
    assert all(per_point[s, p] == replication_seeds(0, 3 if p < 2 else 1)
               for s, p in per_point), "the first two points on three seeds, the rest on one"
    assert repeated.run_count == len(runs) == 2 * (6 + 2 * 2), "counted before planning"
    assert set(plan_runs(plain)) < set(runs), "the plain plan's runs are all kept"
    assert repeated.spec_hash() == plain.spec_hash(), (
        "repeats reuse stored runs, as more replications do")
    more = experiment(scenarios=["baseline"], replications=4, factors=RANGES,
                      design={**design, "repeat": {"points": 2, "replications": 3}})
    assert (more.repeated_points, more.run_count) == (0, 24), (
        "a repeat with fewer seeds than every point has adds nothing")


def test_seeds_common_across_scenarios_and_fixed_by_root_seed_only():
    exp = experiment(scenarios=["baseline", "whistle"], replications=3, root_seed=11,
                     factors={"devolution.level": [0.1, 0.5]})
    runs = plan_runs(exp)
    seeds = {(r.scenario, r.point): [x.seed for x in runs if (x.scenario, x.point)
                                     == (r.scenario, r.point)] for r in runs}
    assert all(s == replication_seeds(11, 3) for s in seeds.values()), (
        "every scenario and point uses the same replication seeds (common random numbers)")
    other = experiment(scenarios=["ageing"], replications=3, root_seed=11, days=20,
                       factors={"whistle.stuck_days": [3]})
    assert other.seeds == exp.seeds, "seeds do not depend on scenarios, days or factors"
    assert experiment(scenarios=["baseline"], replications=3, root_seed=12).seeds != exp.seeds, (
        "another root seed gives other seeds")
