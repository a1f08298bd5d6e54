"""The contract every agent type honours: seeded determinism, pickling, registration.

Each agent type's test class inherits :class:`AgentContract` and names the type, how to pick
one instance from a model and what of its state to compare (Axelrod's ``TestPlayer`` idea).
"""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

import mesa
import numpy as np
import pytest
from conftest import small_scenario, stepped

from model import GovernanceModel, summarize
from model.agents import NGO, Department, Hall, Resident, ResidentsCommittee, StreetOffice
from model.agents.queue import CaseQueue


def queue_state(agent: CaseQueue) -> dict[str, Any]:
    """What every queue-holder has: cases waiting, hours worked, cases done."""
    return {"queue": len(list(agent.entries())), "hours_worked": agent.hours_worked,
            "cases_done": agent.cases_done}


class AgentContract:
    """Tests every agent type passes; subclasses set the class attributes and ``pick``."""

    agent_type: ClassVar[type[mesa.Agent]]
    scenario: ClassVar[str] = "baseline"
    overrides: ClassVar[dict[str, Any]] = {}
    days: ClassVar[int] = 60
    seeds_must_differ: ClassVar[bool] = True

    def pick(self, model: GovernanceModel) -> mesa.Agent:
        """The instance whose state the tests compare."""
        raise NotImplementedError

    def snapshot(self, agent: mesa.Agent) -> dict[str, Any]:
        """The state compared between runs (plain Python values)."""
        raise NotImplementedError

    def run(self, seed: int, days: int | None = None) -> GovernanceModel:
        scenario = small_scenario(self.scenario, self.overrides)
        return stepped(scenario, seed, self.days if days is None else days)

    def test_same_seed_gives_identical_state(self):
        first, second = self.pick(self.run(seed=3)), self.pick(self.run(seed=3))
        assert self.snapshot(first) == self.snapshot(second), (
            f"{self.agent_type.__name__}: the same seed should give the same state")

    def test_different_seeds_give_different_state(self):
        if not self.seeds_must_differ:
            pytest.skip(f"{self.agent_type.__name__}'s state may coincide across seeds")
        first, second = self.pick(self.run(seed=3)), self.pick(self.run(seed=4))
        assert self.snapshot(first) != self.snapshot(second), (
            f"{self.agent_type.__name__}: different seeds should give different states")

    def test_model_pickles_and_continues_identically(self):
        original = self.run(seed=5)
        copy = pickle.loads(pickle.dumps(original))
        assert self.snapshot(self.pick(copy)) == self.snapshot(self.pick(original)), (
            "unpickling should restore the agent's state exactly")
        for _ in range(30):
            original.step()
            copy.step()
        assert self.snapshot(self.pick(copy)) == self.snapshot(self.pick(original)), (
            "an unpickled model stepped on should keep the agent in step with the original")
        assert summarize(copy) == summarize(original), (
            "an unpickled model stepped on should give the original's summary")

    def test_registered_by_type(self):
        model = self.run(seed=1, days=1)
        agent = self.pick(model)
        registered = model.agents_by_type[self.agent_type]
        assert agent in registered, "each agent should be registered under its type"
        assert all(type(a) is self.agent_type for a in registered), (
            "agents_by_type should hold only agents of that exact type")
        ids = [a.unique_id for a in model.agents]
        assert len(ids) == len(set(ids)), "every agent should have its own unique_id"


def test_the_five_agent_types_and_no_others(small):
    model = GovernanceModel(small("integrated"), rng=1)
    assert set(model.agents_by_type) == {Resident, ResidentsCommittee, StreetOffice,
                                         Department, NGO}, "the model has five agent types"
    assert model.halls and not any(isinstance(a, Hall) for a in model.agents), (
        "one-stop halls are facilities, not agents")
    assert len(model.agents) == (len(model.residents) + len(model.committees)
                                 + len(model.streets) + len(model.departments)
                                 + len(model.ngos)), "every agent should be in one list"


class TestResident(AgentContract):
    agent_type = Resident

    def pick(self, model):
        # the unhappiest resident: one whose state cases have moved
        return model.residents[int(np.argmin(model.population.satisfaction))]

    def snapshot(self, agent):
        return {"index": agent.index, "satisfaction": agent.satisfaction, "trust": agent.trust}

    def test_views_the_population_row(self, small_model):
        resident = small_model.residents[17]
        population = small_model.population
        assert resident.satisfaction == population.satisfaction[17], (
            "a resident's satisfaction should be its row of the population columns")
        assert resident.community == population.community[17], (
            "a resident's community should be its row of the population columns")
        assert len(small_model.agents_by_type[Resident]) == population.size, (
            "there should be one Resident agent per population row")


class TestResidentsCommittee(AgentContract):
    agent_type = ResidentsCommittee
    overrides: ClassVar[dict[str, Any]] = {"talent.outside_offers_per_year": 12.0,
                                            "talent.outside_pay": 3.0}

    def pick(self, model):
        return model.committees[1]

    def snapshot(self, agent):
        return {**queue_state(agent), "experience": agent.experience.tolist(),
                "stress": agent.stress.tolist(), "active": agent.active.tolist(),
                "paperwork_hours": agent.paperwork_hours, "quits": agent.quits}


class TestStreetOffice(AgentContract):
    agent_type = StreetOffice
    scenario = "integrated"  # whistles, and a one-stop hall at the street office

    def pick(self, model):
        return model.streets[0]

    def snapshot(self, agent):
        return {**queue_state(agent), "whistles": agent.whistles,
                "to_whistle": len(agent.to_whistle), "hall": queue_state(agent.hall)}


class TestDepartment(AgentContract):
    agent_type = Department

    def pick(self, model):
        return model.departments[model.department_names.index("housing")]

    def snapshot(self, agent):
        return {**queue_state(agent), "expected": dict(agent.hard_cases[0].expected),
                "bounced": agent.bounced, "pushed_down": agent.pushed_down,
                "summons": len(agent.summons)}


class TestNGO(AgentContract):
    agent_type = NGO
    scenario = "procurement"

    def pick(self, model):
        # mediation: its demand varies by seed, while elderly care runs at full contract
        return model.ngos[-1]

    def snapshot(self, agent):
        return {**queue_state(agent), "professionalism": agent.professionalism,
                "served": agent.served}
