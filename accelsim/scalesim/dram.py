"""SCALE-Sim 3.0.0's memory system, replayed exactly and fast: DRAM traffic, its timing, stalls.

One compiled walk (:func:`.kernels._walk`, compiled as ``_simulate_calc`` and ``_simulate_user``) visits the demand matrices in SCALE-Sim's order — fold by
fold, cycle by cycle, column by column — generating addresses on the fly (:mod:`.demand`;
nothing is materialized), and runs three small state machines on them:

- **CALC mode** ifmap and filter SRAMs (``memory/read_buffer_estimate_bw.py:
  ReadBufferEstimateBw.manage_prefetches``): the buffer of E words is cut into 100 sets of
  floor(E/100) words, 50 active + 50 prefetching. An address misses unless it was fetched since
  the current *window* began; each miss is one DRAM word; after every 50 sets of misses the
  window jumps and starts empty (a tumbling window of 50·floor(E/100) distinct words). accelsim
  keeps one stamp per address (the window it was last fetched in), so a miss test is one load.
  The window jump cycles give the DRAM start/stop cycles. Never stalls.
- **USER mode** ifmap and filter SRAMs (``memory/read_buffer.py: read_buffer``): the prefetch
  matrix, cut into sets of ceil(E/100) valid words; an active window of sets that moves by the
  prefetch size (modulo the number of sets) whenever a demanded address is not in it; each move
  fetches ceil(prefetch/bw) lines of bw words and, as in ``service_reads``, its lateness is
  added to the row's offset — twice when positive, and subtracted when negative (SCALE-Sim#130).
- **the OFMAP write buffer** (``memory/write_buffer.py: write_buffer``): lines of bw words;
  when more than the drain half is occupied, the partial line is flushed and up to
  ceil(drain/bw) lines are drained, one per cycle; a drained chunk counts its −1 padding except
  in its last line (hence DRAM OFMAP writes = valid writes + up to bw−1); a full buffer during a
  drain stalls the array.

A demand row's cycle is its index plus the stalls so far; a row stalls by the largest of its
three operands' delays (``double_buffered_scratchpad_mem.service_memory_requests``).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import AccelsimError
from .aot import kernels
from .config import ScaleSimConfig
from .demand import demand_descriptors, prefetch_layout
from .model import FoldMapping, ceil_div, ifmap_corners, ifmap_tables
from .state import (
    _ACT, _ACTIVE, _BSIZE, _BW, _DSTART, _DSTOP, _FIRSTREQ, _FIRSTSRV, _FREE, _K, _LASTJ, _LASTPF, _LASTSRV, _LP, _LPD,
    _MISS, _NJ, _NSETS, _NST, _NWB, _PF, _SAME, _WEND, _WSTART, _WRITES, O_ERR, O_OF_FIRST, O_OF_LAST, O_STALL, O_TOTAL,
)
from .topology import ScaleSimLayer, ScaleSimWarning

# the kernels (the walk :func:`.kernels._walk`, compiled as ``_simulate_calc`` and
# ``_simulate_user``, and the USER-mode prefetch helpers) live in :mod:`.kernels`; they are
# called through :func:`.aot.kernels`: ahead-of-time compiled where that module is built.


# ---------------------------------------------------------------- the Python side


@dataclass(frozen=True)
class MemoryFigures:
    """What SCALE-Sim's memory system reports for one layer (cycles as integers)."""

    total_cycles: int
    stall_cycles: int
    sram_ifmap_start: int
    sram_ifmap_stop: int
    sram_filter_start: int
    sram_filter_stop: int
    sram_ofmap_start: int
    sram_ofmap_stop: int
    dram_ifmap_start: int
    dram_ifmap_stop: int
    dram_ifmap_reads: int
    dram_filter_start: int
    dram_filter_stop: int
    dram_filter_reads: int
    dram_ofmap_start: int
    dram_ofmap_stop: int
    dram_ofmap_writes: int

    @property
    def total_cycles_incl_prefetch(self) -> int:
        return int(self.dram_ofmap_stop - min(self.dram_ifmap_start, self.dram_filter_start))


