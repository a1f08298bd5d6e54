"""Regenerate ``tests/golden/summaries.json``, the golden outputs of the regression test.

A fixed small set of runs (the baseline and the integrated reform, seed 7, 2,000 residents in
three communities of one street office, 120 days) is simulated and every outcome of each
summary is written rounded to 10 significant digits, with the provenance of the run (scenario
hashes, versions, commit).
``tests/test_golden.py`` recomputes the same runs and compares.

Run it when a change to the model's results is intended (from the repository root)::

    .venv/bin/python tools/update_golden.py           # rewrite the golden file
    .venv/bin/python tools/update_golden.py --check   # exit 1 if the golden file is stale
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model import load_scenario, simulate  # noqa: E402
from model.provenance import manifest, write_json_atomic  # noqa: E402
from model.scenario import Scenario  # noqa: E402

GOLDEN_FILE = ROOT / "tests" / "golden" / "summaries.json"
SCENARIOS = ("baseline", "integrated")
SEED = 7
DAYS = 120
OVERRIDES: dict[str, Any] = {
    "district.residents": 2000,
    "district.residents_per_community": 667,
}
DIGITS = 10
REL_TOL = 1e-9  # between a fresh run and the stored (rounded) summary
ABS_TOL = 1e-12

Summaries = dict[str, dict[str, float | None]]


def rounded(value: float | None) -> float | None:
    """``value`` rounded to :data:`DIGITS` significant digits (None and non-finite as None)."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.{DIGITS}g}")


def golden_scenarios() -> list[Scenario]:
    """The scenarios of the golden runs, on the small district."""
    return [load_scenario(name, overrides=OVERRIDES) for name in SCENARIOS]


def compute() -> Summaries:
    """Rounded summaries of the golden runs, by scenario name."""
    return {
        scenario.name: {name: rounded(value)
                        for name, value in simulate(scenario, seed=SEED, days=DAYS).items()}
        for scenario in golden_scenarios()
    }


def differences(stored: Summaries, fresh: Summaries) -> dict[str, dict[str, Any]]:
    """Outcomes whose fresh value differs from the stored one, as (stored, fresh) by scenario.

    A scenario or outcome present on one side only shows up with None on the other.
    """
    found: dict[str, dict[str, Any]] = {}
    for scenario in sorted(set(stored) | set(fresh)):
        old, new = stored.get(scenario, {}), fresh.get(scenario, {})
        changed = {name: (old.get(name), new.get(name))
                   for name in sorted(set(old) | set(new))
                   if not _same(old.get(name), new.get(name))}
        if changed or scenario not in stored or scenario not in fresh:
            found[scenario] = changed
    return found


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return math.isclose(old, new, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def golden_document() -> dict[str, Any]:
    """The golden file's content: provenance and the rounded summaries."""
    provenance = manifest(golden_scenarios(), [SEED],
                          {"days": DAYS, "overrides": OVERRIDES, "digits": DIGITS,
                           "tool": "tools/update_golden.py"})
    return {"provenance": provenance, "summaries": compute()}


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the golden file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the stored summaries differ from a fresh run")
    args = parser.parse_args(argv)
    if args.check:
        stored = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))["summaries"]
        changed = differences(stored, compute())
        if changed:
            print(f"{GOLDEN_FILE} is stale (stored, now): {changed}")
            print("run: python tools/update_golden.py")
            return 1
        print(f"{GOLDEN_FILE} is up to date")
        return 0
    GOLDEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(GOLDEN_FILE, golden_document())
    print(f"wrote {GOLDEN_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
