"""Named random streams: one independent generator per random process.

Each process (demand, reporting, routing, ...) draws from its own generator derived from the
run's seed and the process name. Switching a rule on changes the draws of that rule's stream
only, so unrelated processes see the same numbers (common random numbers across scenarios).
"""

from __future__ import annotations

import zlib

import numpy as np

#: Largest seed any command or API accepts (seeds are 0 to 2**63 - 1, a signed 64-bit int).
MAX_SEED = 2**63 - 1

STREAM_NAMES = (
    "population", "demand", "hardness", "reporting", "channel", "routing", "handling",
    "choice", "talent", "consultation", "ngo", "trips", "records",
)


class Streams:
    """A set of named ``numpy.random.Generator`` objects derived from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the generator for ``name``, creating it on first use."""
        generator = self._generators.get(name)
        if generator is None:
            if name not in STREAM_NAMES:
                raise KeyError(f"unknown random stream '{name}' (allowed: {STREAM_NAMES})")
            key = zlib.crc32(name.encode())
            sequence = np.random.SeedSequence(self.seed, spawn_key=(key,))
            generator = np.random.Generator(np.random.PCG64(sequence))
            self._generators[name] = generator
        return generator
