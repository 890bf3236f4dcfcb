"""The ideal DRAM bound (``accelsim run --ideal``): every datum crosses DRAM once.

For each layer, a closed form independent of any mapping:

- conv / fc: its weights once (M·(C/G)·R·S), the ifmap elements its windows touch once
  (N·C·rows·cols, padding excluded, and the rows/columns a stride larger than the filter
  skips excluded), its ofmap once (N·M·E·F);
- a non-MAC layer run on the SIMD unit: its inputs once and its output once; one fused
  into the conv/fc before it (an activation, a folded batch norm) moves nothing.

This is the "best case" of the course slide "DRAM access in AlexNet can be reduced from
2896M to 61M" (Sze et al., Proc. IEEE 2017; PUBLISHED.md §2): no mapping on any
machine can move less, so every mapped run's DRAM traffic is at least this, layer by
layer — the ratio mapped / ideal says how far a machine is from perfect on-chip reuse.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .engine.footprint import rows_count
from .engine.problem import Problem
from .workload import NetLayer, Network
from .workload.ops import FC, Conv


@dataclass(frozen=True)
class IdealLayer:
    """The least DRAM traffic of one layer, in elements."""

    name: str
    weight: int
    ifmap: int
    ofmap: int

    @property
    def total(self) -> int:
        return self.weight + self.ifmap + self.ofmap

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "ifmap": self.ifmap, "ofmap": self.ofmap, "total": self.total}


def touched_ifmap(p: Problem) -> int:
    """Ifmap elements some MAC of the layer reads (padding never; skipped rows never)."""
    rows = rows_count(0, p.E, 0, p.R, p.U, p.D, p.pt, p.H)
    cols = rows_count(0, p.F, 0, p.S, p.U, p.D, p.pl, p.W)
    return p.N * p.G * p.C * rows * cols


def ideal_layer(layer: NetLayer, batch: int = 1, fused: bool = False) -> IdealLayer:
    if isinstance(layer.op, (Conv, FC)):
        p = Problem.from_shape(layer.shape, batch)
        return IdealLayer(layer.name, p.G * p.M * p.C * p.R * p.S, touched_ifmap(p), p.N * p.G * p.M * p.E * p.F)
    if fused:
        return IdealLayer(layer.name, 0, 0, 0)
    return IdealLayer(layer.name, 0, layer.ifmap_size * batch, layer.ofmap_size * batch)


def ideal_bound(net: Network, batch: int = 1) -> tuple[IdealLayer, ...]:
    """The bound of every layer of ``net`` at batch ``batch``, in the network's order."""
    from .schedule.rules import always_fused

    fused = always_fused(net)
    return tuple(ideal_layer(l, batch, l.name in fused) for l in net.layers)


def ideal_report(net: Network, batch: int, runs: list) -> dict[str, Any]:
    """The bound next to each run's mapped DRAM accesses (what ``run --ideal --json`` adds)."""
    bound = ideal_bound(net, batch)
    total = sum(b.total for b in bound)
    out: dict[str, Any] = {"layers": [b.to_dict() for b in bound], "total": total, "mapped": {}}
    for r in runs:
        dram = sum(l.level_accesses("DRAM") for l in r.layers)
        out["mapped"][r.dataflow] = {"dram_accesses": dram, "ratio_to_ideal": dram / total if total else 0.0}
    return out


def print_ideal(report: dict[str, Any], runs: list, console: Any) -> None:
    """Per layer: the bound and each run's mapped DRAM accesses, then the totals."""
    from rich.table import Table

    table = Table(title="DRAM accesses: mapped vs the ideal bound (every datum crosses DRAM once)")
    table.add_column("layer")
    table.add_column("ideal", justify="right")
    for r in runs:
        table.add_column(f"{r.dataflow}", justify="right")
        table.add_column(f"{r.dataflow} / ideal", justify="right")
    for i, b in enumerate(report["layers"]):
        row = [b["name"], f"{b['total']:,}"]
        for r in runs:
            d = r.layers[i].level_accesses("DRAM")
            row += [f"{d:,}", f"{d / b['total']:.2f}" if b["total"] else "-"]
        table.add_row(*row)
    foot = ["total", f"{report['total']:,}"]
    for r in runs:
        m = report["mapped"][r.dataflow]
        foot += [f"{m['dram_accesses']:,}", f"{m['ratio_to_ideal']:.2f}"]
    table.add_row(*foot, style="bold")
    console.print(table)


def add_ideal(data: dict[str, Any], workload: Any, batch: int, runs: list) -> dict[str, Any]:
    """``run --ideal``: the bound goes into the JSON under ``ideal`` (and :func:`print_ideal` shows it)."""
    from .paths import resolve_workload

    net = workload if isinstance(workload, Network) else resolve_workload(str(workload))
    return {**data, "ideal": ideal_report(net, batch, runs)}
