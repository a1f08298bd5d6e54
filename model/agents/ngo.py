"""社会组织: an NGO delivering contracted services to referred cases (§4.1, §4.2, §6.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.agents.queue import CaseQueue
from model.cases import Case, Level, Node, NodeKind, Status

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class NGO(CaseQueue, mesa.Agent):
    """A social organisation of one specialty, paid through government procurement.

    It serves referred cases with the hours its contract buys; a case is solved with
    probability equal to its professionalism, which grows with cultivation and with every
    case served. An unsolved case goes back to the committee, which forwards it up. Each
    street office buys its own (街道社工站, 街道购买服务): the NGO serves one street's
    committees with that street's share of the specialty's budget, and its contract is
    renewed or dropped on its own record.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int, specialty: str, street: int,
                 share: float) -> None:
        super().__init__(model)
        self.init_queue()
        self.index = index
        self.specialty = specialty
        self.street = street
        self.share = share  # the street's share of the district's residents, and of the budget
        self.node = Node(NodeKind.NGO, index)
        self.professionalism = model.params.procurement.initial_professionalism
        self.hours_per_day = model.rules.procurement.hours_per_day(specialty) * share
        self.served = 0
        self.term_served = 0
        self.term_solved = 0
        self.tender_until = 0  # no provider before this day while a contract is tendered
        self.providers = 1

    def under_contract(self) -> bool:
        """Whether a provider holds the contract today (none while it is tendered anew)."""
        return self.model.day >= self.tender_until

    def has_room(self) -> bool:
        """Whether the queue is short enough to accept another referral."""
        limit = self.model.params.procurement.max_queue_days * self.hours_per_day
        return (self.hours_per_day > 0 and self.under_contract()
                and self.queued_hours <= limit)

    def money_per_day(self) -> float:
        """Contract money its street spends on it a day."""
        return self.model.rules.procurement.money_per_day(self.specialty) * self.share

    def work_day(self) -> None:
        """Serve referred cases with the contracted hours."""
        if self.under_contract():
            self.serve(self.hours_per_day)

    def start(self, case: Case) -> float:
        """Service hours for a referred case."""
        return self.model.category_specs[case.category].work_hours

    def finish(self, case: Case) -> None:
        """Solve the case with probability equal to professionalism, or return it."""
        model = self.model
        self.served += 1
        self.term_served += 1
        self.professionalism = model.rules.procurement.learn(self.professionalism)
        if model.streams["ngo"].random() < self.professionalism:
            self.term_solved += 1
            model.casework.close(case, Status.RESOLVED, Level.NGO)
        else:
            model.casework.return_to_committee(case)

    def contract_end(self) -> None:
        """The contract's term ends (a scheduled event): renew it, or drop it and tender anew.

        The buyer renews a provider that solved at least ``renewal_threshold`` of the cases it
        served in the term (or served none: nothing to judge). A dropped provider's waiting
        cases go back to their committees, and a new provider, with the professionalism of a
        newcomer, starts after ``tender_days``.
        """
        model = self.model
        rule = model.rules.procurement
        if not rule.renews(self.term_solved, self.term_served):
            for case, ticket in self.queue:
                if case.ticket == ticket and case.is_open:
                    model.casework.return_to_committee(case)
            self.queue.clear()
            self.professionalism = rule.params.initial_professionalism
            self.tender_until = model.day + rule.params.tender_days
            self.providers += 1
        self.term_served = 0
        self.term_solved = 0

    def cultivate(self) -> None:
        """Monthly cultivation of professionalism (a scheduled event); none without a provider."""
        if self.under_contract():
            self.professionalism = self.model.rules.procurement.cultivate(self.professionalism)
