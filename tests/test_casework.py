"""Contract tests of the case system: each agent type, given scripted cases, decides and asks
:class:`model.casework.CaseDesk` to carry the decision out (the idea of Axelrod's per-player
tests: one agent, known inputs, the moves it must make).

A :class:`RecordingDesk` stands in for the model's casework and records each call instead of
moving the case, so a test sees exactly what the agent asked for.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import small_scenario

from model import GovernanceModel
from model.cases import Attribute, Case, Channel, Level, Plan, Status
from model.casework import CaseDesk, Casework

AGENT_FILES = sorted((Path(__file__).resolve().parent.parent / "model" / "agents").glob("*.py"))
DESK_METHODS = {name for name, _ in inspect.getmembers(CaseDesk, inspect.isfunction)
                if not name.startswith("_")}

# baseline categories and departments by name (the order of scenarios/baseline.toml)
ELDERLY_CARE, ENVIRONMENT, NEIGHBOUR_DISPUTE, HOUSING_REPAIR = 0, 2, 3, 4
PROPERTY_DISPUTE, HEALTH_SERVICE, PARKING = 5, 9, 12
CIVIL_AFFAIRS, HEALTH, PUBLIC_SECURITY, HOUSING, URBAN_MANAGEMENT = 0, 2, 3, 4, 5


class RecordingDesk:
    """Records what agents ask of the case system, without moving any case."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.fixes_funded: list[tuple[int, int]] = []  # (case, holder) of each paid fix
        self.funds_ok = True  # whether the fund a fix draws on can pay


    def forward(self, case: Case, bounced: bool = False) -> None:
        self.calls.append(("forward", case.id, bounced))

    def refer(self, case: Case, specialty: str) -> None:
        self.calls.append(("refer", case.id, specialty))

    def route(self, case: Case, department: int, misrouted: bool) -> None:
        self.calls.append(("route", case.id, department, misrouted))

    def whistle(self, case: Case, street: Any) -> None:
        self.calls.append(("whistle", case.id, street.index))

    def assign(self, case: Case, street: Any, department: int) -> None:
        self.calls.append(("assign", case.id, street.index, department))

    def bounce(self, case: Case) -> None:
        self.calls.append(("bounce", case.id))

    def claim(self, case: Case, department: int) -> None:
        self.calls.append(("claim", case.id, department))

    def push_down(self, case: Case) -> None:
        self.calls.append(("push_down", case.id))

    def leg_done(self, case: Case) -> None:
        self.calls.append(("leg_done", case.id))

    def return_to_committee(self, case: Case) -> None:
        self.calls.append(("return_to_committee", case.id))

    def meeting_ended(self, case: Case) -> None:
        self.calls.append(("meeting_ended", case.id, case.plan, case.skipped))

    def close(self, case: Case, status: Status, level: Level = Level.NONE) -> None:
        self.calls.append(("close", case.id, status, level))

    def pay(self, amount: float) -> None:
        self.calls.append(("pay", round(amount, 6)))

    def fund_fix(self, case: Case, holder: int) -> bool:
        if self.funds_ok:
            self.fixes_funded.append((case.id, holder))
        return self.funds_ok

    def count_meeting(self, invited: int, attended: int) -> None:
        self.calls.append(("count_meeting",))


def district(overrides: dict[str, Any] | None = None,
             scenario: str = "baseline") -> tuple[GovernanceModel, RecordingDesk]:
    """A fresh small district whose casework is replaced by a recorder."""
    model = GovernanceModel(small_scenario(scenario, overrides), rng=1)
    desk = RecordingDesk()
    model.casework = desk  # type: ignore[assignment]
    return model, desk


def knowing_remits(model: GovernanceModel) -> None:
    """Let every street office know who handles each category several departments claim."""
    for street in model.streets:
        for category in range(len(model.category_specs)):
            model.rules.information.saw_remit(street.node, category, model.day)


def scripted(model: GovernanceModel, category: int, *, case_id: int = 0, hard: bool = False,
             lost: int = 0, community: int = 0) -> Case:
    """A reported case of ``category`` raised today in ``community``."""
    case = Case(case_id, category, resident=0, community=community,
                street=model.committees[community].street, day=model.day, urgency=0.5,
                legs=model.category_legs[category])
    case.hard = hard
    case.lost = Attribute(lost)
    return case


