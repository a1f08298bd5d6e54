"""The dashboard's session API: stepping, views, exports and compare mode."""

from __future__ import annotations

import io
import json
import threading

import numpy as np
import pandas as pd
import pytest
from conftest import small_scenario

from model import load_scenario, summarize
from model.cases import Channel, Level
from model.cli import main
from model.dashboard.district import NODE_KINDS
from model.dashboard.session import (
    CHANNEL_KEYS,
    SETTLED_KEYS,
    ComparePair,
    DashboardRun,
)
from model.outcomes import DAILY_OUTCOMES, OUTCOMES_BY_NAME, headline
from model.provenance import jsonable
from model.scenario import load_scenario_text
from model.simulate import daily_series

NO_TRANSIT = {"information.batch_days": 1, "one_stop.visit_days": 0}


def run_for(days: int, name: str = "baseline", seed: int = 4, **extra: object) -> DashboardRun:
    run = DashboardRun(small_scenario(name, extra), seed=seed)
    run.step(days)
    return run


def test_headline_kpis_are_daily_outcomes():
    for name in headline("kpi"):
        assert name in OUTCOMES_BY_NAME, f"{name} should be a declared outcome"
        assert name in DAILY_OUTCOMES, f"{name} should be collected every day for the cards"


def test_step_advances_day_and_moves_kpis():
    run = DashboardRun(small_scenario(), seed=4)
    before = run.kpis()
    run.step()
    assert run.day == 1, "one step should be one day"
    run.step(29)
    assert run.day == 30, "step(29) should add 29 days"
    after = run.kpis()
    assert [k.name for k in after] == list(headline("kpi")), "cards come in the kpi group's order"
    moved = [k.name for k, b in zip(after, before, strict=True) if k.value != b.value]
    assert {"mean_satisfaction", "mean_trust", "resolved_share"} <= set(moved), (
        f"30 days should move satisfaction, trust and resolution; moved only {moved}")
    with pytest.raises(ValueError, match="negative"):
        run.step(-1)


def test_kpi_change_is_value_minus_start():
    run = run_for(30)
    series = run.series()
    for kpi in run.kpis():
        defined = series[kpi.name].dropna()
        assert kpi.start == pytest.approx(defined.iloc[0]), (
            f"{kpi.name}: start should be the first defined value")
        assert kpi.value == pytest.approx(series[kpi.name].iloc[-1]), (
            f"{kpi.name}: value should be today's")
        assert kpi.change == pytest.approx(kpi.value - kpi.start), f"{kpi.name}: change"
        assert (kpi.unit, kpi.better) == (OUTCOMES_BY_NAME[kpi.name].unit,
                                          OUTCOMES_BY_NAME[kpi.name].better)


def test_series_matches_the_model():
    run = run_for(20)
    frame = run.series()
    assert list(frame.columns) == ["day", *DAILY_OUTCOMES]
    assert frame["day"].tolist() == list(range(21)), "one row per day, day 0 = start"
    pd.testing.assert_frame_equal(frame, daily_series(run.model))


def test_reset_reproduces_a_fresh_run():
    run = run_for(25, seed=9)
    first = run.series()
    run.reset()
    assert run.day == 0, "reset should go back to day 0"
    run.step(25)
    pd.testing.assert_frame_equal(run.series(), first, obj="same scenario and seed after reset")
    pd.testing.assert_frame_equal(run_for(25, seed=9).series(), first, obj="a fresh run")
    run.reset(seed=10)
    run.step(25)
    assert run.seed == 10
    assert not run.series().equals(first), "another seed should give another run"


def test_settled_accounts_for_every_reported_case():
    run = run_for(90)
    tally = run.model.tally
    settled = run.settled()
    assert tuple(settled) == SETTLED_KEYS
    assert sum(settled.values()) == tally.reported, "each reported case counted exactly once"
    assert settled["community"] == tally.settled[Level.COMMUNITY]
    assert settled["street"] == tally.settled[Level.STREET]
    assert settled["department"] == tally.settled[Level.DEPARTMENT]
    assert settled["ngo"] == tally.settled[Level.NGO]
    assert settled["unresolved"] == tally.closed_unsolved + tally.abandoned + tally.open


