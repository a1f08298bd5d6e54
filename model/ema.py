"""EMA Workbench on cogov: scenario parameters as uncertainties and levers, outcomes to explore.

:func:`ema_model` builds an EMA Workbench model of a scenario with no glue code. Parameters take
their kinds and bounds from the scenario schema (:mod:`model.scenario.parameters`) and are
named by identifier (``devolution__level``, mapping back to ``devolution.level``); by default
the policy levers are EMA levers and the behavioural assumptions uncertainties. Outcomes are
:data:`model.outcomes.OUTCOMES`, each a ``ScalarOutcome`` maximised, minimised or just
recorded as its ``better`` says. Seeds are replications: each outcome is the mean over the seeds
where it is defined, NaN (never None) where none defines it::

    from ema_workbench import perform_experiments
    from model.ema import ema_model

    model = ema_model("baseline", seeds=(0, 1), days=120, overrides={"district.residents": 2000})
    experiments, outcomes = perform_experiments(
        model, scenarios=20, policies=4,
        uncertainty_sampling_kwargs={"rng": 1}, lever_sampling_kwargs={"rng": 2})

Raising in a worker would hang a ``MultiprocessingEvaluator``, so :func:`ema_model` checks its
inputs up front (:class:`~model.scenario.ScenarioError`, one line per problem), and a run that
still fails (a sampled combination a cross-field check rejects, an error in the model) returns
NaN outcomes, counts in the extra outcome ``failed_runs`` and logs a warning;
:func:`failures` gives the reasons afterwards.
"""

from __future__ import annotations

import difflib
import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# cogov never uses the ipyparallel evaluator, so its import-time notice is only noise
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    import ema_workbench as ema
    from ema_workbench.em_framework.parameters import Parameter as EMAParameter

from model.outcomes import OUTCOMES, Outcome
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.parameters import Parameter, dotted_key, identifier, parameter, parameters
from model.simulate import simulate

#: The extra outcome counting the seeds of an experiment whose run failed (0 when all ran).
FAILED = "failed_runs"
#: Names of the model's constants: the scenario every run starts from, and the one seed.
SCENARIO, SEED = "cogov_scenario", "seed"

#: Parameters to sample: dotted keys, or a mapping of dotted key to None (the schema's range),
#: ``(low, high)`` (a narrower numeric range) or a list of choices.
Ranges = Sequence[str] | Mapping[str, Any] | None
#: What :func:`ema_model` builds: one seed gives a ``Model``, several a ``ReplicatorModel``.
EMAModel = ema.Model | ema.ReplicatorModel

_KINDS = {"higher": ema.ScalarOutcome.MAXIMIZE, "lower": ema.ScalarOutcome.MINIMIZE,
          "neither": ema.ScalarOutcome.INFO}
_logger = logging.getLogger(__name__)


def ema_model(
    scenario: str | Path | Scenario = "baseline",
    uncertainties: Ranges = None,
    levers: Ranges = None,
    outcomes: Sequence[str] | None = None,
    seeds: Sequence[int] = (0,),
    days: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    name: str = "cogov",
) -> EMAModel:
    """An EMA Workbench model of ``scenario``, ready for ``perform_experiments``.

    Args:
        scenario: Bundled name, TOML path or Scenario every run starts from.
        uncertainties: What to sample as uncertainties (see :data:`Ranges`); default: every
            behavioural assumption over its schema range, but those named in ``levers`` or
            fixed in ``overrides``. ``[]`` samples none.
        levers: What to sample as levers; default: likewise every policy lever.
        outcomes: Outcome names (default: all of :data:`~model.outcomes.OUTCOMES`).
            :data:`FAILED` is always added.
        seeds: Replication seeds; every experiment runs once per seed. One seed gives a plain
            ``Model`` with the seed as a constant, several a ``ReplicatorModel``.
        days: Days to run (default: the scenario's ``run.days``).
        overrides: Dotted-key overrides fixed for every run (``{"district.residents": 2000}``).
        name: The EMA model's name (a Python identifier).

    Returns:
        The model, its parameters named by :func:`~model.scenario.parameters.identifier`.

    Raises:
        ScenarioError: One line per problem: an unknown key or outcome, a range outside the
            schema's, a key sampled twice or also overridden, a bad seed, days or name.

    Warns:
        UserWarning: For each end of a range where the scenario, otherwise unchanged, fails a
            cross-field check (``talent.stress_full`` must exceed ``talent.stress_onset``):
            runs there will fail.
    """
    problems: list[str] = []
    base = _base_scenario(scenario, overrides, days, problems)
    explicit = {key for spec in (uncertainties, levers) for key in _keys(spec)}
    fixed = {*explicit, *(overrides or {})}
    chosen = {
        "uncertainties": _chosen(uncertainties, "assumption", "uncertainties", fixed, problems),
        "levers": _chosen(levers, "lever", "levers", fixed, problems),
    }
    problems += _overlaps(chosen, overrides or {})
    built = {role: [ema_parameter(p, bounds, p.value_in(base)) for p, bounds in ranges.items()]
             for role, ranges in chosen.items()} if base is not None else {}
    kept = _outcomes(outcomes, problems)
    problems += _seed_problems(seeds) + _name_problems(name)
    if problems:
        raise ScenarioError(problems)
    for line in (line for role, made in built.items() for line in _end_problems(base, made, role)):
        warnings.warn(f"{line}; runs there fail (NaN outcomes, {FAILED} > 0)", stacklevel=2)
    return _assemble(name, base, built, kept, [int(seed) for seed in seeds])


