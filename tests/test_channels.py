"""Residents' channels: the logit choice, what residents learn, the network, and where a case
enters the system by the channel chosen."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small_scenario

from model import GovernanceModel, load_scenario
from model.cases import CHOSEN_CHANNELS, Case, Channel, NodeKind
from model.network import small_world
from model.outcomes import summarize
from model.rules.channels import COLUMN, COMMITTEE, HOTLINE, LINE, ONLINE, ChannelRule
from model.scenario.channel_groups import ChannelParams
from model.scenario.errors import ScenarioError

CHANNELS = len(CHOSEN_CHANNELS)
GOOD, BAD = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)  # experiences: solved at once, or nothing
LOCAL, MIGRANT, ELDERLY = 0, 1, 2


def values(rule: ChannelRule, expected: float = 0.5, trust: float = 0.5, group: int = LOCAL,
           last: int = -1) -> np.ndarray:
    """One resident's value of each channel."""
    return rule.values(np.full((1, CHANNELS), expected), np.array([trust]), np.array([group]),
                       np.array([last]))


def test_choice_is_a_logit_over_value_less_effort():
    params = ChannelParams()
    rule = ChannelRule(params)
    value = values(rule)
    chance = rule.probabilities(value, np.ones((1, CHANNELS), dtype=bool))[0]
    efforts = [params.committee_effort, params.hotline_effort, params.online_effort,
               params.office_effort, params.petition_effort, params.line_effort]
    weights = [math.exp(-params.choice_scale * e) for e in efforts]
    assert chance == pytest.approx([w / sum(weights) for w in weights], rel=1e-12)
    assert value[0, COMMITTEE] == pytest.approx(0.5 - params.committee_effort)


def test_the_elderly_favour_the_committee_and_rarely_go_online():
    rule = ChannelRule(ChannelParams())
    known = np.ones((1, CHANNELS), dtype=bool)
    local = rule.probabilities(values(rule, group=LOCAL), known)[0]
    elderly = rule.probabilities(values(rule, group=ELDERLY), known)[0]
    assert elderly[COMMITTEE] > local[COMMITTEE]
    assert elderly[ONLINE] < local[ONLINE] / 5


def test_what_a_resident_learnt_of_a_channel_and_habit_draw_her_to_it():
    rule = ChannelRule(ChannelParams())
    known = np.ones((1, CHANNELS), dtype=bool)
    plain = rule.probabilities(values(rule), known)[0]
    learnt = np.full((1, CHANNELS), 0.5)
    learnt[0, HOTLINE] = 0.9
    served = rule.probabilities(rule.values(learnt, np.array([0.5]), np.array([LOCAL]),
                                            np.array([-1])), known)[0]
    habit = rule.probabilities(values(rule, last=HOTLINE), known)[0]
    assert served[HOTLINE] > plain[HOTLINE]
    assert habit[HOTLINE] > plain[HOTLINE]


def test_unknown_or_closed_channels_are_never_chosen_and_opening_one_raises_reporting():
    rule = ChannelRule(ChannelParams(online_open_day=30, line_merge_day=60))
    assert rule.open_channels(0).tolist() == [True, True, False, True, True, True]
    assert rule.open_channels(30)[ONLINE] and rule.open_channels(59)[LINE]
    assert not rule.open_channels(60)[LINE]
    value = np.repeat(values(rule), 1000, axis=0)
    before = np.ones((1000, CHANNELS), dtype=bool) & rule.open_channels(0)
    column, worth = rule.choose(value, before, np.random.default_rng(1).random(1000))
    assert ONLINE not in column.tolist()
    _, worth_after = rule.choose(value, np.ones((1000, CHANNELS), dtype=bool), np.zeros(1000))
    assert (worth_after > worth).all()  # the logsum of a larger set is larger
    nothing = np.zeros((1, CHANNELS), dtype=bool)
    assert rule.choose(values(rule), nothing, np.zeros(1))[0].tolist() == [-1]


def test_choices_follow_the_logit_shares_over_many_draws():
    rule = ChannelRule(ChannelParams())
    value = np.repeat(values(rule), 20000, axis=0)
    known = np.ones((20000, CHANNELS), dtype=bool)
    column, _ = rule.choose(value, known, np.random.default_rng(3).random(20000))
    shares = np.bincount(column, minlength=CHANNELS) / 20000
    expected = rule.probabilities(value[:1], known[:1])[0]
    assert np.abs(shares - expected).max() < 0.01


