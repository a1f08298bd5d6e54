"""Cross-field checks of a scenario: names that must refer to something defined elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.scenario.schema import CategorySpec, Scenario


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


def _check_remit(name: str, category: CategorySpec, departments: set[str]) -> None:
    """Refuse a category that no department holds and none is near, or that mixes the two.

    A category lists the departments whose remit it is (``departments``, with overlaps in
    ``claimed_by``), or none of them and the departments nearest the gap (``nearest``, 职责真空).
    """
    key = f"categories.{name}"
    if not category.departments and not category.nearest:
        raise DanglingReferenceError(
            f"{key}.departments",
            "a category needs at least one department, or, for a gap in remits (departments = "
            f"[]), the departments nearest it in nearest (allowed: {_allowed(departments)})",
        )
    if category.departments and category.nearest:
        raise DanglingReferenceError(
            f"{key}.nearest",
            "nearest is for a gap in remits (departments = []); departments that share a remit "
            "go in claimed_by (allowed: [] when departments are listed)",
        )
    if not category.departments and category.claimed_by:
        raise DanglingReferenceError(
            f"{key}.claimed_by",
            "a gap in remits (departments = []) has no remit to share; the departments that "
            "might be asked go in nearest (allowed: [] when departments = [])",
        )
    if not category.departments and category.admin_service:
        raise DanglingReferenceError(
            f"{key}.admin_service",
            "an administrative service is done at a department's counter, so it needs "
            "departments (allowed: false when departments = [])",
        )
    repeated = sorted({d for d in category.nearest if category.nearest.count(d) > 1})
    if repeated:
        raise DanglingReferenceError(
            f"{key}.nearest",
            f"'{repeated[0]}' is listed more than once (allowed: each department once)",
        )


def check_references(scenario: Scenario) -> None:
    """Raise :class:`DanglingReferenceError` for the first dangling reference in ``scenario``."""
    departments = set(scenario.departments)
    specialties = set(scenario.procurement.specialty_shares)
    for name, category in scenario.categories.items():
        _check_remit(name, category, departments)
        for field in ("departments", "claimed_by", "nearest"):
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
