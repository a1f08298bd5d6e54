"""The dashboard's side panel: scenario picker, upload, seed, and the policy levers.

Every lever control is generated from the scenario schema through
:mod:`model.dashboard.levers` (bounds, steps, choices, descriptions); nothing here repeats a
default or a bound. Lever changes are kept as pending and take effect on Reset, like Mesa's
SolaraViz.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import solara

from model.dashboard import state
from model.dashboard.levers import Lever, current_values, grouped_assumptions, grouped_levers
from model.dashboard.limits import UploadLimits, capped, upload_problems
from model.scenario import ScenarioError, load_scenario_text
from model.translations import group_label, text

MAX_UPLOAD_BYTES = 64 * 1024
LIMITS = UploadLimits.from_environment()
LEVERS = grouped_levers()
ASSUMPTIONS = grouped_assumptions()


def set_choice(**changes: Any) -> None:
    """Replace the session's choice with some fields changed (never mutated in place)."""
    state.choice.value = dataclasses.replace(state.choice.value, **changes)


def receive_upload(name: str, size: int, read: Any) -> None:
    """Validate an uploaded scenario before any model is built from it.

    Size-limited, data only, bundled ``extends`` only, and within what this server takes
    (:mod:`model.dashboard.limits`). Every refusal, whatever the file provokes, is shown as
    the message panel's lines.
    """
    lang = state.lang.value
    if size > MAX_UPLOAD_BYTES:
        state.problems.value = [f"{name}: {text('upload_too_large', lang)}: {size:,} bytes"]
        return
    try:
        scenario = load_scenario_text(read().decode("utf-8"), source=name)
        too_much = upload_problems(scenario, name, LIMITS)
    except UnicodeDecodeError:
        state.problems.value = [f"{name}: {text('upload_not_text', lang)}"]
        return
    except ScenarioError as exc:
        state.problems.value = capped(exc.problems)
        return
    except Exception:  # a hostile file must never take the page down
        state.problems.value = [f"{name}: {text('upload_failed', lang)}"]
        return
    if too_much:
        state.problems.value = capped(too_much)
        return
    label = scenario.name or name
    state.uploads.value = {**state.uploads.value, label: scenario}
    set_choice(scenario=label, changes={})
    state.reset()


@solara.component
def ScenarioPicker() -> None:
    """Scenario (bundled or uploaded), an upload box and the seed."""
    lang = state.lang.value
    picked = state.choice.value
    solara.Select(label=text("scenario", lang), values=state.scenario_names(),
                  value=picked.scenario,
                  on_value=lambda name: (set_choice(scenario=name, changes={}), state.reset()))

    def on_file(info: dict[str, Any]) -> None:
        receive_upload(info["name"], int(info.get("size") or 0), info["file_obj"].read)

    solara.FileDrop(label=text("upload_hint", lang), on_file=on_file, lazy=True)
    solara.InputInt(label=text("seed", lang), value=picked.seed,
                    on_value=lambda seed: set_choice(seed=int(seed or 0)))
    for problem in state.problems.value:
        solara.Error(problem, classes=["cogov-problem"])


@solara.component
def LeverControl(lever: Lever, value: Any) -> None:
    """One lever as a slider, switch or select, with its description as the tooltip."""
    lang = state.lang.value

    def on_value(new: Any) -> None:
        set_choice(changes={**state.choice.value.changes, lever.key: new})

    label = lever.label(lang)
    with solara.Tooltip(lever.help(lang)):
        with solara.Div(classes=[f"lever-{lever.key.replace('.', '-')}"]):
            if lever.kind == "bool":
                solara.Switch(label=label, value=bool(value), on_value=on_value)
            elif lever.kind == "choice":
                shown = {lever.choice_label(choice, lang): choice for choice in lever.choices}
                solara.Select(label=label, values=list(shown),
                              value=lever.choice_label(value, lang),
                              on_value=lambda name: on_value(shown[name]))
            elif lever.kind == "int":
                solara.SliderInt(label=label, value=int(value), min=int(lever.low),
                                 max=int(lever.high), step=int(lever.step or 1),
                                 on_value=on_value, thumb_label=True)
            else:
                solara.SliderFloat(label=label, value=float(value), min=float(lever.low),
                                   max=float(lever.high), step=float(lever.step),
                                   on_value=on_value, thumb_label=True)


@solara.component
def LeverPanel() -> None:
    """The policy levers by group, then the behavioural assumptions under an advanced panel."""
    lang = state.lang.value
    picked = state.choice.value
    try:
        values = current_values(state.scenario_named(picked.scenario))
    except ScenarioError as exc:
        solara.Error("; ".join(exc.problems))
        return
    values.update(picked.changes)
    with solara.Row(style={"align-items": "baseline"}):
        solara.Text(text("levers", lang), style={"font-weight": "bold"})
        solara.Text(text("apply_on_reset", lang), style={"font-size": "0.85em"})
    ControlGroups(LEVERS, values)
    with solara.Div(classes=["cogov-assumptions"]):
        with solara.Details(summary=text("assumptions", lang)):
            solara.Text(text("assumptions_hint", lang), style={"font-size": "0.85em"})
            ControlGroups(ASSUMPTIONS, values)


@solara.component
def ControlGroups(groups: dict[str, list[Lever]], values: dict[str, Any]) -> None:
    """One collapsible section per parameter group, one control per parameter."""
    lang = state.lang.value
    for group, members in groups.items():
        with solara.Details(summary=group_label(group, lang)):
            for lever in members:
                LeverControl(lever, values[lever.key])
