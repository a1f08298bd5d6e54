"""The EMA Workbench adapter: parameters and outcomes from the schema, runs that match anywhere."""

from __future__ import annotations

import math
import multiprocessing
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import OUTCOMES, ScenarioError, load_scenario

pytest.importorskip("ema_workbench", reason="needs the ema extra: pip install -e '.[ema]'")

from model.ema import (
    FAILED,
    SEED,
    ema,  # ema_workbench, imported quietly
    ema_model,
    failures,
    parameter_table,
    run,
    seeds_of,
)
from model.scenario.parameters import dotted_key, identifier, parameter, parameters

# A small district for a short while: about 0.1 s a run
SMALL = {"district.residents": 2000}
DAYS = 30
UNCERTAINTIES = {"residents.satisfaction_rate": None, "residents.delay_penalty": (0.5, 3.0)}
LEVERS = ["whistle.enabled", "devolution.level", "one_stop.level", "whistle.stuck_days"]
SAMPLING = {"scenarios": 8, "policies": 2, "uncertainty_sampling_kwargs": {"rng": 1},
            "lever_sampling_kwargs": {"rng": 2}}


def small_model(**kwargs: object) -> ema.ReplicatorModel:
    settings_ = {"uncertainties": UNCERTAINTIES, "levers": LEVERS, "seeds": (0, 1),
                 "days": DAYS, "overrides": SMALL, **kwargs}
    return ema_model(**settings_)


def problems_of(**kwargs: object) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        ema_model(**{"uncertainties": [], "levers": [], **kwargs})
    return caught.value.problems


def assert_same_results(first: tuple, second: tuple) -> None:
    # scenario and policy columns carry EMA's running sample ids, so compare the parameters
    assert parameter_table(first[0]).equals(parameter_table(second[0]))
    assert first[1].keys() == second[1].keys()
    for name in first[1]:
        assert np.array_equal(first[1][name], second[1][name], equal_nan=True), name


@pytest.fixture(scope="module")
def sequential() -> tuple:
    return ema.perform_experiments(small_model(), **SAMPLING)


# --- experiments: the same numbers however they run -------------------------------------

