"""The dashboard's charts as matplotlib figures, in English or Chinese.

Each function takes plain data (daily series, the district network, settled and channel
counts) and a language and returns a small :class:`matplotlib.figure.Figure`; :func:`render`
draws one as the PNG the page shows, from picklable data, so a worker process can draw it.
Figures are built without pyplot, so sessions never share state; a chart draws in about
50-150 ms. Chinese text needs a CJK font: :func:`register_cjk_fonts` finds one even when
matplotlib's cached font list predates its installation.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from model.outcomes import headline
from model.translations import outcome_label, text

SETTLED_ORDER = ("community", "street", "department", "ngo", "unresolved")
SETTLED_COLOURS = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#9e9e9e")
CHANNEL_ORDER = ("committee", "hotline", "online", "office", "petition", "line",
                 "service_visit", "silent")
CHANNEL_COLOURS = ("#2e7d32", "#1565c0", "#0097a7", "#6a1b9a", "#c62828", "#ef6c00", "#8d6e63",
                   "#9e9e9e")
KIND_MARKERS = {"department": "s", "street": "D", "committee": "o", "ngo": "^", "hall": "P",
                "hotline": "*"}
DPI = 90
# Families that draw Chinese, best first; any other family from a CJK font file comes after.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")
# Where Debian and Ubuntu put their CJK fonts (fonts-wqy-zenhei, fonts-wqy-microhei,
# fonts-noto-cjk); other places are found by matplotlib's scan of the system font folders.
CJK_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                  "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")
CJK_FILE_NAME = re.compile(r"wqy|wenquanyi|noto\w*cjk|sourcehan|source-han|simhei|msyh|pingfang",
                           re.IGNORECASE)


def cjk_font_files() -> list[str]:
    """CJK font files on this machine: the usual Debian paths, then any the system scan finds."""
    known = [path for path in CJK_FONT_FILES if Path(path).is_file()]
    scanned = sorted(path for path in font_manager.findSystemFonts()
                     if CJK_FILE_NAME.search(Path(path).name))
    return list(dict.fromkeys([*known, *scanned]))


def cjk_families(manager: font_manager.FontManager | None = None) -> list[str]:
    """Families known to matplotlib that can draw Chinese, best first."""
    fonts = (manager or font_manager.fontManager).ttflist
    names = {font.name for font in fonts}
    others = sorted({font.name for font in fonts if CJK_FILE_NAME.search(Path(font.fname).name)})
    return [*[name for name in CJK_FONTS if name in names],
            *[name for name in others if name not in CJK_FONTS]]


def register_cjk_fonts(manager: font_manager.FontManager | None = None) -> list[str]:
    """Make sure matplotlib knows a CJK font; the families that can draw Chinese.

    matplotlib lists the system's fonts once and caches the list (``fontlist-*.json``); a font
    installed after that (a fresh machine draws a chart before ``make test`` installs
    fonts-wqy-zenhei) stays unknown, and Chinese labels come out as empty boxes. When no CJK
    family is known, the CJK font files found on disk are registered with ``addfont``.
    """
    manager = manager or font_manager.fontManager
    if not cjk_families(manager):
        for path in cjk_font_files():
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable or not a font after all
                continue
    return cjk_families(manager)


FONT_FAMILY = [*register_cjk_fonts()[:1], "DejaVu Sans"]


def png(figure: Figure) -> bytes:
    """``figure`` as PNG bytes, as the page shows it (light compression: drawing is the cost)."""
    out = io.BytesIO()
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _figure(width: float, height: float, **margins: float) -> Figure:
    """A small white figure with fixed margins (a layout engine costs more than the plot)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.set_facecolor("white")
    fig.subplots_adjust(**{"left": 0.08, "right": 0.98, "top": 0.9, "bottom": 0.14,
                           "hspace": 0.55, "wspace": 0.22, **margins})
    return fig


