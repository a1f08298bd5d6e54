"""Calibration specs: what is fitted to which published figures, and the run out of sample.

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

from model.calibration.patterns import PatternClaims, resolve_patterns
from model.experiment.spec import (
    Experiment,
    Value,
    experiment_from_data,
    read_spec_file,
    scenario_reference,
    unknown_outcomes,
)
from model.outcomes import OUTCOMES_BY_NAME, headline
from model.periods import PERIOD_OUTCOMES, PeriodError, period_dates, period_days
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


class Predictive(_Table):
    """The dated run from posterior draws: predictive bands of every period's figures."""

    draws: int = Field(20, ge=1, le=10_000, description="Accepted parameter sets run")
    replications: int = Field(2, ge=1, le=1000, description="Seeds per parameter set")
    days: int | None = Field(None, ge=1, le=3650,
                             description="Days per run (default: the scenario's run.days)")
    periods: list[str] = Field(min_length=1, description="Calendar periods reported, in order")
    volume_reference: str = Field(min_length=1,
                                  description="Period whose 12345 volume is each run's 1.0")


class Published(_Table):
    """Published figures of one period; volume in millions of hotline requests."""

    period: str = Field(min_length=1)
    callback_resolution: float | None = Field(None, ge=0, le=1)
    callback_satisfaction: float | None = Field(None, ge=0, le=1)
    volume_millions: float | None = Field(None, gt=0)
    source: str = Field(min_length=1)


class Change(_Table):
    """A published change between two periods, set against the simulated change."""

    label: str = Field(min_length=1)
    from_period: str
    to_period: str


class Patterns(_Table):
    """Validation claims every accepted parameter set must reproduce (pattern-oriented)."""

    claims: str = Field(min_length=1, description="Claims file, relative to the calibration spec")
    ids: list[str] = Field(min_length=1, description="Claims every accepted set must reproduce")
    replications: int = Field(1, ge=1, le=100, description="Seeds per design point")
    root_seed: int = Field(7, ge=0, le=MAX_SEED, description="Root of the points' seeds")
    set: dict[str, Value] = Field(
        default_factory=dict, description="Overrides for every scenario the claims compare, by "
        "dotted key (a smaller district makes the runs cheaper)")


class CalibrationSpec(_Table):
    """A calibration: parameters, targets, design, ABC, check, and the out-of-sample run."""

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
    predictive: Predictive | None = None
    published: list[Published] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    patterns: Patterns | None = None


@dataclass
class Calibration:
    """A validated calibration spec with its design experiment and predictive scenario."""

    spec: CalibrationSpec
    source: str
    design: Experiment
    predictive: Scenario | None
    patterns: PatternClaims | None = None

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
        replications: Seeds per design point (fitting runs and pattern runs alike), at the
            check, and per predictive draw, instead of the spec's.
        overrides: Scenario overrides by dotted key, added to the spec's ``set`` and to the
            pattern runs' ``patterns.set``.
        days: Days per fitting run instead of the spec's.

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
    predictive = _predictive_scenario(spec, source, base_dir, problems)
    patterns = (resolve_patterns(spec.patterns, source, base_dir, problems)
                if spec.patterns else None)
    if problems:
        raise ScenarioError(problems)
    return Calibration(spec, source, design, predictive, patterns)


def _resized(spec: CalibrationSpec, samples: int | None, replications: int | None,
             overrides: dict[str, Any] | None, days: int | None) -> CalibrationSpec:
    update: dict[str, Any] = {}
    if samples is not None:
        update["design"] = spec.design.model_copy(update={"samples": samples})
    if replications is not None:
        update.setdefault("design", spec.design)
        update["design"] = update["design"].model_copy(update={"replications": replications})
        update["check"] = spec.check.model_copy(update={"replications": max(replications, 2)})
        if spec.predictive is not None:
            update["predictive"] = spec.predictive.model_copy(
                update={"replications": replications})
        if spec.patterns is not None:
            update["patterns"] = spec.patterns.model_copy(update={"replications": replications})
    if overrides:
        update["set"] = {**spec.set, **overrides}
        if spec.patterns is not None:
            patterns = update.get("patterns", spec.patterns)
            update["patterns"] = patterns.model_copy(
                update={"set": {**patterns.set, **overrides}})
    if days is not None:
        update["days"] = days
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
    # besides the targets, the outcomes set against Beijing's published trajectory
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
    """Periods named by the predictive run, published figures and changes that do not agree."""
    if spec.predictive is None:
        return [f"{source}: {where}: needs a [predictive] table to compare with"
                for where, used in (("published", spec.published), ("changes", spec.changes))
                if used]
    periods = spec.predictive.periods
    problems = [f"{source}: predictive.periods: {exc}"
                for exc in _period_errors(periods)]

    def check(name: str, where: str) -> None:
        if name not in periods:
            problems.append(f"{source}: {where}: '{name}' is not a period of the predictive run "
                            f"(allowed: {', '.join(periods)})")

    check(spec.predictive.volume_reference, "predictive.volume_reference")
    for i, published in enumerate(spec.published):
        check(published.period, f"published[{i}].period")
    for i, change in enumerate(spec.changes):
        check(change.from_period, f"changes[{i}].from_period")
        check(change.to_period, f"changes[{i}].to_period")
    return problems


def _period_errors(periods: list[str]) -> list[PeriodError]:
    errors = []
    for period in periods:
        try:
            period_dates(period)
        except PeriodError as exc:
            errors.append(exc)
    return errors


def _predictive_scenario(spec: CalibrationSpec, source: str, base_dir: Path | None,
                         problems: list[str]) -> Scenario | None:
    """The fitted scenario as the predictive run sees it, its periods checked against it."""
    if spec.predictive is None:
        return None
    ref = spec.scenario if base_dir is None else scenario_reference(spec.scenario, base_dir)
    days = {"run.days": spec.predictive.days} if spec.predictive.days else {}
    try:
        scenario = load_scenario(ref, {**spec.set, **days})
    except ScenarioError as exc:
        problems += [f"{source}: predictive: {line}" for line in exc.problems]
        return None
    for period in filter(_well_formed, spec.predictive.periods):
        try:
            period_days(period, scenario.run.start_date, scenario.run.days)
        except PeriodError as exc:
            problems.append(f"{source}: predictive.periods: {scenario.name}: {exc}")
    return scenario
