"""Time the baseline scenario at a given size: one JSON line with seconds and peak memory.

Usage: python benchmarks/scale.py --residents 50000 --days 365 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from model import load_scenario, run_model


def main() -> None:
    """Run the baseline once at the requested size and print the timing as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario("baseline", overrides={"district.residents": args.residents})
    start = time.perf_counter()
    run_model(scenario, seed=args.seed, days=args.days)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"residents": args.residents, "days": args.days,
                      "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}))


if __name__ == "__main__":
    main()
