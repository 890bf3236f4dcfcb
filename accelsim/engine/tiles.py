"""The DRAM level: walk the GLB tiles of a layer in loop order and count, exactly, what
crosses between DRAM and the GLB (docs/engine.md, §4).

A GLB tile is a block of T¹ = (N, G, M, C, E, F) with R and S whole. The GLB keeps the
current tile's weights and ifmaps; on the next tile it fetches only what it does not
already hold (for ifmaps the sliding-window halo of a neighbouring E/F tile is reused).
An output block is written back when the tile moves to other outputs: as ofmap when all
C tiles are done, else as psum; it is read back as psum when it was visited before.

walk_tiles gives a plain order's totals in closed form (a sum per class of transitions
between consecutive tiles); walk_tiles_detail / walk_tiles_loops walk tile by tile (the
per-tile rows, and nests where a dim is split across loops). The cached kernels that call
these (kernel.layer_totals, bound.lower_bound, bound.dram_traffic) have them compiled in;
accelsim/kernel_cache.py drops those caches when this file changes.
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


# the dims each data type's block depends on (indices into N G M C E F); an ifmap block
# spans the rows/cols its E/F range touches (the halo dims), weights also R S whole
W_DIMS = (1, 2, 3)  # G M C
I_DIMS = (0, 1, 3, 4, 5)  # N G C E F
O_DIMS = (0, 1, 2, 4, 5)  # N G M E F
HALO_DIMS = (4, 5)  # E F
# the place of a loop relative to the one that advances between two consecutive tiles
OUTER, ADVANCING, INNER = 0, 1, 2
# the per-dim factors summed by place: fills of the new tile, the ifmaps it keeps from
# the previous one, the previous outputs written back (ofmap / psum), psums read back
Q_W, Q_I, Q_I_KEPT, Q_O_OFMAP, Q_O_PSUM, Q_P_READ = range(6)
N_Q = 6


@njit(cache=True)
def _dep(dims: tuple) -> np.ndarray:
    """The mask over the six N G M C E F of a tuple of dims."""
    m = np.zeros(6, np.bool_)
    for d in dims:
        m[d] = True
    return m


@njit(cache=True)
def _sum(same: np.ndarray, adv: np.ndarray, wrap: int, n: int, sums: np.ndarray) -> None:
    """sums[place] = Σ of one dim's factor over the (previous, new) tile indices the dim
    takes in the transitions where a loop advances: an outer loop keeps any index i
    (``same[i]``), the advancing loop goes a → a+1 (``adv[a]``, a < n−1), an inner loop
    wraps n−1 → 0 (``wrap``)."""
    s = 0
    for i in range(n):
        s += same[i]
    sums[OUTER] = s
    s = 0
    for a in range(n - 1):
        s += adv[a]
    sums[ADVANCING] = s
    sums[INNER] = wrap


@njit(cache=True)
def _sum_new(v: np.ndarray, n: int, sums: np.ndarray) -> None:
    """:func:`_sum` of a factor of the new tile's index, ``v[new]``."""
    _sum(v, v[1:], v[0], n, sums)


@njit(cache=True)
def _sum_prev(v: np.ndarray, n: int, sums: np.ndarray) -> None:
    """:func:`_sum` of a factor of the previous tile's index, ``v[prev]``."""
    _sum(v, v, v[n - 1], n, sums)


