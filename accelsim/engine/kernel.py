"""The counting kernel: numba, plain int64 arrays, one call per layer and mapping.

The rules are docs/engine.md §3. For one data type kept at level K of the combined nest
(pass loops, then RF loops), the RF contents change at *events*: the loop at index j < K
advances and the loops between j and K restart. Summing an event's cost over all
positions of the loops factorizes over the data type's groups of dims (a dim, or the
(E, R) / (F, S) pairs an ifmap row / column depends on), so each sum is a product of
small per-group sums: no MAC is walked. An *entry* is one combination of a dim's loop positions at an event, for one spatial
index, as a row of int64:

    KP, KR, Q, NL, NH, OL, OH, OLAST, NZERO
    pass index, RF index (-1: none) of the new position; spatial index; the new and old
    range of the dim in the PE's block; whether every loop of the dim is at its last
    index in the old position / at 0 in the new one.

Entries come grouped by position (KP, KR), spatial index innermost.
"""
from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

from .footprint import rows_count, rows_overlap
from .tiles import advance_loops, loops_of, next_digits, tile_grid, tile_range, walk_tiles, walk_tiles_loops

KP, KR, Q, NL, NH, OL, OH, OLAST, NZERO = range(9)
EVENT, FIRST, LAST = 0, 1, 2

# problem array (Problem.as_array): N G M C E F R S H W U D pt pl
P_H, P_W, P_U, P_D, P_PT, P_PL = 8, 9, 10, 11, 12, 13
DN, DG, DM, DC, DE, DF, DR, DS = range(8)

# result slots
(
    NOC_W, GLB_W, RFW_W,
    NOC_I, GLB_I, RFW_I,
    NOC_PO, GLB_WP, GLB_WO, GLB_RP, NOC_PI,
    MACS, RFR_W, RFR_I, RFR_P, RFW_P,
    DRAM_RW, DRAM_RI, DRAM_RP, DRAM_WP, DRAM_WO,
    COMPUTE, PASSES, GLB_TILES, MAX_W, MAX_I, MAX_O,
) = range(27)
N_OUT = 27
TILE_KEY = types.UniTuple(types.int64, 12)


@njit(cache=True)
def _npass(lo, hi, sp, t3, d):
    b2 = sp[d] * t3[d]
    return (hi[d] - lo[d] + b2 - 1) // b2


@njit(cache=True)
def _pass_range(lo, hi, sp, t3, d, pi):
    b2 = sp[d] * t3[d]
    a = lo[d] + pi * b2
    return a, min(a + b2, hi[d])


@njit(cache=True)
def _rf_bound(lo, hi, sp, t3, d, pi):
    if sp[d] > 1:
        return t3[d]
    a, b = _pass_range(lo, hi, sp, t3, d, pi)
    return min(t3[d], b - a)


@njit(cache=True)
def _pe_range(lo, hi, sp, t3, d, pi, q):
    a, b = _pass_range(lo, hi, sp, t3, d, pi)
    s = a + q * t3[d]
    return s, max(s, min(s + t3[d], b))


# a nest where no dim has a second RF loop (dim_entries_rf's c_idx, ci)
_NO_SPLIT_IDX = np.full(8, -1, np.int64)
_NO_SPLIT_CNT = np.ones(8, np.int64)


@njit(cache=True)
def dim_entries(lo, hi, sp, t3, a_idx, b_idx, d, j, K, mode):
    """Entries of dim d at the events of loop j (mode EVENT), or FIRST / LAST."""
    return dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, _NO_SPLIT_IDX, _NO_SPLIT_CNT, d, j, K, mode)


@njit(cache=True)
def _inner_steps(cx, ci, j, K, mode):
    """(first new index, end, shift to the old index, fixed old index or -2) of the inner RF
    loop of a split dim (combined index ``cx``, ``ci`` iterations) at an event of loop j;
    (-1, 0, 0, -2) when the dim has none or it lies inside the keep level K."""
    if cx < 0 or cx >= K:
        return -1, 0, 0, -2
    if mode == FIRST:
        return 0, 1, 0, -2
    if mode == LAST:
        return ci - 1, ci, 0, -2
    if cx < j:
        return 0, ci, 0, -2
    if cx == j:
        return 1, ci, -1, -2
    return 0, 1, 0, ci - 1


