"""Golden-output regression: fixed small runs must reproduce the stored summaries.

If a change to the model is meant to change results, regenerate the stored file with
``python tools/update_golden.py`` and commit it with the change.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "if the change is intended, run `python tools/update_golden.py`"


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "update_golden", ROOT / "tools" / "update_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


@pytest.fixture(scope="module")
def stored():
    assert TOOL.GOLDEN_FILE.is_file(), f"no golden file; {REGENERATE}"
    return json.loads(TOOL.GOLDEN_FILE.read_text(encoding="utf-8"))["summaries"]


@pytest.fixture(scope="module")
def fresh():
    return TOOL.compute()


def test_golden_file_holds_every_golden_scenario(stored):
    assert set(stored) == set(TOOL.SCENARIOS), (
        f"the golden file should hold exactly {TOOL.SCENARIOS}; {REGENERATE}")


@pytest.mark.parametrize("scenario", TOOL.SCENARIOS)
def test_summary_matches_golden(stored, fresh, scenario):
    changed = TOOL.differences({scenario: stored.get(scenario, {})},
                               {scenario: fresh[scenario]})
    assert not changed, (
        f"{scenario}: outcomes (stored, now) differ from the golden run "
        f"(relative tolerance {TOOL.REL_TOL:g}): {changed.get(scenario)}; {REGENERATE}")


def test_differences_detects_a_changed_outcome(stored):
    tweaked = {name: dict(summary) for name, summary in stored.items()}
    scenario = TOOL.SCENARIOS[0]
    tweaked[scenario]["cases_raised"] = (stored[scenario]["cases_raised"] or 0.0) + 1.0
    assert set(TOOL.differences(stored, tweaked)[scenario]) == {"cases_raised"}, (
        "the comparison should flag exactly the outcome that changed")
    assert TOOL.differences(stored, stored) == {}, "a file should match itself"
