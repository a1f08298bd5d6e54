"""A day's new needs: which community, category and resident raised each, and how urgent.

Demand (:mod:`model.rules.demand`) gives the day's counts per community, category and group;
this module turns them into needs, drawing who raised each among the cell's residents and its
urgency around the category's mean. :class:`model.casework.Casework` then opens each reported
need as a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.streams import ScalarDraws

if TYPE_CHECKING:
    from model.governance import GovernanceModel


class NeedDraws:
    """Draws each day's needs for a district on its demand stream.

    Args:
        model: The district; its population is read on the first draw (it is built after).
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        # who raised a need: bounded integers drawn on the demand stream, between its arrays
        self._picks = ScalarDraws(model.streams["demand"], block=1)
        self._members_flat: np.ndarray | None = None  # see _member_cells

    def today(self) -> tuple[list[int], list[int], list[int], list[float]]:
        """Today's needs in order: the community, category, resident and urgency of each.

        Counts come per (community, category, group) cell; each cell then draws who raised
        its needs (among the cell's residents) and a standard normal per need for urgency.
        NumPy's ``normal(mean, spread)`` is ``mean + spread`` x a standard normal, so the
        urgencies are computed for the whole day at once from the same numbers.
        """
        model = self.model
        rng = model.streams["demand"]
        counts = model.demand.draw(model.day, rng)
        cells = np.nonzero(counts)
        per_cell = counts[cells]
        first, sizes = self._member_cells()
        picks: list[int] = []
        normals: list[float] = []
        # normals owed: drawn together just before the picks next need a raw output of the
        # generator, so they take the same numbers as a call per cell right after its picks
        owed = 0
        spare, draw_int = self._picks.integers_from_spare, self._picks.integers
        for size, count in zip(sizes[cells[0], cells[2]].tolist(), per_cell.tolist(),
                               strict=True):
            pick = spare(size) if count == 1 else None  # most cells: one need
            if pick is None:
                if owed:
                    normals += rng.standard_normal(owed).tolist()
                    owed = 0
                if count == 1:
                    pick = draw_int(size)
                else:
                    picks += self._picks.integers_list(size, count)
            if pick is not None:
                picks.append(pick)
            owed += count
        if owed:
            normals += rng.standard_normal(owed).tolist()
        categories = np.repeat(cells[1], per_cell)
        people = self._members_flat[np.repeat(first[cells[0], cells[2]], per_cell)
                                    + np.asarray(picks, dtype=np.int64)]
        spread = model.params.population.urgency_spread
        urgency = self._category_urgency[categories] + spread * np.array(normals)
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
