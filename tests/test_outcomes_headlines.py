"""Headline groups: declared on each outcome, listed in declaration order, used by every view."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import small_scenario

from model.calibration import load_calibration
from model.calibration.spec import design_data
from model.cli import build_parser
from model.compare import compare_table, format_table, plot_comparison
from model.dashboard import charts
from model.dashboard.session import ComparePair, DashboardRun
from model.experiment.analysis import RUN_COLUMNS, TAIL_COLUMNS
from model.experiment.spec import ExperimentSpec
from model.outcomes import HEADLINE_GROUPS, OUTCOMES, OUTCOMES_BY_NAME, Outcome, headline
from model.paper import Paper, _reform_block
from model.translations import outcome_label

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = "table, plot, daily, sequence, reform, kpi, series"


def test_the_groups_are_the_documented_ones():
    assert ", ".join(HEADLINE_GROUPS) == ALLOWED
    assert all(HEADLINE_GROUPS.values()), "each group says what it is for"


@pytest.mark.parametrize("group", list(HEADLINE_GROUPS))
def test_each_group_is_non_empty_and_in_declaration_order(group):
    names = headline(group)
    assert names, f"{group}: no outcome belongs to it"
    assert names == tuple(o.name for o in OUTCOMES if group in o.headlines)
    position = {o.name: i for i, o in enumerate(OUTCOMES)}
    assert [position[n] for n in names] == sorted(position[n] for n in names)
    assert len(set(names)) == len(names)


def test_an_unknown_group_is_refused_naming_the_allowed_ones():
    with pytest.raises(ValueError) as caught:
        headline("tables")
    assert str(caught.value) == f"unknown headline group 'tables' (allowed: {ALLOWED})"


def test_an_outcome_with_an_unknown_group_is_refused():
    with pytest.raises(ValueError) as caught:
        Outcome("x", "X", "叉", "share", "higher", lambda m: 0.0,
                headlines=frozenset({"table", "cards", "chart"}))
    assert str(caught.value) == ("outcome 'x': unknown headline group(s) 'cards', 'chart' "
                                 f"(allowed: {ALLOWED})")


def test_every_outcome_group_is_known():
    for outcome in OUTCOMES:
        assert outcome.headlines <= HEADLINE_GROUPS.keys(), outcome.name


def test_dashboard_groups_are_collected_every_day():
    """Cards and charts read the daily DataCollector series, so their outcomes must be daily."""
    for group in ("kpi", "series", "daily"):
        assert all(OUTCOMES_BY_NAME[n].daily for n in headline(group)), group


# --- each consumer uses its group ---------------------------------------------------------------


def _summaries(shift: float) -> list[dict[str, float | None]]:
    """Three runs' summaries giving every outcome a value."""
    return [{o.name: 0.5 + shift + rep / 100 for o in OUTCOMES} for rep in range(3)]


@pytest.fixture(scope="module")
def every_outcome_table() -> pd.DataFrame:
    return compare_table({"baseline": _summaries(0.0), "whistle": _summaries(0.1)})


def test_compare_table_rows_cli_and_experiment_default_are_the_table_group(every_outcome_table):
    text = format_table(every_outcome_table, width=200)
    # a row starts with its label, clipped to the label column
    rows = [o.name for line in text.splitlines() for o in OUTCOMES
            if line.startswith(o.label[:40])]
    assert rows == list(headline("table"))
    assert build_parser().parse_args(["compare", "baseline"]).outcomes == list(headline("table"))
    spec = ExperimentSpec(name="x", scenarios=["baseline"], replications=1, root_seed=1)
    assert spec.outcomes == list(headline("table"))


def test_comparison_figure_panels_are_the_plot_group(every_outcome_table, tmp_path,
                                                     monkeypatch):
    drawn = []
    monkeypatch.setattr("model.compare._bar_panel", lambda ax, rows, name: drawn.append(name))
    plot_comparison(every_outcome_table, tmp_path)
    assert drawn == list(headline("plot"))


def test_calibration_design_records_the_targets_then_the_sequence_group():
    spec = load_calibration(ROOT / "experiments" / "calibration.toml").spec
    outcomes = design_data(spec)["outcomes"]
    targets = [name for name in spec.targets if name in OUTCOMES_BY_NAME]
    assert outcomes == list(dict.fromkeys([*targets, *headline("sequence")]))
    assert set(headline("sequence")) <= set(outcomes)


def _runs(scenarios: dict[str, float]) -> pd.DataFrame:
    """A result store's runs table: three ok runs per scenario, every outcome valued."""
    rows = []
    for scenario, shift in scenarios.items():
        for rep in range(3):
            rows.append({"run_id": f"{scenario}-r{rep}", "scenario": scenario, "point": 0,
                         "replication": rep, "seed": rep,
                         **{o.name: 0.5 + shift + rep / 100 for o in OUTCOMES},
                         "status": "ok", "error": "", "seconds": 0.1})
    frame = pd.DataFrame(rows)
    assert tuple(frame.columns[:len(RUN_COLUMNS)]) == RUN_COLUMNS
    assert tuple(frame.columns[-len(TAIL_COLUMNS):]) == TAIL_COLUMNS
    return frame


def _table_header(lines: list[str]) -> list[str]:
    """The column titles after the first of a markdown table's header row."""
    header = next(line for line in lines if line.startswith("|"))
    return [cell.strip() for cell in header.strip("|").split("|")][1:]


def test_paper_reform_table_columns_are_the_reform_group(tmp_path):
    paper = Paper(spec=None, source=tmp_path / "paper.toml")
    store = SimpleNamespace(runs=_runs({"baseline": 0.0, "whistle": 0.1}))
    (tmp_path / "tables").mkdir()
    _reform_block(paper, {"reforms": (store, "`reforms.toml`")}, tmp_path)
    labels = [OUTCOMES_BY_NAME[n].label for n in headline("reform")]
    assert _table_header(paper.blocks["table.reforms"]) == labels


def test_published_reform_table_has_the_reform_group_columns():
    """docs/paper.md is generated; its reform table must not disagree with the group."""
    text = (ROOT / "docs" / "paper.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- cogov:table\.reforms -->\n(.*?)<!-- /cogov:table\.reforms -->",
                      text, re.S)
    assert block is not None
    labels = [OUTCOMES_BY_NAME[n].label for n in headline("reform")]
    assert _table_header(block.group(1).splitlines()) == labels


def test_dashboard_cards_and_charts_are_the_kpi_and_series_groups():
    run = DashboardRun(small_scenario(), seed=1)
    run.step(3)
    assert [k.name for k in run.kpis()] == list(headline("kpi"))
    fig = charts.series_figure(run.series(), "en")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == [outcome_label(n, "en") for n in headline("series")]
    pair = ComparePair(small_scenario(), small_scenario("whistle"), seed=1)
    pair.step(3)
    fig = charts.compare_figure(pair.left.series(), pair.right.series(), ("a", "b"), "en")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert titles[::2] == [outcome_label(n, "en") for n in headline("series")]