def hand_to(agent: Any, case: Case) -> None:
    """Put ``case`` at ``agent`` as a hop would."""
    case.move(agent.node)
    agent.enqueue(case)


def work_through(committee: Any, days: int = 10) -> None:
    """Work the committee's days until its case queue is empty (its cases get a share a day)."""
    for _ in range(days):
        committee.work_day()
        if not committee.queue:
            return


def without_pay(calls: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [call for call in calls if call[0] != "pay"]


# -- the interface itself --------------------------------------------------------------------
def test_recording_desk_and_casework_offer_the_desk_interface():
    recorder = {name for name, _ in inspect.getmembers(RecordingDesk, inspect.isfunction)
                if not name.startswith("_")}
    assert recorder == DESK_METHODS, "the recorder should implement exactly the desk's methods"
    missing = [name for name in DESK_METHODS if not callable(getattr(Casework, name, None))]
    assert not missing, f"Casework should implement every desk method; missing {missing}"


@pytest.mark.parametrize("path", AGENT_FILES, ids=lambda p: p.name)
def test_agents_use_only_the_desk_and_never_write_tallies(path):
    source = path.read_text(encoding="utf-8")
    used = set(re.findall(r"casework\.(\w+)", source))
    assert used <= DESK_METHODS, (
        f"{path.name} calls casework methods outside the desk: {sorted(used - DESK_METHODS)}")
    assert "tally" not in source and "calendar" not in source, (
        f"{path.name} should leave tallies and timers to model.casework")
    assert not re.search(r"model\.(send|close|visit)\(", source), (
        f"{path.name} should move and end cases only through model.casework")


# -- departments -------------------------------------------------------------------------------
def test_department_bounces_a_case_meant_for_another_department():
    model, desk = district()
    case = scripted(model, HEALTH_SERVICE)  # health's case, handed to housing
    hand_to(model.departments[HOUSING], case)
    model.departments[HOUSING].work_day()
    assert desk.calls == [("bounce", 0)], "a misrouted case should be bounced to the street"
    assert case.plan == Plan.BOUNCE and model.departments[HOUSING].bounced == 1


SURE = {"assessment.choice_temperature": 0.001}  # choices follow expectations exactly


def expecting(agent_expectations: Any, **scores: float) -> None:
    """Script what a unit expects each option to score, on every channel (plan name = score)."""
    plans = {Plan(name.lower()): score for name, score in scores.items()}
    agent_expectations.expected = {channel: dict(plans) for channel in Channel}


def test_department_bounces_a_shared_remit_when_bouncing_scores_best():
    model, desk = district(SURE)
    department = model.departments[PUBLIC_SECURITY]
    expecting(department.screening[0], BOUNCE=0.9, WORK=0.3)
    case = scripted(model, NEIGHBOUR_DISPUTE)  # public security's, claimed by civil affairs
    hand_to(department, case)
    department.work_day()
    assert desk.calls == [("bounce", 0)], "a shared remit should be bounced when that pays"
    assert case.decisions and case.decisions[0][1] == Plan.BOUNCE, "the choice is remembered"


def test_department_works_a_shared_remit_when_working_scores_best():
    model, desk = district({**SURE, "departments.public_security.solve_prob": 1.0})
    department = model.departments[PUBLIC_SECURITY]
    expecting(department.screening[0], BOUNCE=0.3, WORK=0.9)
    case = scripted(model, NEIGHBOUR_DISPUTE)
    hand_to(department, case)
    department.work_day()
    assert desk.calls == [("leg_done", 0)]


def test_a_departments_street_teams_work_their_own_streets_cases():
    model, desk = district({**SURE, "district.communities_per_street": 1,
                            "departments.public_security.solve_prob": 1.0,
                            "departments.public_security.hours_per_1000_residents": 30.0})
    department = model.departments[PUBLIC_SECURITY]
    assert len(department.teams) == 3, "one team per street office"
    for team in department.screening:
        expecting(team, BOUNCE=0.3, WORK=0.9)
    for k in range(1, 51):  # a backlog in the first street
        hand_to(department, scripted(model, NEIGHBOUR_DISPUTE, case_id=k, community=0))
    hand_to(department, scripted(model, NEIGHBOUR_DISPUTE, case_id=99, community=1))
    department.work_day()
    assert ("leg_done", 99) in desk.calls, (
        "the second street's team works its case the day it comes, whatever the first's backlog")
    assert ("leg_done", 50) not in desk.calls, "the first street's team is still behind"
    assert department.queued_hours > 0 and len(department.teams[1]) == 0


def test_department_pushes_a_hard_devolvable_case_down_when_that_scores_best():
    model, desk = district(SURE)
    department = model.departments[HOUSING]
    expecting(department.screening[0], PUSH_DOWN=0.9, WORK=0.3)
    case = scripted(model, HOUSING_REPAIR, hard=True)
    hand_to(department, case)
    department.work_day()
    assert desk.calls == [("push_down", 0)], "a hard devolvable case should be pushed down"


def test_department_that_is_behind_prices_its_hours():
    model, desk = district({**SURE, "assessment.hour_price": 0.2})
    department = model.departments[HOUSING]
    expecting(department.screening[0], PUSH_DOWN=0.5, WORK=0.7)
    for i in range(1, 40):  # a long queue of other cases ahead
        hand_to(department, scripted(model, HOUSING_REPAIR, case_id=i))
    case = scripted(model, HOUSING_REPAIR, hard=True)
    hand_to(department, case)
    department.queue.rotate(1)  # the hard case is next
    department.work_day()
    assert desk.calls[0] == ("push_down", 0), (
        "fully behind, the hours of working it should outweigh its better expected score")


def test_department_never_pushes_down_a_case_brought_in_person():
    model, desk = district(SURE)
    department = model.departments[HOUSING]
    expecting(department.screening[0], PUSH_DOWN=1.0, WORK=0.0)
    case = scripted(model, HOUSING_REPAIR, hard=True)
    case.channel = Channel.VISIT
    hand_to(department, case)
    for _ in range(3):
        department.work_day()
    assert ("push_down", 0) not in desk.calls, "a resident at the counter is not pushed down"


def test_department_does_its_part_of_an_easy_case():
    model, desk = district({"departments.housing.solve_prob": 1.0})
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.departments[HOUSING], case)
    model.departments[HOUSING].work_day()
    assert desk.calls == [("leg_done", 0)], "a solved part should be handed on as done"
    assert case.decisions is None, "an easy case in its remit leaves nothing to choose"


