"""居民: a resident, whose state lives in the population's columns (model.population)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from mesa.experimental.mesa_signals import ModelSignals

from model.cases import Case, Status
from model.rules.channels import COLUMN

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class Resident(mesa.Agent):
    """A resident: raises needs, rates outcomes, learns of channels, joins meetings.

    The attributes are views of row ``index`` of :class:`model.population.Population`, so
    district-wide aggregates never loop over residents. Residents act only when something
    happens to them (a need arises, a case closes, a meeting is held): there is no daily
    per-resident step.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def satisfaction(self) -> float:
        """Satisfaction with public services, in [0, 1]."""
        # item(): a Python float, as float() of the element, at half the cost
        return self.model.population.satisfaction.item(self.index)

    @property
    def trust(self) -> float:
        """Trust in government, in [0, 1]."""
        return self.model.population.trust.item(self.index)

    @property
    def elderly(self) -> bool:
        """Whether the resident is aged 60 or over."""
        return bool(self.model.population.elderly[self.index])

    @property
    def migrant(self) -> bool:
        """Whether the resident is a migrant (流动人口)."""
        return bool(self.model.population.migrant[self.index])

    @property
    def community(self) -> int:
        """Index of the resident's community."""
        return int(self.model.population.community[self.index])

    def rate(self, case: Case) -> tuple[float, float]:
        """Judge an ended case against what she expected; return (judgement, disconfirmation).

        Satisfaction and trust follow the judgement; she learns from the case what to expect
        next time and, if she chose its channel, what that channel does; she tells her
        neighbours.
        """
        model = self.model
        rule = model.rules.judgement
        if case.status == Status.SILENT:
            self.stay_silent()
            return 0.0, 0.0
        population, index = model.population, self.index
        experience = rule.dimensions(case, model.category_specs[case.category])
        performance, disconfirmation, judgement = rule.judge(
            experience, population.expected(index))
        old = population.state(index)
        population.set_state(index, *rule.updated(*old, judgement), old)
        params = model.params
        population.learn(index, COLUMN.get(case.channel, -1), experience, performance,
                         judgement, (params.expectations.own_rate, params.channels.learning_rate))
        return judgement, disconfirmation

    def stay_silent(self) -> None:
        """Leave a need unreported and unmet: satisfaction and trust fall."""
        population, index = self.model.population, self.index
        old = population.state(index)
        population.set_state(index, *self.model.rules.judgement.after_silence(*old), old)

    def escalate(self) -> None:
        """Lose patience with an open case: satisfaction and trust fall."""
        population, index = self.model.population, self.index
        old = population.state(index)
        population.set_state(index, *self.model.rules.judgement.after_escalation(*old), old)


def create_residents(model: GovernanceModel, count: int) -> list[Resident]:
    """Create the residents of population rows ``0 .. count - 1``, registered with ``model``.

    Mesa registers an agent one at a time (``Agent.__init__`` calls ``model.register_agent``,
    which emits a signal and logs): about 4 s for a million residents who never step. When
    nothing can observe the difference (no one listens for added agents and Resident is in
    no data set), the residents are made and registered in bulk: the same ``unique_id``, the
    same order in ``model.agents`` and ``model.agents_by_type``. That path uses Mesa's
    internal registry (checked against Mesa's own path by tests/test_mesa_registry.py); if
    Mesa's internals are not as expected, each resident is created the public way.
    """
    registry = _bulk_registry(model)
    if registry is None:
        return [Resident(model, index) for index in range(count)]
    all_agents, by_type = registry
    first = model.agent_id_counter
    new = Resident.__new__
    residents = []
    append = residents.append
    for index in range(count):
        # what Agent.__init__ and Resident.__init__ set, in the same order; set right after
        # creation, so each resident keeps its attributes inline (a dict apiece costs 200 MB)
        resident = new(Resident)
        resident.model = model
        resident.unique_id = first + index
        resident.pos = None
        resident.index = index
        append(resident)
    model.agent_id_counter = first + count
    by_type.update(dict.fromkeys(residents))
    all_agents.update(by_type)  # from a dict: no temporary copy of a million keys
    return residents


def _bulk_registry(model: GovernanceModel) -> tuple[dict, dict] | None:
    """Mesa's dicts of all agents and of residents, if bulk registration is safe (else None).

    Safe when Mesa keeps its registry as this code expects (Mesa 3.5), nothing listens for
    added agents and no data set tracks residents.
    """
    all_agents = getattr(model, "_all_agents", None)
    by_type = getattr(model, "_agents_by_type", None)
    subscribers = getattr(model, "subscribers", None)
    if (not isinstance(getattr(all_agents, "_agents", None), dict)
            or not isinstance(by_type, dict) or Resident in by_type
            or not isinstance(getattr(model, "agent_id_counter", None), int)
            or not isinstance(subscribers, dict)
            or ("agents", ModelSignals.AGENT_ADDED) in subscribers
            or getattr(model, "_batch_context", None) is not None
            or Resident._datasets):
        return None
    # Mesa's own type set, made as register_agent makes it for a type's first agent
    agent_set = type(all_agents)([], random=model.random)
    if not isinstance(getattr(agent_set, "_agents", None), dict):
        return None
    by_type[Resident] = agent_set
    return all_agents._agents, agent_set._agents
