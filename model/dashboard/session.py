"""The dashboard's session API: a steppable run, a pair of runs in lockstep, and their views.

Pure Python (no Solara): the UI calls these and draws what they return. A :class:`DashboardRun`
holds one model of one scenario and seed; its views (KPIs, daily series, the district network,
where cases were settled, the CSV and TOML exports) read the model as it stands and are cheap
enough to call after every step of a 20,000-resident district. A :class:`ComparePair` steps two
policies on the same seed in lockstep; both draw from the same named random streams (common
random numbers), so the same scenario on both sides differs by nothing.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.cases import CHOSEN_CHANNELS, Level, Node
from model.dashboard.district import layout, satisfaction_by_place, waiting_by_place
from model.governance import GovernanceModel
from model.outcomes import OUTCOMES_BY_NAME, Better, headline
from model.provenance import scenario_to_toml
from model.simulate import daily_series

if TYPE_CHECKING:

    from model.scenario import Scenario

COLOUR_BY = ("backlog", "satisfaction")
SETTLED_KEYS = ("community", "street", "department", "ngo", "unresolved")
#: How needs were voiced: each channel residents choose, a service asked for in person, silence.
CHANNEL_KEYS = (*(channel.value for channel in CHOSEN_CHANNELS), "service_visit", "silent")
_LEVEL_KEYS = {Level.COMMUNITY: "community", Level.STREET: "street",
               Level.DEPARTMENT: "department", Level.NGO: "ngo"}
_TOKENS = itertools.count(1)  # one number per model ever built here, never reused


@dataclass(frozen=True)
class Kpi:
    """One headline outcome for a card: its value now and its change since the start.

    ``start`` is the first value the DataCollector recorded that is not None (a ratio such as
    the resolved share is undefined until its first case); ``change`` is ``value - start``,
    None when either is None.
    """

    name: str
    value: float | None
    start: float | None
    change: float | None
    unit: str
    better: Better
    label: str
    zh: str


@dataclass(frozen=True)
class District:
    """The district as a network, for drawing.

    Attributes:
        nodes: One dict per place: ``id`` (``"kind:index"``), ``kind`` (one of
            :data:`~model.dashboard.district.NODE_KINDS`), ``index``, ``label_en``,
            ``label_zh``, ``x`` and ``y`` in [0, 1]
            (y grows upwards: departments at the top, street offices in the middle, communities
            at the bottom under their street, the hotline at the left, NGOs in a column at the
            right, a hall beside or below its street or community) and ``value`` (see
            :meth:`DashboardRun.network`; None where it does not apply).
        edges: One dict per directed pair of places a case has moved between: ``source`` and
            ``target`` ids and ``flow``, the number of hops so far. A resident's own visit to a
            department's office is drawn from the resident's community (committee node).
        colour_by: What ``value`` holds: ``"backlog"`` or ``"satisfaction"``.
        in_transit: Open cases between two places (sent, not yet arrived), counted nowhere else.
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    colour_by: str
    in_transit: int


@dataclass(frozen=True)
class Neighbours:
    """One community's residents as the network that carries their stories, for drawing.

    Attributes:
        community: The community's index.
        x, y: Each resident's place on the community's ring (a unit circle), in the order of
            the population's rows.
        ties: Who tells whom within the community, as pairs of indices into ``x`` and ``y``.
        outside: Each resident's ties to residents of other communities.
        last_channel: The channel each resident used last (a value of
            :data:`CHANNEL_KEYS`, or "" for none yet).
    """

    community: int
    x: list[float]
    y: list[float]
    ties: list[tuple[int, int]]
    outside: list[int]
    last_channel: list[str]


@dataclass(frozen=True)
class Snapshot:
    """What the charts of one run show, all read on the same day (:meth:`DashboardRun.snapshot`).

    Attributes:
        token: The model's :attr:`DashboardRun.token`.
        day: The day the views were read on.
        series: :meth:`DashboardRun.series`.
        district: :meth:`DashboardRun.network`.
        settled: :meth:`DashboardRun.settled`.
        channels: :meth:`DashboardRun.channels`.
        neighbours: :meth:`DashboardRun.neighbours` of the community asked for.
        marks: The timeline entries taken up so far, as (day, label).
    """

    token: int
    day: int
    series: pd.DataFrame
    district: District
    settled: dict[str, int]
    channels: dict[str, int]
    neighbours: Neighbours
    marks: tuple[tuple[int, str], ...] = ()


