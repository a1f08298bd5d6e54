"""Declaring scenario fields: helpers so every field carries its meaning, labels, unit and source.

Every numeric field of the scenario schema is made with :func:`param`, which stores the
bounds for validation and the unit, source, role and labels as JSON-schema extras; the
fields that hold data (names, lists, tables) are made with :func:`data_field`, which stores
the labels. The labels are a short English label, a Chinese label and a Chinese tooltip
(the description is the English one), all required, so a field cannot be added without the
words the dashboard shows for it. The command line, error messages, sweeps and the dashboard
read these back from the schema; nothing else repeats a default, a bound or a label.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

Role = Literal["lever", "assumption", "context"]
#: What each role means; ``cogov schema``, docs/parameters.md and the dashboard say it.
ROLE_MEANINGS: dict[str, str] = {
    "lever": "a policy lever: what a government can set (rules, platforms, budgets, staffing)",
    "assumption": "a behavioural assumption: how people and organisations act and learn",
    "context": "the district as it is: size, population, demand and prices",
}
ROLES: tuple[str, ...] = get_args(Role)
#: The labels every field of the schema declares, and what each is.
LABELS: dict[str, str] = {
    "label": "a short English label",
    "zh": "a Chinese label",
    "zh_help": "a Chinese tooltip",
}


class Group(BaseModel):
    """Base of every parameter group: unknown keys are errors, values are validated on set.

    Validation is strict: a string is never read as a number or a boolean, nor 1 as true.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


def param(
    default: Any,
    description: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    unit: str = "",
    source: str = "",
    step: float | None = None,
    role: Role,
    label: str,
    zh: str,
    zh_help: str,
) -> Any:
    """Declare a scenario parameter.

    Args:
        default: Default value (the baseline's, unless the baseline file overrides it).
        description: One line of meaning, shown in `cogov schema`, errors and tooltips.
        ge: Inclusive lower bound.
        le: Inclusive upper bound.
        unit: Unit of the value ("days", "share", "hours/day", ...).
        source: Section of the source text (or "assumption") the parameter comes from.
        step: Suggested slider step for interactive controls.
        role: ``"lever"`` (a government sets it), ``"assumption"`` (behaviour) or
            ``"context"`` (the district as it is); see :data:`ROLE_MEANINGS`.
        label: Short English label for the dashboard ("Hall hours/day").
        zh: Chinese label for the dashboard and docs/parameters.md.
        zh_help: Chinese tooltip for the dashboard: the description in Chinese.

    Returns:
        A pydantic ``Field`` carrying the metadata.

    Raises:
        ValueError: For an unknown role or an empty label.
    """
    if role not in ROLES:
        raise ValueError(f"role: '{role}' is not known (allowed: {', '.join(ROLES)})")
    extra: dict[str, Any] = {"unit": unit, "source": source, "role": role,
                             **_labels(label, zh, zh_help)}
    if step is not None:
        extra["step"] = step
    return Field(default, description=description, ge=ge, le=le, json_schema_extra=extra)


def data_field(
    description: str,
    *,
    default: Any = "",
    default_factory: Callable[[], Any] | None = None,
    label: str,
    zh: str,
    zh_help: str,
) -> Any:
    """Declare a field that holds data rather than a scalar parameter: a name, a list, a table.

    It has no bounds, unit or role, but the same required labels as :func:`param`.

    Args:
        description: One line of meaning, shown in `cogov schema`, errors and tooltips.
        default: Default value, when there is no ``default_factory``.
        default_factory: Makes the default (``list``, ``dict``) for a mutable value.
        label: Short English label for the dashboard.
        zh: Chinese label.
        zh_help: Chinese tooltip: the description in Chinese.

    Returns:
        A pydantic ``Field`` carrying the labels.

    Raises:
        ValueError: For an empty label.
    """
    extra: dict[str, Any] = _labels(label, zh, zh_help)
    if default_factory is not None:
        return Field(default_factory=default_factory, description=description,
                     json_schema_extra=extra)
    return Field(default, description=description, json_schema_extra=extra)


def _labels(label: str, zh: str, zh_help: str) -> dict[str, str]:
    """The labels of a field as JSON-schema extras; an empty one is refused at import."""
    given = {"label": label, "zh": zh, "zh_help": zh_help}
    for key, value in given.items():
        if not value.strip():
            raise ValueError(f"{key}: empty; every field of the scenario schema needs "
                             f"{LABELS[key]} (the dashboard shows it)")
    return given


def field_bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """Return the (lower, upper) inclusive bounds declared for a field, if any."""
    return info_bounds(model.model_fields[name])


def info_bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """Return the (lower, upper) inclusive bounds in a field's metadata, if any."""
    lower = upper = None
    for meta in info.metadata:
        lower = getattr(meta, "ge", lower)
        upper = getattr(meta, "le", upper)
    return lower, upper


def info_role(info: FieldInfo) -> Role | None:
    """The role a field declares through :func:`param`; None for a plain ``Field``."""
    extra = info.json_schema_extra
    return extra.get("role") if isinstance(extra, dict) else None


def info_label(info: FieldInfo, key: str) -> str:
    """One of a field's labels (``"label"``, ``"zh"``, ``"zh_help"``); "" if it declares none."""
    extra = info.json_schema_extra
    return str(extra.get(key, "")) if isinstance(extra, dict) else ""
