"""Figures over calendar periods: differences of the running counts, as the run's own figures."""

from __future__ import annotations

import pytest

from model import load_scenario, run_model
from model.outcomes import summarize
from model.periods import PERIOD_OUTCOMES, PeriodError, period_days, period_outcomes, trajectory

DATED = {"district.residents": 3000, "run.start_date": "2018-01-01"}


@pytest.fixture(scope="module")
def year():
    """A dated run of one year, 2018, with the whistle switched on in July."""
    scenario = load_scenario("baseline", overrides={
        **DATED, "timeline": [{"date": "2018-07-01", "label": "whistle",
                               "set": {"whistle.enabled": True}}]})
    return run_model(scenario, seed=4, days=365)


def test_the_whole_run_as_a_period_gives_the_runs_own_figures(year):
    summary = summarize(year)
    assert period_outcomes(year, "2018") == {name: summary[name] for name in PERIOD_OUTCOMES}


def test_the_hotlines_rates_are_over_its_own_requests_called_back(monkeypatch):
    """解决率 as 12345 counts it: of its own requests closed, each called back, those solved."""
    from model.cases import HOTLINE_CHANNELS, Status
    from model.casework import Casework

    closed: list[tuple[bool, bool]] = []
    close = Casework.close

    def recording(self, case, status, *args):
        close(self, case, status, *args)  # a case beyond the rules closes unsolved after all
        closed.append((case.channel in HOTLINE_CHANNELS, case.status == Status.RESOLVED))

    monkeypatch.setattr(Casework, "close", recording)
    model = run_model(load_scenario("baseline", overrides=DATED), seed=4, days=90)
    hotline = [solved for on_hotline, solved in closed if on_hotline]
    assert model.tally.callbacks == len(hotline) < len(closed) / 2, (
        "only 12345's requests are called back")
    assert period_outcomes(model, "2018-01..2018-03")["callback_resolution"] == (
        sum(hotline) / len(hotline))


def test_lenient_callbacks_count_unsolved_cases_as_satisfied():
    """With 基本满意 reaching unsolved cases, the satisfaction rate exceeds the resolution rate."""
    figures = {}
    for threshold in (0.1, 0.5):
        scenario = load_scenario("baseline", overrides={
            **DATED, "residents.satisfied_threshold": threshold})
        figures[threshold] = period_outcomes(run_model(scenario, seed=4, days=120), "2018-03")
    lenient, strict = figures[0.1], figures[0.5]
    assert lenient["callback_resolution"] == strict["callback_resolution"], (
        "how residents answer the callback does not change what is solved")
    assert lenient["callback_satisfaction"] > lenient["callback_resolution"] + 0.05
    assert strict["callback_satisfaction"] <= strict["callback_resolution"] + 0.01


def test_months_add_up_to_the_year(year):
    months = [f"2018-{m:02d}" for m in range(1, 13)]
    first, _ = period_days(months[0], "2018-01-01", 365)
    _, last = period_days(months[-1], "2018-01-01", 365)
    assert (first, last) == (1, 365), "the months of 2018 should cover days 1 to 365"
    spans = [period_days(m, "2018-01-01", 365) for m in months]
    assert all(b[0] == a[1] + 1 for a, b in zip(spans, spans[1:], strict=False)), (
        "each month should start the day after the one before ends")
    assert period_days("2018-02..2018-03", "2018-01-01", 365) == (32, 90)


def test_a_trajectory_has_a_row_of_each_periods_own_figures(year):
    halves = ["2018-01..2018-06", "2018-07..2018-12"]
    table = trajectory(year, halves)
    assert list(table.columns) == ["period", *PERIOD_OUTCOMES]
    for label, row in zip(halves, table.to_dict("records"), strict=True):
        assert row == {"period": label, **period_outcomes(year, label)}
    first_half, second_half = table.resolved_share
    assert first_half != second_half, "halves of the year should have figures of their own"


