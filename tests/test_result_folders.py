"""Result folders: nothing a command did not write is lost, one writer at a time, bad files.

Each refusal is one exact line on stderr with exit status 2, and every file the command did
not write (hashed before and after) is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sweep_helpers import REPO, SMALL_ARGS, write_spec

import model.experiment.runner as runner_module
import model.locking as locking
from model.cli import main
from model.experiment import ResultStore
from model.locking import LOCK_NAME, FolderBusyError, FolderLock

TINY = [*SMALL_ARGS, "--days", "5"]
FRESH_ADVICE = "use --fresh to discard the folder's results"
# two scenarios, two replications, five days; one outcome and no series figures keep reports fast
SPEC = {"scenarios": ["baseline", "whistle"], "replications": 2, "days": 5,
        "save_series": True, "outcomes": ["resolved_share"], "analysis": {"timeseries": False}}


def tree(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones too), by relative path."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def run_cli(capsys, *argv: str) -> tuple[int, list[str], str]:
    """``cogov ARGV`` in this process: status, stderr lines, stdout."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


def sweep(capsys, spec: Path, out: Path, *extra: str) -> tuple[int, list[str], str]:
    return run_cli(capsys, "sweep", str(spec), "--backend", "serial", "--out", str(out),
                   "--quiet", *extra)


def sorted_runs(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet").sort_values("run_id").reset_index(drop=True)


@pytest.fixture
def spec(tmp_path) -> Path:
    """The spec :data:`SPEC` on the small district."""
    return write_spec(tmp_path / "spec.toml", **SPEC)


@pytest.fixture(scope="module")
def swept_once(tmp_path_factory) -> Path:
    """A finished sweep of :data:`SPEC`, with its series and its report."""
    folder = tmp_path_factory.mktemp("template")
    spec = write_spec(folder / "spec.toml", **SPEC)
    out = folder / "swept"
    assert main(["sweep", str(spec), "--backend", "serial", "--out", str(out), "--quiet"]) == 0
    assert main(["report", str(out)]) == 0
    return out


@pytest.fixture
def swept(swept_once, tmp_path) -> Path:
    """A copy of the finished sweep for one test to change."""
    return Path(shutil.copytree(swept_once, tmp_path / "swept"))


# --- compare --out writes only where it may -----------------------------------------------------


def test_compare_refuses_a_plain_folder_and_touches_nothing(tmp_path, capsys):
    out = tmp_path / "d"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "f.png").write_text("x")
    (out / "report.md").write_text("mine")
    before = tree(out)
    status, err, printed = run_cli(capsys, "compare", "baseline", "--seeds", "1", *TINY,
                                   "--out", str(out))
    assert status == 2, "a folder compare did not write is bad input"
    assert err == [f"{out}: holds files cogov compare did not write (figures, report.md); "
                   f"use a new or empty folder for --out"]
    assert printed == "", "nothing runs before the folder is accepted"
    assert tree(out) == before and sorted(p.name for p in out.iterdir()) == [
        "figures", "report.md"], "the user's files are unchanged, no lock is left"


def test_compare_refuses_a_sweep_folder(swept, capsys):
    before = tree(swept)
    status, err, _ = run_cli(capsys, "compare", "baseline", "--seeds", "1", *TINY, "--out",
                             str(swept))
    assert status == 2
    assert err == [f"{swept}: holds files cogov compare did not write (figures, manifest.json, "
                   f"report.md, ...); use a new or empty folder for --out"]
    assert tree(swept) == before, "the sweep's runs, series, report, figures and tables stay"


