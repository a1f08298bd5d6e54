"""街道吹哨、部门报到 rule: when the street summons departments, and at what cost (§4.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.cases import Case
from model.scenario.rule_groups import WhistleParams

if TYPE_CHECKING:
    from model.rules.assessment import AssessmentRule


class WhistleRule:
    """Says when a street office blows the whistle and what the summons demands.

    The street whistles at once for a case needing at least ``min_departments`` departments,
    and for any case that has waited ``stuck_days`` at a department or whose resident has
    escalated, and for a case no department's remit covers (职责真空) once nearest departments
    have refused it ``assign_after_refusals`` times: the street then assigns it. Every whistle
    costs ``coordination_hours`` of the street's time, so whistling at everything has a price;
    summoned departments answer by the deadline, choosing to report and do their part or to
    answer in name only, which the street may rate down.

    Without the whistle (``street_convenes``) the street may still invite the departments a
    multi-department case needs to meet on it (协调会), but the invitation does not bind:
    they answer within ``invitation_days``, and how they answered does not count in their
    assessment; stuck, escalated and unclaimed cases are not the street's to call.
    """

    def __init__(self, params: WhistleParams) -> None:
        self.params = params

    @property
    def enabled(self) -> bool:
        """Whether street offices may whistle, a summons that binds."""
        return self.params.enabled

    def on_arrival(self, case: Case, today: int) -> bool:
        """Whether the street may summon (or invite) departments to a case reaching it."""
        params = self.params
        if case.whistled:
            return False
        remaining = len(case.legs) - case.leg
        if not params.enabled:
            return params.street_convenes and remaining >= params.min_departments
        refused = case.unclaimed and case.bounces >= params.assign_after_refusals
        return (remaining >= params.min_departments or case.escalations > 0 or refused
                or case.days_open(today) >= params.stuck_days)

    def stuck_check_after(self) -> int | None:
        """Days after routing to a department at which a still-waiting case is whistled."""
        return self.params.stuck_days if self.params.enabled else None

    def rate_token_answer(self, assessment: AssessmentRule, case: Case) -> None:
        """The street, having seen a department answer a summons in name only, rates it down.

        Whether the street's rating counts in departments' assessment is the setting
        ``street_rates_answers`` (赋予街道统筹协调权: the street judges who reported).
        """
        if self.params.enabled and self.params.street_rates_answers:
            assessment.blame_last_choice(case)

    def deadline(self, today: int) -> int:
        """Last day a summoned (or, without the whistle, invited) department answers."""
        days = (self.params.response_deadline_days if self.params.enabled
                else self.params.invitation_days)
        return today + days
