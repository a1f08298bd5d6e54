"""The life of every case, in one place: intake, transport, timers, closure and the tallies.

Agents decide what to do with a case they hold (work it, bounce it, push it down, settle it,
refer it, whistle) and then call one method of :class:`Casework` to carry the decision out.
Only this module moves a case between units, sets and fires its timers, ends it and writes
the running tallies (:class:`model.ledger.Tally`) that outcomes are computed from, so a change
to how cases travel or are counted is made here and nowhere else.

The methods agents call form a narrow interface (:class:`model.casedesk.CaseDesk`, also
importable from here); tests drive one agent with scripted cases against a recording stand-in
for it.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from model.casedesk import CaseDesk
from model.cases import (
    CHOSEN_CHANNELS,
    HOTLINE_CHANNELS,
    Attribute,
    Case,
    Channel,
    Level,
    Node,
    NodeKind,
    Plan,
    Reason,
    Status,
)
from model.ledger import Calendar, Tally
from model.needs import NeedDraws
from model.rules.channels import COMMITTEE as COMMITTEE_COLUMN
from model.rules.services import YEAR_DAYS

if TYPE_CHECKING:
    from model.agents import NGO, Department, ResidentsCommittee, StreetOffice
    from model.agents.hall import Hall
    from model.governance import GovernanceModel

HOTLINE = Node(NodeKind.HOTLINE, 0)
COMMITTEE = NodeKind.COMMITTEE
RESOLVED, CLOSED_UNSOLVED = Status.RESOLVED, Status.CLOSED_UNSOLVED
_CATEGORY_BIT = int(Attribute.CATEGORY)  # ``case.lost`` is a plain int of Attribute bits

__all__ = ["CaseDesk", "Casework"]


class Casework:
    """Intake, transport between units, per-case timers, closure and every tally write.

    Args:
        model: The district whose units hold the cases.
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self.tally = Tally()
        self.calendar = Calendar()
        self.next_case_id = 0
        self.needs = NeedDraws(model)
        self._units: dict[NodeKind, list] | None = None
        # looked up on every hop of every case
        self._information = model.rules.information
        self._policy = model.rules.policy
        self._records = model.streams["records"]
        # timers hold one shared bound method each, not a new one per case (fewer objects
        # for the closing collection to scan)
        self._escalate, self._abandon, self._stuck = self.escalate, self.abandon, self.stuck_check
        self._enqueue: dict[Node, Callable[[Case], None]] = {}  # each place's enqueue, once
        self.retune()
        self._admin_categories = np.array(
            [c.admin_service for c in model.params.categories.values()], dtype=bool)

    def retune(self) -> None:
        """Read the settings the hops and routings use (at the start, after a timeline entry)."""
        self._entry_hours = self.model.params.information.entry_hours
        self._stuck_after = self.model.rules.whistle.stuck_check_after()

    # -- intake ------------------------------------------------------------------------------
    def intake_day(self) -> None:
        """Draw today's new needs and send each on its way (or leave it silent).

        The day's needs are drawn together (:class:`model.needs.NeedDraws`), then, for the
        whole day at once, whether each is hard, the channel its resident would use and
        whether she reports it at all: residents decide at the state they woke up in.
        """
        model = self.model
        needs = self.needs.today()
        count = len(needs[0])
        # each drawn need has its draws whether or not an agreement prevents it, so every
        # reform sees the same needs with the same draws (common random numbers)
        needs = (*needs, model.streams["hardness"].randoms(count),
                 model.streams["reporting"].randoms(count),
                 model.streams["channel"].randoms(count),
                 model.streams["policy"].randoms(count))
        if count and model.demand.holding(model.day):
            needs = self._thin(needs)
        (communities, categories, people, urgencies, hard_draws, report_draws, channel_draws,
         policy_draws) = needs
        count = len(people)
        self.tally.raised += count
        columns, chances = self._choices(people, categories, urgencies, channel_draws)
        first_id = self.next_case_id  # every need has an id, silent ones too
        self.next_case_id += count
        day, committees, residents = model.day, model.committees, model.residents
        legs, specs = model.category_legs, model.category_specs
        for (case_id, community, category, who, urgency, hard_draw, report_draw, chance, column,
             policy_draw) in zip(range(first_id, first_id + count), communities, categories,
                                 people, urgencies, hard_draws, report_draws, chances, columns,
                                 policy_draws, strict=True):
            resident = residents[who]
            if not report_draw < chance:
                self.tally.silent += 1
                resident.stay_silent()  # a silent need leaves nothing to follow: no case object
                continue
            case = Case(case_id, category, who, community, committees[community].street, day,
                        urgency, legs[category])
            case.hard = hard_draw < specs[category].hard_share
            case.policy_draw = policy_draw
            self._open(case, column)
        self._questions()

    def _thin(self, needs: tuple[list, ...]) -> tuple[list, ...]:
        """Drop the needs that communities' agreements prevent today (stream ``agreements``)."""
        model = self.model
        communities, categories = needs[0], needs[1]
        prevented = model.demand.prevented(
            np.asarray(communities, dtype=np.int64), np.asarray(categories, dtype=np.int64),
            model.day, model.streams["agreements"].random(len(communities)))
        if not prevented.any():
            return needs
        self.tally.prevented += int(prevented.sum())
        kept = np.flatnonzero(~prevented).tolist()
        if len(kept) < 2:  # itemgetter of one index gives the item, of none an error
            return tuple([column[i] for i in kept] for column in needs)
        pick = itemgetter(*kept)
        return tuple(list(pick(column)) for column in needs)

    def _questions(self) -> None:
        """Today's information requests (咨询), each answered where it is asked.

        Residents drawn at random ask a question at ``channels.information_rate`` a year; the
        asker chooses among the channels that answer on the spot (the committee, 12345 by
        phone or online, a department's line) as she would for a need, and asks with the
        chance she would report a need of no urgency. The committee's answers cost it
        ``channels.answer_hours`` each; 12345's and the lines' staff sit outside the district.
        """
        model = self.model
        params = model.params.channels
        population, rule = model.population, model.rules.channels
        rng = model.streams["questions"]
        count = int(rng.poisson(params.information_rate * population.size / YEAR_DAYS))
        if count == 0:
            return
        who = rng.integers(0, population.size, count)
        value = self._channel_values(who)
        available = (population.known[who] & rule.open_channels(model.day)
                     & rule.answers_questions)
        column, worth = rule.choose(value, available, rng.random(count))
        asks = (rng.random(count) < model.rules.judgement.report_probabilities(worth, 0.0))
        asks &= column >= 0
        asked = np.bincount(column[asks], minlength=len(CHOSEN_CHANNELS))
        for channel, number in zip(CHOSEN_CHANNELS, asked.tolist(), strict=True):
            if number:
                self.tally.questions_by_channel[channel] += number
        at_committee = population.community[who[asks & (column == COMMITTEE_COLUMN)]]
        for community, number in enumerate(np.bincount(at_committee).tolist()):
            if number:
                model.committees[community].answer_questions(number * params.answer_hours)

    def _choices(self, people: list[int], categories: list[int], urgencies: list[float],
                 draws: list[float]) -> tuple[list[int], list[float]]:
        """Each need's channel column (-1 for an administrative service) and reporting chance.

        The channel is the resident's logit choice (:class:`model.rules.channels.ChannelRule`)
        and the value of reporting is that of her channels; an administrative service is
        asked for where it is given, so its value is her trust in government.
        """
        model = self.model
        population, rule = model.population, model.rules.channels
        who = np.asarray(people, dtype=np.int64)
        column, worth = rule.choose(self._channel_values(who),
                                    population.known[who] & rule.open_channels(model.day),
                                    np.asarray(draws))
        trust = population.trust[who]
        admin = self._admin_categories[np.asarray(categories, dtype=np.int64)]
        chances = model.rules.judgement.report_probabilities(
            np.where(admin, trust, worth), np.asarray(urgencies))
        chances[(column < 0) & ~admin] = 0.0  # no channel she knows is open: silence
        return np.where(admin, -1, column).tolist(), chances.tolist()

    def _channel_values(self, who: np.ndarray) -> np.ndarray:
        """What each channel is worth to each of residents ``who`` this morning."""
        population = self.model.population
        return self.model.rules.channels.values(
            population.expected_of_channel[who], population.trust[who], population.group[who],
            population.last_channel[who])

    def _open(self, case: Case, column: int) -> None:
        """Open a reported case: count it, set its resident's timers, send it in."""
        model = self.model
        tally = self.tally
        tally.reported += 1
        tally.reported_by_category[case.category] += 1
        tally.open += 1
        population = model.population
        residents = model.params.residents
        if residents.max_escalations > 0:
            patience = population.patience.item(case.resident)
            self.calendar.add(model.day + patience, self._escalate, case, same_ticket=False)
        self.calendar.add(model.day + residents.abandon_days, self._abandon, case,
                          same_ticket=False)
        if column < 0:
            self._ask_in_person(case)
        else:
            self._send_in(case, CHOSEN_CHANNELS[column])

    def _ask_in_person(self, case: Case) -> None:
        """An administrative service: at a one-stop hall if there is one, else at the office."""
        model = self.model
        if model.rules.one_stop.enabled:
            case.channel = Channel.HALL
            case.trips = 1
            committee = model.committees[case.community]
            hall = committee.hall or model.streets[case.street].hall
            model.rules.information.record(case, hall.node)
            case.move(hall.node)
            hall.enqueue(case)
        else:
            case.channel = Channel.VISIT
            self.visit(case, case.legs[0])

    def _send_in(self, case: Case, channel: Channel) -> None:
        """A need reported through the channel its resident chose."""
        model = self.model
        tally = self.tally
        case.channel = channel
        tally.reports_by_channel[channel] += 1
        if channel in HOTLINE_CHANNELS:
            tally.hotline_reports += 1
            model.rules.information.record(case, HOTLINE)
            case.move(HOTLINE)
            self.send(case, self._street_of(case), Reason.DISPATCH)
        elif channel == Channel.COMMITTEE:
            self._arrive(case, model.committees[case.community])
        elif channel == Channel.LINE:
            # she calls the line of the department she takes the need to be for
            self._arrive(case, model.departments[(case.legs or model.nearest(case.category))[0]])
        else:  # in person at the street office, or a petition it must take up
            case.trips = 1
            if channel == Channel.PETITION:
                case.escalations = 1  # a petition is an escalation from the start (越级)
            self._arrive(case, model.streets[case.street])

    def _arrive(self, case: Case, unit: ResidentsCommittee | StreetOffice | Department) -> None:
        """A case enters the system at ``unit``, which keys it into its own records."""
        self.model.rules.information.record(case, unit.node)
        case.move(unit.node)
        unit.enqueue(case)

    # -- transport ---------------------------------------------------------------------------
    def handler(self, node: Node) -> ResidentsCommittee | StreetOffice | Department | NGO | Hall:
        """The agent or facility that holds cases at ``node``."""
        units = (self._units or self._map_units()).get(node.kind)
        if units is None:
            raise KeyError(f"no handler at {node}")
        return units[node.index]

    def _map_units(self) -> dict[NodeKind, list]:
        """The units of each kind of place (the district is built after its casework)."""
        model = self.model
        self._units = {NodeKind.COMMITTEE: model.committees, NodeKind.STREET: model.streets,
                       NodeKind.DEPARTMENT: model.departments, NodeKind.NGO: model.ngos,
                       NodeKind.HALL: model.halls}
        return self._units

    def send(self, case: Case, target: Node, reason: Reason) -> None:
        """Hop ``case`` to ``target``: re-entry (and what it corrupts), batches, duplicates."""
        model = self.model
        tally = self.tally
        source = case.holder
        day = model.day
        delay, reentry, duplicate = self._information.hop(case, source, target, day,
                                                          self._records)
        tally.duplicate_entries += duplicate
        if reentry and source.kind == COMMITTEE:
            model.committees[source.index].add_paperwork(self._entry_hours)
        tally.flows[(source, target)] += 1
        case.holder = target  # case.move(target), inlined: every hop of every case
        case.ticket += 1
        enqueue = self._enqueue.get(target) or self._enqueue_at(target)
        if delay <= 0:
            enqueue(case)
        else:
            self.calendar.add(day + delay, enqueue, case)

    def _enqueue_at(self, node: Node) -> Callable[[Case], None]:
        """The ``enqueue`` of the unit at ``node``, remembered."""
        found = self._enqueue[node] = self.handler(node).enqueue
        return found

    def visit(self, case: Case, department: int) -> None:
        """The resident goes in person to a department's office (no one-stop hall)."""
        model = self.model
        dept = model.departments[department]
        connected = model.rules.information.connected(dept.node)
        extra = model.rules.one_stop.extra_trips(model.streams["trips"], connected)
        case.trips += 1 + extra
        delay = (extra + (case.leg > 0)) * model.params.one_stop.visit_days
        self.tally.duplicate_entries += model.rules.information.record(case, dept.node)
        self.tally.flows[(case.holder, dept.node)] += 1
        case.move(dept.node)
        if delay <= 0:
            dept.enqueue(case)
        else:
            self.calendar.add(model.day + delay, dept.enqueue, case)

    def _street_of(self, case: Case) -> Node:
        return self.model.streets[case.street].node

    def forward(self, case: Case, bounced: bool = False) -> None:
        """Send a case up from its committee to the street; a failed push-down is a bounce."""
        if bounced:
            self._count_bounce(case)
        case.pushed_down = False
        self.send(case, self._street_of(case), Reason.FORWARD)

    def refer(self, case: Case, specialty: str) -> None:
        """Refer a case to the NGO of ``specialty`` (once per case)."""
        case.ngo_tried = True
        self.send(case, self.model.ngo_node(specialty, case.street), Reason.REFER)

    def return_to_committee(self, case: Case) -> None:
        """A referred case the NGO did not solve goes back to the committee."""
        self.send(case, self.model.committees[case.community].node, Reason.RETURN)

    def route(self, case: Case, department: int, misrouted: bool) -> None:
        """Send a case from the street to a department (and set the whistle's stuck check)."""
        model = self.model
        if misrouted:
            case.misrouted = True
            self.tally.misroutes += 1
        self.tally.routings += 1
        self.send(case, model.departments[department].node, Reason.ROUTE)
        if self._stuck_after is not None:
            self.calendar.add(model.day + self._stuck_after, self._stuck, case)

    def bounce(self, case: Case) -> None:
        """A department sends a case back to the street office (推诿).

        The department's note says what the case is not, so the street reads its category
        again; a case no remit covers carries the refusal, so the street asks another.
        """
        case.lost &= ~_CATEGORY_BIT
        if case.unclaimed:
            case.refused_by |= 1 << case.holder.index
        self._count_bounce(case)
        self.send(case, self._street_of(case), Reason.BOUNCE)

    def _count_bounce(self, case: Case) -> None:
        case.bounces += 1
        self.tally.bounces += 1
        self.tally.bounces_by_category[case.category] += 1

    def claim(self, case: Case, department: int) -> None:
        """A department takes a case no remit covers on as its own: its work is the case's leg."""
        case.legs = (department,)
        case.leg = 0
        self.tally.claims += 1

    def push_down(self, case: Case) -> None:
        """A case is handed down to the residents' committee (甩锅, or no department left)."""
        case.pushed_down = True
        self.send(case, self.model.committees[case.community].node, Reason.PUSH_DOWN)

    def leg_done(self, case: Case) -> None:
        """A department has done its part: on to the next department, or resolved.

        The street that routes the case's category sees which department did it (职责交叉:
        what it learns of overlapping remits is what its record shows).
        """
        case.hard_worked = False
        if self.model.category_specs[case.category].claimed_by:
            self._information.saw_remit(self._street_of(case), case.category, self.model.day)
        case.leg += 1
        if case.next_department is None:
            self.close(case, Status.RESOLVED, Level.DEPARTMENT)
        elif case.channel == Channel.VISIT:
            self.visit(case, case.next_department)
        else:
            self.send(case, self._street_of(case), Reason.LEG_DONE)

    def whistle(self, case: Case, street: StreetOffice) -> None:
        """Summon every department the case still needs to act on it together (吹哨).

        Without the whistle the same call is an invitation to a coordination meeting, which
        does not bind (see :class:`model.rules.whistle.WhistleRule`).
        """
        model = self.model
        whistle = model.rules.whistle
        case.whistled = True
        case.lost = 0  # the departments hear the case together, from its source
        case.move(street.node)
        deadline = whistle.deadline(model.day)
        remaining = case.legs[case.leg:]
        case.joint_parts = len(remaining)
        for dept in remaining:
            model.departments[dept].summon(case, deadline)
        if whistle.enabled:
            self.tally.whistles += 1
        else:
            self.tally.invitations += 1

    def meeting_ended(self, case: Case) -> None:
        """Every department summoned to ``case`` has answered: close it, or route what is left.

        A part a department failed closes the case unsolved at the street. Parts left undone
        (answered in name only, or an invitation let pass) go back to the street to be routed
        one by one.
        """
        if case.plan != Plan.FAILED and case.skipped:
            done, remaining = case.legs[:case.leg], case.legs[case.leg:]
            case.legs = done + tuple(d for d in remaining if case.skipped >> d & 1)
            case.skipped = 0
            case.plan = Plan.NONE
            street = self.model.streets[case.street]
            case.move(street.node)  # the meeting's entries and timers lapse
            street.enqueue(case)
            return
        case.leg = len(case.legs)
        solved = case.plan != Plan.FAILED
        self.close(case, Status.RESOLVED if solved else Status.CLOSED_UNSOLVED, Level.STREET)

    def assign(self, case: Case, street: StreetOffice, department: int) -> None:
        """The street assigns a case no remit covers to ``department`` with the whistle.

        The summoned department reports and acts like any whistled one: assignment makes the
        case its leg, so it cannot refuse it.
        """
        case.legs = (department,)
        case.leg = 0
        self.tally.assignments += 1
        self.whistle(case, street)

    # -- closure -----------------------------------------------------------------------------
    def close(self, case: Case, status: Status, level: Level = Level.NONE) -> None:
        """End an open case, let its resident judge it, and record it."""
        model = self.model
        tally = self.tally
        if status == RESOLVED and self._policy.beyond(case.category, case.policy_draw):
            status = self._beyond_rules(case)
        case.status = status
        case.closed_day = model.day
        case.ticket += 1
        tally.open -= 1
        spec = model.category_specs[case.category]
        days = model.day - case.raised_day  # case.days_open, now that it has closed today
        on_time = days <= spec.time_limit_days
        # a closure by its deadline counts as 办结 on the books whether or not it solved anything
        tally.closed_within_limit += on_time and status != Status.ABANDONED
        if status == RESOLVED:
            case.level = level
            tally.resolved += 1
            tally.resolved_by_category[case.category] += 1
            tally.settled[level] += 1
            if case.category in model.gap_categories and case.legs:
                # the street remembers who took this gap on and saw it through (a learnt claim)
                model.streets[case.street].remember_claim(case.category, case.legs[0])
            tally.add_resolution(days, on_time, len(case.legs) >= 2)
        elif status == CLOSED_UNSOLVED:
            tally.closed_unsolved += 1
        else:
            tally.abandoned += 1
        score, disconfirmation = model.residents[case.resident].rate(case)
        if case.channel in HOTLINE_CHANNELS:
            # 12345 calls back (回访) the residents of its own requests about them
            tally.callbacks += 1
            tally.callbacks_resolved += status == RESOLVED
            tally.callbacks_satisfied += score >= model.params.residents.satisfied_threshold
        tally.judged += 1
        tally.disconfirmation += disconfirmation
        if spec.admin_service:
            tally.admin_closed += 1
            tally.admin_trips += case.trips
            tally.admin_score += score
        if case.decisions:
            model.rules.assessment.credit(case, on_time, score)

    def _beyond_rules(self, case: Case) -> Status:
        """A worked case the rules in force do not let anyone settle: explained, not solved.

        12345's record keeps it by category, for the month's themes (每月一题).
        """
        self.tally.beyond_rules += 1
        if case.channel in HOTLINE_CHANNELS:
            self._policy.month_record[case.category] += 1
        return CLOSED_UNSOLVED

    # -- timers ------------------------------------------------------------------------------
    def escalate(self, case: Case) -> None:
        """A resident's patience ran out: complain, and with the whistle on, the street acts."""
        model = self.model
        case.escalations += 1
        self.tally.escalations += 1
        self.tally.escalations_by_category[case.category] += 1
        model.residents[case.resident].escalate()
        if case.escalations < model.params.residents.max_escalations:
            patience = int(model.population.patience[case.resident])
            self.calendar.add(model.day + patience, self._escalate, case, same_ticket=False)
        if model.rules.whistle.enabled and not case.whistled and case.holder.kind in (
                NodeKind.COMMITTEE, NodeKind.DEPARTMENT):
            self.send(case, self._street_of(case), Reason.ESCALATE)

    def abandon(self, case: Case) -> None:
        """The resident gives up on a case still open after ``abandon_days``."""
        self.close(case, Status.ABANDONED)

    def stuck_check(self, case: Case) -> None:
        """A case still waiting at the department it was routed to: the street whistles."""
        if not case.whistled and case.holder.kind == NodeKind.DEPARTMENT:
            self.send(case, self._street_of(case), Reason.STUCK)

    def fire_timers(self) -> None:
        """Deliver cases arriving today and fire today's per-case timers."""
        self.calendar.fire(self.model.day)

    # -- money and meetings --------------------------------------------------------------------
    def pay(self, amount: float) -> None:
        """Add ``amount`` yuan of spending to the run's cost."""
        self.tally.cost += amount

    def fund_fix(self, case: Case, holder: int) -> bool:
        """Pay ``holder``'s share of a fix's material cost from the fund it draws on.

        A department pays its even share among the departments the case needs; the committee
        (``treasury.committee_holder``) pays it all. Returns False, and counts a fix left
        undone for want of money, when that fund cannot pay.
        """
        model = self.model
        treasury = model.treasury
        cost = model.category_specs[case.category].material_cost
        if holder != treasury.committee_holder:
            cost /= max(len(case.legs), 1)
        if treasury.draw(case.community, holder, cost):
            self.tally.cost += cost
            return True
        self.tally.unfunded_fixes += 1
        return False

    def count_meeting(self, invited: int, attended: int) -> None:
        """Count one consultation meeting held, the residents invited and those who came."""
        self.tally.meetings += 1
        self.tally.meeting_invitations += invited
        self.tally.attendances += attended
