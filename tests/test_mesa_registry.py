"""Residents registered in bulk look to Mesa exactly as residents registered one by one."""

from __future__ import annotations

import mesa
from mesa.experimental.mesa_signals import ModelSignals

from model.agents.resident import Resident, _bulk_registry, create_residents


class Other(mesa.Agent):
    """An agent of another type, registered the public way."""


def _registry_view(model: mesa.Model) -> tuple:
    """What Mesa shows of its registered agents: ids, order, types, the next id."""
    return ([(type(a).__name__, a.unique_id, a.pos, getattr(a, "index", None))
             for a in model.agents],
            {kind.__name__: [a.unique_id for a in agents]
             for kind, agents in model.agents_by_type.items()},
            model.agent_id_counter)


def _one_by_one(model: mesa.Model, count: int) -> list[Resident]:
    return [Resident(model, index) for index in range(count)]


def _build(make: object) -> mesa.Model:
    model = mesa.Model(rng=1)
    Other(model)
    residents = make(model, 50)
    Other(model)
    assert [r.index for r in residents] == list(range(50))
    return model


def test_mesa_registry_is_as_bulk_registration_expects():
    assert _bulk_registry(mesa.Model(rng=1)) is not None, (
        "Mesa's agent registry is not what create_residents expects (Mesa "
        f"{mesa.__version__}): it falls back to one-by-one registration; update "
        "model/agents/resident.py for this Mesa")


def test_bulk_registration_equals_mesas_own():
    bulk, own = _build(create_residents), _build(_one_by_one)
    assert _registry_view(bulk) == _registry_view(own), "same ids, order and types as Mesa's"
    resident = bulk.agents_by_type[Resident][3]
    resident.remove()
    assert resident not in bulk.agents and len(bulk.agents_by_type[Resident]) == 49, (
        "a bulk-registered resident is removed as any agent")


def test_a_listener_for_added_agents_gets_every_resident():
    model = mesa.Model(rng=1)
    heard = []

    def listen(signal: object) -> None:
        heard.append(signal)

    model.observe("agents", ModelSignals.AGENT_ADDED, listen)
    create_residents(model, 5)
    assert len(heard) == 5, "with a listener, residents are registered the public way"
