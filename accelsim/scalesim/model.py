"""SCALE-Sim 3.0.0's compute model in closed form: mapping, folds, cycles, utilizations, SRAM counts.

Everything here is exact: integers where SCALE-Sim counts, and the utilizations computed
with the same floating-point operations in the same order as SCALE-Sim
(``compute/systolic_compute_{os,ws,is}.py``, ``single_layer_sim.py: calc_report_data``), so
that the reports agree to the last printed digit.

Mapping of the im2col GEMM (ifmap M×K times filter K×N, M = E·F, K = R·S·C, N = filters)
onto an R×Cw array (MODEL.md §3.2):

====  ===============  ===============  ============
df    rows (Sr)        columns (Sc)     time (T)
====  ===============  ===============  ============
os    M                N                K
ws    K                N                M
is    K                M                N
====  ===============  ===============  ============

``row_fold = ceil(Sr/R)``, ``col_fold = ceil(Sc/Cw)``, column folds outermost. Each fold fills
and drains the whole array (no overlap): ``T+R+Cw−2`` demand rows (os) or ``T+2R+Cw−2``
(ws, is); without stalls Total Cycles = folds·rows_per_fold − 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import ScaleSimConfig
from .topology import ScaleSimLayer


@dataclass(frozen=True)
class FoldMapping:
    """How one layer's GEMM is folded onto the array under one dataflow."""

    dataflow: str
    M: int  # GEMM rows (ofmap pixels)
    N: int  # GEMM columns (filters)
    K: int  # reduction (window size R·S·C)
    rows: int  # array rows R
    cols: int  # array columns Cw
    Sr: int
    Sc: int
    T: int
    row_fold: int
    col_fold: int

    @property
    def folds(self) -> int:
        return self.row_fold * self.col_fold

    @property
    def rows_per_fold(self) -> int:
        """Demand-matrix rows (cycles) per fold."""
        if self.dataflow == "os":
            return self.T + self.rows + self.cols - 2
        return self.T + 2 * self.rows + self.cols - 2

    @property
    def demand_rows(self) -> int:
        return self.folds * self.rows_per_fold

    @property
    def compute_cycles(self) -> int:
        """Total Cycles without stalls: the index of the last demand row (hence the −1)."""
        return self.demand_rows - 1

    @property
    def util_cycles_per_fold(self) -> int:
        """The fold length SCALE-Sim divides by for Compute Util (ws/is: Cw−1 longer, a quirk)."""
        if self.dataflow == "os":
            return self.T + self.rows + self.cols - 2
        return self.T + 2 * self.rows + 2 * self.cols - 3

    @property
    def macs(self) -> int:
        return self.M * self.N * self.K


def fold_mapping(layer: ScaleSimLayer, cfg: ScaleSimConfig, dataflow: str | None = None) -> FoldMapping:
    df = dataflow or cfg.dataflow
    M, N, K = layer.gemm_m, layer.gemm_n, layer.gemm_k
    Sr, Sc, T = {"os": (M, N, K), "ws": (K, N, M), "is": (K, M, N)}[df]
    R, Cw = cfg.array_rows, cfg.array_cols
    return FoldMapping(df, M, N, K, R, Cw, Sr, Sc, T, -(-Sr // R), -(-Sc // Cw))


def sram_counts(fm: FoldMapping) -> tuple[int, int, int]:
    """(SRAM ifmap reads, SRAM filter reads, SRAM ofmap writes), words, as SCALE-Sim counts them.

    Out-of-image operand entries (address −1) are counted; partial sums are written once per
    K-fold (ws, is) and never read back; os adds R+Cw per fold to the ofmap writes
    (``self.ofmap_writes += shape[0] + shape[1]`` in ``systolic_compute_os``: SCALE-Sim#166).
    """
    M, N, K = fm.M, fm.N, fm.K
    if fm.dataflow == "os":
        return M * K * fm.col_fold, K * N * fm.row_fold, M * N + fm.folds * (fm.rows + fm.cols)
    if fm.dataflow == "ws":
        return M * K * fm.col_fold, K * N, M * N * fm.row_fold
    return K * M, N * K * fm.col_fold, M * N * fm.row_fold


def utilizations(fm: FoldMapping) -> tuple[float, float]:
    """(Mapping Efficiency %, Compute Util %) exactly as SCALE-Sim computes them.

    Both are means over folds (column folds outer, row folds inner) of per-fold ratios, summed
    left to right as CPython's ``sum`` of floats does, then ``/ folds * 100``.
    """
    from .aot import kernels

    eff_sum, util_sum = kernels().fold_sums(fm.rows, fm.cols, fm.Sr, fm.Sc, fm.T, fm.util_cycles_per_fold)
    n = fm.folds
    return eff_sum / n * 100, util_sum / n * 100


def overall_util(fm: FoldMapping, total_cycles: int) -> float:
    """Overall Util % = 100·MACs / (Total Cycles · R · Cw) (stalls included in Total Cycles)."""
    return (fm.macs * 100) / (total_cycles * fm.rows * fm.cols)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def ifmap_tables(layer: ScaleSimLayer) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row and column tables of the im2col ifmap operand (``operand_matrix.calc_ifmap_elem_addr``).

    Row m = (oy, ox) = divmod(m, F) starts at input pixel (oy·U, ox·U); column k = (fy, fx, c)
    with c innermost. Element (m, k) is input pixel (y, x, c) = (oy·U+fy, ox·U+fx, c), at
    address (y·W + x)·C + c, or −1 (not fetched) when y ≥ H or x ≥ W.
    """
    m = np.arange(layer.gemm_m, dtype=np.int64)
    k = np.arange(layer.gemm_k, dtype=np.int64)
    y0 = (m // layer.F) * layer.U
    x0 = (m % layer.F) * layer.U
    sc = layer.S * layer.C
    fy = k // sc
    fx = (k % sc) // layer.C
    cc = k % layer.C
    return y0, x0, fy, fx, cc


def ifmap_corners(layer: ScaleSimLayer, y0: np.ndarray, x0: np.ndarray, fy: np.ndarray, fx: np.ndarray,
                  cc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ifmap address split into a row part and a column part (what the walk adds).

    Element (m, k)'s address (y·W + x)·C + c is corner[m] + offset[k], with corner[m] =
    (y0·W + x0)·C (window m's top-left pixel) and offset[k] = (fy·W + fx)·C + c, wherever window
    m lies inside the image; corner[m] is −1 for the windows that overhang its bottom or right
    edge (SCALE-Sim rounds E and F up), whose elements are checked one by one.
    """
    corner = (y0 * layer.W + x0) * layer.C
    corner[(y0 + fy.max() >= layer.H) | (x0 + fx.max() >= layer.W)] = -1
    return corner, (fy * layer.W + fx) * layer.C + cc


__all__ = [
    "FoldMapping",
    "ceil_div",
    "fold_mapping",
    "ifmap_corners",
    "ifmap_tables",
    "overall_util",
    "sram_counts",
    "utilizations",
]
