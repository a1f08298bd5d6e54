"""The result store of one experiment: a folder that survives a killed sweep.

Layout of ``results/<name>/``:

- ``manifest.json``: the spec, its hash, seeds, versions, commit, times, counts, status;
- ``runs.parquet``: one row per run (ids, factor values, seed, every outcome, status, error,
  seconds), the plan's runs first in plan order, then any runs stored by an earlier sweep of
  the same spec with more replications (kept, never dropped);
- ``design.parquet``: the raw SALib sample of a sampled design (one row per point);
- ``series/<run_id>.parquet``: each run's daily series, when the spec asks for them;
- ``.parts/<run_id>.parquet``: rows finished since ``runs.parquet`` was last written;
- ``.cogov.lock``: present while a sweep writes the folder (see :mod:`model.locking`).

Every file is written to a temporary name and renamed into place, so a reader, or a sweep
resuming after a kill, sees either a whole file or none. Each finished run is written at once
as a part; parts are merged into ``runs.parquet`` from time to time and at the end, so a killed
sweep loses only the runs in flight and memory does not grow with the number of runs. A file
that cannot be read raises :class:`StoreReadError` naming it; nothing readable is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from model.experiment.backends import Result
from model.provenance import replace_atomically, write_json_atomic
from model.scenario import ScenarioError

# what `cogov report` writes into a sweep's folder: the file, and each folder's suffixes
REPORT_OUTPUTS = {"report.md": (), "figures": (".png", ".svg"), "tables": (".csv", ".tex")}
ROW_COLUMNS = ("run_id", "status")


class StoreReadError(ScenarioError):
    """A store file that cannot be read; one line naming it (``path``) and why (``reason``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__([f"{path}: {reason}"])
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[StoreReadError], tuple[Path, str]]:
        """Rebuild from the path and reason (the base class rebuilds from a list)."""
        return type(self), (self.path, self.reason)


