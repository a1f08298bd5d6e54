"""Validation claims: what the source text says a reform does, and how it is tested.

A claims file (``experiments/validation.toml``) lists each claim with the experiment that tests
it, the two scenarios it compares, the outcome and the expected direction, and whether
interacting processes produce it in the model. The paper tests each claim at the bundled values
and across the calibration's posterior (:mod:`model.posterior_claims`); a calibration may require
its accepted parameter sets to reproduce some of them (:mod:`model.calibration.patterns`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from model.experiment.factors import as_spec_problem
from model.experiment.spec import read_spec_file
from model.posterior_claims import PosteriorCheck
from model.scenario import ScenarioError, load_scenario
from model.scenario.errors import describe_validation_error


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


Mechanism = Literal["emergent", "definitional"]
MECHANISMS: tuple[str, ...] = get_args(Mechanism)


class Claim(_Table):
    """One claim of the validation report, and whether interacting processes produce it."""

    id: str
    claim: str
    source: str
    experiment: str
    scenario: str
    reference: str
    outcome: str
    expect: Literal["higher", "lower"]
    mechanism: Mechanism = Field(
        description="emergent: two or more interacting processes produce the claim; "
        "definitional: one equation or one switch does")
    why: str = Field(description="One sentence naming those processes, or that equation or "
                     "switch (not empty)")

    @field_validator("why")
    @classmethod
    def _says_why(cls, why: str) -> str:
        """Refuse a blank ``why``: a label nobody can check is no label."""
        if not why.strip():
            raise PydanticCustomError(
                "blank_why", "is empty (allowed: one sentence naming the interacting processes, "
                "or the one equation or switch, that produce the claim)")
        return why


class Claims(_Table):
    """The validation claims, the significance level they are held to, and the posterior check."""

    alpha: float = Field(0.01, gt=0, lt=1)
    posterior: PosteriorCheck | None = Field(
        None, description="Run the claims across the calibration's posterior draws")
    claims: list[Claim] = Field(min_length=1)


def load_claims(path: Path) -> Claims:
    """Read and validate a claims file; a claim missing its mechanism is told the choices.

    The posterior check's overrides are tried on the baseline scenario, so a bad key or value
    is named before anything runs.
    """
    try:
        claims = Claims.model_validate(read_spec_file(path))
    except ValidationError as exc:
        lines = describe_validation_error(exc, {}, str(path), Claims)
        allowed = " or ".join(f"'{m}'" for m in MECHANISMS)
        raise ScenarioError([
            f"{line} (allowed: {allowed})"
            if error["type"] == "missing" and error["loc"][-1] == "mechanism" else line
            for error, line in zip(exc.errors(include_url=False), lines, strict=True)]) from None
    if claims.posterior and claims.posterior.set:
        try:
            load_scenario("baseline", claims.posterior.set)
        except ScenarioError as exc:
            raise ScenarioError([as_spec_problem(line, str(path), "posterior.set", "posterior.set")
                                 for line in exc.problems]) from None
    return claims
