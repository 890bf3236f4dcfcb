"""``run_compat``: SCALE-Sim 3.0.0's figures for a topology and a config, layer by layer."""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import AccelsimError
from .config import ScaleSimConfig, load_config
from .dram import MemoryFigures, simulate_memory
from .model import FoldMapping, fold_mapping, overall_util, sram_counts, utilizations
from .topology import ScaleSimLayer, Topology, load_topology


@dataclass(frozen=True)
class LayerResult:
    """One row of SCALE-Sim's three reports, plus the layer and its mapping.

    Cycle figures are integers (SCALE-Sim prints start/stop cycles as floats, ``1.0``; the
    report writer does the same). Utilizations are percentages, bandwidths words per cycle.
    """

    layer_id: int
    layer: ScaleSimLayer
    mapping: FoldMapping
    # COMPUTE_REPORT
    total_cycles_incl_prefetch: int
    total_cycles: int
    stall_cycles: int
    overall_util: float
    mapping_efficiency: float
    compute_util: float
    # DETAILED_ACCESS_REPORT
    sram_ifmap_reads: int
    sram_filter_reads: int
    sram_ofmap_writes: int
    memory: MemoryFigures

    @property
    def name(self) -> str:
        return self.layer.name

    # BANDWIDTH_REPORT (as single_layer_sim.calc_report_data computes them)
    @property
    def avg_ifmap_sram_bw(self) -> float:
        return self.sram_ifmap_reads / self.total_cycles

    @property
    def avg_filter_sram_bw(self) -> float:
        return self.sram_filter_reads / self.total_cycles

    @property
    def avg_ofmap_sram_bw(self) -> float:
        return self.sram_ofmap_writes / self.total_cycles

    @property
    def avg_ifmap_dram_bw(self) -> float:
        m = self.memory
        return m.dram_ifmap_reads / float(m.dram_ifmap_stop - m.dram_ifmap_start + 1)

    @property
    def avg_filter_dram_bw(self) -> float:
        m = self.memory
        return m.dram_filter_reads / float(m.dram_filter_stop - m.dram_filter_start + 1)

    @property
    def avg_ofmap_dram_bw(self) -> float:
        m = self.memory
        return m.dram_ofmap_writes / float(m.dram_ofmap_stop - m.dram_ofmap_start + 1)

    def compute_row(self) -> list[Any]:
        return [
            self.total_cycles_incl_prefetch,
            self.total_cycles,
            self.stall_cycles,
            self.overall_util,
            self.mapping_efficiency,
            self.compute_util,
        ]

    def bandwidth_row(self) -> list[Any]:
        return [
            self.avg_ifmap_sram_bw,
            self.avg_filter_sram_bw,
            self.avg_ofmap_sram_bw,
            self.avg_ifmap_dram_bw,
            self.avg_filter_dram_bw,
            self.avg_ofmap_dram_bw,
        ]

    def detail_row(self) -> list[Any]:
        m = self.memory
        c = float  # SCALE-Sim's start/stop cycles come out of numpy float arrays
        return [
            c(m.sram_ifmap_start), c(m.sram_ifmap_stop), self.sram_ifmap_reads,
            c(m.sram_filter_start), c(m.sram_filter_stop), self.sram_filter_reads,
            c(m.sram_ofmap_start), c(m.sram_ofmap_stop), self.sram_ofmap_writes,
            c(m.dram_ifmap_start), c(m.dram_ifmap_stop), m.dram_ifmap_reads,
            c(m.dram_filter_start), c(m.dram_filter_stop), m.dram_filter_reads,
            c(m.dram_ofmap_start), c(m.dram_ofmap_stop), m.dram_ofmap_writes,
        ]

    def to_dict(self) -> dict[str, Any]:
        fm = self.mapping
        return {
            "layer_id": self.layer_id,
            "name": self.name,
            "shape": self.layer.shape(),
            "gemm": {"M": fm.M, "N": fm.N, "K": fm.K},
            "mapping": {"dataflow": fm.dataflow, "Sr": fm.Sr, "Sc": fm.Sc, "T": fm.T,
                        "row_fold": fm.row_fold, "col_fold": fm.col_fold, "rows_per_fold": fm.rows_per_fold},
            "macs": fm.macs,
            "total_cycles_incl_prefetch": self.total_cycles_incl_prefetch,
            "total_cycles": self.total_cycles,
            "stall_cycles": self.stall_cycles,
            "overall_util": self.overall_util,
            "mapping_efficiency": self.mapping_efficiency,
            "compute_util": self.compute_util,
            "sram": {"ifmap_reads": self.sram_ifmap_reads, "filter_reads": self.sram_filter_reads,
                     "ofmap_writes": self.sram_ofmap_writes},
            "dram": {"ifmap_reads": self.memory.dram_ifmap_reads, "filter_reads": self.memory.dram_filter_reads,
                     "ofmap_writes": self.memory.dram_ofmap_writes},
            "memory": asdict(self.memory),
            "bandwidth": dict(zip(
                ("ifmap_sram", "filter_sram", "ofmap_sram", "ifmap_dram", "filter_dram", "ofmap_dram"),
                self.bandwidth_row(),
            )),
        }


