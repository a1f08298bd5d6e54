"""Shared fixtures: a small district that runs in milliseconds per day."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
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


# Modules with tests of a minute or more (many seeds, notebooks, small sweeps, the small paper),
# slowest first.
SLOW_MODULES = ("test_notebooks.py", "test_patterns.py", "test_bundled_experiments.py",
                "test_paper.py", "test_calibration.py", "test_paperwork.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the slowest modules' tests first, so the two workers finish together.

    Collected in file order, the minute-long tests came last and one worker ran them alone
    for minutes while the other had nothing left to take. Each module keeps its own order.
    (xdist's work stealing, tried with this order, took longer: over 22.8 minutes against 20.4.)
    """
    rank = {name: index for index, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session", autouse=True)
def long_lived_objects_frozen() -> Iterator[None]:
    """Keep the test process's own objects out of the collections each run ends with.

    A run ends by collecting the model it dropped (``model.simulate.release``). In a test
    process that full collection also walks the quarter of a million objects pytest, pandas,
    scikit-learn and matplotlib leave after collection, about 0.2 s each time, which was most
    of the time of a thousand small runs. Frozen, they are skipped; results do not depend on
    when the collector runs.
    """
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
