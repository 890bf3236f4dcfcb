"""The course's worst case: no local reuse and no on-chip buffer (claim "nlr-alexnet").

Sze et al. (Proc. IEEE 105(12), 2017, §V; the slide "DRAM access in AlexNet can be
reduced from 2896M to 61M"): with no reuse anywhere, every MAC reads its weight, its ifmap
value and its partial sum from DRAM and writes the partial sum back: 4 accesses × 724M
MACs = 2896M.

accelsim models it as the NLR dataflow on one PE whose only memory is the buffer it talks
to (``configs/nlr_no_buffer.yaml``); with no on-chip buffer that memory *is* DRAM, so the
traffic between the buffer and the PE is the DRAM traffic of the claim. The loop nest puts
the filter taps (R, S) outside the output pixels, so consecutive MACs never add into the
same output: each MAC reads and writes its psum. accelsim then counts, exactly,

    weights  = MACs
    ifmaps   = MACs − (MACs whose ifmap value is padding: nothing is fetched for them)
    psums    = MACs writes + (MACs − outputs) reads (the first product of an output reads
               nothing: no psum exists yet)

i.e. 4·MACs − padding MACs − outputs; the slide's round 4 × MACs counts those two terms too.
The filters (M) are the innermost loop over passes, so consecutive passes never share an
output either. An fc layer is taken as the 1×1 layer over its flattened input (C·R·S
channels): the same MACs, weights and values, and no output shared by consecutive MACs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..dataflow import DATAFLOWS
from ..engine.evaluate import evaluate
from ..engine.problem import Problem
from ..hardware import HardwareSpec
from ..mapping.search import best_mapping
from ..workload import Network
from ..workload.ops import FC, Conv

NLR = DATAFLOWS["nlr"]
NLR_NO_REUSE = replace(
    NLR,
    title="no local reuse, taps outermost (worst case)",
    rf_order=("R", "S", "N", "E", "F"),
    pass_order=("G", "C", "R", "S", "N", "E", "F", "M"),
    description="one PE, every operand and every psum from memory on every MAC",
    reference="Sze et al., Proc. IEEE 105(12), 2017, §V (worst case: all memory R/W are DRAM accesses)",
)


@dataclass(frozen=True)
class WorstCaseLayer:
    name: str
    macs: int
    outputs: int
    weight: int  # reads
    ifmap: int  # reads
    psum_reads: int
    psum_writes: int  # psum and ofmap writes

    @property
    def total(self) -> int:
        return self.weight + self.ifmap + self.psum_reads + self.psum_writes


def worst_case(net: Network, spec: HardwareSpec, batch: int = 1) -> tuple[WorstCaseLayer, ...]:
    """Every conv/fc layer of ``net`` under :data:`NLR_NO_REUSE` on ``spec`` (one PE):
    the accesses between the PE and the memory it reads from."""
    out = []
    for layer in net.layers:
        if not isinstance(layer.op, (Conv, FC)):
            continue
        p = Problem.from_shape(layer.shape, batch)
        if isinstance(layer.op, FC):
            p = Problem(N=p.N, G=p.G, M=p.M, C=p.C * p.R * p.S, E=1, F=1, R=1, S=1, H=1, W=1)
        m, _ = best_mapping(p, spec, NLR_NO_REUSE, "energy", layer.name)
        acc = evaluate(p, spec, NLR_NO_REUSE, m).accesses
        noc = acc["NoC"]
        out.append(
            WorstCaseLayer(
                name=layer.name,
                macs=p.macs,
                outputs=p.N * p.G * p.M * p.E * p.F,
                weight=noc["weight"]["reads"],
                ifmap=noc["ifmap"]["reads"],
                psum_reads=noc["psum"]["reads"],
                psum_writes=noc["psum"]["writes"],
            )
        )
    return tuple(out)
