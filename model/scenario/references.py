"""Cross-field checks of a scenario: names that must refer to something defined elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.scenario.schema import Scenario


class DanglingReferenceError(ValueError):
    """A value that refers to something undefined; carries the dotted key it belongs to."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message

    def __reduce__(self) -> tuple[type[DanglingReferenceError], tuple[str, str]]:
        """Rebuild from the key and message (pickling passes ``__init__``'s arguments)."""
        return type(self), (self.key, self.message)


def _allowed(names: list[str] | set[str]) -> str:
    return ", ".join(sorted(names)) or "none defined"


def check_references(scenario: Scenario) -> None:
    """Raise :class:`DanglingReferenceError` for the first dangling reference in ``scenario``."""
    departments = set(scenario.departments)
    specialties = set(scenario.procurement.specialty_shares)
    for name, category in scenario.categories.items():
        if not category.departments:
            raise DanglingReferenceError(
                f"categories.{name}.departments",
                f"a category needs at least one department (allowed: {_allowed(departments)})",
            )
        for field in ("departments", "claimed_by"):
            for dept in getattr(category, field):
                if dept not in departments:
                    raise DanglingReferenceError(
                        f"categories.{name}.{field}",
                        f"unknown department '{dept}' (allowed: {_allowed(departments)})",
                    )
        if category.ngo_specialty and category.ngo_specialty not in specialties:
            raise DanglingReferenceError(
                f"categories.{name}.ngo_specialty",
                f"unknown specialty '{category.ngo_specialty}' "
                f"(allowed: {_allowed(specialties)}, set in procurement.specialty_shares)",
            )
    for index, shock in enumerate(scenario.demand.shocks):
        for cat in shock.categories:
            if cat not in scenario.categories:
                raise DanglingReferenceError(
                    f"demand.shocks.{index}.categories",
                    f"unknown category '{cat}' (allowed: {_allowed(set(scenario.categories))})",
                )
    for name, share in scenario.procurement.specialty_shares.items():
        if not 0 <= share <= 1:
            raise DanglingReferenceError(
                f"procurement.specialty_shares.{name}", f"{share} is out of range (allowed: 0 to 1)"
            )
    talent = scenario.talent
    if talent.stress_full <= talent.stress_onset:
        raise DanglingReferenceError(
            "talent.stress_full",
            f"{talent.stress_full} must exceed talent.stress_onset ({talent.stress_onset})",
        )
