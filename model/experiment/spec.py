"""Experiment specs: which scenarios, which factors, how many replications, which analyses.

A spec is a TOML file validated by :class:`ExperimentSpec`. Factors name any scalar scenario
parameter by its dotted key (``devolution.level``,
``departments.housing.hours_per_1000_residents``) and give either a list of values (a
full-factorial grid) or a range ``{low, high}`` for a sampled design (Latin hypercube,
Sobol/Saltelli or Morris, through SALib). Every key and every value is checked against the
scenario schema before anything runs, and every problem is reported on one line naming the spec
file and the key, like scenario errors.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from model.compare import replication_seeds
from model.experiment.factors import as_spec_problem, check_factors, entry_problems
from model.outcomes import OUTCOMES_BY_NAME, headline
from model.periods import PeriodError, period_days
from model.provenance import git_commit, package_versions, scenario_hash, source_hash
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.errors import describe_validation_error
from model.scenario.loader import resolve_reference
from model.streams import MAX_SEED

Value = bool | int | float | str
SAMPLED = ("lhs", "sobol", "morris")
#: Most runs a spec may plan unless told otherwise (``--max-runs``): a guard against a typo
#: that would ask for more runs than any machine finishes, counted before anything is built.
DEFAULT_MAX_RUNS = 1_000_000


class _Table(BaseModel):
    """Base of the spec's tables: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Range(_Table):
    """The range a sampled design draws one factor from (inclusive)."""

    low: float = Field(description="Lowest value")
    high: float = Field(description="Highest value")
    group: str | None = Field(None, min_length=1, description="morris: the group this factor "
                              "moves with (factors of a group step together, and the group is "
                              "screened as one); every factor has a group or none has")


class Repeat(_Table):
    """More seeds at a design's first points, so the seeds' spread at a point is measured."""

    points: int = Field(ge=1, le=1_000_000, description="How many of the first design points")
    replications: int = Field(ge=2, le=100_000, description="Seeds at each of those points "
                              "(the spec's replications where that is more)")


class Design(_Table):
    """How factor values are chosen: a full grid of listed values, or a SALib sample."""

    kind: Literal["grid", "lhs", "sobol", "morris"] = Field(
        "grid", description="grid: every combination of the listed values; lhs, sobol, morris: "
        "a sample over the factors' ranges")
    samples: int | None = Field(None, ge=2, le=1_000_000, description="lhs: points; sobol: base "
                                "samples N (a power of 2); morris: trajectories")
    levels: int = Field(4, ge=2, le=100, description="morris: grid levels (even)")
    calc_second_order: bool = Field(False, description="sobol: also second-order indices")
    seed: int | None = Field(None, ge=0, le=2**32 - 1,
                             description="sampler seed (default: the root seed)")
    repeat: Repeat | None = Field(None, description="Run the first points on more seeds: "
                                  "{points, replications}")


class Analysis(_Table):
    """What the report shows beyond the tables of means and differences."""

    timeseries: bool = Field(True, description="Daily series bands (needs save_series)")
    heatmap: list[str] | None = Field(None, min_length=2, max_length=2,
                                      description="The two grid factors of the heatmaps")


class ExperimentSpec(_Table):
    """An experiment: scenarios x design points x replication seeds."""

    name: str = Field("", description="Experiment name (default: the file name)")
    description: str = Field("", description="What the experiment asks")
    scenarios: list[str] = Field(min_length=1, description="Bundled names or paths relative "
                                 "to the spec; the first is the reference")
    replications: int = Field(10, ge=1, le=100_000, description="Seeds per design point")
    root_seed: int = Field(0, ge=0, le=MAX_SEED, description="Root of the replication seeds")
    days: int | None = Field(None, ge=1, le=3650, description="Days per run (default: the "
                             "scenario's run.days)")
    set: dict[str, Value] = Field(default_factory=dict, description="Overrides for every "
                                  "scenario, by dotted key")
    factors: dict[str, list[Value] | Range] = Field(default_factory=dict, description="Dotted "
                                                    "key = list of values, or {low, high}")
    design: Design = Field(default_factory=Design)
    outcomes: list[str] = Field(default_factory=lambda: list(headline("table")),
                                description="Outcomes the report covers")
    save_series: bool = Field(False, description="Also store each run's daily series")
    periods: list[str] = Field(default_factory=list, description="Calendar periods of a dated "
                               "run whose figures each run also records, as PERIOD:outcome "
                               "(2019, 2019-09, 2024-01..2024-09)")
    analysis: Analysis = Field(default_factory=Analysis)


