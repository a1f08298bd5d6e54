"""Cases (诉求/事项): plain objects carrying a need from a resident through the system.

A case is not an agent: it is what agents pass to each other. It records every hop (who sent
it where, when and why), how much of the original information still reaches the handler
(fidelity), and how it ended. ``ticket`` changes whenever the case moves, so stale entries in
queues and timers are recognised and skipped without searching queues.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class Status(IntEnum):
    """How a case stands: open, or one of the four ways it can end."""

    OPEN = 0
    RESOLVED = 1  # really solved
    CLOSED_UNSOLVED = 2  # reported closed, need not met
    ABANDONED = 3  # the resident gave up waiting
    SILENT = 4  # never reported


class Level(IntEnum):
    """Where a resolved case was settled (小事不出社区、大事不出街道)."""

    NONE = 0
    COMMUNITY = 1
    STREET = 2
    DEPARTMENT = 3
    NGO = 4


class Node(NamedTuple):
    """A place a case can be: kind ('resident', 'hotline', 'committee', ...) and index."""

    kind: str
    index: int


class Hop(NamedTuple):
    """One move of a case: day, from, to, and why (forward, bounce, push_down, ...)."""

    day: int
    source: Node
    target: Node
    reason: str


class Case:
    """One need of one resident, followed until it ends."""

    __slots__ = (
        "id", "category", "resident", "community", "street", "raised_day", "urgency",
        "fidelity", "legs", "leg", "status", "level", "closed_day", "hops", "holder",
        "ticket", "bounces", "misrouted", "trips", "duplicate_entries", "escalations",
        "whistled", "work_left", "hard", "pushed_down", "joint_parts", "channel", "plan",
        "ngo_tried", "hard_worked", "quick_closed",
    )

    def __init__(
        self, case_id: int, category: int, resident: int, community: int, street: int,
        day: int, urgency: float, legs: tuple[int, ...],
    ) -> None:
        self.id = case_id
        self.category = category
        self.resident = resident
        self.community = community
        self.street = street
        self.raised_day = day
        self.urgency = urgency
        self.fidelity = 1.0
        self.legs = legs  # departments whose work is needed, in order
        self.leg = 0  # index of the next department leg
        self.status = Status.OPEN
        self.level = Level.NONE
        self.closed_day = -1
        self.hops: list[Hop] = []
        self.holder: Node = Node("resident", resident)
        self.ticket = 0
        self.bounces = 0
        self.misrouted = False
        self.trips = 0
        self.duplicate_entries = 0
        self.escalations = 0
        self.whistled = False
        self.work_left = 0.0
        self.hard = False
        self.pushed_down = False
        self.joint_parts = 0
        self.channel = "committee"
        self.plan = ""  # what the current holder decided to do with it
        self.ngo_tried = False
        self.hard_worked = False  # the extra work of a hard case has been done
        self.quick_closed = False  # closed unsolved by a department under pressure

    @property
    def is_open(self) -> bool:
        """Whether the case has not ended yet."""
        return self.status == Status.OPEN

    @property
    def multi_department(self) -> bool:
        """Whether the case needs the work of two or more departments."""
        return len(self.legs) >= 2

    @property
    def next_department(self) -> int | None:
        """The department whose work is needed next, or None when all legs are done."""
        return self.legs[self.leg] if self.leg < len(self.legs) else None

    def days_open(self, today: int) -> int:
        """Days since the need arose (to ``today``, or to closure if closed)."""
        end = self.closed_day if self.closed_day >= 0 else today
        return end - self.raised_day

    def move(self, day: int, target: Node, reason: str) -> None:
        """Record a hop to ``target`` and invalidate queue entries held elsewhere."""
        self.hops.append(Hop(day, self.holder, target, reason))
        self.holder = target
        self.ticket += 1

    def __repr__(self) -> str:
        return (f"Case(id={self.id}, category={self.category}, status={self.status.name}, "
                f"holder={self.holder.kind}:{self.holder.index}, leg={self.leg}/{len(self.legs)})")