def run(cogov_scenario: Scenario, seed: int, **values: Any) -> dict[str, float]:
    """The EMA model function: one run of the scenario with sampled values and one seed.

    Args:
        cogov_scenario: The scenario every run starts from (the model's constant).
        seed: The replication's seed.
        **values: Sampled parameters by identifier name (``devolution__level=0.4``).

    Returns:
        Every outcome as a float (NaN where undefined) and :data:`FAILED` (0 or 1). A run that
        raises returns NaN outcomes and ``FAILED`` 1 and logs the reason: raising here would
        hang a ``MultiprocessingEvaluator``.
    """
    try:
        summary = run_once(cogov_scenario, seed, values)
    except Exception as exc:  # any failure, so one bad run cannot stall the whole pool
        _logger.warning("cogov run failed (seed %s): %s", seed, _reason(exc))
        return {**{o.name: math.nan for o in OUTCOMES}, FAILED: 1.0}
    return {**summary, FAILED: 0.0}


def run_once(scenario: Scenario, seed: int, values: Mapping[str, Any]) -> dict[str, float]:
    """Validate identifier-named ``values`` on ``scenario``, run it, and return float outcomes.

    Raises:
        ScenarioError: If a value is not allowed.
    """
    overrides = {dotted_key(name): value for name, value in values.items()}
    summary = simulate(load_scenario(scenario, overrides=overrides, overrides_source="experiment"),
                       seed=int(seed))
    return {name: math.nan if value is None else float(value) for name, value in summary.items()}


def mean_over_seeds(values: Any) -> float:
    """An outcome over an experiment's seeds: the mean where defined, NaN where none is."""
    runs = np.atleast_1d(np.asarray(values, dtype=float))
    defined = runs[~np.isnan(runs)]
    return float(defined.mean()) if defined.size else math.nan


def ema_outcome(outcome: Outcome) -> ema.ScalarOutcome:
    """A ``ScalarOutcome`` for ``outcome``: MAXIMIZE, MINIMIZE or INFO as its ``better`` says."""
    return ema.ScalarOutcome(outcome.name, kind=_KINDS[outcome.better],
                             variable_name=outcome.name, function=mean_over_seeds)


def ema_parameter(found: Parameter, bounds: Any = None, default: Any = None) -> EMAParameter:
    """The EMA parameter for ``found``, named by its identifier.

    Args:
        found: The scenario parameter.
        bounds: None for the schema's range, ``(low, high)`` inside it, or a list of choices;
            checked by :func:`range_problems`.
        default: The value runs use when a sample leaves the parameter out.
    """
    name = identifier(found.key)
    if found.kind == "bool":
        return ema.BooleanParameter(name, default=default)
    if found.kind == "choice":
        return ema.CategoricalParameter(name, list(bounds or found.choices), default=default)
    low, high = bounds if bounds is not None else (found.low, found.high)
    if found.kind == "int":
        return ema.IntegerParameter(name, int(low), int(high), default=default)
    return ema.RealParameter(name, float(low), float(high), default=default)


def range_problems(found: Parameter, bounds: Any, source: str) -> list[str]:
    """What is wrong with sampling ``found`` over ``bounds`` (None: its schema range)."""
    where = f"{source}: {found.key}"
    if found.kind == "bool":
        return [] if bounds is None else [f"{where}: true or false takes no range (give the "
                                          f"key alone or None)"]
    if found.kind == "choice":
        return _choice_problems(found, bounds, where)
    allowed = _allowed(found)
    if bounds is None:
        return [] if found.bounded else [f"{where}: the schema gives no range here; give "
                                         f"(low, high) ({allowed})"]
    if not (isinstance(bounds, Sequence) and not isinstance(bounds, str) and len(bounds) == 2
            and all(_is_number(end) for end in bounds)):
        return [f"{where}: expected (low, high), got {bounds!r} ({allowed})"]
    low, high = bounds
    shown = f"range {low:g} to {high:g}"
    if found.kind == "int" and not all(float(end).is_integer() for end in bounds):
        return [f"{where}: {shown} needs whole numbers ({allowed})"]
    if low >= high:
        return [f"{where}: {shown} is empty: low must be below high ({allowed})"]
    if (found.low is not None and low < found.low) or (found.high is not None
                                                       and high > found.high):
        return [f"{where}: {shown} is outside the schema's ({allowed})"]
    return []


