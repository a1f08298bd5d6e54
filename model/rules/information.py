"""信息共享 rule: fidelity, delay, duplicate entry and misrouting on each hop (§2, §4.2, §6.1)."""

from __future__ import annotations

from model.cases import Case, Node, NodeKind
from model.scenario.rule_groups import InformationParams


class InformationRule:
    """Decides what a hop between two places costs in information, days and data entry.

    Committees, street offices and the hotline join the platform when it is unified;
    departments join when they fall within ``sharing_scope`` (in the order the scenario lists
    them). A hop between two connected places keeps ``unified_hop_fidelity`` of the
    information and takes ``unified_hop_delay_days``; any other hop keeps
    ``siloed_hop_fidelity``, takes ``siloed_hop_delay_days`` and needs one duplicate entry.
    """

    def __init__(self, params: InformationParams, n_departments: int) -> None:
        self.params = params
        shared = round(params.sharing_scope * n_departments) if params.unified_platform else 0
        self.connected_departments = frozenset(range(shared))

    def connected(self, node: Node) -> bool:
        """Whether a place's data system is part of the shared platform."""
        if not self.params.unified_platform:
            return False
        if node.kind == NodeKind.DEPARTMENT:
            return node.index in self.connected_departments
        return node.kind != NodeKind.RESIDENT

    def hop(self, case: Case, source: Node, target: Node) -> tuple[int, int]:
        """Apply a hop's information loss to ``case``; return (delay days, duplicate entries)."""
        p = self.params
        if self.connected(source) and self.connected(target):
            case.fidelity *= p.unified_hop_fidelity
            return p.unified_hop_delay_days, 0
        case.fidelity *= p.siloed_hop_fidelity
        case.duplicate_entries += 1
        return p.siloed_hop_delay_days, 1

    def misroute_probability(self, case: Case, overlapping: bool) -> float:
        """Chance of sending a case to the wrong department, given what is known of it."""
        p = self.params
        chance = p.misroute_scale * (1.0 - case.fidelity)
        if overlapping:
            chance += p.overlap_misroute
        # each bounce tells the router where the case does not belong
        return min(1.0, chance / (1 + case.bounces))

    def fix_factor(self, case: Case) -> float:
        """Chance multiplier that the fix matches the need, given the information kept."""
        floor = self.params.blind_fix_share
        return floor + (1.0 - floor) * case.fidelity

    def work_factor(self, case: Case) -> float:
        """Multiplier on work when information has been lost (time spent clarifying)."""
        return 1.0 + self.params.clarify_factor * (1.0 - case.fidelity)

    def delay_forgiveness(self) -> float:
        """Share of the lateness penalty residents forgive thanks to progress feedback."""
        return self.params.feedback_tolerance if self.params.unified_platform else 0.0
