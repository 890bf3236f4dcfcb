"""The DRAM level: walk the GLB tiles of a layer in loop order and count, exactly, what
crosses between DRAM and the GLB (docs/engine.md, §4).

A GLB tile is a block of T¹ = (N, G, M, C, E, F) with R and S whole. The GLB keeps the
current tile's weights and ifmaps; on the next tile it fetches only what it does not
already hold (for ifmaps the sliding-window halo of a neighbouring E/F tile is reused).
An output block is written back when the tile moves to other outputs: as ofmap when all
C tiles are done, else as psum; it is read back as psum when it was visited before.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .footprint import rows_count, rows_overlap

# result slots
W_READS, I_READS, P_READS, P_WRITES, O_WRITES, TILES, W_MAX, I_MAX, O_MAX = range(9)
N_SLOTS = 9


@njit(cache=True)
def tile_grid(bound: np.ndarray, tile: np.ndarray) -> tuple[np.ndarray, int]:
    """Tiles per dim of the six N G M C E F, and the number of GLB tiles."""
    cnt = np.empty(6, np.int64)
    total = 1
    for d in range(6):
        cnt[d] = (bound[d] + tile[d] - 1) // tile[d]
        total *= cnt[d]
    return cnt, total


@njit(cache=True)
def tile_range(idx: np.ndarray, tile: np.ndarray, bound: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Fill lo/hi (first six entries) with the ranges of the tile at grid index idx."""
    for d in range(6):
        lo[d] = idx[d] * tile[d]
        hi[d] = min(lo[d] + tile[d], bound[d])


@njit(cache=True)
def advance(idx: np.ndarray, cnt: np.ndarray, order: np.ndarray) -> None:
    """The next tile in loop order: a mixed-radix counter, innermost loop first."""
    for k in range(5, -1, -1):
        d = order[k]
        idx[d] += 1
        if idx[d] < cnt[d]:
            return
        idx[d] = 0