@dataclass(frozen=True)
class CompatResult:
    """SCALE-Sim-compatible results for a whole topology."""

    topology: Topology
    config: ScaleSimConfig
    layers: tuple[LayerResult, ...]
    cpu_seconds: float = field(default=0.0, compare=False)

    @property
    def total_cycles(self) -> int:
        return sum(r.total_cycles for r in self.layers)

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__

        cfg = self.config
        return {
            "accelsim_version": __version__,
            "compat": "scalesim-3.0.0",
            "topology": self.topology.name,
            "config": cfg.run_name,
            "dataflow": cfg.dataflow,
            "array": {"rows": cfg.array_rows, "cols": cfg.array_cols},
            "sram_kb": {"ifmap": cfg.ifmap_sram_kb, "filter": cfg.filter_sram_kb, "ofmap": cfg.ofmap_sram_kb},
            "interface_bandwidth": cfg.interface_bandwidth,
            "layers": [r.to_dict() for r in self.layers],
            "totals": {
                "macs": sum(r.mapping.macs for r in self.layers),
                "total_cycles": self.total_cycles,
                "stall_cycles": sum(r.stall_cycles for r in self.layers),
                "sram": {k: sum(getattr(r, f"sram_{k}") for r in self.layers)
                         for k in ("ifmap_reads", "filter_reads", "ofmap_writes")},
                "dram": {k: sum(getattr(r.memory, f"dram_{k}") for r in self.layers)
                         for k in ("ifmap_reads", "filter_reads", "ofmap_writes")},
            },
        }


def run_layer(layer: ScaleSimLayer, cfg: ScaleSimConfig, layer_id: int = 0) -> LayerResult:
    """One layer under SCALE-Sim 3.0.0's semantics."""
    fm = fold_mapping(layer, cfg)
    mem = simulate_memory(layer, cfg, fm)
    if mem.total_cycles <= 0:
        raise AccelsimError(
            "the layer takes 0 cycles as SCALE-Sim counts them (one MAC on a 1x1 output-stationary array); "
            "SCALE-Sim 3.0.0 stops here with ZeroDivisionError (Overall Util and the SRAM bandwidths divide by "
            "Total Cycles)",
            where=f"layer '{layer.name}'" + (f" (topology line {layer.line})" if layer.line else ""),
        )
    eff, util = utilizations(fm)
    if_reads, fl_reads, of_writes = sram_counts(fm)
    return LayerResult(
        layer_id=layer_id,
        layer=layer,
        mapping=fm,
        total_cycles_incl_prefetch=mem.total_cycles_incl_prefetch,
        total_cycles=mem.total_cycles,
        stall_cycles=mem.stall_cycles,
        overall_util=overall_util(fm, mem.total_cycles),
        mapping_efficiency=eff,
        compute_util=util,
        sram_ifmap_reads=if_reads,
        sram_filter_reads=fl_reads,
        sram_ofmap_writes=of_writes,
        memory=mem,
    )


def run_topology(topology: Topology, cfg: ScaleSimConfig) -> CompatResult:
    """Every layer of a parsed topology (identical layers are simulated once)."""
    t0 = time.process_time()
    done: dict[tuple[int, ...], LayerResult] = {}
    rows: list[LayerResult] = []
    for i, layer in enumerate(topology.layers):
        key = (layer.H, layer.W, layer.R, layer.S, layer.C, layer.M, layer.U)
        if key in done:
            prev = done[key]
            rows.append(LayerResult(**{**prev.__dict__, "layer_id": i, "layer": layer}))
        else:
            done[key] = run_layer(layer, cfg, i)
            rows.append(done[key])
    return CompatResult(topology, cfg, tuple(rows), cpu_seconds=time.process_time() - t0)


def run_compat(
    topology_path: str | os.PathLike[str],
    config_path: str | os.PathLike[str],
    *,
    gemm: bool | None = None,
    dataflow: str | None = None,
) -> CompatResult:
    """SCALE-Sim 3.0.0's per-layer figures for a topology CSV and a ``.cfg``.

    ``gemm``: the topology is in GEMM form (``Layer, M, N, K``); None tells it from the header.
    ``dataflow``: overrides the config's ``Dataflow`` (os, ws or is).
    """
    topology = load_topology(topology_path, gemm=gemm)
    cfg = load_config(config_path)
    if dataflow is not None:
        from ..errors import AccelsimError, did_you_mean
        from .config import DATAFLOWS

        if dataflow not in DATAFLOWS:
            raise AccelsimError(
                f"unknown dataflow '{dataflow}'{did_you_mean(dataflow, DATAFLOWS)}", where="--dataflow",
                expected="os, ws or is", found=dataflow,
            )
        cfg = cfg.replace(dataflow=dataflow)
    return run_topology(topology, cfg)
