"""The governance model: a district of departments, street offices, committees, NGOs, residents."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.time import Schedule

from model.agents import NGO, Department, Hall, Resident, ResidentsCommittee, StreetOffice
from model.cases import Case, Level, Node, Status
from model.ledger import Calendar, Tally
from model.outcomes import build_datacollector
from model.population import Population
from model.rules import DemandRule, Rules
from model.scenario import Scenario, load_scenario
from model.scenario.parameters import flat_overrides
from model.streams import MAX_SEED, Streams

MONTH_DAYS = 30


def _scenario_of(params: Scenario | str | Path, overrides: dict[str, Any]) -> Scenario:
    """The validated scenario: ``params`` loaded if it is a name or path, overrides applied."""
    if isinstance(params, Scenario) and not overrides:
        return params
    return load_scenario(params, flat_overrides(overrides))


def _mesa_parameters(scenario: MesaScenario) -> dict[str, Any]:
    """The parameters a Mesa scenario carries (its seed aside)."""
    return {name: value for name, value in scenario if name != "rng"}


class GovernanceModel(mesa.Model):
    """Collaborative community governance (协同治理) in one district, one step per day.

    Args:
        params: A validated :class:`Scenario`, or a bundled name or TOML path to load. The
            model keeps it as ``model.params`` (Mesa's own ``model.scenario`` is another thing).
        rng: Seed of the run; every random process draws from its own stream derived from it.
        scenario: Mesa's experimental scenario (``mesa.experimental.scenarios.Scenario``), as
            SolaraViz passes back on Reset: its seed is used when ``rng`` is not given and its
            parameters, named as keyword overrides, are applied.
        **overrides: Flat keyword overrides for Mesa's ``batch_run`` and SolaraViz:
            ``devolution__level=0.8`` (group and field joined by ``__``) or ``residents=3000``
            (a field name only one group has); see :func:`model.scenario.parameters.dotted_key`.

    Raises:
        ScenarioError: For an unknown or ambiguous keyword, or a value the schema refuses.

    ``running`` turns False once ``params.run.days`` days have been simulated, so
    ``mesa.batch_run`` and ``model.run_model()`` stop there; ``step()`` still advances a day
    when called.

    One step is one day, in this order of phases:

    1. ``deliver``: cases arriving after a hop, and per-case timers (escalation when a
       resident's patience runs out, abandonment, the whistle's stuck-case check) fire.
    2. ``raise_needs``: residents' new needs arrive (Poisson by community, category and
       group); each is reported or left silent, through the committee, the hotline, an
       office visit or a one-stop hall.
    3. ``committees``: paperwork first, then cases: settle, hold for consultation, refer to
       an NGO, or forward to the street office.
    4. ``ngos``: contracted services for referred cases.
    5. ``streets``: route cases to departments or blow the whistle; street halls serve.
    6. ``departments``: work the queue (bounce, push down, close), then answer summonses
       with spare hours (in overtime at their deadline).
    7. ``community halls``: serve administrative cases when halls sit in communities.
    8. ``workforce``: committee workers' stress, experience and quitting.
    9. ``account``: costs and backlog; the DataCollector records the daily outcomes.

    Periodic processes are Mesa scheduled events: consultation meetings (per committee, every
    ``consultation.interval_days``, staggered), assessment rounds (every
    ``assessment.interval_days``), NGO cultivation and committee services (monthly) and hiring
    (one event per vacancy,
    ``talent.hiring_delay_days`` after a worker quits).
    """

    def __init__(self, params: Scenario | str | Path = "baseline", rng: int | None = None, *,
                 scenario: MesaScenario | None = None, **overrides: Any) -> None:
        if scenario is not None:
            overrides = {**_mesa_parameters(scenario), **overrides}
            rng = scenario.rng if rng is None else rng
        seed = int(np.random.SeedSequence().entropy % (MAX_SEED + 1)) if rng is None else int(rng)
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"rng: {rng} is out of range (allowed: 0 to {MAX_SEED})")
        if scenario is not None and scenario.rng is None:
            scenario = type(scenario)(rng=seed, **_mesa_parameters(scenario))
        super().__init__(rng=seed, scenario=scenario)
        self.seed = seed
        self.params = _scenario_of(params, overrides)
        self.streams = Streams(seed)
        self.rules = Rules.from_scenario(self.params)
        self.day = 0
        self.tally = Tally()
        self.calendar = Calendar()
        self.backlog_history: list[int] = []
        self.stress_sum = 0.0
        self.next_case_id = 0
        self._index_data()
        self._build_district()
        self._schedule_periodic()
        self.datacollector = build_datacollector()
        self.datacollector.collect(self)

    # -- construction ------------------------------------------------------------------------
    def _index_data(self) -> None:
        params = self.params
        self.category_names = list(params.categories)
        self.category_specs = list(params.categories.values())
        self.department_names = list(params.departments)
        index = {name: i for i, name in enumerate(self.department_names)}
        self.category_legs = [tuple(index[d] for d in c.departments) for c in self.category_specs]
        self._claimants = [
            sorted({index[d] for d in (*c.departments, *c.claimed_by)})
            for c in self.category_specs
        ]
        self.mean_department_solve_prob = float(
            np.mean([d.solve_prob for d in params.departments.values()]))

    def _build_district(self) -> None:
        params = self.params
        district = params.district
        n_comm = district.streets * district.communities_per_street
        sizes = [district.residents // n_comm + (i < district.residents % n_comm)
                 for i in range(n_comm)]
        self.population = Population(params.population, sizes, self.streams["population"])
        self.residents = [Resident(self, i) for i in range(self.population.size)]
        self.demand = DemandRule(params, self.population.group_counts())
        self.streets = [StreetOffice(self, s) for s in range(district.streets)]
        self.departments = [Department(self, i, name)
                            for i, name in enumerate(self.department_names)]
        positions = self._committee_positions()
        self.committees = [
            ResidentsCommittee(self, c, c // district.communities_per_street, positions[c])
            for c in range(n_comm)
        ]
        specialties = list(params.procurement.specialty_shares)
        self.ngos = [NGO(self, i, name) for i, name in enumerate(specialties)]
        self._ngo_by_specialty = {ngo.specialty: ngo for ngo in self.ngos}
        self.halls: list[Hall] = []
        if self.rules.one_stop.enabled:
            self._build_halls()

    def _committee_positions(self) -> list[int]:
        """Funded positions per committee: the base plus any that follow devolved work."""
        params = self.params
        daily = self.demand.base.sum(axis=2)  # (communities, categories)
        trust = params.population.initial_trust
        judgement = self.rules.judgement
        report = np.array([judgement.report_probability(trust, c.urgency)
                           for c in self.category_specs])
        # only cases that reach the committee count: not office visits, not hotline reports
        hours = np.array([0.0 if c.admin_service else c.work_hours for c in self.category_specs])
        migrants = params.population.migrant_share
        via_committee = 1.0 - (migrants * judgement.hotline_share(True)
                               + (1 - migrants) * judgement.hotline_share(False))
        expected = daily * report * hours * via_committee
        per_worker = self.rules.talent.hours_per_day()
        return [params.talent.workers_per_committee
                + self.rules.devolution.extra_positions(expected[c], per_worker)
                for c in range(len(daily))]

    def _build_halls(self) -> None:
        owners = self.committees if self.rules.one_stop.at_community else self.streets
        level = Level.COMMUNITY if self.rules.one_stop.at_community else Level.STREET
        for owner in owners:
            owner.hall = Hall(self, Node("hall", len(self.halls)), level)
            self.halls.append(owner.hall)

    def _schedule_periodic(self) -> None:
        params = self.params
        interval = params.consultation.interval_days
        for committee in self.committees:
            start = 1 + (committee.community * interval) // len(self.committees)
            committee.next_meeting_day = start
            self.schedule_recurring(committee.hold_meeting, Schedule(interval=interval,
                                                                     start=start))
        every = params.assessment.interval_days
        self.schedule_recurring(self.assessment_round, Schedule(interval=every, start=every))
        self.schedule_recurring(self.monthly_round, Schedule(
            interval=MONTH_DAYS, start=MONTH_DAYS))

    # -- the day -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day through the phases listed in the class docstring."""
        self.day = self.steps
        self.calendar.fire(self.day)
        self.raise_needs()
        for committee in self.committees:
            committee.work_day()
        for ngo in self.ngos:
            ngo.work_day()
        for street in self.streets:
            street.work_day()
        for department in self.departments:
            department.work_day()
        for committee in self.committees:
            if committee.hall is not None:
                committee.hall.work_day()
        for committee in self.committees:
            committee.workforce_day()
        self.account()
        self.datacollector.collect(self)
        self.running = self.day < self.params.run.days

    def raise_needs(self) -> None:
        """Draw today's new needs and send each on its way (or leave it silent)."""
        counts = self.demand.draw(self.day, self.streams["demand"])
        rng = self.streams["demand"]
        for community, category, group in zip(*np.nonzero(counts), strict=True):
            members = self.population.members[community][group]
            for who in members[rng.integers(0, len(members), counts[community, category, group])]:
                self._new_case(int(community), int(category), int(who), rng)

    def _new_case(
        self, community: int, category: int, who: int, rng: np.random.Generator
    ) -> None:
        spec = self.category_specs[category]
        spread = self.params.population.urgency_spread
        urgency = float(np.clip(rng.normal(spec.urgency, spread), 0, 1))
        street = community // self.params.district.communities_per_street
        case = Case(self.next_case_id, category, who, community, street, self.day, urgency,
                    self.category_legs[category])
        self.next_case_id += 1
        case.hard = bool(self.streams["hardness"].random() < spec.hard_share)
        self.tally.raised += 1
        resident = self.residents[who]
        if not resident.reports(urgency):
            case.status = Status.SILENT
            case.closed_day = self.day
            self.tally.silent += 1
            resident.rate(case)
            return
        self.tally.reported += 1
        self.tally.open += 1
        self.population.open_cases[who] += 1
        if self.params.residents.max_escalations > 0:
            patience = int(self.population.patience[who])
            self.calendar.add(self.day + patience, self.escalate, case, same_ticket=False)
        self.calendar.add(self.day + self.params.residents.abandon_days, self.abandon, case,
                          same_ticket=False)
        self._dispatch(case, spec.admin_service, resident)

    def _dispatch(self, case: Case, admin: bool, resident: Resident) -> None:
        committee = self.committees[case.community]
        if admin and self.rules.one_stop.enabled:
            case.channel = "hall"
            case.trips = 1
            hall = committee.hall or self.streets[case.street].hall
            case.move(self.day, hall.node, "visit")
            hall.enqueue(case)
        elif admin:
            case.channel = "visit"
            self.visit(case, case.legs[0])
        elif resident.uses_hotline():
            case.channel = "hotline"
            self.tally.hotline_reports += 1
            case.move(self.day, Node("hotline", 0), "report")
            self.send(case, self.streets[case.street].node, "dispatch")
        else:
            case.move(self.day, committee.node, "report")
            committee.enqueue(case)

    # -- moving cases --------------------------------------------------------------------------
    def handler(self, node: Node) -> ResidentsCommittee | StreetOffice | Department | NGO | Hall:
        """The agent or facility that holds cases at ``node``."""
        kind, index = node
        if kind == "committee":
            return self.committees[index]
        if kind == "street":
            return self.streets[index]
        if kind == "department":
            return self.departments[index]
        if kind == "ngo":
            return self.ngos[index]
        if kind == "hall":
            return self.halls[index]
        raise KeyError(f"no handler at {node}")

    def send(self, case: Case, target: Node, reason: str) -> None:
        """Hop ``case`` to ``target``: information loss, duplicate entry, transit delay."""
        source = case.holder
        delay, duplicates = self.rules.information.hop(case, source, target)
        if duplicates:
            self.tally.duplicate_entries += duplicates
            if source.kind == "committee":
                self.committees[source.index].paperwork_due += (
                    duplicates * self.params.information.entry_hours)
        if reason == "bounce":
            self.tally.bounces += 1
        self.tally.flows[(source, target)] += 1
        case.move(self.day, target, reason)
        handler = self.handler(target)
        if delay <= 0:
            handler.enqueue(case)
        else:
            self.calendar.add(self.day + delay, handler.enqueue, case)

    def visit(self, case: Case, department: int) -> None:
        """The resident goes in person to a department's office (no one-stop hall)."""
        dept = self.departments[department]
        connected = self.rules.information.connected(dept.node)
        extra = self.rules.one_stop.extra_trips(self.streams["trips"], connected)
        case.trips += 1 + extra
        delay = (extra + (case.leg > 0)) * self.params.one_stop.visit_days
        self.tally.flows[(case.holder, dept.node)] += 1
        case.move(self.day, dept.node, "visit")
        if delay <= 0:
            dept.enqueue(case)
        else:
            self.calendar.add(self.day + delay, dept.enqueue, case)

    def claimants(self, category: int) -> list[int]:
        """Departments that need or claim a category (candidates when routing goes wrong)."""
        return self._claimants[category]

    def ngo_node(self, specialty: str) -> Node:
        """Where cases of an NGO specialty are referred."""
        return self._ngo_by_specialty[specialty].node

    def ngo_has_room(self, specialty: str) -> bool:
        """Whether the NGO of ``specialty`` (if any) can take another referral."""
        ngo = self._ngo_by_specialty.get(specialty)
        return ngo is not None and ngo.has_room()

    # -- ends and timers -----------------------------------------------------------------------
    def close(self, case: Case, status: Status, level: Level = Level.NONE) -> None:
        """End an open case, let its resident judge it, and record it."""
        tally = self.tally
        holder = case.holder
        case.status = status
        case.closed_day = self.day
        case.ticket += 1
        tally.open -= 1
        self.population.open_cases[case.resident] -= 1
        spec = self.category_specs[case.category]
        days = case.days_open(self.day)
        on_time = days <= spec.time_limit_days
        if status == Status.RESOLVED:
            case.level = level
            tally.resolved += 1
            tally.settled[level] += 1
            tally.add_resolution(days, on_time, case.multi_department)
        elif status == Status.CLOSED_UNSOLVED:
            tally.closed_unsolved += 1
        else:
            tally.abandoned += 1
        resident = self.residents[case.resident]
        score = resident.rate(case)
        # the hotline's callback (回访): the resident answers from where the case left them
        tally.callbacks += 1
        tally.callbacks_satisfied += (
            resident.satisfaction >= self.params.residents.satisfied_threshold)
        if spec.admin_service:
            tally.admin_closed += 1
            tally.admin_trips += case.trips
            tally.admin_score += score
        if holder.kind == "department" and (case.quick_closed or case.hard):
            self.departments[holder.index].round.record(case.quick_closed, on_time, score)

    def escalate(self, case: Case) -> None:
        """A resident's patience ran out: complain, and with the whistle on, the street acts."""
        case.escalations += 1
        self.tally.escalations += 1
        self.residents[case.resident].escalate()
        if case.escalations < self.params.residents.max_escalations:
            patience = int(self.population.patience[case.resident])
            self.calendar.add(self.day + patience, self.escalate, case, same_ticket=False)
        if self.rules.whistle.enabled and not case.whistled and case.holder.kind in (
                "committee", "department"):
            self.send(case, self.streets[case.street].node, "escalate")

    def abandon(self, case: Case) -> None:
        """The resident gives up on a case still open after ``abandon_days``."""
        self.close(case, Status.ABANDONED)

    def stuck_check(self, case: Case) -> None:
        """A case still waiting at the department it was routed to: the street whistles."""
        if not case.whistled and case.holder.kind == "department":
            self.send(case, self.streets[case.street].node, "stuck")

    # -- periodic processes (Mesa scheduled events) ----------------------------------------------
    def assessment_round(self) -> None:
        """Assessment round: each department adapts its closing habits."""
        for department in self.departments:
            department.assess()

    def monthly_round(self) -> None:
        """Monthly processes: NGO cultivation (培育) and committees' services to residents."""
        for ngo in self.ngos:
            ngo.cultivate()
        for committee in self.committees:
            committee.serve_residents()

    def account(self) -> None:
        """Add today's paid hours and contracts to the cost; record backlog and stress."""
        params = self.params
        wage = params.talent.wage_per_hour
        committee_hours = sum(int(c.active.sum()) for c in self.committees) * (
            params.talent.hours_per_day * params.talent.pay_index)
        public_hours = (sum(d.spec.hours_per_day for d in self.departments)
                        + len(self.streets) * params.district.street_hours_per_day
                        + len(self.halls) * params.one_stop.hall_hours_per_day)
        ngo_money = sum(self.rules.procurement.money_per_day(n.specialty) for n in self.ngos)
        self.tally.cost += (committee_hours + public_hours) * wage + ngo_money
        self.backlog_history.append(self.tally.open)
        self.stress_sum += self.mean_worker_stress_today()

    def mean_worker_stress_today(self) -> float:
        """Mean stress of the workers in post today."""
        stress = [c.stress[c.active] for c in self.committees]
        values = np.concatenate(stress) if stress else np.zeros(0)
        return float(values.mean()) if len(values) else 0.0

    def positions(self) -> int:
        """Funded committee worker positions in the district."""
        return sum(c.positions for c in self.committees)

    def flows_by_kind(self) -> dict[tuple[str, str], int]:
        """Case hops aggregated by the kinds of place they went between."""
        totals: defaultdict[tuple[str, str], int] = defaultdict(int)
        for (source, target), count in self.tally.flows.items():
            totals[(source.kind, target.kind)] += count
        return dict(totals)
