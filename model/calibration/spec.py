"""Calibration specs: what is fitted to which published figures, and the reform sequence.

A spec is a TOML file validated by :class:`CalibrationSpec`. Its ``parameters`` are scalar
scenario parameters with a prior range and a reason; its ``targets`` are outcomes with the
published value each must reproduce. The design of simulator runs is an ordinary Latin-hypercube
experiment (:mod:`model.experiment`), so parameter keys and ranges are checked against the
scenario schema in the same one-line ``FILE: key: message`` form as every other input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from model.experiment.spec import (
    Experiment,
    Value,
    experiment_from_data,
    read_spec_file,
    scenario_reference,
    unknown_outcomes,
)
from model.outcomes import OUTCOMES_BY_NAME, headline
from model.periods import PERIOD_OUTCOMES, PeriodError, period_dates
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.errors import describe_validation_error
from model.streams import MAX_SEED


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Parameter(_Table):
    """One fitted parameter: its prior (uniform on low..high) and why it is fitted."""

    low: float = Field(description="Lowest value of the uniform prior")
    high: float = Field(description="Highest value of the uniform prior")
    why: str = Field(min_length=1, description="Why this parameter is fitted")


class Target(_Table):
    """A published figure an outcome must reproduce."""

    value: float = Field(description="The published value")
    source: str = Field(min_length=1, description="Where it was published")


class CalibrationDesign(_Table):
    """The simulator runs the emulator learns from: a Latin hypercube with replicated seeds."""

    samples: int = Field(80, ge=4, le=100_000, description="Latin-hypercube points")
    replications: int = Field(3, ge=1, le=1000, description="Seeds per point")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Sampler seed")


class Abc(_Table):
    """Rejection ABC on the emulator: prior draws scored, the closest share kept."""

    draws: int = Field(200_000, ge=100, le=10_000_000, description="Prior draws")
    accept: float = Field(0.005, ge=1e-6, le=0.5, description="Share of draws kept")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the prior draws")


class Check(_Table):
    """Simulator runs at the posterior that check the emulator's fit."""

    replications: int = Field(10, ge=2, le=1000, description="Seeds at the posterior mean")
    posterior_draws: int = Field(20, ge=1, le=1000,
                                 description="Accepted parameter sets simulated once each")


class Stage(_Table):
    """One stage of the reform sequence."""

    label: str = Field(min_length=1, description="Name of the stage in tables and figures")
    scenario: str = Field(min_length=1, description="Bundled scenario name or path")
    days: int = Field(365, ge=1, le=3650, description="Days the stage lasts")
    periods: list[str] = Field(default_factory=list,
                               description="Published periods the stage stands for")


class Sequence(_Table):
    """The reform sequence run with the fitted values."""

    replications: int = Field(10, ge=2, le=1000, description="Chains (seeds)")
    stages: list[Stage] = Field(min_length=1, description="Stages in order")


class Published(_Table):
    """Published figures of one period; volume in millions of hotline requests."""

    period: str = Field(min_length=1)
    resolved_share: float | None = Field(None, ge=0, le=1)
    callback_satisfaction: float | None = Field(None, ge=0, le=1)
    volume_millions: float | None = Field(None, gt=0)
    source: str = Field(min_length=1)


class Change(_Table):
    """A published change between two periods, set against a simulated change of stages."""

    label: str = Field(min_length=1)
    from_period: str
    to_period: str
    from_stage: str
    to_stage: str


class CalibrationSpec(_Table):
    """A calibration: parameters, targets, design, ABC, check, and the out-of-sample sequence."""

    name: str = Field("", description="Name (default: the file name)")
    description: str = ""
    scenario: str = Field("baseline", description="Scenario fitted")
    days: int = Field(365, ge=1, le=3650, description="Days per fitting run")
    root_seed: int = Field(0, ge=0, le=MAX_SEED)
    set: dict[str, Value] = Field(default_factory=dict, description="Overrides for every run")
    parameters: dict[str, Parameter] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)
    design: CalibrationDesign = Field(default_factory=CalibrationDesign)
    abc: Abc = Field(default_factory=Abc)
    check: Check = Field(default_factory=Check)
    sequence: Sequence | None = None
    published: list[Published] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)