class DashboardRun:
    """One scenario, one seed, one model, stepped by the dashboard.

    Stepping, resetting and every view hold the run's lock, so a play loop may step in one
    thread while the page reads views in another: a view never sees a day half done.

    Args:
        scenario: The validated scenario (the dashboard's current settings).
        seed: Seed of the run.
    """

    def __init__(self, scenario: Scenario, seed: int = 0) -> None:
        self._lock = threading.RLock()
        self.reset(scenario, seed)

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return self.model.day

    @property
    def token(self) -> int:
        """A number that names this model: new on every reset, never shared with another run."""
        return self._token

    def reset(self, scenario: Scenario | None = None, seed: int | None = None) -> None:
        """Rebuild the model at day 0, with a new scenario or seed if given.

        The same scenario and seed give the same run as a fresh :class:`DashboardRun`.
        """
        with self._lock:
            self._rebuild(self.scenario if scenario is None else scenario,
                          self.seed if seed is None else int(seed))

    def _rebuild(self, scenario: Scenario, seed: int) -> None:
        self.scenario, self.seed = scenario, seed
        self.model = GovernanceModel(scenario, rng=seed)
        self._token = next(_TOKENS)
        self._starts: dict[str, float] = {}
        self._series: tuple[int, pd.DataFrame] | None = None
        self._nodes = layout(self.model)
        self._edge_ids: dict[tuple[Node, Node], tuple[str, str]] = {}
        self._edges_today: tuple[int, list[dict[str, Any]]] | None = None

    def step(self, days: int = 1) -> None:
        """Simulate ``days`` more days (the scenario's ``run.days`` is not a limit here)."""
        if days < 0:
            raise ValueError(f"days: {days} is negative (allowed: 0 or more)")
        for _ in range(days):
            with self._lock:  # one day at a time, so views can interleave with a long step
                self.model.step()

    # -- views -------------------------------------------------------------------------------
    def kpis(self) -> list[Kpi]:
        """The ``"kpi"`` headline outcomes, in their order, now and since the start."""
        with self._lock:
            records = self.model.datacollector.model_vars
            return [self._kpi(name, records[name]) for name in headline("kpi")]

    def kpis_today(self) -> tuple[int, list[Kpi]]:
        """The day and :meth:`kpis`, read together (a step in another thread waits)."""
        with self._lock:
            return self.day, self.kpis()

    def _kpi(self, name: str, values: list[Any]) -> Kpi:
        outcome = OUTCOMES_BY_NAME[name]
        value = _number(values[-1])
        start = self._start(name, values)
        change = None if value is None or start is None else value - start
        return Kpi(name, value, start, change, outcome.unit, outcome.better, outcome.label,
                   outcome.zh)

    def _start(self, name: str, values: list[Any]) -> float | None:
        """First recorded value of ``name`` that is not None (remembered once found)."""
        if name not in self._starts:
            first = next((v for v in values if v is not None), None)
            if first is None:
                return None
            self._starts[name] = float(first)
        return self._starts[name]

    def series(self) -> pd.DataFrame:
        """The daily outcomes so far: ``day`` then one column per daily outcome (a copy)."""
        with self._lock:
            if self._series is None or self._series[0] != self.day:
                self._series = (self.day, daily_series(self.model))
            return self._series[1].copy()

    def settled(self) -> dict[str, int]:
        """Every reported case once, by where it was settled (see :data:`SETTLED_KEYS`).

        ``community``, ``street``, ``department`` and ``ngo`` count cases really resolved
        there (a one-stop hall counts at the level it sits; a whistled case resolved jointly
        counts at the street); ``unresolved`` counts the rest: closed unsolved, abandoned by
        the resident, or still open. The counts sum to the reported cases.
        """
        with self._lock:
            tally = self.model.tally
            counts = {key: int(tally.settled[level]) for level, key in _LEVEL_KEYS.items()}
            counts["unresolved"] = tally.closed_unsolved + tally.abandoned + tally.open
            return counts

    def channels(self) -> dict[str, int]:
        """Every need raised once, by how it was voiced (see :data:`CHANNEL_KEYS`).

        Each channel residents choose counts the requests reported through it;
        ``service_visit`` counts administrative services asked for in person (at a hall or a
        department's office) and ``silent`` the needs never reported. The counts sum to the
        needs raised.
        """
        with self._lock:
            tally = self.model.tally
            counts = {channel.value: int(tally.reports_by_channel[channel])
                      for channel in CHOSEN_CHANNELS}
            counts["service_visit"] = tally.reported - sum(counts.values())
            counts["silent"] = tally.silent
            return counts

    def neighbours(self, community: int = 0) -> Neighbours:
        """One community's residents on their ring, who tells whom, and their last channels.

        Raises:
            ValueError: If ``community`` is not one of the district's.
        """
        population = self.model.population
        count = len(population.bounds) - 1
        if not 0 <= community < count:
            raise ValueError(f"community: {community} is out of range (allowed: 0 to "
                             f"{count - 1})")
        with self._lock:
            part = population.community_slice(community)
            size = part.stop - part.start
            angle = 2 * np.pi * population.ring_position[part] / max(size, 1)
            listeners = population.listeners[part].astype(np.int64) - part.start
            inside = (listeners >= 0) & (listeners < size)
            tellers = np.broadcast_to(np.arange(size)[:, None], listeners.shape)
            names = [channel.value for channel in CHOSEN_CHANNELS]
            return Neighbours(
                community, np.cos(angle).round(4).tolist(), np.sin(angle).round(4).tolist(),
                list(zip(tellers[inside].tolist(), listeners[inside].tolist(), strict=True)),
                (~inside).sum(axis=1).tolist(),
                [names[c] if c >= 0 else "" for c in population.last_channel[part].tolist()])

    def community_labels(self, lang: str) -> list[str]:
        """Each community's name in ``lang`` (``"en"`` or ``"zh"``), in community order."""
        key = "label_zh" if lang == "zh" else "label_en"
        return [node[key] for node in self._nodes if node["kind"] == "committee"]

    def network(self, colour_by: str = "backlog") -> District:
        """The district's places, the case flows between them, and a value per place.

        Args:
            colour_by: ``"backlog"``: cases waiting at each handler now (queued there, held
                for a consultation meeting, waiting for a whistle; at a department also its
                unanswered summonses, so a whistled case counts at every department still due
                to report); None for the hotline, which holds nothing. ``"satisfaction"``:
                mean satisfaction of the residents of each community and street office; None
                elsewhere.

        Returns:
            The :class:`District`.

        Raises:
            ValueError: If ``colour_by`` is not one of :data:`COLOUR_BY`.
        """
        if colour_by not in COLOUR_BY:
            raise ValueError(f"colour_by: '{colour_by}' is not known (allowed: "
                             f"{', '.join(COLOUR_BY)})")
        with self._lock:
            waiting, in_transit = waiting_by_place(self.model)
            values = waiting if colour_by == "backlog" else satisfaction_by_place(self.model)
            nodes = [{**node, "value": values.get(node["id"])} for node in self._nodes]
            return District(nodes, self._edges(), colour_by, in_transit)

    def snapshot(self, colour_by: str = "backlog", community: int = 0) -> Snapshot:
        """Every view of the run (series, district, counts, neighbours), all of the same day.

        A play loop may step the run in another thread; this reads every view under one hold of
        the lock, so the charts drawn from it agree with each other and with :attr:`Snapshot.day`.
        """
        with self._lock:
            return Snapshot(self.token, self.day, self.series(), self.network(colour_by),
                            self.settled(), self.channels(), self.neighbours(community),
                            tuple(self.model.timeline_marks))

    def _edges(self) -> list[dict[str, Any]]:
        """Directed hop counts between places, from the model's flow tally (once a day)."""
        if self._edges_today is not None and self._edges_today[0] == self.day:
            return [dict(edge) for edge in self._edges_today[1]]
        totals: defaultdict[tuple[str, str], int] = defaultdict(int)
        ids = self._edge_ids
        for key, count in self.model.tally.flows.items():
            pair = ids.get(key)
            if pair is None:
                pair = ids[key] = (self._node_id(key[0]), self._node_id(key[1]))
            totals[pair] += count
        edges = [{"source": source, "target": target, "flow": flow}
                 for (source, target), flow in sorted(totals.items())]
        self._edges_today = (self.day, edges)
        return [dict(edge) for edge in edges]

    def _node_id(self, node: Node) -> str:
        """The id of the place drawn for ``node`` (a resident is drawn at their community)."""
        if node.kind == "resident":
            return f"committee:{int(self.model.population.community[node.index])}"
        return f"{node.kind}:{node.index}"

    # -- exports -----------------------------------------------------------------------------
    def series_csv(self) -> str:
        """The daily series as CSV text (the columns of ``cogov run --out``'s series.csv)."""
        return self.series().to_csv(index=False)

    def scenario_toml(self) -> str:
        """The current settings as a fully resolved scenario TOML, with how to reproduce the run.

        ``cogov validate`` accepts the file; ``cogov run FILE --seed SEED --days DAY`` (stated
        in a comment) reproduces this run up to today.
        """
        header, _, body = scenario_to_toml(self.scenario).partition("\n")
        days = f" --days {self.day}" if self.day else ""
        hint = f"# Reproduce the dashboard's run: cogov run FILE --seed {self.seed}{days}\n"
        return f"{header}\n{hint}{body}"


