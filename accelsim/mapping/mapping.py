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
    # the RF loops (dim, count), outermost first, when a dim is split across two loops inside
    # the PE (Timeloop's P4 at pe_spad … P14 at weight_reg; a dim's counts multiply to its
    # t3); with them, keep_at: the keep level of weight, ifmap, psum as the number of these
    # loops above the kept block (0: the pass, len(rf_loops): streamed). Empty: rf_order.
    rf_loops: tuple[tuple[str, int], ...] = ()
    keep_at: tuple[int, ...] = ()

    def dram_loop_arrays(self, p: Problem) -> tuple[np.ndarray, np.ndarray]:
        """The DRAM-level nest as the kernel takes it: dim indices and counts, outermost first."""
        cnt = {d: -(-b // t) for d, b, t in zip(TILE_DIMS, p.bounds[:6], self.t1)}
        loops = self.dram_loops or tuple((d, cnt[d]) for d in self.dram_order)
        for d in TILE_DIMS:
            prod = math.prod(c for e, c in loops if e == d)
            if prod != cnt[d]:
                raise ValueError(f"the DRAM loops of {d} multiply to {prod}, not its {cnt[d]} GLB tiles")
        return (np.array([TILE_DIMS.index(d) for d, _ in loops], np.int64), np.array([c for _, c in loops], np.int64))

    def rf_split_error(self, p: Problem) -> str | None:
        """Why the engine cannot count this mapping's rf_loops on layer ``p``, or None: a
        dim has at most two RF loops whose counts multiply to its t3, and a dim split across
        two (or spread over PEs) has every array pass cover sp·t3 of it whole, so no PE idles
        part of its loops (the engine and the reference model count whole blocks there)."""
        if not self.rf_loops:
            return None
        t3 = dict(zip(DIMS, self.t3))
        sp = dict(zip(DIMS, self.sp))
        b = dict(zip(DIMS, p.bounds))
        tile = dict(zip(TILE_DIMS, self.t1))
        if len(self.keep_at) != 3 or not all(0 <= k <= len(self.rf_loops) for k in self.keep_at):
            return f"keep levels {self.keep_at} are not three indices into the {len(self.rf_loops)} RF loops"
        for d in DIMS:
            cs = [c for e, c in self.rf_loops if e == d]
            if len(cs) > 2:
                return f"{d} has {len(cs)} RF loops; the engine counts at most two per dim"
            if math.prod(cs) != t3[d]:
                return f"the RF loops of {d} multiply to {math.prod(cs)}, not to its per-PE extent {t3[d]}"
            if len(cs) == 2 or (cs and sp[d] > 1 and t3[d] > 1):
                whole = min(tile.get(d, b[d]), b[d])
                rest = b[d] % whole if d in tile else 0
                if any(x % (sp[d] * t3[d]) for x in (whole, rest) if x):
                    return (f"the passes along {d} do not each cover sp × t3 = {sp[d] * t3[d]} of it whole "
                            f"(a GLB tile holds {whole}{f' and the last {rest}' if rest else ''})")
        ifmap_keep = self.keep_at[1]
        for i, (d, _) in enumerate(self.rf_loops):
            if d in "EFRS" and sp[d] > 1 and t3[d] > 1 and i < ifmap_keep:
                # the PEs then hold strided rows of the ifmap at one RF step; the engine counts
                # the union of their windows as one window (kernel._pair)
                return (f"the RF loop of {d}, which the PE array also splits (spatial {d}{sp[d]}), sits above the ifmap's "
                        "keep level, where the PEs' ifmap rows do not form one window")
        return None

    def rf_loop_arrays(self, df: Dataflow, p: Problem) -> tuple[np.ndarray, ...]:
        """The kernel's arrays for a mapping with rf_loops (kernel.layer_detail_rf): those of
        :meth:`arrays` with the RF loops' dims as rf_order (a split dim twice) and keep_at as
        the keep levels, then each dim's inner RF loop count (1 where it has one loop)."""
        err = self.rf_split_error(p)
        if err is not None:
            raise ValueError(err)
        t1, order, sp, t3, po, _, _ = self._arrays(self.nest(df))
        ro = np.array([DIMS.index(d) for d, _ in self.rf_loops], np.int64)
        ci = np.ones(8, np.int64)
        seen: set[str] = set()
        for d, c in self.rf_loops:
            if d in seen:
                ci[DIMS.index(d)] = c
            seen.add(d)
        return t1, order, sp, t3, po, ro, np.array(self.keep_at, np.int64), ci

    def reference_nest(self, df: Dataflow) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, int], list | None]:
        """What the reference models (oracle.simulate) take of this mapping's nest: the pass
        order, the RF loops' dims, the keep level per type and the RF loops (None: one per
        dim, as rf_order)."""
        nest = self.nest(df)
        if self.rf_loops:
            return (nest.pass_order, tuple(d for d, _ in self.rf_loops), dict(zip(("weight", "ifmap", "psum"), self.keep_at)),
                    list(self.rf_loops))
        return nest.pass_order, nest.rf_order, {t: nest.keep_level(t) for t in ("weight", "ifmap", "psum")}, None

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
        if self.rf_loops:  # its own check: rf_split_error
            return None
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
            "rf_loops": " > ".join(f"{d}{c}" for d, c in self.rf_loops) if self.rf_loops
            else " > ".join(f"{d}{t3[d]}" for d in df.rf_order),
        }

    def arrays(self, df: Dataflow) -> tuple[np.ndarray, ...]:
        """The plain int64 arrays :func:`accelsim.engine.kernel.layer` takes (a mapping with
        rf_loops: :meth:`rf_loop_arrays`, which only the expected counting mode takes)."""
        if self.rf_loops:
            from ..errors import AccelsimError

            raise AccelsimError(
                "this mapping splits a dim across two RF loops (rf_loops " + " ".join(f"{d}{c}" for d, c in self.rf_loops)
                + "), which the engine counts in its expected mode only",
                expected="a mapping with one RF loop per dim here (e.g. not --exact)", found="rf_loops")
        return self._arrays(self.nest(df))

    def _arrays(self, df: Dataflow) -> tuple[np.ndarray, ...]:
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