@dataclass(frozen=True)
class Factor:
    """One factor of a design: grid ``values`` or a sampled range ``low``..``high``."""

    key: str
    values: tuple[Value, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False
    group: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The factor as manifest data."""
        if self.values:
            return {"key": self.key, "values": list(self.values)}
        grouped = {"group": self.group} if self.group else {}
        return {"key": self.key, "low": self.low, "high": self.high, "integer": self.integer,
                **grouped}


@dataclass(frozen=True)
class BaseScenario:
    """A scenario of the experiment, with the spec's ``set`` and ``days`` applied."""

    name: str
    ref: str
    scenario: Scenario


@dataclass
class Experiment:
    """A validated spec with its scenarios loaded, factors checked and seeds derived."""

    spec: ExperimentSpec
    source: str
    scenarios: list[BaseScenario]
    factors: list[Factor]
    seeds: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.name

    @property
    def days(self) -> int:
        """Days each run simulates."""
        return self.scenarios[0].scenario.run.days

    @property
    def design_kind(self) -> str:
        """``none`` without factors, else the design's kind."""
        return self.spec.design.kind if self.factors else "none"

    @property
    def point_count(self) -> int:
        """Design points, counted from the spec without building them."""
        return count_points(self.spec, self.factors)

    @property
    def repeated_points(self) -> int:
        """How many of the first design points run on more seeds than the others."""
        repeat = self.spec.design.repeat
        if repeat is None or repeat.replications <= self.spec.replications:
            return 0
        return min(repeat.points, self.point_count)

    @property
    def repeat(self) -> dict[str, int] | None:
        """The repeated first points and their seeds as the manifest records them, or None."""
        if not self.repeated_points:
            return None
        return {"points": self.repeated_points, "replications": self.replications_at(0)}

    def replications_at(self, point: int) -> int:
        """Seeds design point ``point`` runs on: more at the repeated first points."""
        if point < self.repeated_points:
            return self.spec.design.repeat.replications
        return self.spec.replications

    @property
    def run_count(self) -> int:
        """Planned runs: scenarios x (design points x replications + the repeats' extra)."""
        extra = self.repeated_points * (self.replications_at(0) - self.spec.replications)
        return len(self.scenarios) * (self.point_count * self.spec.replications + extra)

    def fingerprint(self) -> dict[str, Any]:
        """What fixes every run's result: spec (but replication counts), scenarios and code.

        The code is the cogov version and the hash of the source files results depend on.
        Replication seeds are a prefix-stable sequence, so more or fewer replications (or
        repeated points) reuse the runs already stored; anything else invalidates them.
        """
        spec = self.spec.model_dump(mode="json", exclude={
            "replications": True, "description": True, "design": {"repeat"}})
        code = {key: value for key, value in code_stamp().items() if key != "commit"}
        return {"spec": spec, "days": self.days, "code": code,
                "scenarios": [{"name": b.name, "scenario_hash": scenario_hash(b.scenario)}
                              for b in self.scenarios]}

    def spec_hash(self) -> str:
        """SHA-256 of :meth:`fingerprint` (canonical JSON)."""
        text = json.dumps(self.fingerprint(), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_stamp() -> dict[str, str | None]:
    """The cogov version, git commit and result-source hash behind this process's results.

    The commit is informative only: :meth:`Experiment.fingerprint` leaves it out.
    """
    return {"cogov": package_versions()["cogov"], "commit": git_commit(),
            "source": source_hash()}


def read_spec_file(path: Path) -> dict[str, Any]:
    """A spec file's TOML as a dict; a missing, unreadable or malformed file is one line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: malformed TOML: {exc}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read: {exc}"]) from None


def load_experiment(
    path: str | Path, replications: int | None = None, days: int | None = None,
    samples: int | None = None, overrides: dict[str, Any] | None = None,
    max_runs: int = DEFAULT_MAX_RUNS,
) -> Experiment:
    """Read, validate and resolve an experiment spec file.

    Args:
        path: The spec's TOML file.
        replications: Replications instead of the spec's (for quick looks).
        days: Days per run instead of the spec's.
        samples: Sample size of a sampled design instead of the spec's.
        overrides: Scenario overrides by dotted key, added to the spec's ``set``.
        max_runs: Most runs the experiment may plan (a bigger one is refused, one line).

    Returns:
        The experiment, ready to plan.

    Raises:
        ScenarioError: One line per problem, naming the spec file and the key.
    """
    path = Path(path)
    data = read_spec_file(path)
    data.setdefault("name", path.stem)
    if samples is not None and isinstance(data.get("design", {}), dict):
        data["design"] = {**data.get("design", {}), "samples": samples}
    if overrides and isinstance(data.get("set", {}), dict):
        data["set"] = {**data.get("set", {}), **overrides}
    return experiment_from_data(data, str(path), path.parent, replications, days, max_runs,
                                resized=samples is not None)


def experiment_from_data(
    data: dict[str, Any], source: str, base_dir: Path | None = None,
    replications: int | None = None, days: int | None = None,
    max_runs: int = DEFAULT_MAX_RUNS, resized: bool = False,
) -> Experiment:
    """Validate spec data (from a file or built in code) and resolve it.

    Args:
        data: The spec as a dict.
        source: Name of the spec in error messages (its file).
        base_dir: Folder that scenario paths are relative to (default: the working folder).
        replications: Replications instead of the spec's.
        days: Days per run instead of the spec's.
        max_runs: Most runs the experiment may plan.
        resized: The sample size was given instead of the spec's: a design smaller than the
            spec's repeated points repeats all its points.

    Returns:
        The experiment.

    Raises:
        ScenarioError: One line per problem.
    """
    data = dict(data)
    if replications is not None:
        data["replications"] = replications
    if days is not None:
        data["days"] = days
    entry_errors = entry_problems(data, source, Range)
    if entry_errors:
        raise ScenarioError(entry_errors)
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_validation_error(exc, {}, source, ExperimentSpec)) from None
    problems = _outcome_problems(spec, source) + _design_problems(spec, source)
    scenarios = _load_scenarios(spec, source, base_dir, problems)
    factors = check_factors(spec, scenarios, source, problems) if scenarios else []
    problems += _period_problems(spec, scenarios, source)
    if problems:
        raise ScenarioError(problems)
    too_many = [] if resized else _repeat_problems(spec, factors, source)  # needs sound factors
    if too_many:
        raise ScenarioError(too_many)
    most = max(spec.replications, spec.design.repeat.replications if spec.design.repeat else 0)
    experiment = Experiment(spec, source, scenarios, factors,
                            replication_seeds(spec.root_seed, most))
    too_big = _size_problems(experiment, max_runs)
    if too_big:
        raise ScenarioError(too_big)
    return experiment


def _repeat_problems(spec: ExperimentSpec, factors: list[Factor], source: str) -> list[str]:
    """One line if ``design.repeat`` asks for more points than the design has."""
    repeat, points = spec.design.repeat, count_points(spec, factors)
    if repeat is None or repeat.points <= points:
        return []
    return [f"{source}: design.repeat.points: {repeat.points} is more than the design's "
            f"{points:,} point{'' if points == 1 else 's'} (allowed: 1 to {points})"]


def count_points(spec: ExperimentSpec, factors: list[Factor]) -> int:
    """Design points of ``spec``: the grid's product, or SALib's sample size for its kind."""
    kind, k = spec.design.kind, len(factors)
    if not factors:
        return 1
    if kind == "grid":
        return math.prod(len(factor.values) for factor in factors)
    samples = spec.design.samples or 0
    if kind == "sobol":
        return samples * (2 * k + 2 if spec.design.calc_second_order else k + 2)
    if kind == "morris":
        groups = {factor.group for factor in factors}
        return samples * ((k if None in groups else len(groups)) + 1)
    return samples


def _size_problems(experiment: Experiment, max_runs: int) -> list[str]:
    """One line if the experiment plans more runs than ``max_runs``."""
    runs = experiment.run_count
    if runs <= max_runs:
        return []
    parts = " × ".join(_counted(n, word) for n, word in (
        (len(experiment.scenarios), "scenario"), (experiment.point_count, "design point"),
        (experiment.spec.replications, "replication")))
    if experiment.repeated_points:
        parts += (f", the first {_counted(experiment.repeated_points, 'point')} on "
                  f"{experiment.replications_at(0)}")
    return [f"{experiment.source}: the spec plans {runs:,} runs ({parts}), more than the "
            f"{max_runs:,} allowed; use fewer factor values or samples, or raise --max-runs"]


def _counted(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def unknown_outcomes(names: list[str], source: str, key: str) -> list[str]:
    """One line per name in ``names`` that is not an outcome, addressed to ``key``."""
    problems = []
    for name in names:
        if name not in OUTCOMES_BY_NAME:
            close = difflib.get_close_matches(name, list(OUTCOMES_BY_NAME), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"{source}: {key}: unknown outcome '{name}' "
                            f"(allowed: {', '.join(OUTCOMES_BY_NAME)}){hint}")
    return problems


def _outcome_problems(spec: ExperimentSpec, source: str) -> list[str]:
    return unknown_outcomes(spec.outcomes, source, "outcomes")


def _design_problems(spec: ExperimentSpec, source: str) -> list[str]:
    """Factors that do not suit the design kind, and missing or bad sample sizes."""
    kind, problems = spec.design.kind, []
    for key, given in spec.factors.items():
        if kind == "grid" and isinstance(given, Range):
            problems.append(f"{source}: factors.{key}: a grid needs a list of values "
                            f"(ranges {{low, high}} need design.kind = lhs, sobol or morris)")
        elif kind != "grid" and not isinstance(given, Range):
            problems.append(f"{source}: factors.{key}: design.kind = '{kind}' needs a range "
                            f"{{low = ..., high = ...}}, got a list")
        elif isinstance(given, Range) and not given.low < given.high:
            problems.append(f"{source}: factors.{key}: low must be below high "
                            f"(got low = {given.low:g}, high = {given.high:g})")
        elif isinstance(given, list) and not given:
            problems.append(f"{source}: factors.{key}: empty list of values")
    if kind in SAMPLED:
        if not spec.factors:
            problems.append(f"{source}: factors: design.kind = '{kind}' needs at least one factor")
        if spec.design.samples is None:
            problems.append(f"{source}: design.samples: required for design.kind = '{kind}'")
        elif kind == "sobol" and spec.design.samples & (spec.design.samples - 1):
            problems.append(f"{source}: design.samples: {spec.design.samples} is not a power of "
                            f"2 (allowed for sobol: 2, 4, 8, ..., 1024, ...)")
    problems += _group_problems(spec, source)
    if kind == "morris" and spec.design.levels % 2:
        problems.append(f"{source}: design.levels: {spec.design.levels} is odd "
                        f"(allowed: an even number of levels, e.g. 4)")
    heatmap = spec.analysis.heatmap or []
    for key in heatmap:
        if key not in spec.factors:
            problems.append(f"{source}: analysis.heatmap: '{key}' is not a factor "
                            f"(allowed: {', '.join(spec.factors) or 'no factors declared'})")
    return problems


def _group_problems(spec: ExperimentSpec, source: str) -> list[str]:
    """Groups of factors: a Morris design only, and given for every factor or for none."""
    ranges = {key: given for key, given in spec.factors.items() if isinstance(given, Range)}
    grouped = [key for key, given in ranges.items() if given.group is not None]
    if not grouped:
        return []
    if spec.design.kind != "morris":
        return [f"{source}: factors.{grouped[0]}.group: groups need design.kind = 'morris' "
                f"(got '{spec.design.kind}')"]
    loose = [key for key in ranges if key not in grouped]
    if loose:
        return [f"{source}: factors.{loose[0]}: no group, though other factors have one "
                f"(give every factor a group, or none)"]
    return []


def _period_problems(spec: ExperimentSpec, scenarios: list[BaseScenario],
                     source: str) -> list[str]:
    """One line per period that is not written as allowed or lies outside a scenario's run."""
    problems = []
    for index, label in enumerate(spec.periods):
        for base in scenarios:
            run = base.scenario.run
            try:
                period_days(label, run.start_date, run.days)
            except PeriodError as exc:
                problems.append(f"{source}: periods[{index}]: {base.name}: {exc}")
                break
    return problems


def _load_scenarios(
    spec: ExperimentSpec, source: str, base_dir: Path | None, problems: list[str]
) -> list[BaseScenario]:
    """Load each scenario with the spec's ``set`` and ``days``; note every problem."""
    overrides: dict[str, Any] = dict(spec.set)
    if spec.days is not None:
        overrides["run.days"] = spec.days
    loaded, names = [], []
    for index, ref in enumerate(spec.scenarios):
        try:
            path = ref if base_dir is None else scenario_reference(ref, base_dir)
            scenario = load_scenario(path, overrides)
        except ScenarioError as exc:
            problems.extend(as_spec_problem(line, source, f"scenarios[{index}]", "set")
                            for line in exc.problems)
            continue
        names.append(_unique(scenario.name or f"scenario{index}", names))
        loaded.append(BaseScenario(names[-1], ref, scenario))
    return loaded


def scenario_reference(ref: str, base_dir: Path) -> str:
    """A scenario reference as the loader should see it: a bundled name or a path."""
    try:
        return str(resolve_reference(ref, relative_to=base_dir / "spec.toml"))
    except FileNotFoundError:
        return ref


def _unique(name: str, taken: list[str]) -> str:
    candidate, count = name, 1
    while candidate in taken:
        count += 1
        candidate = f"{name}-{count}"
    return candidate
