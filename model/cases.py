"""Cases (诉求/事项): plain objects carrying a need from a resident through the system.

A case is not an agent: it is what agents pass to each other. It records where it is, how
of its record is still right (``lost`` attributes), what its holder plans
to do with it, and how it ended. ``ticket`` changes whenever the case moves, so stale entries
in queues and timers are recognised and skipped without searching queues. What happens to a
case between units (intake, transport, timers, closure and the tallies) is
:mod:`model.casework`'s job.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag, StrEnum
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


class Attribute(IntFlag):
    """The attributes of a case's record; a manual re-entry can corrupt one (§2 信息传递失真)."""

    CATEGORY = 1  # what kind of need: decides which department it is routed to
    PLACE = 2  # where: a wrong place wastes a visit
    URGENCY = 4  # how urgent: urgent cases go to the front of a department's queue
    DETAIL = 8  # the resident's own words: without them the fix may miss the need


#: Every attribute, in the order a corrupting re-entry draws from.
ATTRIBUTES: tuple[Attribute, ...] = tuple(Attribute)


class NodeKind(StrEnum):
    """The kinds of place a case can be (string-valued, so ids read ``"street:2"``)."""

    RESIDENT = "resident"
    HOTLINE = "hotline"
    COMMITTEE = "committee"
    STREET = "street"
    DEPARTMENT = "department"
    NGO = "ngo"
    HALL = "hall"


class Channel(StrEnum):
    """How a reported case entered the system."""

    COMMITTEE = "committee"  # through the residents' committee
    HOTLINE = "hotline"  # the 12345 hotline, dispatched to the street
    ONLINE = "online"  # the 12345 website, app or WeChat, dispatched as the hotline's calls
    OFFICE = "office"  # in person at the street office (来访)
    PETITION = "petition"  # a petition (信访), taken up by the street as an escalated case
    LINE = "line"  # a department's own hotline (such as 12315), straight to that department
    VISIT = "visit"  # in person at a department's office (an administrative service)
    HALL = "hall"  # in person at a one-stop hall (an administrative service)


#: The channels a resident chooses among for a need that is not an administrative service, in
#: the order of the population's columns of what she expects of each (silence is the other
#: option). Administrative services are asked for in person, where they are given.
CHOSEN_CHANNELS: tuple[Channel, ...] = (
    Channel.COMMITTEE, Channel.HOTLINE, Channel.ONLINE, Channel.OFFICE, Channel.PETITION,
    Channel.LINE,
)
#: The channels whose requests the 12345 hotline receives (its published volume).
HOTLINE_CHANNELS = frozenset({Channel.HOTLINE, Channel.ONLINE})


class Plan(StrEnum):
    """What the unit holding a case decided to do with it once its work there is done."""

    NONE = ""
    WORK = "work"  # department: do this department's part
    CLAIM = "claim"  # department: take a case no department's remit covers as its own (认领)
    BOUNCE = "bounce"  # department: send it back to the street (推诿)
    PUSH_DOWN = "push_down"  # department: hand it to the committee (甩锅)
    FAILED = "failed"  # a summoned department's part did not fix the need
    REPORT = "report"  # summoned department: report and do its part (报到)
    TOKEN = "token"  # summoned department: answer in name only, leaving its part undone (走过场)
    CLOSE = "close"  # department or committee: close a hard case unsolved (应付)
    ROUTE = "route"  # street: send it to the department it needs next
    WHISTLE = "whistle"  # street: summon every department it needs at once (吹哨)
    SETTLE = "settle"  # committee: settle it in the community
    MEETING = "meeting"  # committee: hold it for the next consultation meeting
    REFER = "refer"  # committee: refer it to an NGO
    FORWARD = "forward"  # committee: forward it to the street office
    DECLINE = "decline"  # committee: pass up a case devolved to it (its own duty) undone


class Reason(StrEnum):
    """Why a case moved from one place to another."""

    REPORT = "report"
    VISIT = "visit"
    DISPATCH = "dispatch"
    FORWARD = "forward"
    ROUTE = "route"
    BOUNCE = "bounce"
    PUSH_DOWN = "push_down"
    LEG_DONE = "leg_done"
    REFER = "refer"
    RETURN = "return"
    ESCALATE = "escalate"
    STUCK = "stuck"
    WHISTLE = "whistle"


class Node(NamedTuple):
    """A place a case can be: its kind and the index of the unit of that kind."""

    kind: NodeKind
    index: int


_new_tuple = tuple.__new__


class Case:
    """One need of one resident, followed until it ends."""

    __slots__ = (
        "id", "category", "resident", "community", "street", "raised_day", "urgency",
        "lost", "systems", "legs", "leg", "status", "level", "closed_day", "holder",
        "ticket", "bounces", "misrouted", "trips", "duplicate_entries", "escalations",
        "whistled", "work_left", "hard", "pushed_down", "joint_parts", "channel", "plan",
        "ngo_tried", "hard_worked", "quick_closed", "decisions", "refused_by", "skipped",
        "policy_draw",
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
        self.lost = 0  # bits of the record's Attributes corrupted on the way (a plain int)
        self.systems = 0  # bit set of the data systems the case has been entered in
        self.legs = legs  # departments whose work is needed, in order (none: a gap in remits)
        self.leg = 0  # index of the next department leg
        self.status = Status.OPEN
        self.level = Level.NONE
        self.closed_day = -1
        # Node(NodeKind.RESIDENT, resident) without the named tuple's Python-level __new__
        # (one per case)
        self.holder = _new_tuple(Node, (NodeKind.RESIDENT, resident))
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
        self.channel = Channel.COMMITTEE
        self.plan = Plan.NONE
        self.ngo_tried = False
        self.hard_worked = False  # the extra work of a hard case has been done
        self.quick_closed = False  # closed unsolved by a department's choice
        # handling choices made on the case, scored when it ends: [expectations, plan,
        # escalations at the choice, times it came back to the chooser]
        self.decisions: list[list] | None = None
        self.refused_by = 0  # bit set of the departments that refused it as not their remit
        self.skipped = 0  # bit set of the departments that left their part of a meeting undone
        # beyond the rules while below its category's limit (model.rules.policy)
        self.policy_draw = 1.0

    @property
    def is_open(self) -> bool:
        """Whether the case has not ended yet."""
        return self.status == Status.OPEN

    @property
    def multi_department(self) -> bool:
        """Whether the case needs the work of two or more departments."""
        return len(self.legs) >= 2

    @property
    def unclaimed(self) -> bool:
        """Whether no department's remit covers the case and none has taken it on yet."""
        return not self.legs

    @property
    def next_department(self) -> int | None:
        """The department whose work is needed next, or None when all legs are done."""
        return self.legs[self.leg] if self.leg < len(self.legs) else None

    def days_open(self, today: int) -> int:
        """Days since the need arose (to ``today``, or to closure if closed)."""
        end = self.closed_day if self.closed_day >= 0 else today
        return end - self.raised_day

    def move(self, target: Node) -> None:
        """Put the case at ``target`` and invalidate queue entries and timers held elsewhere."""
        self.holder = target
        self.ticket += 1

    def __repr__(self) -> str:
        return (f"Case(id={self.id}, category={self.category}, status={self.status.name}, "
                f"holder={self.holder.kind}:{self.holder.index}, leg={self.leg}/{len(self.legs)})")