def _font(lang: str) -> dict[str, Any]:
    """Font properties for chart text: a CJK-capable family for Chinese."""
    return {"family": FONT_FAMILY} if lang == "zh" else {}


def _style(ax: Any) -> None:
    ax.locator_params(nbins=4)  # a small panel reads better with few ticks, and draws faster
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _title(ax: Any, name: str, lang: str) -> None:
    ax.set_title(outcome_label(name, lang), fontsize=9, **_font(lang))


def _present(frame: pd.DataFrame, outcomes: Sequence[str]) -> list[str]:
    return [name for name in outcomes if name in frame.columns]


def series_figure(series: pd.DataFrame, lang: str, outcomes: Sequence[str] | None = None,
                  marks: Sequence[tuple[int, str]] = ()) -> Figure:
    """Daily outcomes of one run (default: the ``"series"`` headline group), a panel each.

    ``marks`` are timeline entries as (day, label): a dashed line on every panel, the label on
    the first.
    """
    names = _present(series, headline("series") if outcomes is None else outcomes)
    fig = _figure(7.2, 1.9 * math.ceil(max(1, len(names)) / 2))
    axes = fig.subplots(max(1, math.ceil(len(names) / 2)), 2, squeeze=False).ravel()
    for number, (ax, name) in enumerate(zip(axes, names, strict=False)):
        ax.plot(series["day"], series[name].astype(float), color="tab:blue", lw=1.4)
        _mark(ax, marks, labelled=number == 0)
        _title(ax, name, lang)
        ax.set_xlabel(text("day", lang), fontsize=8, **_font(lang))
        _style(ax)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    return fig


def _mark(ax: Any, marks: Sequence[tuple[int, str]], labelled: bool) -> None:
    """Dashed lines at the days of ``marks``; their labels too when ``labelled``."""
    for day, label in marks:
        ax.axvline(day, color="0.45", ls="--", lw=0.8)
        if labelled:  # labels are the scenario's own words, often Chinese: a CJK font always
            ax.text(day, 1.0, f" {label}", transform=ax.get_xaxis_transform(), rotation=90,
                    va="top", ha="left", fontsize=6, color="0.3", **_font("zh"))


def compare_figure(left: pd.DataFrame, right: pd.DataFrame, names: tuple[str, str], lang: str,
                   outcomes: Sequence[str] | None = None) -> Figure:
    """Both runs of compare mode (left column) and their difference (right column).

    Each row is one outcome, by default the ``"series"`` headline group.
    """
    wanted = headline("series") if outcomes is None else outcomes
    shown = [n for n in _present(left, wanted) if n in right.columns]
    fig = _figure(7.2, 1.7 * max(1, len(shown)))
    axes = fig.subplots(max(1, len(shown)), 2, squeeze=False)
    days = min(len(left), len(right))
    for row, name in zip(axes, shown, strict=False):
        a = left[name].to_numpy(dtype=float)[:days]
        b = right[name].to_numpy(dtype=float)[:days]
        x = left["day"].to_numpy()[:days]
        row[0].plot(x, a, color="0.45", lw=1.3, label=names[0])
        row[0].plot(x, b, color="tab:blue", lw=1.3, label=names[1])
        row[1].plot(x, b - a, color="tab:red", lw=1.3)
        row[1].axhline(0, color="0.6", lw=0.8)
        _title(row[0], name, lang)
        row[1].set_title(f"{text('difference', lang)}: {outcome_label(name, lang)}", fontsize=9,
                         **_font(lang))
        for ax in row:
            _style(ax)
    if shown:
        axes[0][0].legend(fontsize=7, frameon=False, prop={**_font(lang), "size": 7})
        for ax in axes[-1]:
            ax.set_xlabel(text("day", lang), fontsize=8, **_font(lang))
    return fig


