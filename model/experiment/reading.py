"""Reading a sweep's result folder for its report: manifest, stored runs, design.

The runs are those of ``runs.parquet`` together with any a killed sweep left in ``.parts/``
(with a note saying how to resume), restricted to the manifest's replications (a folder keeps
the runs of an earlier sweep with more). Every problem that prevents a report is a
:class:`ReportError` of one line naming the file; reading never writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.experiment import analysis as an
from model.experiment.store import ResultStore, StoreReadError

HINT = "is this a sweep's result folder?"
UNFINISHED = ("running", "interrupted")


class ReportError(Exception):
    """A result store that cannot be reported on; the message is one line naming the file."""


@dataclass
class Store:
    """A sweep's result store as read from its folder."""

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    design: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ReportError(f"{path}: no such file ({HINT})")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise ReportError(f"{path}: cannot be read ({str(error).splitlines()[0]})") from error


def read_store(results_dir: str | Path) -> Store:
    """Read a result store's manifest, runs and design.

    Args:
        results_dir: The folder the sweep runner wrote.

    Returns:
        The store; problems that still allow a report (an unreadable design) are in ``notes``.

    Raises:
        ReportError: ``manifest.json`` or ``runs.parquet`` is missing or unreadable.
    """
    folder = Path(results_dir)
    path = folder / "manifest.json"
    if not path.is_file():
        raise ReportError(f"{path}: no such file ({HINT})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise ReportError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(manifest, dict):
        raise ReportError(f"{path}: not a sweep manifest (not a JSON object; {HINT})")
    missing = [key for key in ("experiment", "scenarios", "outcomes") if key not in manifest]
    if missing:
        raise ReportError(f"{path}: not a sweep manifest (no '{missing[0]}'; {HINT})")
    runs, pending = _read_runs(folder, manifest)
    absent = [c for c in (*an.RUN_COLUMNS, "status") if c not in runs]
    if absent:
        raise ReportError(f"{folder / 'runs.parquet'}: not a runs table (no column "
                          f"'{absent[0]}')")
    notes = []
    if pending:  # parts come in the order runs finished
        runs = _in_plan_order(runs, manifest)
        notes.append(f"{pending} finished runs are in `.parts/`, not yet merged into "
                     f"runs.parquet: the sweep has not finished (status: "
                     f"{manifest.get('status', '?')}). If it is no longer running, rerun the "
                     f"same sweep command to resume it.")
    runs, kept = _within_replications(runs, manifest)
    if kept:
        notes.append(f"The runs table also holds {kept} runs of further replications, kept "
                     f"from an earlier sweep with more than {manifest['replications']}; they "
                     f"are left out here.")
    store = Store(folder, manifest, runs, notes=notes)
    if (manifest.get("design") or {}).get("kind") in ("lhs", "sobol", "morris"):
        try:
            store.design = _read_parquet(folder / "design.parquet")
        except ReportError as error:
            store.notes.append(f"{error}: no sensitivity analysis.")
    return store


def _read_runs(folder: Path, manifest: dict[str, Any]) -> tuple[pd.DataFrame, int]:
    """The stored runs, merged with the parts a killed sweep left, and how many parts."""
    store = ResultStore(folder)
    try:
        rows = store.read_rows()
    except StoreReadError as error:
        raise ReportError(str(error)) from error
    except OSError as error:
        raise ReportError(f"{error.filename}: cannot be read ({error.strerror})") from error
    status = manifest.get("status", "?")
    if rows is None and status in UNFINISHED:
        raise ReportError(f"{store.runs_path}: no such file; the sweep has stored no run yet "
                          f"(status: {status}): if it is no longer running, rerun it to resume")
    if rows is None:
        raise ReportError(f"{store.runs_path}: no such file ({HINT})")
    return rows, store.pending()


def _within_replications(runs: pd.DataFrame, manifest: dict[str, Any]) -> tuple[pd.DataFrame,
                                                                               int]:
    """The runs of the manifest's replications and repeats, and how many others are left out."""
    wanted = manifest.get("replications")
    if not isinstance(wanted, int) or "replication" not in runs:
        return runs, 0
    inside = runs["replication"] < wanted
    repeat = (manifest.get("design") or {}).get("repeat")
    if isinstance(repeat, dict):
        inside |= ((runs["point"] < repeat.get("points", 0))
                   & (runs["replication"] < repeat.get("replications", 0)))
    return runs[inside].reset_index(drop=True), int((~inside).sum())


def _in_plan_order(runs: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """The runs by scenario (in the manifest's order), point and replication, as planned."""
    rank = {item.get("name"): index for index, item in enumerate(manifest["scenarios"])
            if isinstance(item, dict)}

    def key(column: pd.Series) -> pd.Series:
        return column.map(rank) if column.name == "scenario" else column

    columns = ["scenario", "point", "replication"]
    return runs.sort_values(columns, key=key, kind="stable").reset_index(drop=True)