def test_compare_rewrites_only_its_own_files(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["--seeds", "1", *TINY, "--workers", "1", "--out", str(out)]
    assert run_cli(capsys, "compare", "baseline", "whistle", *argv)[0] == 0
    first = json.loads((out / "manifest.json").read_text())
    assert first["command"] == "compare" and "runs.parquet" in first["outputs"]
    assert set(first["outputs"]) == set(tree(out)), "the manifest lists every file written"
    (out / "notes.txt").write_text("my notes")
    (out / "scenarios" / "mine.toml").write_text("# kept")
    status, err, _ = run_cli(capsys, "compare", "baseline", *argv)
    assert status == 0 and err[-1] == f"saved to {out}", err
    files = tree(out)
    assert (out / "notes.txt").read_text() == "my notes"
    assert (out / "scenarios" / "mine.toml").read_text() == "# kept"
    assert "scenarios/whistle.toml" not in files, "its own output of the last comparison goes"
    again = json.loads((out / "manifest.json").read_text())
    assert set(again["outputs"]) == set(files) - {"notes.txt", "scenarios/mine.toml"}
    assert list(pd.read_parquet(out / "runs.parquet")["scenario"]) == ["baseline"]


# --- fewer replications keep the stored runs ----------------------------------------------------


def test_fewer_replications_keep_every_stored_run(swept, spec, capsys):
    runs, series = sorted_runs(swept), tree(swept / "series")
    assert len(runs) == 4 and len(series) == 4
    status, err, printed = sweep(capsys, spec, swept, "--replications", "1")
    assert status == 0
    assert err[0] == (f"spec: all 2 planned runs already stored, nothing to run; 2 stored runs "
                      f"of further replications kept -> {swept}")
    assert "over 1 seeds" in printed, "the table shows the replications asked for"
    assert_frame_equal(sorted_runs(swept), runs, obj="stored runs, kept whole")
    assert tree(swept / "series") == series, "no series file is orphaned or lost"
    assert list(pd.read_parquet(swept / "runs.parquet")["replication"]) == [0, 0, 1, 1], (
        "the planned runs first, the kept ones after")
    manifest = json.loads((swept / "manifest.json").read_text())
    assert (manifest["replications"], manifest["counts"]["planned"]) == (1, 2)
    assert manifest["other_runs"] == 2
    assert run_cli(capsys, "report", str(swept))[0] == 0
    text = (swept / "report.md").read_text()
    assert "Planned 2, succeeded 2, failed 0." in text
    assert ("The runs table also holds 2 runs of further replications, kept from an earlier "
            "sweep with more than 1; they are left out here.") in text
    status, err, _ = sweep(capsys, spec, swept)
    assert status == 0 and err[0] == (f"spec: all 4 planned runs already stored, nothing to "
                                      f"run -> {swept}"), "the kept runs are reused"
    assert_frame_equal(sorted_runs(swept), runs)


def test_repeated_points_are_read_and_kept_when_the_repeat_goes(tmp_path, capsys):
    design = {"kind": "lhs", "samples": 3}
    common = {"scenarios": ["baseline"], "replications": 1, "days": 5,
              "outcomes": ["resolved_share"], "analysis": {"timeseries": False},
              "factors": {"devolution.level": {"low": 0.1, "high": 0.6}}}
    repeated = write_spec(tmp_path / "spec.toml", **common,
                          design={**design, "repeat": {"points": 1, "replications": 3}})
    out = tmp_path / "out"
    assert sweep(capsys, repeated, out)[0] == 0
    runs = sorted_runs(out)
    assert list(runs["run_id"].str[-12:]) == ["p00000-r0000", "p00000-r0001", "p00000-r0002",
                                              "p00001-r0000", "p00002-r0000"]
    assert run_cli(capsys, "report", str(out))[0] == 0
    text = (out / "report.md").read_text()
    assert "- Replications: 1 per condition (3 at the first point), seeds" in text
    assert "further replications" not in text, "the repeated point's seeds are read, not left out"
    plain = write_spec(tmp_path / "spec.toml", **common, design=design)
    status, err, _ = sweep(capsys, plain, out)
    assert status == 0 and err[0] == (f"spec: all 3 planned runs already stored, nothing to "
                                      f"run; 2 stored runs of further replications kept -> {out}")
    assert_frame_equal(sorted_runs(out), runs, obj="the repeat's runs, kept whole")
    assert run_cli(capsys, "report", str(out))[0] == 0
    assert ("The runs table also holds 2 runs of further replications, kept from an earlier "
            "sweep with more than 1; they are left out here.") in (out / "report.md").read_text()
    write_spec(repeated, **common, design={**design, "repeat": {"points": 1, "replications": 3}})
    status, err, _ = sweep(capsys, repeated, out)
    assert status == 0 and err[0] == (f"spec: all 5 planned runs already stored, nothing to "
                                      f"run -> {out}"), "and reused when the repeat comes back"


# --- one writer at a time -----------------------------------------------------------------------


def wait_for(predicate, what: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Poll until ``predicate()`` holds; fail if ``proc`` ends first or after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the first sweep ended (status {proc.returncode}) before " \
                                    f"{what}; make it longer"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)


def holder_line(out: Path) -> str:
    held = json.loads((out / LOCK_NAME).read_text())
    return (f"{out}: in use by pid {held['pid']} on {held['host']} since {held['since']} "
            f"({held['what']}); wait for it to finish, or use --out to write elsewhere")


def test_second_writer_is_refused_and_a_killed_holders_lock_is_taken_over(tmp_path, spec,
                                                                          capsys):
    long = write_spec(tmp_path / "long.toml", scenarios=["baseline"], replications=5000,
                      days=5)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "model.cli", "sweep", str(long), "--backend",
                             "serial", "--out", str(out), "--quiet"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = out / LOCK_NAME
        wait_for(lambda: lock.is_file() and lock.stat().st_size > 0, "lock file", proc)
        # three runs stored, so resuming with two replications keeps at least one other
        wait_for(lambda: len(list((out / ".parts").glob("*.parquet"))) >= 3, "stored runs",
                 proc)
        expected = holder_line(out)
        assert json.loads(lock.read_text())["pid"] == proc.pid
        status, err, _ = sweep(capsys, spec, out)
        assert (status, err) == (2, [expected]), "another spec into the same folder waits"
        status, err, _ = run_cli(capsys, "compare", "baseline", "--seeds", "1", *TINY,
                                 "--out", str(out))
        assert (status, err) == (2, [expected]), "so does compare"
        assert proc.poll() is None, "the first sweep held the lock throughout"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert json.loads((out / LOCK_NAME).read_text())["pid"] == proc.pid, "a killed holder's lock"
    stored = ResultStore(out).finished()
    status, err, _ = sweep(capsys, long, out, "--replications", "2")
    assert status == 0, err
    assert err[0] == (f"long: all 2 planned runs already stored, nothing to run; "
                      f"{len(stored) - 2} stored runs of further replications kept -> {out}")
    assert not (out / LOCK_NAME).exists(), "the stale lock was taken over, then released"
    assert ResultStore(out).finished() == stored, "every run the killed sweep stored is kept"


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def write_lock(folder: Path, pid: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LOCK_NAME).write_text(json.dumps({"pid": pid, "host": socket.gethostname(),
                                                "since": "2025-01-02T03:04:05+00:00",
                                                "what": "sweep 'other'"}))


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "pid-only"])
def test_stale_lock_is_taken_over_and_a_live_one_refuses(flock, tmp_path, monkeypatch):
    if not flock:  # a filesystem without flock: the pid in the file decides
        monkeypatch.setattr(locking, "fcntl", None)
    folder = tmp_path / "f"
    write_lock(folder, dead_pid())
    with FolderLock(folder, "test") as lock:
        assert lock.stale is not None and not lock.stale.alive()
        assert json.loads((folder / LOCK_NAME).read_text())["pid"] == os.getpid()
        with pytest.raises(FolderBusyError) as refused:
            FolderLock(folder, "again").acquire()
        assert str(refused.value) == holder_line(folder)
    assert list(folder.iterdir()) == [], "released: the lock file is gone"
    if not flock:
        write_lock(folder, os.getpid())  # a live holder on this host
        with pytest.raises(FolderBusyError) as refused:
            FolderLock(folder, "test").acquire()
        assert str(refused.value) == (f"{folder}: in use by pid {os.getpid()} on "
                                      f"{socket.gethostname()} since 2025-01-02T03:04:05+00:00 "
                                      f"(sweep 'other'); wait for it to finish, or use --out to "
                                      f"write elsewhere")


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_lock_is_released_on_interrupt_and_exceptions(error, tmp_path, spec, capsys,
                                                      monkeypatch):
    original = runner_module.run_tasks

    def one_then_fail(*args, **kwargs):
        results = original(*args, **kwargs)
        yield next(results)
        raise error("stop")

    monkeypatch.setattr(runner_module, "run_tasks", one_then_fail)
    out = tmp_path / "out"
    if error is KeyboardInterrupt:
        assert sweep(capsys, spec, out)[0] == 130
    else:
        with pytest.raises(RuntimeError):
            sweep(capsys, spec, out)
    assert not (out / LOCK_NAME).exists(), "the lock goes with the sweep"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["ok"] == 1
    monkeypatch.setattr(runner_module, "run_tasks", original)
    status, err, _ = sweep(capsys, spec, out)
    assert status == 0 and "4 runs planned, 1 already stored, 4 ok, 0 failed" in err[0]