@njit(cache=True)
def dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, d, j, K, mode):
    """:func:`dim_entries` where dim d may have a second, inner RF loop (a dim split across
    two loops inside the PE, Timeloop's P4 … P14): ``c_idx[d]`` its index in the combined
    nest (-1: none) and ``ci[d]`` its iterations; the outer RF loop (``b_idx[d]``) then runs
    t3[d] / ci[d] times, and a position's block along d is one element when both loops are
    above the keep level K, the inner loop's ci elements when only the outer one is. A
    split needs every pass to cover sp·t3 of d whole (Mapping.rf_loop_arrays checks it)."""
    npass = _npass(lo, hi, sp, t3, d)
    a = a_idx[d]
    b = b_idx[d]
    cin = ci[d]
    i0, i1, ishift, ifixed_old = _inner_steps(c_idx[d], cin, j, K, mode)
    n_in = i1 - i0 if i0 >= 0 else 1
    # pass index pairs (new, old)
    if mode == FIRST:
        pn0, pn1, shift_p, fixed_old_p = 0, 1, 0, -2
    elif mode == LAST:
        pn0, pn1, shift_p, fixed_old_p = npass - 1, npass, 0, -2
    elif a < j:
        pn0, pn1, shift_p, fixed_old_p = 0, npass, 0, -2
    elif a == j:
        pn0, pn1, shift_p, fixed_old_p = 1, npass, -1, -2
    else:  # reset
        pn0, pn1, shift_p, fixed_old_p = 0, 1, 0, npass - 1
    # count entries
    n = 0
    for pn in range(pn0, pn1):
        po = fixed_old_p if fixed_old_p != -2 else pn + shift_p
        if b < 0 or b >= K:
            nr = 1
        elif mode != EVENT:
            nr = 1
        elif b < j:
            nr = _rf_bound(lo, hi, sp, t3, d, pn) // cin
        elif b == j:
            nr = max(0, _rf_bound(lo, hi, sp, t3, d, pn) // cin - 1)
        else:
            nr = 1
        n += nr * n_in * sp[d]
    out = np.empty((n, 9), np.int64)
    i = 0
    for pn in range(pn0, pn1):
        po = fixed_old_p if fixed_old_p != -2 else pn + shift_p
        bn = _rf_bound(lo, hi, sp, t3, d, pn) // cin
        bo = _rf_bound(lo, hi, sp, t3, d, po) // cin
        has_rf = b >= 0 and b < K
        if not has_rf:
            r0, r1, rshift, rfixed_old = -1, 0, 0, -2
        elif mode == FIRST:
            r0, r1, rshift, rfixed_old = 0, 1, 0, -2
        elif mode == LAST:
            r0, r1, rshift, rfixed_old = bo - 1, bo, 0, -2
        elif b < j:
            r0, r1, rshift, rfixed_old = 0, bn, 0, -2
        elif b == j:
            r0, r1, rshift, rfixed_old = 1, bn, -1, -2
        else:
            r0, r1, rshift, rfixed_old = 0, 1, 0, bo - 1
        for rn in range(r0, r1):
            if has_rf:
                ro = rfixed_old if rfixed_old != -2 else rn + rshift
            else:
                ro = -1
            for rin in range(i0 if i0 >= 0 else -1, i1 if i0 >= 0 else 0):
                rio = -1 if rin < 0 else (ifixed_old if ifixed_old != -2 else rin + ishift)
                old_last = po == npass - 1 and (ro < 0 or ro == bo - 1) and (rio < 0 or rio == cin - 1)
                new_zero = pn == 0 and rn <= 0 and rin <= 0
                # the offset and width of the block along d inside the PE's range
                if rin >= 0:
                    offn, offo, width = rn * cin + rin, ro * cin + rio, 1
                else:
                    offn, offo, width = rn * cin, ro * cin, cin
                i = _dim_rows(out, i, lo, hi, sp, t3, d, pn, po, has_rf, offn, offo, width,
                              rn * cin + rin if rin >= 0 else rn, old_last, new_zero)
    if mode == FIRST:
        for k in range(n):
            out[k, OL] = 0
            out[k, OH] = 0
    elif mode == LAST:
        for k in range(n):
            out[k, NL] = 0
            out[k, NH] = 0
    return out


@njit(cache=True)
def _dim_rows(out, i, lo, hi, sp, t3, d, pn, po, has_rf, offn, offo, width, kr, old_last, new_zero):
    """Write the entries of one position of dim d's loops (one per spatial index q) from
    row i on; returns the next row."""
    for q in range(sp[d]):
        nl, nh = _pe_range(lo, hi, sp, t3, d, pn, q)
        ol, oh = _pe_range(lo, hi, sp, t3, d, po, q)
        if has_rf:
            if nl + offn < nh:
                nl, nh = nl + offn, min(nl + offn + width, nh)
            else:
                nh = nl
            if ol + offo < oh:
                ol, oh = ol + offo, min(ol + offo + width, oh)
            else:
                oh = ol
        out[i, KP] = pn
        out[i, KR] = kr
        out[i, Q] = q
        out[i, NL] = nl
        out[i, NH] = nh
        out[i, OL] = ol
        out[i, OH] = oh
        out[i, OLAST] = 1 if old_last else 0
        out[i, NZERO] = 1 if new_zero else 0
        i += 1
    return i


@njit(cache=True)
def _single(e):
    """Over all entries: Σ new size, Σ overlap, Σ over positions of the union over q of new
    ranges; and over the unchanged entries (new range = old range) alone: Σ new size, Σ of
    the union — one pass for both."""
    sa = 0
    sov = 0
    su = 0
    ua = 0
    uu = 0
    n = e.shape[0]
    i = 0
    while i < n:
        k = i
        end = -(1 << 62)  # the union so far ends here (ranges come in increasing order)
        uend = -(1 << 62)  # the same for the unchanged entries
        while k < n and e[k, KP] == e[i, KP] and e[k, KR] == e[i, KR]:
            nl, nh, ol, oh = e[k, NL], e[k, NH], e[k, OL], e[k, OH]
            sa += nh - nl
            ov = min(nh, oh) - max(nl, ol)
            if ov > 0:
                sov += ov
            if nh > nl:
                # the PEs' ranges need not touch (one element each of strided blocks
                # when the dim is spread over PEs and also an RF loop)
                if nh > end:
                    su += nh - max(nl, end)
                    end = nh
            if nl == ol and nh == oh:
                ua += nh - nl
                if nh > nl and nh > uend:
                    uu += nh - max(nl, uend)
                    uend = nh
            k += 1
        i = k
    return sa, sov, su, ua, uu


@njit(cache=True)
def _groups_of(e):
    """Start index of each position group in an entry array (plus the end)."""
    n = e.shape[0]
    starts = np.empty(n + 1, np.int64)
    g = 0
    for i in range(n):
        if i == 0 or e[i, KP] != e[i - 1, KP] or e[i, KR] != e[i - 1, KR]:
            starts[g] = i
            g += 1
    starts[g] = n
    return starts[: g + 1]


@njit(cache=True)
def _pair(ee, re, U, D, pad, H):
    """The five sums of :func:`_single` for an ifmap (E, R) or (F, S) pair, rows counted
    exactly: an entry pair is unchanged when both its entries are."""
    sa = 0
    sov = 0
    su = 0
    ua = 0
    uu = 0
    ge = _groups_of(ee)
    gr = _groups_of(re)
    big = np.int64(1 << 62)
    for a in range(ge.shape[0] - 1):
        for b in range(gr.shape[0] - 1):
            elo = rlo = uelo = urlo = big
            ehi = rhi = uehi = urhi = -big
            for i in range(ge[a], ge[a + 1]):
                e_unch = ee[i, NL] == ee[i, OL] and ee[i, NH] == ee[i, OH]
                e_some = ee[i, NH] > ee[i, NL]
                for k in range(gr[b], gr[b + 1]):
                    r_unch = re[k, NL] == re[k, OL] and re[k, NH] == re[k, OH]
                    c = rows_count(ee[i, NL], ee[i, NH], re[k, NL], re[k, NH], U, D, pad, H)
                    sa += c
                    sov += rows_overlap(
                        ee[i, NL], ee[i, NH], re[k, NL], re[k, NH], ee[i, OL], ee[i, OH], re[k, OL], re[k, OH], U, D, pad, H
                    )
                    if e_some and re[k, NH] > re[k, NL]:
                        elo = min(elo, ee[i, NL])
                        ehi = max(ehi, ee[i, NH])
                        rlo = min(rlo, re[k, NL])
                        rhi = max(rhi, re[k, NH])
                        if e_unch and r_unch:
                            uelo = min(uelo, ee[i, NL])
                            uehi = max(uehi, ee[i, NH])
                            urlo = min(urlo, re[k, NL])
                            urhi = max(urhi, re[k, NH])
                    if e_unch and r_unch:
                        ua += c
            if ehi > elo:
                su += rows_count(elo, ehi, rlo, rhi, U, D, pad, H)
            if uehi > uelo:
                uu += rows_count(uelo, uehi, urlo, urhi, U, D, pad, H)
    return sa, sov, su, ua, uu


@njit(cache=True)
def _activity(e):
    """Σ|Q_new|, Σ|Q_new ∩ Q_old|, Σ[Q_new ≠ ∅], Σ[Q_new ≠ ∅, Q_new ⊆ Q_old]."""
    r = np.zeros(4, np.int64)
    g = _groups_of(e)
    for a in range(g.shape[0] - 1):
        nn = 0
        both = 0
        sub = True
        for i in range(g[a], g[a + 1]):
            new = e[i, NH] > e[i, NL]
            old = e[i, OH] > e[i, OL]
            if new:
                nn += 1
                if old:
                    both += 1
                else:
                    sub = False
        r[0] += nn
        r[1] += both
        if nn > 0:
            r[2] += 1
            if sub:
                r[3] += 1
    return r


@njit(cache=True)
def _red(e):
    """Per position, the PEs active at the old (Q_old) and new (Q_new) position along a
    reduction dim, summed over positions: Σ|Q_old|, Σ|Q_old ∩ Q_new|, Σ[Q_old ≠ ∅],
    Σ[Q_old ≠ ∅, Q_old ⊆ Q_new], the same two where every loop is at its last index in
    the old position, Σ[Q_new ≠ ∅], Σ[Q_new ≠ ∅, Q_new ⊆ Q_old], and the same two where
    every loop is at 0 in the new position."""
    r = np.zeros(10, np.int64)
    g = _groups_of(e)
    for a in range(g.shape[0] - 1):
        no = 0
        nn = 0
        both = 0
        o_sub = True  # Q_old ⊆ Q_new
        n_sub = True  # Q_new ⊆ Q_old
        last = e[g[a], OLAST] == 1
        zero = e[g[a], NZERO] == 1
        for i in range(g[a], g[a + 1]):
            new = e[i, NH] > e[i, NL]
            old = e[i, OH] > e[i, OL]
            if old:
                no += 1
            if new:
                nn += 1
            if old and new:
                both += 1
            if old and not new:
                o_sub = False
            if new and not old:
                n_sub = False
        r[0] += no
        r[1] += both
        if no > 0:
            r[2] += 1
            if o_sub:
                r[3] += 1
            if last:
                r[4] += 1
            if o_sub and last:
                r[5] += 1
        if nn > 0:
            r[6] += 1
            if n_sub:
                r[7] += 1
            if zero:
                r[8] += 1
            if n_sub and zero:
                r[9] += 1
    return r


@njit(cache=True)
def _entries_all(lo, hi, sp, t3, a_idx, b_idx, j, K, mode):
    return _entries_all_rf(lo, hi, sp, t3, a_idx, b_idx, _NO_SPLIT_IDX, _NO_SPLIT_CNT, j, K, mode)


@njit(cache=True)
def _entries_all_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, j, K, mode):
    ents = []
    for d in range(8):
        ents.append(dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, d, j, K, mode))
    return ents


