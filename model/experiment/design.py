"""Design points and the run plan: factor values per point, a seed per replication.

A grid takes every combination of the listed values (the first factor varies slowest). A
sampled design asks SALib for a Latin hypercube, a Saltelli/Sobol sample or Morris trajectories
over the factors' ranges, with the sampler seeded from the spec; values of whole-number
parameters are rounded. Every run is one scenario at one point with one replication seed, all
fixed by the spec alone, so any backend and any worker count run the same plan. A design may
run its first points on more seeds (``design.repeat``): the seeds' spread at a point is then
measured rather than left to an emulator to guess.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.experiment.spec import Experiment, Factor, Value


@dataclass(frozen=True)
class Run:
    """One planned run: a scenario at a design point with one replication seed."""

    run_id: str
    scenario_index: int
    scenario: str
    point: int
    replication: int
    seed: int
    values: tuple[tuple[str, Value], ...]


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """The SALib problem of sampled ``factors``: names, bounds and any groups."""
    problem = {"num_vars": len(factors), "names": [f.key for f in factors],
               "bounds": [[float(f.low), float(f.high)] for f in factors]}
    if any(f.group for f in factors):
        problem["groups"] = [f.group for f in factors]
    return problem


def sample_matrix(experiment: Experiment) -> np.ndarray | None:
    """The raw SALib sample (one row per point) of a sampled design, or None for a grid."""
    design, factors = experiment.spec.design, experiment.factors
    if experiment.design_kind not in ("lhs", "sobol", "morris"):
        return None
    problem = salib_problem(factors)
    seed = experiment.spec.root_seed % 2**32 if design.seed is None else design.seed
    if design.kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, design.samples, seed=seed)
    if design.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, design.samples, calc_second_order=design.calc_second_order,
                            seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, design.samples, num_levels=design.levels, seed=seed)


def design_points(experiment: Experiment) -> list[dict[str, Value]]:
    """Factor values of every design point, in point order (one empty point without factors)."""
    factors = experiment.factors
    matrix = sample_matrix(experiment)
    if matrix is None:
        combos = itertools.product(*(f.values for f in factors))
        return [dict(zip((f.key for f in factors), combo, strict=True)) for combo in combos]
    return [{f.key: _applied(f, raw) for f, raw in zip(factors, row, strict=True)}
            for row in matrix]


def _applied(factor: Factor, raw: float) -> Value:
    """The value a run uses: rounded and kept in range for whole-number parameters."""
    if factor.integer:
        return min(max(round(raw), math.ceil(factor.low)), math.floor(factor.high))
    return float(raw)


def _slug(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name)


def plan_runs(experiment: Experiment, points: list[dict[str, Value]] | None = None) -> list[Run]:
    """Every run of the experiment: scenario, then point, then replication.

    Args:
        experiment: The validated experiment.
        points: Its design points (default: :func:`design_points`).

    Returns:
        The runs; ids such as ``baseline-p00003-r0007`` do not depend on the plan's size.
    """
    points = design_points(experiment) if points is None else points
    runs = []
    for index, base in enumerate(experiment.scenarios):
        for point, values in enumerate(points):
            for rep, seed in enumerate(experiment.seeds[:experiment.replications_at(point)]):
                run_id = f"{_slug(base.name)}-p{point:05d}-r{rep:04d}"
                runs.append(Run(run_id, index, base.name, point, rep, seed,
                                tuple(values.items())))
    return runs
