"""The side panel shows the policy levers first and the behavioural assumptions apart."""

from __future__ import annotations

import ipyvuetify as v
import solara

from model.dashboard import panels, state
from model.dashboard.levers import assumptions, levers
from model.translations import text


def css(key: str) -> str:
    return f"lever-{key.replace('.', '-')}"


def test_levers_first_and_assumptions_under_the_advanced_panel():
    state.lang.value = "en"
    state.choice.value = state.Choice()
    _, rc = solara.render(panels.LeverPanel(), handle_error=False)
    advanced = rc.find(v.Html, class_="cogov-assumptions")
    advanced.assert_single()
    assert advanced.find(v.ExpansionPanelHeader).widgets[0].children == [
        text("assumptions", "en")]
    for lever in levers():
        rc.find(class_=css(lever.key)).assert_single()
        assert not advanced.find(class_=css(lever.key)).widgets, f"{lever.key} is a lever"
    for assumption in assumptions():
        advanced.find(class_=css(assumption.key)).assert_single()
    assert not rc.find(class_="lever-district-residents").widgets, (
        "the district's context is the scenario's, not a control")
