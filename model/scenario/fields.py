"""Declaring scenario parameters: one helper so every field carries its meaning, unit and source.

Every numeric field of the scenario schema is made with :func:`param`, which stores the
bounds for validation and the unit, source and Chinese label as JSON-schema extras. The
command line, error messages, sweeps and the dashboard read these back from the schema;
nothing else repeats a default or a bound.
"""

from __future__ import annotations

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
    zh: str = "",
    step: float | None = None,
    role: Role,
) -> Any:
    """Declare a scenario parameter.

    Args:
        default: Default value (the baseline's, unless the baseline file overrides it).
        description: One line of meaning, shown in `cogov schema`, errors and tooltips.
        ge: Inclusive lower bound.
        le: Inclusive upper bound.
        unit: Unit of the value ("days", "share", "hours/day", ...).
        source: Section of the source text (or "assumption") the parameter comes from.
        zh: Chinese label for the dashboard.
        step: Suggested slider step for interactive controls.
        role: ``"lever"`` (a government sets it), ``"assumption"`` (behaviour) or
            ``"context"`` (the district as it is); see :data:`ROLE_MEANINGS`.

    Returns:
        A pydantic ``Field`` carrying the metadata.
    """
    if role not in ROLES:
        raise ValueError(f"role: '{role}' is not known (allowed: {', '.join(ROLES)})")
    extra: dict[str, Any] = {"unit": unit, "source": source, "zh": zh, "role": role}
    if step is not None:
        extra["step"] = step
    return Field(default, description=description, ge=ge, le=le, json_schema_extra=extra)


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
