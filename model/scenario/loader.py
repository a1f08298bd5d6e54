"""Loading scenarios from TOML: ``extends`` layering, dotted overrides and validation.

A scenario file may ``extends`` one bundled scenario by name, a path relative to itself, or a
list of them. Layers are linearised like class inheritance (each file applied once, parents
before children, earlier list entries before later ones) and merged table by table, key by
key, so a file only states what it changes. Overrides (``{"dotted.key": value}`` in Python,
``--set dotted.key=value`` on the command line) apply last; problems with them are addressed to
``overrides`` or ``--set``, whichever the user wrote. NumPy scalars, as samplers and pandas rows
hand them out, are taken as the Python values they hold.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from model.scenario.errors import ScenarioError, describe_validation_error, model_at
from model.scenario.schema import Scenario

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
BUNDLED_DIRS = (_PACKAGE_DIR / "bundled_scenarios", _PACKAGE_DIR.parent / "scenarios")
#: Deepest ``extends`` chain and deepest table nesting a scenario file may have (the schema
#: itself nests four levels; the limits stop a hostile file before Python's recursion does).
MAX_EXTENDS_DEPTH = 32
MAX_NESTING = 16

#: How problems with overrides are addressed: given in Python, or with ``--set`` on the CLI.
API_SOURCE = "overrides"
CLI_SOURCE = "--set"


def bundled_dir() -> Path:
    """Return the folder holding the bundled scenario files."""
    for folder in BUNDLED_DIRS:
        if folder.is_dir():
            return folder
    raise ScenarioError([f"{BUNDLED_DIRS[-1]}: bundled scenarios folder not found"])


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, sorted."""
    return sorted(path.stem for path in bundled_dir().glob("*.toml"))


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.endswith(".toml")


def resolve_reference(ref: str, relative_to: Path | None = None) -> Path:
    """Turn a bundled name or a path (relative to ``relative_to``'s folder) into a file path."""
    if not _looks_like_path(ref):
        candidate = bundled_dir() / f"{ref}.toml"
        if candidate.is_file():
            return candidate
        if relative_to is None and Path(ref).is_file():
            return Path(ref)
        raise FileNotFoundError(ref)
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to.parent / path
    if not path.is_file():
        raise FileNotFoundError(ref)
    return path


def read_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file, turning I/O and syntax errors into a one-line ScenarioError."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a folder, not a scenario file"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: not UTF-8 text (a scenario is a TOML file)"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror}"]) from None
    return parse_toml(text, str(path))


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse scenario TOML, refusing malformed text and nesting deeper than a scenario has."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{source}: malformed TOML: {exc}"]) from None
    except RecursionError:
        data = None
    if data is None or _nesting(data) > MAX_NESTING:
        raise ScenarioError([f"{source}: tables or lists nested more than {MAX_NESTING} deep "
                             f"(a scenario has at most 4 levels)"])
    return data


def _nesting(value: Any) -> int:
    """How deep tables and lists nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else None
        if children is not None:
            deepest = max(deepest, depth + 1)
            if deepest > MAX_NESTING:
                return deepest
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _extends_of(path: Path, data: dict[str, Any]) -> list[Path]:
    raw = data.pop("extends", [])
    refs = [raw] if isinstance(raw, str) else raw
    if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
        raise ScenarioError([f"{path}: extends: expected a name, a path or a list of them"])
    parents = []
    for ref in refs:
        try:
            parents.append(resolve_reference(ref, relative_to=path))
        except FileNotFoundError:
            allowed = ", ".join(bundled_names())
            raise ScenarioError(
                [f"{path}: extends: no scenario '{ref}' (allowed: a path or one of {allowed})"]
            ) from None
    return parents


def linearise(path: Path, chain: tuple[Path, ...] = ()) -> list[tuple[Path, dict[str, Any]]]:
    """Return the layers behind ``path``, parents first, each file once."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.stem for p in (*chain, path))
        raise ScenarioError([f"{chain[-1]}: extends: cycle {cycle}"])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError([f"{chain[0]}: extends: a chain of more than {MAX_EXTENDS_DEPTH} "
                             f"files (at {path})"])
    data = read_toml(path)
    layers: list[tuple[Path, dict[str, Any]]] = []
    for parent in _extends_of(path, data):
        for layer in linearise(parent, (*chain, path)):
            if all(layer[0] != seen for seen, _ in layers):
                layers.append(layer)
    layers.append((path, data))
    return layers