def simulate_memory(
    layer: ScaleSimLayer, cfg: ScaleSimConfig, fm: FoldMapping, serviced: np.ndarray | None = None
) -> MemoryFigures:
    """Run the jitted walk for one layer and turn its counters into SCALE-Sim's report figures.

    ``serviced``: an int64 array of ``fm.demand_rows`` × 4; if given, the walk writes into it the
    cycle at which each demand row's ifmap, filter and ofmap requests were serviced (the first
    column of SCALE-Sim's SRAM traces) and the cycle the row was issued (its index plus the
    stalls before it)."""
    k = kernels()
    rec = np.zeros((0, 4), dtype=np.int64) if serviced is None else serviced
    if rec.dtype != np.int64 or not rec.flags.c_contiguous:  # (the compiled kernels take C-contiguous int64 arrays)
        raise ValueError("serviced must be a C-contiguous int64 array")
    desc = demand_descriptors(fm)
    y0, x0, fy, fx, cc = ifmap_tables(layer)
    user = cfg.user_bandwidth
    st = np.zeros((2, _NST), dtype=np.int64)
    ifmap_space = layer.H * layer.W * layer.C
    filter_space = fm.K * fm.N
    empty = np.zeros(1, dtype=np.int64)
    no_ids = np.zeros(1, dtype=np.int32)
    ptr_i = ptr_f = empty
    ids_i = ids_f = no_ids
    if user:
        stamp_i = stamp_f = np.zeros(1, dtype=np.int32)
        user_setup = []
        for row, (operand, words, bw, space) in enumerate(
            (("ifmap", cfg.ifmap_words, cfg.ifmap_dram_bw, ifmap_space),
             ("filter", cfg.filter_words, cfg.filter_dram_bw, filter_space))
        ):
            blocks, tb, width, rollout, jfirst, limit = prefetch_layout(fm, operand)
            buf = np.empty(blocks * tb * width, dtype=np.int32 if space < 2**31 else np.int64)
            n = k.prefetch_sequence(buf, 0 if operand == "ifmap" else 1, blocks, tb, width, rollout, jfirst, limit,
                                  y0, x0, fy, fx, cc, layer.H, layer.W, layer.C, fm.K)
            seq = buf[:n]
            per_set = ceil_div(words, 100)
            nsets = len(seq) // per_set + 1
            active = ceil_div(words, 2)  # int(ceil(E * 0.5))
            prefetch = words - active
            act = min(ceil_div(active, per_set), nsets)
            pf = min(ceil_div(prefetch, per_set), nsets - act)
            if act < nsets:  # a moving window: which sets hold each address
                ptr, ids, _ = k.set_membership(seq, per_set, space)
            else:  # everything stays in the active half: every demand hits
                ptr, ids = empty, no_ids
            del buf, seq
            fetch_lines = ceil_div(blocks * tb * width, bw)  # the fetch matrix, −1 padding included
            first_lines = min(ceil_div(active, bw), fetch_lines)
            s = st[row]
            s[_WSTART], s[_WEND], s[_NSETS], s[_ACT], s[_PF] = 0, act, nsets, act, pf
            s[_LP] = ceil_div(prefetch, bw)
            s[_LASTPF] = -1
            user_setup.append((first_lines, bw))
            if operand == "ifmap":
                ptr_i, ids_i = ptr, ids
            else:
                ptr_f, ids_f = ptr, ids
    else:
        stamp_i = np.full(ifmap_space, -1, dtype=np.int32)
        stamp_f = np.full(filter_space, -1, dtype=np.int32)
        st[0, _BSIZE] = 50 * (cfg.ifmap_words // 100)
        st[1, _BSIZE] = 50 * (cfg.filter_words // 100)
        st[:, _LASTJ] = -(1 << 40)
    of_words = cfg.ofmap_words
    wb = np.zeros(_NWB, dtype=np.int64)
    wb[_ACTIVE] = ceil_div(of_words, 2)  # int(ceil(E * 0.5)); the rest is the drain half
    wb[_FREE] = of_words
    wb[_BW] = cfg.ofmap_dram_bw
    wb[_LPD] = ceil_div(of_words - wb[_ACTIVE], wb[_BW])
    wb[_DSTOP] = -(1 << 62)
    common = (desc, fm.rows, fm.cols, fm.Sr, fm.Sc, fm.K, fm.row_fold, fm.col_fold, fm.rows_per_fold,
              y0, x0, fy, fx, cc, layer.H, layer.W, layer.C, *ifmap_corners(layer, y0, x0, fy, fx, cc))
    if user:
        out = k.simulate_user(*common, st, ptr_i, ids_i, ptr_f, ids_f, wb, rec)
    else:
        out = k.simulate_calc(*common, stamp_i, stamp_f, st, wb, rec)
    if out[O_ERR]:
        raise AccelsimError(
            "SCALE-Sim 3.0.0 would loop forever here: a demanded address never enters its USER-mode read buffer",
            where=f"layer '{layer.name}'",
        )
    dram = []
    for row, words in ((0, cfg.ifmap_words), (1, cfg.filter_words)):
        s = st[row]
        if user:
            first_lines, bw = user_setup[row]
            reads = (first_lines + s[_K] * s[_LP]) * bw
            start, stop = -first_lines, int(s[_LASTPF])
        else:
            per_set = words // 100
            reads = int(s[_MISS])
            if s[_NJ] == 0:
                nsets = ceil_div(reads, per_set)
                start, stop = -ceil_div(nsets * per_set, 10), -1
            else:
                start, stop = int(s[_FIRSTREQ]) - ceil_div(50 * per_set, 10), int(s[_LASTJ]) + 1
            if s[_SAME]:
                warnings.warn(
                    f"layer '{layer.name}': two {'ifmap' if row == 0 else 'filter'} prefetch windows complete in "
                    "the same cycle; SCALE-Sim 3.0.0 stops with ZeroDivisionError here (its DRAM start/stop "
                    "cycles are undefined; accelsim's counts are unaffected)",
                    ScaleSimWarning,
                    stacklevel=2,
                )
        dram.append((int(start), int(stop), int(reads)))
    (is_, ie, ir), (fs, fe, fr) = dram
    return MemoryFigures(
        total_cycles=int(out[O_TOTAL]),
        stall_cycles=int(out[O_STALL]),
        sram_ifmap_start=int(st[0, _FIRSTSRV]),
        sram_ifmap_stop=int(st[0, _LASTSRV]),
        sram_filter_start=int(st[1, _FIRSTSRV]),
        sram_filter_stop=int(st[1, _LASTSRV]),
        sram_ofmap_start=int(out[O_OF_FIRST]),
        sram_ofmap_stop=int(out[O_OF_LAST]),
        dram_ifmap_start=is_,
        dram_ifmap_stop=ie,
        dram_ifmap_reads=ir,
        dram_filter_start=fs,
        dram_filter_stop=fe,
        dram_filter_reads=fr,
        dram_ofmap_start=int(wb[_DSTART]),
        dram_ofmap_stop=int(wb[_DSTOP]),
        dram_ofmap_writes=int(wb[_WRITES]),
    )
