"""Time the dashboard playing the default district in headless Chromium: JSON lines.

Starts ``cogov dashboard`` on a free port of 127.0.0.1, with ``COGOV_DASHBOARD_TIMING`` set so
the server logs every play tick (days stepped; seconds stepping the model, showing the numbers,
waiting for the next tick) and every chart drawing. Opens the page in Debian's chromium through
Playwright and, for each mode and language, plays the 20,000-resident baseline for
``--seconds`` or until its last day. Prints one JSON line per case:

- ``days_per_s`` on the page's day counter, ``year_s`` (seconds to the run's last day);
- ``ticks_per_s``, ``days_per_tick``, ``tick_ms`` and the shares of a tick spent in the model,
  in showing the numbers and waiting (``model_share``, ``publish_share``, ``wait_share``);
- ``charts_per_s``, ``chart_ms`` (one drawing of the shown charts) and ``chart_gap_s_max``
  (the longest time between two drawings);
- the browser's frame time (``requestAnimationFrame`` intervals: median, 95th percentile,
  maximum) and the share of time in long tasks (over 50 ms of the page's main thread).

Stops the server and the browser it started.

Usage: python benchmarks/dashboard.py [--seconds 30] [--langs en zh] [--modes single compare]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from model import load_scenario
from model.dashboard.state import TIMING_ENV
from model.process_group import stop_group

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1800}
SERVER_START_S = 60
TIMEOUT_MS = 30_000
LANGUAGE_BUTTONS = {"en": "English", "zh": "中文"}
RUN_DAYS = load_scenario("baseline").run.days  # playing stops there
# Collects requestAnimationFrame intervals and long tasks (> 50 ms of main thread) in the page.
FRAME_PROBE = """() => {
  window.__frames = []; window.__longTasks = [];
  let last = performance.now();
  const tick = (now) => { window.__frames.push(now - last); last = now;
                          if (window.__probing) requestAnimationFrame(tick); };
  window.__probing = true; requestAnimationFrame(tick);
  new PerformanceObserver((list) => { for (const e of list.getEntries())
    window.__longTasks.push(e.duration); }).observe({type: "longtask", buffered: false});
}"""
FRAME_RESULT = """() => { window.__probing = false;
  return {frames: window.__frames, longTasks: window.__longTasks}; }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"cogov dashboard exited with {server.returncode}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            with no_proxy.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise SystemExit(f"cogov dashboard did not answer {url} within {SERVER_START_S} s")


@contextlib.contextmanager
def serving(timing: Path, log: Path) -> Iterator[str]:
    """``cogov dashboard`` on a free port of 127.0.0.1, logging play ticks to ``timing``."""
    port = _free_port()
    argv = [sys.executable, "-m", "model.cli", "dashboard", "--host", "127.0.0.1",
            "--port", str(port)]
    env = {**os.environ, TIMING_ENV: str(timing)}
    with log.open("wb") as out:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url, server)
        yield url
    finally:
        stop_group(server)


