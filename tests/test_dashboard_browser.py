"""The dashboard in a real browser: Playwright drives Debian's chromium against ``cogov dashboard``.

One server per module (per xdist worker), started on a free port of 127.0.0.1 and stopped by
the fixture that started it. Every test opens its own browser context, so each has its own
Solara session. Every request that is not to the local server is blocked and, at the end of
each test, must not have been attempted: the page works offline (``make solara-assets`` puts
Solara's JavaScript and CSS in its local cache). Screenshots of each state are written into the
test's ``tmp_path`` (the paths are printed; run with ``-s`` to see them).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import psutil
import pytest
from dashboard_helpers import serving

from model.dashboard.app import number_text
from model.dashboard.state import DEFAULT_RIGHT, DEFAULT_SCENARIO, MAX_DAYS_PER_TICK
from model.outcomes import OUTCOMES_BY_NAME, headline
from model.translations import group_label, outcome_label, text

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

KPIS = headline("kpi")  # the dashboard's cards, in page order

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1800}  # tall enough to show the charts in screenshots
TIMEOUT_MS = 20_000  # one click, render or download; a page is ready in about 2-3 s
PLAY_TIMEOUT_S = 120  # to see a few days and a chart redrawn while playing, on a busy machine
ASSET_SCRIPT_ERROR = 'Script error for "/_solara/cdn/'

expect.set_options(timeout=TIMEOUT_MS)  # auto-waiting assertions wait as long as actions

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make chromium installs it)", allow_module_level=True)


# -- the server -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``cogov dashboard`` on a free port of 127.0.0.1; its URL."""
    with serving(tmp_path_factory.mktemp("dashboard")) as port:
        yield f"http://127.0.0.1:{port}/"


# -- the browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _is_local(url: str, server: str) -> bool:
    """Whether ``url`` is the local server (``blob:`` and ``data:`` URLs made by the page too)."""
    if url.startswith("data:"):
        return True
    if url.startswith("blob:"):
        url = url.removeprefix("blob:")
    return urlsplit(url).netloc == urlsplit(server).netloc


class Browsing:
    """Opens dashboard pages, each in a new browser context (its own Solara session).

    Requests elsewhere than the server are blocked and kept in ``external``; the page's
    JavaScript errors in ``errors``; the server's answers of 400 or more (and requests that
    failed) in ``failed``; requests still waiting for their answer in ``pending``.
    """

    def __init__(self, browser: object, server: str) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[object] = []
        self.external: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.pending: set[object] = set()

    def _route(self, route: object) -> None:
        if _is_local(route.request.url, self.server):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _answered(self, response: object) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _requested(self, request: object) -> None:
        self.pending.add(request)

    def _finished(self, request: object) -> None:
        self.pending.discard(request)

    def _request_failed(self, request: object) -> None:
        self.pending.discard(request)
        self.failed.append(f"{request.failure} {request.url}")

    def open(self) -> object:
        """A new context's page with the dashboard loaded, at day 0."""
        context = self.browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self._route)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._answered)
        page.on("request", self._requested)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._request_failed)
        page.goto(self.server)
        expect(page.locator(".cogov-day")).to_have_text("0", timeout=TIMEOUT_MS)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: object, server: str) -> Iterator[Browsing]:
    """Opens pages on the server; at teardown none may have tried the internet or thrown.

    A Solara asset missing from the local cache fails late (the server first tries the
    internet) with a requirejs "Script error"; that is the asset test's finding, so those
    errors are left to it here and other tests do not fail by how long they took.
    """
    browsing = Browsing(browser, server)
    yield browsing
    browsing.close()
    assert not browsing.external, (
        f"the page should work offline but tried to fetch {browsing.external}")
    errors = [error for error in browsing.errors if not error.startswith(ASSET_SCRIPT_ERROR)]
    assert not errors, f"the page threw JavaScript errors: {errors}"


# -- helpers ----------------------------------------------------------------------------------
def shot(page: object, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=path)
    print(f"screenshot: {path}")
    return path


def day_of(page: object) -> int:
    return int(page.locator(".cogov-day").text_content())


