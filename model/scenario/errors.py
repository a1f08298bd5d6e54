"""One-line error messages for bad scenarios: file, dotted key, what is wrong, what is allowed."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from model.scenario.fields import field_bounds
from model.scenario.references import DanglingReferenceError

_TYPE_WORDS = {
    "int_parsing": "a whole number", "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "a string", "dict_type": "a table",
    "model_type": "a table", "model_attributes_type": "a table", "list_type": "a list",
}


# Control characters a hostile value may carry, written as escapes so a problem stays one line.
_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(32), 127)}


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters written as escapes."""
    return text.translate(_ESCAPES)


class ScenarioError(Exception):
    """A scenario (or experiment spec) that cannot be used; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        problems = [one_line(problem) for problem in problems]
        super().__init__("\n".join(problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[str]]]:
        """Rebuild from the problems, so the error crosses process and Dask boundaries whole."""
        return type(self), (list(self.problems),)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Union wrappers so the container or model type is visible."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, str]:
    """Walk ``loc`` through the schema; return the model owning its last part and that name."""
    current: Any = root
    for part in loc[:-1]:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None, str(loc[-1])
            current = field.annotation
        elif origin in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None, str(loc[-1])
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current, str(loc[-1])
    return None, str(loc[-1])


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def number_text(value: float) -> str:
    """A bound as a reader writes it: whole numbers in full (``9223372036854775807``)."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) < 1e15):
        return str(int(value))
    return f"{value:g}"


def _range_text(model: type[BaseModel] | None, name: str) -> str:
    if model is None or name not in model.model_fields:
        return ""
    lower, upper = field_bounds(model, name)
    if lower is not None and upper is not None:
        return f"{number_text(lower)} to {number_text(upper)}"
    if lower is not None:
        return f"at least {number_text(lower)}"
    if upper is not None:
        return f"at most {number_text(upper)}"
    return ""


def renamed_key(model: type[BaseModel] | None, key: str) -> str | None:
    """What replaced ``key`` if its last part is a key ``model`` had in an earlier version.

    Groups list their retired keys in a ``RENAMED`` class attribute (old name: new name and
    why); the message names the new dotted key, so an old scenario file says what to write.
    """
    prefix, _, name = key.rpartition(".")
    renamed = getattr(model, "RENAMED", {}) if model is not None else {}
    if name not in renamed:
        return None
    new, why = renamed[name]
    if not new:
        return f"no longer a key: {why}"
    # a replacement in another group is named by its full dotted key
    where = new if "." in new else f"{prefix + '.' if prefix else ''}{new}"
    return f"no longer a key: replaced by {where} ({why})"


def _unknown_key(model: type[BaseModel] | None, name: str) -> str:
    if model is None:
        return "unknown key"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key (allowed: {', '.join(allowed)}){hint}"


def _message(error: dict[str, Any], root: type[BaseModel]) -> tuple[str, str]:
    """Return (dotted key, message) for one pydantic error against the schema ``root``."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), DanglingReferenceError):
        problem = ctx["error"]
        return problem.key, problem.message
    model, name = model_at(root, loc) if loc else (None, "")
    key = ".".join(str(part) for part in loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        return key, renamed_key(model, key) or _unknown_key(model, name)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return key, f"{_fmt(value)} is out of range (allowed: {_range_text(model, name)})"
    if kind in _TYPE_WORDS:
        allowed = _range_text(model, name)
        suffix = f" (allowed: {allowed})" if allowed else ""
        return key, f"expected {_TYPE_WORDS[kind]}, got {_fmt(value)}{suffix}"
    if kind == "literal_error":
        return key, f"{_fmt(value)} is not allowed (allowed: {ctx.get('expected', '')})"
    if kind == "missing":
        return key, "required key is missing"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return key, (f"expected {'at least' if kind == 'too_short' else 'at most'} {bound} "
                     f"items, got {ctx.get('actual_length', len(value or []))}")
    return key, str(error.get("msg", kind))


def _origin_of(key: str, origins: dict[str, str], default: str) -> str:
    """The source that set ``key``, one of its parent tables, or a key inside it."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        source = origins.get(".".join(parts[:end]))
        if source is not None:
            return source
    inside = [source for dotted, source in origins.items() if dotted.startswith(f"{key}.")]
    return inside[-1] if inside else default


def describe_validation_error(
    exc: ValidationError, origins: dict[str, str], default_source: str,
    root: type[BaseModel] | None = None,
) -> list[str]:
    """Turn a pydantic ValidationError into ``FILE: dotted.key: message`` lines.

    Args:
        exc: The error raised validating ``root``.
        origins: The source (file or ``--set``) that set each dotted key.
        default_source: The source named for keys without a recorded origin.
        root: The schema validated (default: the scenario schema).

    Returns:
        One line per problem.
    """
    if root is None:
        from model.scenario.schema import Scenario

        root = Scenario
    lines = []
    for error in exc.errors(include_url=False):
        key, message = _message(error, root)
        source = _origin_of(key, origins, default_source)
        lines.append(f"{source}: {key}: {message}" if key else f"{source}: {message}")
    return lines
