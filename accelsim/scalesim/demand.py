"""The order in which SCALE-Sim 3.0.0 asks for operands: demand matrices and prefetch matrices.

SCALE-Sim builds, per fold, one *demand matrix* per operand (one row per cycle, one column per
array row or column; ``compute/systolic_compute_{os,ws,is}.py: create_*_demand_mat``) and
concatenates the folds (column folds outer). Every fold's matrix has the same shape: a block
of −1 rows (``prefix``), a *data block* taken from the operand, a block of −1 rows (suffix),
and for most operands a skew (row ``t`` of column ``j`` holds what row ``t−j`` held). accelsim
never builds these matrices: :func:`row_span` gives, for one demand row, the contiguous range
of columns that hold operand data and the operand-matrix indices there (affine in the column),
so the kernels in :mod:`.dram` walk the addresses in exactly SCALE-Sim's order without storing
anything.

An operand is described by ten integers (``DESC_*``), for fold (fc, fr) with origin
r0 = fr·R, c0 = fc·Cw and nr × nc used rows × columns:

- ``width`` (R or Cw), ``skew`` (0/1), ``prefix`` rows, ``D`` data rows, ``flip`` (the data
  block is a tile read bottom-up);
- ``jfirst``: the column index j runs along the operand matrix's first index (else its second);
- ``jbase`` (1: r0, 2: c0) added to j, ``dbase`` (0, 1: r0, 2: c0) added to the data-row index;
- ``jlim`` (1: nr, 2: nc) and ``dlim`` (0: D, 1: nr): the used part of the fold.

Operand matrices: ifmap I(m, k), filter F(k, n), ofmap O(m, n) of the im2col GEMM.
"""
from __future__ import annotations

import numba
import numpy as np

from .model import FoldMapping

DESC_LEN = 10


def demand_descriptors(fm: FoldMapping) -> np.ndarray:
    """A 3×10 int64 array: the ifmap, filter and ofmap demand layouts for ``fm.dataflow``."""
    R, Cw, T = fm.rows, fm.cols, fm.T
    #            width skew prefix  D   flip jfirst jbase dbase jlim dlim
    if fm.dataflow == "os":  # Sr = M on rows, Sc = N on columns, T = K
        rows = [
            (R, 1, 0, T, 0, 1, 1, 0, 1, 0),  # I(r0+j, d)
            (Cw, 1, 0, T, 0, 0, 2, 0, 2, 0),  # F(d, c0+j)
            (Cw, 1, T - 1, R, 1, 0, 2, 1, 2, 1),  # O(r0+R-1-d, c0+j): flipped tile
        ]
    elif fm.dataflow == "ws":  # Sr = K, Sc = N, T = M
        rows = [
            (R, 1, R, T, 0, 0, 1, 0, 1, 0),  # I(d, r0+j) after R rows of weight preload
            (Cw, 0, 0, R, 1, 0, 2, 1, 2, 1),  # F(r0+R-1-d, c0+j): flipped tile, no skew
            (Cw, 1, 2 * R - 1, T, 0, 0, 2, 0, 2, 0),  # O(d, c0+j)
        ]
    else:  # is: Sr = K, Sc = M, T = N
        rows = [
            (Cw, 0, 0, R, 1, 1, 2, 1, 2, 1),  # I(c0+j, r0+R-1-d): flipped tile, no skew
            (R, 1, R, T, 0, 1, 1, 0, 1, 0),  # F(r0+j, d)
            (Cw, 1, 2 * R - 1, T, 0, 1, 2, 0, 2, 0),  # O(c0+j, d)
        ]
    return np.array(rows, dtype=np.int64)


@numba.njit(cache=True)
def row_span(d: np.ndarray, t: int, r0: int, c0: int, nr: int, nc: int):
    """Columns [lo, hi) of demand row ``t`` (within its fold) that hold operand data.

    ``d`` is one operand's descriptor row. For a column j in the span the operand-matrix
    indices are (a1 + s1·j, a2 + s2·j).
    """
    width = d[0]
    skew = d[1]
    prefix = d[2]
    D = d[3]
    flip = d[4]
    jb = r0 if d[6] == 1 else c0
    dbs = d[7]
    db = 0 if dbs == 0 else (r0 if dbs == 1 else c0)
    jl = min(width, nr if d[8] == 1 else nc)
    dl = D if d[9] == 0 else min(D, nr)
    e0 = (D - 1 - (t - prefix)) if flip == 1 else (t - prefix)
    if skew == 0:
        es = 0
        if 0 <= e0 < dl:
            lo, hi = 0, jl
        else:
            lo, hi = 0, 0
    elif flip == 1:
        es = 1
        lo = max(0, -e0)
        hi = min(jl, dl - e0)
    else:
        es = -1
        lo = max(0, e0 - dl + 1)
        hi = min(jl, e0 + 1)
    if d[5] == 1:
        return lo, hi, jb, 1, db + e0, es
    return lo, hi, db + e0, es, jb, 1


