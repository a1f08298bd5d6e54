"""Each policy rule on its own: directions and exact values, with scripted cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.cases import Case, Node, Plan, Status
from model.rules.assessment import AssessmentRule, Expectations
from model.rules.consultation import ConsultationRule
from model.rules.demand import DemandRule
from model.rules.devolution import DevolutionRule
from model.rules.information import InformationRule
from model.rules.judgement import JudgementRule
from model.rules.one_stop import OneStopRule
from model.rules.procurement import ProcurementRule
from model.rules.services import ServiceRule
from model.rules.talent import TalentRule
from model.rules.whistle import WhistleRule
from model.scenario import load_scenario
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


def case(legs: tuple[int, ...] = (0,), day: int = 0) -> Case:
    return Case(0, 0, 0, 0, 0, day, 0.5, legs)


# -- information --------------------------------------------------------------------------------
def test_hop_within_platform_keeps_information_and_time():
    params = InformationParams(unified_platform=True, sharing_scope=0.5)
    rule = InformationRule(params, n_departments=6)
    joined, apart = case(), case()
    assert rule.hop(joined, COMMITTEE, Node("department", 2)) == (
        params.unified_hop_delay_days, 0), "a connected hop should need no duplicate entry"
    assert rule.hop(apart, COMMITTEE, Node("department", 3)) == (
        params.siloed_hop_delay_days, 1), "a hop to an unconnected department needs one entry"
    assert joined.fidelity == params.unified_hop_fidelity > apart.fidelity, (
        "a connected hop should keep more information")
    assert (joined.duplicate_entries, apart.duplicate_entries) == (0, 1), (
        "the case should count its duplicate entries")


def test_siloed_systems_connect_nothing():
    rule = InformationRule(InformationParams(unified_platform=False), n_departments=6)
    assert not any(rule.connected(n) for n in (COMMITTEE, STREET, Node("department", 0))), (
        "without a platform no place should be connected")
    assert rule.delay_forgiveness() == 0.0, "without a platform residents see no progress"
    unified = InformationRule(InformationParams(unified_platform=True), n_departments=6)
    assert not unified.connected(Node("resident", 0)), "residents are never on the platform"


def test_misroute_falls_with_bounces_and_rises_with_overlap():
    params = InformationParams()
    rule = InformationRule(params, n_departments=6)
    item = case()
    item.fidelity = 0.8
    chances = []
    for bounces in range(3):
        item.bounces = bounces
        chances.append(rule.misroute_probability(item, overlapping=False))
    assert chances[0] == pytest.approx(params.misroute_scale * 0.2), "chance = scale x loss"
    assert chances[0] > chances[1] > chances[2], "each bounce should make misrouting rarer"
    item.bounces = 0
    assert rule.misroute_probability(item, overlapping=True) == pytest.approx(
        chances[0] + params.overlap_misroute), "overlapping remits should add misrouting"


def test_work_factor_rises_as_information_is_lost():
    rule = InformationRule(InformationParams(clarify_factor=1.0), n_departments=6)
    item = case()
    assert rule.work_factor(item) == 1.0, "a fully informed case needs no clarifying"
    item.fidelity = 0.6
    assert rule.work_factor(item) == pytest.approx(1.4), "lost information adds work"


# -- devolution ---------------------------------------------------------------------------------
def test_authority_follows_listing_order_of_devolvable_categories():
    devolvable = [True, False, True, True, True]
    granted = {level: DevolutionRule(DevolutionParams(level=level), devolvable).authorised
               for level in (0.0, 0.5, 1.0)}
    assert granted[0.0] == frozenset(), "level 0 should devolve nothing"
    assert granted[0.5] == {0, 2}, "half of four devolvable: the first two listed"
    assert granted[1.0] == {0, 2, 3, 4}, "level 1 devolves every devolvable, never others"


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
def test_ledger_hours_rise_with_process_weight():
    hours = [AssessmentRule(AssessmentParams(process_weight=w), unified=True)
             .ledger_hours_per_day() for w in (0.0, 0.5, 1.0)]
    assert hours[0] < hours[1] < hours[2], "more process weight, more paperwork pushed down"
    siloed = AssessmentRule(AssessmentParams(process_weight=0.5), unified=False)
    assert siloed.ledger_hours_per_day() == pytest.approx(
        hours[1] * AssessmentParams().siloed_ledger_factor), "silos multiply the ledgers"


def test_scores_count_what_the_assessment_counts():
    process = AssessmentRule(AssessmentParams(process_weight=1.0, blame_weight=0.25), True)
    outcome = AssessmentRule(AssessmentParams(process_weight=0.0, blame_weight=0.25), True)
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
    assert seen.of(Plan.WORK) == 0.5, "an option never assessed keeps the prior"
    for score in (1.0, 0.0, 1.0):
        seen.record(Plan.WORK, score)
    seen.learn(rate=0.5)
    assert seen.of(Plan.WORK) == pytest.approx(0.5 + 0.5 * (2 / 3 - 0.5))
    assert seen.of(Plan.CLOSE) == 0.5, "an option not tried this round is not moved"
    seen.learn(rate=0.5)
    assert seen.of(Plan.WORK) == pytest.approx(0.5 + 0.5 * (2 / 3 - 0.5)), (
        "a round with no cases teaches nothing")


def test_choices_follow_expected_scores_and_hours_under_pressure():
    rule = AssessmentRule(AssessmentParams(choice_temperature=0.05, hour_price=0.05), True)
    seen = Expectations(prior=0.5)
    seen.expected = {Plan.WORK: 0.7, Plan.CLOSE: 0.5}
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
    rule = AssessmentRule(AssessmentParams(process_weight=1.0, blame_weight=0.25), True)
    unit = Expectations(prior=0.5)
    item = case()
    rule.decide(unit, item, {Plan.BOUNCE: 0.0}, 0.0, np.random.default_rng(0))
    item.escalations += 1
    rule.decide(unit, item, {Plan.WORK: 1.0}, 0.0, np.random.default_rng(0))
    rule.credit(item, on_time=True, judgement=1.0)
    assert unit.seen == {Plan.BOUNCE: [0.5, 1.0], Plan.WORK: [1.0, 1.0]}, (
        "the bounce came back and escalated once (blame 2); the work was on time")


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
    off = WhistleRule(WhistleParams(enabled=False))
    assert not off.on_arrival(case(legs=(0, 1)), 99) and off.stuck_check_after() is None, (
        "a disabled whistle never blows")


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
def test_settle_probability_rises_with_attendance():
    rule = ConsultationRule(ConsultationParams())
    chances = [rule.settle_probability(a) for a in (0.0, 0.1, 0.3, 1.0)]
    assert chances[0] == 0.0, "nobody attending settles nothing"
    assert chances == sorted(chances) and chances[-1] < ConsultationParams().settle_max, (
        "more attendance, more disputes settled, up to settle_max")


def test_meetings_raise_trust_and_paperwork_deters_attendance():
    rule = ConsultationRule(ConsultationParams(transparency=1.0))
    trust = np.array([0.0, 0.5, 1.0])
    after = rule.trust_after(trust)
    assert np.all(after[:2] > trust[:2]) and after[2] == 1.0, "published decisions raise trust"
    participation, trust = np.full(5000, 0.5), np.full(5000, 0.5)
    free = rule.attendance(participation, trust, 0.0, np.random.default_rng(1)).mean()
    busy = rule.attendance(participation, trust, 0.8, np.random.default_rng(1)).mean()
    assert busy < free, "paperwork should keep residents away (自治行政化)"
    invited = rule.invite(100, np.random.default_rng(2))
    assert len(set(invited)) == 20, "invited_share of the community, each once"


# -- talent -------------------------------------------------------------------------------------
def test_stress_target_is_piecewise_linear():
    rule = TalentRule(TalentParams(stress_onset=0.7, stress_full=1.4))
    targets = [rule.stress_target(x) for x in (0.0, 0.7, 1.05, 1.4, 3.0)]
    assert targets == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0]), (
        "stress is 0 below onset, 1 above full, linear between")
    assert 0 < rule.next_stress(0.0, 3.0) < 1, "stress should move gradually toward target"


def test_quitting_rises_with_stress_and_falls_with_pay():
    calm, stressed = (TalentRule(TalentParams()).quit_probability(s) for s in (0.0, 1.0))
    assert stressed > calm > 0, "stress should drive workers out"
    paid = TalentRule(TalentParams(pay_index=1.5)).quit_probability(1.0)
    assert paid < stressed, "better pay should keep workers"
    assert calm == pytest.approx(1 - math.exp(-TalentParams().base_quit_rate / 365))


def test_productivity_experience_and_stress():
    rule = TalentRule(TalentParams())
    assert rule.productivity(1.0) > rule.productivity(0.0), "experience should raise output"
    assert rule.productivity(1.0, 1.0) < rule.productivity(1.0), "burnout should cut output"
    assert 0.5 < rule.next_experience(0.5) < 1, "experience should grow toward 1"


# -- demand -------------------------------------------------------------------------------------
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
def test_experience_penalties():
    params = ResidentParams()
    rule = JudgementRule(params, delay_forgiveness=0.0)
    category = CategorySpec(time_limit_days=10)
    item = case()
    item.status, item.closed_day, item.trips = Status.RESOLVED, 5, 1
    assert rule.experience(item, category) == 1.0, "solved on time in one trip scores 1"
    item.closed_day = 15
    late = rule.experience(item, category)
    assert late == pytest.approx(1 - params.delay_penalty * 0.5), "half a limit late"
    forgiving = JudgementRule(params, delay_forgiveness=0.5).experience(item, category)
    assert forgiving > late, "progress feedback should forgive part of the lateness"
    item.trips, item.bounces = 3, 2
    assert rule.experience(item, category) == pytest.approx(
        late - 2 * params.trip_penalty - 2 * params.bounce_penalty), "trips and bounces cost"
    item.status = Status.CLOSED_UNSOLVED
    assert rule.experience(item, category) == 0.0, "an unsolved case scores 0"


def test_reporting_and_updates():
    rule = JudgementRule(ResidentParams(), delay_forgiveness=0.0)
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
