"""街道办事处: the street office routes cases, blows the whistle and may run a one-stop hall."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa

from model.agents.queue import CaseQueue
from model.cases import Case, Node, NodeKind, Plan

if TYPE_CHECKING:
    from model.agents.hall import Hall
    from model.governance import GovernanceModel


class StreetOffice(CaseQueue, mesa.Agent):
    """A street office: screens and routes cases to departments, and coordinates joint work.

    Routing goes wrong when the case's category was lost on the way, and sometimes when
    departments' remits overlap (the case then bounces back). A case no department's remit covers
    (职责真空) is sent to ask one of the departments nearest it, which may claim or refuse it;
    the street remembers which department last saw such a category through and asks it first.
    With the whistle on, it may summon every department a case needs at once (吹哨) for
    multi-department, stuck or escalated cases, or assign a refused gap case to a nearest
    department, which must answer; without it, it may only invite the departments of a
    multi-department case to a coordination meeting, which they may let pass. It chooses
    between convening and routing by what each is expected to score against the coordination
    hours a meeting costs; parts left undone at a meeting come back to it for routing.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int, hours_per_day: float) -> None:
        super().__init__(model)
        self.init_queue()
        self.index = index
        self.node = Node(NodeKind.STREET, index)
        self.hours_per_day = hours_per_day
        self.hall: Hall | None = None
        self.whistles = 0
        self.to_whistle: deque[tuple[Case, int]] = deque()
        self.coordination_owed = 0.0  # meeting hours run past yesterday's, taken from today's
        self.claims: dict[int, int] = {}  # gap category -> department that last saw one through
        self.whistling = model.rules.assessment.expectations()
        # looked up for every case the street routes
        self._whistle_rule = model.rules.whistle
        self._information = model.rules.information
        self._routing = model.streams["routing"]
        self._routing_hours = model.params.district.routing_hours

    def work_day(self) -> None:
        """Screen and route waiting cases, whistle with the hours left, then run the hall."""
        hours = self.serve(self.hours_per_day)
        self._coordinate(hours)
        if self.hall is not None:
            self.hall.work_day()

    def _coordinate(self, hours: float) -> None:
        """Convene departments for waiting cases while coordination hours last.

        A meeting may run past the day's hours; what it overran is taken from the next day's,
        so a small street office convenes as often per hour as a large one.
        """
        cost = self.model.params.whistle.coordination_hours
        waiting = self.to_whistle
        hours -= self.coordination_owed
        while waiting and hours > 0.0:
            case, ticket = waiting.popleft()
            if case.ticket == ticket and case.is_open:
                hours -= cost
                self.hours_worked += cost
                self.whistle(case)
        self.coordination_owed = -hours if hours < 0.0 else 0.0

    def start(self, case: Case) -> float:
        """Screening and routing hours (a whistle's coordination comes later in the day)."""
        if self._whistle_rule.on_arrival(case, self.model.day) and (
                case.leg < len(case.legs) or not case.legs):  # a department is next, or a gap
            case.plan = self._whistle_or_route(case)
        else:
            case.plan = Plan.ROUTE
        return self._routing_hours

    def _whistle_or_route(self, case: Case) -> Plan:
        """Choose whether to whistle for a case the whistle may take, or route it as usual.

        Whistling costs coordination hours, priced by how far behind the street is (its queue
        and the whistles already waiting); what each option is expected to score is learnt
        from the district's assessment rounds (see :mod:`model.rules.assessment`).
        """
        model = self.model
        rule = model.rules.assessment
        cost = model.params.whistle.coordination_hours
        pressure = rule.pressure(self.queued_hours + cost * len(self.to_whistle),
                                 self.hours_per_day)
        return rule.decide(self.whistling, case, {Plan.WHISTLE: cost, Plan.ROUTE: 0.0},
                           pressure, model.streams["choice"])

    def assess(self) -> None:
        """End the district's assessment round: learn what whistling and routing scored."""
        self.whistling.learn(self.model.params.assessment.learning_rate)

    def finish(self, case: Case) -> None:
        """Whistle, or route the case to the department it needs next (or a nearest one)."""
        legs = case.legs
        if case.plan == Plan.WHISTLE:
            self.to_whistle.append((case, case.ticket))
        elif case.leg < len(legs):  # case.next_department, inlined (every routed case)
            self._route(case, legs[case.leg])
        elif not legs:
            self._route(case, self._nearest_for(case))
        else:
            self.model.casework.push_down(case)

    def _nearest_for(self, case: Case) -> int:
        """The department to ask (or assign) a case no remit covers.

        The department that last saw this category through here comes first, unless it has
        refused this case (then the street forgets it); then the nearest one that has not
        refused the case, in the order the category lists them; once all have refused, the
        street asks them again in turn.
        """
        nearest = self.model.nearest(case.category)
        claimant = self.claims.get(case.category)
        if claimant is not None and case.refused_by >> claimant & 1:
            del self.claims[case.category]
            claimant = None
        if claimant is not None:
            return claimant
        for department in nearest:
            if not case.refused_by >> department & 1:
                return department
        return nearest[case.bounces % len(nearest)]

    def remember_claim(self, category: int, department: int) -> None:
        """Remember that ``department`` saw a case of a gap ``category`` through."""
        self.claims[category] = department

    def _route(self, case: Case, target: int) -> None:
        """Send a case to its department, or to a wrong one when its record misleads."""
        model = self.model
        spec = model.category_specs[case.category]
        rng = self._routing
        misrouted = False
        claimants = model.claimants(case.category)
        ambiguous = len(claimants) if spec.claimed_by else 1
        known = ambiguous > 1 and self._information.knows_remit(self.node, case.category,
                                                                 model.day)
        if self._information.misroutes(case, ambiguous, known, rng):
            wrong = [d for d in claimants if d != target]
            if not wrong:
                wrong = [d for d in range(len(model.departments)) if d != target]
            if wrong:
                target = wrong[int(rng.integers(len(wrong)))]
                misrouted = True
        model.casework.route(case, target, misrouted)

    def whistle(self, case: Case) -> None:
        """Summon every department the case still needs, or assign a gap case (吹哨)."""
        if case.unclaimed:
            self.model.casework.assign(case, self, self._nearest_for(case))
        else:
            self.model.casework.whistle(case, self)
        self.whistles += 1
