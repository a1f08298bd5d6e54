"""Shared by the dashboard tests: a served dashboard on a free port, and a fresh session state."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from model.process_group import stop_group

ROOT = Path(__file__).resolve().parents[1]
START_S = 120  # a guard for a busy machine, not a speed requirement


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    """Return once the server answers 200 on ``/readyz``; fail if it exits or never does."""
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_S
    while True:
        assert server.poll() is None, (
            f"cogov dashboard exited with {server.returncode}:\n{log.read_text()}")
        assert time.monotonic() < deadline, (
            f"cogov dashboard did not answer within {START_S} s:\n{log.read_text()}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            with no_proxy.open(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)


@contextlib.contextmanager
def serving(folder: Path, *extra: str) -> Iterator[int]:
    """``cogov dashboard EXTRA`` on a free port of 127.0.0.1 while in the block; its port.

    The server's output goes to ``folder/server.log``; its whole process group is stopped at
    the end, whatever happened.
    """
    port, log = free_port(), folder / "server.log"
    argv = [sys.executable, "-m", "model.cli", "dashboard", "--host", "127.0.0.1", "--port",
            str(port), *extra]
    with log.open("wb") as out:
        server = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_up(port, server, log)
        yield port
    finally:
        stop_group(server)


def fresh_session(run: object) -> None:
    """Set every reactive of the dashboard's state as a new session starts, showing ``run``."""
    from model.dashboard import state

    state.choice.value = state.Choice()
    state.uploads.value = {}
    state.problems.value = []
    state.lang.value = "en"
    state.compare.value = False
    state.playing.value = False
    state.days_per_tick.value = 1
    state.colour_by.value = "backlog"
    state.images.value = {}
    state.runs.value = {"single": run}
