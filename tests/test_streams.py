"""Scalar draws served from blocks are exactly the generator's own draws, in the same order."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from model.streams import ScalarDraws, Streams


def twins(seed: int = 5) -> tuple[np.random.Generator, ScalarDraws]:
    """A generator and block-served draws of an identical generator."""
    return (np.random.Generator(np.random.PCG64(seed)),
            ScalarDraws(np.random.Generator(np.random.PCG64(seed)), block=64))


def test_random_randoms_and_integers_match_the_generator_in_any_mix():
    plain, served = twins()
    choices = np.random.default_rng(0)
    for _ in range(5000):
        pick = choices.random()
        if pick < 0.1:
            size = int(choices.integers(0, 150))  # within, across and beyond blocks of 64
            assert served.randoms(size) == [plain.random() for _ in range(size)], (
                f"randoms({size}) should be as many of the generator's random()")
        elif pick < 0.55:
            assert served.random() == plain.random(), "random() should be the generator's"
        else:
            n = int(choices.choice([1, 2, 3, 4, 7, 100, 2**31 + 5, 2**32]))
            assert served.integers(n) == int(plain.integers(n)), (
                f"integers({n}) should be the generator's")


def test_randoms_are_as_many_single_draws_across_blocks():
    plain, served = twins()
    drawn = served.randoms(10) + [served.random()] + served.randoms(200) + served.randoms(0)
    assert drawn == [plain.random() for _ in range(211)], (
        "a run of draws should equal the same number of single draws")


def test_pickled_draws_continue_identically():
    _, served = twins()
    served.random()
    served.integers(3)  # leaves half a raw number waiting
    copy = pickle.loads(pickle.dumps(served))
    assert [copy.integers(5) for _ in range(300)] == [served.integers(5) for _ in range(300)], (
        "an unpickled stream should continue where the original is")


def test_streams_are_created_once_and_unknown_names_refused():
    streams = Streams(3)
    assert streams["handling"] is streams["handling"], "a stream should be created once"
    assert isinstance(streams["demand"], np.random.Generator), "array streams stay generators"
    with pytest.raises(KeyError, match="unknown random stream 'handlin'"):
        streams["handlin"]
    copy = pickle.loads(pickle.dumps(streams))
    assert copy.seed == 3 and copy["handling"].random() == streams["handling"].random(), (
        "unpickled streams should keep their seed and positions")
