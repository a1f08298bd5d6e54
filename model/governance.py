"""The governance model: a district of departments, street offices, committees, NGOs, residents."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.time import Priority, Schedule

from model.agents import NGO, Department, Hall, ResidentsCommittee, StreetOffice
from model.agents.resident import create_residents
from model.cases import Level, Node, NodeKind
from model.casework import Casework
from model.layout import district_layout
from model.ledger import Tally
from model.network import small_world
from model.outcomes import build_datacollector
from model.population import Population
from model.rules import DemandRule, Rules
from model.rules.channels import COMMITTEE
from model.rules.services import MONTH_DAYS, YEAR_DAYS
from model.scenario import Scenario, load_scenario
from model.scenario.parameters import flat_overrides
from model.scenario.timeline import Stage, stages
from model.streams import MAX_SEED, Streams
from model.treasury import Treasury
from model.workforce import Workforce


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

    1. ``timers``: cases arriving after a hop, and per-case timers (escalation when a
       resident's patience runs out, abandonment, the whistle's stuck-case check) fire.
    2. ``intake``: residents' new needs arrive (Poisson by community, category and
       group); each is reported or left silent, through the channel its resident chooses
       (committee, 12345 by phone or online, street office, petition, a department's own
       line), or asked for in person where administrative services are given.
    2b. ``mobilise``: units that are behind get help: redeployed department hours (on the
       platform), cadres sent down and called volunteers (committees).

    Phases 1-2 and every move, closure and count of a case belong to :attr:`casework`
    (:class:`model.casework.Casework`); the agents decide and call it.
    3. ``committees``: paperwork first, then cases: settle, hold for consultation, refer to
       an NGO, or forward to the street office.
    4. ``ngos``: contracted services for referred cases.
    5. ``streets``: route cases to departments or blow the whistle; street halls serve.
    6. ``departments``: work the queue (bounce, push down, close), then answer summonses
       with spare hours (in overtime at their deadline).
    7. ``community halls``: serve administrative cases when halls sit in communities.
    7b. ``stories``: residents whose cases ended today tell their listeners (the network).
    8. ``workforce``: committee workers' stress and experience, quitting and hiring.
    9. ``account``: costs and backlog; the DataCollector records the daily outcomes.

    Periodic processes are Mesa scheduled events: consultation meetings (per committee, every
    ``consultation.interval_days``, staggered), assessment rounds (every
    ``assessment.interval_days``), NGO cultivation and committee services (monthly).
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
        #: the scenario as given, timeline included (``params``: the settings in force now)
        self.scenario_as_given = self.params
        #: the settings in force after each timeline entry, and the entries taken up so far
        self.timeline: list[Stage] = stages(self.params)
        self.timeline_marks: list[tuple[int, str]] = []
        self._take_up_stages(0)
        self.streams = Streams(seed)
        self.rules = Rules.from_scenario(self.params)
        self.day = 0
        self.casework = Casework(self)
        self.backlog_history: list[int] = []
        #: the tally's running counts at the end of each day (day 0: the start), for periods
        self.count_history: list[tuple[int, ...]] = []
        self.stress_sum = 0.0
        self.vacancy_sum = 0.0  # vacant committee positions, summed over days
        self._index_data()
        self._build_district()
        self._schedule_periodic()
        for day in sorted({stage.day for stage in self.timeline if stage.day > 0}):
            # at the end of the day before: the day itself is the first run under the change
            self.schedule_event(self._take_up_todays_stages, at=day - 1, priority=Priority.LOW)
        self.datacollector = build_datacollector()
        self.datacollector.collect(self)
        self.count_history.append(self.tally.period_counts())

    @property
    def tally(self) -> Tally:
        """The running counts outcomes are computed from (kept by :attr:`casework`)."""
        return self.casework.tally

    # -- construction ------------------------------------------------------------------------
    def _index_data(self) -> None:
        params = self.params
        self.category_names = list(params.categories)
        self.category_specs = list(params.categories.values())
        self.department_names = list(params.departments)
        index = {name: i for i, name in enumerate(self.department_names)}
        self.category_legs = [tuple(index[d] for d in c.departments) for c in self.category_specs]
        # a gap in remits (职责真空) has no legs until a department claims it or is assigned it
        self._nearest = [tuple(index[d] for d in c.nearest) for c in self.category_specs]
        self.gap_categories = frozenset(i for i, legs in enumerate(self.category_legs) if not legs)
        self.collective_categories = frozenset(
            i for i, spec in enumerate(self.category_specs) if spec.collective)
        self._claimants = [
            sorted({index[d] for d in (*c.departments, *c.claimed_by, *c.nearest)})
            for c in self.category_specs
        ]
        self.mean_department_solve_prob = float(
            np.mean([d.solve_prob for d in params.departments.values()]))

    def _build_district(self) -> None:
        params = self.params
        self.layout = layout = district_layout(params)
        sizes = list(layout.community_sizes)
        self.population = population = Population(params.population, sizes,
                                                  self.streams["population"])
        network = self.streams["network"]
        known = self.rules.channels.known_at_start(population.migrant, network)
        population.equip_channels(known, *small_world(
            population.bounds, params.network.ties, params.network.cross_share, network))
        expectations = params.expectations
        population.equip_expectations((expectations.initial_result, expectations.initial_time,
                                       expectations.initial_treatment))
        self.residents = create_residents(self, self.population.size)
        self.demand = DemandRule(params, self.population.group_counts())
        self.streets = [StreetOffice(self, s, layout.street_hours[s])
                        for s in range(layout.streets)]
        shares = layout.street_shares
        self.departments = [Department(self, i, name, layout.department_hours[i], shares)
                            for i, name in enumerate(self.department_names)]
        self.workforce = Workforce(self._committee_positions(), self.rules.talent,
                                   params.talent.initial_experience)
        self.committees = [ResidentsCommittee(self, c, layout.community_street[c])
                           for c in range(layout.communities)]
        specialties = list(params.procurement.specialty_shares)
        posts = [(street, name) for street in range(layout.streets) for name in specialties]
        self.ngos = [NGO(self, i, name, street, shares[street])
                     for i, (street, name) in enumerate(posts)]
        self._ngo_at = {(ngo.specialty, ngo.street): ngo for ngo in self.ngos}
        self.halls: list[Hall] = []
        if self.rules.one_stop.enabled:
            self._build_halls()
        self.treasury = Treasury(params.funds, self._fund_plan(), layout.community_street)
        self.treasury.start_year()

    def _expected_reports(self) -> np.ndarray:
        """Cases a day residents are expected to report, by community and category.

        What planners can know in advance: demand at the start and the initial trust.
        """
        trust = self.params.population.initial_trust
        judgement = self.rules.judgement
        report = np.array([judgement.report_probability(trust, c.urgency)
                           for c in self.category_specs])
        return self.demand.base.sum(axis=2) * report

    def _committee_positions(self) -> list[int]:
        """Funded positions per committee: the base plus any that follow devolved work."""
        params = self.params
        # only cases that reach the committee count: not office visits, not hotline reports
        hours = np.array([0.0 if c.admin_service else c.work_hours for c in self.category_specs])
        expected = self._expected_reports() * hours * self._committee_share_at_start()[:, None]
        per_worker = self.rules.talent.hours_per_day()
        return [params.talent.workers_per_committee
                + self.rules.devolution.extra_positions(expected[c], per_worker)
                for c in range(len(expected))]

    def _committee_share_at_start(self) -> np.ndarray:
        """Per community, the share of residents' reports expected to reach the committee.

        What planners can know in advance: the channels residents know and value at the start.
        """
        population, rule = self.population, self.rules.channels
        value = rule.values(population.expected_of_channel, population.trust, population.group,
                            population.last_channel)
        chance = rule.probabilities(value, population.known & rule.open_channels(0))
        sizes = np.diff(population.bounds)
        return (np.bincount(population.community, weights=chance[:, COMMITTEE],
                            minlength=len(sizes)) / np.maximum(sizes, 1))

    def _fund_plan(self) -> np.ndarray:
        """Yearly money by community and holder (each department, then the committee).

        Each category's expected material cost, times ``funds.coverage``, is split evenly
        among the departments it needs; for a category devolved to committees the share
        ``devolution.resources_follow`` of it goes to the committee instead (费随事转).
        Committees also get their operating funds. A category no department's remit covers
        has no budget line.
        """
        params = self.params
        yearly = self._expected_reports() * YEAR_DAYS * params.funds.coverage
        committee = len(self.departments)
        plan = np.zeros((yearly.shape[0], committee + 1))
        follow = params.devolution.resources_follow
        for c, spec in enumerate(self.category_specs):
            need = yearly[:, c] * spec.material_cost
            legs = self.category_legs[c]
            if not legs or spec.material_cost == 0.0:
                continue
            moved = follow if self.rules.devolution.is_duty(c) else 0.0
            plan[:, committee] += need * moved
            for department in legs:
                plan[:, department] += need * (1.0 - moved) / len(legs)
        sizes = np.asarray(self.layout.community_sizes, dtype=float)
        plan[:, committee] += params.funds.committee_funds_per_1000_residents * sizes / 1000.0
        return plan

    def _build_halls(self) -> None:
        owners = self.committees if self.rules.one_stop.at_community else self.streets
        level = Level.COMMUNITY if self.rules.one_stop.at_community else Level.STREET
        layout = self.layout
        for owner in owners:
            served = (layout.community_sizes[owner.community] if level == Level.COMMUNITY
                      else layout.street_residents(owner.index))
            owner.hall = Hall(self, Node(NodeKind.HALL, len(self.halls)), level,
                              layout.hall_hours(served))
            self.halls.append(owner.hall)

    def _take_up_stages(self, day: int) -> bool:
        """Put in force the timeline entries of ``day``, if any; whether there were any."""
        todays = [stage for stage in self.timeline if stage.day == day]
        if not todays:
            return False
        self.params = todays[-1].scenario  # each stage includes the entries before it
        self.timeline_marks += [(day, stage.label) for stage in todays]
        return True

    def _take_up_todays_stages(self) -> None:
        """A timeline event: tomorrow's entries take effect.

        The rules, and the units that keep what the settings imply, work it out anew.
        """
        if self._take_up_stages(self.day + 1):
            self._reschedule_assessment()
            self.rules.retune(self.params)
            self.casework.retune()
            for committee in self.committees:
                committee.retune()

    def _reschedule_assessment(self) -> None:
        """A new assessment interval (monthly ranking, say) counts from the day it starts."""
        every = self.params.assessment.interval_days
        if every != self._assessment_rounds.schedule.interval:
            self._assessment_rounds.stop()
            self._assessment_rounds = self.schedule_recurring(
                self.assessment_round, Schedule(interval=every, start=self.time + every))

    def _schedule_periodic(self) -> None:
        params = self.params
        interval = params.consultation.interval_days
        for committee in self.committees:
            start = 1 + (committee.community * interval) // len(self.committees)
            committee.next_meeting_day = start
            self.schedule_recurring(committee.hold_meeting, Schedule(interval=interval,
                                                                     start=start))
        every = params.assessment.interval_days
        self._assessment_rounds = self.schedule_recurring(
            self.assessment_round, Schedule(interval=every, start=every))
        self.schedule_recurring(self.monthly_round, Schedule(
            interval=MONTH_DAYS, start=MONTH_DAYS))
        self.schedule_recurring(self.treasury.start_year, Schedule(
            interval=YEAR_DAYS, start=YEAR_DAYS))
        for ngo in self.ngos:
            days = params.procurement.contract_days
            self.schedule_recurring(ngo.contract_end, Schedule(interval=days, start=days))

    # -- the day -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day through the phases listed in the class docstring."""
        self.day = self.steps
        self.casework.fire_timers()
        self.casework.intake_day()
        self.mobilise()
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
        params = self.params
        self.population.spread_stories(
            params.channels.story_rate, params.expectations.story_rate,
            params.expectations.neighbour_weight, params.residents.trust_rate)
        self.workforce_day()
        self.account()
        self.datacollector.collect(self)
        self.count_history.append(self.tally.period_counts())
        self.running = self.day < self.params.run.days

    def workforce_day(self) -> None:
        """Committee workers' stress and experience move on; some quit, and posts are filled."""
        committees, workforce = self.committees, self.workforce
        rng = self.streams["talent"]
        quits = workforce.day([c.load_ratio for c in committees], rng)
        for position in quits:  # in committee order, then position order
            committee = committees[int(workforce.committee_of[position])]
            committee.quit(position - workforce.bounds[committee.community])
        for committee in committees:
            committee.workers_changed()
            if committee.in_post < committee.positions:
                committee.recruit(rng)

    def mobilise(self) -> None:
        """Send today's help to units that are behind (see :mod:`model.rules.response`)."""
        rule = self.rules.response
        rule.redeploy(self.departments, self.rules.information)
        behind = [c for c in self.committees
                  if rule.behind(c.workload(), c.capacity())]
        if not behind:
            return
        # each street office sends its own cadres down to its committees that are behind
        behind_in_street = Counter(c.street for c in behind)
        last_attended = self.population.last_attended
        wage = self.params.talent.wage_per_hour
        for committee in behind:
            street = committee.street
            cadres = (rule.cadre_hours(self.layout.street_residents(street))
                      / behind_in_street[street])
            self.casework.pay(cadres * wage)
            part = last_attended[self.population.community_slice(committee.community)]
            attendees = int(np.count_nonzero(part > self.day - 365))
            committee.help_hours = cadres + rule.volunteer_hours(attendees)

    # -- what units look up -------------------------------------------------------------------
    def claimants(self, category: int) -> list[int]:
        """Departments that need, claim or lie nearest a category (where misroutes go)."""
        return self._claimants[category]

    def nearest(self, category: int) -> tuple[int, ...]:
        """Departments nearest a category no remit covers, nearest first (empty otherwise)."""
        return self._nearest[category]

    def ngo_node(self, specialty: str, street: int) -> Node:
        """Where a street's cases of an NGO specialty are referred."""
        return self._ngo_at[specialty, street].node

    def ngo_has_room(self, specialty: str, street: int) -> bool:
        """Whether the street's NGO of ``specialty`` (if any) can take another referral."""
        ngo = self._ngo_at.get((specialty, street))
        return ngo is not None and ngo.has_room()

    # -- periodic processes (Mesa scheduled events) ----------------------------------------------
    def assessment_round(self) -> None:
        """Assessment round: departments, streets and committees learn what their choices scored."""
        for department in self.departments:
            department.assess()
        for street in self.streets:
            street.assess()
        for committee in self.committees:
            committee.assess()

    def monthly_round(self) -> None:
        """Monthly processes: a tranche of funds, NGO cultivation (培育), committees' services.

        Committees also account for each separate fund they spend from, and the district
        publishes the month's handling of cases, which residents' expectations follow. The city
        takes up the month's themes (每月一题, :mod:`model.rules.policy`).
        """
        self.population.publish(self.params.expectations.publicity_rate)
        self.rules.policy.review(self.day)
        self.treasury.release()
        for ngo in self.ngos:
            ngo.cultivate()
        for committee in self.committees:
            committee.serve_residents()
            committee.account_for_funds()

    def account(self) -> None:
        """Add today's paid hours and contracts to the cost; record backlog, stress, vacancies."""
        params = self.params
        wage = params.talent.wage_per_hour
        in_post = sum(c.in_post for c in self.committees)
        self.vacancy_sum += len(self.workforce.active) - in_post
        committee_hours = in_post * (params.talent.hours_per_day * params.talent.pay_index)
        public_hours = (sum(d.hours_per_day for d in self.departments)
                        + sum(s.hours_per_day for s in self.streets)
                        + sum(h.hours_per_day for h in self.halls))
        ngo_money = sum(n.money_per_day() for n in self.ngos if n.under_contract())
        self.casework.pay((committee_hours + public_hours) * wage + ngo_money)
        self.backlog_history.append(self.tally.open)
        self.stress_sum += self.mean_worker_stress_today()

    def mean_worker_stress_today(self) -> float:
        """Mean stress of the workers in post today."""
        workforce = self.workforce
        values = workforce.stress[workforce.active]  # committee by committee, as in post
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