# --- corrupt and read-only folders --------------------------------------------------------------


def corrupt(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40] if path.exists() else b"PAR1 truncated")


@pytest.mark.parametrize(("name", "advice"), [
    ("runs.parquet", f"move it away to rerun its runs, or {FRESH_ADVICE}"),
    (".parts/whistle-p00000-r0001.parquet", f"delete it to rerun that run, or {FRESH_ADVICE}"),
    ("manifest.json", f"{FRESH_ADVICE}, or --out to write elsewhere")])
def test_resume_over_a_corrupt_file_is_one_line_and_drops_nothing(name, advice, swept, spec,
                                                                  capsys):
    (swept / ".parts").mkdir()
    corrupt(swept / name)
    before = tree(swept)
    status, err, _ = sweep(capsys, spec, swept)
    kind = "JSON" if name.endswith(".json") else "Parquet"
    assert (status, err) == (2, [f"{swept / name}: cannot be read (truncated or not {kind}); "
                                 f"{advice}"])
    assert tree(swept) == before, "the readable runs and everything else stay as they were"


def test_finished_sweep_in_a_read_only_folder_needs_no_writing(swept, spec, capsys):
    before = {path: path.stat().st_mtime_ns for path in swept.rglob("*")}
    hashes = tree(swept)
    modes = {path: path.stat().st_mode for path in [swept, *swept.rglob("*")]}
    try:
        for path in modes:
            path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
        status, err, printed = sweep(capsys, spec, swept)
    finally:
        for path, mode in modes.items():
            path.chmod(stat.S_IMODE(mode))
    assert status == 0, err
    assert err == [f"spec: all 4 planned runs already stored, nothing to run -> {swept}",
                   f"next: cogov report {swept}"]
    assert "over 2 seeds" in printed
    assert tree(swept) == hashes and before == {path: path.stat().st_mtime_ns
                                                for path in swept.rglob("*")}, "nothing written"