def merge_into(
    target: dict[str, Any], layer: dict[str, Any], source: str, origins: dict[str, str],
    prefix: str = "",
) -> None:
    """Merge ``layer`` into ``target`` table by table, noting which source set each key."""
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_into(target[key], value, source, origins, f"{dotted}.")
        else:
            target[key] = copy.deepcopy(value)
            origins[dotted] = source


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``dotted.key=value`` (value in TOML syntax; bare words are strings)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError([f"{CLI_SOURCE}: expected dotted.key=value, got '{text}'"])
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def plain_value(dotted: str, value: Any) -> Any:
    """``value`` as the scenario schema checks it: NumPy scalars become Python values.

    A whole-numbered float (``3.0``, as a pandas row gives an integer column) becomes an
    ``int`` where the schema wants a whole number; a fraction stays a float and is refused.
    Strictness is otherwise kept: ``1`` is not read as true, nor a string as a number.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and _wants_int(dotted):
        return int(value)
    return value


def _wants_int(dotted: str) -> bool:
    """Whether the schema field at ``dotted`` holds a whole number."""
    owner, name = model_at(Scenario, tuple(dotted.split(".")))
    info = owner.model_fields.get(name) if owner is not None else None
    return info is not None and info.annotation is int


def apply_overrides(
    data: dict[str, Any], overrides: dict[str, Any], origins: dict[str, str],
    source: str = API_SOURCE,
) -> None:
    """Set each dotted key in ``data`` (creating tables on the way), noting ``source``."""
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        table = data
        for index, part in enumerate(parts[:-1]):
            child = table.setdefault(part, {})
            if not isinstance(child, dict):
                where = ".".join(parts[: index + 1])
                raise ScenarioError([f"{source}: {dotted}: {where} is not a table"])
            table = child
        table[parts[-1]] = plain_value(dotted, value)
        origins[dotted] = source


def validate(data: dict[str, Any], origins: dict[str, str], default_source: str) -> Scenario:
    """Validate merged data, reporting each problem against the file that set the key."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_validation_error(exc, origins, default_source)) from None
    missing = [f"{default_source}: {table}: a scenario needs at least one entry here "
               f"(extends = \"baseline\" brings the bundled {table})"
               for table in ("departments", "categories") if not getattr(scenario, table)]
    if missing:
        raise ScenarioError(missing)
    return scenario


def _defaults() -> dict[str, Any]:
    """The schema's defaults as plain data, so files and overrides merge onto every table."""
    return Scenario().model_dump(mode="json")


def load_raw(name_or_path: str | Path) -> tuple[dict[str, Any], dict[str, str], str]:
    """Merge a scenario's layers; return (data, key origins, the file's display name)."""
    ref = str(name_or_path)
    try:
        path = resolve_reference(ref)
    except FileNotFoundError:
        allowed = ", ".join(bundled_names())
        raise ScenarioError([f"{ref}: no such file or bundled scenario (allowed: a path or "
                             f"one of {allowed})"]) from None
    data, origins = _defaults(), {}
    layers = linearise(path)
    for layer_path, layer in layers:
        merge_into(data, layer, str(layer_path), origins)
    own = layers[-1][1]
    data["name"] = own.get("name", path.stem)
    data["description"] = own.get("description", "")
    return data, origins, ref


def load_scenario(
    name_or_path: str | Path | Scenario, overrides: dict[str, Any] | None = None,
    *, overrides_source: str = API_SOURCE,
) -> Scenario:
    """Load a bundled scenario by name, a TOML file, or copy a Scenario, applying overrides.

    Args:
        name_or_path: A bundled name (``"baseline"``), a path to a TOML file, or a Scenario.
        overrides: ``{"dotted.key": value}`` applied after the file's layers (NumPy
            scalars accepted).
        overrides_source: How problems with the overrides are addressed (``"--set"`` from
            the command line).

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With one line per problem, ``FILE: dotted.key: what is wrong``.
    """
    if isinstance(name_or_path, Scenario):
        data, origins, source = name_or_path.model_dump(), {}, name_or_path.name or "scenario"
    else:
        data, origins, source = load_raw(name_or_path)
    apply_overrides(data, dict(overrides or {}), origins, overrides_source)
    return validate(data, origins, source)


def load_scenario_text(text: str, source: str = "upload") -> Scenario:
    """Validate scenario TOML given as text; it may extend bundled scenarios by name only."""
    own = parse_toml(text, source)
    refs = own.pop("extends", [])
    refs = [refs] if isinstance(refs, str) else refs
    allowed = ", ".join(bundled_names())
    if not isinstance(refs, list):
        raise ScenarioError([f"{source}: extends: expected a bundled scenario's name or a list "
                             f"of them, got {refs!r} (allowed: {allowed})"])
    data, origins = _defaults(), {}
    for ref in refs:
        if not isinstance(ref, str) or _looks_like_path(ref) or ref not in bundled_names():
            raise ScenarioError([f"{source}: extends: {ref!r} is not a bundled scenario "
                                 f"(allowed: {allowed})"])
        for layer_path, layer in linearise(bundled_dir() / f"{ref}.toml"):
            merge_into(data, layer, str(layer_path), origins)
    merge_into(data, own, source, origins)
    data.setdefault("name", source)
    return validate(data, origins, source)
