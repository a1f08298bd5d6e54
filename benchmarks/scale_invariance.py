"""Check that the baseline's outcomes do not depend on the district's size.

Runs the baseline scenario at several sizes (``district.residents``), each over the same
replication seeds (derived from one root seed as ``cogov compare`` derives them), in a local
pool of spawned processes (the sweep runner's ``processes`` backend). Prints, per outcome and
size, the mean and 95% t-interval over the seeds, and whether every pair of sizes' intervals
overlaps ("yes") or which pairs do not. Shares, satisfaction and days are compared as they
are; counts are turned into rates per resident so that a scale-invariant model gives the same
value at every size.

Usage:
    python benchmarks/scale_invariance.py [--sizes 5000,20000,200000] [--seeds 5] [--days 365]
                                          [--seed 0] [--workers N] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from model.compare import mean_ci, replication_seeds
from model.experiment.backends import Task, run_tasks
from model.experiment.design import Run
from model.scenario import load_scenario

Row = dict[str, Any]


def _outcome(name: str) -> Callable[[Row], float]:
    """An outcome of the run summary, as it is."""
    return lambda row: row[name]


def _per_thousand_per_year(name: str) -> Callable[[Row], float]:
    """A count of the run summary per 1,000 residents per year."""
    return lambda row: row[name] * 1000 / row["residents"] / (max(row["days"], 1) / 365)


def _per_thousand(name: str) -> Callable[[Row], float]:
    """A count of the run summary (a level at the end) per 1,000 residents."""
    return lambda row: row[name] * 1000 / row["residents"]


MEASURES: dict[str, Callable[[Row], float]] = {
    "resolved_share": _outcome("resolved_share"),
    "within_limit_share": _outcome("within_limit_share"),
    "mean_satisfaction": _outcome("mean_satisfaction"),
    "mean_trust": _outcome("mean_trust"),
    "mean_days_to_resolve": _outcome("mean_days_to_resolve"),
    "bounces_per_case": _outcome("bounces_per_case"),
    "hotline_requests_per_resident": _outcome("hotline_requests_per_resident"),
    "escalations_per_1000_residents": _outcome("escalations_per_1000_residents"),
    "reported_per_1000_residents": _per_thousand_per_year("cases_reported"),
    "backlog_end_per_1000_residents": _per_thousand("backlog_end"),
}


def run_all(sizes: list[int], seeds: list[int], days: int, workers: int) -> list[Row]:
    """Summary rows of the baseline at every size and seed, run in parallel."""
    base = load_scenario("baseline")
    tasks = []
    for point, (size, (replication, seed)) in enumerate(
            itertools.product(sizes, enumerate(seeds))):
        values = (("district.residents", size), ("run.days", days))
        run = Run(run_id=f"n{size}-r{replication}", scenario_index=0, scenario="baseline",
                  point=point, replication=replication, seed=seed, values=values)
        tasks.append(Task(run, base))
    rows = []
    for result in run_tasks(tasks, "processes", workers):
        row = result.row
        if row["status"] != "ok":
            raise RuntimeError(f"run {row['run_id']} failed:\n{row['error']}")
        rows.append({**row, "residents": row["district.residents"], "days": row["run.days"]})
    return rows


def interval_table(rows: list[Row], sizes: list[int]) -> list[dict[str, Any]]:
    """Per measure: mean and 95% t-interval at each size, and the pairs that do not overlap."""
    table = []
    for name, measure in MEASURES.items():
        stats: dict[int, dict[str, float]] = {}
        for size in sizes:
            values = np.array([measure(r) for r in rows if r["residents"] == size], dtype=float)
            values = values[~np.isnan(values)]
            if len(values) == 0:
                stats[size] = {"n": 0, "mean": math.nan, "low": math.nan, "high": math.nan}
                continue
            mean, _, low, high = mean_ci(values)
            stats[size] = {"n": len(values), "mean": mean, "low": low, "high": high}
        apart = [(a, b) for a, b in itertools.combinations(sizes, 2)
                 if not _overlap(stats[a], stats[b])]
        table.append({"measure": name, "by_size": stats, "apart": apart})
    return table


def _overlap(first: dict[str, float], second: dict[str, float]) -> bool:
    """Whether two intervals share a point (an undefined interval counts as overlapping)."""
    if any(math.isnan(s[k]) for s in (first, second) for k in ("low", "high")):
        return True
    return first["low"] <= second["high"] and second["low"] <= first["high"]


def _places(value: float) -> int:
    """Decimals that show about four significant digits of ``value``."""
    if not math.isfinite(value) or value == 0:
        return 3
    return max(0, 3 - int(math.floor(math.log10(abs(value)))))


def format_table(table: list[dict[str, Any]], sizes: list[int], seeds: int, days: int) -> str:
    """The interval table as text, one line per measure."""
    cells = []
    for entry in table:
        row = [entry["measure"]]
        for size in sizes:
            s = entry["by_size"][size]
            places = _places(s["mean"])
            row.append(f"{s['mean']:.{places}f} [{s['low']:.{places}f}, {s['high']:.{places}f}]")
        apart = entry["apart"]
        row.append("yes" if not apart else "no: " + ", ".join(f"{a:,}/{b:,}" for a, b in apart))
        cells.append(row)
    header = ["measure", *(f"{size:,} residents" for size in sizes), "all overlap"]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    lines = [f"Baseline, {days} days: mean [95% t-interval] over {seeds} seeds",
             "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    invariant = sum(not entry["apart"] for entry in table)
    lines.append(f"{invariant} of {len(table)} measures overlap at every pair of sizes")
    return "\n".join(lines)


def _defined(value: float) -> float | None:
    """``value``, or None for NaN (JSON has no NaN)."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _sizes(text: str) -> list[int]:
    """Comma-separated resident counts."""
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> None:
    """Run every size and seed, print the interval table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[5_000, 20_000, 200_000],
                        help="comma-separated resident counts (default 5000,20000,200000)")
    parser.add_argument("--seeds", type=int, default=5, help="replications per size")
    parser.add_argument("--seed", type=int, default=0, help="root seed")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args()
    seeds = replication_seeds(args.seed, args.seeds)
    rows = run_all(args.sizes, seeds, args.days, args.workers)
    table = interval_table(rows, args.sizes)
    if args.json:
        measures = [{**entry, "by_size": {str(size): {k: _defined(v) for k, v in s.items()}
                                          for size, s in entry["by_size"].items()}}
                    for entry in table]
        print(json.dumps({"days": args.days, "seeds": seeds, "sizes": args.sizes,
                          "measures": measures}))
    else:
        print(format_table(table, args.sizes, args.seeds, args.days))


if __name__ == "__main__":
    main()