class ComparePair:
    """Two policies on the same seed, stepped in lockstep (左右对比).

    Stepping, resetting and :meth:`difference` hold the pair's lock, so the difference always
    sees both sides on the same day.

    Args:
        left: The first policy's scenario.
        right: The second policy's scenario.
        seed: Seed of both runs.
    """

    def __init__(self, left: Scenario, right: Scenario, seed: int = 0) -> None:
        self._lock = threading.RLock()
        self.left = DashboardRun(left, seed)
        self.right = DashboardRun(right, seed)

    @property
    def seed(self) -> int:
        """Seed of both runs."""
        return self.left.seed

    @property
    def day(self) -> int:
        """Days simulated so far (the same on both sides)."""
        return self.left.day

    @property
    def token(self) -> tuple[int, int]:
        """The :attr:`DashboardRun.token` of both sides."""
        return self.left.token, self.right.token

    def kpis_today(self) -> tuple[int, list[Kpi], list[Kpi]]:
        """The day and both sides' :meth:`DashboardRun.kpis`, read on that same day."""
        with self._lock:
            return self.day, self.left.kpis(), self.right.kpis()

    def series_pair(self) -> tuple[int, pd.DataFrame, pd.DataFrame]:
        """The day and both sides' daily series, read on that same day."""
        with self._lock:
            return self.day, self.left.series(), self.right.series()

    @property
    def same_district(self) -> bool:
        """Whether both scenarios describe the same district (sizes and population)."""
        a, b = self.left.scenario, self.right.scenario
        return a.district == b.district and a.population == b.population

    def step(self, days: int = 1) -> None:
        """Simulate ``days`` more days on both sides, one day at a time."""
        if days < 0:
            raise ValueError(f"days: {days} is negative (allowed: 0 or more)")
        for _ in range(days):
            with self._lock:
                self.left.step()
                self.right.step()

    def reset(self, left: Scenario | None = None, right: Scenario | None = None,
              seed: int | None = None) -> None:
        """Rebuild both runs at day 0, with new scenarios or a new seed if given."""
        with self._lock:
            self.left.reset(left, seed)
            self.right.reset(right, seed)

    def difference(self) -> pd.DataFrame:
        """``day`` then, per daily outcome, the right run's value minus the left's."""
        with self._lock:
            left, right = self.left.series(), self.right.series()
        columns = [c for c in left.columns if c != "day"]
        diff = right[columns].astype(float) - left[columns].astype(float)
        diff.insert(0, "day", left["day"])
        return diff


# -- helpers ---------------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    return None if value is None else float(value)
