"""The district drawn as a network: a fixed layered layout and each place's current value.

Departments sit at the top, street offices in the middle, communities at the bottom under
their street, the hotline at the left and NGOs in a column at the right; a one-stop hall sits
beside its street office or below its community. Values are what the dashboard colours a
place by: the cases waiting there now, or its residents' mean satisfaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from model.governance import GovernanceModel

NODE_KINDS = ("department", "street", "committee", "ngo", "hall", "hotline")
# Layout rows (y grows upwards) and the columns kept clear for the hotline and the NGOs.
_ROW = {"department": 0.9, "street": 0.55, "committee": 0.2}
_LEFT, _RIGHT, _NGO_X = 0.1, 0.85, 1.0


def _spread(count: int, low: float, high: float) -> list[float]:
    """``count`` evenly spaced positions from ``low`` to ``high`` (one sits in the middle)."""
    if count == 1:
        return [(low + high) / 2]
    return [float(x) for x in np.linspace(low, high, count)]


def _node(kind: str, index: int, en: str, zh: str, x: float, y: float) -> dict[str, Any]:
    return {"id": f"{kind}:{index}", "kind": kind, "index": index, "label_en": en,
            "label_zh": zh, "x": round(x, 4), "y": round(y, 4), "value": None}


def layout(model: GovernanceModel) -> list[dict[str, Any]]:
    """Every place of the district on a fixed layered layout (values left None)."""
    street_of = model.layout.community_street
    nodes = []
    for i, (dept, x) in enumerate(zip(model.departments, _spread(
            len(model.departments), _LEFT, _RIGHT), strict=True)):
        en = dept.name.replace("_", " ").capitalize()
        nodes.append(_node("department", i, en, dept.spec.zh or dept.name, x, _ROW["department"]))
    xs = _spread(len(model.committees), _LEFT, _RIGHT)
    members = _street_members(model)
    for s, communities in enumerate(members):
        x = float(np.mean([xs[c] for c in communities]))
        nodes.append(_node("street", s, f"Street {s + 1}", f"街道{s + 1}", x, _ROW["street"]))
    for c, x in enumerate(xs):
        s = street_of[c]
        k = members[s].index(c)
        nodes.append(_node("committee", c, f"Community {s + 1}-{k + 1}", f"社区{s + 1}-{k + 1}",
                           x, _ROW["committee"]))
    for i, (ngo, y) in enumerate(zip(model.ngos, _spread(len(model.ngos), 0.15, 0.65),
                                     strict=True)):
        street = ngo.street + 1
        nodes.append(_node("ngo", i, f"NGO: {ngo.specialty.replace('_', ' ')}, street {street}",
                           f"社会组织：{ngo.specialty}（街道{street}）", _NGO_X, y))
    nodes.extend(_hall_nodes(model, nodes, step=(_RIGHT - _LEFT) / max(len(xs), 2)))
    nodes.append(_node("hotline", 0, "Hotline (12345)", "12345热线", 0.0, _ROW["street"]))
    return nodes


def _street_members(model: GovernanceModel) -> list[list[int]]:
    """The communities of each street office, in community order (the last may have fewer)."""
    members: list[list[int]] = [[] for _ in model.streets]
    for community, street in enumerate(model.layout.community_street):
        members[street].append(community)
    return members


def _hall_nodes(model: GovernanceModel, placed: list[dict[str, Any]],
                step: float) -> Iterable[dict[str, Any]]:
    """One-stop halls: beside their street office, or just below their community."""
    where = {node["id"]: node for node in placed}
    owners = [*model.streets, *model.committees]
    for owner in owners:
        hall = owner.hall
        if hall is None:
            continue
        home = where[f"{owner.node.kind}:{owner.node.index}"]
        at_street = owner.node.kind == "street"
        x = home["x"] + (step / 2 if at_street else 0.0)
        y = home["y"] - (0.1 if at_street else 0.12)
        yield _node("hall", hall.node.index, f"One-stop hall, {home['label_en']}",
                    f"{home['label_zh']}一门式服务大厅", x, y)


def _live(entries: Iterable[tuple[Any, ...]]) -> list[Any]:
    """Cases of queue entries still current (the case has not moved or ended since)."""
    return [entry[0] for entry in entries if entry[0].ticket == entry[1]]


def waiting_by_place(model: GovernanceModel) -> tuple[dict[str, int], int]:
    """Cases waiting at each handler now, and open cases in transit between handlers."""
    counts: dict[str, int] = {}
    distinct = 0
    for committee in model.committees:
        n = len(_live(committee.queue)) + len(_live(committee.meeting_pool))
        counts[f"committee:{committee.community}"] = n
        distinct += n
    for street in model.streets:
        n = len(_live(street.queue)) + len(_live(street.to_whistle))
        counts[f"street:{street.index}"] = n
        distinct += n
    summoned: set[int] = set()
    for dept in model.departments:
        queued, parts = len(_live(dept.entries())), _live(dept.summons)
        summoned.update(case.id for case in parts)
        counts[f"department:{dept.index}"] = queued + len(parts)
        distinct += queued
    for facility in (*model.ngos, *model.halls):
        n = len(_live(facility.entries()))
        counts[f"{facility.node.kind}:{facility.node.index}"] = n
        distinct += n
    return counts, model.tally.open - distinct - len(summoned)


def satisfaction_by_place(model: GovernanceModel) -> dict[str, float]:
    """Mean satisfaction of each community's and each street office's residents."""
    population = model.population
    n_comm = len(model.committees)
    sums = np.bincount(population.community, weights=population.satisfaction, minlength=n_comm)
    sizes = np.bincount(population.community, minlength=n_comm)
    values = {f"committee:{c}": float(sums[c] / sizes[c]) for c in range(n_comm) if sizes[c]}
    for s, communities in enumerate(_street_members(model)):
        if sizes[communities].sum():
            values[f"street:{s}"] = float(sums[communities].sum() / sizes[communities].sum())
    return values
