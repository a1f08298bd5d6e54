"""Paperwork is produced: tasks handed down and every activity an inspection counts, documented
in each separate system it touches."""

from __future__ import annotations

import pytest
from conftest import small_scenario

from model import GovernanceModel
from model.cases import Case

DEPARTMENTS = 6  # in the bundled baseline
PARKING = 12  # a category needing urban management and public security


def committee_of(name: str = "baseline", **overrides):
    """The first committee of a fresh small district of scenario ``name``."""
    model = GovernanceModel(small_scenario(name, {f"assessment.{k}": v
                                                  for k, v in overrides.items()}), rng=1)
    return model, model.committees[0]


def test_tasks_handed_down_are_worked_and_documented_in_every_system():
    model, committee = committee_of(admin_tasks_per_day=6.0, admin_task_hours=1.0,
                                    record_hours=2.0, process_weight=0.5)
    # siloed: each task in the committee's ledger and its department's system
    assert committee.admin_hours_per_day == pytest.approx(6 * 1.0 + 6 * 0.5 * 2.0 * 2)
    shared_model, shared = committee_of("unified_platform", admin_tasks_per_day=6.0,
                                        admin_task_hours=1.0, record_hours=2.0,
                                        process_weight=0.5)
    automated = shared_model.params.information.automated_share
    assert shared.admin_hours_per_day == pytest.approx(
        6 * 1.0 + 6 * 0.5 * 2.0 * 1 * (1 - automated)), (
        "on the platform a task is one entry, part of it filled in by the platform")


def test_a_case_is_documented_once_per_system_it_touches():
    model, committee = committee_of(record_hours=2.0, process_weight=1.0)
    case = Case(0, PARKING, 0, 0, 0, 0, 0.5, model.category_legs[PARKING])
    owed = committee.paperwork_due
    committee.document(case.legs)
    assert committee.paperwork_due - owed == pytest.approx(2.0 * 3), (
        "the ledger and the two departments' systems each want an entry")
    assert committee.systems(()) == 1, "a meeting is entered in the committee's ledger only"


def test_paperwork_the_inspection_checks_comes_before_cases_and_services():
    model, committee = committee_of()
    committee.paperwork_due = 1e6
    committee.admin_hours_per_day = 0.0
    capacity = committee.capacity()
    committee.work_day()
    assert committee.paperwork_hours == pytest.approx(capacity), "paperwork takes the whole day"
    assert committee.service_hours == 0.0, "nothing is left to serve residents"


def test_a_committee_with_little_paperwork_serves_residents_with_the_rest():
    model, committee = committee_of()
    committee.paperwork_due = 0.0
    committee.admin_hours_per_day = 0.0
    spare = committee.capacity() - committee.overhead_due
    committee.work_day()
    assert committee.paperwork_hours == 0.0
    assert committee.service_hours == pytest.approx(spare), "hours not needed go to services"