def test_at_scale_zero_the_choice_is_uniform_and_reporting_worth_the_mean_value():
    rule = ChannelRule(ChannelParams(choice_scale=0.0))
    value = values(rule)
    known = np.ones((1, CHANNELS), dtype=bool)
    assert rule.probabilities(value, known)[0] == pytest.approx([1 / CHANNELS] * CHANNELS)
    assert rule.choose(value, known, np.zeros(1))[1][0] == pytest.approx(value.mean())


def test_migrants_know_fewer_channels_and_everyone_knows_the_hotline():
    rule = ChannelRule(ChannelParams())
    migrant = np.arange(20000) % 2 == 1
    known = rule.known_at_start(migrant, np.random.default_rng(2))
    assert known[:, HOTLINE].all()
    assert known[migrant].sum() < known[~migrant].sum() * 0.7
    assert known[~migrant, COMMITTEE].all()


def test_a_case_teaches_its_resident_and_her_story_her_listeners():
    model = GovernanceModel(small_scenario(), rng=1)
    population = model.population
    listeners = population.listeners[0]
    before = population.expected_of_channel[listeners, COMMITTEE].copy()
    population.learn(0, COMMITTEE, GOOD, 1.0, 1.0, (0.3, 0.3))
    old = population.trust[0]
    assert population.expected_of_channel[0, COMMITTEE] == pytest.approx(old + 0.3 * (1.0 - old))
    assert population.last_channel[0] == COMMITTEE
    population.spread_stories(0.1, 0.0, 0.0, 0.0)
    heard = population.expected_of_channel[listeners, COMMITTEE]
    assert heard == pytest.approx(before + 0.1 * (1.0 - before))
    assert population.known[listeners, COMMITTEE].all()
    population.spread_stories(0.1, 0.0, 0.0, 0.0)  # a story is told once
    assert population.expected_of_channel[listeners, COMMITTEE] == pytest.approx(heard)


def test_a_listener_told_twice_in_a_day_keeps_the_later_story():
    model = GovernanceModel(small_scenario(), rng=1)
    population = model.population
    listener = population.listeners[0, 0]
    start = population.expected_of_channel[listener, LINE]
    population.learn(0, LINE, GOOD, 1.0, 1.0, (0.3, 0.3))
    population.learn(0, LINE, BAD, 0.0, 0.0, (0.3, 0.3))
    population.spread_stories(0.5, 0.0, 0.0, 0.0)
    assert population.expected_of_channel[listener, LINE] == pytest.approx(
        start + 0.5 * (0.0 - start))


def test_the_network_is_a_ring_within_communities_with_a_share_rewired():
    bounds = np.array([0, 50, 120, 200])
    ring, position = small_world(bounds, 4, 0.0, np.random.default_rng(1))
    community = np.repeat(np.arange(3), np.diff(bounds))
    assert ring.shape == (200, 4)
    assert (community[ring] == community[:, None]).all()
    # a ring: she tells those who tell her
    assert all(i in ring[j] for i in range(200) for j in ring[i])
    # each community's residents fill its ring's places once
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        assert sorted(position[low:high].tolist()) == list(range(high - low))
    crossed, _ = small_world(bounds, 4, 0.5, np.random.default_rng(1))
    share = (community[crossed] != community[:, None]).mean()
    assert 0.25 < share < 0.45  # rewired half, a third of which land at home by chance
    again, _ = small_world(bounds, 4, 0.5, np.random.default_rng(1))
    assert (crossed == again).all()
    assert small_world(bounds, 0, 0.5, np.random.default_rng(1))[0].shape == (200, 0)


def reported(channel: Channel, scenario: str = "baseline") -> tuple[GovernanceModel, Case]:
    """A model with one case of a department's category sent in through ``channel``."""
    model = GovernanceModel(small_scenario(scenario), rng=1)
    category = next(i for i, spec in enumerate(model.category_specs)
                    if not spec.admin_service and model.category_legs[i])
    case = Case(10**6, category, resident=0, community=0, street=0, day=0, urgency=0.5,
                legs=model.category_legs[category])
    model.casework._send_in(case, channel)
    return model, case