def test_department_pays_its_share_of_the_fix_from_its_fund():
    model, desk = district({"departments.housing.solve_prob": 1.0})
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.departments[HOUSING], case)
    model.departments[HOUSING].work_day()
    assert desk.fixes_funded == [(0, HOUSING)] and desk.calls == [("leg_done", 0)]


def test_department_closes_its_part_unsolved_when_its_fund_cannot_pay():
    model, desk = district({"departments.housing.solve_prob": 1.0})
    desk.funds_ok = False
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.departments[HOUSING], case)
    model.departments[HOUSING].work_day()
    assert desk.calls == [("close", 0, Status.CLOSED_UNSOLVED, Level.DEPARTMENT)], (
        "a fix with no money behind it is not done")


def test_department_closes_its_part_unsolved_when_the_fix_fails():
    model, desk = district({"departments.housing.solve_prob": 0.0})
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.departments[HOUSING], case)
    model.departments[HOUSING].work_day()
    assert desk.calls == [("close", 0, Status.CLOSED_UNSOLVED, Level.DEPARTMENT)]


def test_department_closes_a_hard_case_unsolved_when_closing_scores_best():
    model, desk = district(SURE)
    department = model.departments[HOUSING]
    expecting(department.screening[0], PUSH_DOWN=0.0, WORK=1.0)
    expecting(department.hard_cases[0], CLOSE=0.9, WORK=0.3)
    case = scripted(model, HOUSING_REPAIR, hard=True)
    hand_to(department, case)
    department.work_day()
    assert desk.calls == [("close", 0, Status.CLOSED_UNSOLVED, Level.DEPARTMENT)]
    assert case.quick_closed, "the closure should be marked as a quick one"


def test_department_works_a_hard_case_through_when_that_scores_best():
    model, desk = district({**SURE, "departments.housing.solve_prob": 1.0})
    department = model.departments[HOUSING]
    expecting(department.screening[0], PUSH_DOWN=0.0, WORK=1.0)
    expecting(department.hard_cases[0], CLOSE=0.3, WORK=0.9)
    case = scripted(model, HOUSING_REPAIR, hard=True)
    hand_to(department, case)
    for _ in range(5):  # the extra work of a hard case may take more than a day
        department.work_day()
    assert desk.calls == [("leg_done", 0)] and not case.quick_closed
    assert [record[1] for record in case.decisions] == [Plan.WORK, Plan.WORK]