def kpi_values(page: object) -> dict[str, str]:
    """The value shown on each headline KPI card (single view)."""
    return {name: page.locator(f".kpi-{name} .kpi-value").text_content()
            for name in KPIS}


def wait_for(page: object, condition: Callable[[], bool], message: Callable[[], str],
             timeout_s: float = 20) -> None:
    """Poll ``condition`` until true (letting the page's events through), else fail."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message())
        page.wait_for_timeout(50)


def set_days_per_tick(page: object, days: int) -> None:
    """Move the days-per-tick slider with the keyboard (Home, then ArrowRight or End)."""
    slider = page.get_by_role("slider", name=text("days_per_tick", "en"))
    slider.focus()
    slider.press("Home")
    if days == MAX_DAYS_PER_TICK:
        slider.press("End")
    for _ in range(days - 1 if days < MAX_DAYS_PER_TICK else 0):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", str(days))
    # the browser moves the thumb at once; the server may still be taking the key presses
    expect(page.locator(".cogov-days-per-tick")).to_have_text(str(days))


def step(page: object, expected_day: int) -> None:
    page.locator(".cogov-step").click()
    expect(page.locator(".cogov-day")).to_have_text(str(expected_day))


def switch_on(container: object) -> None:
    """Turn on the Vuetify switch inside ``container`` (its ripple takes the clicks)."""
    container.locator(".v-input--selection-controls__input").click()
    expect(container.get_by_role("switch")).to_have_attribute("aria-checked", "true")


def download(page: object, label_key: str, folder: Path) -> Path:
    """Click an export button and save the file it downloads into ``folder``."""
    with page.expect_download() as started:
        page.get_by_role("button", name=text(label_key, "en")).click()
    done = started.value
    path = folder / done.suggested_filename
    done.save_as(path)
    return path


def exported_settings(page: object, folder: Path) -> dict:
    return tomllib.loads(download(page, "export_toml", folder).read_text(encoding="utf-8"))


def exported_series(page: object, folder: Path) -> pd.DataFrame:
    return pd.read_csv(download(page, "export_csv", folder))


# -- the tests --------------------------------------------------------------------------------
def test_page_loads_offline_with_title_kpis_and_day_zero(pages, tmp_path):
    page = pages.open()
    title = text("app_title", "en")
    expect(page).to_have_title(title)
    expect(page.locator(".v-toolbar__title")).to_have_text(title)
    expect(page.locator(".kpi")).to_have_count(len(KPIS))
    for name in KPIS:
        expect(page.locator(f".kpi-{name} .kpi-label")).to_have_text(outcome_label(name, "en"))
    expect(page.locator(".cogov-day")).to_have_text("0")
    for control in (".cogov-reset", ".cogov-step", ".cogov-play", ".cogov-compare"):
        expect(page.locator(control)).to_be_visible()
    shot(page, tmp_path, "01-loaded")


def test_every_solara_asset_is_served_from_the_local_cache(pages):
    page = pages.open()
    wait_for(page, lambda: not pages.pending,
             lambda: f"requests still unanswered: {[request.url for request in pages.pending]}",
             timeout_s=30)
    assert not pages.failed, (
        f"every asset should come from Solara's local CDN cache (make solara-assets); the "
        f"server could not serve {pages.failed}, after trying the internet for them")
    assert not pages.errors, f"the page threw JavaScript errors: {pages.errors}"


def test_language_switch_changes_labels(pages, tmp_path):
    page = pages.open()
    languages = page.locator(".cogov-language")
    label = page.locator(".kpi-mean_trust .kpi-label")
    languages.get_by_role("button", name="中文").click()
    expect(page.locator(".cogov-reset")).to_have_text("重置")
    chinese = outcome_label("mean_trust", "zh")
    assert chinese != outcome_label("mean_trust", "en"), "the KPI label should be translated"
    expect(label).to_have_text(chinese)
    expect(page).to_have_title(text("app_title", "zh"))
    expect(page.get_by_text(group_label("whistle", "zh"), exact=True)).to_be_visible()
    shot(page, tmp_path, "02-chinese")
    languages.get_by_role("button", name="English").click()
    expect(page.locator(".cogov-reset")).to_have_text("Reset")
    expect(label).to_have_text(outcome_label("mean_trust", "en"))
    expect(page).to_have_title(text("app_title", "en"))
    shot(page, tmp_path, "02-english-again")


def test_lever_takes_effect_on_reset_and_changes_the_run(pages, tmp_path):
    page = pages.open()
    set_days_per_tick(page, 30)
    step(page, 30)
    without = exported_series(page, tmp_path / "off")
    assert exported_settings(page, tmp_path / "off")["whistle"]["enabled"] is False, (
        "the baseline scenario should run without the street whistle")

    page.get_by_text(group_label("whistle", "en"), exact=True).click()
    switch_on(page.locator(".lever-whistle-enabled"))
    shot(page, tmp_path, "03-whistle-switched-on")
    expect(page.locator(".cogov-day")).to_have_text("30")
    assert exported_settings(page, tmp_path / "pending")["whistle"]["enabled"] is False, (
        "a lever change should wait for Reset, not change the running model")

    page.locator(".cogov-reset").click()
    expect(page.locator(".cogov-day")).to_have_text("0")
    expect(page.locator(".kpi-resolved_share .kpi-value")).to_have_text("–")
    step(page, 30)
    with_whistle = exported_series(page, tmp_path / "on")
    assert exported_settings(page, tmp_path / "on")["whistle"]["enabled"] is True, (
        "after Reset the run should use the street whistle")
    shot(page, tmp_path, "03-whistle-after-30-days")

    assert list(with_whistle["day"]) == list(without["day"]) == list(range(31))
    off, on = without["whistles_per_1000_cases"], with_whistle["whistles_per_1000_cases"]
    assert (off.fillna(0) == 0).all() and on.iloc[-1] > 0, (
        f"the street should whistle only after Reset with the lever on: {on.iloc[-1]:.1f} "
        f"whistles per 1,000 cases by day 30 with it")
    assert not with_whistle["resolved_share"].equals(without["resolved_share"]), (
        "the whistle should change the run")


def test_thirty_days_change_the_kpis(pages, tmp_path):
    page = pages.open()
    start = kpi_values(page)
    set_days_per_tick(page, 30)
    step(page, 30)

    def changed() -> list[str]:
        now = kpi_values(page)
        return [name for name in KPIS if now[name] != start[name]]

    wait_for(page, lambda: len(changed()) >= 3,
             lambda: f"30 days should change at least 3 KPI cards; changed only {changed()}")
    assert day_of(page) == 30
    shot(page, tmp_path, "04-day-30")
    print(f"KPIs changed in 30 days: {changed()}")


def test_compare_mode_shows_both_policies_and_the_chart(pages, tmp_path):
    page = pages.open()
    switch_on(page.locator(".cogov-compare"))
    for side, name in (("left_policy", DEFAULT_SCENARIO), ("right_policy", DEFAULT_RIGHT)):
        expect(page.get_by_text(f"{text(side, 'en')}: {name}", exact=True)).to_be_visible()
    expect(page.locator(".kpi")).to_have_count(2 * len(KPIS))
    chart = page.locator(".cogov-compare-chart img")
    expect(chart).to_be_visible()
    first_chart = chart.get_attribute("src")
    shot(page, tmp_path, "05-compare-day-0")
    for day in (1, 2, 3):
        step(page, day)
    expect(chart).not_to_have_attribute("src", first_chart)  # redrawn with three days
    expect(page.locator(".kpi")).to_have_count(2 * len(KPIS))
    shot(page, tmp_path, "05-compare-day-3")


def test_exports_validate_and_parse(pages, tmp_path):
    page = pages.open()
    set_days_per_tick(page, 5)
    step(page, 5)
    settings = download(page, "export_toml", tmp_path)
    assert settings.suffix == ".toml"
    checked = subprocess.run([sys.executable, "-m", "model.cli", "validate", str(settings)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, (
        f"the exported scenario should validate:\n{checked.stdout}{checked.stderr}")
    assert tomllib.loads(settings.read_text(encoding="utf-8"))["name"] == DEFAULT_SCENARIO
    series_file = download(page, "export_csv", tmp_path)
    assert series_file.suffix == ".csv"
    series = pd.read_csv(series_file)
    assert "day" in series.columns, f"the series should have a day column: {list(series)}"
    assert list(series["day"]) == list(range(6)), "one row per day, 0 to 5"
    shot(page, tmp_path, "06-exported")


def test_sessions_are_isolated(pages, tmp_path):
    first, second = pages.open(), pages.open()
    for day in (1, 2, 3):
        step(first, day)
    expect(second.locator(".cogov-day")).to_have_text("0")
    step(second, 1)  # one day on its own run, not a fourth on the shared one
    expect(first.locator(".cogov-day")).to_have_text("3")
    shot(first, tmp_path, "08-first-session-day-3")
    shot(second, tmp_path, "08-second-session-day-1")


# Reads the day and every card's value in one go: the numbers are one element, redrawn whole.
NUMBERS_NOW = """(box) => ({
  day: Number(box.querySelector('.cogov-day').textContent),
  cards: [...box.querySelectorAll('.kpi')].map((card) => [
    [...card.classList].find((name) => name.startsWith('kpi-')).slice(4),
    card.querySelector('.kpi-value').textContent]),
})"""


def numbers_now(page: object) -> tuple[int, tuple[tuple[str, str], ...]]:
    """The day shown and each KPI card's (name, value), read at one instant."""
    shown = page.locator(".cogov-numbers").evaluate(NUMBERS_NOW)
    return shown["day"], tuple(tuple(card) for card in shown["cards"])