@njit(cache=True)
def _times(acc, r):
    for k in range(acc.shape[0]):
        acc[k] *= r[k]


@njit(cache=True)
def _group(acc, sa, sov, su, ua, uu, spatial, streamed):
    """Multiply one group's sums into the event's accumulators."""
    if spatial:
        acc[0] *= sa
        acc[1] *= su
        acc[2] *= ua
        acc[3] *= uu
    else:
        acc[4] *= sa
        acc[5] *= 0 if streamed else sov
        acc[6] *= su


@njit(cache=True)
def _ticks(lo, hi, sp, t3, a_idx, b_idx, j):
    """Whether loop j of the combined nest ever advances in this GLB tile (a loop that
    never does has no events, so skipping it changes no count)."""
    return _ticks_rf(lo, hi, sp, t3, a_idx, b_idx, _NO_SPLIT_IDX, _NO_SPLIT_CNT, j)


@njit(cache=True)
def _ticks_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, j):
    """:func:`_ticks` where a dim may have a second, inner RF loop (dim_entries_rf)."""
    for d in range(8):
        if a_idx[d] == j:
            return _npass(lo, hi, sp, t3, d) > 1
        if b_idx[d] == j:
            if ci[d] > 1:
                return t3[d] // ci[d] > 1
            b2 = sp[d] * t3[d]
            return min(t3[d], min(b2, hi[d] - lo[d])) > 1 or (sp[d] > 1 and t3[d] > 1)
        if c_idx[d] == j:
            return ci[d] > 1
    return False


# A dim's entries at an event of loop j depend on j only through where its own loops lie
# against j and the keep level K (before, at or after j; inside K or not): its *state*.
# Over the events of one data type a dim takes few states, so each dim's sums are
# computed once per state and reused (the same integers as computing them per event).
N_STATES = 50  # 48 event states (3 × 4 × 4), FIRST, LAST
MAX_LOCAL = 10  # states one dim takes over the events of one keep level (each of its loops moves once past j)


@njit(cache=True)
def _state(a_idx, b_idx, c_idx, d, j, K, mode):
    """Dim d's state at the events of loop j (mode EVENT), or FIRST / LAST: what
    :func:`dim_entries_rf` depends on besides the tile and the mapping."""
    if mode == FIRST:
        return 48
    if mode == LAST:
        return 49
    a = a_idx[d]
    sa = 0 if a < j else (1 if a == j else 2)
    b = b_idx[d]
    sb = 3 if (b < 0 or b >= K) else (0 if b < j else (1 if b == j else 2))
    c = c_idx[d]
    sc = 3 if (c < 0 or c >= K) else (0 if c < j else (1 if c == j else 2))
    return sa * 16 + sb * 4 + sc


@njit(cache=True)
def _local(ids, nids, d, c, s):
    """A dense index (0 .. MAX_LOCAL-1) for dim d's state s in the dim's tile class c, and
    whether it is new."""
    k = ids[d, c, s]
    if k >= 0:
        return k, False
    k = nids[d, c]
    ids[d, c, s] = k
    nids[d, c] += 1
    return k, True


# Within one part of kernel.array_totals the GLB tile classes are products of per-dim
# classes, and a dim's sums at a state depend only on its own class (its extent, and where
# padding clips it): a workspace keeps them per (dim, class, state) across the tiles of
# the part, so each is computed once (the same integers as computing them per tile).
_NO_CLASS = np.zeros(8, np.int64)  # one GLB tile counted alone: every dim in class 0


@njit(cache=True)
def input_workspace(n_cls):
    """The sums :func:`_input_ws` keeps for dims with up to ``n_cls`` classes each."""
    ids = np.full((8, n_cls, N_STATES), -1, np.int64)
    nids = np.zeros((8, n_cls), np.int64)
    act = np.empty((8, n_cls, MAX_LOCAL, 4), np.int64)  # _activity of a dim a data type does not depend on
    sgl = np.empty((8, n_cls, MAX_LOCAL, 5), np.int64)  # _single: sa, sov, su (all entries), ua, uu (unchanged)
    prs = np.empty((2, n_cls, MAX_LOCAL, MAX_LOCAL, 5), np.int64)  # _pair of (E, R), (F, S) per E/F class, the same five
    prs_ok = np.zeros((2, n_cls, MAX_LOCAL, MAX_LOCAL), np.bool_)
    return ids, nids, act, sgl, prs, prs_ok


@njit(cache=True)
def output_workspace(n_cls):
    """The sums :func:`_output_ws` keeps for dims with up to ``n_cls`` classes each."""
    ids = np.full((8, n_cls, N_STATES), -1, np.int64)
    nids = np.zeros((8, n_cls), np.int64)
    sums = np.empty((8, n_cls, MAX_LOCAL, 4), np.int64)  # output dims: Σ new, Σ new unchanged, Σ old, Σ old unchanged
    red = np.empty((8, n_cls, MAX_LOCAL, 10), np.int64)  # reduction dims C R S: _red
    return ids, nids, sums, red


@njit(cache=True)
def _input(p, lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, weight, systolic):
    """(NoC transfers, GLB reads) of weights (weight=True) or ifmaps kept at level K.

    On a systolic array an operand is shared only by forwarding along the dims it does not
    depend on; PEs at different positions of a dim it depends on each take their own
    stream, even where the streams hold the same pixels (overlapping windows)."""
    return _input_ws(p, lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, weight, systolic, _NO_CLASS, input_workspace(1))


