"""A work queue of cases served in order with a daily budget of staff hours."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.cases import Case


class CaseQueue(ABC):
    """First-in, first-out cases with carried-over work, skipping entries that went stale.

    Subclasses decide the work a case needs on first touch (:meth:`start`) and what happens
    when it is done (:meth:`finish`). An entry is stale when the case has moved since it was
    queued (its ticket changed): escalation, abandonment or a whistle took it elsewhere.
    """

    def init_queue(self) -> None:
        """Create the empty queue and its statistics."""
        self.queue: deque[tuple[Case, int]] = deque()
        self.hours_worked = 0.0
        self.cases_done = 0
        self._mean_hours = 2.0

    def enqueue(self, case: Case, front: bool = False) -> None:
        """Add a case to the back (or the front) of the queue."""
        case.work_left = 0.0
        if front:
            self.queue.appendleft((case, case.ticket))
        else:
            self.queue.append((case, case.ticket))

    def entries(self) -> Iterator[tuple[Case, int]]:
        """Every queued (case, ticket)."""
        return iter(self.queue)

    @property
    def queued_hours(self) -> float:
        """Estimated hours of work waiting (queue length x mean hours per case)."""
        return len(self.queue) * self._mean_hours

    @abstractmethod
    def start(self, case: Case) -> float:
        """Work hours ``case`` needs here; called on first touch."""

    @abstractmethod
    def finish(self, case: Case) -> None:
        """Decide what happens to ``case`` once its work here is done."""

    def resume(self, case: Case, hours: float) -> None:
        """Put ``case`` back at the front with ``hours`` more work (no new start)."""
        case.work_left = hours
        self.queue.appendleft((case, case.ticket))

    def serve(self, hours: float) -> float:
        """Work through the queue with ``hours``; return the hours left unused."""
        queue = self.queue
        start, finish = self.start, self.finish  # the loop runs for every case, every day
        # start() and finish() never read these two, so they are summed here and stored once
        worked, done = self.hours_worked, self.cases_done
        popleft = queue.popleft
        while queue and hours > 1e-9:
            case, ticket = queue[0]
            if case.ticket != ticket:
                popleft()
                continue
            work_left = case.work_left
            if work_left <= 0.0:
                work_left = case.work_left = start(case)
                self._mean_hours += 0.02 * (work_left - self._mean_hours)
            spent = work_left if work_left < hours else hours
            work_left = case.work_left = work_left - spent
            hours -= spent
            worked += spent
            if work_left > 1e-9:
                break
            popleft()
            done += 1
            finish(case)
        self.hours_worked, self.cases_done = worked, done
        return hours


class StreetTeams(CaseQueue):
    """A district unit whose staff are posted to the street offices (派驻).

    Each street office has a team of its own with its share of the unit's hours, serving the
    cases of that street in their own queue: a larger district has more teams of the same
    size, not one larger queue whose waits shrink with its hours. :attr:`queue` is the team
    being served; the unit's totals (:attr:`queued_hours`, :meth:`entries`) cover all teams.
    """

    def init_teams(self, shares: Sequence[float]) -> None:
        """Create one empty queue per street office, with its share of the unit's hours."""
        self.init_queue()
        self.teams: list[deque[tuple[Case, int]]] = [deque() for _ in shares]
        self.team_shares = tuple(shares)
        self.queue = self.teams[0]
        self.team = None  # the street whose team is at work, while one is

    def enqueue(self, case: Case, front: bool = False) -> None:
        """Add a case to its street team's queue, at the back (or the front)."""
        case.work_left = 0.0
        if front:
            self.teams[case.street].appendleft((case, case.ticket))
        else:
            self.teams[case.street].append((case, case.ticket))

    @property
    def queued_hours(self) -> float:
        """Estimated hours of work waiting in all teams."""
        return sum(map(len, self.teams)) * self._mean_hours

    def team_load(self, hours_per_day: float) -> tuple[float, float]:
        """Queued hours and daily hours of the team at work, or of the whole unit."""
        if self.team is None:
            return self.queued_hours, hours_per_day
        return len(self.queue) * self._mean_hours, hours_per_day * self.team_shares[self.team]

    def serve_teams(self, hours: float) -> float:
        """Let each team work its queue with its share of ``hours``; return the hours left."""
        left = 0.0
        for street, (team, share) in enumerate(zip(self.teams, self.team_shares, strict=True)):
            self.queue, self.team = team, street
            left += self.serve(hours * share)
        self.team = None
        return left

    def entries(self) -> Iterator[tuple[Case, int]]:
        """Every queued (case, ticket) of every team."""
        for team in self.teams:
            yield from team