@pytest.mark.parametrize(("channel", "kind", "trips", "escalations"), [
    (Channel.COMMITTEE, NodeKind.COMMITTEE, 0, 0),
    (Channel.OFFICE, NodeKind.STREET, 1, 0),
    (Channel.PETITION, NodeKind.STREET, 1, 1),
    (Channel.LINE, NodeKind.DEPARTMENT, 0, 0),
])
def test_a_case_enters_where_its_channel_leads(channel, kind, trips, escalations):
    model, case = reported(channel)
    assert case.holder.kind == kind
    assert (case.trips, case.escalations) == (trips, escalations)
    assert case.channel == channel
    assert model.tally.reports_by_channel == {channel: 1}
    assert model.tally.hotline_reports == 0
    if channel == Channel.LINE:
        assert case.holder.index == case.legs[0]


@pytest.mark.parametrize("channel", [Channel.HOTLINE, Channel.ONLINE])
def test_calls_and_online_requests_are_the_hotlines_and_dispatched_to_the_street(channel):
    model, case = reported(channel)
    assert model.tally.hotline_reports == 1
    assert case.holder.kind == NodeKind.STREET  # dispatched on (its queue may wait for a batch)


def test_each_ended_case_teaches_the_channel_its_resident_chose():
    model = GovernanceModel(small_scenario(), rng=1)
    before = model.population.expected_of_channel.copy()
    for _ in range(60):
        model.step()
    moved = model.population.expected_of_channel != before
    counts = model.tally.reports_by_channel
    for channel, column in COLUMN.items():
        assert not moved[:, column].any() or counts[channel] > 0, channel
    assert moved[:, COMMITTEE].any()
    used = model.population.last_channel
    assert set(np.unique(used[used >= 0]).tolist()) <= {COLUMN[c] for c in counts}


def test_questions_are_answered_where_they_are_asked_and_counted_in_12345s_volume():
    quiet = GovernanceModel(small_scenario("baseline", {"channels.information_rate": 0.0}), rng=1)
    asking = GovernanceModel(small_scenario("baseline", {"channels.information_rate": 5.0}), rng=1)
    for _ in range(30):
        quiet.step()
        asking.step()
    assert not quiet.tally.questions_by_channel
    asked = asking.tally.questions_by_channel
    assert asked[Channel.COMMITTEE] > 0 and asked[Channel.HOTLINE] > 0
    assert asked[Channel.OFFICE] == asked[Channel.PETITION] == 0
    summary = summarize(asking)
    hotline = asked[Channel.HOTLINE] + asked[Channel.ONLINE]
    volume = asking.tally.hotline_reports + hotline
    assert summary["information_share"] == pytest.approx(hotline / volume)
    assert summary["hotline_volume_per_resident"] == pytest.approx(
        volume / asking.population.size / (30 / 365))


def test_a_committee_pays_for_the_questions_it_answers():
    model = GovernanceModel(small_scenario("baseline", {"channels.answer_hours": 2.0}), rng=1)
    committee = model.committees[0]
    owed = committee.overhead_due
    committee.answer_questions(2.0 * 3)
    assert committee.overhead_due == pytest.approx(owed + 6.0)


def test_a_closed_channel_takes_nothing_and_its_users_go_elsewhere():
    closed = GovernanceModel(small_scenario("baseline", {"channels.closed": ["committee"]}),
                             rng=1)
    for _ in range(30):
        closed.step()
    assert closed.tally.reports_by_channel[Channel.COMMITTEE] == 0
    assert closed.tally.questions_by_channel[Channel.COMMITTEE] == 0
    assert closed.tally.reports_by_channel[Channel.HOTLINE] > 0


def test_an_unknown_channel_to_close_is_refused_with_the_allowed_names():
    with pytest.raises(ScenarioError) as error:
        load_scenario("baseline", overrides={"channels.closed": ["app"]})
    assert str(error.value) == (
        "overrides: channels.closed.0: 'app' is not allowed (allowed: 'committee', 'hotline', "
        "'online', 'office', 'petition' or 'line')")


def test_the_elderly_gap_is_others_satisfaction_minus_the_elderlys():
    model = GovernanceModel(small_scenario(), rng=1)
    population = model.population
    summary = summarize(model)
    others = population.satisfaction[~population.elderly].mean()
    elderly = population.satisfaction[population.elderly].mean()
    assert summary["elderly_satisfaction_gap"] == pytest.approx(others - elderly)
