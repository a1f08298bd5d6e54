"""Mesa's own tools drive GovernanceModel: keyword parameters, batch_run, SolaraViz's Reset."""

from __future__ import annotations

import multiprocessing

import ipyvuetify as v
import mesa
import pytest
import solara
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.visualization import SolaraViz

from model import GovernanceModel, ScenarioError, load_scenario, simulate, summarize
from model.mesa_params import model_params
from model.scenario.parameters import dotted_key, identifier, parameters

SMALL = {"residents": 1000, "days": 20}


def test_flat_keywords_set_scenario_parameters():
    model = GovernanceModel("baseline", rng=1, residents=2000, devolution__level=0.8,
                            whistle__enabled=True)
    assert model.params.district.residents == 2000
    assert model.params.devolution.level == 0.8 and model.params.whistle.enabled is True
    assert load_scenario("baseline").devolution.level != 0.8, "the bundled file is unchanged"


def test_a_keyword_model_runs_what_the_loaded_scenario_runs():
    model = GovernanceModel("whistle", rng=4, devolution__level=0.6, **SMALL)
    while model.running:
        model.step()
    scenario = load_scenario("whistle", {"devolution.level": 0.6, "district.residents": 1000,
                                         "run.days": 20})
    assert summarize(model) == simulate(scenario, seed=4)


@pytest.mark.parametrize(("names", "problem"), [
    ({"level": 0.5}, "overrides: level: names several parameters; say which (allowed: "
                     "devolution__level, one_stop__level)"),
    ({"resdents": 10}, "overrides: resdents: unknown parameter (allowed: group__field, such as "
                       "devolution__level, or a field name only one group has); did you mean "
                       "'residents'?"),
    ({"devolution__level": 2.0}, "overrides: devolution.level: 2.0 is out of range "
                                 "(allowed: 0 to 1)"),
])
def test_bad_keywords_are_refused_in_one_line(names, problem):
    with pytest.raises(ScenarioError) as caught:
        GovernanceModel("baseline", rng=1, **names)
    assert caught.value.problems == [problem]


def test_identifier_names_map_back_to_every_dotted_key():
    for found in parameters():
        name = identifier(found.key)
        assert name.isidentifier() and dotted_key(name) == found.key, found.key


def test_running_turns_false_at_run_days():
    model = GovernanceModel("baseline", rng=2, residents=500, days=7)
    steps = 0
    while model.running and steps < 100:
        model.step()
        steps += 1
    assert steps == 7 and model.day == 7, "a run stops at the scenario's run.days"
    model.step()
    assert model.day == 8, "step() still advances a day when called"


def test_mesa_scenario_is_mesas_and_cogovs_is_params():
    mine = MesaScenario(rng=7, residents=800, devolution__level=0.5)
    model = GovernanceModel(scenario=mine)
    assert model.scenario is mine, "Mesa's scenario attribute is left to Mesa"
    assert model.seed == 7 and model.params.district.residents == 800
    assert model.params.devolution.level == 0.5 and model.params.name == "baseline"
    unseeded = GovernanceModel("whistle", rng=3, scenario=MesaScenario(), residents=500)
    assert unseeded.seed == 3 and unseeded.params.name == "whistle"


@pytest.fixture
def restore_start_method():
    """batch_run forces 'spawn' for the whole process; put back what was there."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def _batch(processes: int) -> list[dict]:
    return mesa.batch_run(GovernanceModel, parameters={
        "params": "baseline", **SMALL, "devolution__level": [0.2, 0.8]}, rng=[1, 2],
        number_processes=processes, data_collection_period=-1, display_progress=False)


def test_batch_run_sweeps_parameters_over_two_processes(restore_start_method):
    rows = _batch(2)
    assert len(rows) == 4 and {row["Step"] for row in rows} == {20}, (
        "each run stops at run.days, not at batch_run's 1,000 steps")
    assert {(row["devolution__level"], row["rng"]) for row in rows} == {
        (0.2, 1), (0.2, 2), (0.8, 1), (0.8, 2)}
    serial = _batch(1)
    key = lambda row: (row["devolution__level"], row["rng"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(serial, key=key), "same seeds, same results"
    row = next(r for r in rows if key(r) == (0.8, 2))
    expected = simulate(load_scenario("baseline", {
        "devolution.level": 0.8, "district.residents": 1000, "run.days": 20}), seed=2)
    assert row["mean_satisfaction"] == expected["mean_satisfaction"]


def test_model_params_come_from_the_schema_and_the_scenario():
    params = model_params("whistle")
    assert params["params"] == "whistle"
    levers = parameters("lever")
    assert set(params) - {"params"} == {identifier(p.key) for p in levers}
    stuck = params["whistle__stuck_days"]
    assert stuck == {"type": "SliderInt", "value": load_scenario("whistle").whistle.stuck_days,
                     "label": "whistle.stuck_days", "min": 1, "max": 180, "step": 1}
    assert params["whistle__enabled"] == {"type": "Checkbox", "value": True,
                                          "label": "whistle.enabled"}
    assert params["one_stop__level"]["values"] == ["street", "community"]
    model = GovernanceModel(**{name: spec["value"] if isinstance(spec, dict) else spec
                               for name, spec in params.items()})
    assert model.params == load_scenario("whistle"), "untouched controls rebuild the scenario"


def test_solaraviz_reset_rebuilds_the_model_from_its_controls():
    model = solara.reactive(GovernanceModel("whistle", rng=3, residents=500))
    first = model.value
    controls = model_params("whistle", keys=["whistle.stuck_days", "district.residents"],
                            rng=3)

    @solara.component
    def page():
        with solara.AppLayout():
            SolaraViz(model, components=[], model_params=controls)

    _, rc = solara.render(page(), handle_error=False)
    rc.find(v.Slider, label="whistle.stuck_days").widget.v_model = 4
    rc.find(v.Slider, label="district.residents").widget.v_model = 700
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rebuilt = model.value
    assert rebuilt is not first and isinstance(rebuilt, GovernanceModel)
    assert rebuilt.params.name == "whistle" and rebuilt.params.whistle.enabled is True
    assert (rebuilt.params.whistle.stuck_days, rebuilt.params.district.residents) == (4, 700)
    assert rebuilt.seed == 3
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert rebuilt.day == 1
