"""Figures over calendar periods of a dated run, as Beijing publishes them (a month, a year).

A run with ``run.start_date`` simulates one date a day (day 1 is the start date). The model keeps
its running counts at the end of every day (:attr:`GovernanceModel.count_history`), so a
period's figure is the difference of two days' counts: the resolution rate of September 2019 is
the cases resolved in September over the cases reported in September, as the run-level
``resolved_share`` is over the whole run. The hotline's own 解决率 and 满意率 are callback
figures: of 12345's requests closed (and called back) in the period, the share the resident says
were solved (``callback_resolution``) and the share she is satisfied with. Periods are written
as published: ``"2019"``, ``"2019-09"``, or a span of months ``"2024-01..2024-09"``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import TYPE_CHECKING

import pandas as pd

from model.cases import CHOSEN_CHANNELS, HOTLINE_CHANNELS
from model.ledger import PERIOD_COUNTS
from model.outcomes import CHANNEL_SHARES
from model.scenario.timeline import parse_date, simulated_day

if TYPE_CHECKING:
    from model.governance import GovernanceModel

#: The figures a period has: the hotline's rates, its volume and what it is made of.
PERIOD_OUTCOMES = ("resolved_share", "callback_resolution", "callback_satisfaction",
                   "hotline_volume_per_resident", "information_share", *CHANNEL_SHARES)

_MONTH = r"(\d{4})-(\d{2})"
_FORMS = "YYYY, YYYY-MM or YYYY-MM..YYYY-MM"
_AT = {name: i for i, name in enumerate(PERIOD_COUNTS)}


class PeriodError(ValueError):
    """A period that is not written as allowed or lies outside the run; one line."""


def period_dates(label: str) -> tuple[datetime.date, datetime.date]:
    """The first and last date of the period ``label``."""
    year = re.fullmatch(r"(\d{4})", label)
    if year:
        return datetime.date(int(label), 1, 1), datetime.date(int(label), 12, 31)
    span = re.fullmatch(f"{_MONTH}(?:\\.\\.{_MONTH})?", label)
    if not span or not all(1 <= int(m) <= 12 for m in span.groups()[1::2] if m):
        raise PeriodError(f"period '{label}': not a period (allowed: {_FORMS})")
    first_year, first_month, last_year, last_month = span.groups()
    last_year, last_month = last_year or first_year, last_month or first_month
    first = datetime.date(int(first_year), int(first_month), 1)
    days = calendar.monthrange(int(last_year), int(last_month))[1]
    last = datetime.date(int(last_year), int(last_month), days)
    if last < first:
        raise PeriodError(f"period '{label}': ends before it starts (allowed: {_FORMS})")
    return first, last


def period_days(label: str, start_date: str, days: int) -> tuple[int, int]:
    """The first and last day of a run from ``start_date`` of ``days`` days in period ``label``."""
    if not start_date:
        raise PeriodError(f"period '{label}': the run has no calendar (allowed: a scenario "
                          "with run.start_date)")
    first, last = period_dates(label)
    first_day, last_day = simulated_day(start_date, first), simulated_day(start_date, last)
    if first_day < 1 or last_day > days:
        start = parse_date(start_date, "run.start_date")
        end = start + datetime.timedelta(days=days - 1)
        raise PeriodError(f"period '{label}': outside the run so far (allowed: periods within "
                          f"{start.isoformat()} to {end.isoformat()})")
    return first_day, last_day


def period_outcomes(model: GovernanceModel, label: str) -> dict[str, float | None]:
    """The figures of period ``label`` in a dated run (None where nothing was counted)."""
    first, last = period_days(label, model.params.run.start_date, model.day)
    before, after = model.count_history[first - 1], model.count_history[last]
    counts = {name: after[i] - before[i] for name, i in _AT.items()}
    questions = sum(counts[f"questions_{c}"] for c in HOTLINE_CHANNELS)
    volume = counts["hotline_reports"] + questions
    chosen = sum(counts[f"reports_{c}"] for c in CHOSEN_CHANNELS)
    years = (last - first + 1) / 365.0
    return {
        "resolved_share": _ratio(counts["resolved"], counts["reported"]),
        "callback_resolution": _ratio(counts["callbacks_resolved"], counts["callbacks"]),
        "callback_satisfaction": _ratio(counts["callbacks_satisfied"], counts["callbacks"]),
        "hotline_volume_per_resident": volume / model.population.size / years,
        "information_share": _ratio(questions, volume),
        **{name: _ratio(sum(counts[f"reports_{c}"] for c in channels), chosen)
           for name, channels in CHANNEL_SHARES.items()},
    }


def trajectory(model: GovernanceModel, labels: list[str]) -> pd.DataFrame:
    """One row per period: ``period`` then :data:`PERIOD_OUTCOMES`."""
    return pd.DataFrame([{"period": label, **period_outcomes(model, label)} for label in labels])


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
