"""Each policy rule on its own: directions and exact values, with scripted cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.cases import Attribute, Case, Channel, Node, NodeKind, Plan, Status
from model.rules.assessment import AssessmentRule, Expectations, unbiased_step
from model.rules.consultation import ConsultationRule
from model.rules.demand import DemandRule
from model.rules.devolution import DevolutionRule
from model.rules.information import InformationRule
from model.rules.judgement import JudgementRule
from model.rules.one_stop import OneStopRule
from model.rules.procurement import ProcurementRule
from model.rules.services import ServiceRule
from model.rules.talent import TalentRule
from model.rules.time_use import Attention
from model.rules.whistle import WhistleRule
from model.scenario import load_scenario
from model.scenario.channel_groups import ExpectationParams
from model.scenario.rule_groups import (
    AssessmentParams,
    ConsultationParams,
    DevolutionParams,
    InformationParams,
    OneStopParams,
    ProcurementParams,
    ServiceParams,
    TalentParams,
    WhistleParams,
)
from model.scenario.schema import CategorySpec, ResidentParams

COMMITTEE, STREET = Node("committee", 0), Node("street", 0)
COMMITTEE_CASE, HOTLINE_CASE = Channel.COMMITTEE, Channel.HOTLINE  # the channels cases came by


def case(legs: tuple[int, ...] = (0,), day: int = 0) -> Case:
    return Case(0, 0, 0, 0, 0, day, 0.5, legs)


# -- information --------------------------------------------------------------------------------
def always(value: float = 0.0) -> np.random.Generator:
    """A generator whose draws are all ``value`` (what a stream would draw, scripted)."""
    class Scripted(np.random.Generator):
        def random(self, *args, **kwargs):  # type: ignore[override]
            return value

        def integers(self, low, high=None, *args, **kwargs):  # type: ignore[override]
            return 0
    return Scripted(np.random.PCG64(0))


def test_a_shared_record_is_read_at_once_and_a_separate_one_keyed_in_by_batch():
    params = InformationParams(unified_platform=True, sharing_scope=0.5, reentry_error=1.0,
                               batch_days=5)
    rule = InformationRule(params, n_departments=6)
    joined, apart = case(), case()
    rule.record(joined, COMMITTEE)
    rule.record(apart, COMMITTEE)
    assert rule.hop(joined, COMMITTEE, Node("department", 2), today=3, rng=always()) == (
        0, False, False), "connected units read the one record: no delay, no entry"
    assert joined.lost == Attribute(0), "a shared record cannot be corrupted by re-keying"
    assert rule.hop(apart, COMMITTEE, Node("department", 3), today=3, rng=always()) == (
        2, True, True), "an unconnected department keys it in and waits for day 5's batch"
    assert apart.lost == Attribute.CATEGORY, "the re-entry corrupted the first attribute drawn"
    assert rule.hop(apart, Node("department", 3), COMMITTEE, today=5, rng=always(0.99)) == (
        0, True, False), "back to a system it was entered in: keyed again, no new entry"


def test_siloed_systems_connect_nothing():
    rule = InformationRule(InformationParams(unified_platform=False), n_departments=6)
    assert not any(rule.connected(n) for n in (COMMITTEE, STREET, Node("department", 0))), (
        "without a platform no place should be connected")
    unified = InformationRule(InformationParams(unified_platform=True), n_departments=6)
    assert not unified.connected(Node("resident", 0)), "residents are never on the platform"
    assert unified.system(COMMITTEE) == unified.system(STREET), "the platform is one system"
    assert rule.system(COMMITTEE) != rule.system(STREET), "silos are systems of their own"


def test_misrouting_follows_a_lost_category_and_what_the_street_knows_of_overlaps():
    rule = InformationRule(InformationParams(), n_departments=6)
    item = case()
    assert not rule.misroutes(item, 1, False, always()), "an intact, unclaimed record routes"
    assert not rule.misroutes(item, 2, True, always(0.9)), "a known remit routes right"
    assert rule.misroutes(item, 2, False, always(0.5)), "an unknown overlap is a coin toss"
    assert not rule.misroutes(item, 2, False, always(0.49))
    item.bounces = 1
    assert not rule.misroutes(item, 2, False, always(0.99)), (
        "a bounce rules out where the case does not go")
    item.lost = Attribute.CATEGORY
    assert rule.misroutes(item, 1, True, always(0.99)), "a lost category misroutes"


def test_a_street_remembers_who_handles_an_overlap_and_the_platform_shares_it():
    for platform in (False, True):
        rule = InformationRule(InformationParams(unified_platform=platform,
                                                 remit_memory_days=30), 6)
        first, second = Node(NodeKind.STREET, 0), Node(NodeKind.STREET, 1)
        assert not rule.knows_remit(first, 3, today=10)
        rule.saw_remit(first, 3, today=10)
        assert rule.knows_remit(first, 3, today=40) and not rule.knows_remit(first, 3, 41), (
            "what a street saw lasts remit_memory_days")
        assert not rule.knows_remit(first, 4, today=10), "per category"
        assert rule.knows_remit(second, 3, today=10) == platform, (
            "on the platform every street reads what any street saw")


def test_a_lost_description_costs_work_and_the_right_fix():
    rule = InformationRule(InformationParams(clarify_factor=1.0, blind_fix_share=0.5), 6)
    item = case()
    assert (rule.work_factor(item), rule.fix_factor(item)) == (1.0, 1.0)
    item.lost = Attribute.PLACE | Attribute.URGENCY
    assert (rule.work_factor(item), rule.fix_factor(item)) == (1.0, 1.0), (
        "only the description bears on clarifying and fixing")
    item.lost |= Attribute.DETAIL
    assert (rule.work_factor(item), rule.fix_factor(item)) == (2.0, 0.5)


def test_a_lost_place_wastes_one_visit_and_a_lost_urgency_loses_priority():
    rule = InformationRule(InformationParams(wasted_visit_hours=2.0, urgent_threshold=0.6), 6)
    item = Case(0, 0, 0, 0, 0, 0, 0.8, (0,))
    assert rule.urgent_on_record(item) and rule.visit_hours(item) == 0.0
    item.lost = Attribute.PLACE | Attribute.URGENCY
    assert not rule.urgent_on_record(item), "a lost urgency makes the case routine"
    assert rule.visit_hours(item) == 2.0 and rule.visit_hours(item) == 0.0, (
        "the wrong place is visited once; the place is found after it")


# -- devolution ---------------------------------------------------------------------------------
def test_authority_follows_listing_order_of_devolvable_categories():
    devolvable = [True, False, True, True, True]
    granted = {level: DevolutionRule(DevolutionParams(level=level), devolvable).authorised
               for level in (0.0, 0.5, 1.0)}
    assert granted[0.0] == frozenset(), "level 0 should devolve nothing"
    assert granted[0.5] == {0, 2}, "half of four devolvable: the first two listed"
    assert granted[1.0] == {0, 2, 3, 4}, "level 1 devolves every devolvable, never others"


def test_authority_follows_only_its_share_of_the_devolved_duties():
    devolvable = [True, False, True, True, True]
    rule = DevolutionRule(DevolutionParams(level=1.0, authority_follows=0.5), devolvable)
    assert rule.duties == {0, 2, 3, 4}, "every devolvable category becomes the committees' duty"
    assert rule.authorised == {0, 2}, "half the duties, the first listed, carry the power"
    assert rule.is_duty(3) and not rule.has_authority(3), "a duty without power: 有责无权"
    powerless = DevolutionRule(DevolutionParams(level=1.0, authority_follows=0.0), devolvable)
    assert powerless.duties == rule.duties and powerless.authorised == frozenset()


def test_extra_positions_proportional_to_resources_follow():
    hours = np.array([7.0, 100.0, 14.0, 21.0])  # category 1 is not devolvable
    extra = [DevolutionRule(DevolutionParams(level=1.0, resources_follow=share),
                            [True, False, True, True]).extra_positions(hours, 7.0)
             for share in (0.0, 0.5, 1.0)]
    assert extra == [0, 3, 6], "positions should follow the devolved hours (42 h = 6 workers)"


def test_authority_and_experience_help_committees_settle():
    rule = DevolutionRule(DevolutionParams(), [True])
    assert rule.settle_probability(True, 1.0) > rule.settle_probability(True, 0.0) > (
        rule.settle_probability(False, 1.0)), "authority and experience should help settling"


# -- assessment ---------------------------------------------------------------------------------
def test_documentation_counts_what_the_inspection_checks_in_each_system():
    hours = [AssessmentRule(AssessmentParams(process_weight=w, record_hours=2.0))
             .documentation_hours(systems=3) for w in (0.0, 0.5, 1.0)]
    assert hours == [0.0, 3.0, 6.0], (
        "an activity is documented in every system it touches, as far as records are checked")


def test_scores_count_what_the_assessment_counts():
    process = AssessmentRule(AssessmentParams(process_weight=1.0, blame_weight=0.25))
    outcome = AssessmentRule(AssessmentParams(process_weight=0.0, blame_weight=0.25))
    # a hard case closed unsolved on time, judged 0; one worked through late, judged 0.9
    assert process.score(Plan.CLOSE, True, 0.0, 0) == 1.0, "process counts an on-time closure"
    assert process.score(Plan.WORK, False, 0.9, 0) == 0.0, "process ignores the judgement"
    assert outcome.score(Plan.CLOSE, True, 0.0, 0) == 0.0, "outcome counts the judgement only"
    assert outcome.score(Plan.WORK, False, 0.9, 0) == pytest.approx(0.9)
    assert process.score(Plan.BOUNCE, False, 0.0, 0) == 1.0, "a bounce leaves the books"
    assert process.score(Plan.DECLINE, True, 1.0, 0) == 0.0, "a duty declined is missed"
    assert process.score(Plan.BOUNCE, False, 0.0, 2) == pytest.approx(0.5), (
        "each return or escalation after the choice costs blame_weight")


def test_expectations_learn_from_rounds_with_bounded_memory():
    seen = Expectations(prior=0.5)
    assert seen.of(COMMITTEE_CASE, Plan.WORK) == 0.5, "an option never assessed keeps the prior"
    for score in (1.0, 0.0, 1.0):
        seen.record(COMMITTEE_CASE, Plan.WORK, score)
    seen.learn(rate=0.1)
    assert seen.of(COMMITTEE_CASE, Plan.WORK) == pytest.approx(2 / 3), (
        "the first round replaces the prior, however long the memory")
    assert seen.of(COMMITTEE_CASE, Plan.CLOSE) == 0.5, "an option not tried this round is not moved"
    assert seen.of(HOTLINE_CASE, Plan.WORK) == 0.5, (
        "what an option earned on one channel says nothing of another")
    seen.learn(rate=0.1)
    assert seen.of(COMMITTEE_CASE, Plan.WORK) == pytest.approx(2 / 3), (
        "a round with no cases teaches nothing")
    seen.record(COMMITTEE_CASE, Plan.WORK, 0.0)
    seen.learn(rate=0.1)
    # the two rounds weigh 0.1 x 0.9 and 0.1: their exponentially weighted mean
    assert seen.of(COMMITTEE_CASE, Plan.WORK) == pytest.approx((0.9 * 2 / 3 + 1.0 * 0.0) / 1.9)


def test_the_unbiased_step_falls_to_the_learning_rate_as_memory_fills():
    trace, steps = 0.0, []
    for _ in range(200):
        trace, step = unbiased_step(trace, 0.05)
        steps.append(step)
    assert steps[0] == 1.0, "the first round is all the unit has seen"
    assert all(a > b for a, b in zip(steps, steps[1:], strict=False)), "memory fills"
    assert steps[-1] == pytest.approx(0.05, rel=1e-4), "at length, a constant step"
    assert unbiased_step(0.0, 1.0) == (1.0, 1.0) and unbiased_step(0.7, 1.0) == (1.0, 1.0), (
        "a unit with no memory takes each round as it comes")
    assert unbiased_step(0.0, 0.0) == (0.0, 0.0), "a unit that does not learn keeps its prior"
    seen = Expectations(prior=0.5)
    seen.record(COMMITTEE_CASE, Plan.WORK, 1.0)
    seen.learn(rate=0.0)
    assert seen.of(COMMITTEE_CASE, Plan.WORK) == 0.5


def test_a_committee_expects_each_kind_of_loss_as_its_rounds_found_it():
    attention = Attention([0.5, 0.5, 0.5])
    attention.learn([0.3, 0.2, 0.1], rate=0.05)
    assert attention.losses == pytest.approx([0.3, 0.2, 0.1]), "the first round replaces the prior"
    attention.learn([0.0, 0.0, 0.0], rate=0.05)
    weights = (0.95, 1.0)  # the first round decayed once, the second new
    assert attention.losses == pytest.approx(
        [weights[0] * x / sum(weights) for x in (0.3, 0.2, 0.1)])


def test_choices_follow_expected_scores_and_hours_under_pressure():
    rule = AssessmentRule(AssessmentParams(choice_temperature=0.05, hour_price=0.05))
    seen = Expectations(prior=0.5)
    seen.expected = {COMMITTEE_CASE: {Plan.WORK: 0.7, Plan.CLOSE: 0.5}}
    options = {Plan.WORK: 8.0, Plan.CLOSE: 0.0}
    rng = np.random.default_rng(0)

    def close_share(pressure: float) -> float:
        picks = [rule.decide(seen, case(), options, pressure, rng) for _ in range(2000)]
        return picks.count(Plan.CLOSE) / len(picks)

    idle, behind = close_share(0.0), close_share(1.0)
    assert idle < 0.05, f"with time to spare the better-scoring option wins ({idle:.3f})"
    assert behind > 0.9, f"fully behind, 8 hours at 0.05 outweigh 0.2 of score ({behind:.3f})"
    assert rule.pressure(0.0, 40.0) == 0.0 and rule.pressure(1e6, 40.0) == 1.0


def test_a_choice_is_remembered_and_scored_when_the_case_ends():
    rule = AssessmentRule(AssessmentParams(process_weight=1.0, blame_weight=0.25))
    unit = Expectations(prior=0.5)
    item = case()
    rule.decide(unit, item, {Plan.BOUNCE: 0.0}, 0.0, np.random.default_rng(0))
    item.escalations += 1
    rule.decide(unit, item, {Plan.WORK: 1.0}, 0.0, np.random.default_rng(0))
    rule.credit(item, on_time=True, judgement=1.0)
    assert unit.seen == {(COMMITTEE_CASE, Plan.BOUNCE): [0.5, 1.0],
                         (COMMITTEE_CASE, Plan.WORK): [1.0, 1.0]}, (
        "the bounce came back and escalated once (blame 2); the work was on time")


def test_a_case_of_an_uncounted_channel_weighs_only_its_hours():
    """What is counted: a hotline case, when the assessment does not count the hotline, earns
    no score, so under pressure the unit takes the cheap option and remembers nothing; a
    committee case in the same unit is still chosen on by its expected scores."""

    rule = AssessmentRule(AssessmentParams(choice_temperature=0.05, hour_price=0.05,
                                           uncounted_channels=["hotline", "online"]))
    seen = Expectations(prior=0.5)
    seen.expected = {channel: {Plan.WORK: 0.9, Plan.CLOSE: 0.1} for channel in Channel}
    options = {Plan.WORK: 4.0, Plan.CLOSE: 0.0}
    rng = np.random.default_rng(0)

    def close_share(channel: Channel) -> tuple[float, int]:
        items = [case() for _ in range(2000)]
        for item in items:
            item.channel = channel
        picks = [rule.decide(seen, item, options, 1.0, rng) for item in items]
        remembered = sum(item.decisions is not None for item in items)
        return picks.count(Plan.CLOSE) / len(picks), remembered

    hotline, hotline_remembered = close_share(Channel.HOTLINE)
    committee, committee_remembered = close_share(Channel.COMMITTEE)
    assert hotline > 0.95 and hotline_remembered == 0, (hotline, hotline_remembered)
    assert committee < 0.05 and committee_remembered == 2000, (committee, committee_remembered)


# -- whistle ------------------------------------------------------------------------------------
def test_whistle_on_arrival_conditions():
    rule = WhistleRule(WhistleParams(enabled=True, min_departments=2, stuck_days=15))
    assert rule.on_arrival(case(legs=(0, 1)), today=0), "multi-department cases at once"
    assert not rule.on_arrival(case(), today=0), "a fresh one-department case is routed"
    assert rule.on_arrival(case(), today=15), "a case open stuck_days is whistled"
    escalated = case()
    escalated.escalations = 1
    assert rule.on_arrival(escalated, today=0), "an escalated case is whistled"
    progressed = case(legs=(0, 1))
    progressed.leg = 1
    assert not rule.on_arrival(progressed, today=0), "only remaining departments count"
    whistled = case(legs=(0, 1))
    whistled.whistled = True
    assert not rule.on_arrival(whistled, today=0), "a case is whistled once"
    unconvened = WhistleRule(WhistleParams(enabled=False, street_convenes=False))
    assert not unconvened.on_arrival(case(legs=(0, 1)), 99), "no whistle, no meeting: routed"
    off = WhistleRule(WhistleParams(enabled=False, min_departments=2, stuck_days=15))
    assert off.on_arrival(case(legs=(0, 1)), 0), "without the whistle a joint case may be convened"
    assert not off.on_arrival(escalated, 0) and not off.on_arrival(case(), 99), (
        "without the whistle stuck and escalated cases are not the street's to call")
    assert off.stuck_check_after() is None
    assert (off.deadline(10), rule.deadline(10)) == (10 + 10, 10 + 2), (
        "an invitation gives invitation_days, a summons response_deadline_days")


# -- one-stop -----------------------------------------------------------------------------------
def test_fewer_extra_trips_when_connected():
    rule = OneStopRule(OneStopParams(missing_document_prob=0.5))
    rng = np.random.default_rng(11)
    connected = [rule.extra_trips(rng, True) for _ in range(4000)]
    siloed = [rule.extra_trips(rng, False) for _ in range(4000)]
    assert np.mean(connected) < 0.5 * np.mean(siloed), (
        "shared requirements should cut the extra trips")
    assert max(siloed) <= 5, "at most five extra trips"
    assert np.mean(siloed) == pytest.approx(1.0, abs=0.1), "mean of a capped geometric(0.5)"
    assert rule.hall_hours(10.0) == pytest.approx(10.0 * OneStopParams().hall_work_factor)


# -- procurement --------------------------------------------------------------------------------
def test_procurement_hours_and_cultivation():
    params = ProcurementParams(budget_per_1000_residents=36500.0, cost_per_hour=100.0,
                               specialty_shares={"youth": 0.5})
    rule = ProcurementRule(params, residents=2000)
    assert rule.hours_per_day("youth") == pytest.approx(1.0), "73,000 x 0.5 / 100 / 365"
    assert rule.money_per_day("youth") == pytest.approx(100.0)
    assert rule.hours_per_day("unknown") == 0.0, "an unfunded specialty gets no hours"
    levels = [0.5]
    for _ in range(5):
        levels.append(rule.cultivate(levels[-1]))
    assert all(a < b < 1 for a, b in zip(levels, levels[1:], strict=False)), (
        "cultivation should raise professionalism toward 1")
    assert 0.5 < rule.learn(0.5) < 1, "serving a case should raise professionalism"


# -- consultation -------------------------------------------------------------------------------
def agreement_rate(trust: float, attendees: int, **params: float) -> float:
    """Share of 400 disputes that attendees with ``trust`` agree on."""
    rule = ConsultationRule(ConsultationParams(**params))
    rng = np.random.default_rng(3)
    return float(rule.deliberate_all(np.full(attendees, trust), 400, rng).mean())


def test_deliberation_agrees_more_among_trusting_and_larger_meetings():
    assert agreement_rate(0.8, 30) > agreement_rate(0.3, 30) + 0.1, (
        "trusting attendees listen further, so camps meet")
    assert agreement_rate(0.5, 60) > agreement_rate(0.5, 6), (
        "a larger meeting holds more residents between the camps")
    assert agreement_rate(0.5, 2) == 0.0, "below the quorum nothing is decided"
    assert agreement_rate(0.5, 30, polarisation=0.0, position_spread=0.0) == 1.0, (
        "residents of one mind agree")
    apart = agreement_rate(1.0, 30, polarisation=1.0, position_spread=0.0, confidence=0.5)
    assert abs(apart - 2 / 3) < 0.08, (
        "two camps out of each other's hearing agree only when one holds two thirds of the "
        f"meeting, as about two thirds of uniformly drawn splits do: {apart}")


@pytest.mark.parametrize(("update", "rate"), [
    ("trust_after", "trust_gain"),
    ("satisfaction_after", "satisfaction_gain"),
    ("efficacy_after", "efficacy_rate"),
])
def test_residents_follow_a_meetings_record_as_far_as_they_learnt_it(update, rate):
    rule = ConsultationRule(ConsultationParams(transparency=0.2, told_weight=0.5,
                                               **{rate: 0.1}))
    before = np.array([0.2, 0.2, 0.2, 0.8, 0.8, 0.8])
    attended = np.array([True, False, False, True, False, False])
    told = np.array([False, True, False, True, True, False])
    after = getattr(rule, update)(before, 0.5, rule.learnt(attended, told))
    assert after == pytest.approx([0.23, 0.215, 0.206, 0.77, 0.785, 0.794]), (
        f"toward the record: attendees at {rate}, residents an attendee told at told_weight x "
        f"{rate}, the rest at transparency x {rate}")
    published = ConsultationRule(ConsultationParams(transparency=0.8, told_weight=0.5))
    assert published.learnt(attended, told).tolist() == [1.0, 0.8, 0.8, 1.0, 0.8, 0.8], (
        "a told resident learns at least what is published")


def test_a_committee_that_reaches_residents_draws_them():
    rule = ConsultationRule(ConsultationParams())
    participation, trust = np.full(5000, 0.5), np.full(5000, 0.5)
    working = np.zeros(5000, dtype=bool)
    visited = rule.attendance(participation, trust, trust, working, 0.8,
                              np.random.default_rng(1)).mean()
    absent = rule.attendance(participation, trust, trust, working, 0.0,
                             np.random.default_rng(1)).mean()
    assert absent < visited, "a committee busy with records draws fewer residents (自治行政化)"
    assert absent == 0.0, "at the default weight attendance rests wholly on mobilisation"
    invited = rule.invite(100, np.random.default_rng(2))
    assert len(set(invited)) == 20, "invited_share of the community, each once"


def test_residents_who_saw_meetings_achieve_something_come_more():
    participation, trust = np.full(20000, 0.5), np.full(20000, 0.5)
    low, high = np.full(20000, 0.1), np.full(20000, 0.9)

    def attending(efficacy: np.ndarray, weight: float) -> float:
        rule = ConsultationRule(ConsultationParams(efficacy_weight=weight))
        return float(rule.attendance(participation, trust, efficacy, np.zeros(20000, bool),
                                     1.0, np.random.default_rng(3)).mean())

    assert attending(low, 0.5) < attending(high, 0.5), (
        "an invited resident who believes meetings achieve something comes more often")
    assert attending(low, 0.0) == attending(high, 0.0), (
        "with efficacy_weight 0 only trust in government weighs")


def test_the_retired_come_more_because_a_meetings_hours_cost_them_less():
    participation, trust = np.full(20000, 0.5), np.full(20000, 0.5)

    def attending(elderly: bool, **params: float) -> float:
        rule = ConsultationRule(ConsultationParams(**params))
        return float(rule.attendance(participation, trust, trust, np.full(20000, elderly),
                                     1.0, np.random.default_rng(4)).mean())

    assert attending(True) > attending(False) + 0.01, (
        "at the default costs the retired attend more than residents of working age")
    assert attending(True, hour_cost=0.0) == attending(False, hour_cost=0.0), (
        "when an hour costs nothing, age does not matter")
    assert attending(False, attendance_hours=4.0) < attending(False), (
        "a longer meeting keeps more working residents away")
    rule = ConsultationRule(ConsultationParams(attendance_hours=2.0, hour_cost=0.05,
                                               elderly_hour_factor=0.3))
    assert rule.time_cost(np.array([False, True])) == pytest.approx([0.1, 0.03])


# -- talent -------------------------------------------------------------------------------------
def test_stress_target_is_piecewise_linear():
    rule = TalentRule(TalentParams(stress_onset=0.7, stress_full=1.4))
    targets = [rule.stress_target(x) for x in (0.0, 0.7, 1.05, 1.4, 3.0)]
    assert targets == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0]), (
        "stress is 0 below onset, 1 above full, linear between")
    assert 0 < rule.next_stress(0.0, 3.0) < 1, "stress should move gradually toward target"


def test_a_worker_takes_an_outside_offer_only_when_it_beats_the_post_net_of_stress():
    rule = TalentRule(TalentParams(pay_index=1.0, stress_cost=0.5, outside_pay=1.0,
                                   skill_premium=0.0, training_days=0.0))
    assert rule.post_value(0.0) == 1.0 and rule.post_value(1.0) == 0.5
    assert rule.outside_pay(0.3, 0.5) == pytest.approx(1.0), "the median offer is outside_pay"
    assert not rule.takes_offer(0.4, 0.3, stress=0.0), "a below-median offer loses to the post"
    assert rule.takes_offer(0.4, 0.3, stress=0.5), "stress makes the same offer worth taking"
    assert rule.takes_offer(0.6, 0.3, stress=0.0), "an above-median offer beats the post"


def test_training_raises_what_the_market_offers_and_experience_too():
    untrained, trained = (TalentRule(TalentParams(training_days=d)) for d in (0.0, 10.0))
    assert trained.outside_pay(0.5, 0.5) > untrained.outside_pay(0.5, 0.5), (
        "general training is portable: it raises outside offers")
    assert untrained.outside_pay(1.0, 0.5) > untrained.outside_pay(0.0, 0.5)
    assert trained.outside_pay(0.5, 0.5, trained=False) == untrained.outside_pay(0.5, 0.5)


def test_quitting_rises_with_stress_and_falls_with_pay():
    rule = TalentRule(TalentParams())
    calm, stressed = (rule.quit_probability(s, 0.5) for s in (0.0, 1.0))
    assert stressed > calm > 0, "stress should drive workers out"
    paid = TalentRule(TalentParams(pay_index=1.5)).quit_probability(1.0, 0.5)
    assert paid < stressed, "better pay should keep workers"
    offers = 1 - math.exp(-TalentParams().outside_offers_per_year / 365)
    assert 0 < calm < offers and rule.offer_probability(0.0) == pytest.approx(offers), (
        "a worker quits only when an offer comes, and not at every one")


def test_quitting_follows_the_drawn_offers():
    rule = TalentRule(TalentParams())
    rng = np.random.default_rng(5)
    draws = rng.random(200_000)
    stress, experience = 0.4, 0.5
    chance = rule.offer_probability(stress)
    quits = [d < chance and rule.takes_offer(d / chance, experience, stress) for d in draws]
    assert np.mean(quits) == pytest.approx(rule.quit_probability(stress, experience), rel=0.1), (
        "where a draw falls below the offer chance is the offer's quantile: the daily quits "
        "match the closed form")


def test_applicants_take_a_post_by_its_pay_net_of_the_committee_stress():
    rule = TalentRule(TalentParams())
    calm = sum(rule.applicant_accepts(q / 100, 0.0) for q in range(1, 100))
    burdened = sum(rule.applicant_accepts(q / 100, 0.8) for q in range(1, 100))
    paid = TalentRule(TalentParams(pay_index=1.3))
    better = sum(paid.applicant_accepts(q / 100, 0.0) for q in range(1, 100))
    assert better > calm > burdened > 0, (
        "better pay draws applicants in, a stressed committee puts them off")


def test_productivity_experience_and_stress():
    rule = TalentRule(TalentParams())
    assert rule.productivity(1.0) > rule.productivity(0.0), "experience should raise output"
    assert rule.productivity(1.0, 1.0) < rule.productivity(1.0), "burnout should cut output"
    assert 0.5 < rule.next_experience(0.5) < 1, "experience should grow toward 1"


# -- demand -------------------------------------------------------------------------------------
def test_an_agreement_prevents_a_share_of_its_kind_of_needs_while_it_holds():
    scenario = load_scenario("baseline", overrides={"consultation.prevented_share": 0.25})
    rule = DemandRule(scenario, np.array([[100, 50, 30, 20], [10, 0, 0, 5]]))
    assert not rule.holding(0)
    rule.settle(1, 3, until=40)
    rule.settle(1, 3, until=30)  # an earlier end does not cut a later agreement short
    assert rule.holding(39) and not rule.holding(40)
    communities, categories = np.array([1, 1, 1, 0, 1]), np.array([3, 3, 3, 3, 2])
    draws = np.array([0.1, 0.3, 0.2, 0.0, 0.0])
    assert rule.prevented(communities, categories, 39, draws).tolist() == [
        True, False, True, False, False], "a share of its own kind, in its own community"
    assert not rule.prevented(communities, categories, 40, draws).any(), "it lapses on its day"


def test_demand_rates_respect_shocks():
    scenario = load_scenario("baseline", overrides={"demand.shocks": [
        {"start_day": 10, "duration_days": 5, "multiplier": 3.0,
         "categories": ["health_service"]}]})
    rule = DemandRule(scenario, np.array([[100, 50, 30, 20], [10, 0, 0, 5]]))
    health = list(scenario.categories).index("health_service")
    base = rule.base.copy()
    during, after = rule.rates(12), rule.rates(15)
    assert np.allclose(during[:, health], 3 * base[:, health]), "the shock multiplies its category"
    others = np.arange(base.shape[1]) != health
    assert np.array_equal(during[:, others], base[:, others]), "other categories are unchanged"
    assert np.array_equal(after, base) and np.array_equal(rule.base, base), (
        "the shock ends on time and leaves the base rates alone")
    assert rule.shock_window() == (10, 15)
    assert base[1, :, 1].sum() == 0 and base[0].sum() > base[1].sum(), (
        "needs should scale with the residents in each group")


# -- judgement ----------------------------------------------------------------------------------
def test_experience_scores_result_time_and_treatment():
    params = ResidentParams()
    rule = JudgementRule(params)
    category = CategorySpec(time_limit_days=10)
    item = case()
    item.status, item.closed_day, item.trips = Status.RESOLVED, 5, 1
    assert rule.dimensions(item, category) == (1.0, pytest.approx(math.exp(-0.5 * 0.5)), 1.0)
    item.closed_day = 15
    assert rule.dimensions(item, category)[1] == pytest.approx(math.exp(-0.5 * 1.5)), (
        "time decays with the share of the limit taken")
    item.trips, item.bounces = 3, 2
    assert rule.dimensions(item, category)[2] == pytest.approx(
        1 - 2 * params.trip_penalty - 2 * params.bounce_penalty), "trips and bounces cost"
    item.status = Status.CLOSED_UNSOLVED
    assert rule.dimensions(item, category)[0] == 0.0, "an unsolved case has no result"
    weights = rule.weights
    assert rule.experience(item, category) == pytest.approx(
        weights @ np.array(rule.dimensions(item, category)))


def test_a_case_is_judged_against_what_was_expected():
    rule = JudgementRule(ResidentParams(), ExpectationParams(disconfirmation_weight=0.5))
    experience = (1.0, 0.6, 1.0)
    performance, surprise, hoped = rule.judge(experience, (0.2, 0.2, 0.2))
    _, letdown, demanded = rule.judge(experience, (1.0, 1.0, 1.0))
    assert performance == pytest.approx(0.6 + 0.2 * 0.6 + 0.2), "weights 0.6, 0.2, 0.2"
    assert surprise > 0 > letdown, "disconfirmation: experience minus expectation"
    assert hoped == pytest.approx(min(1.0, performance + 0.5 * surprise))
    assert demanded == pytest.approx(performance + 0.5 * letdown) and demanded < hoped, (
        "the same case pleases less a resident who expected more")
    flat = JudgementRule(ResidentParams(), ExpectationParams(disconfirmation_weight=0.0))
    assert flat.judge(experience, (1.0, 1.0, 1.0))[2] == pytest.approx(performance), (
        "with no disconfirmation weight, expectations do not matter")
    none = JudgementRule(ResidentParams(), ExpectationParams(
        result_weight=0, time_weight=0, treatment_weight=0))
    assert none.weights.tolist() == [1.0, 0.0, 0.0], "no weights: the result alone counts"


def test_reporting_and_updates():
    rule = JudgementRule(ResidentParams())
    assert rule.report_probability(0.9, 0.5) > rule.report_probability(0.1, 0.5), (
        "trust should make reporting likelier")
    assert rule.report_probability(0.5, 0.9) > rule.report_probability(0.5, 0.1), (
        "urgency should make reporting likelier")
    sat, trust = rule.updated(0.5, 0.5, 1.0)
    assert sat > 0.5 and trust > 0.5, "a good experience should raise satisfaction and trust"
    assert rule.after_escalation(0.5, 0.5) < (0.5, 0.5), "escalating should cost satisfaction"


# -- services -----------------------------------------------------------------------------------
def test_service_quality_rises_with_hours():
    rule = ServiceRule(ServiceParams())
    quality = [rule.quality(hours, residents=1000) for hours in (0.0, 100.0, 1000.0)]
    assert quality[0] == 0.0 and quality[0] < quality[1] < quality[2] < 1, (
        "more service hours per resident, better service (saturating)")
    after = rule.satisfaction_after(np.array([0.2, 0.9]), quality[2])
    assert after[0] > 0.2 and after[1] < 0.9, "satisfaction should move toward quality"


class _Draws:
    """Hands out fixed uniform draws, as a stream's ``random()`` would."""

    def __init__(self, values: list[float]) -> None:
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0)