def answer_summons_due_today(model: GovernanceModel, **expected: float) -> tuple[Any, Case]:
    """Summon health to a one-part case due today, with ``expected`` answer scores; work a day."""
    health = model.departments[HEALTH]
    expecting(health.answering[0], **expected)
    case = scripted(model, HEALTH_SERVICE)
    case.joint_parts = 1
    health.summon(case, deadline=model.day)
    health.work_day()
    return health, case


def test_summoned_department_answers_at_its_deadline_in_overtime():
    model, desk = district({**SURE, "departments.health.hours_per_1000_residents": 0.5},
                           scenario="whistle")
    health, case = answer_summons_due_today(model, REPORT=0.9, TOKEN=0.1)
    wage = model.params.talent.wage_per_hour
    need = health._part_hours(case)
    assert desk.calls[0] == ("pay", round((need - 1.0) * wage, 6)), (
        "the hours beyond the day's should be paid as overtime")
    assert without_pay(desk.calls) == [("meeting_ended", 0, Plan.NONE, 0)], (
        "the part is done and the meeting ends")


@pytest.mark.parametrize("rated", [True, False])
def test_summoned_department_answers_in_name_only_when_that_scores_best(rated):
    model, desk = district({**SURE, "whistle.street_rates_answers": rated}, scenario="whistle")
    health, case = answer_summons_due_today(model, REPORT=0.3, TOKEN=0.9)
    assert desk.calls == [("meeting_ended", 0, Plan.NONE, 1 << HEALTH)], (
        "a part answered in name only is left undone, for routing")
    assert [record[1] for record in case.decisions] == [Plan.TOKEN]
    assert case.decisions[0][3] == int(rated), (
        "the street's rating blames an answer in name only when the rating counts")


def test_invited_department_lets_the_invitation_pass_at_its_deadline_without_overtime():
    model, desk = district({**SURE, "departments.health.hours_per_1000_residents": 0.5})
    health, case = answer_summons_due_today(model, REPORT=0.9, TOKEN=0.1)
    assert desk.calls == [("meeting_ended", 0, Plan.NONE, 1 << HEALTH)], (
        "without the whistle no overtime is worked for an invitation: its part goes to routing")
    assert case.decisions is None, "how a department answered an invitation is not counted"


def test_invited_department_with_spare_hours_chooses_by_hours_alone():
    answers = []
    for report, token in ((0.9, 0.1), (0.1, 0.9)):  # what a counted summons would score
        model, desk = district({"departments.health.hours_per_1000_residents": 50.0})
        health = model.departments[HEALTH]
        expecting(health.answering[0], REPORT=report, TOKEN=token)
        cases = [scripted(model, HEALTH_SERVICE, case_id=i) for i in range(40)]
        for case in cases:
            case.joint_parts = 1
            health.summon(case, deadline=model.day + 5)
        health.work_day()
        assert all(case.decisions is None for case in cases), "an invitation is not counted"
        answers.append([call for call in desk.calls if call[0] == "meeting_ended"])
    assert len(answers[0]) == 40 and answers[0] == answers[1], (
        "expected scores do not sway a choice nobody counts")
    assert {call[3] for call in answers[0]} == {0, 1 << HEALTH}, (
        "an idle department prices no hours, so it does or lets pass the part alike")


def test_summoned_department_waits_for_spare_hours_before_its_deadline():
    model, desk = district({"departments.health.hours_per_1000_residents": 0.5})
    case = scripted(model, HEALTH_SERVICE)
    case.joint_parts = 1
    model.departments[HEALTH].summon(case, deadline=model.day + 5)
    model.departments[HEALTH].work_day()
    assert desk.calls == [], "before its deadline a summons waits for spare hours"


# -- street offices ----------------------------------------------------------------------------
def test_street_routes_a_well_described_case_to_its_department():
    model, desk = district()
    knowing_remits(model)
    case = scripted(model, HEALTH_SERVICE)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    assert desk.calls == [("route", 0, HEALTH, False)]