def network_figure(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]],
                   colour_by: str, lang: str) -> Figure:
    """The district: places as markers coloured by ``colour_by``, case flows as lines."""
    fig = _figure(7.2, 3.6, left=0.02, right=0.76, top=0.84, bottom=0.04)
    ax = fig.subplots()
    where = {node["id"]: (node["x"], node["y"]) for node in nodes}
    drawn = [e for e in edges if e["flow"] > 0 and e["source"] in where and e["target"] in where]
    if drawn:
        flows = np.array([e["flow"] for e in drawn], dtype=float)
        segments = [(where[e["source"]], where[e["target"]]) for e in drawn]
        ax.add_collection(LineCollection(segments, colors="tab:blue", alpha=0.35, zorder=1,
                                         linewidths=0.4 + 5.6 * np.sqrt(flows / flows.max())))
    _draw_nodes(ax, nodes, colour_by, lang, fig)
    ax.set_axis_off()
    ax.set_title(f"{text('district_network', lang)} · {text(colour_by, lang)}", fontsize=9,
                 **_font(lang))
    return fig


def _draw_nodes(ax: Any, nodes: Sequence[Mapping[str, Any]], colour_by: str, lang: str,
                fig: Figure) -> None:
    """Markers by kind; colour from each node's value (grey where it has none)."""
    values = [n["value"] for n in nodes if n.get("value") is not None]
    cmap = "RdYlGn" if colour_by == "satisfaction" else "YlOrRd"
    low, high = (0.0, 1.0) if colour_by == "satisfaction" else (0.0, max(values, default=1) or 1)
    artist = None
    for kind, marker in KIND_MARKERS.items():
        group = [n for n in nodes if n["kind"] == kind]
        if not group:
            continue
        valued = [n for n in group if n.get("value") is not None]
        blank = [n for n in group if n.get("value") is None]
        if valued:
            artist = ax.scatter([n["x"] for n in valued], [n["y"] for n in valued],
                                c=[n["value"] for n in valued], cmap=cmap, vmin=low, vmax=high,
                                marker=marker, s=140, edgecolors="0.3", zorder=2)
        if blank:
            ax.scatter([n["x"] for n in blank], [n["y"] for n in blank], color="0.85",
                       marker=marker, s=140, edgecolors="0.3", zorder=2)
        ax.scatter([], [], color="0.85", marker=marker, edgecolors="0.3", label=text(kind, lang))
    for node in nodes:
        if node["kind"] in ("department", "street"):
            label = node["label_zh"] if lang == "zh" else node["label_en"]
            ax.annotate(label, (node["x"], node["y"]), xytext=(0, 9), textcoords="offset points",
                        ha="center", fontsize=7, **_font(lang))
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.05),
              prop={**_font(lang), "size": 7})
    if artist is not None:
        bar = fig.colorbar(artist, cax=fig.add_axes((0.95, 0.08, 0.015, 0.45)))
        bar.ax.tick_params(labelsize=7)
        bar.set_label(text(colour_by, lang), fontsize=8, **_font(lang))


def settled_figure(settled: Mapping[str, int], lang: str) -> Figure:
    """Where the reported cases were settled, as one stacked bar of shares."""
    return _share_bar(settled, SETTLED_ORDER, SETTLED_COLOURS, "where_settled", lang)


def channels_figure(channels: Mapping[str, int], lang: str) -> Figure:
    """How the needs raised were voiced (each channel, a service in person, silence)."""
    return _share_bar(channels, CHANNEL_ORDER, CHANNEL_COLOURS, "how_voiced", lang)


def _share_bar(counts: Mapping[str, int], order: Sequence[str], colours: Sequence[str],
               title: str, lang: str) -> Figure:
    """``counts`` as one stacked bar of shares in ``order``, with a legend below."""
    fig = _figure(7.2, 1.3, left=0.02, right=0.98, top=0.78, bottom=0.45)
    ax = fig.subplots()
    total = sum(counts.get(key, 0) for key in order) or 1
    left = 0.0
    for key, colour in zip(order, colours, strict=True):
        share = counts.get(key, 0) / total
        ax.barh([0], [share], left=left, color=colour, label=text(key, lang))
        if share >= 0.06:
            ax.text(left + share / 2, 0, f"{share:.0%}", ha="center", va="center", fontsize=8,
                    color="white")
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_title(text(title, lang), fontsize=9, **_font(lang))
    ax.legend(ncols=min(len(order), 5), fontsize=7, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.35), prop={**_font(lang), "size": 7})
    return fig


