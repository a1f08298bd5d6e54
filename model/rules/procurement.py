"""政府购买服务 rule: NGO capacity bought per specialty, and professionalism growth (§4.1, §6.3)."""

from __future__ import annotations

from model.scenario.rule_groups import ProcurementParams


class ProcurementRule:
    """Converts the service budget into NGO hours and grows NGOs' professionalism.

    The yearly budget (per 1,000 residents) is split by specialty and buys hours at
    ``cost_per_hour``; a contract runs ``contract_days`` and is renewed only if its provider
    solved enough of what it served. Professionalism (the chance a referred case is solved)
    grows monthly toward 1 at ``cultivation_rate`` (培育) and with every case served (learning
    by doing).
    """

    def __init__(self, params: ProcurementParams, residents: int) -> None:
        self.params = params
        self.budget = params.budget_per_1000_residents * residents / 1000.0

    def hours_per_day(self, specialty: str) -> float:
        """Contracted NGO hours per day for one specialty."""
        share = self.params.specialty_shares.get(specialty, 0.0)
        return self.budget * share / self.params.cost_per_hour / 365.0

    def money_per_day(self, specialty: str) -> float:
        """Contract money spent per day on one specialty."""
        return self.hours_per_day(specialty) * self.params.cost_per_hour

    def cultivate(self, professionalism: float) -> float:
        """Professionalism after one month of cultivation."""
        return professionalism + self.params.cultivation_rate * (1.0 - professionalism)

    def learn(self, professionalism: float) -> float:
        """Professionalism after serving one more case."""
        return professionalism + self.params.volume_learning * (1.0 - professionalism)

    def renews(self, solved: int, served: int) -> bool:
        """Whether a contract whose provider solved ``solved`` of ``served`` cases is renewed."""
        return served == 0 or solved >= self.params.renewal_threshold * served