# ---------------------------------------------------------------- prefetch (USER mode)


def prefetch_layout(fm: FoldMapping, operand: str) -> tuple[int, int, int, int, int, int]:
    """(blocks, rows per block, width, rollout, jfirst, limit) of an operand's prefetch matrix.

    SCALE-Sim's prefetch matrix (``create_*_prefetch_mat``) stacks one block per row fold (or
    column fold) of the operand's tiles, padding unused columns with −1; for some operands it is
    then read along anti-diagonals ("rollout", ISSUE #15/#16 in SCALE-Sim), else row by row.
    Column ``col`` of block ``b`` is operand index g = b·width + col (valid while g < limit),
    along the first operand index if ``jfirst``.
    """
    R, Cw = fm.rows, fm.cols
    df = fm.dataflow
    if operand == "ifmap":
        if df == "os":
            return fm.row_fold, fm.K, R, 1, 1, fm.M
        if df == "ws":
            return fm.row_fold, fm.M, R, 1, 0, fm.K
        return fm.col_fold, fm.K, Cw, 0, 1, fm.M
    if df == "os":
        return fm.col_fold, fm.K, Cw, 1, 0, fm.N
    if df == "ws":
        return fm.col_fold, fm.K, Cw, 0, 0, fm.N
    return fm.row_fold, fm.N, R, 1, 1, fm.K


@numba.njit(cache=True, inline="always")
def _prefetch_elem(kind, r, col, tb, wb, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K):
    b = r // tb
    d = r - b * tb
    g = b * wb + col
    if g >= limit:
        return -1
    i1 = g if jfirst == 1 else d
    i2 = d if jfirst == 1 else g
    if kind == 0:
        y = y0[i1] + fy[i2]
        x = x0[i1] + fx[i2]
        if y < H and x < W:
            return (y * W + x) * C + cc[i2]
        return -1
    return i2 * K + i1


@numba.njit(cache=True)
def prefetch_sequence(
    out: np.ndarray,
    kind: int,
    blocks: int,
    tb: int,
    wb: int,
    rollout: int,
    jfirst: int,
    limit: int,
    y0: np.ndarray,
    x0: np.ndarray,
    fy: np.ndarray,
    fx: np.ndarray,
    cc: np.ndarray,
    H: int,
    W: int,
    C: int,
    K: int,
) -> int:
    """Write into ``out`` (size ≥ blocks·tb·wb) the valid addresses (−1 entries dropped) of a
    prefetch matrix in SCALE-Sim's fetch order; return how many.

    ``kind`` 0: ifmap I(m, k) (address (y·W+x)·C+c), 1: filter F(k, n) (address n·K+k).
    Addresses are relative to the operand's offset.
    """
    mt = blocks * tb
    n = 0
    if rollout == 1:
        for diag in range(mt + wb - 1):
            for r in range(min(diag, mt - 1), max(0, diag - wb + 1) - 1, -1):
                a = _prefetch_elem(kind, r, diag - r, tb, wb, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K)
                if a >= 0:
                    out[n] = a
                    n += 1
    else:
        for r in range(mt):
            for col in range(wb):
                a = _prefetch_elem(kind, r, col, tb, wb, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K)
                if a >= 0:
                    out[n] = a
                    n += 1
    return n


@numba.njit(cache=True)
def set_membership(seq: np.ndarray, per_set: int, space: int) -> tuple[np.ndarray, np.ndarray, int]:
    """CSR of the hashed buffer (``read_buffer.prepare_hashed_buffer``): for each address, the
    ids (ascending) of the sets that hold it; sets are runs of ``per_set`` valid entries of the
    fetch sequence. Returns (indptr, set ids, number of sets = len(seq) // per_set + 1)."""
    counts = np.zeros(space + 1, dtype=np.int64)
    for i in range(seq.shape[0]):
        counts[seq[i] + 1] += 1
    for a in range(space):
        counts[a + 1] += counts[a]
    fill = counts[:-1].copy()
    ids = np.empty(seq.shape[0], dtype=np.int32)
    for i in range(seq.shape[0]):
        a = seq[i]
        ids[fill[a]] = i // per_set
        fill[a] += 1
    return counts, ids, seq.shape[0] // per_set + 1
