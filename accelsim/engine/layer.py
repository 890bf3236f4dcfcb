"""Counts for one layer under one mapping: the DRAM-level walk over GLB tiles, and the
GLB-level closed forms for each tile (docs/engine.md)."""
from __future__ import annotations

from collections import Counter

import itertools

import numpy as np

from .passes import Nest, input_counts, output_counts
from .problem import DIMS, Problem
from . import tiles


def valid_pairs(e0: int, e1: int, R: int, U: int, D: int, pad: int, H: int) -> int:
    """Σ over e in [e0, e1), r < R of [e·U − pad + r·D inside the input]: non-padding taps."""
    n = 0
    for e in range(e0, e1):
        for r in range(R):
            y = e * U - pad + r * D
            if 0 <= y < H:
                n += 1
    return n


def layer_counts(p: Problem, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf=True) -> Counter:
    bounds = dict(zip(DIMS, p.bounds))
    t1 = dict(zip("NGMCEF", t1), R=p.R, S=p.S)
    order = list(dram_order)
    cnt: Counter = Counter()
    ntile = {d: -(-bounds[d] // t1[d]) for d in DIMS}
    L = len(rf_order)
    dram = tiles.walk_tiles(
        p.as_array(), np.array([t1[d] for d in "NGMCEF"], np.int64), np.array(["NGMCEF".index(d) for d in order], np.int64)
    )
    cnt["dram_read_weight"] = int(dram[tiles.W_READS])
    cnt["dram_read_ifmap"] = int(dram[tiles.I_READS])
    cnt["dram_read_psum"] = int(dram[tiles.P_READS])
    cnt["dram_write_psum"] = int(dram[tiles.P_WRITES])
    cnt["dram_write_ofmap"] = int(dram[tiles.O_WRITES])
    for pos in itertools.product(*(range(ntile[d]) for d in order)):
        idx = dict(zip(order, pos), R=0, S=0)
        lo = {d: idx[d] * t1[d] for d in DIMS}
        hi = {d: min(lo[d] + t1[d], bounds[d]) for d in DIMS}
        nest = Nest(lo, hi, dict(sp), dict(t3), tuple(pass_order), tuple(rf_order))
        for t in ("weight", "ifmap"):
            noc, glb = input_counts(p, nest, t, 8 + keep[t])
            cnt[f"noc_{t}"] += noc
            cnt[f"glb_read_{t}"] += glb
            if uses_rf and keep[t] < L:
                cnt[f"rf_write_{t}"] += noc
        cnt.update(output_counts(p, nest, 8 + keep["psum"], idx["C"] == 0, idx["C"] == ntile["C"] - 1))
        ext = {d: hi[d] - lo[d] for d in DIMS}
        macs = 1
        for d in DIMS:
            macs *= ext[d]
        cnt["macs"] += macs
        if uses_rf:
            if keep["weight"] < L:
                cnt["rf_read_weight"] += macs
            if keep["psum"] < L:
                cnt["rf_read_psum"] += macs
                cnt["rf_write_psum"] += macs
            if keep["ifmap"] < L:
                rows = valid_pairs(lo["E"], hi["E"], p.R, p.U, p.D, p.pt, p.H)
                cols = valid_pairs(lo["F"], hi["F"], p.S, p.U, p.D, p.pl, p.W)
                cnt["rf_read_ifmap"] += ext["N"] * ext["G"] * ext["M"] * ext["C"] * rows * cols
    return cnt
