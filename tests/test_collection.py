"""A run pauses the cyclic collector and hands it back: its own freezes undone, a caller's kept."""

from __future__ import annotations

import gc

from model import load_scenario, run_model
from model.simulate import cycle_collection_paused, freeze_loaded_objects, loaded_objects_frozen

SMALL = {"district.residents": 1000, "run.days": 10}


def test_a_run_leaves_nothing_of_its_own_frozen_and_the_collector_as_it_was():
    before = gc.get_freeze_count()
    run_model(load_scenario("baseline", overrides=SMALL), seed=1)
    assert gc.isenabled(), "the collector is enabled again after the run"
    assert gc.get_freeze_count() <= before, "the run's frozen objects are handed back"


def test_a_callers_frozen_objects_stay_frozen():
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cycle_collection_paused() as built:
            built()
            assert not gc.isenabled(), "no collection runs during the run"
        assert gc.get_freeze_count() == frozen, "what the caller froze is left frozen"
    finally:
        gc.unfreeze()
        if already:
            gc.freeze()  # the test session's own freeze (tests/conftest.py) stays


def test_the_run_makes_no_cyclic_garbage():
    scenario = load_scenario("baseline", overrides=SMALL)
    gc.collect()
    gc.disable()
    try:
        model = run_model(scenario, seed=2)
        assert gc.collect() == 0 and model.day == 10, (
            "a run frees what it drops by reference counting: a closing collection finds "
            "nothing, which is why it is skipped")
    finally:
        gc.enable()


def test_a_loop_of_runs_freezes_what_is_loaded_and_unfreezes_only_its_own_freeze():
    already = gc.get_freeze_count()
    gc.unfreeze()  # as a process that froze nothing (the test session freezes, conftest.py)
    try:
        with loaded_objects_frozen():
            loaded = gc.get_freeze_count()
            assert loaded > 1000, "modules, functions and classes loaded so far are frozen"
            run_model(load_scenario("baseline", overrides=SMALL), seed=1)
            # frozen objects that lose their last reference still go, so a few may be gone
            assert gc.get_freeze_count() > 0.9 * loaded, "a run inside the loop keeps the freeze"
            assert not freeze_loaded_objects(), "a second freeze inside the first does nothing"
        assert gc.get_freeze_count() == 0, "the loop's freeze is undone when it ends"
        gc.freeze()
        frozen = gc.get_freeze_count()
        with loaded_objects_frozen():
            pass
        assert gc.get_freeze_count() == frozen, "a caller's own freeze is left alone"
    finally:
        gc.unfreeze()
        if already:
            gc.freeze()
