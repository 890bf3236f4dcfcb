"""The rows of the per-layer table: a conv or fc with the batch norm and activation fused
into it folded into one row (they cost SIMD operations, no memory traffic, no time).

A layer is *fused* when the run says so (its mapping reads ``SIMD (fused into the layer
before it)``, accelsim.api._fused_layers); it is folded into the last row above it that is
not itself fused — in a network's layer order, the conv it follows.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..result import LEVELS, LayerResult

FUSED_MARK = "fused into the layer before it"


def is_fused(layer: LayerResult) -> bool:
    return FUSED_MARK in str(layer.mapping.get("unit", ""))


@dataclass(frozen=True)
class Row:
    """One row of the table: a layer and the fused layers folded into it."""

    layers: tuple[LayerResult, ...]
    pes: int

    @property
    def name(self) -> str:
        return self.layers[0].name

    @property
    def type(self) -> str:
        """'conv', or 'conv+bn+relu' with what is folded into it."""
        extra = [_short_type(l) for l in self.layers[1:]]
        return "+".join([self.layers[0].type, *extra])

    @property
    def macs(self) -> int:
        return sum(l.macs for l in self.layers)

    @property
    def ops(self) -> int:
        return sum(l.ops for l in self.layers)

    @property
    def cycles(self) -> int:
        return sum(l.cycles for l in self.layers)

    @property
    def stall_cycles(self) -> int:
        return sum(l.stall_cycles for l in self.layers)

    @property
    def utilization(self) -> float:
        return self.macs / (self.pes * self.cycles) if self.cycles and self.pes else 0.0

    def accesses(self, level: str) -> int:
        return sum(l.level_accesses(level) for l in self.layers)

    def energy(self, level: str) -> float:
        return math.fsum(l.energy.get(level, 0.0) for l in self.layers)

    @property
    def total_energy(self) -> float:
        return math.fsum(l.total_energy for l in self.layers)

    @property
    def data_movement_share(self) -> float:
        total = self.total_energy
        return math.fsum(self.energy(lv) for lv in LEVELS) / total if total else 0.0


def _short_type(layer: LayerResult) -> str:
    if layer.type == "batchnorm":
        return "bn"
    if layer.type == "activation":
        return "act"
    return layer.type


def fold(layers: Sequence[LayerResult], pes: int, fold_fused: bool = True) -> list[Row]:
    """The table's rows: each fused layer folded into the row above it (``fold_fused``),
    or one row per layer."""
    rows: list[list[LayerResult]] = []
    for l in layers:
        if fold_fused and rows and is_fused(l):
            rows[-1].append(l)
        else:
            rows.append([l])
    return [Row(tuple(r), pes) for r in rows]
