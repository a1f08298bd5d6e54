"""`cogov dashboard` stops cleanly: SIGTERM or SIGINT leaves no server and no child behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest
from dashboard_helpers import free_port

pytest.importorskip("solara")

START_S = 120  # a guard for a busy machine, not a speed requirement


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(port: int) -> subprocess.Popen:
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    server = subprocess.Popen([sys.executable, "-m", "model.cli", "dashboard", "--port",
                               str(port)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_S
    while not listening(port):
        assert server.poll() is None, server.stderr.read().decode()
        assert time.monotonic() < deadline, f"the dashboard did not listen within {START_S} s"
        time.sleep(0.2)
    return server


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_every_child(signum):
    port = free_port()
    server = start(port)
    children = psutil.Process(server.pid).children(recursive=True)
    assert children, "cogov dashboard runs the Solara server as a child"
    try:
        server.send_signal(signum)
        server.wait(timeout=60)
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"children left running: {alive}"
        assert not listening(port), "the port is free again"
        assert server.returncode == 128 + signum
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def own_signal_handlers():
    """``serve`` installs its handlers in this process; put pytest's back afterwards."""
    saved = {signum: signal.getsignal(signum)
             for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_server_killed_by_a_signal_is_reported_as_a_shell_would(own_signal_handlers):
    from model.process_group import serve

    assert serve(["sh", "-c", "kill -TERM $$"], dict(os.environ)) == 128 + signal.SIGTERM
    assert serve(["sh", "-c", "exit 3"], dict(os.environ)) == 3