def failures(
    model: EMAModel, experiments: pd.DataFrame, outcomes: Mapping[str, np.ndarray]
) -> dict[int, list[str]]:
    """Why each failed experiment failed: row of ``experiments`` -> one line per failed seed.

    Reruns only the failed rows, in this process, to recover messages a worker could only log.
    """
    failed = np.flatnonzero(np.asarray(outcomes[FAILED], dtype=float) > 0)
    return {int(row): problems_of(model, experiments.iloc[row]) for row in failed}


def problems_of(model: EMAModel, row: Mapping[str, Any]) -> list[str]:
    """Rerun one experiment's seeds (a row of the experiments table); one line per failure."""
    names = [p.name for p in (*model.uncertainties, *model.levers)]
    values = {name: _plain(row[name]) for name in names if name in row}
    base = model.constants[SCENARIO].value
    found = []
    for seed in seeds_of(model):
        try:
            run_once(base, seed, values)
        except Exception as exc:  # report whatever the worker met, whatever its type
            found.append(f"seed {seed}: {_reason(exc)}")
    return found


def seeds_of(model: EMAModel) -> list[int]:
    """The replication seeds of a model made by :func:`ema_model`."""
    if isinstance(model, ema.ReplicatorModel):
        return [int(rep[SEED]) for rep in model.replications]
    return [int(model.constants[SEED].value)]


def parameter_table(experiments: pd.DataFrame, dotted: bool = False) -> pd.DataFrame:
    """The sampled parameters of ``experiments`` as PRIM and CART can take them.

    Drops the ``scenario``, ``policy`` and ``model`` columns; integer columns become floats
    (PRIM fails on int64 columns under pandas 3) and true/false ones 0.0/1.0 (under pandas 3
    a PRIM box restricting a true/false column cannot be inspected). Choices stay categories.

    Args:
        experiments: The experiments table of ``perform_experiments``.
        dotted: Name the columns by dotted key (``devolution.level``) for reading.
    """
    table = experiments.drop(columns=["scenario", "policy", "model"], errors="ignore")
    numeric = table.select_dtypes(["integer", "bool"]).columns
    table = table.astype(dict.fromkeys(numeric, float))
    return table.rename(columns=dotted_key) if dotted else table


def _assemble(
    name: str, base: Scenario, built: dict[str, list[EMAParameter]], kept: list[Outcome],
    seeds: list[int],
) -> EMAModel:
    """The EMA model from checked parts; several seeds are replications, one is a constant."""
    model = ema.ReplicatorModel(name, run) if len(seeds) > 1 else ema.Model(name, run)
    model.uncertainties = built["uncertainties"]
    model.levers = built["levers"]
    model.outcomes = [*(ema_outcome(o) for o in kept),
                      ema.ScalarOutcome(FAILED, variable_name=FAILED, function=np.sum)]
    constants = [ema.Constant(SCENARIO, base)]
    if len(seeds) > 1:
        model.replications = [{SEED: seed} for seed in seeds]
    else:
        constants.append(ema.Constant(SEED, seeds[0]))
    model.constants = constants
    return model


def _base_scenario(
    scenario: str | Path | Scenario, overrides: Mapping[str, Any] | None, days: int | None,
    problems: list[str],
) -> Scenario | None:
    """The scenario with ``overrides`` and ``days`` applied; None (and problems) if invalid."""
    try:
        base = load_scenario(scenario, overrides=dict(overrides or {}))
        if days is not None:
            base = load_scenario(base, overrides={"run.days": days}, overrides_source="days")
    except ScenarioError as exc:
        problems += exc.problems
        return None
    return base


def _keys(spec: Ranges) -> list[str]:
    """The keys ``spec`` names (none for the default)."""
    return [] if spec is None else [spec] if isinstance(spec, str) else list(spec)