@njit(cache=True)
def _input_ws(p, lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, weight, systolic, cls, ws):
    """:func:`_input` of a tile whose dim d is in class ``cls[d]``, with the per-dim sums
    kept in the workspace ``ws`` (:func:`input_workspace`) across the tiles of one part."""
    U, D = p[P_U], p[P_D]
    streamed = K >= n_loops
    noc = 0
    glb = 0
    top = min(K, n_loops)
    ids, nids, act, sgl, prs, prs_ok = ws
    loc = np.empty(8, np.int64)
    I = np.empty(4, np.int64)
    acc = np.empty(7, np.int64)
    for jj in range(-1, top):
        mode = FIRST if jj < 0 else EVENT
        if jj >= 0 and not _ticks_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, jj):
            continue
        for d in range(8):
            k, new = _local(ids, nids, d, cls[d], _state(a_idx, b_idx, c_idx, d, jj, K, mode))
            loc[d] = k
            if not new:
                continue
            if weight:
                irrelevant = d == DN or d == DE or d == DF
                single = not irrelevant
            else:
                irrelevant = d == DM
                single = d == DN or d == DG or d == DC
            if not (irrelevant or single):
                continue  # an ifmap pair's dim: counted with its partner below
            e = dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, d, jj, K, mode)
            if irrelevant:
                act[d, cls[d], k] = _activity(e)
            else:
                sa, sov, su, ua, uu = _single(e)
                sgl[d, cls[d], k, 0] = sa
                sgl[d, cls[d], k, 1] = sov
                sgl[d, cls[d], k, 2] = su
                sgl[d, cls[d], k, 3] = ua
                sgl[d, cls[d], k, 4] = uu
        I[:] = 1
        # accumulators: spatial groups (all entries, unchanged entries), other groups
        acc[:] = 1  # sp_all_a, sp_all_u, sp_un_a, sp_un_u, ns_a, ns_ov, ns_u
        if weight:
            # groups G M C R S; irrelevant N E F
            for d in (DN, DE, DF):
                _times(I, act[d, cls[d], loc[d]])
            for d in (DG, DM, DC, DR, DS):
                g = sgl[d, cls[d], loc[d]]
                _group(acc, g[0], g[1], g[2], g[3], g[4], sp[d] > 1, streamed)
        else:
            # groups N G C (E,R) (F,S); irrelevant M
            _times(I, act[DM, cls[DM], loc[DM]])
            for d in (DN, DG, DC):
                g = sgl[d, cls[d], loc[d]]
                _group(acc, g[0], g[1], g[2], g[3], g[4], sp[d] > 1, streamed)
            for pair in range(2):
                de = DE if pair == 0 else DF
                dr = DR if pair == 0 else DS
                ke, kr = loc[de], loc[dr]
                ce = cls[de]  # R and S are never tiled: one class
                if not prs_ok[pair, ce, ke, kr]:
                    pad = p[P_PT] if pair == 0 else p[P_PL]
                    H = p[P_H] if pair == 0 else p[P_W]
                    ee = dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, de, jj, K, mode)
                    re = dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, dr, jj, K, mode)
                    sa, sov, su, ua, uu = _pair(ee, re, U, D, pad, H)
                    if systolic:
                        su, uu = sa, ua
                    prs[pair, ce, ke, kr, 0] = sa
                    prs[pair, ce, ke, kr, 1] = sov
                    prs[pair, ce, ke, kr, 2] = su
                    prs[pair, ce, ke, kr, 3] = ua
                    prs[pair, ce, ke, kr, 4] = uu
                    prs_ok[pair, ce, ke, kr] = True
                g = prs[pair, ce, ke, kr]
                _group(acc, g[0], g[1], g[2], g[3], g[4], sp[de] > 1 or sp[dr] > 1, streamed)
        sp_all_a, sp_all_u, sp_un_a, sp_un_u, ns_a, ns_ov, ns_u = acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6]
        if streamed or mode == FIRST:
            noc += sp_all_a * ns_a * I[0]
            glb += sp_all_u * ns_u * I[2]
            continue
        noc += (sp_all_a - sp_un_a) * ns_a * I[0]
        glb += (sp_all_u - sp_un_u) * ns_u * I[2]
        noc += sp_un_a * (ns_a * I[0] - ns_ov * I[1])
        glb += sp_un_u * ((ns_a - ns_ov) * I[2] + ns_ov * (I[2] - I[3]))
    return noc, glb


@njit(cache=True)
def _output(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, c_first, c_last, res):
    """Add the psum/ofmap NoC and GLB traffic of one GLB tile (psums kept at level K) to ``res``."""
    _output_ws(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, c_first, c_last, res, _NO_CLASS, output_workspace(1))


@njit(cache=True)
def _output_ws(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, c_first, c_last, res, cls, ws):
    """:func:`_output` of a tile whose dim d is in class ``cls[d]``, with the per-dim sums
    kept in the workspace ``ws`` (:func:`output_workspace`) across the tiles of one part."""
    top = min(K, n_loops)
    ids, nids, sums, red = ws
    loc = np.empty(8, np.int64)
    P = np.empty(10, np.int64)
    for jj in range(-1, top + 1):
        if jj < 0:
            mode = FIRST
        elif jj == top:
            mode = LAST
        else:
            mode = EVENT
            if not _ticks_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, jj):
                continue
        for d in range(8):
            k, new = _local(ids, nids, d, cls[d], _state(a_idx, b_idx, c_idx, d, jj, K, mode))
            loc[d] = k
            if not new:
                continue
            e = dim_entries_rf(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, d, jj, K, mode)
            if d == DC or d == DR or d == DS:
                red[d, cls[d], k] = _red(e)
                continue
            sa_all = sa_unch = sb_all = sb_unch = 0
            for i in range(e.shape[0]):
                sa_all += e[i, NH] - e[i, NL]
                sb_all += e[i, OH] - e[i, OL]
                if e[i, NL] == e[i, OL] and e[i, NH] == e[i, OH]:
                    sa_unch += e[i, NH] - e[i, NL]
                    sb_unch += e[i, OH] - e[i, OL]
            sums[d, cls[d], k, 0] = sa_all
            sums[d, cls[d], k, 1] = sa_unch
            sums[d, cls[d], k, 2] = sb_all
            sums[d, cls[d], k, 3] = sb_unch
        OA = OU = NA = NU = 1
        for d in (DN, DG, DM, DE, DF):
            g = sums[d, cls[d], loc[d]]
            OA *= g[2]
            OU *= g[3]
            NA *= g[0]
            NU *= g[1]
        P[:] = 1
        for d in (DC, DR, DS):
            _times(P, red[d, cls[d], loc[d]])
        if mode != FIRST:
            res[NOC_PO] += (OA - OU) * P[0] + OU * (P[0] - P[1])
            writes = (OA - OU) * P[2] + OU * (P[2] - P[3])
            done = 0
            if c_last:
                done = (OA - OU) * P[4] + OU * (P[4] - P[5])
            res[GLB_WO] += done
            res[GLB_WP] += writes - done
        if mode != LAST:
            cf = 1 if c_first else 0
            reads = (NA - NU) * (P[6] - cf * P[8]) + NU * ((P[6] - P[7]) - cf * (P[8] - P[9]))
            res[GLB_RP] += reads
            res[NOC_PI] += reads


