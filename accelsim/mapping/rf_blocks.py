"""The mapper's RF extents: the two largest per-PE blocks that fit the RF, over a grid.

:func:`accelsim.mapping.search.t3_options` gives each *free* RF loop (one the pass does
not cover whole) the extents ⌈tile/factor⌉ and the powers of two below it, and keeps the
two combinations with the largest volume (the product of the RF loops' extents) whose
blocks fit the RF — among equal volumes the earlier combination, in the order of
``itertools.product`` over the free dims' extents, largest first, the last dim fastest.

A data type kept in the RF (keep level inside the RF loops) holds the block of the loops
at and inside its keep level (engine/footprint.py's rule, as :func:`search.rf_block`):
weights G·M·C·R·S, psums N·G·M·E·F, ifmaps N·G·C times the rows and columns the E, F
outputs' windows span, ``min(H, (E−1)·U + (R−1)·D + 1)``. A split RF bounds each type by
its partition (elements); a shared one bounds the sum of the types' bits.

This is the loop nest the mapper ran in NumPy on a broadcast grid, one combination at a
time: the same integers, the same picks, and no array per candidate.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..engine.tiles import next_digits

# dims (engine/problem.py DIMS): N G M C E F R S
_N, _G, _M, _C, _E, _F, _R, _S = range(8)


@njit(cache=True)
def _x(ext, counted, t, d):
    """Dim d's extent in type t's block: its extent where the block spans it, else 1."""
    return ext[d] if counted[t, d] else 1


@njit(cache=True)
def block_size(ext, counted, hw, t):
    """Elements of type t (0 weight, 1 ifmap, 2 psum) one PE keeps for per-dim extents
    ``ext`` (8): the dims with ``counted[t, d]`` take their extent, the others 1."""
    if t == 0:
        return _x(ext, counted, 0, _G) * _x(ext, counted, 0, _M) * _x(ext, counted, 0, _C) * _x(ext, counted, 0, _R) * _x(ext, counted, 0, _S)
    if t == 2:
        return _x(ext, counted, 2, _N) * _x(ext, counted, 2, _G) * _x(ext, counted, 2, _M) * _x(ext, counted, 2, _E) * _x(ext, counted, 2, _F)
    H, W, U, D = hw[0], hw[1], hw[2], hw[3]
    rows = min(H, (_x(ext, counted, 1, _E) - 1) * U + (_x(ext, counted, 1, _R) - 1) * D + 1)
    cols = min(W, (_x(ext, counted, 1, _F) - 1) * U + (_x(ext, counted, 1, _S) - 1) * D + 1)
    return _x(ext, counted, 1, _N) * _x(ext, counted, 1, _G) * _x(ext, counted, 1, _C) * rows * cols


@njit(cache=True)
def fits(ext, kept, counted, hw, split, limit, bits, size_bits):
    """Whether the blocks of extents ``ext`` fit: each kept type's elements within its
    partition ``limit[t]`` (``split``), or the kept types' bits (``bits[t]`` per element)
    within ``size_bits``."""
    total = 0
    for t in range(3):
        if not kept[t]:
            continue
        need = block_size(ext, counted, hw, t)
        if split:
            if need > limit[t]:
                return False
        else:
            total += need * bits[t]
    return split or total <= size_bits


@njit(cache=True)
def largest_blocks(base, free, tops, hw, in_rf, kept, counted, split, limit, bits, size_bits, everything_fits):
    """The (at most two) extents of the largest volume that fit, best first (rows of 8).

    ``base``: every dim's extent where it is not free; ``free``: the free dims' indices in
    RF-loop order and ``tops`` their largest extents; ``hw``: the layer's H, W, U, D;
    ``in_rf``: the dims whose extents make the volume (the RF loops); the rest as
    :func:`fits` takes them; ``everything_fits``: a dataflow without RF."""
    k = free.shape[0]
    # each free dim's extents, largest first: top, then the powers of two below it
    n_ch = np.zeros(k, np.int64)
    width = 1
    for i in range(k):
        c = 1
        v = 1
        while v < tops[i]:
            c += 1
            v *= 2
        n_ch[i] = c
        width = max(width, c)
    choice = np.empty((k, width), np.int64)
    for i in range(k):
        choice[i, 0] = tops[i]
        v = 1
        while v * 2 < tops[i]:
            v *= 2
        for j in range(1, n_ch[i]):  # the powers of two under top, descending
            choice[i, j] = v
            v //= 2
    ext = base.copy()
    pick = np.zeros(k, np.int64)
    best = np.zeros((2, 8), np.int64)
    best_vol = np.full(2, -1, np.int64)
    while True:
        for i in range(k):
            ext[free[i]] = choice[i, pick[i]]
        if everything_fits or fits(ext, kept, counted, hw, split, limit, bits, size_bits):
            vol = 1
            for d in range(8):
                if in_rf[d]:
                    vol *= ext[d]
            # the two largest volumes, the earlier combination first among equals
            if vol > best_vol[0]:
                best[1] = best[0]
                best_vol[1] = best_vol[0]
                best[0] = ext
                best_vol[0] = vol
            elif vol > best_vol[1]:
                best[1] = ext
                best_vol[1] = vol
        if not next_digits(pick, n_ch, k):  # the next combination: the last free dim fastest
            break
    n = 0
    while n < 2 and best_vol[n] >= 0:
        n += 1
    return best[:n].copy()