def test_neighbours_are_one_community_on_its_ring_with_its_ties():
    run = run_for(60)
    population = run.model.population
    part = population.community_slice(1)
    neighbours = run.neighbours(1)
    size = part.stop - part.start
    assert len(neighbours.x) == len(neighbours.y) == len(neighbours.last_channel) == size
    assert np.allclose(np.hypot(neighbours.x, neighbours.y), 1.0, atol=1e-3), "on a unit ring"
    ties = population.listeners.shape[1]
    assert len(neighbours.ties) + sum(neighbours.outside) == size * ties, (
        "each tie is inside the community or leaves it")
    assert all(0 <= a < size and 0 <= b < size for a, b in neighbours.ties)
    used = population.last_channel[part]
    assert sum(1 for c in neighbours.last_channel if c) == int((used >= 0).sum())
    with pytest.raises(ValueError, match=r"community: 99 is out of range \(allowed: 0 to "):
        run.neighbours(99)
    labels = run.community_labels("zh")
    assert len(labels) == len(run.model.committees)
    assert labels == [node["label_zh"] for node in run.network().nodes
                      if node["kind"] == "committee"]


def test_channels_account_for_every_need_raised():
    run = run_for(90)
    tally = run.model.tally
    channels = run.channels()
    assert tuple(channels) == CHANNEL_KEYS
    assert sum(channels.values()) == tally.raised, "each need counted exactly once"
    assert channels["silent"] == tally.silent
    assert channels["committee"] == tally.reports_by_channel[Channel.COMMITTEE] > 0
    specs = run.model.category_specs
    assert channels["service_visit"] == sum(
        tally.reported_by_category[c] for c, spec in enumerate(specs) if spec.admin_service)


def test_network_has_every_place_and_every_hop():
    run = run_for(60, "integrated")
    model, district = run.model, run.network()
    kinds = [node["kind"] for node in district.nodes]
    assert set(kinds) <= set(NODE_KINDS)
    for kind, agents in (("department", model.departments), ("street", model.streets),
                         ("committee", model.committees), ("ngo", model.ngos),
                         ("hall", model.halls)):
        assert kinds.count(kind) == len(agents), f"one {kind} node per {kind}"
    ids = {node["id"] for node in district.nodes}
    assert len(ids) == len(district.nodes), "node ids are unique"
    assert all(e["source"] in ids and e["target"] in ids for e in district.edges)
    assert sum(e["flow"] for e in district.edges) == sum(model.tally.flows.values()), (
        "edge flows should add up to every hop the model counted")
    assert [n["label_zh"] for n in district.nodes if n["kind"] == "department"] == [
        spec.zh for spec in model.params.departments.values()]


# Seven communities, three to a street office: two full streets and one of a single community.
SEVEN = {"district.residents_per_community": 286, "district.communities_per_street": 3}


def test_layout_is_layered_and_fixed():
    district = run_for(0, "baseline", **SEVEN).network()
    at = {node["id"]: node for node in district.nodes}
    y = {kind: {n["y"] for n in district.nodes if n["kind"] == kind}
         for kind in ("department", "street", "committee")}
    assert min(y["department"]) > max(y["street"]) > max(y["committee"]), (
        "departments at the top, streets in the middle, communities at the bottom")
    for street, communities in ((0, range(3)), (1, range(3, 6)), (2, range(6, 7))):
        xs = [at[f"committee:{c}"]["x"] for c in communities]
        assert min(xs) <= at[f"street:{street}"]["x"] <= max(xs), "a street above its communities"
        assert [at[f"committee:{c}"]["label_en"] for c in communities] == [
            f"Community {street + 1}-{k + 1}" for k in range(len(communities))]
    assert "street:3" not in at, "seven communities need three street offices"
    again = run_for(30, "baseline", **SEVEN).network()
    assert [(n["x"], n["y"]) for n in again.nodes] == [(n["x"], n["y"]) for n in district.nodes]


@pytest.mark.parametrize("name", ["baseline", "whistle", "one_stop", "integrated"])
def test_backlog_finds_every_open_case(name):
    # without transit delays every open case waits somewhere: the counts must find them all
    run = DashboardRun(small_scenario(name, NO_TRANSIT), seed=2)
    for _ in range(6):
        run.step(15)
        district = run.network("backlog")
        assert district.in_transit == 0, f"{name}, day {run.day}: open cases not found"
        # a convened case waits at each department summoned, so it is counted at each
        summoned = [case.id for dept in run.model.departments
                    for case, ticket, _ in dept.summons if case.ticket == ticket]
        repeats = len(summoned) - len(set(summoned))
        assert sum(n["value"] or 0 for n in district.nodes) == run.model.tally.open + repeats
    delayed = run_for(62)  # between two paper batches (every 5 days, on days 60 and 65)
    assert delayed.network().in_transit > 0, "siloed hops take days: some cases are in transit"