def test_street_misroutes_a_case_whose_category_was_lost():
    model, desk = district()
    case = scripted(model, NEIGHBOUR_DISPUTE, lost=Attribute.CATEGORY)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    (name, _, target, misrouted), = desk.calls
    assert name == "route" and misrouted and target == CIVIL_AFFAIRS, (
        "a case with no information left should go to the other claimant of its category")


def test_street_whistles_for_a_multi_department_case_when_whistling_scores_best():
    model, desk = district(SURE, scenario="whistle")
    expecting(model.streets[0].whistling, WHISTLE=0.9, ROUTE=0.3)
    case = scripted(model, PARKING)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    assert desk.calls == [("whistle", 0, 0)] and model.streets[0].whistles == 1
    assert [record[1] for record in case.decisions] == [Plan.WHISTLE]


def test_street_routes_a_case_the_whistle_could_take_when_routing_scores_best():
    model, desk = district(SURE, scenario="whistle")
    knowing_remits(model)
    expecting(model.streets[0].whistling, WHISTLE=0.3, ROUTE=0.9)
    case = scripted(model, PARKING)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    assert desk.calls == [("route", 0, URBAN_MANAGEMENT, False)] and not model.streets[0].whistles


def test_street_routes_a_multi_department_case_without_the_whistle():
    model, desk = district()
    knowing_remits(model)
    case = scripted(model, PARKING)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    assert desk.calls == [("route", 0, URBAN_MANAGEMENT, False)]


def test_street_pushes_down_a_case_with_no_department_left():
    model, desk = district()
    case = scripted(model, HEALTH_SERVICE)
    case.leg = len(case.legs)
    hand_to(model.streets[0], case)
    model.streets[0].work_day()
    assert desk.calls == [("push_down", 0)]


# -- residents' committees -----------------------------------------------------------------
def test_committee_settles_an_authorised_case_when_settling_scores_best():
    model, desk = district({**SURE, "devolution.level": 1.0, "devolution.resources_follow": 1.0,
                            "devolution.committee_solve_prob": 1.0,
                            "devolution.novice_settle_factor": 1.0})
    expecting(model.committees[0].choices, SETTLE=0.9, FORWARD=0.3)
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("close", 0, Status.RESOLVED, Level.COMMUNITY)]
    assert desk.fixes_funded == [(0, model.treasury.committee_holder)], (
        "the committee pays the repair from its own fund")


def test_committee_without_money_for_the_fix_settles_only_as_a_makeshift():
    model, desk = district({**SURE, "devolution.level": 1.0, "devolution.resources_follow": 1.0,
                            "devolution.committee_solve_prob": 1.0,
                            "devolution.novice_settle_factor": 1.0,
                            "devolution.unauthorised_solve_prob": 0.0})
    expecting(model.committees[0].choices, SETTLE=0.9, DECLINE=0.3)
    model.treasury.balance[:] = 0.0
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert case.plan == Plan.SETTLE and desk.calls == [("forward", 0, False)], (
        "without money the repair succeeds only as often as settling without authority")
    assert desk.fixes_funded == []


def test_committee_passes_up_an_authorised_case_when_forwarding_scores_best():
    model, desk = district({**SURE, "devolution.level": 1.0})
    expecting(model.committees[0].choices, SETTLE=0.3, DECLINE=0.9)
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("forward", 0, False)] and case.plan == Plan.DECLINE, (
        "passing up a devolved case is declining a duty")


def test_committee_works_a_duty_without_power_and_settles_it_only_as_seldom_as_that_allows():
    model, desk = district({**SURE, "devolution.level": 1.0,
                            "devolution.authority_follows": 0.0,
                            "devolution.committee_solve_prob": 1.0,
                            "devolution.novice_settle_factor": 1.0,
                            "devolution.unauthorised_solve_prob": 0.0})
    expecting(model.committees[0].choices, SETTLE=0.9, DECLINE=0.3)
    model.treasury.balance[:] = 1e6  # money is not what stops it
    case = scripted(model, HOUSING_REPAIR)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert case.plan == Plan.SETTLE and desk.calls == [("forward", 0, False)], (
        "a duty devolved without the power to settle it (有责无权) is worked, then passed up")
    assert model.committees[0].hours_worked > 0, "the attempt took the committee's hours"