@njit(cache=True)
def _valid_pairs(e0, e1, R, U, D, pad, H):
    n = 0
    for e in range(e0, e1):
        for r in range(R):
            y = e * U - pad + r * D
            if y >= 0 and y < H:
                n += 1
    return n


@njit(cache=True)
def glb_tile(p, lo, hi, sp, t3, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, res):
    """Add one GLB tile's GLB/NoC/RF counts and compute cycles to ``res``.

    ``axis[d]``: 1 if dim d is across the PE rows, 2 across the columns, 0 neither."""
    glb_tile_parts(p, lo, hi, sp, t3, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, np.int64(PART_ALL), res)


# parts of a GLB tile's counts (glb_tile_parts): each depends on less than the whole tile
PART_WEIGHT = 1  # weight NoC/GLB/RF fills, MACs, the RF reads of weights and psums, cycles: the extents
PART_IFMAP = 2  # ifmap NoC/GLB/RF fills and RF reads: the extents and where padding clips E, F
PART_OUTPUT = 4  # psum/ofmap NoC and GLB traffic: the extents and whether the C tile is first/last
PART_ALL = 7


@njit(cache=True)
def glb_tile_parts(p, lo, hi, sp, t3, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, parts, res):
    """:func:`glb_tile` for some of its parts only (a bit mask of PART_*)."""
    glb_tile_parts_rf(p, lo, hi, sp, t3, _NO_SPLIT_CNT, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic,
                      parts, res)


@njit(cache=True)
def glb_tile_parts_rf(p, lo, hi, sp, t3, ci, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, parts, res):
    """:func:`glb_tile_parts` where ``rf_order`` may name a dim twice: its outer and inner
    RF loop (a dim split across two loops inside the PE), the inner one running ``ci[d]``
    times and the outer one t3[d] / ci[d] (dim_entries_rf)."""
    glb_tile_parts_ws(p, lo, hi, sp, t3, ci, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, parts, res,
                      _NO_CLASS, input_workspace(1), input_workspace(1), output_workspace(1))


@njit(cache=True)
def glb_tile_parts_ws(p, lo, hi, sp, t3, ci, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic, parts, res,
                      cls, ws_weight, ws_ifmap, ws_output):
    """:func:`glb_tile_parts_rf` of a tile whose dim d is in class ``cls[d]``, each part's
    per-dim sums kept in its workspace across the tiles counted with it."""
    L = rf_order.shape[0]
    n_loops = 8 + L
    a_idx = np.empty(8, np.int64)
    b_idx = np.full(8, -1, np.int64)
    c_idx = np.full(8, -1, np.int64)
    for i in range(8):
        a_idx[pass_order[i]] = i
    for i in range(L):
        if b_idx[rf_order[i]] < 0:
            b_idx[rf_order[i]] = 8 + i
        else:
            c_idx[rf_order[i]] = 8 + i
    for t in range(2):
        if (parts & (PART_WEIGHT if t == 0 else PART_IFMAP)) == 0:
            continue
        K = 8 + keep[t]
        noc, glb = _input_ws(p, lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, K, t == 0, systolic, cls,
                             ws_weight if t == 0 else ws_ifmap)
        if t == 0:
            res[NOC_W] += noc
            res[GLB_W] += glb
            if uses_rf and keep[0] < L:
                res[RFW_W] += noc
        else:
            res[NOC_I] += noc
            res[GLB_I] += glb
            if uses_rf and keep[1] < L:
                res[RFW_I] += noc
    if parts & PART_OUTPUT:
        _output_ws(lo, hi, sp, t3, a_idx, b_idx, c_idx, ci, n_loops, 8 + keep[2], c_first, c_last, res, cls, ws_output)
    macs = 1
    for d in range(8):
        macs *= hi[d] - lo[d]
    if parts & PART_IFMAP and uses_rf and keep[1] < L:
        rows = _valid_pairs(lo[DE], hi[DE], p[DR], p[P_U], p[P_D], p[P_PT], p[P_H])
        cols = _valid_pairs(lo[DF], hi[DF], p[DS], p[P_U], p[P_D], p[P_PL], p[P_W])
        res[RFR_I] += (hi[DN] - lo[DN]) * (hi[DG] - lo[DG]) * (hi[DM] - lo[DM]) * (hi[DC] - lo[DC]) * rows * cols
    if (parts & PART_WEIGHT) == 0:
        return
    res[MACS] += macs
    if uses_rf:
        if keep[0] < L:
            res[RFR_W] += macs
        if keep[2] < L:
            res[RFR_P] += macs
            res[RFW_P] += macs
    # compute cycles: every pass takes its busiest PE's RF iterations (a product over
    # dims of per-dim bounds, so the sum over passes is a product of per-dim sums)
    comp = 1
    npasses = 1
    for d in range(8):
        np_d = _npass(lo, hi, sp, t3, d)
        npasses *= np_d
        s = 0
        for pi in range(np_d):
            if b_idx[d] >= 0:
                a, b = _pass_range(lo, hi, sp, t3, d, pi)
                s += min(t3[d], b - a)
            else:
                s += 1
        comp *= s
    if systolic:
        # each pass fills and drains the array: the operands are skewed in over the rows
        # and columns used (rows + cols − 2 cycles), and a stationary operand is first
        # shifted down the rows; Σ over passes of a product over dims is a product of sums
        rows_sum = 1
        cols_sum = 1
        for d in range(8):
            np_d = _npass(lo, hi, sp, t3, d)
            sr = 0
            sc = 0
            for pi in range(np_d):
                a, b = _pass_range(lo, hi, sp, t3, d, pi)
                used = min(sp[d], (b - a + t3[d] - 1) // t3[d])
                sr += used if axis[d] == 1 else 1
                sc += used if axis[d] == 2 else 1
            rows_sum *= sr
            cols_sum *= sc
        preload = keep[0] == 0 or keep[1] == 0
        comp += rows_sum + cols_sum - 2 * npasses + (rows_sum if preload else 0)
    res[COMPUTE] += comp
    res[PASSES] += npasses


@njit(cache=True)
def _clipped(e0, e1, R, U, D, pad, H):
    """Whether padding clips the ifmap rows of outputs [e0, e1) (so position matters)."""
    return e0 * U - pad < 0 or (e1 - 1) * U - pad + (R - 1) * D > H - 1


@njit(cache=True)
def layer(p, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf):
    """All counts of one layer under one mapping on a spatial (multicast) array (the
    totals of :func:`layer_detail`)."""
    return layer_detail(p, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf, np.zeros(8, np.int64), False)[0]


@njit(cache=True)
def layer_detail(p, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic):
    """All counts of one layer under one mapping (see the slot names above).

    ``t1``: GLB tile sizes of N G M C E F; ``dram_order``: dim indices 0..5 outermost
    first; ``sp``, ``t3``: spatial factor and per-PE extent of each of the 8 dims;
    ``pass_order`` (8) and ``rf_order`` (L): dim indices; ``keep``: the keep level of
    weight, ifmap, psum as an index into rf_order (0 = the pass, L = streamed);
    ``axis``: per dim 1 (PE rows), 2 (PE columns) or 0; ``systolic``: the array forwards
    operands between neighbours instead of multicasting them.
    Returns the totals, and for the timeline: which row of the per-tile table each visited
    GLB tile uses, that table, and the per-tile DRAM counts of the walk.
    """
    loop_dim, loop_cnt = loops_of(tile_grid(p[:6], t1)[0], dram_order)
    return layer_detail_loops(p, t1, loop_dim, loop_cnt, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic)


@njit(cache=True)
def layer_detail_loops(p, t1, loop_dim, loop_cnt, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic):
    """:func:`layer_detail` for a DRAM-level nest of loops (dim index, count), outermost
    first, where a dim may have several loops (tiles.walk_tiles_loops)."""
    return layer_detail_rf(p, t1, loop_dim, loop_cnt, sp, t3, _NO_SPLIT_CNT, pass_order, rf_order, keep, uses_rf, axis, systolic)


@njit(cache=True)
def layer_detail_rf(p, t1, loop_dim, loop_cnt, sp, t3, ci, pass_order, rf_order, keep, uses_rf, axis, systolic):
    """:func:`layer_detail_loops` where ``rf_order`` may name a dim twice, its outer and
    inner RF loop, the inner one running ``ci[d]`` times (glb_tile_parts_rf)."""
    res = np.zeros(N_OUT, np.int64)
    bound = p[:6]
    cnt, total = tile_grid(bound, t1)
    idx = np.zeros(6, np.int64)
    digit = np.zeros(loop_dim.shape[0], np.int64)
    lo = np.zeros(8, np.int64)
    hi = np.zeros(8, np.int64)
    hi[DR] = p[DR]
    hi[DS] = p[DS]
    # Tiles with the same extents give the same counts unless padding clips their ifmap
    # rows/columns; such tiles are counted once and looked up after.
    seen = Dict.empty(key_type=TILE_KEY, value_type=types.int64)
    cache = np.zeros((64, N_OUT), np.int64)
    tile_row = np.empty(total, np.int64)
    for ti in range(total):
        tile_range(idx, t1, bound, lo, hi)
        c_first = idx[DC] == 0
        c_last = idx[DC] == cnt[DC] - 1
        ecls = lo[DE] if _clipped(lo[DE], hi[DE], p[DR], p[P_U], p[P_D], p[P_PT], p[P_H]) else -1
        fcls = lo[DF] if _clipped(lo[DF], hi[DF], p[DS], p[P_U], p[P_D], p[P_PL], p[P_W]) else -1
        key = (
            hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], hi[3] - lo[3], hi[4] - lo[4], hi[5] - lo[5],
            hi[6], hi[7], 1 if c_first else 0, 1 if c_last else 0, ecls, fcls,
        )
        if key in seen:
            row = cache[seen[key]]
            tile_row[ti] = seen[key]
        else:
            one = np.zeros(N_OUT, np.int64)
            glb_tile_parts_rf(p, lo, hi, sp, t3, ci, pass_order, rf_order, keep, uses_rf, c_first, c_last, axis, systolic,
                              np.int64(PART_ALL), one)
            k = len(seen)
            if k == cache.shape[0]:
                bigger = np.zeros((2 * k, N_OUT), np.int64)
                bigger[:k] = cache
                cache = bigger
            cache[k] = one
            seen[key] = k
            tile_row[ti] = k
            row = one
        for s_ in range(N_OUT):
            res[s_] += row[s_]
        advance_loops(digit, idx, loop_dim, loop_cnt)
    res[GLB_TILES] = total
    dram, per = walk_tiles_loops(p, t1, loop_dim, loop_cnt)
    for k in range(5):
        res[DRAM_RW + k] = dram[k]
    res[MAX_W] = dram[6]
    res[MAX_I] = dram[7]
    res[MAX_O] = dram[8]
    return res, tile_row, cache[: len(seen)], per


