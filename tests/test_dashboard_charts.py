"""The dashboard's charts in Chinese: every glyph drawn, on any machine with a CJK font file.

matplotlib lists the system's fonts once and caches the list; a CJK font installed afterwards
(a fresh machine runs ``make run`` before ``make test`` installs fonts-wqy-zenhei) is missing
from that list. ``charts.register_cjk_fonts`` finds the font files and registers them. These
tests skip only where no CJK font file exists at all.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest
from conftest import small_scenario
from matplotlib import font_manager
from matplotlib.figure import Figure

from model.dashboard import charts
from model.dashboard.session import COLOUR_BY, ComparePair, DashboardRun

FONT_FILES = charts.cjk_font_files()
pytestmark = pytest.mark.skipif(not FONT_FILES, reason="no CJK font file on this machine "
                                "(make test installs fonts-wqy-zenhei)")


def _is_cjk(font: font_manager.FontEntry) -> bool:
    return font.name in charts.CJK_FONTS or bool(charts.CJK_FILE_NAME.search(font.fname))


@pytest.fixture(scope="module")
def run() -> DashboardRun:
    """A small district after 40 days: every chart has data, the network has flows."""
    dashboard_run = DashboardRun(small_scenario("integrated"), seed=3)
    dashboard_run.step(40)
    return dashboard_run


def chinese_figures(run: DashboardRun) -> dict[str, Figure]:
    """Every chart the dashboard shows, in Chinese."""
    pair = ComparePair(small_scenario(), small_scenario("whistle"), seed=3)
    pair.step(10)
    figures = {
        "series": charts.series_figure(run.series(), "zh"),
        "compare": charts.compare_figure(pair.left.series(), pair.right.series(),
                                         ("baseline", "whistle"), "zh"),
        "settled": charts.settled_figure(run.settled(), "zh"),
        "channels": charts.channels_figure(run.channels(), "zh"),
        "neighbours": charts.neighbours_figure(run.neighbours(0), "社区1-1", "zh"),
    }
    for colour_by in COLOUR_BY:
        district = run.network(colour_by)
        figures[f"network-{colour_by}"] = charts.network_figure(
            district.nodes, district.edges, colour_by, "zh")
    return figures


def test_every_chinese_chart_draws_every_glyph(run):
    for name, figure in chinese_figures(run).items():
        with warnings.catch_warnings():
            # matplotlib warns "Glyph 20013 (...) missing from font(s) DejaVu Sans." per glyph
            warnings.filterwarnings("error", message="Glyph", category=UserWarning)
            try:
                png = charts.png(figure)
            except UserWarning as missing:
                pytest.fail(f"the {name} chart drew Chinese text without a CJK font "
                            f"({charts.FONT_FAMILY}): {missing}")
        assert png.startswith(b"\x89PNG"), f"the {name} chart should render to PNG"


def test_chinese_charts_use_a_cjk_family():
    assert charts.FONT_FAMILY[0] in charts.cjk_families(), (
        f"with a CJK font file on the machine ({FONT_FILES}), Chinese chart text should use "
        f"a CJK family first; FONT_FAMILY is {charts.FONT_FAMILY}")


def test_a_stale_font_list_gets_the_cjk_font_back():
    # a font list cached before the CJK font was installed: no CJK entry at all
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [font for font in font_manager.fontManager.ttflist if not _is_cjk(font)]
    assert not charts.cjk_families(stale), "the simulated stale list should know no CJK font"

    families = charts.register_cjk_fonts(stale)

    assert families, f"the CJK font files {FONT_FILES} should be registered again"
    found = stale.findfont(font_manager.FontProperties(family=families[0]),
                           fallback_to_default=False)
    assert Path(found).resolve() in {Path(path).resolve() for path in FONT_FILES}, (
        f"'{families[0]}' should come from one of the CJK font files, not {found}")


def test_nothing_is_registered_when_a_cjk_font_is_known(monkeypatch):
    known = list(font_manager.fontManager.ttflist)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", known)
    assert charts.register_cjk_fonts() == charts.cjk_families()
    assert font_manager.fontManager.ttflist == known, "nothing is added when a CJK font is known"


def test_registration_repairs_matplotlibs_own_font_list(monkeypatch):
    stale = [font for font in font_manager.fontManager.ttflist if not _is_cjk(font)]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    families = charts.register_cjk_fonts()
    assert families and families[0] in {font.name for font in stale}, (
        "registering should add the CJK font to matplotlib's own font manager")
