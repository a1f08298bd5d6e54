"""The narrow interface agents use to move and end cases (:class:`model.casework.Casework`).

Agents decide what to do with a case they hold, then call one of these methods; tests drive
an agent with scripted cases against a recording stand-in that has exactly these methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from model.cases import Case, Level, Status

if TYPE_CHECKING:
    from model.agents import StreetOffice


class CaseDesk(Protocol):
    """What agents may ask of the case system: the only ways they move or end a case."""

    def forward(self, case: Case, bounced: bool = False) -> None:
        """Committee: send the case up to its street office."""

    def refer(self, case: Case, specialty: str) -> None:
        """Committee: refer the case to the NGO of ``specialty``."""

    def route(self, case: Case, department: int, misrouted: bool) -> None:
        """Street: send the case to a department (the wrong one when ``misrouted``)."""

    def whistle(self, case: Case, street: StreetOffice) -> None:
        """Street: summon every department the case still needs (吹哨)."""

    def assign(self, case: Case, street: StreetOffice, department: int) -> None:
        """Street: summon ``department`` to a case no remit covers; it must act (吹哨)."""

    def bounce(self, case: Case) -> None:
        """Department: send the case back to the street office (推诿)."""

    def claim(self, case: Case, department: int) -> None:
        """Department: take a case no remit covers on as its own (认领)."""

    def push_down(self, case: Case) -> None:
        """Department or street: hand the case down to the residents' committee (甩锅)."""

    def leg_done(self, case: Case) -> None:
        """Department: its part is done; the case goes on to the next department or closes."""

    def return_to_committee(self, case: Case) -> None:
        """NGO: the referred case was not solved and goes back to the committee."""

    def meeting_ended(self, case: Case) -> None:
        """Department: the last summoned part is answered; close, or route what was left undone."""

    def close(self, case: Case, status: Status, level: Level = Level.NONE) -> None:
        """End an open case at ``level`` with ``status``."""

    def pay(self, amount: float) -> None:
        """Add ``amount`` yuan of spending (overtime, contracts) to the run's cost."""

    def fund_fix(self, case: Case, holder: int) -> bool:
        """Pay ``holder``'s share of the case's material cost from its fund; False if empty."""

    def count_meeting(self) -> None:
        """Count one consultation meeting held."""
