"""The result store of one experiment: a folder that survives a killed sweep.

Layout of ``results/<name>/``:

- ``manifest.json``: the spec, its hash, seeds, versions, commit, times, counts, status;
- ``runs.parquet``: one row per run (ids, factor values, seed, every outcome, status, error,
  seconds), in plan order;
- ``design.parquet``: the raw SALib sample of a sampled design (one row per point);
- ``series/<run_id>.parquet``: each run's daily series, when the spec asks for them;
- ``.parts/<run_id>.parquet``: rows finished since ``runs.parquet`` was last written.

Every file is written to a temporary name and renamed into place, so a reader, or a sweep
resuming after a kill, sees either a whole file or none. Each finished run is written at once
as a part; parts are merged into ``runs.parquet`` from time to time and at the end, so a killed
sweep loses only the runs in flight and memory does not grow with the number of runs.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from model.experiment.backends import Result
from model.provenance import replace_atomically, write_json_atomic

REPORT_OUTPUTS = ("report.md", "figures", "tables")


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
        """The stored manifest, or None when there is none."""
        import json

        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Replace the manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.manifest_path, data)

    def has_results(self) -> bool:
        """Whether the folder holds run rows (merged or not)."""
        return self.runs_path.exists() or bool(self._parts())

    def clear(self) -> None:
        """Remove every file this store and the report write (for a fresh start)."""
        for path in (self.manifest_path, self.runs_path, self.design_path):
            path.unlink(missing_ok=True)
        for folder in (self.series_dir, self.parts_dir):
            shutil.rmtree(folder, ignore_errors=True)
        for name in REPORT_OUTPUTS:
            target = self.root / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)

    def remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed sweep left half-written (never renamed into place)."""
        for folder in (self.root, self.parts_dir, self.series_dir):
            if folder.is_dir():
                for temp in folder.glob(".*.tmp"):
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
        frames = [pd.read_parquet(self.runs_path)] if self.runs_path.exists() else []
        frames += [pd.read_parquet(part) for part in parts]
        frames = [frame for frame in frames if not frame.empty]
        if not frames:
            return None
        # later parts are newer: a run retried after failing keeps its latest row
        return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", keep="last")

    def finished(self) -> dict[str, str]:
        """Status (``ok`` or ``failed``) of every stored run, by run id."""
        rows = self._all_rows(self._parts())
        if rows is None:
            return {}
        return dict(zip(rows["run_id"], rows["status"], strict=True))

    def compact(self, order: Sequence[str]) -> pd.DataFrame:
        """Merge the parts into ``runs.parquet``, keeping the runs in ``order`` in that order.

        Args:
            order: Run ids of the plan; stored rows of runs outside it are dropped.

        Returns:
            The merged table.
        """
        parts = self._parts()
        rows = self._all_rows(parts)
        if rows is None:
            return pd.DataFrame()
        rank = {run_id: index for index, run_id in enumerate(order)}
        rows = rows[rows["run_id"].isin(rank)]
        rows = rows.sort_values("run_id", key=lambda ids: ids.map(rank)).reset_index(drop=True)
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
