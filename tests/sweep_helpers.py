"""Helpers shared by the experiment tests: small specs, the command line in a subprocess."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from model.experiment import experiment_from_data
from model.outcomes import OUTCOMES

# ``model.simulate`` the attribute is the function; the module is looked up by name
simulate_module = importlib.import_module("model.simulate")
REPO = Path(__file__).resolve().parent.parent
SMALL = {"district.residents": 2000, "district.residents_per_community": 667}
SMALL_TOML = "".join(f'"{key}" = {value}\n' for key, value in SMALL.items())
SMALL_ARGS = [arg for key, value in SMALL.items() for arg in ("--set", f"{key}={value}")]
OUTCOME_NAMES = [o.name for o in OUTCOMES]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_spec(path: Path, **data: Any) -> Path:
    """A spec file on the small district: ``data`` as TOML, ``set`` merged with SMALL."""
    data["set"] = {**SMALL, **data.get("set", {})}
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def experiment(**data: Any):
    """An experiment built in code on the small district (bundled scenarios only)."""
    data = {"name": "test", "days": 10, **data}
    data["set"] = {**SMALL, **data.get("set", {})}
    return experiment_from_data(data, "spec")


def cli(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``cogov ARGV`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "model.cli", *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, check=False)


def without_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="seconds")