def test_committee_closes_a_hard_case_unsolved_when_closing_scores_best():
    model, desk = district({**SURE, "devolution.level": 1.0})
    expecting(model.committees[0].choices, SETTLE=0.3, DECLINE=0.3, CLOSE=0.9)
    case = scripted(model, HOUSING_REPAIR, hard=True)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("close", 0, Status.CLOSED_UNSOLVED, Level.COMMUNITY)]


def test_committee_forwards_what_it_has_no_authority_for():
    model, desk = district({"devolution.level": 0.0})
    case = scripted(model, HEALTH_SERVICE)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("forward", 0, False)]


def test_committee_sends_back_up_a_pushed_down_case_it_cannot_settle():
    model, desk = district({**SURE, "devolution.level": 0.0,
                            "devolution.unauthorised_solve_prob": 0.0})
    expecting(model.committees[0].choices, SETTLE=0.9, FORWARD=0.3, CLOSE=0.3)
    model.treasury.balance[:] = 1e6  # money is not what stops it
    case = scripted(model, HOUSING_REPAIR, hard=True)
    case.pushed_down = True
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("forward", 0, True)], "a failed push-down goes back up as a bounce"


def test_committee_refers_a_case_an_ngo_can_take_when_referring_scores_best():
    model, desk = district({**SURE, "devolution.level": 0.0})
    expecting(model.committees[0].choices, REFER=0.9, FORWARD=0.3)
    case = scripted(model, ELDERLY_CARE)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("refer", 0, "elderly_care")] and case.decisions, (
        "a referral is a choice the assessment scores")


def test_committee_passes_up_a_case_an_ngo_could_take_when_that_scores_best():
    model, desk = district({**SURE, "devolution.level": 0.0})
    expecting(model.committees[0].choices, REFER=0.3, FORWARD=0.9)
    case = scripted(model, ELDERLY_CARE)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("forward", 0, False)]


def test_committee_cannot_refer_when_the_ngo_has_no_room():
    model, desk = district({**SURE, "devolution.level": 0.0})
    expecting(model.committees[0].choices, REFER=0.9, FORWARD=0.3)
    for ngo in model.ngos:
        ngo.hours_per_day = 0.0
    case = scripted(model, ELDERLY_CARE)
    hand_to(model.committees[0], case)
    work_through(model.committees[0])
    assert desk.calls == [("forward", 0, False)] and not case.decisions, (
        "with no NGO to refer to there is nothing to choose: the case goes up")


def test_committee_holds_a_collective_dispute_for_its_meeting():
    model, desk = district({"consultation.quorum": 1000})
    committee = model.committees[0]
    committee.next_meeting_day = model.day + 1
    case = scripted(model, PROPERTY_DISPUTE)
    hand_to(committee, case)
    work_through(committee)
    assert desk.calls == [] and case.plan == Plan.MEETING, "the dispute should wait"
    committee.hold_meeting()
    assert desk.calls == [("forward", 0, False), ("count_meeting",)], (
        "a meeting without a quorum cannot decide: the dispute goes up, the meeting counts")


AGREE = {"consultation.confidence": 1.0, "consultation.polarisation": 0.0,
         "consultation.quorum": 1}
NO_QUORUM = {"consultation.quorum": 1000}


def change_at_meeting(column: str, overrides: dict[str, Any], money: bool = True,
                      dispute: bool = True) -> float:
    """Mean change of a population ``column`` in community 0 over one meeting of everyone."""
    model, desk = district({**overrides, "consultation.invited_share": 1.0,
                            "consultation.mobilisation_weight": 0.0,
                            "population.initial_trust": 0.5, "population.spread": 0.0})
    desk.funds_ok = money
    committee = model.committees[0]
    committee.next_meeting_day = model.day + 1
    if dispute:
        hand_to(committee, scripted(model, PROPERTY_DISPUTE))
        work_through(committee)
    part = model.population.community_slice(0)
    before = getattr(model.population, column)[part].copy()
    committee.hold_meeting()
    return float((getattr(model.population, column)[part] - before).mean())


@pytest.mark.parametrize(("overrides", "money", "settled"), [
    (AGREE, True, True), (AGREE, False, False), (NO_QUORUM, True, False)])