@dataclass
class Calibration:
    """A validated calibration spec with its design experiment and stage scenarios."""

    spec: CalibrationSpec
    source: str
    design: Experiment
    stages: list[Scenario]

    @property
    def keys(self) -> list[str]:
        """The fitted parameters' dotted keys, in spec order."""
        return list(self.spec.parameters)

    @property
    def targets(self) -> list[str]:
        """The target outcomes, in spec order (``PERIOD:outcome`` for a calendar period's)."""
        return list(self.spec.targets)

    @property
    def periods(self) -> tuple[str, ...]:
        """The calendar periods the targets name, in order of first mention."""
        return target_periods(self.spec)

    def published(self, period: str) -> Published | None:
        """The published figures of ``period``, if the spec has them."""
        return next((p for p in self.spec.published if p.period == period), None)


def load_calibration(
    path: str | Path, *, samples: int | None = None, replications: int | None = None,
    overrides: dict[str, Any] | None = None, days: int | None = None,
) -> Calibration:
    """Read, validate and resolve a calibration spec.

    Args:
        path: The spec's TOML file.
        samples: Design points instead of the spec's (quick looks, tests).
        replications: Seeds per design point, at the check, and per chain, instead of the
            spec's.
        overrides: Scenario overrides by dotted key, added to the spec's ``set``.
        days: Days per run (fitting runs and every stage) instead of the spec's.

    Raises:
        ScenarioError: One line per problem, naming the spec file and the key.
    """
    path = Path(path)
    data = read_spec_file(path)
    data.setdefault("name", path.stem)
    return calibration_from_data(data, str(path), path.parent, samples=samples,
                                 replications=replications, overrides=overrides, days=days)


def calibration_from_data(
    data: dict[str, Any], source: str, base_dir: Path | None = None, *,
    samples: int | None = None, replications: int | None = None,
    overrides: dict[str, Any] | None = None, days: int | None = None,
) -> Calibration:
    """Validate calibration spec data (from a file or built in code); see load_calibration."""
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_validation_error(exc, {}, source, CalibrationSpec)) from None
    spec = _resized(spec, samples, replications, overrides, days)
    problems = _outcome_problems(spec, source) + _reference_problems(spec, source)
    design = None
    try:
        design = experiment_from_data(design_data(spec), source, base_dir)
    except ScenarioError as exc:
        problems += [_spec_words(line) for line in exc.problems]
    stages = _stage_scenarios(spec, source, base_dir, problems)
    if problems:
        raise ScenarioError(problems)
    return Calibration(spec, source, design, stages)


def _resized(spec: CalibrationSpec, samples: int | None, replications: int | None,
             overrides: dict[str, Any] | None, days: int | None) -> CalibrationSpec:
    update: dict[str, Any] = {}
    if samples is not None:
        update["design"] = spec.design.model_copy(update={"samples": samples})
    if replications is not None:
        update.setdefault("design", spec.design)
        update["design"] = update["design"].model_copy(update={"replications": replications})
        update["check"] = spec.check.model_copy(update={"replications": max(replications, 2)})
        if spec.sequence is not None:
            update["sequence"] = spec.sequence.model_copy(
                update={"replications": max(replications, 2)})
    if overrides:
        update["set"] = {**spec.set, **overrides}
    if days is not None:
        update["days"] = days
        if spec.sequence is not None:
            sequence = update.get("sequence", spec.sequence)
            stages = [s.model_copy(update={"days": days}) for s in sequence.stages]
            update["sequence"] = sequence.model_copy(update={"stages": stages})
    return spec.model_copy(update=update)


