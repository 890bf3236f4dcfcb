"""The order in which SCALE-Sim 3.0.0 asks for operands: demand matrices and prefetch matrices.

SCALE-Sim builds, per fold, one *demand matrix* per operand (one row per cycle, one column per
array row or column; ``compute/systolic_compute_{os,ws,is}.py: create_*_demand_mat``) and
concatenates the folds (column folds outer). Every fold's matrix has the same shape: a block
of −1 rows (``prefix``), a *data block* taken from the operand, a block of −1 rows (suffix),
and for most operands a skew (row ``t`` of column ``j`` holds what row ``t−j`` held). accelsim
never builds these matrices: :func:`.kernels.row_span` gives, for one demand row, the contiguous range
of columns that hold operand data and the operand-matrix indices there (affine in the column),
so the kernels (:mod:`.kernels`, driven by :mod:`.dram`) walk the addresses in exactly SCALE-Sim's order without storing
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