@njit(cache=True)
def whole_cycles(amount, per_cycle):
    """The clock cycles it takes to move ``amount`` at most ``per_cycle`` per cycle: a
    phase that moves anything ends on a clock edge. The quotient of two floats can land a
    hair above an integer it equals exactly (6400 bits at 19.2 bits per cycle), so it is
    rounded up only when it exceeds that integer by more than a relative 1e-13."""
    if amount <= 0:
        return 0
    q = amount / per_cycle
    return int(np.ceil(q - 1e-13 * max(1.0, q)))


@njit(cache=True)
def _dim_classes(d, B, T, p, flags):
    """The GLB tiles along dim d (bound B, tile T) grouped by what a part's counts depend
    on: rows of (first index, extent, flag, multiplicity). With ``flags`` the flag is the
    C tile's first/last status for C and the clipped position for E and F (-1: not
    clipped); without, only the extent tells tiles apart."""
    cnt = (B + T - 1) // T
    out = np.zeros((cnt, 4), np.int64)
    n = 0
    for i in range(cnt):
        lo = i * T
        hi = min(lo + T, B)
        flag = 0
        if flags and d == DC:
            flag = (1 if i == 0 else 0) + (2 if i == cnt - 1 else 0)
        elif flags and d == DE:
            flag = lo if _clipped(lo, hi, p[DR], p[P_U], p[P_D], p[P_PT], p[P_H]) else -1
        elif flags and d == DF:
            flag = lo if _clipped(lo, hi, p[DS], p[P_U], p[P_D], p[P_PL], p[P_W]) else -1
        found = -1
        for k in range(n):
            if out[k, 1] == hi - lo and out[k, 2] == flag:
                found = k
                break
        if found >= 0:
            out[found, 3] += 1
        else:
            out[n, 0] = i
            out[n, 1] = hi - lo
            out[n, 2] = flag
            out[n, 3] = 1
            n += 1
    return out[:n]


@njit(cache=True)
def layer_totals(p, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic):
    """The totals of :func:`layer_detail` without visiting every GLB tile. A part of a
    tile's counts (glb_tile_parts) depends only on the tile's extents and on one flag —
    ifmaps on where padding clips the tile's E/F rows, outputs on whether its C tile is
    the first/last — so the tiles fall into classes that are products of per-dim
    classes; each class is counted once per part and weighted by its number of tiles.
    The DRAM and MAX slots are the DRAM walk's totals, in closed form (tiles.walk_tiles)."""
    res = array_totals(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic)
    dram = walk_tiles(p, t1, dram_order)
    for k in range(5):
        res[DRAM_RW + k] = dram[k]
    res[MAX_W] = dram[6]
    res[MAX_I] = dram[7]
    res[MAX_O] = dram[8]
    return res


