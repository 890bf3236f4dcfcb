"""SCALE-Sim 3.0.0's memory system, replayed exactly and fast: DRAM traffic, its timing, stalls.

One jitted walk (:func:`_walk`, compiled as ``_simulate_calc`` and ``_simulate_user``) visits the demand matrices in SCALE-Sim's order — fold by
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

import numba
import numpy as np

from ..errors import AccelsimError
from .config import ScaleSimConfig
from .demand import demand_descriptors, prefetch_layout, prefetch_sequence, row_span, set_membership
from .model import FoldMapping, ceil_div, ifmap_tables
from .topology import ScaleSimLayer, ScaleSimWarning

# read-operand state (CALC and USER), one row of ``st`` per operand
_LASTJ, _SAME, _BSIZE, _MISS, _NJ = 0, 1, 2, 3, 4
_K, _WSTART, _WEND, _LASTPF, _NSETS, _ACT, _PF, _LP, _ERR = 5, 6, 7, 8, 9, 10, 11, 12, 13
_FIRSTREQ, _FIRSTSRV, _LASTSRV, _HAS = 14, 15, 16, 17
_NST = 18
# write-buffer state
_FREE, _LINE, _LINES, _DLINE, _DEND, _WRITES, _DSTART, _DSTOP, _DRAINS, _NPART, _PP = range(11)
_ACTIVE, _LPD, _BW = 11, 12, 13
_NWB = 14
# outputs
O_STALL, O_TOTAL, O_OF_FIRST, O_OF_LAST, O_OF_HAS, O_ERR = range(6)
_NOUT = 6


@numba.njit(cache=True)
def _user_touch(ptr, ids, a, st, cycle, off):
    """USER-mode read of address ``a`` in a row at ``cycle``; returns the row's new offset."""
    guard = 0
    while True:
        lo = ptr[a]
        hi = ptr[a + 1]
        start = st[_WSTART]
        end = st[_WEND]
        if lo == hi:
            st[_ERR] = 1
            return off
        if start < end:
            # the first set id >= start among this address's (ascending) set ids
            a_lo, a_hi = lo, hi
            while a_lo < a_hi:
                mid = (a_lo + a_hi) >> 1
                if ids[mid] < start:
                    a_lo = mid + 1
                else:
                    a_hi = mid
            if a_lo < hi and ids[a_lo] < end:
                return off
        elif ids[hi - 1] >= start or ids[lo] < end:
            return off
        guard += 1
        if st[_PF] == 0 or guard > st[_NSETS] + 2:
            st[_ERR] = 1
            return off
        # read_buffer.new_prefetch: the window moves on; the fetch is timed after the last one
        st[_K] += 1
        st[_WSTART] = (start + st[_PF]) % st[_NSETS]
        st[_WEND] = (st[_WSTART] + st[_ACT]) % st[_NSETS]
        st[_LASTPF] += st[_LP] + 1
        p = st[_LASTPF] - (cycle + off)
        off += p  # service_reads adds the lateness, twice if positive (SCALE-Sim#130)
        if p > 0:
            off += p


@numba.njit(cache=True)
def _drain(wb, ppos, pcnt, start_cycle):
    """write_buffer.empty_drain_buf: up to ceil(drain/bw) lines, one per cycle from start_cycle."""
    bw = wb[_BW]
    end = min(wb[_DLINE] + wb[_LPD], wb[_LINES])
    num = end - wb[_DLINE]
    last = end - 1
    pp = wb[_PP]
    while pp < wb[_NPART] and ppos[pp] < last:
        pp += 1
    wb[_PP] = pp
    cnt = num * bw  # -1 padding counts, except in the chunk's last line
    if pp < wb[_NPART] and ppos[pp] == last:
        cnt -= bw - pcnt[pp]
    wb[_WRITES] += cnt
    wb[_FREE] += cnt
    if wb[_DRAINS] == 0:
        wb[_DSTART] = start_cycle
    wb[_DRAINS] += 1
    wb[_DSTOP] = max(wb[_DSTOP], start_cycle + num - 1)
    wb[_DLINE] = end
    return start_cycle + num - 1


@numba.njit(cache=True)
def _flush(wb, ppos, pcnt):
    """append_to_trace_mat(force=True): the partial line becomes a line of its own."""
    if wb[_LINE] != 0:
        n = wb[_NPART]
        if n == ppos.shape[0]:
            p2 = np.empty(2 * n, dtype=np.int64)
            c2 = np.empty(2 * n, dtype=np.int64)
            for q in range(n):  # (a loop: numba's slice assignment drags in its string machinery)
                p2[q] = ppos[q]
                c2[q] = pcnt[q]
            ppos = p2
            pcnt = c2
        ppos[n] = wb[_LINES]
        pcnt[n] = wb[_LINE]
        wb[_NPART] = n + 1
        wb[_LINES] += 1
        wb[_LINE] = 0
    return ppos, pcnt