@njit(cache=True)
def walk_tiles(p: np.ndarray, tile: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The totals of :func:`walk_tiles_detail` (the nine slots) in closed form.

    Between consecutive tiles of the loop order one loop advances, a → a+1, every loop
    inside it wraps from its last index to 0 and every loop outside it keeps its index;
    the loop at place k advances (cnt_k − 1)·Π_{j<k} cnt_j times. In each such class of
    transitions a dim changes iff its loop is the advancing one or an inner one with more
    than one tile, so which data types the new tile fetches is the same for the whole
    class: weights iff a dim of W_DIMS changed; ifmaps in full iff a dim of I_DIMS other
    than E F changed, else all but the overlap with the previous tile's rows × cols;
    outputs iff a dim of O_DIMS changed (the previous block written back as ofmap if its
    C tile was the last, else as psum; the new one read back as psum if its C tile is not
    the first). Each count is a product of per-dim factors (a tile's extent, its ifmap
    rows or cols, their overlap, a C-index flag) and each class a product of per-dim
    index sets, so its sum is a product of per-dim sums (:func:`_sum`). Plus the first
    tile's fills and the last tile's write-back.
    """
    bound = p[:6]
    R, S, H, W, U, D, pt, pl = p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]
    cnt, total = tile_grid(bound, tile)
    w_dep, i_dep, o_dep, halo = _dep(W_DIMS), _dep(I_DIMS), _dep(O_DIMS), _dep(HALO_DIMS)
    zero = np.int64(0)  # an int64, not the literal 0: rows_count/rows_overlap compile once
    out = np.zeros(N_SLOTS, np.int64)
    out[TILES] = total
    # sums[q, d, place]: Σ of the factor of quantity q along dim d, by its loop's place
    sums = np.empty((N_Q, 6, 3), np.int64)
    first_w = R * S  # the first tile's weights and ifmaps, the last tile's outputs
    first_i = 1
    last_o = 1
    w_max = R * S
    i_max = 1
    o_max = 1
    for d in range(6):
        n = cnt[d]
        ext = np.empty(n, np.int64)  # the extent of tile index i along d (edge tiles partial)
        for i in range(n):
            ext[i] = min(tile[d], bound[d] - i * tile[d])
        one = np.ones(n, np.int64)
        # weights
        v = ext if w_dep[d] else one
        _sum_new(v, n, sums[Q_W, d])
        first_w *= v[0]
        if w_dep[d]:
            w_max *= ext.max()
        # ifmaps: extents, or along E/F the rows/cols a tile touches and the overlap kept
        if halo[d]:
            K, pad, size = (R, pt, H) if d == 4 else (S, pl, W)
            foot = np.empty(n, np.int64)
            kept = np.empty(n, np.int64)
            kept_adv = np.empty(max(n - 1, 0), np.int64)
            for i in range(n):
                lo, hi = i * tile[d], i * tile[d] + ext[i]
                foot[i] = rows_count(lo, hi, zero, K, U, D, pad, size)
                kept[i] = rows_overlap(lo, hi, zero, K, lo, hi, zero, K, U, D, pad, size)
                if i > 0:  # new tile i, previous i−1
                    kept_adv[i - 1] = rows_overlap(lo, hi, zero, K, lo - tile[d], lo, zero, K, U, D, pad, size)
            last_lo = (n - 1) * tile[d]
            kept_wrap = rows_overlap(zero, ext[0], zero, K, last_lo, last_lo + ext[n - 1], zero, K, U, D, pad, size)
            _sum_new(foot, n, sums[Q_I, d])
            _sum(kept, kept_adv, kept_wrap, n, sums[Q_I_KEPT, d])
            first_i *= foot[0]
            i_max *= foot.max()
        else:
            v = ext if i_dep[d] else one
            _sum_new(v, n, sums[Q_I, d])
            _sum_new(v, n, sums[Q_I_KEPT, d])
            first_i *= v[0]
            if i_dep[d]:
                i_max *= ext.max()
        # outputs, and along C the flags: previous tile's C the last, new tile's C not the first
        if o_dep[d]:
            _sum_prev(ext, n, sums[Q_O_OFMAP, d])
            _sum_prev(ext, n, sums[Q_O_PSUM, d])
            _sum_new(ext, n, sums[Q_P_READ, d])
            last_o *= ext[n - 1]
            o_max *= ext.max()
        elif d == 3:
            c_last = np.zeros(n, np.int64)
            c_last[n - 1] = 1
            _sum_prev(c_last, n, sums[Q_O_OFMAP, d])
            _sum_prev(one - c_last, n, sums[Q_O_PSUM, d])
            c_later = one.copy()
            c_later[0] = 0
            _sum_new(c_later, n, sums[Q_P_READ, d])
        else:
            for q in (Q_O_OFMAP, Q_O_PSUM, Q_P_READ):
                _sum_new(one, n, sums[q, d])
    out[W_READS] = first_w
    out[I_READS] = first_i
    out[O_WRITES] = last_o  # the last tile's outputs are complete: its C tile is the last
    out[W_MAX], out[I_MAX], out[O_MAX] = w_max, i_max, o_max
    place = np.empty(6, np.int64)
    prod = np.empty(N_Q, np.int64)
    for k in range(6):  # the loop at place k advances
        if cnt[order[k]] == 1:
            continue
        w_new = i_full = o_new = False
        for j in range(6):
            d = order[j]
            place[d] = OUTER if j < k else ADVANCING if j == k else INNER
            if j == k or (j > k and cnt[d] > 1):  # d changes
                w_new |= w_dep[d]
                i_full |= i_dep[d] and not halo[d]
                o_new |= o_dep[d]
        prod[:] = 1
        for d in range(6):
            for q in range(N_Q):
                prod[q] *= sums[q, d, place[d]]
        if w_new:
            out[W_READS] += R * S * prod[Q_W]
        out[I_READS] += prod[Q_I] if i_full else prod[Q_I] - prod[Q_I_KEPT]
        if o_new:
            out[O_WRITES] += prod[Q_O_OFMAP]
            out[P_WRITES] += prod[Q_O_PSUM]
            out[P_READS] += prod[Q_P_READ]
    return out


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