@njit(cache=True)
def loops_of(cnt: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The DRAM-level loops of a plain order: one per dim, outermost first (dim, count)."""
    dims = np.empty(6, np.int64)
    counts = np.empty(6, np.int64)
    for k in range(6):
        dims[k] = order[k]
        counts[k] = cnt[order[k]]
    return dims, counts


@njit(cache=True)
def next_digits(digit: np.ndarray, count: np.ndarray, n: int) -> bool:
    """Advance a mixed-radix counter over its first ``n`` digits (digit k counts to
    ``count[k]``, the last fastest); False when it wraps round to all zeros."""
    for k in range(n - 1, -1, -1):
        digit[k] += 1
        if digit[k] < count[k]:
            return True
        digit[k] = 0
    return False


@njit(cache=True)
def advance_loops(digit: np.ndarray, idx: np.ndarray, loop_dim: np.ndarray, loop_cnt: np.ndarray) -> None:
    """The next tile of a DRAM-level nest whose dims may have several loops (a dim split
    across loops, Timeloop's ``P2 Q8 … P4``): a mixed-radix counter over the loops,
    innermost first; a dim's tile index is its loops' digits read outermost first."""
    next_digits(digit, loop_cnt, loop_dim.shape[0])
    for d in range(6):
        idx[d] = 0
    for k in range(loop_dim.shape[0]):
        d = loop_dim[k]
        idx[d] = idx[d] * loop_cnt[k] + digit[k]


@njit(cache=True)
def walk_tiles(p: np.ndarray, tile: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Totals of :func:`walk_tiles_detail`."""
    return walk_tiles_detail(p, tile, order)[0]


@njit(cache=True)
def walk_tiles_detail(p: np.ndarray, tile: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts for GLB tiles ``tile`` (sizes of N G M C E F) visited in ``order``.

    ``p`` is :meth:`Problem.as_array`; ``order`` lists dim indices 0..5 outermost first.
    Returns int64 slots: weight reads, ifmap reads, psum reads, psum writes, ofmap
    writes (all DRAM, in elements), the number of tiles, and the largest weight, ifmap
    and output footprint of any tile (elements; what the GLB must hold); and per tile, in
    visiting order, the same five DRAM counts: the fills it needs before it runs, and the
    write-back of the previous tile's outputs that it causes (row ``tiles`` holds the
    final write-back after the last tile).
    """
    cnt, total = tile_grid(p[:6], tile)
    loop_dim, loop_cnt = loops_of(cnt, order)
    return walk_tiles_loops(p, tile, loop_dim, loop_cnt)


@njit(cache=True)
def walk_tiles_loops(p: np.ndarray, tile: np.ndarray, loop_dim: np.ndarray, loop_cnt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`walk_tiles_detail` for a DRAM-level nest of loops (dim index, count),
    outermost first, a dim possibly in several (their counts multiply to its tiles)."""
    bound = p[:6]
    R, S, H, W, U, D, pt, pl = p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]
    cnt, total = tile_grid(bound, tile)
    idx = np.zeros(6, np.int64)
    digit = np.zeros(loop_dim.shape[0], np.int64)
    lo = np.zeros(6, np.int64)
    hi = np.zeros(6, np.int64)
    plo = np.full(6, -1, np.int64)
    phi = np.full(6, -1, np.int64)
    out = np.zeros(N_SLOTS, np.int64)
    out[TILES] = total
    per = np.zeros((total + 1, 5), np.int64)
    zero = np.int64(0)  # an int64, not the literal 0: rows_count/rows_overlap compile once
    prev_c_last = False
    have_prev = False
    for t in range(total):
        tile_range(idx, tile, bound, lo, hi)
        n_, g_, m_, c_ = hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], hi[3] - lo[3]
        rows = rows_count(lo[4], hi[4], zero, R, U, D, pt, H)
        cols = rows_count(lo[5], hi[5], zero, S, U, D, pl, W)
        w_size = g_ * m_ * c_ * R * S
        i_size = n_ * g_ * c_ * rows * cols
        o_size = n_ * g_ * m_ * (hi[4] - lo[4]) * (hi[5] - lo[5])
        out[W_MAX] = max(out[W_MAX], w_size)
        out[I_MAX] = max(out[I_MAX], i_size)
        out[O_MAX] = max(out[O_MAX], o_size)
        # weights: a tile's block is either the previous one or disjoint from it
        same_w = have_prev and lo[1] == plo[1] and lo[2] == plo[2] and lo[3] == plo[3]
        if not same_w:
            per[t, W_READS] = w_size
        # ifmaps: reuse the overlap with the previous tile when N, G, C are the same
        if have_prev and lo[0] == plo[0] and lo[1] == plo[1] and lo[3] == plo[3]:
            ov = rows_overlap(lo[4], hi[4], zero, R, plo[4], phi[4], zero, R, U, D, pt, H)
            if ov > 0:
                ov *= rows_overlap(lo[5], hi[5], zero, S, plo[5], phi[5], zero, S, U, D, pl, W)
            per[t, I_READS] = i_size - n_ * g_ * c_ * ov
        else:
            per[t, I_READS] = i_size
        # outputs: a new block evicts the old one
        same_o = (
            have_prev and lo[0] == plo[0] and lo[1] == plo[1] and lo[2] == plo[2] and lo[4] == plo[4] and lo[5] == plo[5]
        )
        if not same_o:
            if have_prev:
                po = (phi[0] - plo[0]) * (phi[1] - plo[1]) * (phi[2] - plo[2]) * (phi[4] - plo[4]) * (phi[5] - plo[5])
                if prev_c_last:
                    per[t, O_WRITES] = po
                else:
                    per[t, P_WRITES] = po
            if idx[3] > 0:
                per[t, P_READS] = o_size
        prev_c_last = idx[3] == cnt[3] - 1
        for d in range(6):
            plo[d] = lo[d]
            phi[d] = hi[d]
        have_prev = True
        advance_loops(digit, idx, loop_dim, loop_cnt)
    po = (phi[0] - plo[0]) * (phi[1] - plo[1]) * (phi[2] - plo[2]) * (phi[4] - plo[4]) * (phi[5] - plo[5])
    if prev_c_last:
        per[total, O_WRITES] = po
    else:
        per[total, P_WRITES] = po
    for k in range(5):
        out[k] = per[:, k].sum()
    return out, per
