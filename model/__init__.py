"""cogov: an agent-based model of collaborative community governance in China.

The public interface for notebooks and other tools::

    from model import load_scenario, GovernanceModel, simulate
    scenario = load_scenario("baseline", overrides={"whistle.enabled": True})
    summary = simulate(scenario, seed=1, days=365)
"""

from model.governance import GovernanceModel
from model.outcomes import OUTCOMES, OUTCOMES_BY_NAME, summarize
from model.scenario import Scenario, ScenarioError, load_scenario
from model.simulate import daily_series, run_model, simulate

__version__ = "0.1.0"

__all__ = [
    "OUTCOMES",
    "OUTCOMES_BY_NAME",
    "GovernanceModel",
    "Scenario",
    "ScenarioError",
    "daily_series",
    "load_scenario",
    "run_model",
    "simulate",
    "summarize",
]