@njit(cache=True)
def _add_part(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic, part, tables, base, ids, ws_in, ws_if,
              ws_out, res):
    """Add one part's counts over every combination of its per-dim GLB tile classes to
    ``res``: dim d's classes are ``tables[base + d]`` (_dim_classes), class c's id in the
    workspaces ``ids[d, c]`` (R and S: ``ids[d, 0]``); each combination is counted once and
    weighted by its number of tiles."""
    lo = np.zeros(8, np.int64)
    hi = np.zeros(8, np.int64)
    hi[DR] = p[DR]
    hi[DS] = p[DS]
    one = np.zeros(N_OUT, np.int64)
    pick = np.zeros(6, np.int64)
    ncls = np.empty(6, np.int64)
    cls = np.zeros(8, np.int64)
    for d in range(6):
        ncls[d] = tables[base + d].shape[0]
    cls[DR] = ids[DR, 0]
    cls[DS] = ids[DS, 0]
    while True:
        mult = 1
        for d in range(6):
            row = tables[base + d][pick[d]]
            lo[d] = row[0] * t1[d]
            hi[d] = lo[d] + row[1]
            mult *= row[3]
            cls[d] = ids[d, pick[d]]
        cf = tables[base + DC][pick[DC], 2]
        one[:] = 0
        glb_tile_parts_ws(
            p, lo, hi, sp, t3, _NO_SPLIT_CNT, pass_order, rf_order, keep, uses_rf, (cf & 1) == 1, (cf & 2) == 2, axis,
            systolic, part, one, cls, ws_in, ws_if, ws_out,
        )
        for s_ in range(N_OUT):
            res[s_] += one[s_] * mult
        if not next_digits(pick, ncls, 6):  # the next class combination
            break


@njit(cache=True)
def array_totals(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic):
    """:func:`layer_totals` without the DRAM walk (its DRAM_* and MAX_* slots 0): every
    other slot is independent of the DRAM loop order, so the mapper walks a tiling once
    (tiles.walk_tiles) and fills those slots itself."""
    res = np.zeros(N_OUT, np.int64)
    bound = p[:6]
    ncls = np.empty(6, np.int64)
    spare_in, spare_out = input_workspace(1), output_workspace(1)  # the parts not counted in a pass: untouched
    for part in (PART_WEIGHT, PART_IFMAP, PART_OUTPUT):
        classes = []
        for d in range(6):
            flags = (part == PART_IFMAP and (d == DE or d == DF)) or (part == PART_OUTPUT and d == DC)
            classes.append(_dim_classes(d, bound[d], t1[d], p, flags))
            ncls[d] = classes[d].shape[0]
        # the per-dim sums of this part, kept per (dim, class) across its class combinations
        n_cls = ncls.max()
        ws_in = input_workspace(n_cls) if part == PART_WEIGHT else spare_in
        ws_if = input_workspace(n_cls) if part == PART_IFMAP else spare_in
        ws_out = output_workspace(n_cls) if part == PART_OUTPUT else spare_out
        ids = np.zeros((8, n_cls), np.int64)  # a class's id in the workspaces: its index (R, S: their one class, 0)
        for d in range(6):
            for c in range(n_cls):
                ids[d, c] = c
        _add_part(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic, part, classes, 0, ids,
                  ws_in, ws_if, ws_out, res)
    cnt, total = tile_grid(bound, t1)
    res[GLB_TILES] = total
    return res


@njit(cache=True)
def timeline(tile_row, rows, per, noc_bw, elem_bits, dram_bits_per_cycle, buf_of, buf_bits_per_cycle):
    """The dense timeline: :func:`timeline_scaled` with the same element widths at DRAM as
    in the GLBs and every tile's compute cycles as counted."""
    return timeline_scaled(tile_row, rows, per, noc_bw, elem_bits, dram_bits_per_cycle, buf_of, buf_bits_per_cycle, elem_bits, 1.0)


@njit(cache=True)
def timeline_scaled(tile_row, rows, per, noc_bw, elem_bits, dram_bits_per_cycle, buf_of, buf_bits_per_cycle, dram_elem_bits, compute_scale):
    """Cycles of a layer, tile by tile (docs/engine.md §5), every phase in whole cycles.

    A GLB tile runs for the larger of its compute cycles and the cycles its GLB buffers and
    NoC need for its array-side traffic (each rounded up: a tile starts and ends on a clock
    edge). The GLB is double-buffered: while tile i runs, DRAM brings tile i+1's data and
    takes back what tile i's start evicted; tile i+1 starts when both are done, so
    whatever DRAM cannot finish in the tile's run is stall. The first fill and the last
    write-back are exposed.
    ``noc_bw``: elements/cycle for weight, ifmap, psum (0: unlimited); ``elem_bits``: bits
    of weight, ifmap, psum, ofmap in the GLBs (``dram_elem_bits``: at DRAM); ``buf_of``: the
    buffer index holding each of those (-1: none); ``buf_bits_per_cycle``: each buffer's
    bandwidth (0: unlimited); ``compute_scale``: the share of each tile's compute cycles a
    PE array that skips zeros still spends (1.0: dense; ``engine/sparse.py``). Bits per
    element may be fractional: a compressed tensor's expected payload and metadata per
    dense element. A type with no buffer (``buf_of`` -1) bypasses the GLB: it has no tile
    fills or write-backs; its array-side traffic of each tile (the GLB slots) is streamed
    from and to DRAM while the tile runs, so it joins the DRAM work of that tile's span.
    Returns (cycles, compute cycles, the cycles the tiles' array-side work alone takes).
    """
    n = tile_row.shape[0]
    B = buf_bits_per_cycle.shape[0]
    compute = np.zeros(n, np.int64)
    noc = np.zeros((n, 3))
    bits = np.zeros((n, B))
    for i in range(n):
        r = rows[tile_row[i]]
        compute[i] = r[COMPUTE]
        if compute_scale != 1.0:
            compute[i] = whole_cycles(r[COMPUTE] * compute_scale, 1.0)
        noc[i, 0] = r[GLB_W]
        noc[i, 1] = r[GLB_I]
        noc[i, 2] = r[GLB_RP] + r[GLB_WP] + r[GLB_WO]
        if buf_of[0] >= 0:
            bits[i, buf_of[0]] += r[GLB_W] * elem_bits[0]
        if buf_of[1] >= 0:
            bits[i, buf_of[1]] += r[GLB_I] * elem_bits[1]
        if buf_of[2] >= 0:
            bits[i, buf_of[2]] += (r[GLB_RP] + r[GLB_WP]) * elem_bits[2]
        if buf_of[3] >= 0:
            bits[i, buf_of[3]] += r[GLB_WO] * elem_bits[3]
    stream = bypass_stream(rows, tile_row, buf_of, dram_elem_bits)
    per_bits = np.empty((per.shape[0], 5))
    for k in range(5):
        per_bits[:, k] = per[:, k] * dram_elem_bits[(0, 1, 2, 2, 3)[k]]
    fill, back = dram_phases(per_bits, buf_of)
    return timeline_core(compute, noc, noc_bw, bits, buf_bits_per_cycle, fill, back, stream, dram_bits_per_cycle)


@njit(cache=True)
def bypass_stream(rows, tile_row, buf_of, dram_elem_bits):
    """Per tile (row ``tile_row[i]`` of the kernel's per-tile table), the bits of the types no buffer holds
    (``buf_of`` -1): their array-side traffic streams from and to DRAM while the tile runs."""
    n = tile_row.shape[0]
    stream = np.zeros(n, np.float64)
    for i in range(n):
        r = rows[tile_row[i]]
        if buf_of[0] < 0:
            stream[i] += r[GLB_W] * dram_elem_bits[0]
        if buf_of[1] < 0:
            stream[i] += r[GLB_I] * dram_elem_bits[1]
        if buf_of[2] < 0:
            stream[i] += (r[GLB_RP] + r[GLB_WP]) * dram_elem_bits[2]
        if buf_of[3] < 0:
            stream[i] += r[GLB_WO] * dram_elem_bits[3]
    return stream


