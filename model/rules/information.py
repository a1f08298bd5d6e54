"""信息共享 rule: who shares a case's record, and what manual re-entry does to it (§2, §4.2, §6.1).

A case carries a record of four attributes (:class:`model.cases.Attribute`): its category,
the place, its urgency and the resident's own description. Units whose systems are joined on a
shared platform read one record; every other hand-off is a manual re-entry into the receiving
unit's system, which corrupts one attribute with probability ``reentry_error``, and moves with
the paper, in batches every ``batch_days`` days. What a lost attribute costs follows where it is
used: a lost category misroutes the case (7.6), a lost place wastes a visit, a lost urgency
loses the case its place at the front of a department's queue, and a lost description means
clarifying work and a worse chance of the right fix. Duplicate entries count the separate
systems a case was entered in beyond the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.cases import ATTRIBUTES, Attribute, Case, Node, NodeKind
from model.scenario.rule_groups import InformationParams

if TYPE_CHECKING:
    from model.streams import ScalarDraws

PLATFORM = 0  # the system id every connected unit shares

# The attributes as plain ints: a record's ``lost`` bits are tested on every hop and queue
# entry, and IntFlag arithmetic runs in Python (ten times the cost of int arithmetic).
_CATEGORY, _PLACE, _URGENCY, _DETAIL = (int(a) for a in
                                        (Attribute.CATEGORY, Attribute.PLACE,
                                         Attribute.URGENCY, Attribute.DETAIL))
_ATTRIBUTE_BITS = tuple(int(a) for a in ATTRIBUTES)


class InformationRule:
    """Says which units share a record, and carries out re-entries, batches and their costs.

    Committees, street offices, halls and the hotline join the platform when it is unified;
    departments join when they fall within ``sharing_scope`` (in the order the scenario lists
    them). NGOs and residents never do.
    """

    def __init__(self, params: InformationParams, n_departments: int) -> None:
        self._n_departments = n_departments
        self._systems: dict[Node, int] = {}  # each separate system's id, in order of first use
        # (system, category) -> the last day a department was seen to do a claimed category
        self._remits: dict[tuple[int, int], int] = {}
        self.retune(params)

    def retune(self, params: InformationParams) -> None:
        """Take up new settings (a timeline entry): who is on the platform is asked anew.

        A place that leaves the platform keeps the separate system it had before it joined;
        what streets learnt of remits stays.
        """
        self.params = params
        departments = self._n_departments
        shared = round(params.sharing_scope * departments) if params.unified_platform else 0
        self.connected_departments = frozenset(range(shared))
        # every place's system id and connection once known: both are asked on every hop
        self._system_of: dict[Node, int] = {}
        self._connected: dict[Node, bool] = {}
        self._targets: dict[Node, tuple[bool, int]] = {}  # connection and system bit

    def connected(self, node: Node) -> bool:
        """Whether a place's data system is part of the shared platform."""
        if not self.params.unified_platform:
            return False
        if node.kind == NodeKind.DEPARTMENT:
            return node.index in self.connected_departments
        return node.kind not in (NodeKind.RESIDENT, NodeKind.NGO)

    def system(self, node: Node) -> int:
        """The id of the data system a place records cases in (one id for the platform)."""
        found = self._system_of.get(node)
        if found is None:
            if self.connected(node):
                found = PLATFORM
            else:
                found = self._systems.setdefault(node, len(self._systems) + 1)
            self._system_of[node] = found
        return found

    def _target(self, node: Node) -> tuple[bool, int]:
        """Whether a place is connected, and the bit of its system in a case's ``systems``."""
        found = self._targets[node] = (self._is_connected(node), 1 << self.system(node))
        return found

    def _is_connected(self, node: Node) -> bool:
        """:meth:`connected`, remembered per place (asked on every hop)."""
        found = self._connected.get(node)
        if found is None:
            found = self._connected[node] = self.connected(node)
        return found

    def record(self, case: Case, node: Node) -> bool:
        """Enter ``case`` in the system of ``node``; return whether that system is new to it."""
        bit = (self._targets.get(node) or self._target(node))[1]
        systems = case.systems
        case.systems = systems | bit
        return not systems & bit and systems | bit != bit

    def hop(self, case: Case, source: Node, target: Node, today: int,
            rng: ScalarDraws) -> tuple[int, bool, bool]:
        """Hand ``case`` from ``source`` to ``target``.

        Returns:
            (days in transit, whether the hop was a manual re-entry, whether it was a
            duplicate entry into a system new to the case). A hop between two connected places
            reads the shared record at once; any other hop is keyed in again, may corrupt one
            attribute, and waits for the next batch of paper.
        """
        # record(), inlined: this runs for every hop of every case
        target_on, bit = self._targets.get(target) or self._target(target)
        systems = case.systems
        case.systems = systems | bit
        duplicate = not systems & bit and systems | bit != bit
        source_on = self._connected.get(source)
        if source_on is None:
            source_on = self._is_connected(source)
        if source_on and target_on:
            return 0, False, duplicate
        if rng.random() < self.params.reentry_error:
            case.lost |= _ATTRIBUTE_BITS[rng.integers(len(_ATTRIBUTE_BITS))]
        return (-today) % self.params.batch_days, True, duplicate

    def misroutes(self, case: Case, claimants: int, known: bool, rng: ScalarDraws) -> bool:
        """Whether the street sends a case to the wrong department.

        A lost category always does. A category ``claimants`` departments claim (职责交叉) is
        ambiguous unless the street ``known`` which of them handles it: it then picks one of
        those the case's bounces have not ruled out, at random.
        """
        if case.lost & _CATEGORY:
            return True
        if known or claimants < 2:
            return False
        left = max(claimants - case.bounces, 1)
        return rng.random() * left >= 1.0

    def knows_remit(self, street: Node, category: int, today: int) -> bool:
        """Whether ``street`` has seen a case of ``category`` through a department lately.

        What a street has seen is in its own system; on the platform every connected unit
        reads the same record, so every connected street has seen what any of them saw.
        """
        seen = self._remits.get((self.system(street), category))
        return seen is not None and today - seen <= self.params.remit_memory_days

    def saw_remit(self, street: Node, category: int, today: int) -> None:
        """Record in ``street``'s system that a department saw a case of ``category`` through."""
        self._remits[(self.system(street), category)] = today

    def urgent_on_record(self, case: Case) -> bool:
        """Whether the record shows the case as urgent (so it goes to the front of a queue)."""
        return (case.urgency >= self.params.urgent_threshold
                and not case.lost & _URGENCY)

    def visit_hours(self, case: Case) -> float:
        """Hours wasted on a visit to the wrong place; the place is found after it."""
        if case.lost & _PLACE:
            case.lost &= ~_PLACE
            return self.params.wasted_visit_hours
        return 0.0

    def fix_factor(self, case: Case) -> float:
        """Chance multiplier that the fix matches the need, given the description kept."""
        return self.params.blind_fix_share if case.lost & _DETAIL else 1.0

    def work_factor(self, case: Case) -> float:
        """Multiplier on work when the description was lost (time spent clarifying)."""
        return 1.0 + self.params.clarify_factor if case.lost & _DETAIL else 1.0