@numba.njit(cache=True)
def _store_row(wb, ppos, pcnt, cycle, n):
    """write_buffer.service_writes for one demand row of ``n`` ofmap words; returns its stall."""
    off = 0
    for _ in range(n):
        cur = cycle + off
        wb[_LINE] += 1
        wb[_FREE] -= 1
        if wb[_LINE] == wb[_BW]:
            wb[_LINES] += 1
            wb[_LINE] = 0
        if cur < wb[_DEND]:
            if wb[_FREE] <= 0:  # the active half is full while the last drain runs: stall
                off += wb[_DEND] - cur
        elif wb[_FREE] < wb[_ACTIVE]:
            ppos, pcnt = _flush(wb, ppos, pcnt)
            wb[_DEND] = _drain(wb, ppos, pcnt, cur)
    return off, ppos, pcnt


@numba.njit(cache=True, inline="always")
def _walk(
    desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F,
    y0, x0, fy, fx, cc, H, W, C,
    user, stamp_i, stamp_f, st,
    ptr_i, ids_i, ptr_f, ids_f,
    wb, rec,
):
    out = np.zeros(_NOUT, dtype=np.int64)
    record = rec.shape[0] > 0
    sti = st[0]
    stf = st[1]
    # CALC tumbling windows, kept in locals (the hot loop)
    blk_i = 0
    add_i = 0
    miss_i = 0
    nj_i = 0
    lastj_i = sti[_LASTJ]
    same_i = 0
    bsz_i = sti[_BSIZE]
    blk_f = 0
    add_f = 0
    miss_f = 0
    nj_f = 0
    lastj_f = stf[_LASTJ]
    same_f = 0
    bsz_f = stf[_BSIZE]
    # USER: with the whole prefetch matrix in the active half every address hits (nothing to do)
    moving_i = user and sti[_ACT] < sti[_NSETS]
    moving_f = user and stf[_ACT] < stf[_NSETS]
    ppos = np.empty(64, dtype=np.int64)
    pcnt = np.empty(64, dtype=np.int64)
    active = wb[_ACTIVE]
    of_first = 0
    of_last = 0
    of_has = 0
    max_of = -(1 << 62)
    last_of = 0

    stall = 0
    base = 0
    for fc in range(col_fold):
        c0 = fc * Cw
        nc = min(Cw, Sc - c0)
        for fr in range(row_fold):
            r0 = fr * R
            nr = min(R, Sr - r0)
            for t in range(F):
                cycle = base + t + stall
                # ---------------- ifmap: I(m, k)
                lo, hi, a1, s1, a2, s2 = row_span(desc[0], t, r0, c0, nr, nc)
                off_i = 1
                valid = False
                for j in range(lo, hi):
                    # unsigned indices: numba then skips its negative-index wraparound test
                    m = np.uint64(a1 + s1 * j)
                    k = np.uint64(a2 + s2 * j)
                    y = y0[m] + fy[k]
                    x = x0[m] + fx[k]
                    if y < H and x < W:
                        a = (y * W + x) * C + cc[k]
                        valid = True
                        if user:
                            if moving_i:
                                off_i = _user_touch(ptr_i, ids_i, a, sti, cycle, off_i)
                        elif stamp_i[np.uint64(a)] != blk_i:
                            stamp_i[np.uint64(a)] = blk_i
                            miss_i += 1
                            add_i += 1
                            if add_i == bsz_i:
                                blk_i += 1
                                add_i = 0
                                nj_i += 1
                                if nj_i >= 2 and lastj_i == cycle:
                                    same_i = 1
                                lastj_i = cycle
                if valid:
                    if sti[_HAS] == 0:
                        sti[_HAS] = 1
                        sti[_FIRSTREQ] = cycle
                        sti[_FIRSTSRV] = cycle + off_i
                    sti[_LASTSRV] = cycle + off_i
                # ---------------- filter: F(k, n), address n*K + k
                lo, hi, a1, s1, a2, s2 = row_span(desc[1], t, r0, c0, nr, nc)
                off_f = 1
                for j in range(lo, hi):
                    a = (a2 + s2 * j) * Kg + a1 + s1 * j
                    if user:
                        if moving_f:
                            off_f = _user_touch(ptr_f, ids_f, a, stf, cycle, off_f)
                    elif stamp_f[np.uint64(a)] != blk_f:
                        stamp_f[np.uint64(a)] = blk_f
                        miss_f += 1
                        add_f += 1
                        if add_f == bsz_f:
                            blk_f += 1
                            add_f = 0
                            nj_f += 1
                            if nj_f >= 2 and lastj_f == cycle:
                                same_f = 1
                            lastj_f = cycle
                if hi > lo:
                    if stf[_HAS] == 0:
                        stf[_HAS] = 1
                        stf[_FIRSTREQ] = cycle
                        stf[_FIRSTSRV] = cycle + off_f
                    stf[_LASTSRV] = cycle + off_f
                # ---------------- ofmap: the write buffer
                lo, hi, a1, s1, a2, s2 = row_span(desc[2], t, r0, c0, nr, nc)
                n_of = hi - lo
                off_o = 0
                if n_of > 0:
                    free = wb[_FREE]
                    if (cycle >= wb[_DEND] and free - n_of >= active) or (cycle < wb[_DEND] and free - n_of >= 1):
                        # no drain can start and no stall can happen in this row: store it in bulk
                        line = wb[_LINE] + n_of
                        wb[_LINES] += line // wb[_BW]
                        wb[_LINE] = line % wb[_BW]
                        wb[_FREE] = free - n_of
                    else:
                        off_o, ppos, pcnt = _store_row(wb, ppos, pcnt, cycle, n_of)
                srv = cycle + off_o
                if n_of > 0:
                    if of_has == 0:
                        of_has = 1
                        of_first = srv
                    of_last = srv
                max_of = max(max_of, srv)
                last_of = srv
                if record:  # the cycles at which this row's three requests were serviced, and its own (traces)
                    rec[base + t, 0] = cycle + off_i
                    rec[base + t, 1] = cycle + off_f
                    rec[base + t, 2] = srv
                    rec[base + t, 3] = cycle
                # ---------------- the row's stall: the largest of its operands' delays
                if user:
                    stall += max(off_i - 1, off_f - 1, off_o)
                else:
                    stall += off_o
            base += F

    # write_buffer.empty_all_buffers: flush, then drain everything from the last row's cycle on
    ppos, pcnt = _flush(wb, ppos, pcnt)
    cyc = last_of
    while wb[_DLINE] < wb[_LINES]:
        cyc = _drain(wb, ppos, pcnt, cyc) + 1

    if not user:
        sti[_MISS], sti[_NJ], sti[_LASTJ], sti[_SAME] = miss_i, nj_i, lastj_i, same_i
        stf[_MISS], stf[_NJ], stf[_LASTJ], stf[_SAME] = miss_f, nj_f, lastj_f, same_f
    out[O_STALL] = stall
    out[O_TOTAL] = max_of
    out[O_OF_FIRST] = of_first
    out[O_OF_LAST] = of_last
    out[O_OF_HAS] = of_has
    out[O_ERR] = max(sti[_ERR], stf[_ERR])
    return out


