"""A run pauses the cyclic collector and hands it back: its own freezes undone, a caller's kept."""

from __future__ import annotations

import gc
import subprocess
import sys

from model import load_scenario, run_model, simulate
from model.simulate import cycle_collection_paused, freeze_loaded_objects

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


def test_a_worker_freezes_what_it_loaded_and_a_callers_freeze_is_left_alone():
    code = ("import gc; from model.experiment.backends import start_worker; start_worker(); "
            "import sys; print(gc.get_freeze_count(), 'model.governance' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    frozen, loaded = done.stdout.split()
    assert int(frozen) > 10_000 and loaded == "True", (
        "a worker freezes the modules, classes and functions a run needs, loaded first")
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen_here = gc.get_freeze_count()
        assert not freeze_loaded_objects(), "a process that froze objects itself keeps its freeze"
        assert gc.get_freeze_count() == frozen_here
    finally:
        gc.unfreeze()
        if already:
            gc.freeze()


def test_a_run_in_a_frozen_process_is_walked_once():
    walks = []

    def count(phase, info):
        if phase == "start" and info["generation"] == 2:
            walks.append(info)

    gc.callbacks.append(count)
    try:
        simulate(load_scenario("baseline", overrides=SMALL), seed=1)
    finally:
        gc.callbacks.remove(count)
    assert gc.get_freeze_count() > 0, "the test session freezes its objects (conftest.py)"
    assert len(walks) == 1, "the release's full collection is the run's only one"
