"""Dated changes within one run ([[timeline]]): validated as any setting, taken up on the day."""

from __future__ import annotations

import pytest

from model import load_scenario, run_model
from model.outcomes import summarize
from model.provenance import scenario_to_toml
from model.scenario import ScenarioError
from model.scenario.timeline import stages

SMALL = {"district.residents": 3000}


def entry(day: int = -1, date: str = "", **settings: object) -> dict[str, object]:
    """One timeline entry setting dotted ``settings`` (``whistle__enabled`` for whistle.enabled)."""
    return {"day": day, "date": date, "label": "change",
            "set": {key.replace("__", "."): value for key, value in settings.items()}}


def with_timeline(*entries: dict[str, object], base: str = "baseline",
                  **overrides: object) -> object:
    return load_scenario(base, overrides={**SMALL, **overrides, "timeline": list(entries)})


def test_a_change_on_day_zero_is_the_scenario_that_has_it():
    dated = summarize(run_model(with_timeline(entry(0, whistle__enabled=True)), seed=3, days=90))
    plain = summarize(run_model(load_scenario("whistle", overrides=SMALL), seed=3, days=90))
    assert dated == plain, "a change in force from day 0 should be the scenario that has it"


def test_the_whistle_blows_only_from_its_day_on():
    model = run_model(with_timeline(entry(60, whistle__enabled=True)), seed=3, days=59)
    assert model.tally.whistles == 0, "no case should be whistled before the whistle's day"
    for _ in range(60):
        model.step()
    assert model.tally.whistles > 0, "cases should be whistled once the whistle is in force"
    assert model.timeline_marks == [(60, "change")], "the change should be marked on its day"


def test_joining_the_platform_mid_run_ends_duplicate_entries_of_shared_records():
    scenario = with_timeline(entry(60, information__unified_platform=True,
                                   information__sharing_scope=1.0))
    model = run_model(scenario, seed=3, days=60)
    before = model.tally.duplicate_entries / model.tally.reported
    # cases opened before the platform joined keep their records in the systems they began in
    # until they close, so the count after starts a month past the join
    for _ in range(30):
        model.step()
    duplicates, reported = model.tally.duplicate_entries, model.tally.reported
    for _ in range(60):
        model.step()
    after = (model.tally.duplicate_entries - duplicates) / (model.tally.reported - reported)
    assert before > 0.5 and after < 0.1 * before, (
        f"duplicate entries per case should fall once the platform joins ({before} -> {after})")


def test_a_new_assessment_interval_counts_from_its_day(monkeypatch):
    """Monthly ranking from day 100: a round every 90 days until then, then one every 30 days
    counted from the entry's eve (day 99), when the change is taken up."""
    from model.governance import GovernanceModel

    rounds: list[int] = []
    original = GovernanceModel.assessment_round
    monkeypatch.setattr(GovernanceModel, "assessment_round",
                        lambda self: (rounds.append(self.day), original(self)))
    scenario = with_timeline(entry(100, assessment__interval_days=30),
                             **{"assessment.interval_days": 90})
    run_model(scenario, seed=3, days=200)
    assert rounds == [90, 129, 159, 189], (
        "rounds should close day 90, then every 30 days from the change's eve, day 99")


def test_entries_apply_in_day_order_each_on_the_ones_before():
    scenario = with_timeline(entry(90, assessment__process_weight=0.2),
                             entry(30, whistle__enabled=True, assessment__process_weight=0.9))
    found = [(s.day, s.scenario.whistle.enabled, s.scenario.assessment.process_weight)
             for s in stages(scenario)]
    assert found == [(30, True, 0.9), (90, True, 0.2)]