@njit(cache=True)
def dram_phases(per_bits, buf_of):
    """The bits of each tile's DRAM fill and of the write-back its start causes, from the
    bits of the five DRAM slots per tile (weight, ifmap, psum fills; psum, ofmap write-backs;
    row n: after the last tile) — none for a type no buffer holds (it streams instead)."""
    held = np.ones(5, np.float64)
    for k in range(5):
        if buf_of[(0, 1, 2, 2, 3)[k]] < 0:
            held[k] = 0.0
    m = per_bits.shape[0]
    fill = np.zeros(m, np.float64)
    back = np.zeros(m, np.float64)
    for i in range(m):
        fill[i] = per_bits[i, 0] * held[0] + per_bits[i, 1] * held[1] + per_bits[i, 2] * held[2]
        back[i] = per_bits[i, 3] * held[3] + per_bits[i, 4] * held[4]
    return fill, back


@njit(cache=True)
def timeline_core(compute, noc, noc_bw, bits, buf_bits_per_cycle, fill, back, stream, dram_bits_per_cycle):
    """:func:`timeline_scaled` on per-tile amounts: each tile's compute cycles, what its NoC
    ports carry (``noc[i, k]`` at ``noc_bw[k]`` per cycle, 0: unlimited), the bits its GLB
    buffers move (``bits[i, b]``), the bits of DRAM fill needed before tile i (``fill[i]``)
    and written back when it starts (``back[i]``; row n: after the last), and the bits
    its bypassing types stream from and to DRAM while it runs (``stream[i]``)."""
    n = compute.shape[0]
    run = np.zeros(n, np.int64)
    for i in range(n):
        t = compute[i]
        for k in range(3):
            if noc_bw[k] > 0:
                t = max(t, whole_cycles(noc[i, k], noc_bw[k]))
        for b in range(bits.shape[1]):
            if buf_bits_per_cycle[b] > 0:
                t = max(t, whole_cycles(bits[i, b], buf_bits_per_cycle[b]))
        run[i] = t
    cycles = whole_cycles(fill[0], dram_bits_per_cycle)
    for i in range(n):
        # during tile i: the next tile's fill, the write-back tile i's start caused, and
        # tile i's bypass stream
        moving = (fill[i + 1] if i + 1 < n else 0.0) + back[i] + stream[i]
        cycles += max(run[i], whole_cycles(moving, dram_bits_per_cycle))
    cycles += whole_cycles(back[n], dram_bits_per_cycle)
    return cycles, compute.sum(), run.sum()


# Across the candidates of one search (one layer, dataflow and array kind) a dim's sums at
# a state depend only on its own GLB tile class and its own spatial factor and RF extent
# (dim_entries_rf reads index d alone; an ifmap E/F sum also on its R/S partner's): a memo
# keeps them per such key for every array_totals_memo call of the search (the same
# integers as counting them per call). It holds MEMO_CAP classes per part and dim; a call
# that would need more forgets them all first. Plain arrays only (a numba call types each
# argument: a typed Dict costs more than the count).
MEMO_CAP = 16
MEMO_KEY = 6  # a class's key: extent, flag (_dim_classes), spatial factor, RF extent, the partner's two


@njit(cache=True)
def totals_memo():
    """An empty memo for :func:`array_totals_memo`: the keys of the classes given an id per
    (part, dim), their number, and the workspaces of the weight, ifmap and output parts."""
    keys = np.zeros((3, 8, MEMO_CAP, MEMO_KEY), np.int64)
    return keys, np.zeros((3, 8), np.int64), input_workspace(MEMO_CAP), input_workspace(MEMO_CAP), output_workspace(MEMO_CAP)


@njit(cache=True)
def _forget(memo):
    keys, given, ws_w, ws_i, ws_o = memo
    given[:] = 0
    for ws in (ws_w, ws_i):
        ws[0][:] = -1
        ws[1][:] = 0
        ws[5][:] = False
    ws_o[0][:] = -1
    ws_o[1][:] = 0


@njit(cache=True)
def _class_key(pi, d, row, sp, t3, key):
    """Fill ``key`` with dim d's class ``row`` (_dim_classes) in part index pi (0 weight,
    1 ifmap, 2 output): an ifmap E/F class also names its R/S partner's loops."""
    partner = -1
    if pi == 1 and d == DE:
        partner = DR
    elif pi == 1 and d == DF:
        partner = DS
    key[0] = row[1]
    key[1] = row[2]
    key[2] = sp[d]
    key[3] = t3[d]
    key[4] = sp[partner] if partner >= 0 else 0
    key[5] = t3[partner] if partner >= 0 else 0


@njit(cache=True)
def _class_id(keys, given, pi, d, key):
    """The id of the class of this key in the memo (-1: none yet)."""
    for g in range(given[pi, d]):
        same = True
        for k in range(MEMO_KEY):
            if keys[pi, d, g, k] != key[k]:
                same = False
                break
        if same:
            return g
    return -1


@njit(cache=True)
def array_totals_memo(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic, memo):
    """:func:`array_totals` with the per-dim sums kept in ``memo`` (:func:`totals_memo`)
    across the calls of one search: the same totals."""
    keys, given, ws_w, ws_i, ws_o = memo
    bound = p[:6]
    tables = []
    most = 1
    for pi in range(3):
        for d in range(6):
            flags = (pi == 1 and (d == DE or d == DF)) or (pi == 2 and d == DC)
            t = _dim_classes(d, bound[d], t1[d], p, flags)
            most = max(most, t.shape[0])
            tables.append(t)
    if most > MEMO_CAP:
        return array_totals(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic)
    rs = np.zeros((2, 4), np.int64)  # R's and S's one class: (first index, extent, flag, count)
    rs[0, 1] = p[DR]
    rs[1, 1] = p[DS]
    key = np.empty(MEMO_KEY, np.int64)
    gid = np.empty((3, 8, most), np.int64)
    for attempt in range(2):
        # the class ids of this call, new ones given in turn; without room, forget and redo
        room = True
        for pi in range(3):
            for d in range(8):
                t = tables[pi * 6 + d] if d < 6 else rs[d - 6 : d - 5]
                for c in range(t.shape[0]):
                    _class_key(pi, d, t[c], sp, t3, key)
                    g = _class_id(keys, given, pi, d, key)
                    if g < 0:
                        if given[pi, d] == MEMO_CAP:
                            room = False
                            break
                        g = given[pi, d]
                        keys[pi, d, g] = key
                        given[pi, d] += 1
                    gid[pi, d, c] = g
                if not room:
                    break
            if not room:
                break
        if room:
            break
        _forget(memo)
    res = np.zeros(N_OUT, np.int64)
    for pi in range(3):
        _add_part(p, t1, sp, t3, pass_order, rf_order, keep, uses_rf, axis, systolic, (PART_WEIGHT, PART_IFMAP, PART_OUTPUT)[pi],
                  tables, pi * 6, gid[pi], ws_w, ws_i, ws_o, res)
    cnt, total = tile_grid(bound, t1)
    res[GLB_TILES] = total
    return res
