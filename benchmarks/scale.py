"""Time the baseline scenario against a trivial Mesa loop of the same size, with peak memory.

The trivial loop is a ``mesa.Model`` with N agents whose ``step`` does nothing, advanced one
step per day by ``self.agents.do("step")``: what any plain Mesa model of N agents stepped daily
pays before doing any work. The cogov run is
``run_model(load_scenario("baseline", overrides={"district.residents": N}), seed, days)``.
Both timings cover building the model and running it (imports excluded), as wall-clock
seconds (the target) and as CPU seconds of the process (steadier on a busy machine).

Every measurement runs in a fresh process of its own (multiprocessing spawn), one at a time,
trivial and cogov alternating so that a change in the machine's load hits both alike. A
measurement's peak memory is that process's ``ru_maxrss``: interpreter, imports and the model
(``import_mib`` is the part before the model was built); the cogov number therefore never
includes the trivial loop's agents. Times are medians over ``--repeat`` measurements, peaks the
largest. ``ratio`` is the ratio of the median wall times, ``cpu_ratio`` that of the median
CPU times, ``paired_ratio`` the median of each repeat's cogov/trivial ratio (the two ran back
to back, so a slow spell of the machine cancels out). Prints one JSON line, then one readable
line.

Usage:
    python benchmarks/scale.py [--residents 50000] [--days 365] [--seed 1] [--repeat 3]
                               [--no-trivial]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

import mesa


class NullAgent(mesa.Agent):
    """An agent whose step does nothing."""

    def step(self) -> None:
        """Do nothing."""


class TrivialModel(mesa.Model):
    """``residents`` agents of :class:`NullAgent`, each stepped once per model step."""

    def __init__(self, residents: int, rng: int = 1) -> None:
        super().__init__(rng=rng)
        for _ in range(residents):
            NullAgent(self)

    def step(self) -> None:
        """Call every agent's empty ``step`` once."""
        self.agents.do("step")


def _peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, residents: int, days: int, seed: int) -> dict[str, float]:
    """Build and run one model (``"trivial"`` or ``"cogov"``) in this process; its timings."""
    if kind == "cogov":
        from model import load_scenario, run_model

        scenario = load_scenario("baseline", overrides={"district.residents": residents})
        import_mib = _peak_mib()
        start, cpu_start = time.perf_counter(), time.process_time()
        run_model(scenario, seed=seed, days=days)
    else:
        import_mib = _peak_mib()
        start, cpu_start = time.perf_counter(), time.process_time()
        trivial = TrivialModel(residents, rng=seed)
        for _ in range(days):
            trivial.step()
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu_start,
            "import_mib": import_mib, "peak_mib": _peak_mib()}


def measure_fresh(kind: str, residents: int, days: int, seed: int) -> dict[str, float]:
    """:func:`measure` in a newly spawned process, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure, kind, residents, days, seed).result()


def _median(measurements: list[dict[str, float]], key: str) -> float:
    """Median of one timing over the repeats."""
    return statistics.median(m[key] for m in measurements)


def summary(measurements: list[dict[str, float]]) -> dict[str, Any]:
    """Median wall and CPU seconds, every repeat's seconds, the largest peak and import memory."""
    return {"seconds": round(_median(measurements, "seconds"), 2),
            "cpu_seconds": round(_median(measurements, "cpu_seconds"), 2),
            "all_seconds": [round(m["seconds"], 2) for m in measurements],
            "peak_mib": round(max(m["peak_mib"] for m in measurements), 1),
            "import_mib": round(max(m["import_mib"] for m in measurements), 1)}


def readable(result: dict[str, Any]) -> str:
    """One line saying what the JSON says."""
    cogov = result["cogov"]
    line = (f"{result['residents']:,} residents x {result['days']} days, median of "
            f"{result['repeat']}: cogov {cogov['seconds']:.2f} s, peak {cogov['peak_mib']:,.0f} "
            f"MiB ({cogov['peak_mib'] * 1024**2 / 1e9:.2f} GB)")
    trivial = result.get("trivial")
    if trivial is not None:
        line += (f"; trivial Mesa loop {trivial['seconds']:.2f} s, peak "
                 f"{trivial['peak_mib']:,.0f} MiB; ratio cogov/trivial {result['ratio']:.2f} "
                 f"(CPU time {result['cpu_ratio']:.2f}, paired {result['paired_ratio']:.2f})")
    return line


def main() -> None:
    """Measure as the options say and print the JSON line and the readable line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="measurements per kind (median)")
    parser.add_argument("--no-trivial", dest="trivial", action="store_false",
                        help="time only the cogov run")
    args = parser.parse_args()
    kinds = ["trivial", "cogov"] if args.trivial else ["cogov"]
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(max(1, args.repeat)):
        for kind in kinds:
            runs[kind].append(measure_fresh(kind, args.residents, args.days, args.seed))
    result: dict[str, Any] = {"residents": args.residents, "days": args.days,
                              "seed": args.seed, "repeat": max(1, args.repeat)}
    result.update({kind: summary(found) for kind, found in runs.items()})
    if args.trivial:
        for key, name in (("seconds", "ratio"), ("cpu_seconds", "cpu_ratio")):
            result[name] = round(_median(runs["cogov"], key) / _median(runs["trivial"], key), 3)
        result["paired_ratio"] = round(statistics.median(
            c["seconds"] / t["seconds"] for t, c in zip(runs["trivial"], runs["cogov"],
                                                        strict=True)), 3)
    print(json.dumps(result))
    print(readable(result))


if __name__ == "__main__":
    main()
