"""The district's layout and staffing: communities, street offices and the hours each unit has.

Everything a run's units are sized by is computed here from the scenario, once, before the
units are built, so the agents read their capacity and never the scenario's district keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.scenario import Scenario


@dataclass(frozen=True)
class DistrictLayout:
    """Communities, street offices and staff hours of one district.

    Attributes:
        community_sizes: Residents of each community, in community order.
        community_street: The street office each community belongs to.
        department_hours: Staff hours per day of each department, in scenario order.
        street_hours: Coordination staff hours per day of each street office.
    """

    community_sizes: tuple[int, ...]
    community_street: tuple[int, ...]
    department_hours: tuple[float, ...]
    street_hours: tuple[float, ...]
    hall_hours_per_day: float

    @property
    def communities(self) -> int:
        """Number of communities (one residents' committee each)."""
        return len(self.community_sizes)

    @property
    def streets(self) -> int:
        """Number of street offices."""
        return len(self.street_hours)

    def street_residents(self, street: int) -> int:
        """Residents of the communities of one street office."""
        return sum(size for size, owner in zip(self.community_sizes, self.community_street,
                                               strict=True) if owner == street)

    def hall_hours(self, residents_served: int) -> float:
        """Staff hours per day of a one-stop hall serving ``residents_served`` residents."""
        return self.hall_hours_per_day


def district_layout(params: Scenario) -> DistrictLayout:
    """The layout and staffing of the district a scenario describes."""
    district = params.district
    n_comm = district.streets * district.communities_per_street
    sizes = tuple(district.residents // n_comm + (i < district.residents % n_comm)
                  for i in range(n_comm))
    return DistrictLayout(
        community_sizes=sizes,
        community_street=tuple(c // district.communities_per_street for c in range(n_comm)),
        department_hours=tuple(d.hours_per_day for d in params.departments.values()),
        street_hours=(district.street_hours_per_day,) * district.streets,
        hall_hours_per_day=params.one_stop.hall_hours_per_day,
    )