def test_an_agreement_carried_out_settles_the_disputes_kind_for_a_while(overrides, money,
                                                                         settled):
    model, desk = district({**overrides, "consultation.invited_share": 1.0,
                            "consultation.mobilisation_weight": 0.0})
    desk.funds_ok = money
    committee = model.committees[0]
    committee.next_meeting_day = model.day + 1
    hand_to(committee, scripted(model, PROPERTY_DISPUTE))
    work_through(committee)
    committee.hold_meeting()
    until = model.demand.settled_until
    holds = model.day + model.params.consultation.agreement_days
    assert until[0, PROPERTY_DISPUTE] == (holds if settled else 0), (
        "only an agreement the fund carries out settles the dispute")
    assert until.sum() == until[0, PROPERTY_DISPUTE], "nothing else is settled"
    assert model.demand.holding(holds - 1) == settled and not model.demand.holding(holds)


def test_trust_follows_what_a_meeting_carries_out_not_that_it_was_held():
    changes = [change_at_meeting("trust", AGREE), change_at_meeting("trust", AGREE, money=False),
               change_at_meeting("trust", NO_QUORUM)]
    carried, broken, undecided = changes
    assert carried > 0 > broken, (
        f"a decision carried out builds trust, one not carried out erodes it: {changes}")
    assert undecided == 0.0, "a meeting that decides nothing has no record to judge"


def test_belief_in_meetings_follows_what_their_agenda_achieved():
    changes = [change_at_meeting("efficacy", AGREE), change_at_meeting("efficacy", NO_QUORUM),
               change_at_meeting("efficacy", AGREE, dispute=False)]
    carried, undecided, no_agenda = changes
    assert carried > 0 > undecided, (
        f"a meeting that carries out its agenda raises belief in meetings, one that decides "
        f"nothing lowers it: {changes}")
    assert no_agenda == 0.0, "a meeting with nothing on its agenda shows nothing"


def test_satisfaction_follows_what_a_meeting_carries_out():
    carried, broken = (change_at_meeting("satisfaction", AGREE),
                       change_at_meeting("satisfaction", AGREE, money=False))
    assert carried > 0 > broken, (
        f"residents are more content after a decision carried out, less after one broken: "
        f"{carried}, {broken}")


def test_attendees_tell_their_ties_what_a_meeting_achieved():
    model, desk = district({**AGREE, "consultation.invited_share": 0.3,
                            "consultation.mobilisation_weight": 0.0,
                            "consultation.transparency": 0.1,
                            "population.initial_trust": 0.5, "population.spread": 0.0})
    committee = model.committees[0]
    committee.next_meeting_day = model.day + 1
    hand_to(committee, scripted(model, PROPERTY_DISPUTE))
    work_through(committee)
    population = model.population
    part = population.community_slice(0)
    before = population.efficacy[part].copy()
    committee.hold_meeting()
    change = population.efficacy[part] - before
    attended = population.last_attended[part] == model.day
    told = np.zeros(len(change), dtype=bool)
    ties = population.listeners[np.flatnonzero(attended) + part.start].ravel() - part.start
    told[ties[(ties >= 0) & (ties < len(change))]] = True
    told &= ~attended
    rest = ~(attended | told)
    assert attended.any() and told.any() and rest.any()
    assert change[attended].mean() > change[told].mean() > change[rest].mean() > 0, (
        "attendees saw the record, their ties heard it from them, the rest read what was "
        "published")


# -- NGOs and halls ------------------------------------------------------------------------------
@pytest.mark.parametrize(("professionalism", "expected"), [
    (1.0, ("close", 0, Status.RESOLVED, Level.NGO)),
    (0.0, ("return_to_committee", 0)),
])
def test_ngo_solves_by_professionalism_or_returns_the_case(professionalism, expected):
    model, desk = district({"procurement.volume_learning": 0.0})
    ngo = model.ngos[0]
    ngo.professionalism = professionalism
    case = scripted(model, ELDERLY_CARE)
    hand_to(ngo, case)
    for _ in range(10):
        ngo.work_day()
    assert desk.calls == [expected]


def test_hall_settles_an_administrative_case_where_it_sits():
    model, desk = district(scenario="one_stop")
    hall = model.halls[0]
    case = scripted(model, 1)  # social assistance: an administrative service
    hand_to(hall, case)
    hall.work_day()
    (name, case_id, status, level), = desk.calls
    assert (name, case_id, level) == ("close", 0, Level.STREET)
    assert status in (Status.RESOLVED, Status.CLOSED_UNSOLVED)