@pytest.mark.parametrize(("label", "message"), [
    ("2018-13", "period '2018-13': not a period (allowed: YYYY, YYYY-MM or YYYY-MM..YYYY-MM)"),
    ("Q1 2018", "period 'Q1 2018': not a period (allowed: YYYY, YYYY-MM or YYYY-MM..YYYY-MM)"),
    ("2018-05..2018-02",
     "period '2018-05..2018-02': ends before it starts (allowed: YYYY, YYYY-MM or "
     "YYYY-MM..YYYY-MM)"),
    ("2019", "period '2019': outside the run so far (allowed: periods within 2018-01-01 to "
             "2018-12-31)"),
    ("2017-12", "period '2017-12': outside the run so far (allowed: periods within 2018-01-01 "
                "to 2018-12-31)"),
])
def test_bad_periods_are_refused_saying_what_is_allowed(year, label, message):
    with pytest.raises(PeriodError) as caught:
        period_outcomes(year, label)
    assert str(caught.value) == message


def test_a_run_without_a_calendar_has_no_periods():
    model = run_model(load_scenario("baseline", overrides={"district.residents": 1000}),
                      seed=1, days=5)
    with pytest.raises(PeriodError) as caught:
        period_outcomes(model, "2018")
    assert str(caught.value) == ("period '2018': the run has no calendar (allowed: a scenario "
                                 "with run.start_date)")


def test_a_dated_change_takes_effect_on_the_first_day_of_its_period():
    from model.scenario.timeline import stages

    scenario = load_scenario("beijing_2018_2024")
    reform = next(stage for stage in stages(scenario) if stage.label == "接诉即办")
    assert period_days("2019-01", "2018-01-01", scenario.run.days)[0] == reform.day == 366, (
        "接诉即办 (2019-01-01) should be in force from the first day of January 2019")
    assert stages(scenario)[0].day == 0, "a change dated run.start_date is in force from the start"


def test_cogov_run_gives_the_periods_asked_for(capsys):
    import json

    from model.cli import main

    status = main(["run", "baseline", "--set", "district.residents=1000", "--set",
                   "run.start_date=2018-01-01", "--days", "60", "--json",
                   "--periods", "2018-01,2018-02"])
    assert status == 0
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert [row["period"] for row in periods] == ["2018-01", "2018-02"]
    assert set(periods[0]) == {"period", *PERIOD_OUTCOMES}


@pytest.mark.parametrize(("argv", "message"), [
    (["--days", "50", "--set", "run.start_date=2018-01-01", "--periods", "2018-03"],
     "cogov run: error: --periods: period '2018-03': outside the run so far (allowed: periods "
     "within 2018-01-01 to 2018-02-19)"),
    (["--periods", "2018"], "cogov run: error: --periods: period '2018': the run has no "
                            "calendar (allowed: a scenario with run.start_date)"),
])
def test_cogov_run_refuses_periods_it_cannot_give_before_running(argv, message, capsys):
    from model.cli import main

    assert main(["run", "baseline", *argv]) == 2
    assert capsys.readouterr().err.strip() == message


def test_a_sweep_records_each_runs_figures_over_its_periods(tmp_path):
    from sweep_helpers import experiment

    from model.experiment import run_sweep
    from model.experiment.backends import period_column

    spec = experiment(scenarios=["baseline"], replications=2, days=60,
                      set={"run.start_date": "2018-01-01"}, periods=["2018-01", "2018-02"])
    done = run_sweep(spec, tmp_path / "sweep", backend="serial", progress=False)
    assert done.ok == 2
    row = done.runs.iloc[1]
    model = run_model(spec.scenarios[0].scenario, seed=int(row["seed"]))
    for label in ("2018-01", "2018-02"):
        expected = period_outcomes(model, label)
        stored = {name: row[period_column(label, name)] for name in PERIOD_OUTCOMES}
        assert stored == pytest.approx({k: v for k, v in expected.items()}, nan_ok=True), (
            f"the stored {label} figures should be the run's own")


def test_a_sweep_refuses_periods_its_runs_do_not_reach():
    from sweep_helpers import experiment

    from model.scenario import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        experiment(scenarios=["baseline"], days=60, set={"run.start_date": "2018-01-01"},
                   periods=["2018-01", "2018-05"])
    assert caught.value.problems == [
        "spec: periods[1]: baseline: period '2018-05': outside the run so far (allowed: "
        "periods within 2018-01-01 to 2018-03-01)"]
