"""A mapping: how one layer is laid onto the machine under one dataflow.

The loop nest of docs/engine.md §2: GLB tiles T¹ over N G M C E F visited in a DRAM-level
loop order; inside a tile, array passes of ``sp × t3`` per dim (spatial factor × per-PE
RF extent) in the dataflow's pass order; inside a pass, the dataflow's RF loops. A
mapping may order the pass loops and the RF loops itself (a pinned Timeloop mapping's
per-level permutations); the dataflow's keep levels stay named by their loops.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ..dataflow import Dataflow
from ..engine.problem import DIMS, Problem

TILE_DIMS = "NGMCEF"


@dataclass(frozen=True)
class Mapping:
    dataflow: str
    t1: tuple[int, ...]  # GLB tile sizes of N G M C E F
    dram_order: str  # the six dims, outermost first
    sp: tuple[int, ...]  # spatial factor per dim of DIMS
    t3: tuple[int, ...]  # per-PE RF extent per dim of DIMS
    rows: tuple[str, ...] = ()  # the dims across PE rows (the dataflow's, G for a depthwise C)
    cols: tuple[str, ...] = ()
    pass_order: tuple[str, ...] = ()  # the 8 pass loops, outermost first (empty: the dataflow's)
    rf_order: tuple[str, ...] = ()  # the dataflow's RF loops reordered, outermost first (empty: its own)
    # the DRAM-level loops (dim, count), outermost first, when a dim is split across several
    # (their counts multiply to its GLB tiles); empty: dram_order, one loop per dim
    dram_loops: tuple[tuple[str, int], ...] = ()

    def dram_loop_arrays(self, p: Problem) -> tuple[np.ndarray, np.ndarray]:
        """The DRAM-level nest as the kernel takes it: dim indices and counts, outermost first."""
        cnt = {d: -(-b // t) for d, b, t in zip(TILE_DIMS, p.bounds[:6], self.t1)}
        loops = self.dram_loops or tuple((d, cnt[d]) for d in self.dram_order)
        for d in TILE_DIMS:
            prod = math.prod(c for e, c in loops if e == d)
            if prod != cnt[d]:
                raise ValueError(f"the DRAM loops of {d} multiply to {prod}, not its {cnt[d]} GLB tiles")
        return (np.array([TILE_DIMS.index(d) for d, _ in loops], np.int64), np.array([c for _, c in loops], np.int64))

    def nest(self, df: Dataflow) -> Dataflow:
        """The dataflow with this mapping's loop orders: the same spatial dims and keep
        levels (a type kept inside loop X stays kept inside X, wherever X now sits)."""
        if not self.pass_order and not self.rf_order:
            return df
        return dataclasses.replace(df, pass_order=self.pass_order or df.pass_order, rf_order=self.rf_order or df.rf_order)

    def unsupported_rf_loop(self, df: Dataflow, p: Problem | None = None) -> str | None:
        """A dim this mapping spreads over PEs (factor > 1) whose RF loop its own RF order
        puts above a type's keep level (an RF loop whose steps are that type's events), or
        None. There a PE past the end of its share of the dim idles for some RF steps; the
        reference model keeps its blocks through them, the engine counts them dropped, so
        such an order (or such a choice of spatial dims) is refused; the dataflows' own
        orders put their spatial dims inside every keep level. With the layer ``p`` only a
        dim where a PE's share can fall short of its RF extent counts (t3 > 1 and some GLB
        tile's extent along it not a multiple of t3)."""
        nest = self.nest(df)
        sp = dict(zip(DIMS, self.sp))
        t3 = dict(zip(DIMS, self.t3))
        levels = [nest.keep_level(t) for t in ("weight", "ifmap", "psum")]
        for i, d in enumerate(nest.rf_order):
            if sp[d] > 1 and any(0 < k and i < k for k in levels) and (p is None or self._short_share(p, d, t3[d])):
                return d
        return None

    def _short_share(self, p: Problem, d: str, t3: int) -> bool:
        """Whether some PE's share of dim d in some pass is shorter than its RF extent."""
        bound = dict(zip(DIMS, p.bounds))[d]
        tile = dict(zip(TILE_DIMS, self.t1)).get(d, bound)
        return t3 > 1 and any(x % t3 for x in (min(tile, bound), bound % tile) if x)

    def describe(self, df: Dataflow) -> dict[str, str]:
        """The mapping as a student reads it."""
        df = self.nest(df)
        sp = dict(zip(DIMS, self.sp))
        t3 = dict(zip(DIMS, self.t3))
        rows = " × ".join(f"{d}{sp[d]}" for d in self.rows) or "-"
        cols = " × ".join(f"{d}{sp[d]}" for d in self.cols) or "-"
        return {
            "dataflow": f"{df.name} ({df.title})",
            "glb_tile": " ".join(f"{d}{t}" for d, t in zip(TILE_DIMS, self.t1)),
            "dram_loop_order": (" > ".join(f"{d}{c}" for d, c in self.dram_loops) if self.dram_loops
                                else " > ".join(self.dram_order)) + "  (outermost first)",
            "pe_rows": rows,
            "pe_cols": cols,
            "rf_loops": " > ".join(f"{d}{t3[d]}" for d in df.rf_order),
        }

    def arrays(self, df: Dataflow) -> tuple[np.ndarray, ...]:
        """The plain int64 arrays :func:`accelsim.engine.kernel.layer` takes."""
        df = self.nest(df)
        keep = [df.keep_level(t) for t in ("weight", "ifmap", "psum")]
        return (
            np.array(self.t1, np.int64),
            np.array([TILE_DIMS.index(d) for d in self.dram_order], np.int64),
            np.array(self.sp, np.int64),
            np.array(self.t3, np.int64),
            np.array([DIMS.index(d) for d in df.pass_order], np.int64),
            np.array([DIMS.index(d) for d in df.rf_order], np.int64),
            np.array(keep, np.int64),
        )