def _chosen(
    spec: Ranges, role: str, source: str, fixed: set[str], problems: list[str]
) -> dict[Parameter, Any]:
    """Known parameters of ``spec`` -> bounds, problems noted.

    The default is every parameter of ``role`` but those in ``fixed`` (named elsewhere or
    overridden).
    """
    if spec is None:
        return {p: None for p in parameters(role) if p.key not in fixed}
    ranges = spec if isinstance(spec, Mapping) else dict.fromkeys(_keys(spec))
    chosen = {}
    for key, bounds in ranges.items():
        try:
            found = parameter(key)
        except KeyError:
            problems.append(f"{source}: {key}: unknown parameter{_hint(key)}")
            continue
        found_problems = range_problems(found, bounds, source)
        problems += found_problems
        if not found_problems:
            chosen[found] = bounds
    return chosen


def _overlaps(chosen: dict[str, dict[Parameter, Any]], overrides: Mapping[str, Any]) -> list[str]:
    """Keys sampled as both an uncertainty and a lever, or sampled and also overridden."""
    levers = {p.key for p in chosen["levers"]}
    found = [f"levers: {p.key}: also an uncertainty; sample it as one or the other"
             for p in chosen["uncertainties"] if p.key in levers]
    for role, ranges in chosen.items():
        found += [f"overrides: {p.key}: also sampled (in {role}); the sampled value would "
                  f"always win, so drop one" for p in ranges if p.key in overrides]
    return found


def _end_problems(base: Scenario, made: list[EMAParameter], source: str) -> list[str]:
    """Ends of ranges the scenario rejects, each set alone: a cross-field check fails there.

    Every end is inside the schema's bounds (checked before), so what fails is a check between
    fields (``talent.stress_full`` must exceed ``talent.stress_onset``). Whether the rest of the
    sample passes depends on the other sampled values, so this is a warning, not an error.
    """
    found = []
    for each in made:
        for end in _ends(each):
            try:
                load_scenario(base, overrides={dotted_key(each.name): end}, overrides_source=source)
            except ScenarioError as exc:
                checks = "; ".join(line.split(": ", 1)[-1] for line in exc.problems)
                found.append(f"{source}: {dotted_key(each.name)}: {_plain(end)!r} (an end of "
                             f"its range) fails a check of the scenario: {checks}")
    return found


def _ends(made: EMAParameter) -> list[Any]:
    """The values that bound a parameter's range: both ends, or every category."""
    if isinstance(made, ema.CategoricalParameter):
        return [category.value for category in made.categories]
    return [made.lower_bound, made.upper_bound]


def _outcomes(names: Sequence[str] | None, problems: list[str]) -> list[Outcome]:
    """The outcomes called ``names`` (default: all); unknown names noted in ``problems``."""
    if names is None:
        return list(OUTCOMES)
    by_name = {o.name: o for o in OUTCOMES}
    for name in names:
        if name not in by_name:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"outcomes: {name}: unknown outcome{hint}")
    return [by_name[name] for name in names if name in by_name]


def _seed_problems(seeds: Sequence[int]) -> list[str]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        return [f"seeds: expected a list of at least one seed, got {seeds!r}"]
    bad = [seed for seed in seeds
           if not (_is_number(seed) and float(seed).is_integer() and seed >= 0)]
    if bad:
        return [f"seeds: expected whole numbers of at least 0, got {bad[0]!r}"]
    if len(set(seeds)) < len(seeds):
        return ["seeds: a seed is repeated; replications need different seeds"]
    return []


def _name_problems(name: str) -> list[str]:
    if isinstance(name, str) and name.isidentifier():
        return []
    return [f"name: {name!r} is not a Python identifier (EMA Workbench needs one)"]


def _choice_problems(found: Parameter, bounds: Any, where: str) -> list[str]:
    allowed = " or ".join(f"'{choice}'" for choice in found.choices)
    if bounds is None:
        return []
    if isinstance(bounds, str) or not isinstance(bounds, Sequence) or len(set(bounds)) < 2:
        return [f"{where}: expected a list of at least two choices, got {bounds!r} "
                f"(allowed: {allowed})"]
    return [f"{where}: {choice!r} is not allowed (allowed: {allowed})"
            for choice in bounds if choice not in found.choices]


def _allowed(found: Parameter) -> str:
    low, high = (f"{end:g}" if end is not None else "any" for end in (found.low, found.high))
    return f"allowed: {low} to {high}"


def _hint(key: str) -> str:
    close = difflib.get_close_matches(key, [p.key for p in parameters()], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_))


def _plain(value: Any) -> Any:
    """A table cell as a plain Python value (NumPy scalars to int, float or bool)."""
    return value.item() if isinstance(value, np.generic) else value


def _reason(exc: Exception) -> str:
    if isinstance(exc, ScenarioError):
        return "; ".join(exc.problems)
    return f"{type(exc).__name__}: {exc}"