def test_satisfaction_colours_communities_and_streets():
    run = run_for(40)
    nodes = run.network("satisfaction").nodes
    for node in nodes:
        if node["kind"] in ("committee", "street"):
            assert 0.0 <= node["value"] <= 1.0, f"{node['id']}: satisfaction in [0, 1]"
        else:
            assert node["value"] is None, f"{node['id']}: no residents, no satisfaction"
    population = run.model.population
    sizes = population.group_counts().sum(axis=1)
    weighted = sum(n["value"] * sizes[n["index"]] for n in nodes if n["kind"] == "committee")
    assert weighted / population.size == pytest.approx(population.mean_satisfaction)
    with pytest.raises(ValueError, match="allowed: backlog, satisfaction"):
        run.network("colour")


def test_compare_pair_lockstep_and_difference():
    pair = ComparePair(small_scenario(), small_scenario("integrated"), seed=5)
    pair.step(10)
    pair.step(20)
    assert pair.left.day == pair.right.day == pair.day == 30, "both sides step together"
    assert pair.same_district
    diff = pair.difference()
    left, right = pair.left.series(), pair.right.series()
    assert diff["day"].tolist() == left["day"].tolist()
    pd.testing.assert_frame_equal(diff.drop(columns="day"),  # an undefined day (None) is NaN
                                  (right.drop(columns="day").astype(float)
                                   - left.drop(columns="day").astype(float)))
    assert diff["resolved_share"].abs().sum() > 0, "different policies should differ"
    pair.reset(right=small_scenario(), seed=6)
    assert (pair.day, pair.seed, pair.right.seed) == (0, 6, 6)
    pair.step(30)
    same = pair.difference().drop(columns="day")
    assert ((same == 0) | same.isna()).all().all(), (
        "the same scenario on both sides with the same seed should differ by nothing")


def test_exports_round_trip(tmp_path, capsys):
    scenario = small_scenario("whistle", {"whistle.stuck_days": 5})
    run = DashboardRun(scenario, seed=3)
    run.step(20)
    frame = pd.read_csv(io.StringIO(run.series_csv()))
    pd.testing.assert_frame_equal(frame, run.series(), check_dtype=False)
    text = run.scenario_toml()
    assert "--seed 3 --days 20" in text, "the file says how to reproduce the run"
    loaded = load_scenario_text(text)
    assert loaded == scenario, "the TOML should load back to an equal scenario"
    replay = DashboardRun(loaded, seed=3)
    replay.step(20)
    pd.testing.assert_frame_equal(replay.series(), run.series(), obj="rerun from the TOML")
    path = tmp_path / "dashboard.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == scenario
    assert main(["validate", str(path)]) == 0, "cogov validate should accept the export"
    capsys.readouterr()
    assert main(["run", str(path), "--seed", "3", "--days", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == jsonable(summarize(run.model)), (
        "cogov run on the export should reproduce the dashboard's run")


def test_views_follow_every_day_at_full_size():
    run = DashboardRun(load_scenario("baseline"), seed=1)
    assert run.model.population.size == 20000
    run.step(60)
    for _ in range(5):
        run.step()
        day, kpis = run.kpis_today()
        snap = run.snapshot("backlog")
        assert day == snap.day == run.day, "the numbers and the charts should be of today"
        today = snap.series.iloc[-1]
        assert today["day"] == day and len(snap.series) == day + 1, "one row per day so far"
        for kpi in kpis:
            assert kpi.value == pytest.approx(today[kpi.name], nan_ok=True), (
                f"day {day}: the {kpi.name} card should show today's value")
        assert sum(snap.settled.values()) == run.model.tally.reported, (
            "every reported case settled somewhere or unresolved, on the same day")


def test_snapshot_and_token_name_one_model():
    run = run_for(5)
    first = run.token
    assert run.snapshot().token == first
    run.step(3)
    assert run.token == first, "stepping keeps the model"
    run.reset()
    assert run.token != first, "a reset builds another model"
    pair = ComparePair(small_scenario(), small_scenario("whistle"), seed=2)
    pair.step(4)
    day, left, right = pair.series_pair()
    assert day == 4 and len(left) == len(right) == 5
    assert pair.token == (pair.left.token, pair.right.token) and run.token not in pair.token
    day, left_kpis, right_kpis = pair.kpis_today()
    assert day == 4 and [k.name for k in left_kpis] == [k.name for k in right_kpis]


def test_views_can_be_read_while_another_thread_steps():
    pair = ComparePair(small_scenario(), small_scenario("whistle"), seed=7)
    stepper = threading.Thread(target=pair.step, args=(60,))
    stepper.start()
    while stepper.is_alive():  # would raise on a queue or tally changing mid-read
        pair.left.network()
        pair.right.kpis()
        diff = pair.difference()
        always = diff[["cases_raised", "mean_satisfaction", "backlog_end"]]
        assert always.notna().all().all(), "the difference should see both sides on one day"
    stepper.join()
    assert pair.day == 60