@pytest.fixture
def spawned_workers():
    """EMA's pool takes the default start method; fork after its log thread starts can
    deadlock a worker, so these tests start workers fresh, as macOS and Windows always do."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    yield
    multiprocessing.set_start_method(before, force=True)


@pytest.mark.timeout(300)
def test_two_processes_give_the_sequential_outcomes(sequential, spawned_workers):
    with ema.MultiprocessingEvaluator(small_model(), n_processes=2) as evaluator:
        parallel = evaluator.perform_experiments(**SAMPLING)
    assert_same_results(sequential, parallel)


def test_rerun_with_the_same_sampler_seeds_is_identical(sequential):
    assert_same_results(sequential, ema.perform_experiments(small_model(), **SAMPLING))


def test_outcomes_are_floats_and_undefined_ones_nan(sequential):
    experiments, outcomes = sequential
    assert len(experiments) == 16
    assert set(outcomes) == {o.name for o in OUTCOMES} | {FAILED}
    for name, values in outcomes.items():
        assert values.dtype == np.float64 and values.shape == (16,), name
    assert np.isnan(outcomes["recovery_days"]).all(), "no shock, so no recovery time"
    assert not np.isnan(outcomes["mean_satisfaction"]).any()
    assert (outcomes[FAILED] == 0).all()


def test_prim_finds_a_box_of_low_satisfaction(sequential):
    from ema_workbench.analysis.prim import Prim, PrimBox  # after model.ema, quietly

    experiments, outcomes = sequential
    satisfaction = outcomes["mean_satisfaction"]
    low = satisfaction < np.quantile(satisfaction, 0.25)
    box = Prim(parameter_table(experiments), low).find_box()
    assert isinstance(box, PrimBox)
    limits = box.box_lims[-1]
    assert set(limits.columns) <= {identifier(key) for key in [*UNCERTAINTIES, *LEVERS]}
    assert 0 < box.coverage <= 1 and box.density > low.mean()


def test_parameter_table_has_numbers_and_choices_named_by_dotted_key(sequential):
    table = parameter_table(sequential[0], dotted=True)
    assert list(table.columns) == [*UNCERTAINTIES, *LEVERS]
    assert (table.drop(columns="one_stop.level").dtypes == np.float64).all()
    assert set(table["whistle.enabled"]) <= {0.0, 1.0}
    assert set(table["one_stop.level"]) <= {"street", "community"}


@pytest.mark.timeout(300)
def test_a_bad_value_in_a_worker_gives_nan_and_its_reason(spawned_workers):
    model = small_model()
    bad = ema.Sample("bad", devolution__level=1.5)
    with ema.MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=2, policies=[bad], uncertainty_sampling_kwargs={"rng": 1})
    assert outcomes[FAILED].tolist() == [2.0, 2.0]
    assert np.isnan(outcomes["mean_satisfaction"]).all()
    line = "experiment: devolution.level: 1.5 is out of range (allowed: 0 to 1)"
    assert failures(model, experiments, outcomes) == {
        0: [f"seed 0: {line}", f"seed 1: {line}"], 1: [f"seed 0: {line}", f"seed 1: {line}"]}


def test_the_model_function_returns_nan_never_none():
    base = load_scenario("baseline", overrides={**SMALL, "run.days": 10})
    result = run(base, seed=0, devolution__level=0.4)
    assert result[FAILED] == 0.0
    assert all(isinstance(value, float) for value in result.values())
    assert math.isnan(result["recovery_days"])
    failed = run(base, seed=0, devolution__level=2.0)
    assert failed[FAILED] == 1.0
    assert all(math.isnan(value) for name, value in failed.items() if name != FAILED)


# --- parameters and outcomes from the schema ---------------------------------------------

@pytest.fixture(scope="module")
def default_model() -> ema.Model:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cross-field ends; tested on their own below
        return ema_model()


def test_default_levers_and_uncertainties_are_the_schema_roles(default_model):
    assert [dotted_key(p.name) for p in default_model.levers] == [
        p.key for p in parameters("lever")]
    assert [dotted_key(p.name) for p in default_model.uncertainties] == [
        p.key for p in parameters("assumption")]


def test_each_parameter_has_the_schema_kind_bounds_and_an_identifier_name(default_model):
    for made in [*default_model.uncertainties, *default_model.levers]:
        assert made.name.isidentifier() and made.name == identifier(dotted_key(made.name))
        found = parameter(dotted_key(made.name))
        expected = {"bool": ema.BooleanParameter, "choice": ema.CategoricalParameter,
                    "int": ema.IntegerParameter, "float": ema.RealParameter}[found.kind]
        assert type(made) is expected, found.key
        if found.kind in ("int", "float"):
            assert (made.lower_bound, made.upper_bound) == (found.low, found.high), found.key
        if found.kind == "choice":
            assert [c.value for c in made.categories] == list(found.choices)


def test_named_kinds():
    levers = {p.name: p for p in ema_model(uncertainties=[], levers=[
        "whistle.enabled", "whistle.stuck_days", "one_stop.level", "devolution.level"]).levers}
    assert type(levers["whistle__enabled"]) is ema.BooleanParameter
    stuck = levers["whistle__stuck_days"]
    assert type(stuck) is ema.IntegerParameter
    assert (stuck.lower_bound, stuck.upper_bound) == (1, 180)
    one_stop = levers["one_stop__level"]
    assert type(one_stop) is ema.CategoricalParameter
    assert [c.value for c in one_stop.categories] == ["street", "community"]
    assert type(levers["devolution__level"]) is ema.RealParameter


def test_narrower_ranges_and_choices():
    made = {p.name: p for p in ema_model(uncertainties=[], levers={
        "devolution.level": (0.2, 0.6), "whistle.stuck_days": (3, 9),
        "one_stop.level": ["community", "street"], "whistle.enabled": None}).levers}
    assert (made["devolution__level"].lower_bound, made["devolution__level"].upper_bound) == (
        0.2, 0.6)
    assert (made["whistle__stuck_days"].lower_bound,
            made["whistle__stuck_days"].upper_bound) == (3, 9)
    assert [c.value for c in made["one_stop__level"].categories] == ["community", "street"]


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from([p.key for p in parameters() if p.kind in ("int", "float")]),
       ends=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_any_range_inside_the_schema_is_taken_as_given(key, ends):
    found = parameter(key)
    low, high = (found.low + share * (found.high - found.low) for share in sorted(ends))
    if found.kind == "int":
        low, high = math.ceil(low), math.floor(high)
    if not low < high:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an end may fail a cross-field check
        made = ema_model(uncertainties={key: (low, high)}, levers=[]).uncertainties[0]
    assert (made.lower_bound, made.upper_bound) == pytest.approx((low, high))


def test_overridden_keys_leave_the_defaults():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ema_model(overrides={"residents.satisfaction_rate": 0.2},
                          levers=["devolution.level"])
    names = {p.name for p in model.uncertainties}
    assert "residents__satisfaction_rate" not in names and "devolution__level" not in names
    assert [p.name for p in model.levers] == ["devolution__level"]


def test_outcome_kinds_follow_better(default_model):
    kinds = {"higher": ema.ScalarOutcome.MAXIMIZE, "lower": ema.ScalarOutcome.MINIMIZE,
             "neither": ema.ScalarOutcome.INFO}
    made = {o.name: o for o in default_model.outcomes}
    assert list(made) == [o.name for o in OUTCOMES] + [FAILED]
    for outcome in OUTCOMES:
        assert made[outcome.name].kind == kinds[outcome.better], outcome.name
    assert made[FAILED].kind == ema.ScalarOutcome.INFO
    chosen = ema_model(uncertainties=[], levers=[], outcomes=["mean_satisfaction"]).outcomes
    assert [o.name for o in chosen] == ["mean_satisfaction", FAILED]


def test_seeds_are_replications_or_one_constant():
    several = small_model(seeds=(3, 5))
    assert isinstance(several, ema.ReplicatorModel)
    assert seeds_of(several) == [3, 5]
    one = small_model(seeds=(7,))
    assert not isinstance(one, ema.ReplicatorModel)
    assert one.constants[SEED].value == 7 and seeds_of(one) == [7]
    copy = pickle.loads(pickle.dumps(several))  # worker processes get the model pickled
    assert seeds_of(copy) == [3, 5] and copy.function is run


def test_a_range_end_that_fails_a_cross_field_check_warns():
    with pytest.warns(UserWarning, match=r"uncertainties: talent\.stress_onset: 5\.0 \(an end "
                                         r"of its range\) fails a check of the scenario"):
        ema_model(uncertainties=["talent.stress_onset"], levers=[])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ema_model(uncertainties={"talent.stress_onset": (0.1, 0.5)}, levers=[])


# --- one exact line per bad input ---------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"uncertainties": ["residents.satisfaction_rat"]},
     "uncertainties: residents.satisfaction_rat: unknown parameter; did you mean "
     "'residents.satisfaction_rate'?"),
    ({"levers": {"devolution.level": (0.5, 1.5)}},
     "levers: devolution.level: range 0.5 to 1.5 is outside the schema's (allowed: 0 to 1)"),
    ({"levers": {"whistle.stuck_days": (2.5, 9)}},
     "levers: whistle.stuck_days: range 2.5 to 9 needs whole numbers (allowed: 1 to 180)"),
    ({"levers": {"devolution.level": (0.6, 0.2)}},
     "levers: devolution.level: range 0.6 to 0.2 is empty: low must be below high "
     "(allowed: 0 to 1)"),
    ({"levers": {"devolution.level": 0.5}},
     "levers: devolution.level: expected (low, high), got 0.5 (allowed: 0 to 1)"),
    ({"levers": {"whistle.enabled": (0, 1)}},
     "levers: whistle.enabled: true or false takes no range (give the key alone or None)"),
    ({"levers": {"one_stop.level": ["street", "city"]}},
     "levers: one_stop.level: 'city' is not allowed (allowed: 'street' or 'community')"),
    ({"levers": {"one_stop.level": ["street"]}},
     "levers: one_stop.level: expected a list of at least two choices, got ['street'] "
     "(allowed: 'street' or 'community')"),
    ({"uncertainties": ["devolution.level"], "levers": ["devolution.level"]},
     "levers: devolution.level: also an uncertainty; sample it as one or the other"),
    ({"levers": ["devolution.level"], "overrides": {"devolution.level": 0.3}},
     "overrides: devolution.level: also sampled (in levers); the sampled value would always "
     "win, so drop one"),
    ({"overrides": {"district.residnts": 100}},
     "overrides: district.residnts: unknown key (allowed: residents_per_community, "
     "communities_per_street, residents, street_hours_per_1000_residents, routing_hours, "
     "intake_hours); did you mean 'residents'?"),
    ({"days": 0}, "days: run.days: 0 is out of range (allowed: 1 to 3650)"),
    ({"outcomes": ["mean_satisfacton"]},
     "outcomes: mean_satisfacton: unknown outcome; did you mean 'mean_satisfaction'?"),
    ({"seeds": ()}, "seeds: expected a list of at least one seed, got ()"),
    ({"seeds": (0, 1.5)}, "seeds: expected whole numbers of at least 0, got 1.5"),
    ({"seeds": (2, 2)}, "seeds: a seed is repeated; replications need different seeds"),
    ({"name": "my model"},
     "name: 'my model' is not a Python identifier (EMA Workbench needs one)"),
])
def test_one_exact_line_per_bad_input(kwargs, expected):
    assert problems_of(**kwargs) == [expected]


def test_every_problem_is_reported_at_once():
    assert problems_of(uncertainties=["residents.satisfaction_rat"],
                       levers={"devolution.level": (0.5, 1.5)}, seeds=()) == [
        "uncertainties: residents.satisfaction_rat: unknown parameter; did you mean "
        "'residents.satisfaction_rate'?",
        "levers: devolution.level: range 0.5 to 1.5 is outside the schema's (allowed: 0 to 1)",
        "seeds: expected a list of at least one seed, got ()",
    ]