def _logit_pick(utility: list[float], draw: float, plans: list[Plan]) -> Plan:
    """The general logit pick, written out: max, weights, their sum, then walk the weights."""
    best = max(utility)
    weights = [math.exp((u - best) / 0.1) for u in utility]
    draw *= sum(weights)
    for plan, weight in zip(plans, weights, strict=True):
        draw -= weight
        if draw < 0:
            return plan
    return plans[-1]


def test_a_choice_of_two_picks_as_the_general_logit_rule():
    rule = AssessmentRule(AssessmentParams(choice_temperature=0.1, hour_price=0.05))
    rng = np.random.default_rng(7)
    plans = [Plan.WORK, Plan.BOUNCE]
    for _ in range(2000):
        expectations = Expectations(0.5)
        scored = dict(zip(plans, rng.random(2).tolist(), strict=True))
        expectations.expected = {COMMITTEE_CASE: scored}
        hours, draw, pressure = rng.random(2).tolist(), float(rng.random()), float(rng.random())
        case = Case(0, 0, 0, 0, 0, 0, 0.5, (0,))
        chosen = rule.decide(expectations, case, dict(zip(plans, hours, strict=True)),
                             pressure, _Draws([draw]))
        price = 0.05 * pressure
        scores = expectations.expected[COMMITTEE_CASE]
        utility = [scores[p] - price * h for p, h in zip(plans, hours, strict=True)]
        assert chosen == _logit_pick(utility, draw, plans), (
            "the two-option shortcut should pick what the general rule picks")
