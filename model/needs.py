"""A day's new needs: which community, category and resident raised each, and how urgent.

Demand (:mod:`model.rules.demand`) gives the day's counts per community, category and group;
this module turns them into needs, drawing who raised each among the cell's residents and its
urgency around the category's mean. :class:`model.casework.Casework` then opens each reported
need as a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class NeedDraws:
    """Draws each day's needs for a district on its demand stream.

    Args:
        model: The district; its population is read on the first draw (it is built after).
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self._members_flat: np.ndarray | None = None  # see _member_cells

    def today(self) -> tuple[list[int], list[int], list[int], list[float]]:
        """Today's needs in order: the community, category, resident and urgency of each.

        Counts come per (community, category, group) cell; then, for all needs at once, who
        raised each (uniformly among its cell's residents) and a standard normal per need for
        its urgency around the category's mean.
        """
        model = self.model
        rng = model.streams["demand"]
        counts = model.demand.draw(model.day, rng)
        cells = np.nonzero(counts)
        per_cell = counts[cells]
        first, sizes = self._member_cells()
        picks = rng.integers(0, np.repeat(sizes[cells[0], cells[2]], per_cell))
        normals = rng.standard_normal(len(picks))
        categories = np.repeat(cells[1], per_cell)
        people = self._members_flat[np.repeat(first[cells[0], cells[2]], per_cell) + picks]
        spread = model.params.population.urgency_spread
        urgency = self._category_urgency[categories] + spread * normals
        urgency = np.minimum(1.0, np.maximum(0.0, urgency))
        return (np.repeat(cells[0], per_cell).tolist(), categories.tolist(), people.tolist(),
                urgency.tolist())

    def _member_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each (community, group)'s residents start in one flat array, and how many."""
        if self._members_flat is None:  # the population is built after its casework
            members = self.model.population.members
            sizes = np.array([[len(m) for m in groups] for groups in members], dtype=np.int64)
            self._member_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).reshape(
                sizes.shape)
            self._member_size = sizes
            self._members_flat = np.concatenate([m for groups in members for m in groups])
            self._category_urgency = np.array([c.urgency for c in self.model.category_specs])
        return self._member_start, self._member_size
