"""Running a server as a child in its own process group, and stopping all of it on a signal.

``cogov dashboard`` runs the dashboard's server this way: SIGTERM, SIGINT (Ctrl-C) or SIGHUP
to cogov stops the server and everything it started, within a grace period, and leaves no
process and no listening port behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

#: Seconds the server has to stop on SIGTERM before it is killed (a heavy render can make it
#: ignore SIGTERM for longer).
STOP_GRACE_S = 4.0


def serve(argv: list[str], env: dict[str, str]) -> int:
    """Run the server in its own process group until it exits or this process is told to stop.

    SIGTERM, SIGINT and SIGHUP stop the whole group (the server and anything it started):
    SIGTERM at once, SIGKILL if it still runs :data:`STOP_GRACE_S` seconds later; nothing is
    left running. The signal handler only asks; this loop, the one place that waits for the
    server, enforces the grace period.
    """
    asked: list[tuple[int, float]] = []
    started: list[subprocess.Popen] = []

    def stop(signum: int, frame: object) -> None:
        asked.append((signum, time.monotonic()))
        if started:
            _signal_group(started[0].pid, signal.SIGTERM)

    # installed before the server starts, so no signal can leave it running without us
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    if asked:
        return 128 + asked[0][0]
    server = subprocess.Popen(argv, env=env, start_new_session=True)
    started.append(server)
    if asked:
        _signal_group(server.pid, signal.SIGTERM)
    try:
        while True:
            try:
                code = server.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if asked and time.monotonic() - asked[0][1] > STOP_GRACE_S:
                    _signal_group(server.pid, signal.SIGKILL)
    finally:
        stop_group(server)
    if asked:
        return 128 + asked[0][0]
    return 128 - code if code < 0 else code  # a server killed by a signal, as a shell says it


def stop_group(server: subprocess.Popen) -> None:
    """Stop what is left of ``server``'s process group: politely, then by force."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        if not _signal_group(server.pid, signum):
            break
        try:
            server.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + STOP_GRACE_S
        while group_alive(server.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not group_alive(server.pid):
            break


def _signal_group(group: int, signum: int) -> bool:
    """Send ``signum`` to process group ``group``; False when the group is gone."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    return True


def group_alive(group: int) -> bool:
    """Whether a process of process group ``group`` still runs (zombies do not count).

    A zombie waits for its parent to collect it and holds no port or memory; where no process
    table can be read (not Linux), any member counts.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return _signal_group(group, 0)
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False