def test_report_of_a_killed_sweep_reports_its_parts(swept, capsys):
    runs = pd.read_parquet(swept / "runs.parquet")
    parts = swept / ".parts"
    parts.mkdir()
    for index in (3, 0, 2):  # the order runs finished in
        runs.iloc[[index]].to_parquet(parts / f"{runs['run_id'][index]}.parquet", index=False)
    (swept / "runs.parquet").unlink()
    manifest = json.loads((swept / "manifest.json").read_text())
    (swept / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    before = tree(swept / ".parts")
    status, err, _ = run_cli(capsys, "report", str(swept))
    assert status == 0 and len(err) == 1, err
    assert err[0].startswith("wrote ") and err[0].endswith(f" files; see {swept / 'report.md'}")
    text = (swept / "report.md").read_text()
    assert ("3 finished runs are in `.parts/`, not yet merged into runs.parquet: the sweep has "
            "not finished (status: running). If it is no longer running, rerun the same sweep "
            "command to resume it.") in text
    assert "Planned 4, succeeded 3, failed 0." in text
    assert tree(swept / ".parts") == before and not (swept / "runs.parquet").exists(), (
        "the report reads the parts and writes none of the store")
    for part in parts.iterdir():
        part.unlink()
    status, err, _ = run_cli(capsys, "report", str(swept))
    assert (status, err) == (2, [f"cogov report: error: {swept / 'runs.parquet'}: no such "
                                 f"file; the sweep has stored no run yet (status: running): if "
                                 f"it is no longer running, rerun it to resume"])


def test_report_emulate_of_a_design_without_sobol_is_refused_and_changes_nothing(swept, capsys):
    kind = json.loads((swept / "manifest.json").read_text())["design"]["kind"]
    before = tree(swept)
    status, err, _ = run_cli(capsys, "report", str(swept), "--emulate")
    assert (status, err) == (2, [f"cogov report: error: {swept / 'manifest.json'}: design.kind "
                                 f"is {kind!r}; emulated indices need a Sobol or Latin hypercube "
                                 f"design (allowed: 'sobol', 'lhs')"])
    assert tree(swept) == before, "the earlier report and the store are as they were"


# --- --fresh deletes only what sweeps write -----------------------------------------------------


def test_fresh_keeps_the_users_files(swept, spec, capsys):
    (swept / "notes.txt").write_text("mine")
    (swept / "figures" / "photo.jpg").write_text("mine")
    status, err, _ = sweep(capsys, spec, swept, "--fresh")
    assert status == 0 and "4 runs planned, 0 already stored, 4 ok" in err[0]
    files = tree(swept)
    assert {"notes.txt", "figures/photo.jpg"} <= set(files)
    assert not (swept / "report.md").exists() and not (swept / "tables").exists(), (
        "the old report goes with the results it described")
    assert [name for name in files if name.startswith("figures/")] == ["figures/photo.jpg"]


def test_fresh_refuses_a_folder_another_command_wrote(tmp_path, spec, capsys):
    out = tmp_path / "cmp"
    assert run_cli(capsys, "compare", "baseline", "--seeds", "1", *TINY, "--workers", "1",
                   "--out", str(out))[0] == 0
    before = tree(out)
    status, err, _ = sweep(capsys, spec, out, "--fresh")
    assert (status, err) == (2, [f"{out / 'manifest.json'}: written by cogov compare, not by a "
                                 f"sweep; use --out to write the sweep elsewhere"])
    assert tree(out) == before


def test_sweep_refuses_a_folder_it_did_not_write_even_fresh(tmp_path, spec, capsys):
    out = tmp_path / "plain"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "f.png").write_text("x")
    (out / "report.md").write_text("mine")
    (out / "runs.parquet").write_text("mine too")
    before = tree(out)
    for extra in ((), ("--fresh",)):
        status, err, _ = sweep(capsys, spec, out, *extra)
        assert (status, err) == (2, [f"{out}: holds files no sweep wrote (figures, report.md, "
                                     f"runs.parquet); use a new or empty folder for --out"])
        assert tree(out) == before, "nothing a sweep did not write is touched"


