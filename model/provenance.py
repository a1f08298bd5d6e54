"""Provenance of saved results: versions, commit, time, scenario hash; resolved scenario files.

Every file set the command line saves (``cogov run --out``, ``cogov compare --out``) carries a
``manifest.json`` made by :func:`manifest`, so a result can be traced to the scenario (by its
hash and its fully resolved TOML), the seeds, the package versions and the commit behind it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import tomli_w

from model.outcomes import summarize
from model.scenario import Scenario
from model.simulate import daily_series

if TYPE_CHECKING:
    from model.governance import GovernanceModel

PACKAGES = ("cogov", "mesa", "numpy", "pandas", "pydantic", "scipy")
REPO_DIR = Path(__file__).resolve().parent.parent


def package_versions() -> dict[str, str | None]:
    """Installed versions of cogov and the packages results depend on, and of Python."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    if versions["cogov"] is None:
        from model import __version__

        versions["cogov"] = __version__
    versions["python"] = platform.python_version()
    return versions


def git_commit(repo_dir: Path = REPO_DIR) -> str | None:
    """The commit checked out in ``repo_dir``, or None (not a git checkout, no commit, no git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo_dir, capture_output=True, text=True,
            timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


#: The files a run's numbers depend on: the simulation, the scenarios, how designs, seeds and
#: the calibration's fit are computed. Reports, the command line and the dashboard are not.
RESULT_SOURCES = (
    "model/agents/*.py", "model/rules/*.py", "model/scenario/*.py", "model/cases.py",
    "model/casedesk.py", "model/casework.py", "model/needs.py", "model/treasury.py",
    "model/workforce.py", "model/governance.py", "model/ledger.py", "model/outcomes.py",
    "model/population.py", "model/periods.py", "model/posterior_claims.py",
    "model/simulate.py", "model/streams.py", "model/compare.py", "model/experiment/design.py",
    "model/experiment/factors.py", "model/experiment/backends.py",
    "model/calibration/emulator.py", "model/calibration/patterns.py", "model/calibration/run.py",
    "model/calibration/spec.py",
    "scenarios/*.toml",
)


def source_hash(root: Path = REPO_DIR) -> str:
    """SHA-256 of the source files results depend on (:data:`RESULT_SOURCES`).

    Unlike the git commit it does not change when only documents, reports or the dashboard
    change, and it does change with uncommitted edits, so stored results are reused exactly
    when the code behind their numbers is the same.
    """
    digest = hashlib.sha256()
    files = sorted({path for pattern in RESULT_SOURCES for path in root.glob(pattern)})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def file_hash(path: str | Path) -> str:
    """SHA-256 of one file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (sorted keys): equal scenarios, equal hashes."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest(
    scenario: Scenario | Sequence[Scenario], seeds: Iterable[int], extra: dict[str, Any]
) -> dict[str, Any]:
    """Provenance of a saved result.

    Args:
        scenario: The scenario run, or the scenarios compared (in order).
        seeds: The seeds of the runs.
        extra: Further entries (command, days, overrides, outputs...); they win over defaults.

    Returns:
        A JSON-ready dict: ``scenario`` and ``scenario_hash`` for one scenario, or
        ``scenarios`` (a list of ``{"name", "scenario_hash"}``) for several; ``seeds``,
        ``versions``, ``commit`` (None outside a git checkout) and ``created_utc``.
    """
    data: dict[str, Any] = {}
    if isinstance(scenario, Scenario):
        data["scenario"] = scenario.name
        data["scenario_hash"] = scenario_hash(scenario)
    else:
        data["scenarios"] = [{"name": s.name, "scenario_hash": scenario_hash(s)}
                             for s in scenario]
    data["seeds"] = [int(seed) for seed in seeds]
    data["versions"] = package_versions()
    data["commit"] = git_commit()
    data["created_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    data.update(extra)
    return jsonable(data)


def jsonable(value: Any) -> Any:
    """Turn ``value`` into strict JSON data: NaN and infinities become None, numpy to Python."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def current_umask() -> int:
    """The process's file-creation mask (temporary files are private; final ones are not)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replace_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Have ``write`` fill a temporary file beside ``path``, then rename it into place.

    A reader, or a sweep resuming after a kill, sees the whole new file or the old one, never
    half a file; the file gets the usual permissions (temporary files start private).

    Args:
        path: Where the file goes.
        write: Writes the content to the temporary path it is given.

    Returns:
        The path written.
    """
    path = Path(path)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~current_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically (see :func:`replace_atomically`).

    Args:
        path: Where to write.
        data: JSON data (NaN and infinities are written as null).

    Returns:
        The path written.
    """
    text = json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return replace_atomically(path, lambda temp: Path(temp).write_text(text, encoding="utf-8"))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value if item is not None]
    return value


def scenario_to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML; ``load_scenario`` reads it back to an equal one.

    Args:
        scenario: A validated scenario.

    Returns:
        TOML text with every parameter stated (None values, which TOML cannot hold, dropped).
    """
    header = (f"# Fully resolved scenario '{scenario.name}' "
              f"(sha256 {scenario_hash(scenario)[:16]}), written by cogov.\n")
    return header + tomli_w.dumps(_drop_none(scenario.model_dump(mode="json")))


def save_run(
    out_dir: str | Path, model: GovernanceModel, extra: dict[str, Any]
) -> dict[str, Path]:
    """Save one finished run with its provenance.

    Writes ``series.parquet`` and ``series.csv`` (the daily outcomes), ``summary.json``,
    ``scenario.toml`` (fully resolved) and ``manifest.json``.

    Args:
        out_dir: Folder to write into (created if missing).
        model: The model after its run.
        extra: Further manifest entries (command, overrides...).

    Returns:
        The written paths by file name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    series = daily_series(model)
    paths = {name: out / name for name in ("series.parquet", "series.csv", "summary.json",
                                           "scenario.toml", "manifest.json")}
    series.to_parquet(paths["series.parquet"], index=False)
    series.to_csv(paths["series.csv"], index=False)
    write_json_atomic(paths["summary.json"], summarize(model))
    # the scenario as given, timeline included: model.params holds the settings in force now
    scenario = model.scenario_as_given
    paths["scenario.toml"].write_text(scenario_to_toml(scenario), encoding="utf-8")
    info = {"seed": model.seed, "days": model.day, "outputs": sorted(paths), **extra}
    write_json_atomic(paths["manifest.json"], manifest(scenario, [model.seed], info))
    return paths
