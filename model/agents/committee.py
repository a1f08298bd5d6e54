"""社区居委会: the residents' committee, where most needs first arrive (§4.2, §6.2, §6.4, §6.5)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.agents.queue import CaseQueue
from model.cases import Case, Level, Node, NodeKind, Plan, Status
from model.rules.services import MONTH_DAYS

if TYPE_CHECKING:
    from model.governance import GovernanceModel
    from model.streams import ScalarDraws


class ResidentsCommittee(CaseQueue, mesa.Agent):
    """A residents' committee: its workers, paperwork, cases and consultation meetings.

    Paperwork is produced: departments hand it administrative tasks every day, and every
    activity an inspection of records counts (a task, a case it handled, a meeting) must be
    documented in each separate data system it touches (see :mod:`model.rules.assessment`).
    Each day it chooses how to divide its hours among that administration, its cases and
    self-governance (meetings' overhead, then services), by what the street's assessment rounds
    found it losing (see :mod:`model.rules.time_use`). With its cases it settles those it may
    and chooses to, holds collective disputes for the next consultation meeting, refers cases
    to NGOs and passes the rest up. Its workers' stress follows the work coming in over
    capacity; stressed and underpaid workers quit, and vacancies wait for hiring.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, community: int, street: int) -> None:
        super().__init__(model)
        self.init_queue()
        self.community = community
        self.street = street
        self.node = Node(NodeKind.COMMITTEE, community)
        self.workforce = model.workforce  # its workers are its span of the district's arrays
        self.paperwork_due = 0.0
        self.overhead_due = 0.0
        self.volunteer_hours_per_day = 0.0
        self.attention = model.rules.time_use.attention()
        # this round's administrative hours; what is still due of them is paperwork_due, since
        # the inspection writes off what is left at the round's end
        self.records_owed = 0.0
        self.records_missed = 0.0  # hours the inspections found undone, over the run
        self.meeting_pool: list[tuple[Case, int]] = []
        self.paperwork_hours = 0.0
        self.quits = 0
        self.load_ratio = 0.0
        self.hall = None
        self.next_meeting_day = 0
        self.service_hours = 0.0
        self.choices = model.rules.assessment.expectations()
        self._added_today = 0.0
        self.help_hours = 0.0  # today's cadres and called volunteers
        self.retune()
        self.paperwork_rate = self.admin_hours_per_day  # recent paperwork handed to it per day
        self.service_rate: float | None = None  # recent hours a day on residents' services
        self._quit_today = False
        self._posts_changed()

    @property
    def experience(self) -> np.ndarray:
        """Experience of each position's worker, in [0, 1] (a view: writes go through)."""
        return self.workforce.experience[self.workforce.span(self.community)]

    @property
    def stress(self) -> np.ndarray:
        """Stress of each position's worker, in [0, 1] (a view: writes go through)."""
        return self.workforce.stress[self.workforce.span(self.community)]

    @property
    def active(self) -> np.ndarray:
        """Whether each position is filled (a view: writes go through)."""
        return self.workforce.active[self.workforce.span(self.community)]

    @property
    def positions(self) -> int:
        """Funded worker positions (filled or vacant)."""
        return len(self.active)

    @property
    def vacancies(self) -> int:
        """Positions currently waiting for a hire."""
        return int((~self.active).sum())

    def capacity(self) -> float:
        """Staff hours available today, weighted by each worker's productivity."""
        if self._capacity is None:  # asked for every case; the workers change once a day
            productivity = self.workforce.productivity(self.community, self._posts)
            self._capacity = self.model.rules.talent.hours_per_day() * float(np.sum(productivity))
        return self._capacity

    def mean_experience(self) -> float:
        """Mean experience of the workers in post (0 with nobody in post)."""
        if self._mean_experience is None:
            self._mean_experience = (float(self.experience[self._posts].mean())
                                     if self.active.any() else 0.0)
        return self._mean_experience

    def _workers_changed(self) -> None:
        """Forget what was computed from the workers' arrays (they have just changed)."""
        self._capacity = None
        self._mean_experience = None

    def _posts_changed(self) -> None:
        """Note who is in post: a slice while no position is vacant (cheaper than an index)."""
        active = self.active
        self._posts = slice(None) if active.all() else np.flatnonzero(active)
        self.in_post = int(active.sum())
        self.workforce.changed()
        self._workers_changed()

    def stress_in_post(self) -> np.ndarray:
        """The stress of each worker in post, in position order."""
        return self.stress[self._posts]

    def work_day(self) -> None:
        """Divide the day's hours among administration, cases and self-governance, and work.

        Volunteers' and cadres' hours go to cases first and what they leave to services. What
        cases leave of the committee's own share is divided again between records and
        self-governance, by the same choice.
        """
        self.add_paperwork(self.admin_hours_per_day)
        # a recent daily average: the administrative work coming in
        self.paperwork_rate += 0.1 * (self._added_today - self.paperwork_rate)
        self._added_today = 0.0
        time_use, attention = self.model.rules.time_use, self.attention
        capacity = self.capacity()
        admin, cases, own_time = time_use.allocate(
            capacity, [self.paperwork_due, self.case_hours_needed(), math.inf], attention)
        helpers = self.volunteer_hours_per_day + self.help_hours
        self.load_ratio = self.workload() / max(capacity + helpers, 1e-9)
        worked_before = self.hours_worked
        left = self.serve(helpers + cases)
        own_left = min(left, cases)  # helpers' hours were spent first
        helpers_left = left - own_left
        # serve() counted every case hour; the committee's own are those not the helpers'
        self.hours_worked = worked_before + (cases - own_left)
        if own_left > 0.0:
            more_admin, _, more_time = time_use.allocate(
                own_left, [self.paperwork_due - admin, 0.0, math.inf], attention)
            admin += more_admin
            own_time += more_time
        self.paperwork_due -= admin
        self.paperwork_hours += admin
        overhead = min(self.overhead_due, own_time)
        self.overhead_due -= overhead
        services = own_time - overhead
        self.hours_worked += admin + overhead + services
        self.service_hours += services + helpers_left
        if self.service_rate is None:
            self.service_rate = services + helpers_left
        self.service_rate += 0.1 * (services + helpers_left - self.service_rate)
        self.help_hours = 0.0

    def case_hours_needed(self) -> float:
        """Hours its queued cases still need: work left on those started, a mean for the rest."""
        needed = 0.0
        mean = self._mean_hours
        for case, ticket in self.queue:
            if case.ticket == ticket:
                needed += case.work_left if case.work_left > 0.0 else mean
        return needed

    def workload(self) -> float:
        """Hours of work on the committee's desk: a day's paperwork, overhead owed, queued cases.

        A day's paperwork is what is handed to it per day (a recent average), not the records
        it chose to leave, which the next inspection writes off.
        """
        return self.paperwork_rate + self.overhead_due + self.queued_hours

    def answer_questions(self, hours: float) -> None:
        """Owe ``hours`` of answering residents' questions, taken before services."""
        self.overhead_due += hours

    # -- paperwork -----------------------------------------------------------------------------
    def add_paperwork(self, hours: float) -> None:
        """Owe ``hours`` more paperwork (tasks handed down, documentation, re-entries)."""
        self.paperwork_due += hours
        self.records_owed += hours
        self._added_today += hours

    def systems(self, departments: Iterable[int]) -> int:
        """Separate data systems an activity involving ``departments`` is entered in.

        The committee's own ledger, plus each department's system the committee does not
        share on the platform.
        """
        information = self.model.rules.information
        own = information.connected(self.node)
        return 1 + sum(1 for d in departments
                       if not (own and information.connected(self.model.departments[d].node)))

    def documentation_hours(self, departments: Iterable[int] = ()) -> float:
        """Hours to document one activity involving ``departments`` for an inspection.

        One entry per separate system; on the platform part of it fills itself in.
        """
        model = self.model
        hours = model.rules.assessment.documentation_hours(self.systems(departments))
        if model.rules.information.connected(self.node):
            hours *= 1.0 - model.params.information.automated_share
        return hours

    def document(self, departments: tuple[int, ...] = ()) -> None:
        """Owe the documentation of one activity an inspection of records counts."""
        hours = self._documentation.get(departments)
        if hours is None:  # the same few sets of departments, for every case of the run
            hours = self._documentation[departments] = self.documentation_hours(departments)
        self.add_paperwork(hours)

    def retune(self) -> None:
        """Work out anew what documentation costs (at the start, and after a timeline entry)."""
        self._documentation: dict[tuple[int, ...], float] = {}  # hours, by departments
        self.admin_hours_per_day = self._admin_hours_per_day()

    def _admin_hours_per_day(self) -> float:
        """Daily hours of the administrative tasks departments hand down, documented.

        Tasks come evenly from every department; each takes its work hours and is documented
        in the committee's ledger and the issuing department's system.
        """
        p = self.model.params.assessment
        n_departments = len(self.model.departments)
        per_department = p.admin_tasks_per_day / max(n_departments, 1)
        documented = sum(per_department * self.documentation_hours((d,))
                         for d in range(n_departments))
        return p.admin_tasks_per_day * p.admin_task_hours + documented

    # -- cases -------------------------------------------------------------------------------
    def start(self, case: Case) -> float:
        """Decide what to do with a case and return the hours it takes."""
        model = self.model
        spec = model.category_specs[case.category]
        duty = model.rules.devolution.is_duty(case.category)
        if case.pushed_down:
            return self._choose(case, duty, referable=False)
        if spec.collective and model.rules.consultation.waits_for_meeting(
            self.next_meeting_day - model.day
        ):
            case.plan = Plan.MEETING
            return model.params.district.intake_hours
        referable = (bool(spec.ngo_specialty) and not case.ngo_tried
                     and model.ngo_has_room(spec.ngo_specialty, self.street))
        if duty or referable:
            return self._choose(case, duty, referable)
        case.plan = Plan.FORWARD
        return model.params.district.intake_hours

    def _choose(self, case: Case, duty: bool, referable: bool) -> float:
        """Choose how to handle a case it may settle or refer; return the hours it takes.

        A case devolved to it as its duty (or pushed down to it) the committee may try to
        settle, pass up, or (a hard case) close unsolved (应付); a duty without the power to
        settle it is tried as seldom succeeds. When the NGO of its specialty has room it
        may refer it instead. It weighs what the street's assessment is expected to give each
        option against the hours it costs while the committee is behind (see
        :mod:`model.rules.assessment`). A pushed-down case passed back up counts as a bounce; a
        case devolved to the committee passed up is a duty declined, which the assessment
        counts as missed; a referral that comes back unsolved counts against it.
        """
        model = self.model
        rule = model.rules.assessment
        options: dict[Plan, float] = {}
        work = 0.0
        if duty or case.pushed_down:
            work = (model.category_specs[case.category].work_hours
                    * model.rules.information.work_factor(case))
            options[Plan.SETTLE] = work
            options[Plan.DECLINE if duty else Plan.FORWARD] = 0.0
            if case.hard:
                options[Plan.CLOSE] = 0.0
        else:
            options[Plan.FORWARD] = 0.0
        if referable:
            options[Plan.REFER] = 0.0
        pressure = rule.pressure(self.workload(), self.capacity())
        case.plan = rule.decide(self.choices, case, options, pressure, model.streams["choice"])
        return work if case.plan == Plan.SETTLE else model.params.district.intake_hours

    def finish(self, case: Case) -> None:
        """Carry out the plan chosen in :meth:`start` and owe its documentation."""
        casework = self.model.casework
        if case.plan != Plan.MEETING:
            self.document(case.legs)
        if case.plan == Plan.SETTLE:
            self._settle(case)
        elif case.plan == Plan.CLOSE:
            casework.close(case, Status.CLOSED_UNSOLVED, Level.COMMUNITY)
        elif case.plan == Plan.MEETING:
            self.meeting_pool.append((case, case.ticket))
        elif case.plan == Plan.REFER:
            casework.refer(case, self.model.category_specs[case.category].ngo_specialty)
        else:
            casework.forward(case, bounced=case.pushed_down)

    def _can_afford(self, case: Case) -> bool:
        """Whether the fund the committee draws on holds the money a fix of ``case`` needs."""
        model = self.model
        treasury = model.treasury
        cost = model.category_specs[case.category].material_cost
        return treasury.can_pay(self.community, treasury.committee_holder, cost)

    def _settle(self, case: Case) -> None:
        """Try to settle a worked case; without the money for it, only as a makeshift.

        A committee whose fund cannot pay for the fix (有责无钱) may still get it done with
        residents and volunteers, as often as it settles what it has no authority for.
        """
        model = self.model
        funded = self._can_afford(case)
        authorised = model.rules.devolution.has_authority(case.category) and funded
        chance = model.rules.devolution.settle_probability(authorised, self.mean_experience())
        if model.streams["handling"].random() >= chance * model.rules.information.fix_factor(case):
            model.casework.forward(case, bounced=case.pushed_down)
            return
        if funded:  # the fund was just seen to hold the money: the draw goes through
            model.casework.fund_fix(case, model.treasury.committee_holder)
        model.casework.close(case, Status.RESOLVED, Level.COMMUNITY)

    def account_for_funds(self) -> None:
        """Owe the month's accounts: one report for each separate fund it spends from."""
        model = self.model
        funds = model.treasury.funds_per_community[self.community]
        self.add_paperwork(model.params.funds.report_hours * funds)

    # -- consultation (scheduled event) ------------------------------------------------------
    def hold_meeting(self) -> None:
        """Hold a consultation meeting: invite, settle collective disputes, publish results."""
        model = self.model
        rule = model.rules.consultation
        rng = model.streams["consultation"]
        population = model.population
        part = population.community_slice(self.community)
        size = part.stop - part.start
        invited = rule.invite(size, rng) + part.start
        attended = invited[rule.attendance(population.participation[invited],
                                           population.trust[invited],
                                           population.efficacy[invited],
                                           population.elderly[invited], self.reach(), rng)]
        population.last_attended[attended] = model.day
        trust = population.trust[attended]
        agreed = carried = 0
        disputes = [case for case, ticket in self.meeting_pool if case.ticket == ticket]
        for case, agreement in zip(disputes, rule.deliberate_all(trust, len(disputes), rng),
                                   strict=True):
            if not agreement:
                model.casework.forward(case)  # no agreement: the dispute goes up
                continue
            agreed += 1
            # an agreement still needs the money to carry it out (a scheme, a renovation)
            if model.casework.fund_fix(case, model.treasury.committee_holder):
                model.casework.close(case, Status.RESOLVED, Level.COMMUNITY)
                # the agreement carried out settles the dispute, not only this complaint
                model.demand.settle(self.community, case.category,
                                    model.day + rule.params.agreement_days)
                carried += 1
            else:
                model.casework.forward(case)
        self.meeting_pool = []
        if disputes:  # only a meeting with an agenda has a record to learn from
            self._spread_record(attended, carried / len(disputes), carried / agreed if agreed
                                else None)
        interval = model.params.consultation.interval_days
        self.volunteer_hours_per_day = len(attended) * rule.params.volunteer_hours / interval
        self.overhead_due += rule.params.meeting_hours
        self.next_meeting_day = model.day + interval
        self.document()
        model.casework.count_meeting(len(invited), len(attended))

    def _spread_record(self, attended: np.ndarray, achieved: float,
                       record: float | None) -> None:
        """Residents learn a meeting's record: attendees saw it, their ties heard of it.

        ``achieved`` is the share of the agenda carried out, which belief in meetings follows;
        ``record`` the share of decisions carried out (None when nothing was agreed), which
        satisfaction and trust follow. Only ties within the community hear of its meeting.
        """
        population = self.model.population
        rule = self.model.rules.consultation
        part = population.community_slice(self.community)
        size = part.stop - part.start
        seen = np.zeros(size, dtype=bool)
        seen[attended - part.start] = True
        told = np.zeros(size, dtype=bool)
        heard = population.listeners[attended].ravel() - part.start
        told[heard[(heard >= 0) & (heard < size)]] = True
        learnt = rule.learnt(seen, told)
        population.efficacy[part] = rule.efficacy_after(population.efficacy[part], achieved,
                                                        learnt)
        if record is None:
            return
        old_sat = population.satisfaction[part].copy()
        old_trust = population.trust[part].copy()
        population.satisfaction[part] = rule.satisfaction_after(old_sat, record, learnt)
        population.trust[part] = rule.trust_after(old_trust, record, learnt)
        population.refresh_community(self.community, old_sat, old_trust)

    def reach(self) -> float:
        """How well the committee's recent visits and services reach its residents, in [0, 1).

        The service quality a month of its recent daily service hours gives: what it chose to
        spend on self-governance, not on records, is what brings residents to its meetings.
        """
        part = self.model.population.community_slice(self.community)
        hours = (self.service_rate or 0.0) * MONTH_DAYS
        return self.model.rules.services.quality(hours, part.stop - part.start)

    # -- services (scheduled event) -------------------------------------------------------------
    def serve_residents(self) -> None:
        """Turn the month's service hours into residents' satisfaction (a monthly event)."""
        population = self.model.population
        part = population.community_slice(self.community)
        quality = self.model.rules.services.quality(self.service_hours, part.stop - part.start)
        old_sat, old_trust = population.satisfaction[part].copy(), population.trust[part].copy()
        population.satisfaction[part] = self.model.rules.services.satisfaction_after(
            population.satisfaction[part], quality)
        population.refresh_community(self.community, old_sat, old_trust)
        self.service_hours = 0.0

    # -- assessment (scheduled event) -----------------------------------------------------------
    def assess(self) -> None:
        """End the street's assessment round: learn what its choices and its time use scored.

        The inspection counts the round's administrative work done; what is still undone is
        recorded as missing and written off.
        """
        model = self.model
        rate = model.params.assessment.learning_rate
        owed = self.records_owed
        records = (owed - self.paperwork_due) / owed if owed > 0 else 1.0
        case_score = self.choices.round_mean()
        part = model.population.community_slice(self.community)
        satisfaction = float(model.population.satisfaction[part].mean()) if (
            part.stop > part.start) else model.params.assessment.prior_score
        found = model.rules.time_use.losses(
            records, 1.0 - self.attention.losses[1] if case_score is None else case_score,
            satisfaction)
        self.attention.learn(found, rate)
        self.choices.learn(rate)
        self.records_missed += self.paperwork_due
        self.paperwork_due = 0.0
        self.records_owed = 0.0

    # -- workforce (the daily update is district-wide: model.workforce) -------------------------
    def quit(self, position: int) -> None:
        """The worker in ``position`` (within its committee) quits; the post is advertised."""
        self.active[position] = False
        self.quits += 1
        self._quit_today = True

    def workers_changed(self) -> None:
        """Take note of the day's workforce update (and of who quit)."""
        if self._quit_today:
            self._quit_today = False
            self._posts_changed()
        else:
            self._workers_changed()

    def recruit(self, rng: ScalarDraws) -> None:
        """Each vacant post may draw an applicant today, who takes it or not (district-wide).

        The applicant weighs the post's pay, less the stress of the committee it would join,
        against its own best outside offer (:meth:`TalentRule.applicant_accepts`).
        """
        talent = self.model.rules.talent
        chance = talent.applicant_probability()
        stress = self.stress_in_post()
        load = float(stress.mean()) if len(stress) else 0.0
        hired = False
        for position in np.flatnonzero(~self.active).tolist():
            draw = rng.random()
            if draw < chance and talent.applicant_accepts(draw / chance, load):
                self.active[position] = True
                self.experience[position] = self.model.params.talent.newcomer_experience
                self.stress[position] = 0.0
                hired = True
        if hired:
            self._posts_changed()
