"""Named random streams: one independent generator per random process.

Each process (demand, reporting, routing, ...) draws from its own generator derived from the
run's seed and the process name. Switching a rule on changes the draws of that rule's stream
only, so unrelated processes see the same numbers (common random numbers across scenarios).

Most processes draw one number at a time, a million times a run, and a NumPy call costs far
more than the number: :class:`ScalarDraws` hands them out from blocks of the generator's raw
output, computed exactly as ``Generator.random()`` and ``Generator.integers(n)`` compute them,
so the numbers (and so the results) are the same as calling the generator each time.
"""

from __future__ import annotations

import zlib

import numpy as np

#: Largest seed any command or API accepts (seeds are 0 to 2**63 - 1, a signed 64-bit int).
MAX_SEED = 2**63 - 1

STREAM_NAMES = (
    "population", "demand", "hardness", "reporting", "channel", "routing", "handling",
    "choice", "talent", "consultation", "ngo", "trips", "records", "network",
    "questions", "agreements", "policy",
)

#: Streams whose processes draw only scalars (``random()``, ``integers(n)``): served by
#: :class:`ScalarDraws`. The others draw arrays and get the ``numpy.random.Generator``.
SCALAR_STREAMS = frozenset({
    "hardness", "reporting", "channel", "routing", "handling", "choice", "talent", "ngo",
    "trips", "records", "policy",
})

_DOUBLE_UNIT = 1.0 / 9007199254740992.0  # 2**-53: NumPy's 53-bit double from a raw uint64
_LOW32 = 0xFFFFFFFF
_BLOCK = 4096  # raw numbers drawn at once


class ScalarDraws:
    """One stream's scalar draws, served fast and identical to the generator's own calls.

    ``random()`` is NumPy's ``next_double`` (the top 53 bits of a raw 64-bit output) and
    ``integers(n)`` its Lemire draw on 32-bit halves, keeping the spare half of a raw output
    as NumPy's bit generator does. ``block`` raw outputs are drawn at once, so nothing else
    may draw from the generator.
    """

    __slots__ = ("generator", "_raw", "_block", "_half")

    def __init__(self, generator: np.random.Generator, block: int = _BLOCK) -> None:
        self.generator = generator
        self._block = block
        self._raw: list[int] = []  # reversed, so the next number is popped off the end
        self._half: int | None = None  # the unused upper half of the last 32-bit draw

    def _next64(self) -> int:
        raw = self._raw
        if not raw:
            self._raw = raw = self.generator.bit_generator.random_raw(self._block)[::-1].tolist()
        return raw.pop()

    def _next32(self) -> int:
        half = self._half
        if half is not None:
            self._half = None
            return half
        value = self._next64()
        self._half = value >> 32
        return value & _LOW32

    def random(self) -> float:
        """A uniform float in [0, 1), as ``Generator.random()``."""
        raw = self._raw
        return ((raw.pop() if raw else self._next64()) >> 11) * _DOUBLE_UNIT

    def randoms(self, size: int) -> list[float]:
        """``size`` uniform floats in [0, 1), as ``size`` calls of :meth:`random`.

        The numbers left in the block come first; the rest are converted straight from fresh
        raw output, as arrays (the same doubles: the top 53 bits times 2**-53).
        """
        raw = self._raw
        kept = min(len(raw), size)
        head = [(value >> 11) * _DOUBLE_UNIT for value in reversed(raw[len(raw) - kept:])]
        del raw[len(raw) - kept:]
        if size > kept:
            fresh = self.generator.bit_generator.random_raw(size - kept)
            head += ((fresh >> 11) * _DOUBLE_UNIT).tolist()
        return head

    def integers(self, n: int) -> int:
        """A uniform integer in [0, n), as ``Generator.integers(n)`` (``n`` up to 2**32)."""
        if not 0 < n <= 2**32:
            raise ValueError(f"integers: n={n} is out of range (allowed: 1 to 2**32)")
        if n == 1:
            return 0  # NumPy draws nothing for a range of one value
        half = self._half  # _next32, inlined: a hop of a case draws one on most days
        if half is None:
            raw = self._raw
            value = raw.pop() if raw else self._next64()
            self._half = value >> 32
            product = (value & _LOW32) * n
        else:
            self._half = None
            product = half * n
        leftover = product & _LOW32
        if leftover < n:
            threshold = (_LOW32 - (n - 1)) % n
            while leftover < threshold:
                product = self._next32() * n
                leftover = product & _LOW32
        return product >> 32


def _generator(seed: int, name: str) -> np.random.Generator:
    """The generator of stream ``name``: the run's seed, spawned by the name's checksum."""
    sequence = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))
    return np.random.Generator(np.random.PCG64(sequence))


class Streams(dict):
    """A set of named random streams derived from one seed, each created on first use.

    A scalar stream (:data:`SCALAR_STREAMS`) is a :class:`ScalarDraws`, any other a
    ``numpy.random.Generator``. A plain dict underneath, so a look-up of an existing stream
    costs no Python call.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = int(seed)

    def __missing__(self, name: str) -> np.random.Generator | ScalarDraws:
        if name not in STREAM_NAMES:
            raise KeyError(f"unknown random stream '{name}' (allowed: {STREAM_NAMES})")
        generator = _generator(self.seed, name)
        stream = ScalarDraws(generator) if name in SCALAR_STREAMS else generator
        self[name] = stream
        return stream

    def __reduce__(self) -> tuple:
        """Pickle the seed and the streams drawn so far (a dict subclass with an attribute)."""
        return (_restore_streams, (self.seed, dict(self)))


def _restore_streams(seed: int, streams: dict) -> Streams:
    """Rebuild :class:`Streams` from what :meth:`Streams.__reduce__` saved."""
    restored = Streams(seed)
    restored.update(streams)
    return restored
