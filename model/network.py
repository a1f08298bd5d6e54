"""邻里网络: who tells whom about their cases, a small world within each community.

Residents of a community are placed on a ring in random order and each is tied to her
``ties`` nearest on it (alternating sides); each tie is then rewired with chance
``cross_share`` to a resident drawn from the whole district, as in Watts and Strogatz (1998,
Nature 393:440). Ties are directed, "who she tells": a fixed number per resident, held as one
integer array so a day's stories reach their listeners in one vectorised step.
"""

from __future__ import annotations

import numpy as np


def small_world(bounds: np.ndarray, ties: int, cross_share: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each resident's listeners, shape (residents, ties), and her place on her community's ring.

    Args:
        bounds: Where each community's residents start, then the total (length communities + 1).
        ties: Listeners per resident; a community smaller than ``ties + 1`` ties its residents
            to each other, repeating some.
        cross_share: Chance that a tie is rewired to a resident anywhere in the district.
        rng: The network's random stream.
    """
    n = int(bounds[-1])
    sizes = np.diff(bounds)
    start = np.repeat(bounds[:-1], sizes)
    size = np.repeat(sizes, sizes)
    # each community's ring: a random order of its residents
    order = np.argsort(rng.random(n) + np.repeat(np.arange(len(sizes)), sizes))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n) - start[order]  # place on its community's ring
    if ties == 0:
        return np.zeros((n, 0), dtype=np.int32), position
    steps = np.array([(k // 2 + 1) * (1 if k % 2 == 0 else -1) for k in range(ties)])
    ring = (position[:, None] + steps[None, :]) % size[:, None]
    listeners = order[start[:, None] + ring]
    rewire = rng.random((n, ties)) < cross_share
    listeners[rewire] = rng.integers(0, n, int(rewire.sum()))
    return listeners.astype(np.int32), position
