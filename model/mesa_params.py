"""Mesa's own tools on cogov: SolaraViz ``model_params`` and ``batch_run`` parameters.

:class:`~model.governance.GovernanceModel` takes flat keyword overrides
(``devolution__level=0.8``), so Mesa's ``batch_run`` sweeps any scenario parameter and
SolaraViz rebuilds the model from its controls on Reset. This module builds those controls
from the scenario schema, so their bounds, steps, choices and starting values are the
schema's and the scenario's, never repeated::

    from mesa.visualization import SolaraViz
    from model import GovernanceModel
    from model.mesa_params import model_params

    page = SolaraViz(GovernanceModel("whistle"), model_params=model_params("whistle"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.scenario import Scenario, load_scenario
from model.scenario.fields import Role
from model.scenario.parameters import Parameter, identifier, parameter, parameters

_INPUT_TYPES = {"int": "SliderInt", "float": "SliderFloat", "bool": "Checkbox",
                "choice": "Select"}


def model_params(
    scenario: str | Path = "baseline", roles: tuple[Role, ...] = ("lever",),
    keys: list[str] | None = None, rng: int | None = None,
) -> dict[str, Any]:
    """SolaraViz ``model_params``: the scenario as a fixed parameter, one control per parameter.

    Args:
        scenario: Bundled name or TOML path of the scenario the page runs. It is fixed
            (``params``): a control's starting value is this scenario's, so moving no control
            and pressing Reset rebuilds exactly this scenario.
        roles: Which parameters get a control (default: the policy levers).
        keys: Dotted keys to offer instead of ``roles`` (``["whistle.enabled"]``).
        rng: A fixed seed, so that Reset rebuilds the same run; None draws a new one.

    Returns:
        ``{"params": scenario, "<group>__<field>": {"type": ..., "value": ..., ...}, ...}``
        with slider bounds and steps from the schema (and ``"rng"`` when given).

    Raises:
        ScenarioError: If the scenario cannot be loaded.
        KeyError: For a key that is not a scalar parameter.
    """
    loaded = load_scenario(scenario)
    chosen = [parameter(key) for key in keys] if keys is not None else parameters(*roles)
    controls = {identifier(p.key): control(p, loaded) for p in chosen}
    fixed = {"params": str(scenario)} if rng is None else {"params": str(scenario), "rng": rng}
    return {**fixed, **controls}


def control(found: Parameter, scenario: Scenario) -> dict[str, Any]:
    """One SolaraViz input for ``found``, starting at its value in ``scenario``."""
    spec: dict[str, Any] = {"type": _INPUT_TYPES[found.kind], "value": found.value_in(scenario),
                            "label": found.key}
    if found.kind == "choice":
        spec["values"] = list(found.choices)
    elif found.kind in ("int", "float"):
        spec.update(min=found.low, max=found.high, step=found.step)
    return spec