def test_fresh_follows_no_link_out_of_the_folder(swept, spec, tmp_path, capsys):
    outside = tmp_path / "outside"
    (outside / "figs").mkdir(parents=True)
    (outside / "figs" / "paper.png").write_text("mine")
    (outside / "ser").mkdir()
    (outside / "ser" / "data.parquet").write_text("mine")
    shutil.rmtree(swept / "figures")
    shutil.rmtree(swept / "series")
    (swept / "figures").symlink_to(outside / "figs")
    (swept / "series").symlink_to(outside / "ser")
    before = tree(outside)
    assert sweep(capsys, spec, swept)[0] == 0, "a finished sweep only reads"
    status, err, _ = sweep(capsys, spec, swept, "--fresh")
    assert (status, err) == (2, [f"{swept / 'series'}: is a link; a sweep writes only inside "
                                 f"its own folder (remove the link, or use --out to write "
                                 f"elsewhere)"])
    assert tree(outside) == before, "files a link leads to are not the sweep's"


def test_a_link_in_place_of_the_lock_is_refused(tmp_path, spec, capsys):
    target = tmp_path / "important.txt"
    target.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).symlink_to(target)
    status, err, _ = sweep(capsys, spec, out)
    assert (status, err) == (2, [f"{out / LOCK_NAME}: is a link or not a file; remove it, or "
                                 f"use --out to write elsewhere"])
    assert target.read_text() == "precious"


def test_a_runs_table_with_the_wrong_types_is_one_line(swept, spec, capsys):
    pd.DataFrame({"run_id": [1, 2], "status": [None, "ok"]}).to_parquet(swept / "runs.parquet")
    status, err, _ = sweep(capsys, spec, swept)
    assert status == 2 and err == [
        f"{swept / 'runs.parquet'}: not a runs table ('run_id' holds other than text); move it "
        f"away to rerun its runs, or {FRESH_ADVICE}"]


def test_compare_writes_through_no_link(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ("compare", "baseline", "--seeds", "1", *TINY, "--workers", "1", "--out", str(out))
    assert run_cli(capsys, *args)[0] == 0
    outside = tmp_path / "outside.toml"
    outside.write_text("mine")
    (out / "scenarios" / "baseline.toml").unlink()
    (out / "scenarios" / "baseline.toml").symlink_to(outside)
    status, err, _ = run_cli(capsys, *args)
    assert (status, err) == (2, [f"{out / 'scenarios' / 'baseline.toml'}: is a link; cogov "
                                 f"compare writes only files of its own folder (use a new or "
                                 f"empty folder for --out)"])
    assert outside.read_text() == "mine"