def read_rows_file(path: Path) -> pd.DataFrame:
    """One stored table of run rows (``runs.parquet`` or a part).

    Raises:
        StoreReadError: Truncated, not Parquet, or without ``run_id`` and ``status``.
        FileNotFoundError, PermissionError: As ``open`` raises them.
    """
    try:
        frame = pd.read_parquet(path)
    except (FileNotFoundError, PermissionError):
        raise
    except (OSError, ValueError):
        raise StoreReadError(path, "cannot be read (truncated or not Parquet)") from None
    absent = [column for column in ROW_COLUMNS if column not in frame]
    if absent:
        raise StoreReadError(path, f"not a runs table (no column '{absent[0]}')")
    for column in ROW_COLUMNS:
        if not frame[column].map(lambda value: value is None or isinstance(value, str)).all():
            raise StoreReadError(path, f"not a runs table ('{column}' holds other than text)")
    return frame


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as Parquet, atomically (temporary file, then rename)."""
    return replace_atomically(path, lambda temp: frame.to_parquet(temp, index=False))


class ResultStore:
    """Reads and writes one experiment's result folder."""

    def __init__(self, root: str | Path) -> None:
        """Use the folder ``root`` (created when the first file is written)."""
        self.root = Path(root)
        self.runs_path = self.root / "runs.parquet"
        self.manifest_path = self.root / "manifest.json"
        self.design_path = self.root / "design.parquet"
        self.series_dir = self.root / "series"
        self.parts_dir = self.root / ".parts"

    def read_manifest(self) -> dict[str, Any] | None:
        """The stored manifest, or None when there is none.

        Raises:
            StoreReadError: Not JSON (truncated or corrupt), or not a JSON object.
        """
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise StoreReadError(self.manifest_path,
                                 "cannot be read (truncated or not JSON)") from None
        if not isinstance(data, dict):
            raise StoreReadError(self.manifest_path, "not a manifest (not a JSON object)")
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Replace the manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.manifest_path, data)

    def has_results(self) -> bool:
        """Whether the folder holds run rows (merged or not)."""
        return self.runs_path.exists() or bool(self._parts())

    def links(self) -> list[Path]:
        """The store's own names (files, folders, the report's) that are links in this folder.

        A sweep writes and deletes only inside its folder; through a link it would reach files
        elsewhere, so a folder with one is refused.
        """
        names = [self.manifest_path, self.runs_path, self.design_path, self.series_dir,
                 self.parts_dir, *(self.root / name for name in REPORT_OUTPUTS)]
        return [path for path in names if path.is_symlink()]

    def clear(self, report: bool) -> None:
        """Remove the files this store writes (for a fresh start); other files stay.

        Args:
            report: Also remove what ``cogov report`` wrote (``report.md``, its figures and
                tables), for a folder known to be a sweep's.
        """
        for path in (self.manifest_path, self.runs_path, self.design_path):
            path.unlink(missing_ok=True)
        _remove_files(self.parts_dir, (".parquet",))
        _remove_files(self.series_dir, (".parquet",))
        for name, suffixes in REPORT_OUTPUTS.items() if report else ():
            if suffixes:
                _remove_files(self.root / name, suffixes)
            else:
                (self.root / name).unlink(missing_ok=True)

    def remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed sweep left half-written (never renamed into place).

        Only the temporary names of the store's own files: nothing else in the folder goes.
        """
        patterns = {self.root: [f".{path.name}.*.tmp" for path in
                                (self.manifest_path, self.runs_path, self.design_path)],
                    self.parts_dir: [".*.parquet.*.tmp"], self.series_dir: [".*.parquet.*.tmp"]}
        for folder, globs in patterns.items():
            for pattern in globs if folder.is_dir() else ():
                for temp in folder.glob(pattern):
                    temp.unlink(missing_ok=True)

    def _parts(self) -> list[Path]:
        if not self.parts_dir.is_dir():
            return []
        return sorted(self.parts_dir.glob("*.parquet"))

    def add(self, result: Result) -> None:
        """Store one finished run: its series first, then its row (which marks it done)."""
        run_id = result.row["run_id"]
        if result.series is not None:
            self.series_dir.mkdir(parents=True, exist_ok=True)
            write_parquet_atomic(result.series, self.series_dir / f"{run_id}.parquet")
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(pd.DataFrame([result.row]), self.parts_dir / f"{run_id}.parquet")

    def pending(self) -> int:
        """Rows written as parts and not yet merged."""
        return len(self._parts())

    def _all_rows(self, parts: list[Path]) -> pd.DataFrame | None:
        frames = [read_rows_file(self.runs_path)] if self.runs_path.exists() else []
        frames += [read_rows_file(part) for part in parts]
        frames = [frame for frame in frames if not frame.empty]
        if not frames:
            return None
        # later parts are newer: a run retried after failing keeps its latest row
        return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", keep="last")

    def read_rows(self) -> pd.DataFrame | None:
        """Every stored row, merged or not (the latest of each run), without writing.

        Returns:
            The rows, or None when the folder holds none.

        Raises:
            StoreReadError: ``runs.parquet`` or a part cannot be read.
        """
        return self._all_rows(self._parts())

    def finished(self) -> dict[str, str]:
        """Status (``ok`` or ``failed``) of every stored run, by run id."""
        rows = self.read_rows()
        if rows is None:
            return {}
        return dict(zip(rows["run_id"], rows["status"], strict=True))

    def compact(self, order: Sequence[str]) -> pd.DataFrame:
        """Merge the parts into ``runs.parquet``: the runs in ``order`` first, in that order.

        Args:
            order: Run ids of the plan. Stored runs outside it (more replications of an
                earlier sweep) are kept after them, never dropped.

        Returns:
            The merged table, as written.

        Raises:
            StoreReadError: ``runs.parquet`` or a part cannot be read (nothing is written).
        """
        parts = self._parts()
        rows = self._all_rows(parts)
        if rows is None:
            return pd.DataFrame()
        rank = {run_id: index for index, run_id in enumerate(order)}
        rows = rows.sort_values("run_id", kind="stable",
                                key=lambda ids: ids.map(rank).fillna(len(rank)))
        rows = rows.reset_index(drop=True)
        self.root.mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(rows, self.runs_path)
        for part in parts:
            part.unlink(missing_ok=True)
        if self.parts_dir.is_dir() and not any(self.parts_dir.iterdir()):
            self.parts_dir.rmdir()
        return rows

    def write_design(self, frame: pd.DataFrame) -> None:
        """Store the raw sample of a sampled design."""
        self.root.mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(frame, self.design_path)


def _remove_files(folder: Path, suffixes: tuple[str, ...]) -> None:
    """Delete ``folder``'s files with these suffixes; the folder too if nothing else is left."""
    if folder.is_symlink() or not folder.is_dir():
        return  # a link leads outside the folder: nothing there is the store's
    for path in folder.iterdir():
        if not path.is_symlink() and path.is_file() and path.suffix in suffixes:
            path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:  # something else is in it, which stays
        pass