# Two kernels from one walk: with ``user`` a constant, the compiler drops the other mode's code
# from the hot loops.
@numba.njit(cache=True)
def _simulate_calc(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C,
                   stamp_i, stamp_f, st, wb, rec):
    e = np.zeros(1, dtype=np.int64)
    e32 = np.zeros(1, dtype=np.int32)
    return _walk(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C,
                 False, stamp_i, stamp_f, st, e, e32, e, e32, wb, rec)


@numba.njit(cache=True)
def _simulate_user(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C,
                   st, ptr_i, ids_i, ptr_f, ids_f, wb, rec):
    e = np.zeros(1, dtype=np.int32)
    return _walk(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C,
                 True, e, e, st, ptr_i, ids_i, ptr_f, ids_f, wb, rec)


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
    rec = np.zeros((0, 4), dtype=np.int64) if serviced is None else serviced
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
            n = prefetch_sequence(buf, 0 if operand == "ifmap" else 1, blocks, tb, width, rollout, jfirst, limit,
                                  y0, x0, fy, fx, cc, layer.H, layer.W, layer.C, fm.K)
            seq = buf[:n]
            per_set = ceil_div(words, 100)
            nsets = len(seq) // per_set + 1
            active = ceil_div(words, 2)  # int(ceil(E * 0.5))
            prefetch = words - active
            act = min(ceil_div(active, per_set), nsets)
            pf = min(ceil_div(prefetch, per_set), nsets - act)
            if act < nsets:  # a moving window: which sets hold each address
                ptr, ids, _ = set_membership(seq, per_set, space)
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
              y0, x0, fy, fx, cc, layer.H, layer.W, layer.C)
    if user:
        out = _simulate_user(*common, st, ptr_i, ids_i, ptr_f, ids_f, wb, rec)
    else:
        out = _simulate_calc(*common, stamp_i, stamp_f, st, wb, rec)
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
