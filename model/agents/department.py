"""职能部门: a functional department handling cases in its jurisdiction (§2, §4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.agents.queue import StreetTeams
from model.cases import Case, Channel, Level, Node, NodeKind, Plan, Status
from model.rules.assessment import Expectations

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class Department(StreetTeams, mesa.Agent):
    """A functional department: its street teams' cases, summonses to answer, habits to adapt.

    On taking a case it screens it: a case sent to the wrong department goes back to the
    street. A case no department's remit covers (职责真空), sent to it as one of the departments
    nearest the gap, it claims as its own (认领, working it) or refuses as not its remit (a
    bounce), or, if hard and devolvable, pushes down. Otherwise it chooses (see
    :mod:`model.rules.assessment`) between working the case and, where it can, bouncing a case
    whose remit it shares with another department (推诿) or pushing a hard devolvable case down
    to the committee (甩锅); once a hard case's first work is done, between its extra work and
    closing it unsolved (应付). Each choice weighs what it expects the option to score at
    assessment, learnt from its rounds, against the hours it costs while the department is
    behind. Summonses from a whistle are answered with spare hours, and by their deadline in
    overtime if need be (报到). Its staff are posted to the street offices (派驻, 条块结合): each
    street's team works that street's cases with its share of the hours.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int, name: str,
                 hours_per_day: float, street_shares: tuple[float, ...]) -> None:
        super().__init__(model)
        self.init_teams(street_shares)
        self.index = index
        self.name = name
        self.node = Node(NodeKind.DEPARTMENT, index)
        self.spec = model.params.departments[name]
        self.hours_per_day = hours_per_day
        self.borrowed_hours = 0.0  # today's hours moved in (or, negative, lent out)
        # each street's team is assessed on its own street's cases (属地考核), so it learns
        # from them: one set of expectations per street, indexed by the case's street
        rule, teams = model.rules.assessment, range(len(street_shares))
        self.screening = [rule.expectations() for _ in teams]
        self.hard_cases = [rule.expectations() for _ in teams]
        self.claiming = [rule.expectations() for _ in teams]
        self.answering = [rule.expectations() for _ in teams]
        self.summons: list[tuple[Case, int, int]] = []
        self.overtime_hours = 0.0
        self.bounced = 0
        self.pushed_down = 0
        self._information = model.rules.information

    # -- daily work --------------------------------------------------------------------------
    def work_day(self) -> None:
        """Work the queue, then answer summonses with the hours left (in overtime when due).

        Reporting to a summons (报到) is extra effort: staff go to the street on top of the
        queue, so a summons is answered with spare hours or, at its deadline, in overtime.
        """
        self._answer_summons(self.serve_teams(self.hours_per_day + self.borrowed_hours))

    def summon(self, case: Case, deadline: int) -> None:
        """Receive a summons to do this department's part of a whistled case."""
        self.summons.append((case, case.ticket, deadline))

    def _answer_summons(self, hours: float) -> float:
        """Answer each summons it has the hours for, or whose deadline is today.

        Answering is a choice (see :mod:`model.rules.assessment`): report and do the part,
        in overtime if the spare hours fall short, or answer in name only (走过场) with a
        screening's hours and leave the part undone. Without the whistle the street's
        invitation does not bind: the department's assessment does not count how it answered,
        and it works no overtime for it.
        """
        model = self.model
        binding = model.rules.whistle.enabled
        waiting = []
        for case, ticket, deadline in self.summons:
            if case.ticket != ticket:
                continue
            need = self._part_hours(case)
            if need > hours and deadline > model.day:
                waiting.append((case, ticket, deadline))
                continue
            token = self.spec.screening_hours
            if not binding and need > hours:
                answer = Plan.TOKEN  # nothing makes it work overtime for an invitation
            else:
                answer = self._choose(self.answering[case.street], case,
                                      {Plan.REPORT: need, Plan.TOKEN: token}, counted=binding)
            if answer == Plan.TOKEN:
                model.rules.whistle.rate_token_answer(model.rules.assessment, case)
                spent = min(hours, token)
                hours -= spent
                self.hours_worked += spent
                self._finish_part(case, done=False)
                continue
            if need > hours:
                self.overtime_hours += need - hours
                model.casework.pay((need - hours) * model.params.talent.wage_per_hour)
            hours = max(hours - need, 0.0)
            self.hours_worked += need
            self._finish_part(case)
        self.summons = waiting
        return hours

    def _part_hours(self, case: Case) -> float:
        spec = self.model.category_specs[case.category]
        extra = spec.hard_extra_hours if case.hard else 0.0
        return (spec.work_hours + extra) * self.model.rules.information.work_factor(case)

    def _finish_part(self, case: Case, done: bool = True) -> None:
        model = self.model
        case.joint_parts -= 1
        if not done:
            case.skipped |= 1 << self.index  # a part left undone goes back to routing
        elif model.streams["handling"].random() >= self.spec.solve_prob:
            case.plan = Plan.FAILED
        elif not model.casework.fund_fix(case, self.index):
            case.plan = Plan.FAILED
        if case.joint_parts == 0:
            model.casework.meeting_ended(case)

    # -- queue -------------------------------------------------------------------------------
    def start(self, case: Case) -> float:
        """Screen the case; return screening hours, or the hours of the work it needs."""
        model = self.model
        spec = model.category_specs[case.category]
        screening = self.spec.screening_hours
        legs = case.legs
        gap = not legs and self.index in model.nearest(case.category)
        # case.next_department, inlined (every case a department takes)
        if (legs[case.leg] if case.leg < len(legs) else None) != self.index and not gap:
            case.plan = Plan.BOUNCE
            return screening
        work = spec.work_hours * self._information.work_factor(case)
        keep = Plan.CLAIM if gap else Plan.WORK
        options = {keep: work + (self._extra_hours(case) if case.hard else 0.0)}
        if spec.claimed_by or gap:
            options[Plan.BOUNCE] = 0.0
        if case.hard and spec.devolvable and case.channel != Channel.VISIT:
            options[Plan.PUSH_DOWN] = 0.0
        case.plan = self._choose((self.claiming if gap else self.screening)[case.street], case,
                                 options)
        if case.plan != keep:
            return screening
        if gap:
            model.casework.claim(case, self.index)
        return screening + work + model.rules.information.visit_hours(case)

    def enqueue(self, case: Case, front: bool = False) -> None:
        """Queue a case at its street's team; one the record shows as urgent goes to the front."""
        # StreetTeams.enqueue, inlined: most hops of most cases end here
        case.work_left = 0.0
        if front or self._information.urgent_on_record(case):
            self.teams[case.street].appendleft((case, case.ticket))
        else:
            self.teams[case.street].append((case, case.ticket))

    def _extra_hours(self, case: Case) -> float:
        spec = self.model.category_specs[case.category]
        return spec.hard_extra_hours * self.model.rules.information.work_factor(case)

    def _choose(self, expectations: Expectations, case: Case,
                options: dict[Plan, float], counted: bool = True) -> Plan:
        if len(options) == 1:
            return next(iter(options))
        rule = self.model.rules.assessment
        pressure = rule.pressure(*self.team_load(self.hours_per_day))
        return rule.decide(expectations, case, options, pressure, self.model.streams["choice"],
                           counted)

    def finish(self, case: Case) -> None:
        """Bounce, push down, or finish the work (closing hard cases unsolved if it must)."""
        casework = self.model.casework
        if case.plan == Plan.BOUNCE:
            self.bounced += 1
            casework.bounce(case)
        elif case.plan == Plan.PUSH_DOWN:
            self.pushed_down += 1
            casework.push_down(case)
        elif case.hard and not case.hard_worked:
            self._hard_case(case)
        else:
            self._complete_leg(case)

    def _hard_case(self, case: Case) -> None:
        extra = self._extra_hours(case)
        options = {Plan.WORK: extra, Plan.CLOSE: 0.0}
        if self._choose(self.hard_cases[case.street], case, options) == Plan.CLOSE:
            case.quick_closed = True
            self.model.casework.close(case, Status.CLOSED_UNSOLVED, Level.DEPARTMENT)
            return
        case.hard_worked = True
        self.resume(case, extra)

    def _complete_leg(self, case: Case) -> None:
        model = self.model
        fidelity_ok = model.rules.information.fix_factor(case)
        solved = model.streams["handling"].random() < self.spec.solve_prob * fidelity_ok
        # the fix needs its share of money from the fund this department draws on
        if not (solved and model.casework.fund_fix(case, self.index)):
            model.casework.close(case, Status.CLOSED_UNSOLVED, Level.DEPARTMENT)
            return
        model.casework.leg_done(case)

    # -- assessment (scheduled event) ----------------------------------------------------------
    def assess(self) -> None:
        """End an assessment round: learn what each handling option scored."""
        rate = self.model.params.assessment.learning_rate
        for team in zip(self.screening, self.hard_cases, self.claiming, self.answering,
                        strict=True):
            for expectations in team:
                expectations.learn(rate)