def test_a_file_gives_dates_as_toml_dates_and_settings_as_tables(tmp_path):
    path = tmp_path / "dated.toml"
    path.write_text('extends = "baseline"\n[run]\nstart_date = 2018-01-01\n'
                    '[[timeline]]\ndate = 2019-01-01\nlabel = "接诉即办"\n'
                    '[timeline.set]\nwhistle.enabled = true\n'
                    '"assessment.process_weight" = 0.3\n', encoding="utf-8")
    scenario = load_scenario(path)
    (stage,) = stages(scenario)
    assert (stage.day, stage.label) == (366, "接诉即办"), "2019-01-01 is the 366th day from 2018"

    assert scenario.timeline[0].set == {"whistle.enabled": True, "assessment.process_weight": 0.3}
    written = tmp_path / "written.toml"
    written.write_text(scenario_to_toml(scenario), encoding="utf-8")
    assert load_scenario(written).timeline == scenario.timeline, (
        "a scenario with a timeline should survive being written as TOML")


@pytest.mark.parametrize(("bad", "message"), [
    (entry(3, district__residents=5000),
     "timeline.0.set.district.residents: cannot change during a run: the district, its data "
     "and what is set up at the start are fixed (allowed: keys of whistle, information, "
     "assessment, channels, residents, expectations, services, response, policy)"),
    (entry(3, assessment__prior_score=0.9),
     "timeline.0.set.assessment.prior_score: cannot change during a run: it sets what units "
     "expect of each option before their first round, at the start"),
    (entry(3, whistle__enabled=3),
     "timeline.0.set.whistle.enabled: expected true or false, got 3"),
    (entry(3, date="2019-01-01"),
     "timeline.0: give the day the change takes effect or its date, one of the two (allowed: "
     "day = 0 to 3650, or date = YYYY-MM-DD), got day = 3, date = '2019-01-01'"),
    (entry(date="2019-01-01"),
     "timeline.0.date: a dated change needs run.start_date, the date of day 1 (allowed: set "
     "run.start_date = YYYY-MM-DD, or give day instead)"),
])
def test_bad_entries_are_refused_naming_the_key_and_what_is_allowed(bad, message):
    with pytest.raises(ScenarioError) as caught:
        with_timeline(bad)
    assert str(caught.value) == f"overrides: {message}"


def test_a_bad_date_names_the_file_and_the_form(tmp_path):
    path = tmp_path / "late.toml"
    path.write_text('extends = "baseline"\n[run]\nstart_date = "2018-01-01"\n'
                    '[[timeline]]\ndate = "2019-13-01"\n[timeline.set]\n'
                    '"whistle.enabled" = true\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}: timeline.0.date: '2019-13-01' is not a date "
                                 "(allowed: YYYY-MM-DD, e.g. 2019-01-01)")


def test_the_dashboard_marks_each_change_taken_up_on_the_series():
    from matplotlib.lines import Line2D

    from model.dashboard import charts
    from model.dashboard.session import DashboardRun

    run = DashboardRun(with_timeline(entry(5, whistle__enabled=True)), seed=1)
    run.step(3)
    assert run.snapshot().marks == (), "no change is marked before it is taken up"
    run.step(3)
    snap = run.snapshot()
    assert snap.marks == ((5, "change"),)
    figure = charts.series_figure(snap.series, "zh", marks=snap.marks)
    panels = [ax for ax in figure.axes if ax.get_visible()]
    dashed = [[line for line in ax.get_lines() if isinstance(line, Line2D)
               and line.get_linestyle() == "--" and list(line.get_xdata()) == [5, 5]]
              for ax in panels]
    assert all(len(lines) == 1 for lines in dashed), "every panel should mark the change"
    assert [t.get_text() for t in panels[0].texts] == [" change"], "the first panel labels it"


def test_a_saved_run_keeps_its_timeline_and_reruns_the_same(tmp_path):
    from model.provenance import save_run

    scenario = with_timeline(entry(20, whistle__enabled=True))
    model = run_model(scenario, seed=5, days=40)
    paths = save_run(tmp_path / "run", model, {})
    again = load_scenario(paths["scenario.toml"])
    assert again.timeline == scenario.timeline, "the saved scenario is the one given"
    assert summarize(run_model(again, seed=5, days=40)) == summarize(model), (
        "the saved scenario should rerun to the same results")
