"""Book-keeping of a run: the case calendar and the running tallies outcomes are made from."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model.cases import CHOSEN_CHANNELS, Case, Level, Status

OPEN = Status.OPEN

#: What :meth:`Tally.period_counts` holds, in order: a day's running counts, kept each day so
#: that any period's figures are differences of two days (:mod:`model.periods`).
PERIOD_COUNTS = ("reported", "resolved", "callbacks", "callbacks_resolved", "callbacks_satisfied",
                 "hotline_reports",
                 *(f"questions_{c}" for c in CHOSEN_CHANNELS),
                 *(f"reports_{c}" for c in CHOSEN_CHANNELS))


class Calendar:
    """Per-case timers and in-transit deliveries, bucketed by day.

    Mesa's event list runs the periodic processes; per-case timers are far more numerous and
    mostly obsolete by the time they fire, so they live in plain day buckets. An entry fires
    only while its case is open and, when ``same_ticket`` is set, has not moved since.
    """

    def __init__(self) -> None:
        self._due: defaultdict[int, list[tuple[Callable[[Case], None], Case, int]]] = (
            defaultdict(list))

    def add(self, day: int, action: Callable[[Case], None], case: Case,
            same_ticket: bool = True) -> None:
        """Call ``action(case)`` on ``day`` if the case is still open (and unmoved)."""
        self._due[day].append((action, case, case.ticket if same_ticket else -1))

    def fire(self, day: int) -> None:
        """Run every entry due on ``day`` (entries added meanwhile for today run too)."""
        entries = self._due.pop(day, None)
        open_ = OPEN  # a local name: read for every entry
        while entries:
            for action, case, ticket in entries:
                if case.status == open_ and (ticket < 0 or case.ticket == ticket):
                    action(case)
            entries = self._due.pop(day, None)

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._due.values())


@dataclass
class Tally:
    """Running counts of everything the outcomes are computed from."""

    raised: int = 0
    prevented: int = 0  # needs that agreements reached in consultation prevented
    reported: int = 0
    silent: int = 0
    resolved: int = 0
    closed_unsolved: int = 0
    abandoned: int = 0
    open: int = 0
    within_limit: int = 0  # resolved within the category's time limit
    closed_within_limit: int = 0  # closed, solved or not, within it (what 按时办结 counts)
    resolution_days: np.ndarray = field(default_factory=lambda: np.zeros(64, dtype=np.int64))
    multi_resolved: int = 0
    multi_days: int = 0
    settled: Counter = field(default_factory=Counter)
    routings: int = 0
    misroutes: int = 0
    bounces: int = 0
    escalations: int = 0
    duplicate_entries: int = 0
    admin_closed: int = 0
    admin_trips: int = 0
    admin_score: float = 0.0
    callbacks: int = 0  # 12345's requests closed, each called back (回访)
    callbacks_resolved: int = 0  # of them, solved (the hotline's 解决率)
    hotline_reports: int = 0  # through the 12345 hotline's channels (calls and online)
    reports_by_channel: Counter = field(default_factory=Counter)  # chosen channels only
    questions_by_channel: Counter = field(default_factory=Counter)  # information requests
    callbacks_satisfied: int = 0
    judged: int = 0  # ended cases their residents judged (every closed case)
    disconfirmation: float = 0.0  # their experience minus expectation, summed
    whistles: int = 0  # summonses that bind (吹哨)
    invitations: int = 0  # coordination meetings the street called without the whistle
    claims: int = 0  # cases no remit covers that a department took on (认领)
    assignments: int = 0  # such cases the street assigned with the whistle
    meetings: int = 0
    meeting_invitations: int = 0  # residents invited to consultation meetings
    attendances: int = 0  # of them, those who came
    cost: float = 0.0
    unfunded_fixes: int = 0
    beyond_rules: int = 0  # worked cases closed unsolved because no rule let them be settled
    flows: Counter = field(default_factory=Counter)
    # by category index: what the outcomes of a group of categories (gaps in remits) sum over
    reported_by_category: Counter = field(default_factory=Counter)
    resolved_by_category: Counter = field(default_factory=Counter)
    bounces_by_category: Counter = field(default_factory=Counter)
    escalations_by_category: Counter = field(default_factory=Counter)

    def share_of(self, counts: Counter, categories: frozenset[int]) -> float | None:
        """``counts`` summed over ``categories`` per reported case of them (None before any)."""
        reported = sum(self.reported_by_category[c] for c in categories)
        return sum(counts[c] for c in categories) / reported if reported else None

    def add_resolution(self, days: int, within: bool, multi: bool) -> None:
        """Record one really resolved case taking ``days``."""
        if days >= len(self.resolution_days):
            grown = np.zeros(max(days + 1, 2 * len(self.resolution_days)), dtype=np.int64)
            grown[: len(self.resolution_days)] = self.resolution_days
            self.resolution_days = grown
        self.resolution_days[days] += 1
        self.within_limit += within
        if multi:
            self.multi_resolved += 1
            self.multi_days += days

    def mean_days(self) -> float | None:
        """Mean days to resolve over resolved cases (None when none is resolved yet)."""
        n = self.resolution_days.sum()
        return float((self.resolution_days * np.arange(len(self.resolution_days))).sum() / n) \
            if n else None

    def quantile_days(self, q: float) -> float | None:
        """The ``q`` quantile of days to resolve (None when none is resolved yet)."""
        n = self.resolution_days.sum()
        if not n:
            return None
        cumulative = np.cumsum(self.resolution_days)
        return float(np.searchsorted(cumulative, q * n))

    def period_counts(self) -> tuple[int, ...]:
        """The running counts published figures are made of, in :data:`PERIOD_COUNTS` order."""
        return (self.reported, self.resolved, self.callbacks, self.callbacks_resolved,
                self.callbacks_satisfied,
                self.hotline_reports,
                *(self.questions_by_channel[c] for c in CHOSEN_CHANNELS),
                *(self.reports_by_channel[c] for c in CHOSEN_CHANNELS))

    def settled_share(self, level: Level) -> float | None:
        """Share of reported cases resolved at ``level`` (None before any is reported)."""
        return self.settled[level] / self.reported if self.reported else None