def target_periods(spec: CalibrationSpec) -> tuple[str, ...]:
    """The calendar periods of the spec's ``PERIOD:outcome`` targets, in order of mention.

    A period not written as allowed is left out (the targets' check names it).
    """
    periods = (name.rpartition(":")[0] for name in spec.targets)
    return tuple(dict.fromkeys(period for period in periods if period and _well_formed(period)))


def _well_formed(period: str) -> bool:
    try:
        period_dates(period)
    except PeriodError:
        return False
    return True


def design_data(spec: CalibrationSpec) -> dict[str, Any]:
    """The Latin-hypercube experiment of the fitting runs, as experiment spec data."""
    known = [name for name in spec.targets if name in OUTCOMES_BY_NAME]
    # besides the targets, the outcomes compared along the reform sequence
    outcomes = list(dict.fromkeys([*known, *headline("sequence")]))
    return {
        "name": f"{spec.name}-design", "description": spec.description,
        "scenarios": [spec.scenario], "replications": spec.design.replications,
        "root_seed": spec.root_seed, "days": spec.days, "set": dict(spec.set),
        "factors": {key: {"low": p.low, "high": p.high} for key, p in spec.parameters.items()},
        "design": {"kind": "lhs", "samples": spec.design.samples, "seed": spec.design.seed},
        "outcomes": outcomes, "periods": list(target_periods(spec)),
    }


def _spec_words(line: str) -> str:
    """A design-experiment problem in the calibration spec's own words."""
    line = re.sub(r": periods\[\d+\]: ", ": targets: ", line)
    return (line.replace(": factors.", ": parameters.").replace(": scenarios[0]", ": scenario")
            .replace("design.kind = 'lhs' needs", "calibration needs"))


def _outcome_problems(spec: CalibrationSpec, source: str) -> list[str]:
    """Targets that name no outcome, or no figure a calendar period has."""
    problems = []
    for name in spec.targets:
        period, _, outcome = name.rpartition(":")
        if not period:
            problems += unknown_outcomes([name], source, f"targets.{name}")
            continue
        try:
            period_dates(period)
        except PeriodError as exc:
            problems.append(f"{source}: targets.{name}: {exc}")
        if outcome not in PERIOD_OUTCOMES:
            problems.append(f"{source}: targets.{name}: '{outcome}' is not a figure of a period "
                            f"(allowed: {', '.join(PERIOD_OUTCOMES)})")
    return problems


def _reference_problems(spec: CalibrationSpec, source: str) -> list[str]:
    """Periods and stages named in the sequence and changes that the spec does not define."""
    periods = [p.period for p in spec.published]
    stages = [s.label for s in spec.sequence.stages] if spec.sequence else []
    problems = []

    def check(name: str, allowed: list[str], where: str) -> None:
        if name not in allowed:
            problems.append(f"{source}: {where}: '{name}' is not defined "
                            f"(allowed: {', '.join(allowed) or 'none'})")

    for i, stage in enumerate(spec.sequence.stages if spec.sequence else []):
        for period in stage.periods:
            check(period, periods, f"sequence.stages[{i}].periods")
    for i, change in enumerate(spec.changes):
        check(change.from_period, periods, f"changes[{i}].from_period")
        check(change.to_period, periods, f"changes[{i}].to_period")
        check(change.from_stage, stages, f"changes[{i}].from_stage")
        check(change.to_stage, stages, f"changes[{i}].to_stage")
    return problems


def _stage_scenarios(spec: CalibrationSpec, source: str, base_dir: Path | None,
                     problems: list[str]) -> list[Scenario]:
    loaded = []
    for i, stage in enumerate(spec.sequence.stages if spec.sequence else []):
        ref = stage.scenario if base_dir is None else scenario_reference(stage.scenario, base_dir)
        try:
            loaded.append(load_scenario(ref, {**spec.set, "run.days": stage.days}))
        except ScenarioError as exc:
            problems += [f"{source}: sequence.stages[{i}].scenario: {line}"
                         for line in exc.problems]
    return loaded
