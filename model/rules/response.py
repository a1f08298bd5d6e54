"""应急动员 rule: how help reaches units that a surge puts behind (§1, §4.1, §6.1, §6.3).

> 面对突发公共事件和复杂社会问题……社区治理体系在行政管理体制的指导和支持下,发挥了重要的组织
> 协调……作用,展现出强大的社会动员能力和危机应对能力。(§1)

Three responses, each with its limit and its cost:

- **Redeployment across departments** (部门间调配): only departments on the shared platform can
  see one another's backlog, so the district moves up to ``redeploy_share`` of the spare hours
  of connected departments to connected departments that are behind, where each moved hour
  does ``redeploy_productivity`` of an hour's work. The staff are paid already; the lost
  output is the cost.
- **Cadres sent down** (干部下沉): a pool of ``cadre_hours_per_1000_residents`` hours a day goes,
  in equal parts, to the committees that are behind; cadre hours are paid at the wage.
- **Volunteers** (志愿者、党员): a committee that is behind calls residents who attended one of
  its meetings in the past year; ``volunteer_call_share`` of them come and give
  ``volunteer_call_hours`` each. Consultation grows this pool; nothing is paid.

A unit is behind when its queued work exceeds ``behind_days`` of its own hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from model.scenario.rule_groups import ResponseParams

if TYPE_CHECKING:
    from model.agents import Department
    from model.rules.information import InformationRule


class ResponseRule:
    """Decides who is behind and how much help each response brings today."""

    def __init__(self, params: ResponseParams) -> None:
        self.params = params

    def behind(self, queued_hours: float, hours_per_day: float) -> bool:
        """Whether a unit with ``queued_hours`` of work waiting is behind."""
        return queued_hours > self.params.behind_days * hours_per_day

    def redeploy(self, departments: Sequence[Department], information: InformationRule) -> None:
        """Set each department's ``borrowed_hours`` for today (negative for a lender)."""
        for department in departments:
            department.borrowed_hours = 0.0
        visible = [d for d in departments if information.connected(d.node)]
        needy = [d for d in visible if self.behind(d.queued_hours, d.hours_per_day)]
        lenders = [d for d in visible if not self.behind(d.queued_hours, d.hours_per_day)]
        if not needy:
            return
        spare = [self.params.redeploy_share * max(0.0, d.hours_per_day - d.queued_hours)
                 for d in lenders]
        pool = sum(spare)
        if pool <= 0.0:
            return
        excess = [d.queued_hours - self.params.behind_days * d.hours_per_day for d in needy]
        total = sum(excess)
        for lender, hours in zip(lenders, spare, strict=True):
            lender.borrowed_hours = -hours
        for department, need in zip(needy, excess, strict=True):
            department.borrowed_hours = pool * need / total * self.params.redeploy_productivity

    def cadre_hours(self, residents: int) -> float:
        """Cadre hours the district can send down today."""
        return self.params.cadre_hours_per_1000_residents * residents / 1000.0

    def volunteer_hours(self, recent_attendees: int) -> float:
        """Hours the volunteers a committee calls today give."""
        return (recent_attendees * self.params.volunteer_call_share
                * self.params.volunteer_call_hours)
