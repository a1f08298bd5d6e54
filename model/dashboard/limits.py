"""What an uploaded scenario may ask of the dashboard's server, and the message when it asks more.

The schema allows districts a batch run on a cluster can take (five million residents in
communities of a hundred); a public server must not build one because a 120-byte file asked for it.
An upload is checked against these limits before any model is built. Whoever starts the server
sets them (``cogov dashboard --upload-limit residents=50000`` or the environment variable
``COGOV_UPLOAD_MAX_RESIDENTS``); the defaults keep one session's model within about a second to
build and a few hundred megabytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from model.layout import district_layout
from model.scenario import Scenario

ENV_PREFIX = "COGOV_UPLOAD_MAX_"
#: At most this many problem lines are shown; the rest are counted in one more line.
MAX_PROBLEM_LINES = 20


@dataclass(frozen=True)
class UploadLimits:
    """The most an uploaded scenario may ask for (each settable by whoever runs the server)."""

    residents: int = 200_000
    communities: int = 400
    departments: int = 50
    categories: int = 100
    needs_per_day: int = 20_000
    days: int = 3650

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> UploadLimits:
        """Limits from ``COGOV_UPLOAD_MAX_<NAME>`` variables, defaults for the rest.

        Raises:
            ValueError: One line naming a variable that is not a positive whole number.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            raw = environ.get(f"{ENV_PREFIX}{item.name.upper()}")
            if raw is not None:
                values[item.name] = parse_limit(item.name, raw)
        return cls(**values)


def limit_names() -> list[str]:
    """The names of the limits, as ``--upload-limit NAME=VALUE`` takes them."""
    return [item.name for item in fields(UploadLimits)]


def parse_limit(name: str, raw: str) -> int:
    """A limit's value: a positive whole number.

    Raises:
        ValueError: One line naming the limit and what is allowed.
    """
    if name not in limit_names():
        raise ValueError(f"upload limit '{name}' is not known (allowed: "
                         f"{', '.join(limit_names())})")
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"upload limit {name}: expected a positive whole number, got '{raw}'")
    return value


def needs_per_day(scenario: Scenario) -> float:
    """The needs a district raises a day at its categories' rates (before any shock)."""
    population = scenario.population
    elderly, migrants = population.elderly_share, population.migrant_share
    total = 0.0
    for category in scenario.categories.values():
        factor = ((1 - elderly) * (1 - migrants) + elderly * (1 - migrants)
                  * category.elderly_multiplier + (1 - elderly) * migrants
                  * category.migrant_multiplier + elderly * migrants
                  * category.elderly_multiplier * category.migrant_multiplier)
        total += category.rate * factor
    return total * scenario.demand.rate_scale * scenario.district.residents / 365


def peak_shock_factor(scenario: Scenario) -> float:
    """The largest factor demand shocks put on the rates on any one day (at least 1).

    Shocks active on the same day multiply; each is taken to hit every category, which can only
    overstate the peak.
    """
    shocks = scenario.demand.shocks
    peak = 1.0
    for day in {shock.start_day for shock in shocks}:
        factor = 1.0
        for shock in shocks:
            if shock.start_day <= day < shock.start_day + shock.duration_days:
                factor *= shock.multiplier
        peak = max(peak, factor)
    return peak


def upload_problems(scenario: Scenario, source: str, limits: UploadLimits) -> list[str]:
    """One line per limit ``scenario`` goes beyond, naming the key, its value and the limit."""
    district = scenario.district
    shock = peak_shock_factor(scenario)
    asked = {
        "residents": ("district.residents", district.residents),
        "communities": ("district.residents / district.residents_per_community (communities)",
                        district_layout(scenario).communities),
        "departments": ("departments", len(scenario.departments)),
        "categories": ("categories", len(scenario.categories)),
        "needs_per_day": ("categories.*.rate (needs a day at the peak)",
                          round(needs_per_day(scenario) * shock)),
        "days": ("run.days", scenario.run.days),
    }
    problems = []
    for name, (key, value) in asked.items():
        most = getattr(limits, name)
        if value > most:
            problems.append(f"{source}: {key}: {value:,} is more than this server takes "
                            f"(at most {most:,}; set by whoever runs it)")
    return problems


def capped(problems: list[str], most: int = MAX_PROBLEM_LINES) -> list[str]:
    """The first ``most`` problems and, if there are more, one line counting the rest."""
    if len(problems) <= most:
        return list(problems)
    return [*problems[:most], f"… and {len(problems) - most:,} more problems"]
