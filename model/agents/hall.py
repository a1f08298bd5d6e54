"""One-stop service hall (一门式办理): administrative cases accepted in one visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.agents.queue import CaseQueue
from model.cases import Case, Level, Node, Status

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class Hall(CaseQueue):
    """A service hall at a street office or in a community (a facility, not an agent).

    The resident comes once (an extra trip only if documents are missing); hall staff do the
    departments' back-office work at the hall's work factor, so the case is settled where
    the hall sits.
    """

    def __init__(self, model: GovernanceModel, node: Node, level: Level,
                 hours_per_day: float) -> None:
        self.model = model
        self.node = node
        self.level = level
        self.hours_per_day = hours_per_day
        self.init_queue()

    def work_day(self) -> None:
        """Serve waiting administrative cases with the hall's staff hours."""
        self.serve(self.hours_per_day)

    def start(self, case: Case) -> float:
        """Hall hours for the case: the departments' hours times the hall's factor."""
        model = self.model
        spec = model.category_specs[case.category]
        case.trips += model.rules.one_stop.extra_trips(model.streams["trips"], True)
        department_hours = spec.work_hours * len(case.legs)
        return model.rules.one_stop.hall_hours(department_hours)

    def finish(self, case: Case) -> None:
        """Settle the case at the hall's level (or close it unsolved if the fix fails)."""
        model = self.model
        solved = model.streams["handling"].random() < model.mean_department_solve_prob
        model.casework.close(case, Status.RESOLVED if solved else Status.CLOSED_UNSOLVED,
                             self.level)
