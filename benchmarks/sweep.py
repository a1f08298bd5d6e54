"""Time one 40-run sweep on each backend, and check the runner's memory stays flat.

Runs the same sweep (baseline and whistle, 20 replications each, a year of the default
20,000-resident district) serially, on a local pool of 2 processes and on a 2-worker Dask
LocalCluster, each timed from start to finish (pool and cluster start-up included), checks
that the three tables are identical, then measures the peak memory of the process driving
a sweep of small runs at two sizes. Prints JSON.

    python benchmarks/sweep.py [--runs 40] [--days 365] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from model.experiment import experiment_from_data, run_sweep

MEMORY_PROBE = """
import sys
from model.experiment import experiment_from_data, run_sweep
spec = {"name": "memory", "scenarios": ["baseline"], "replications": int(sys.argv[1]),
        "days": 10, "set": {"district.residents": 1000,
                            "district.residents_per_community": 500}}
run_sweep(experiment_from_data(spec, "memory"), sys.argv[2], workers=2, progress=False)
status = open("/proc/self/status").read().split("\\n")
print(next(line.split()[1] for line in status if line.startswith("VmHWM")))
"""


def timed_sweep(
    runs: int, days: int, backend: str, workers: int, out: Path
) -> tuple[float, pd.DataFrame]:
    """Seconds to run the benchmark sweep on ``backend``, and its table (without timings)."""
    spec = {"name": "bench", "scenarios": ["baseline", "whistle"], "replications": runs // 2,
            "days": days, "root_seed": 11}
    experiment = experiment_from_data(spec, "benchmark")
    start = time.perf_counter()
    done = run_sweep(experiment, out, backend=backend, workers=workers, fresh=True,
                     progress=False)
    return time.perf_counter() - start, done.runs.drop(columns="seconds")


def driver_peak_mib(replications: int, out: Path) -> float:
    """Peak memory (MiB) of a fresh process driving a sweep of ``replications`` small runs."""
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(replications), str(out)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cogov-bench-") as scratch:
        root = Path(scratch)
        times, tables = {}, {}
        for backend in ("serial", "processes", "dask"):
            times[backend], tables[backend] = timed_sweep(args.runs, args.days, backend,
                                                          args.workers, root / backend)
        identical = all(tables[b].equals(tables["serial"]) for b in tables)
        memory = {str(n): round(driver_peak_mib(n, root / f"memory-{n}"), 1)
                  for n in (50, 400)}
    print(json.dumps({
        "runs": args.runs, "days": args.days, "workers": args.workers,
        "seconds": {b: round(t, 2) for b, t in times.items()},
        "speedup": {b: round(times["serial"] / times[b], 2) for b in ("processes", "dask")},
        "identical_tables": identical,
        "driver_peak_mib_by_runs": memory,
    }, indent=2))


if __name__ == "__main__":
    main()
