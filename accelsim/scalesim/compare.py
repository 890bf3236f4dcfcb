"""``accelsim run TOPO.csv CONFIG.cfg --compare-scalesim``: SCALE-Sim's figures next to
accelsim's own model of the same layers on the same array, with the reason for each
difference (docs/scalesim.md lists the quirks in full).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..hardware import hardware_from_dict
from ..workload import workload_from_dict
from .config import config_to_hardware_dict, load_config
from .importer import ceil_padding, topology_to_workload_dict
from .run import run_topology
from .topology import load_topology

REASONS: dict[str, str] = {
    "folds": "SCALE-Sim runs fixed folds that never overlap, each paying its fill and drain, and "
    "stalls only in USER mode; accelsim searches the mapping, overlaps DRAM with compute tile by "
    "tile, and pays the skew once per pass",
    "padding": "SCALE-Sim keeps windows hanging over the bottom/right edge and reads their "
    "out-of-image (-1) operands from SRAM; accelsim never moves padding",
    "psums": "SCALE-Sim writes a partial sum once per K-fold and never reads it back; accelsim "
    "reads it back to add to it, and counts ofmap writes once per output",
    "os_double": "SCALE-Sim's OS ofmap count adds (rows + cols) per fold twice (SCALE-Sim#166)",
    "reuse": "SCALE-Sim reads every im2col operand from SRAM (one read per PE row and fold); "
    "accelsim reads a value from the GLB once per forwarding chain and keeps reused blocks",
    "dram": "SCALE-Sim's DRAM model is a tumbling prefetch window over half of each SRAM; "
    "accelsim's GLB keeps whole tiles and reuses the halo of neighbouring tiles exactly",
}


@dataclass(frozen=True)
class Row:
    name: str
    scalesim: dict[str, int]
    accelsim: dict[str, int]
    reasons: tuple[str, ...]


def native_inputs(topology_path: str | os.PathLike[str], config_path: str | os.PathLike[str], *, gemm: bool | None = None):
    """A SCALE-Sim topology and config as an accelsim workload and hardware spec."""
    topo = load_topology(topology_path, gemm=gemm)
    cfg = load_config(config_path)
    net = workload_from_dict(topology_to_workload_dict(topo), str(topology_path))
    spec = hardware_from_dict(config_to_hardware_dict(cfg), str(config_path))
    return net, spec


def compare(topology_path: str | os.PathLike[str], config_path: str | os.PathLike[str], *, gemm: bool | None = None) -> list[Row]:
    from ..api import run

    compat = run_topology(load_topology(topology_path, gemm=gemm), load_config(config_path))
    net, spec = native_inputs(topology_path, config_path, gemm=gemm)
    native = run(net, spec, spec.dataflow, fusion="none")  # SCALE-Sim models one layer at a time
    by_name = {l.name: l for l in native.layers}
    rows = []
    for s in compat.layers:
        L = s.layer
        a = by_name.get(L.name)
        if a is None:  # a depthwise layer SCALE-Sim splits per channel: compared as one grouped conv
            continue
        padded = ceil_padding(L.H, L.R, L.U) > 0 or ceil_padding(L.W, L.S, L.U) > 0
        reasons = ["folds", "reuse", "dram"]
        if padded:
            reasons.insert(1, "padding")
        if s.mapping.row_fold > 1 and spec.dataflow in ("ws", "is"):
            reasons.append("psums")
        if spec.dataflow == "os":
            reasons.append("os_double")
        acc = a.accesses
        rows.append(
            Row(
                name=a.name,
                scalesim={
                    "cycles": s.total_cycles,
                    "ifmap_reads": s.sram_ifmap_reads,
                    "filter_reads": s.sram_filter_reads,
                    "ofmap_writes": s.sram_ofmap_writes,
                    "dram_reads": s.memory.dram_ifmap_reads + s.memory.dram_filter_reads,
                },
                accelsim={
                    "cycles": a.cycles,
                    "ifmap_reads": acc["GLB"]["ifmap"]["reads"],
                    "filter_reads": acc["GLB"]["weight"]["reads"],
                    "ofmap_writes": acc["GLB"]["psum"]["writes"] + acc["GLB"]["ofmap"]["writes"],
                    "dram_reads": acc["DRAM"]["ifmap"]["reads"] + acc["DRAM"]["weight"]["reads"],
                },
                reasons=tuple(reasons),
            )
        )
    return rows


def print_comparison(rows: list[Row], console: Any) -> None:
    from rich.table import Table

    table = Table(title="SCALE-Sim 3.0.0 (compatible mode) vs accelsim's own model, same array and SRAM sizes")
    table.add_column("layer")
    for col in ("cycles", "ifmap_reads", "filter_reads", "ofmap_writes", "dram_reads"):
        table.add_column(f"{col} SS", justify="right")
        table.add_column(f"{col} AS", justify="right")
    table.add_column("why they differ")
    keys = list(REASONS)
    for r in rows:
        cells = [r.name]
        for col in ("cycles", "ifmap_reads", "filter_reads", "ofmap_writes", "dram_reads"):
            cells += [f"{r.scalesim[col]:,}", f"{r.accelsim[col]:,}"]
        cells.append(", ".join(str(n) for n in sorted(keys.index(x) + 1 for x in r.reasons)))
        table.add_row(*cells)
    console.print(table)
    console.print("SS: SCALE-Sim's reports (SRAM reads/writes, DRAM reads); AS: accelsim's GLB and DRAM accesses.")
    for i, (k, text) in enumerate(REASONS.items(), start=1):
        console.print(f"  {i}. {text}.")
