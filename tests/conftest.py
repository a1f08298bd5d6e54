"""Shared fixtures: a small district that runs in milliseconds per day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from model import GovernanceModel, Scenario, load_scenario

# Three communities of about 667 residents, 2,000 in all, under one street office (of four
# communities, so the street is a partial one): every mechanism runs, each day is cheap.
SMALL: dict[str, Any] = {
    "district.residents": 2000,
    "district.residents_per_community": 667,
}


def small_scenario(name: str = "baseline", overrides: dict[str, Any] | None = None) -> Scenario:
    """A bundled scenario on the small district, with extra dotted-key ``overrides``."""
    return load_scenario(name, overrides={**SMALL, **(overrides or {})})


def stepped(scenario: Scenario, seed: int, days: int) -> GovernanceModel:
    """A model of ``scenario`` after ``days`` days with ``seed``."""
    model = GovernanceModel(scenario, rng=seed)
    for _ in range(days):
        model.step()
    return model


@pytest.fixture
def small() -> Callable[..., Scenario]:
    """Factory: ``small("whistle", {"whistle.stuck_days": 5})`` gives a small scenario."""
    return small_scenario


@pytest.fixture
def small_model() -> GovernanceModel:
    """The small baseline district after 60 days with seed 1."""
    return stepped(small_scenario(), seed=1, days=60)
