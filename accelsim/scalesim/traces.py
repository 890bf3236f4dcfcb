"""SCALE-Sim 3.0.0's trace files, on request (``--traces DIR``).

SCALE-Sim writes, for every layer, ``IFMAP_SRAM_TRACE.csv``, ``FILTER_SRAM_TRACE.csv`` and
``OFMAP_SRAM_TRACE.csv`` (``double_buffered_scratchpad_mem.print_*_sram_trace``): one line per
demand row, the cycle at which the row's requests were serviced followed by the row of the
demand matrix — one address per array row or column, −1 where nothing is asked (skew,
fill, drain, unused columns, and ifmap elements of its ceil-size output that fall outside the
input). Addresses carry the config's offsets: ifmap ``(y·W + x)·C + c``, filter ``n·K + k``,
ofmap ``n_filters·m + n`` (``compute/operand_matrix.py``). accelsim never keeps these
matrices to simulate (:mod:`.demand` walks them); it builds them here only to write them, one
layer at a time, with the serviced cycles the memory walk records (:func:`.dram.simulate_memory`).

SCALE-Sim's DRAM traces (``*_DRAM_TRACE.csv``) are written next to them by :mod:`.dram_traces`,
a plain-Python replay of SCALE-Sim's buffers over these demand matrices and serviced cycles
(they record its implementation — Python set order, padding with ones — more than the machine;
docs/scalesim.md says what each holds).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numba
import numpy as np

from ..errors import AccelsimError
from ..writing import Outputs
from .config import ScaleSimConfig
from .demand import demand_descriptors
from .kernels import row_span
from .dram import simulate_memory
from .dram_traces import DRAM_TRACE_FILES, DramTrace, dram_traces, savetxt_float
from .model import FoldMapping, fold_mapping, ifmap_tables
from .topology import ScaleSimLayer

TRACE_FILES = ("IFMAP_SRAM_TRACE.csv", "FILTER_SRAM_TRACE.csv", "OFMAP_SRAM_TRACE.csv")


@numba.njit(cache=True)
def _fill(out, d, operand, R, Cw, Sr, Sc, row_fold, F, y0, x0, fy, fx, cc, H, W, C, K, N, offset):
    """Write one operand's demand matrix (addresses, −1 elsewhere) into ``out``: row ``i`` is
    row ``i % F`` of fold (``i // F % row_fold``, ``i // (F·row_fold)``) — column folds outer."""
    for i in range(out.shape[0]):
        t = i % F
        r0 = (i // F) % row_fold * R
        c0 = i // (F * row_fold) * Cw
        lo, hi, a1, s1, a2, s2 = row_span(d, t, r0, c0, min(R, Sr - r0), min(Cw, Sc - c0))
        for j in range(lo, hi):
            i1 = a1 + s1 * j
            i2 = a2 + s2 * j
            if operand == 0:  # I(m, k)
                y = y0[i1] + fy[i2]
                x = x0[i1] + fx[i2]
                if y < H and x < W:
                    out[i, j] = (y * W + x) * C + cc[i2] + offset
            elif operand == 1:  # F(k, n)
                out[i, j] = i2 * K + i1 + offset
            else:  # O(m, n)
                out[i, j] = i1 * N + i2 + offset


def sram_traces(layer: ScaleSimLayer, cfg: ScaleSimConfig, fm: FoldMapping | None = None) -> list[np.ndarray]:
    """The three SRAM trace matrices of one layer: serviced cycle, then the demand row."""
    return layer_traces(layer, cfg, fm)[0]


def layer_traces(
    layer: ScaleSimLayer, cfg: ScaleSimConfig, fm: FoldMapping | None = None
) -> tuple[list[np.ndarray], list[DramTrace]]:
    """The three SRAM trace matrices and the three DRAM traces of one layer."""
    fm = fm or fold_mapping(layer, cfg)
    rows = fm.demand_rows
    serviced = np.zeros((rows, 4), dtype=np.int64)
    figures = simulate_memory(layer, cfg, fm, serviced)
    desc = demand_descriptors(fm)
    y0, x0, fy, fx, cc = ifmap_tables(layer)
    offsets = (cfg.ifmap_offset, cfg.filter_offset, cfg.ofmap_offset)
    mats = []
    for op in range(3):
        mat = np.full((rows, 1 + int(desc[op][0])), -1, dtype=np.int64)
        mat[:, 0] = serviced[:, op]
        _fill(mat[:, 1:], desc[op], op, fm.rows, fm.cols, fm.Sr, fm.Sc, fm.row_fold,
              fm.rows_per_fold, y0, x0, fy, fx, cc, layer.H, layer.W, layer.C, fm.K, fm.N, offsets[op])
        mats.append(mat)
    return mats, dram_traces(layer, cfg, fm, figures, serviced, [m[:, 1:] for m in mats])


def _csv(mat: np.ndarray) -> str:
    """``np.savetxt(..., fmt='%i', delimiter=',')``'s text."""
    return "".join(",".join(map(str, r)) + "\n" for r in mat.tolist())


def trace_files(layers: list[ScaleSimLayer], cfg: ScaleSimConfig) -> Iterator[tuple[str, str]]:
    """``(layer<i>/NAME, text)`` of every trace file SCALE-Sim writes, made one layer at a time.
    A DRAM trace SCALE-Sim would not write (no OFMAP drain at all) is not made either."""
    for i, layer in enumerate(layers):
        try:
            sram, dram = layer_traces(layer, cfg)
        except AccelsimError as e:
            raise AccelsimError(f"{e.message} (layer {i}, '{layer.name}'); no trace file was written",
                                where=e.where) from None
        for name, mat in zip(TRACE_FILES, sram):
            yield f"layer{i}/{name}", _csv(mat)
        for name, trace in zip(DRAM_TRACE_FILES, dram):
            if trace.rows is not None:
                yield f"layer{i}/{name}", savetxt_float(trace.rows)


def write_traces(layers: list[ScaleSimLayer], cfg: ScaleSimConfig, directory: str | Path,
                 also: Outputs | None = None) -> list[Path]:
    """Write ``DIR/layer<i>/{IFMAP,FILTER,OFMAP}_{SRAM,DRAM}_TRACE.csv`` as SCALE-Sim does, all or none
    (with the other outputs ``also`` holds); returns the paths."""
    return (also if also is not None else Outputs()).folder(directory, trace_files(layers, cfg)).write()
