"""What the figures draw, derived from a result (pure functions, no matplotlib).

Every series is a plain sum of the result's own numbers (per-layer energy per level and
per data type, cycles, stalls, DRAM accesses), so a test can hold a drawn bar to the
result it came from.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..result import DTYPES, LEVELS, LayerResult, MultiResult, RunResult

_SPLIT = re.compile(r"[./]")


@dataclass(frozen=True)
class Group:
    """Consecutive layers (network order) that share a name prefix: an Inception block,
    a dense block, a conv + bn + relu triple."""

    name: str
    layers: tuple[LayerResult, ...]


def _key(name: str, depth: int) -> str:
    parts = _SPLIT.split(name)
    return ".".join(parts[:depth])


def group_layers(layers: tuple[LayerResult, ...] | list[LayerResult], min_groups: int = 5) -> list[Group]:
    """Runs of consecutive layers with the same name prefix, at the shallowest prefix depth
    (1 to 3 name components) that gives at least ``min_groups`` runs: GoogLeNet's
    ``inception3a.*``, DenseNet's ``features.denseblock1.*``, ResNet's ``layer2.*``."""
    best: list[Group] = []
    for depth in (1, 2, 3):
        runs: list[Group] = []
        for l in layers:
            k = _key(l.name, depth)
            if runs and runs[-1].name == k:
                runs[-1] = Group(k, runs[-1].layers + (l,))
            else:
                runs.append(Group(k, (l,)))
        best = runs
        if len(runs) >= min_groups:
            break
    return best


def as_groups(result: RunResult, group: bool | None, threshold: int = 60) -> list[Group]:
    """One group per layer, or the prefix groups (``group=None``: group when the network
    has more than ``threshold`` layers)."""
    if group is None:
        group = len(result.layers) > threshold
    if group:
        return group_layers(result.layers)
    return [Group(l.name, (l,)) for l in result.layers]


def bounded_groups(layers: tuple[LayerResult, ...] | list[LayerResult], max_bars: int) -> list[Group]:
    """The prefix groups, or — when even those are more than ``max_bars`` (a long chain of
    uniquely named layers) — consecutive runs of equal length, named first–last layer."""
    groups = group_layers(layers)
    if len(groups) <= max_bars:
        return groups
    size = -(-len(layers) // max_bars)
    out = []
    for i in range(0, len(layers), size):
        chunk = tuple(layers[i:i + size])
        out.append(Group(f"{chunk[0].name}–{chunk[-1].name}" if len(chunk) > 1 else chunk[0].name, chunk))
    return out


def top_layers(result: RunResult, k: int) -> list[Group]:
    """The ``k`` layers that spend the most energy, one group each, in network order."""
    order = sorted(range(len(result.layers)), key=lambda i: -result.layers[i].total_energy)[:k]
    return [Group(result.layers[i].name, (result.layers[i],)) for i in sorted(order)]


def energy_by_level(groups: list[Group], levels: tuple[str, ...]) -> dict[str, list[float]]:
    return {k: [math.fsum(l.energy.get(k, 0.0) for l in g.layers) for g in groups] for k in levels}


def energy_by_dtype(groups: list[Group]) -> dict[str, list[float]]:
    """Data movement energy per data type, plus ``compute`` = MAC + SIMD (which has no data
    type), so that each bar's height is the layer's whole energy, as in the level panel."""
    out = {t: [math.fsum(l.energy_by_type.get(t, 0.0) for l in g.layers) for g in groups] for t in DTYPES}
    out["compute"] = [math.fsum(l.energy.get("MAC", 0.0) + l.energy.get("SIMD", 0.0) for l in g.layers) for g in groups]
    return out


def cycles_split(groups: list[Group]) -> dict[str, list[int]]:
    """Compute cycles (cycles − stalls) and stall cycles per group, and the MACs."""
    return {
        "compute": [sum(l.cycles - l.stall_cycles for l in g.layers) for g in groups],
        "stall": [sum(l.stall_cycles for l in g.layers) for g in groups],
        "macs": [sum(l.macs for l in g.layers) for g in groups],
        "cycles": [sum(l.cycles for l in g.layers) for g in groups],
    }


def utilization(groups: list[Group], pes: int) -> list[float]:
    """MACs / (PEs × cycles) of each group (a layer's own utilization for one layer)."""
    out = []
    for g in groups:
        cyc = sum(l.cycles for l in g.layers)
        out.append(sum(l.macs for l in g.layers) / (pes * cyc) if cyc else 0.0)
    return out


def dram_bytes(layer: LayerResult, word_bits: dict[str, int]) -> float:
    """Bytes a layer moves to and from DRAM: Σ over data types of (reads + writes) × word bits / 8."""
    d = layer.accesses["DRAM"]
    return math.fsum((d[t]["reads"] + d[t]["writes"]) * word_bits.get(t, 16) / 8 for t in DTYPES)


@dataclass(frozen=True)
class RooflinePoint:
    name: str
    intensity: float  # MACs per DRAM byte
    macs_per_cycle: float  # achieved
    roof: float  # min(peak, intensity × DRAM bytes/cycle)


def roofline_points(result: RunResult) -> list[RooflinePoint]:
    """Every MAC layer placed by its operational intensity (MACs per DRAM byte) and its
    achieved MACs per cycle; the roof at that intensity is min(peak, intensity × bandwidth)."""
    bw = result.dram_bytes_per_cycle
    pts = []
    for l in result.layers:
        b = dram_bytes(l, result.word_bits)
        if l.macs and l.cycles and b:
            oi = l.macs / b
            pts.append(RooflinePoint(l.name, oi, l.macs / l.cycles, min(float(result.pes), oi * bw)))
    return pts


def per_mac_by_level(multi: MultiResult, levels: tuple[str, ...]) -> dict[str, list[float]]:
    """Energy per MAC of each run (one per dataflow), split by level."""
    out: dict[str, list[float]] = {k: [] for k in levels}
    for r in multi.runs:
        t = r.totals()
        for k in levels:
            out[k].append(t["energy"][k] / t["macs"] if t["macs"] else 0.0)
    return out


def dram_per_mac_by_dtype(multi: MultiResult) -> dict[str, list[float]]:
    """DRAM accesses (reads + writes, elements) per MAC of each run, split by data type."""
    out: dict[str, list[float]] = {t: [] for t in DTYPES}
    for r in multi.runs:
        t = r.totals()
        for d in DTYPES:
            a = t["accesses"]["DRAM"][d]
            out[d].append((a["reads"] + a["writes"]) / t["macs"] if t["macs"] else 0.0)
    return out


def dram_accesses(result: RunResult) -> int:
    return sum(v["reads"] + v["writes"] for v in result.totals()["accesses"]["DRAM"].values())


__all__ = ["Group", "LEVELS", "group_layers", "bounded_groups", "top_layers", "as_groups", "energy_by_level", "energy_by_dtype", "cycles_split",
           "utilization", "dram_bytes", "RooflinePoint", "roofline_points", "per_mac_by_level",
           "dram_per_mac_by_dtype", "dram_accesses"]