def neighbours_figure(neighbours: Any, label: str, lang: str) -> Figure:
    """One community's residents on their ring, their ties, coloured by their last channel.

    ``neighbours`` is a :class:`model.dashboard.session.Neighbours`; ties to other communities
    are drawn as short strokes pointing out of the ring.
    """
    fig = _figure(7.2, 3.6, left=0.02, right=0.72, top=0.9, bottom=0.04)
    ax = fig.subplots()
    x, y = np.asarray(neighbours.x), np.asarray(neighbours.y)
    if neighbours.ties:
        pairs = np.asarray(neighbours.ties)
        segments = np.stack([np.column_stack([x[pairs[:, 0]], y[pairs[:, 0]]]),
                             np.column_stack([x[pairs[:, 1]], y[pairs[:, 1]]])], axis=1)
        ax.add_collection(LineCollection(segments, colors="0.6", alpha=0.25, linewidths=0.4,
                                         zorder=1))
    outside = np.asarray(neighbours.outside) > 0
    if outside.any():
        stubs = np.stack([np.column_stack([x[outside], y[outside]]),
                          np.column_stack([1.12 * x[outside], 1.12 * y[outside]])], axis=1)
        ax.add_collection(LineCollection(stubs, colors="tab:blue", linewidths=0.8, zorder=1))
    last = np.asarray(neighbours.last_channel)
    for key, colour in (("", "0.85"), *zip(CHANNEL_ORDER[:6], CHANNEL_COLOURS[:6], strict=True)):
        chosen = last == key
        ax.scatter(x[chosen], y[chosen], color=colour, s=9, zorder=2,
                   label=text(key or "no_channel_yet", lang))
    ax.scatter([], [], color="tab:blue", marker="_", label=text("tie_outside", lang))
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.2, 1.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{text('neighbours', lang)} · {label}", fontsize=9, **_font(lang))
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              title=text("last_channel", lang),
              title_fontproperties={**_font(lang), "size": 7},
              prop={**_font(lang), "size": 7})
    return fig


def render(name: str, lang: str, data: Mapping[str, Any]) -> bytes:
    """Chart ``name`` drawn from ``data`` in ``lang``, as PNG; runs in a worker process too.

    Args:
        name: ``"series"`` (data: ``series``, optional ``marks``), ``"compare"`` (``left``,
            ``right``, ``names``),
            ``"network"`` (``nodes``, ``edges``, ``colour_by``), ``"settled"``
            (``settled``), ``"channels"`` (``channels``) or ``"neighbours"``
            (``neighbours``, ``community_label``).
        lang: ``"en"`` or ``"zh"``.
        data: What the chart shows, as plain picklable values.
    """
    draw = {
        "series": lambda: series_figure(data["series"], lang, marks=data.get("marks", ())),
        "compare": lambda: compare_figure(data["left"], data["right"], data["names"], lang),
        "network": lambda: network_figure(data["nodes"], data["edges"], data["colour_by"], lang),
        "settled": lambda: settled_figure(data["settled"], lang),
        "channels": lambda: channels_figure(data["channels"], lang),
        "neighbours": lambda: neighbours_figure(data["neighbours"], data["community_label"],
                                                lang),
    }
    return png(draw[name]())


def exit_with_parent(parent: int) -> None:
    """In the chart worker: end this process when the server that started it is gone.

    A server killed outright cannot shut its worker down; the worker notices it has a new
    parent and leaves, so no drawing process outlives the dashboard.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