def watch_play(page: object, chart: object, lang: str,
               enough: Callable[[list, bool], bool]) -> tuple[list, bool]:
    """Play, sampling the numbers until ``enough(samples, chart redrawn while playing)``; pause.

    Returns the samples (day, cards) and whether the chart was redrawn while playing. Pause is
    clicked whatever happens: a session left playing would slow every later test.
    """
    play, first_chart = page.locator(".cogov-play"), chart.get_attribute("src")
    samples, redrawn = [numbers_now(page)], False
    play.click()
    try:
        expect(play).to_have_text(text("pause", lang))
        deadline = time.monotonic() + PLAY_TIMEOUT_S
        while not enough(samples, redrawn) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
            samples.append(numbers_now(page))
            if not redrawn and chart.get_attribute("src") != first_chart:
                redrawn = play.text_content().strip() == text("pause", lang)
    finally:
        play.click()
    expect(play, "Pause should stop playing; if it does not, the session plays on in the "
           "server until it is culled").to_have_text(text("play", lang))
    expect(page.locator(".cogov-step")).to_be_enabled()
    return samples, redrawn


def distinct_days(samples: list) -> list[int]:
    return sorted({day for day, _ in samples})


def assert_pause_holds(page: object) -> int:
    """After Pause the day stays put (no tick is still under way a second later)."""
    paused = day_of(page)
    page.wait_for_timeout(1000)  # a window in which nothing may happen
    assert day_of(page) == paused, "the day should not move once paused"
    return paused


