"""A calibration spec shrunk to seconds: one month of 2018 fitted, four run from the posterior."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = tomllib.loads((ROOT / "experiments" / "calibration.toml").read_text(encoding="utf-8"))
#: Claims a tiny calibration requires: robust even in short runs of a small district, so the
#: filter admits draws; their four distinct scenarios run at every design point.
PATTERNS = ("P1b", "P3d", "P4b")


def tiny_calibration(district: dict[str, Any], *, days: int, fitted: str, samples: int,
                     abc_draws: int, posterior_draws: int, draws: int,
                     last: str) -> dict[str, Any]:
    """The bundled spec's parameters and priors, with made-up targets and published figures.

    ``fitted`` is the month whose two callback rates are targets; the predictive run covers
    January 2018 to ``last`` (a period within 120 days) and compares January with ``last``. The
    patterns are three that hold at every value of the priors (:data:`PATTERNS`), whose
    scenarios run 120 days on the same district.
    """
    data = copy.deepcopy(BUNDLED)
    data.update(days=days, set=dict(district))
    data["targets"] = {f"{fitted}:{rate}": {"value": value, "source": "test"}
                       for rate, value in (("callback_resolution", 0.5),
                                           ("callback_satisfaction", 0.6))}
    data["design"].update(samples=samples, replications=2)
    data["abc"].update(draws=abc_draws, accept=0.05)
    data["check"].update(replications=2, posterior_draws=posterior_draws)
    data["predictive"] = {"draws": draws, "replications": 2, "days": 120,
                          "periods": ["2018-01", "2018-02", last], "volume_reference": "2018-01"}
    data["published"] = [{"period": "2018-01", "callback_resolution": 0.5,
                          "volume_millions": 1.0, "source": "test"},
                         {"period": last, "callback_resolution": 0.99,
                          "volume_millions": 1.2, "source": "test"}]
    data["changes"] = [{"label": "spring", "from_period": "2018-01", "to_period": last}]
    data["patterns"].update(ids=list(PATTERNS), set={**district, "run.days": 120})
    return data