def _ticks(timing: Path) -> list[dict[str, float]]:
    if not timing.exists():
        return []
    return [json.loads(line) for line in timing.read_text().splitlines() if line.strip()]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _open(browser: Any, url: str, lang: str, mode: str) -> Any:
    """A fresh session's page in ``lang``, in compare mode if asked, at day 0."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator(".cogov-day").filter(has_text="0").wait_for()
    if lang != "en":
        page.locator(".cogov-language").get_by_role(
            "button", name=LANGUAGE_BUTTONS[lang]).click()
        page.locator(".cogov-reset").filter(has_text="重置").wait_for()
    if mode == "compare":
        page.locator(".cogov-compare .v-input--selection-controls__input").click()
        page.locator(".cogov-compare-chart img").wait_for()
    return page


def _day(page: Any) -> int:
    return int(page.locator(".cogov-day").first.text_content())


def _play_until(page: Any, seconds: float, last_day: int) -> tuple[int, float, float | None]:
    """Play until ``seconds`` pass or the run ends; days advanced, seconds, time to the end."""
    first, started = _day(page), time.monotonic()
    page.locator(".cogov-play").click()
    day, elapsed = first, 0.0
    while elapsed < seconds and day < last_day:
        page.wait_for_timeout(100)
        day, elapsed = _day(page), time.monotonic() - started
    return day - first, elapsed, elapsed if day >= last_day else None


def play(browser: Any, url: str, timing: Path, lang: str, mode: str,
         seconds: float) -> dict[str, Any]:
    """Play one session for ``seconds`` (or to the run's end): days/s, tick shares, frames."""
    page = _open(browser, url, lang, mode)
    timing.unlink(missing_ok=True)
    page.evaluate(FRAME_PROBE)
    days, elapsed, to_end = _play_until(page, seconds, RUN_DAYS)
    probe = page.evaluate(FRAME_RESULT)
    if to_end is None:
        page.locator(".cogov-play").click()
    page.wait_for_timeout(1000)  # let the last tick and drawing reach the log
    page.context.close()
    return {"lang": lang, "mode": mode, "seconds": round(elapsed, 1), "days": days,
            "days_per_s": round(days / elapsed, 1),
            "year_s": None if to_end is None else round(to_end, 1),
            **_server_side(_ticks(timing), elapsed), **_browser_side(probe, elapsed)}


def _server_side(lines: list[dict[str, float]], elapsed: float) -> dict[str, Any]:
    """Ticks per second, what a tick spent its time on, and how often charts were new."""
    ticks = [line for line in lines if "tick_s" in line]
    drawings = [line["charts_s"] for line in lines if "charts_s" in line]
    shown = [line["shown_at"] for line in lines if "shown_at" in line]
    gaps = [later - earlier for earlier, later in zip(shown, shown[1:], strict=False)]
    tick_s = sum(t["tick_s"] for t in ticks)
    return {
        "ticks_per_s": round(len(ticks) / elapsed, 1),
        "days_per_tick": round(sum(t["days"] for t in ticks) / max(1, len(ticks)), 2),
        "tick_ms": round(1000 * tick_s / max(1, len(ticks)), 1),
        "model_share": _share(ticks, "model_s", tick_s),
        "publish_share": _share(ticks, "publish_s", tick_s),
        "wait_share": _share(ticks, "wait_s", tick_s),
        "charts_per_s": round(len(drawings) / elapsed, 2),
        "chart_ms": round(1000 * statistics.mean(drawings), 1) if drawings else None,
        "chart_gap_s_max": round(max(gaps), 2) if gaps else None,
    }


def _browser_side(probe: dict[str, list[float]], elapsed: float) -> dict[str, Any]:
    """Frame intervals (requestAnimationFrame) and the share of time in long tasks."""
    frames = probe["frames"][1:]
    return {
        "frame_ms_median": round(statistics.median(frames), 1) if frames else None,
        "frame_ms_p95": round(_percentile(frames, 0.95), 1),
        "frame_ms_max": round(max(frames, default=float("nan")), 1),
        "long_task_share": round(sum(probe["longTasks"]) / (1000 * elapsed), 3),
    }


def _share(ticks: list[dict[str, float]], part: str, total: float) -> float | None:
    """The share of the ticks' time spent in ``part``."""
    return round(sum(t.get(part, 0.0) for t in ticks) / total, 3) if total else None


def main() -> None:
    """Start the dashboard and the browser, play each language and mode, print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="longest play per case (it stops earlier at the run's last day)")
    parser.add_argument("--langs", nargs="+", choices=tuple(LANGUAGE_BUTTONS),
                        default=list(LANGUAGE_BUTTONS))
    parser.add_argument("--modes", nargs="+", choices=("single", "compare"),
                        default=["single", "compare"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cogov-bench-") as folder:
        timing, log = Path(folder) / "ticks.jsonl", Path(folder) / "server.log"
        with serving(timing, log) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for mode in args.modes:
                    for lang in args.langs:
                        print(json.dumps(play(browser, url, timing, lang, mode, args.seconds)),
                              flush=True)
            finally:
                browser.close()


if __name__ == "__main__":
    main()