def _kernels(url: str) -> dict:
    """The server's count of sessions (Solara's /resourcez)."""
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with no_proxy.open(f"{url}resourcez", timeout=5) as response:
        return json.load(response)["kernels"]


def test_a_dropped_session_is_culled(browser, tmp_path):
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    with serving(tmp_path, "--cull-after", "2s", "--resourcez") as port:
        url = f"http://127.0.0.1:{port}/"
        chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = chromium.new_page()
        page.goto(url)
        expect(page.locator(".cogov-day")).to_have_text("0")
        assert _kernels(url)["total"] == 1, "one session for the open page"
        for child in psutil.Process().children(recursive=True):  # a crash: no goodbye sent
            if child.pid not in before and "chromium" in child.name():
                child.kill()
        deadline = time.monotonic() + 20
        while _kernels(url)["total"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _kernels(url)["total"] == 0, "a session whose page is gone is freed after 2 s"


# Last in the file: a session left playing (see watch_play) would slow every later test.
def test_play_shows_every_day_with_its_own_numbers(pages, tmp_path):
    page = pages.open()
    chart = page.locator(".cogov-series-chart img")
    samples, redrawn = watch_play(page, chart, "en", lambda samples, redrawn: (
        len(distinct_days(samples)) >= 6 and redrawn))
    shot(page, tmp_path, "07-played")
    days = distinct_days(samples)
    assert len(days) >= 6, f"playing should advance the day counter; saw days {days}"
    assert redrawn, "the charts should be redrawn while playing, not only after Pause"
    assert len({cards for _, cards in samples}) >= 3, "the KPI cards should change while playing"
    paused = assert_pause_holds(page)

    series = exported_series(page, tmp_path).set_index("day")
    assert series.index[-1] == paused, "the export runs up to the day shown"
    for day, cards in samples:
        for name, shown in cards:
            expected = number_text(series.loc[day, name], OUTCOMES_BY_NAME[name].unit)
            assert shown == expected, (
                f"day {day}: the {name} card showed {shown}, that day's value is {expected}: "
                f"every tick's cards should show the day on the counter")


def test_play_in_compare_mode_and_in_chinese(pages, tmp_path):
    page = pages.open()
    page.locator(".cogov-language").get_by_role("button", name="中文").click()
    expect(page.locator(".cogov-reset")).to_have_text(text("reset", "zh"))
    switch_on(page.locator(".cogov-compare"))
    expect(page.locator(".kpi")).to_have_count(2 * len(KPIS))
    chart = page.locator(".cogov-compare-chart img")
    samples, redrawn = watch_play(page, chart, "zh", lambda samples, redrawn: (
        len(distinct_days(samples)) >= 4 and redrawn))
    shot(page, tmp_path, "09-compare-played")
    days = distinct_days(samples)
    assert len(days) >= 4, f"playing both policies should advance the day; saw days {days}"
    assert redrawn, "the compare chart should be redrawn while playing"
    assert all(len(cards) == 2 * len(KPIS) for _, cards in samples), (
        "both policies' cards stay on the page while playing")
    left = {cards[:len(KPIS)] for _, cards in samples}
    right = {cards[len(KPIS):] for _, cards in samples}
    assert len(left) >= 2 and len(right) >= 2, "both sides' cards should change while playing"
    assert_pause_holds(page)


# Drops a file on Solara's drop zone as a user would. A page cannot make a real drag-and-drop
# file entry, so for files a script made the entry Chromium hands out is given by hand; the
# upload itself (chunks read over the websocket, the server's checks) is the real one.
DROP_FILE = """([name, b64]) => {
  const proto = DataTransferItem.prototype;
  if (!proto.cogovEntry) {
    const native = proto.webkitGetAsEntry;
    proto.cogovEntry = true;
    proto.webkitGetAsEntry = function () {
      const file = this.getAsFile();
      return native.call(this) || {isFile: true, file: (resolve) => resolve(file)};
    };
  }
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name));
  document.querySelector('.solara-file-drop').dispatchEvent(
    new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def drop_file(page: object, name: str, content: bytes) -> None:
    page.evaluate(DROP_FILE, [name, base64.b64encode(content).decode("ascii")])


def test_hostile_uploads_end_in_the_message_panel(pages, tmp_path):
    from test_dashboard_uploads import HOSTILE, UNKNOWN_KEYS

    page = pages.open()
    problems = page.locator(".cogov-problem")
    for name, (content, expected) in HOSTILE.items():
        drop_file(page, "up.toml", content)
        expect(problems.first).to_contain_text(expected[0])
        expect(problems).to_have_count(len(expected))
        shot(page, tmp_path, f"upload-{name}")
    drop_file(page, "up.toml", UNKNOWN_KEYS)
    expect(problems.last).to_contain_text("… and 1,980 more problems")
    expect(problems).to_have_count(21)
    step(page, 1)  # the session still works after every refusal
    good = b'name = "mine"\nextends = "baseline"\n[district]\nresidents = 3000\n'
    drop_file(page, "mine.toml", good)
    expect(problems).to_have_count(0)
    expect(page.locator(".cogov-day")).to_have_text("0")
