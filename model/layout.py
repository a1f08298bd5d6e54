"""The district's layout and staffing: communities, street offices and the hours each unit has.

Everything a run's units are sized by is computed here from the scenario, once, before the
units are built, so the agents read their capacity and never the scenario's district keys.
Staff hours follow the residents a unit serves, so a district of any size has the same hours
per resident and per case: a larger district has more communities and street offices and
larger departments, not busier ones.
"""

from __future__ import annotations

import math
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
        hall_hours_per_day: Staff hours per day of a one-stop hall serving a full street.
        full_street_residents: Residents of a full street (``residents_per_community`` x
            ``communities_per_street``), the street a hall of ``hall_hours_per_day`` serves.
        street_sizes: Residents of each street office's communities.
    """

    community_sizes: tuple[int, ...]
    community_street: tuple[int, ...]
    department_hours: tuple[float, ...]
    street_hours: tuple[float, ...]
    hall_hours_per_day: float
    full_street_residents: int
    street_sizes: tuple[int, ...]

    @property
    def communities(self) -> int:
        """Number of communities (one residents' committee each)."""
        return len(self.community_sizes)

    @property
    def streets(self) -> int:
        """Number of street offices."""
        return len(self.street_hours)

    @property
    def street_shares(self) -> tuple[float, ...]:
        """Each street office's share of the district's residents (its teams' share of hours)."""
        total = sum(self.street_sizes)
        return tuple(size / total for size in self.street_sizes)

    def street_communities(self, street: int) -> list[int]:
        """The communities of one street office, in community order."""
        return [c for c, owner in enumerate(self.community_street) if owner == street]

    def street_residents(self, street: int) -> int:
        """Residents of the communities of one street office."""
        return self.street_sizes[street]

    def hall_hours(self, residents_served: int) -> float:
        """Staff hours per day of a one-stop hall serving ``residents_served`` residents.

        A hall serving a full street has ``hall_hours_per_day``; one serving fewer residents
        (a partial street, or one community when halls sit in communities) has hours in
        proportion.
        """
        return self.hall_hours_per_day * residents_served / self.full_street_residents


def community_count(residents: int, residents_per_community: int) -> int:
    """Communities of a district: its residents over the residents of one, rounded, at least 1."""
    return max(1, round(residents / residents_per_community))


def district_layout(params: Scenario) -> DistrictLayout:
    """The layout and staffing of the district a scenario describes.

    There are residents / ``residents_per_community`` communities (the nearest whole number,
    at least one), ``communities_per_street`` to a street office, the last street taking what
    is left. Residents are split over the communities as evenly as whole people allow (the
    first communities take one more). A department has ``hours_per_1000_residents`` for every
    1,000 residents of the district. A street office has ``street_hours_per_1000_residents``
    for every 1,000 residents of its share of the district, its communities out of all: since
    communities differ by at most one resident this is its residents to within a few people,
    and the street offices' hours add up to exactly the district's.
    """
    district = params.district
    residents, per_street = district.residents, district.communities_per_street
    n_comm = community_count(residents, district.residents_per_community)
    n_streets = math.ceil(n_comm / per_street)
    sizes = tuple(residents // n_comm + (i < residents % n_comm) for i in range(n_comm))
    first = [s * per_street for s in range(n_streets)]  # each street's first community
    own = [min(per_street, n_comm - start) for start in first]
    district_street_hours = district.street_hours_per_1000_residents * residents / 1000
    return DistrictLayout(
        community_sizes=sizes,
        community_street=tuple(c // per_street for c in range(n_comm)),
        department_hours=tuple(d.hours_per_1000_residents * residents / 1000
                               for d in params.departments.values()),
        street_hours=tuple(district_street_hours * k / n_comm for k in own),
        hall_hours_per_day=params.one_stop.hall_hours_per_day,
        full_street_residents=district.residents_per_community * per_street,
        street_sizes=tuple(sum(sizes[start:start + k]) for start, k in zip(first, own,
                                                                           strict=True)),
    )
