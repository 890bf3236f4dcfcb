"""The compiled kernels of the SCALE-Sim-compatible mode: the memory walk, the demand-row spans,
the USER-mode prefetch order and set membership, and the per-fold utilization sums.

The Python side (:mod:`.dram`, :mod:`.demand`, :mod:`.model`) calls them through
:func:`accelsim.scalesim.aot.kernels`, which gives the ahead-of-time compiled module built from
this file when it is there (no numba import, no numba start-up in a fresh process) and these
jitted functions otherwise. How each works is in the docstrings of :mod:`.dram` and
:mod:`.demand`.
"""
from __future__ import annotations

import numba
import numpy as np

from .state import (
    _ACT, _ACTIVE, _BSIZE, _BW, _DEND, _DLINE, _DRAINS, _DSTART, _DSTOP, _ERR, _FIRSTREQ, _FIRSTSRV, _FREE, _HAS,
    _K, _LASTJ, _LASTPF, _LASTSRV, _LINE, _LINES, _LP, _LPD, _NJ, _NOUT, _NPART, _NSETS, _PF, _PP, _SAME, _WEND,
    _WRITES, _WSTART, _MISS, O_ERR, O_OF_FIRST, O_OF_HAS, O_OF_LAST, O_STALL, O_TOTAL,
)

# ---------------------------------------------------------------- demand rows (demand.py)


@numba.njit(cache=True, inline="always")
def fold_layout(d: np.ndarray, r0: int, c0: int, nr: int, nc: int):
    """One operand's demand layout within the fold at (r0, c0) of nr x nc used rows and columns:
    (prefix, D, data rows used, columns used, flip, skew, jfirst, jbase, dbase), the constants
    of :func:`span_at` for every row of the fold."""
    width = d[0]
    D = d[3]
    jb = r0 if d[6] == 1 else c0
    dbs = d[7]
    db = 0 if dbs == 0 else (r0 if dbs == 1 else c0)
    jl = min(width, nr if d[8] == 1 else nc)
    dl = D if d[9] == 0 else min(D, nr)
    return d[2], D, dl, jl, d[4], d[1], d[5], jb, db


@numba.njit(cache=True, inline="always")
def span_at(t: int, g):
    """Columns [lo, hi) of demand row ``t`` of a fold whose layout is ``g`` (:func:`fold_layout`)
    that hold operand data, and the affine indices there: for a column j in the span the
    operand-matrix indices are (a1 + s1*j, a2 + s2*j)."""
    prefix, D, dl, jl, flip, skew, jfirst, jb, db = g
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
    if jfirst == 1:
        return lo, hi, jb, 1, db + e0, es
    return lo, hi, db + e0, es, jb, 1


@numba.njit(cache=True)
def row_span(d: np.ndarray, t: int, r0: int, c0: int, nr: int, nc: int):
    """Columns [lo, hi) of demand row ``t`` (within its fold) that hold operand data.

    ``d`` is one operand's descriptor row. For a column j in the span the operand-matrix
    indices are (a1 + s1*j, a2 + s2*j).
    """
    return span_at(t, fold_layout(d, r0, c0, nr, nc))


# ---------------------------------------------------------------- prefetch (USER mode; demand.py)


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


# ---------------------------------------------------------------- utilizations (model.py)


@numba.njit(cache=True)
def _fold_sums(R: int, Cw: int, Sr: int, Sc: int, T: int, cf: int) -> tuple[float, float]:
    row_fold = (Sr + R - 1) // R
    col_fold = (Sc + Cw - 1) // Cw
    pes = R * Cw
    eff = 0.0
    util = 0.0
    for fc in range(col_fold):
        nc = min(Cw, Sc - fc * Cw)
        for fr in range(row_fold):
            nr = min(R, Sr - fr * R)
            used = nr * nc
            eff += used / pes
            util += (used * T) / (pes * cf)
    return eff, util


# ---------------------------------------------------------------- the memory walk (dram.py)


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


