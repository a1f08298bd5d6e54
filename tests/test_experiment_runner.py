"""The sweep runner: identical backends, resume after a kill, refusals, failures, the store."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from pandas.testing import assert_frame_equal
from sweep_helpers import (
    OUTCOME_NAMES,
    REPO,
    SMALL_ARGS,
    cli,
    experiment,
    simulate_module,
    without_seconds,
    write_spec,
)

import model.experiment.backends as backends_module
from model.cli import main
from model.compare import compare_table, replication_seeds
from model.experiment import (
    ResultStore,
    load_experiment,
    plan_runs,
    run_sweep,
)
from model.experiment.runner import summaries_by_scenario
from model.provenance import jsonable

# --- backends -----------------------------------------------------------------------------------

# plan order (whistle first) is not the alphabetical order of the run ids
BACKEND_SPEC = {"scenarios": ["whistle", "baseline"], "replications": 2, "days": 20,
                "factors": {"devolution.level": [0.1, 0.5]}}


def worker_processes() -> list[psutil.Process]:
    """Children of this process, but multiprocessing's resource tracker."""
    return [child for child in psutil.Process().children(recursive=True)
            if "resource_tracker" not in " ".join(child.cmdline())]


@pytest.fixture(scope="module")
def serial_table(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("serial")
    done = run_sweep(experiment(**BACKEND_SPEC), out, backend="serial", progress=False)
    assert (done.planned, done.ok, done.failed) == (8, 8, 0)
    assert list(done.runs["run_id"]) == [run.run_id for run in plan_runs(
        experiment(**BACKEND_SPEC))], "runs.parquet keeps the plan order"
    return done.runs


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_backends_give_the_serial_table(backend, serial_table, tmp_path):
    done = run_sweep(experiment(**BACKEND_SPEC), tmp_path / backend, backend=backend,
                     workers=2, progress=False)
    assert done.status == "complete" and done.ok == 8
    stored = pd.read_parquet(tmp_path / backend / "runs.parquet")
    assert_frame_equal(without_seconds(stored), without_seconds(serial_table),
                       obj=f"{backend} runs.parquet vs serial")
    assert not worker_processes(), f"the {backend} workers are shut down after the sweep"


def test_dask_scheduler_address_gives_the_serial_table(serial_table, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        done = run_sweep(experiment(**BACKEND_SPEC), tmp_path, backend="dask",
                         scheduler=cluster.scheduler_address, progress=False)
    assert_frame_equal(without_seconds(done.runs), without_seconds(serial_table),
                       obj="a running cluster's table vs serial")


def test_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(backends_module, "CONNECT_TIMEOUT", "1s")
    spec = write_spec(tmp_path / "spec.toml", scenarios=["baseline"], replications=1, days=5)
    status = main(["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:9", "--out",
                   str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2, "a scheduler that cannot be reached is bad input"
    assert err[-1].startswith("cogov: error: cannot reach the Dask scheduler at "
                              "tcp://127.0.0.1:9: "), err


# --- resume after a kill ------------------------------------------------------------------------

KILL_RUNS = 30


def test_sweep_killed_and_rerun_equals_an_uninterrupted_sweep(tmp_path):
    spec = write_spec(tmp_path / "long.toml", scenarios=["baseline"], replications=KILL_RUNS,
                      days=200)
    out = tmp_path / "killed"
    argv = ["-m", "model.cli", "sweep", str(spec), "--backend", "serial", "--out", str(out),
            "--quiet"]
    proc = subprocess.Popen([sys.executable, *argv], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    parts = out / ".parts"
    deadline = time.monotonic() + 90
    try:
        while len(list(parts.glob("*.parquet"))) < 3:
            assert proc.poll() is None, (
                f"the first sweep ended (status {proc.returncode}) before it could be killed; "
                f"make the spec bigger (more days or replications)")
            assert time.monotonic() < deadline, "no runs were stored within 90 s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    stored = len(ResultStore(out).finished())
    assert 3 <= stored < KILL_RUNS, f"some but not all runs stored at the kill, got {stored}"

    done = cli(*argv[2:])
    assert done.returncode == 0, done.stderr
    assert f"{KILL_RUNS} runs planned, {stored} already stored, {KILL_RUNS} ok, 0 failed" in (
        done.stderr), "the resumed sweep skips the stored runs"
    reference = run_sweep(load_experiment(spec), tmp_path / "whole", backend="serial",
                          progress=False)
    assert_frame_equal(without_seconds(pd.read_parquet(out / "runs.parquet")),
                       without_seconds(reference.runs), obj="resumed vs uninterrupted")
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not parts.exists(), "the parts are merged into runs.parquet"


def test_resume_after_a_kill_mid_write_leaves_no_temporary_files(tmp_path):
    exp = experiment(scenarios=["baseline"], replications=3)
    out = tmp_path / "out"
    run_sweep(exp, out, backend="serial", progress=False)
    # what a sweep killed inside write_parquet_atomic leaves behind
    (out / ".parts").mkdir()
    (out / ".parts" / ".baseline-p00000-r0003.parquet.k1ll3d.tmp").write_bytes(b"PAR1")
    (out / ".runs.parquet.k1ll3d.tmp").write_bytes(b"PAR1")
    done = run_sweep(experiment(scenarios=["baseline"], replications=4), out, backend="serial",
                     progress=False)
    assert (done.skipped, done.ok) == (3, 4)
    assert not list(out.rglob("*.tmp")), "the resumed sweep clears temporary files of the kill"
    assert not (out / ".parts").exists(), "the parts folder is removed at the end"


# --- a changed spec -----------------------------------------------------------------------------


def sweep_cli(capsys, spec: Path, out: Path, *extra: str) -> tuple[int, list[str]]:
    status = main(["sweep", str(spec), "--backend", "serial", "--out", str(out), "--quiet",
                   *extra])
    return status, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("change", "key"), [
    ({"factors": {"devolution.level": [0.1, 0.6]}}, "factors"), ({"days": 12}, "days")])
def test_changed_spec_is_refused_unless_fresh(change, key, tmp_path, capsys):
    data = {"scenarios": ["baseline"], "replications": 2, "days": 10,
            "factors": {"devolution.level": [0.1, 0.5]}}
    spec, out = write_spec(tmp_path / "s.toml", **data), tmp_path / "out"
    assert sweep_cli(capsys, spec, out)[0] == 0
    before = pd.read_parquet(out / "runs.parquet")
    write_spec(spec, **{**data, **change})
    status, err = sweep_cli(capsys, spec, out)
    assert status == 2, "a folder of another spec is refused"
    assert len(err) == 1 and err[0].startswith(
        f"{out}: results were written by a different spec (changed: {key}"), err
    assert err[0].endswith("use --fresh to discard them or --out to write elsewhere")
    assert_frame_equal(pd.read_parquet(out / "runs.parquet"), before, obj="untouched results")
    status, err = sweep_cli(capsys, spec, out, "--fresh")
    assert status == 0 and "4 runs planned, 0 already stored, 4 ok, 0 failed" in err[0]
    after = pd.read_parquet(out / "runs.parquet")
    assert not after.drop(columns="seconds").equals(before.drop(columns="seconds")), (
        "--fresh replaces the results with the new spec's")
    if key == "factors":
        assert sorted(set(after["devolution.level"])) == [0.1, 0.6]


def test_more_replications_run_only_the_new_runs(tmp_path, capsys):
    spec = write_spec(tmp_path / "s.toml", scenarios=["baseline", "whistle"], replications=2,
                      days=10)
    out = tmp_path / "out"
    status, err = sweep_cli(capsys, spec, out)
    assert status == 0 and "4 runs planned, 0 already stored, 4 ok, 0 failed" in err[0]
    first = pd.read_parquet(out / "runs.parquet")
    status, err = sweep_cli(capsys, spec, out, "--replications", "3")
    assert status == 0 and "6 runs planned, 4 already stored, 6 ok, 0 failed" in err[0], (
        "growing the replications reuses the stored runs")
    grown = pd.read_parquet(out / "runs.parquet")
    assert list(grown["run_id"]) == [f"{s}-p00000-r{r:04d}" for s in ("baseline", "whistle")
                                     for r in range(3)], "plan order"
    kept = grown[grown["replication"] < 2].reset_index(drop=True)
    assert_frame_equal(kept, first, obj="stored runs kept as they were (seconds too)")


# --- a run that raises --------------------------------------------------------------------------


def test_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch, capsys):
    spec = write_spec(tmp_path / "s.toml", scenarios=["baseline"], replications=3, days=10)
    bad_seed = replication_seeds(0, 3)[1]
    original = simulate_module.run_model
    called: list[int] = []

    def flaky(scenario, seed=0, days=None):
        called.append(seed)
        if seed == bad_seed:
            raise RuntimeError(f"boom for seed {seed}")
        return original(scenario, seed=seed, days=days)

    monkeypatch.setattr(simulate_module, "run_model", flaky)
    monkeypatch.setattr(backends_module, "run_model", flaky, raising=False)
    out = tmp_path / "out"
    status, err = sweep_cli(capsys, spec, out)
    assert status == 1, "a sweep with a failed run exits 1"
    assert f"cogov: run baseline-p00000-r0001 failed: RuntimeError: boom for seed {bad_seed}" in (
        err), err
    assert "3 runs planned, 0 already stored, 2 ok, 1 failed" in "\n".join(err)
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    row = runs.loc["baseline-p00000-r0001"]
    assert row["status"] == "failed"
    assert "Traceback (most recent call last)" in row["error"]
    assert f"RuntimeError: boom for seed {bad_seed}" in row["error"]
    assert all(math.isnan(row[name]) for name in OUTCOME_NAMES), "a failed run has no outcomes"
    others = runs.drop(index="baseline-p00000-r0001")
    assert (others["status"] == "ok").all() and (others["error"] == "").all()
    assert others[OUTCOME_NAMES[:5]].notna().all().all(), "the other runs have outcomes"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"planned": 3, "ok": 2, "failed": 1}

    def counting(scenario, seed=0, days=None):
        called.append(seed)
        return original(scenario, seed=seed, days=days)

    called.clear()
    monkeypatch.setattr(simulate_module, "run_model", counting)
    monkeypatch.setattr(backends_module, "run_model", counting, raising=False)
    summary = run_sweep(load_experiment(spec), out, backend="serial", progress=False)
    assert called == [bad_seed], "the rerun retries only the failed run"
    assert (summary.skipped, summary.ok, summary.failed) == (2, 3, 0)
    assert (summary.runs["status"] == "ok").all() and len(summary.runs) == 3


# --- the store ----------------------------------------------------------------------------------


def test_store_files_of_a_sampled_sweep_with_series(tmp_path):
    exp = experiment(scenarios=["baseline"], replications=2, days=6, save_series=True,
                     factors={"devolution.level": {"low": 0.1, "high": 0.6},
                              "whistle.stuck_days": {"low": 5, "high": 40}},
                     design={"kind": "lhs", "samples": 3})
    out = tmp_path / "out"
    done = run_sweep(exp, out, backend="serial", progress=False)
    assert (done.planned, done.ok, done.failed, done.status) == (6, 6, 0, "complete")
    assert sorted(p.name for p in out.iterdir()) == [
        "design.parquet", "manifest.json", "runs.parquet", "series"], (
        "no .parts and no temporary files once the sweep is done")
    assert not list(out.rglob("*.tmp"))
    design = pd.read_parquet(out / "design.parquet")
    assert list(design.columns) == ["point", "devolution.level", "whistle.stuck_days"]
    assert list(design["point"]) == [0, 1, 2], "one row per design point"
    runs = pd.read_parquet(out / "runs.parquet")
    assert_frame_equal(without_seconds(runs), without_seconds(done.runs))
    merged = runs.merge(design, on="point", suffixes=("", "_raw"))
    assert (merged["devolution.level"] == merged["devolution.level_raw"]).all()
    assert (merged["whistle.stuck_days"]
            == merged["whistle.stuck_days_raw"].round()).all(), "ints are rounded"
    for run_id in runs["run_id"]:
        series = pd.read_parquet(out / "series" / f"{run_id}.parquet")
        assert list(series["day"]) == list(range(7)), "one row per day, 0 to days"
        assert set(series["run_id"]) == {run_id}
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "complete" and info["finished_utc"]
    assert info["counts"] == {"planned": 6, "ok": 6, "failed": 0}
    assert info["spec_hash"] == exp.spec_hash() and len(info["spec_hash"]) == 64
    assert info["seeds"] == replication_seeds(0, 2) and info["days"] == 6
    assert {"cogov", "numpy", "pandas", "mesa"} <= set(info["versions"])
    assert "commit" in info and info["design"]["kind"] == "lhs"


def test_grid_sweep_stores_no_design_and_no_series(tmp_path):
    out = tmp_path / "out"
    run_sweep(experiment(scenarios=["baseline"], replications=1,
                         factors={"devolution.level": [0.1, 0.5]}), out, backend="serial",
              progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "runs.parquet"]


# --- compare through the runner -----------------------------------------------------------------


def test_compare_goes_through_the_runner_and_ignores_worker_count(tmp_path, capsys):
    argv = ["compare", "baseline", "whistle", *SMALL_ARGS, "--days", "15", "--seeds", "3",
            "--json"]
    assert main([*argv, "--workers", "1"]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main([*argv, "--workers", "2", "--out", str(tmp_path / "cmp")]) == 0
    parallel = json.loads(capsys.readouterr().out)
    assert serial == parallel, "results do not depend on the number of workers"
    exp = experiment(name="compare", scenarios=["baseline", "whistle"], replications=3, days=15)
    swept = run_sweep(exp, tmp_path / "sweep", backend="serial", progress=False)
    table = compare_table(summaries_by_scenario(swept.runs, ["baseline", "whistle"]))
    assert parallel == jsonable(table.to_dict(orient="records")), (
        "compare prints the statistics of the sweep's runs")
    stored = pd.read_parquet(tmp_path / "cmp" / "runs.parquet")
    assert_frame_equal(without_seconds(stored), without_seconds(swept.runs),
                       obj="compare --out runs.parquet vs sweep")


def live_models() -> int:
    """Models this process still holds (alive or not yet collected)."""
    import gc

    from model import GovernanceModel
    return sum(1 for thing in gc.get_objects() if isinstance(thing, GovernanceModel))


def test_a_worker_frees_each_run_before_the_next():
    # a model and its agents refer to each other and the run leaves them unscanned by the
    # collector: without freeing each, a sweep's worker filled the machine's memory
    from conftest import small_scenario

    from model.experiment.backends import Task, execute
    from model.experiment.design import Run
    from model.simulate import release, simulate

    release()
    before = live_models()
    base = small_scenario(overrides={"run.days": 5})
    for seed in range(3):
        run = Run(f"r{seed}", 0, "baseline", 0, 0, seed, ())
        assert execute(Task(run, base)).row["status"] == "ok"
        simulate(base, seed=seed)
    assert live_models() == before
