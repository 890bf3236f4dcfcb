"""A mapping: how one layer is laid onto the machine under one dataflow.

The loop nest of docs/engine.md §2: GLB tiles T¹ over N G M C E F visited in a DRAM-level
loop order; inside a tile, array passes of ``sp × t3`` per dim (spatial factor × per-PE
RF extent) in the dataflow's pass order; inside a pass, the dataflow's RF loops.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dataflow import Dataflow
from ..engine.problem import DIMS

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

    def describe(self, df: Dataflow) -> dict[str, str]:
        """The mapping as a student reads it."""
        sp = dict(zip(DIMS, self.sp))
        t3 = dict(zip(DIMS, self.t3))
        rows = " × ".join(f"{d}{sp[d]}" for d in self.rows) or "-"
        cols = " × ".join(f"{d}{sp[d]}" for d in self.cols) or "-"
        return {
            "dataflow": f"{df.name} ({df.title})",
            "glb_tile": " ".join(f"{d}{t}" for d, t in zip(TILE_DIMS, self.t1)),
            "dram_loop_order": " > ".join(self.dram_order) + "  (outermost first)",
            "pe_rows": rows,
            "pe_cols": cols,
            "rf_loops": " > ".join(f"{d}{t3[d]}" for d in df.rf_order),
        }

    def arrays(self, df: Dataflow) -> tuple[np.ndarray, ...]:
        """The plain int64 arrays :func:`accelsim.engine.kernel.layer` takes."""
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