@numba.njit(cache=True, inline="always")
def _calc_read(stamp, a, w, size, cycle):
    """CALC-mode read of address ``a`` in a row at ``cycle``; returns the window's new state.

    ``w`` = (window, misses in it, cycle of the last jump, two jumps in one cycle): a miss
    (one DRAM word) unless ``a`` was fetched in the current window (its stamp); after ``size``
    misses the window jumps and starts empty."""
    window, added, lastj, same = w
    if stamp[np.uint64(a)] == window:
        return w
    stamp[np.uint64(a)] = window
    added += 1
    if added == size:
        window += 1
        added = 0
        if window >= 2 and lastj == cycle:
            same = 1
        lastj = cycle
    return window, added, lastj, same


@numba.njit(cache=True, inline="always")
def _read(user, moving, ptr, ids, st, stamp, size, a, cycle, off, w):
    """One demanded read of address ``a`` from an operand's SRAM, in either mode: USER (the
    moving prefetch window, ``off`` the row's offset) or CALC (the tumbling window ``w``).
    Returns (off, w)."""
    if user:
        if moving:
            off = _user_touch(ptr, ids, a, st, cycle, off)
        return off, w
    return off, _calc_read(stamp, a, w, size, cycle)


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
    y0, x0, fy, fx, cc, H, W, C, corner, offset,
    user, stamp_i, stamp_f, st,
    ptr_i, ids_i, ptr_f, ids_f,
    wb, rec,
):
    out = np.zeros(_NOUT, dtype=np.int64)
    record = rec.shape[0] > 0
    sti = st[0]
    stf = st[1]
    # CALC tumbling windows (window, misses in it, last jump cycle, same-cycle jumps), kept in locals
    w_i = (0, 0, sti[_LASTJ], 0)
    w_f = (0, 0, stf[_LASTJ], 0)
    bsz_i = sti[_BSIZE]
    bsz_f = stf[_BSIZE]
    # over[m]: how many of the windows before m overhang the image (corner -1): a row whose
    # windows all lie inside it takes the ifmap loop without the per-element edge test
    over = np.zeros(corner.shape[0] + 1, dtype=np.int64)
    for w in range(corner.shape[0]):
        over[w + 1] = over[w] + (corner[w] < 0)
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
    # the first and last rows that read each operand (the SRAM start/stop cycles), kept in locals
    has_i = sti[_HAS]
    has_f = stf[_HAS]
    first_i = first_f = srv_i = srv_f = 0
    last_i = sti[_LASTSRV]
    last_f = stf[_LASTSRV]
    # the write buffer's bulk path, kept in locals (synchronised with ``wb`` around _store_row)
    bw = wb[_BW]
    free = wb[_FREE]
    line = wb[_LINE]
    lines = wb[_LINES]
    dend = wb[_DEND]

    stall = 0
    base = 0
    for fc in range(col_fold):
        c0 = fc * Cw
        nc = min(Cw, Sc - c0)
        for fr in range(row_fold):
            r0 = fr * R
            nr = min(R, Sr - r0)
            g_i = fold_layout(desc[0], r0, c0, nr, nc)
            g_f = fold_layout(desc[1], r0, c0, nr, nc)
            g_o = fold_layout(desc[2], r0, c0, nr, nc)
            for t in range(F):
                cycle = base + t + stall
                # ---------------- ifmap: I(m, k), m = a1 + s1*j, k = a2 + s2*j
                lo, hi, a1, s1, a2, s2 = span_at(t, g_i)
                off_i = 1
                valid = hi > lo
                if valid:
                    m_lo = min(a1 + s1 * lo, a1 + s1 * (hi - 1))
                    m_hi = max(a1 + s1 * lo, a1 + s1 * (hi - 1))
                    if over[m_hi + 1] == over[m_lo]:  # every window inside the image: corner + offset
                        for j in range(lo, hi):
                            # unsigned indices: numba then skips its negative-index wraparound test
                            a = corner[np.uint64(a1 + s1 * j)] + offset[np.uint64(a2 + s2 * j)]
                            off_i, w_i = _read(user, moving_i, ptr_i, ids_i, sti, stamp_i, bsz_i, a, cycle, off_i, w_i)
                    else:  # some overhang the image's bottom or right edge: their elements may lie outside
                        valid = False
                        for j in range(lo, hi):
                            m = np.uint64(a1 + s1 * j)
                            k = np.uint64(a2 + s2 * j)
                            y = y0[m] + fy[k]
                            x = x0[m] + fx[k]
                            if y < H and x < W:
                                valid = True
                                a = (y * W + x) * C + cc[k]
                                off_i, w_i = _read(user, moving_i, ptr_i, ids_i, sti, stamp_i, bsz_i, a, cycle, off_i, w_i)
                if valid:
                    if has_i == 0:
                        has_i = 1
                        first_i = cycle
                        srv_i = cycle + off_i
                    last_i = cycle + off_i
                # ---------------- filter: F(k, n), address n*K + k, affine in j
                lo, hi, a1, s1, a2, s2 = span_at(t, g_f)
                off_f = 1
                f0 = a2 * Kg + a1
                fs = s2 * Kg + s1
                for j in range(lo, hi):
                    off_f, w_f = _read(user, moving_f, ptr_f, ids_f, stf, stamp_f, bsz_f, f0 + fs * j, cycle, off_f, w_f)
                if hi > lo:
                    if has_f == 0:
                        has_f = 1
                        first_f = cycle
                        srv_f = cycle + off_f
                    last_f = cycle + off_f
                # ---------------- ofmap: the write buffer
                lo, hi, a1, s1, a2, s2 = span_at(t, g_o)
                n_of = hi - lo
                off_o = 0
                if n_of > 0:
                    if (cycle >= dend and free - n_of >= active) or (cycle < dend and free - n_of >= 1):
                        # no drain can start and no stall can happen in this row: store it in bulk
                        line += n_of
                        if line >= bw:
                            lines += line // bw
                            line %= bw
                        free -= n_of
                    else:
                        wb[_FREE], wb[_LINE], wb[_LINES] = free, line, lines
                        off_o, ppos, pcnt = _store_row(wb, ppos, pcnt, cycle, n_of)
                        free, line, lines, dend = wb[_FREE], wb[_LINE], wb[_LINES], wb[_DEND]
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

    wb[_FREE], wb[_LINE], wb[_LINES] = free, line, lines
    # the operands' first and last rows (a USER-mode read is serviced at its row's offset)
    if has_i == 1 and sti[_HAS] == 0:
        sti[_HAS], sti[_FIRSTREQ], sti[_FIRSTSRV] = 1, first_i, srv_i
    if has_f == 1 and stf[_HAS] == 0:
        stf[_HAS], stf[_FIRSTREQ], stf[_FIRSTSRV] = 1, first_f, srv_f
    sti[_LASTSRV] = last_i
    stf[_LASTSRV] = last_f
    # write_buffer.empty_all_buffers: flush, then drain everything from the last row's cycle on
    ppos, pcnt = _flush(wb, ppos, pcnt)
    cyc = last_of
    while wb[_DLINE] < wb[_LINES]:
        cyc = _drain(wb, ppos, pcnt, cyc) + 1

    if not user:  # the misses (DRAM words) and the jumps of each tumbling window
        sti[_MISS], sti[_NJ], sti[_LASTJ], sti[_SAME] = w_i[0] * bsz_i + w_i[1], w_i[0], w_i[2], w_i[3]
        stf[_MISS], stf[_NJ], stf[_LASTJ], stf[_SAME] = w_f[0] * bsz_f + w_f[1], w_f[0], w_f[2], w_f[3]
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
def _simulate_calc(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C, corner, offset,
                   stamp_i, stamp_f, st, wb, rec):
    e = np.zeros(1, dtype=np.int64)
    e32 = np.zeros(1, dtype=np.int32)
    return _walk(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C, corner, offset,
                 False, stamp_i, stamp_f, st, e, e32, e, e32, wb, rec)


@numba.njit(cache=True)
def _simulate_user(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C, corner, offset,
                   st, ptr_i, ids_i, ptr_f, ids_f, wb, rec):
    e = np.zeros(1, dtype=np.int32)
    return _walk(desc, R, Cw, Sr, Sc, Kg, row_fold, col_fold, F, y0, x0, fy, fx, cc, H, W, C, corner, offset,
                 True, e, e, st, ptr_i, ids_i, ptr_f, ids_f, wb, rec)
