"""Exact counts of real sparse tensors (numba): what a mapping moves, element by element.

The dense kernel (:mod:`.kernel`) sums each transfer's *size* over the loop positions as a
product of per-group sums (docs/engine.md §3). A transfer moves a set of elements that is
a product of per-group sets (a dim's range, or the ifmap rows an (E, R) pair touches), so
the same sums taken with each group's *indicator vector* instead of its size give, per
element, how many times it is moved — the multiplicity tensor, a short sum of outer
products of per-group vectors (the *terms*). Any per-element attribute a (its 0/1 mask,
the filler entries its run-length encoding attaches to it) moved is then the contraction
Σ_x a[x]·Π_g v_g[x_g] of each term: exact integers, no MAC walked.

A term of one GLB tile is stored relative to the tile's base (its first element along each
axis); tiles with the same extents (and, for ifmaps, the same padding clip) have the same
terms, so each class of tiles is expanded once and contracted at every tile's own base —
the class key of :func:`.kernel.layer_detail`.

Axes: weights (G, M, C, R, S), ifmaps (N, G, C, Y, X) with Y, X the input rows and columns,
outputs (N, G, M, E, F), as in :mod:`accelsim.reference.oracle`.
"""
from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

from .footprint import _dense, _member, _span
from .kernel import (
    DC, DE, DF, DG, DM, DN, DR, DS, EVENT, FIRST, KP, KR, NH, NL, OH, OL, P_D, P_H, P_PL, P_PT, P_U, P_W, TILE_KEY,
    _activity, _clipped, _entries_all, _groups_of, _npass, _pe_range, _ticks,
)
from .tiles import advance_loops, tile_grid, tile_range

NOC, GLB = 0, 1
"""The two flows of an input type a term counts: NoC transfers and GLB reads."""


# ---------------------------------------------------------------- indicator vectors


@njit(cache=True)
def _mark(v, base, a, b, w):
    for x in range(max(a, base), min(b, base + v.shape[0])):
        v[x - base] += w


@njit(cache=True)
def _single_vec(e, only_unch, base, L):
    """:func:`.kernel._single` with indicator vectors: (Σ new, Σ new ∩ old, Σ union over q)."""
    va = np.zeros(L)
    vov = np.zeros(L)
    vu = np.zeros(L)
    n = e.shape[0]
    i = 0
    while i < n:
        k = i
        end = np.int64(-(1 << 62))
        while k < n and e[k, KP] == e[i, KP] and e[k, KR] == e[i, KR]:
            nl, nh, ol, oh = e[k, NL], e[k, NH], e[k, OL], e[k, OH]
            if (not only_unch) or (nl == ol and nh == oh):
                _mark(va, base, nl, nh, 1.0)
                _mark(vov, base, max(nl, ol), min(nh, oh), 1.0)
                if nh > nl and nh > end:
                    _mark(vu, base, max(nl, end), nh, 1.0)
                    end = nh
            k += 1
        i = k
    return va, vov, vu


@njit(cache=True)
def _in_rows(y, e0, e1, r0, r1, U, D, pt):
    if e1 <= e0 or r1 <= r0:
        return False
    return _member(y, e0, e1, r0, r1, U, D, pt)


@njit(cache=True)
def _mark_rows(v, base, e0, e1, r0, r1, U, D, pt, H):
    """Add 1 at every row of rows(e0, e1, r0, r1) (footprint.py)."""
    if e1 <= e0 or r1 <= r0:
        return
    lo, hi = _span(e0, e1, r0, r1, U, D, pt, H)
    if lo > hi:
        return
    if (e1 - e0 == 1 and D == 1) or _dense(r0, r1, U, D):
        _mark(v, base, lo, hi + 1, 1.0)
        return
    for y in range(lo, hi + 1):
        if _member(y, e0, e1, r0, r1, U, D, pt):
            v[y - base] += 1.0


@njit(cache=True)
def _mark_overlap(v, base, a0, a1, ar0, ar1, b0, b1, br0, br1, U, D, pt, H):
    """Add 1 at every row of rows(a…) ∩ rows(b…)."""
    if a1 <= a0 or ar1 <= ar0 or b1 <= b0 or br1 <= br0:
        return
    alo, ahi = _span(a0, a1, ar0, ar1, U, D, pt, H)
    blo, bhi = _span(b0, b1, br0, br1, U, D, pt, H)
    lo, hi = max(alo, blo), min(ahi, bhi)
    for y in range(lo, hi + 1):
        if _in_rows(y, a0, a1, ar0, ar1, U, D, pt) and _in_rows(y, b0, b1, br0, br1, U, D, pt):
            v[y - base] += 1.0


@njit(cache=True)
def _pair_vec(ee, re, only_unch, U, D, pad, H, base, L):
    """:func:`.kernel._pair` with indicator vectors over the rows y (or columns x)."""
    va = np.zeros(L)
    vov = np.zeros(L)
    vu = np.zeros(L)
    ge = _groups_of(ee)
    gr = _groups_of(re)
    for a in range(ge.shape[0] - 1):
        for b in range(gr.shape[0] - 1):
            elo = rlo = np.int64(1 << 62)
            ehi = rhi = np.int64(-(1 << 62))
            for i in range(ge[a], ge[a + 1]):
                e_unch = ee[i, NL] == ee[i, OL] and ee[i, NH] == ee[i, OH]
                if only_unch and not e_unch:
                    continue
                for k in range(gr[b], gr[b + 1]):
                    r_unch = re[k, NL] == re[k, OL] and re[k, NH] == re[k, OH]
                    if only_unch and not r_unch:
                        continue
                    _mark_rows(va, base, ee[i, NL], ee[i, NH], re[k, NL], re[k, NH], U, D, pad, H)
                    _mark_overlap(vov, base, ee[i, NL], ee[i, NH], re[k, NL], re[k, NH], ee[i, OL], ee[i, OH], re[k, OL], re[k, OH],
                                  U, D, pad, H)
                    if ee[i, NH] > ee[i, NL] and re[k, NH] > re[k, NL]:
                        elo = min(elo, ee[i, NL])
                        ehi = max(ehi, ee[i, NH])
                        rlo = min(rlo, re[k, NL])
                        rhi = max(rhi, re[k, NH])
            if ehi > elo:
                _mark_rows(vu, base, elo, ehi, rlo, rhi, U, D, pad, H)
    return va, vov, vu


# ---------------------------------------------------------------- the terms of one tile


@njit(cache=True)
def tile_axes(p, lo, hi, weight):
    """Base and length of each of the five axes a tile's weights / ifmaps span."""
    base = np.zeros(5, np.int64)
    length = np.zeros(5, np.int64)
    if weight:
        for a, d in enumerate((DG, DM, DC, DR, DS)):
            base[a] = lo[d]
            length[a] = hi[d] - lo[d]
        return base, length
    for a, d in enumerate((DN, DG, DC)):
        base[a] = lo[d]
        length[a] = hi[d] - lo[d]
    for a, de, dr, pad, H in ((3, DE, DR, p[P_PT], p[P_H]), (4, DF, DS, p[P_PL], p[P_W])):
        ylo, yhi = _span(lo[de], hi[de], 0, hi[dr], p[P_U], p[P_D], pad, H)
        base[a] = ylo
        length[a] = max(0, yhi - ylo + 1)
    return base, length


# which of a group's five vectors (sa, sov, su, ua, uu) a term takes, spatial / not
SA, SOV, SU, UA, UU = range(5)


@njit(cache=True)
def input_terms(p, lo, hi, sp, t3, a_idx, b_idx, n_loops, K, weight, systolic):
    """The terms of :func:`.kernel._input` for one GLB tile: (coefficient, flow NOC/GLB,
    five vectors relative to :func:`tile_axes`' base). Σ over terms of coefficient × the
    vectors' product total (all ones) is the dense kernel's count of that flow."""
    base, length = tile_axes(p, lo, hi, weight)
    Lmax = max(1, length.max())
    U, D = p[P_U], p[P_D]
    streamed = K >= n_loops
    top = min(K, n_loops)
    cap = 6 * (top + 1)
    coef = np.zeros(cap, np.int64)
    flow = np.zeros(cap, np.int64)
    vecs = np.zeros((cap, 5, Lmax))
    nt = 0
    for jj in range(-1, top):
        mode = FIRST if jj < 0 else EVENT
        if jj >= 0 and not _ticks(lo, hi, sp, t3, a_idx, b_idx, jj):
            continue
        ents = _entries_all(lo, hi, sp, t3, a_idx, b_idx, jj, K, mode)
        I = np.ones(4, np.int64)
        if weight:
            for d in (DN, DE, DF):
                I *= _activity(ents[d])
        else:
            I *= _activity(ents[DM])
        g5 = np.zeros((5, 5, Lmax))  # per axis: sa, sov, su, ua, uu
        spatial = np.zeros(5, np.bool_)
        for a in range(5):
            L = length[a]
            if weight or a < 3:
                d = (DG, DM, DC, DR, DS)[a] if weight else (DN, DG, DC)[a]
                sa, sov, su = _single_vec(ents[d], np.bool_(False), base[a], L)
                ua, _x, uu = _single_vec(ents[d], np.bool_(True), base[a], L)
                spatial[a] = sp[d] > 1
            else:
                de = DE if a == 3 else DF
                dr = DR if a == 3 else DS
                pad = p[P_PT] if a == 3 else p[P_PL]
                H = p[P_H] if a == 3 else p[P_W]
                sa, sov, su = _pair_vec(ents[de], ents[dr], np.bool_(False), U, D, pad, H, base[a], L)
                ua, _x, uu = _pair_vec(ents[de], ents[dr], np.bool_(True), U, D, pad, H, base[a], L)
                if systolic:
                    su = sa
                    uu = ua
                spatial[a] = sp[de] > 1 or sp[dr] > 1
            if streamed:
                sov = np.zeros(L)
            g5[a, SA, :L] = sa
            g5[a, SOV, :L] = sov
            g5[a, SU, :L] = su
            g5[a, UA, :L] = ua
            g5[a, UU, :L] = uu
        # noc = I0·A0⊗A4 − I1·A2⊗A5 ; glb = I2·A1⊗A6 − I2·A3⊗A6 + I2·A3⊗A4 − I3·A3⊗A5
        # (A0..A3 over the spatial groups: sa, su, ua, uu; A4..A6 over the others: sa, sov, su)
        first = streamed or mode == FIRST
        for t in range(6):
            if first and t in (1, 3, 4, 5):
                continue
            if t == 0:
                c, f, vs, vn = I[0], NOC, SA, SA
            elif t == 1:
                c, f, vs, vn = -I[1], NOC, UA, SOV
            elif t == 2:
                c, f, vs, vn = I[2], GLB, SU, SU
            elif t == 3:
                c, f, vs, vn = -I[2], GLB, UU, SU
            elif t == 4:
                c, f, vs, vn = I[2], GLB, UU, SA
            else:
                c, f, vs, vn = -I[3], GLB, UU, SOV
            if c == 0:
                continue
            zero = False
            for a in range(5):
                w = vs if spatial[a] else vn
                vecs[nt, a, :] = g5[a, w, :]
                if not vecs[nt, a, :].any():
                    zero = True
            if zero:
                continue
            coef[nt] = c
            flow[nt] = f
            nt += 1
    return coef[:nt], flow[:nt], vecs[:nt], base, length


# ---------------------------------------------------------------- contraction


@njit(cache=True)
def prepare(coef, flow, vecs, length):
    """A class's terms made ready for :func:`contract`: terms equal in flow and every vector
    merged (coefficients added), the longest axis ``la``, and the distinct vectors the terms
    have along it with each term's index into them."""
    T = coef.shape[0]
    keep_c = np.zeros(T, np.int64)
    keep_f = np.zeros(T, np.int64)
    keep_v = np.zeros_like(vecs)
    n = 0
    for t in range(T):
        found = -1
        for u in range(n):
            if keep_f[u] == flow[t] and np.array_equal(keep_v[u], vecs[t]):
                found = u
                break
        if found >= 0:
            keep_c[found] += coef[t]
        else:
            keep_c[n] = coef[t]
            keep_f[n] = flow[t]
            keep_v[n] = vecs[t]
            n += 1
    # two terms of one flow that differ along one axis only are one term:
    # c1·(⊗ v) ⊗ u1 + c2·(⊗ v) ⊗ u2 = 1·(⊗ v) ⊗ (c1·u1 + c2·u2) — e.g. a tile's first pass and
    # the rest, whose vectors along M are complementary, merge into the uniform all-ones
    merged = True
    while merged:
        merged = False
        for u in range(n):
            for t in range(u + 1, n):
                if keep_f[u] != keep_f[t]:
                    continue
                diff = -1
                for a in range(5):
                    if not np.array_equal(keep_v[u, a], keep_v[t, a]):
                        if diff >= 0:
                            diff = 9
                            break
                        diff = a
                if diff == 9:
                    continue
                if diff < 0:  # equal after earlier merges
                    keep_c[u] += keep_c[t]
                else:
                    keep_v[u, diff] = keep_c[u] * keep_v[u, diff] + keep_c[t] * keep_v[t, diff]
                    keep_c[u] = 1
                keep_c[t] = keep_c[n - 1]
                keep_f[t] = keep_f[n - 1]
                keep_v[t] = keep_v[n - 1]
                n -= 1
                merged = True
                break
            if merged:
                break
    la = 0
    for a in range(5):
        if length[a] > length[la]:
            la = a
    Ll = length[la]
    key = np.zeros(n, np.int64)
    distinct = np.zeros((max(n, 1), max(Ll, 1)))
    nd = 0
    for t in range(n):
        found = -1
        for j in range(nd):
            if np.array_equal(distinct[j, :Ll], keep_v[t, la, :Ll]):
                found = j
                break
        if found < 0:
            distinct[nd, :Ll] = keep_v[t, la, :Ll]
            found = nd
            nd += 1
        key[t] = found
    # a class whose every vector is constant over the tile moves each element the same
    # number of times per flow: the tile's count is that times the tile's block sum
    uniform = np.zeros(3)
    uniform[2] = 1.0
    for t in range(n):
        prod = float(keep_c[t])
        for a in range(5):
            v0 = keep_v[t, a, 0]
            for x in range(length[a]):
                if keep_v[t, a, x] != v0:
                    uniform[2] = 0.0
            prod *= v0
        uniform[keep_f[t]] += prod
    return keep_c[:n], keep_f[:n], keep_v[:n], la, key, distinct[:nd], uniform


@njit(cache=True)
def contract(a5, base, length, coef, flow, vecs, la, key, distinct, out, k):
    """Add, per flow f, Σ_terms coef·Σ_x a5[base + x]·Π_a v_a[x_a] into out[k, f]
    (the terms as :func:`prepare` leaves them).

    One pass over the sub-box in memory order, skipping zero elements (a mask of a pruned
    tensor is mostly zeros), contracts the longest axis with each distinct vector the
    terms have along it; then each term sums the rest."""
    T = coef.shape[0]
    if T == 0:
        return
    for a in range(5):
        if length[a] == 0:
            return
    nd = distinct.shape[0]
    # strides of the other axes in the rest space (la has none)
    rs = np.zeros(5, np.int64)
    n_rest = 1
    for a in range(4, -1, -1):
        if a != la:
            rs[a] = n_rest
            n_rest *= length[a]
    z = np.zeros((nd, n_rest))
    flat = a5.ravel()  # C-contiguous: a view
    st = np.zeros(5, np.int64)
    m_ = 1
    for a in range(4, -1, -1):
        st[a] = m_
        m_ *= a5.shape[a]
    ii = np.zeros(5, np.int64)
    l4 = length[4]
    for i0 in range(length[0]):
        ii[0] = i0
        for i1 in range(length[1]):
            ii[1] = i1
            for i2 in range(length[2]):
                ii[2] = i2
                for i3 in range(length[3]):
                    ii[3] = i3
                    off = ((base[0] + i0) * st[0] + (base[1] + i1) * st[1] + (base[2] + i2) * st[2] + (base[3] + i3) * st[3]
                           + base[4])
                    r0 = i0 * rs[0] + i1 * rs[1] + i2 * rs[2] + i3 * rs[3]
                    rs4 = rs[4]
                    for i4 in range(l4):
                        v = flat[off + i4]
                        if v == 0:
                            continue
                        x = i4 if la == 4 else ii[la]
                        r = r0 + i4 * rs4
                        for j in range(nd):
                            z[j, r] += distinct[j, x] * v
    # the other four axes, per term
    oth = np.zeros(4, np.int64)
    j = 0
    for a in range(5):
        if a != la:
            oth[j] = a
            j += 1
    n0, n1, n2, n3 = length[oth[0]], length[oth[1]], length[oth[2]], length[oth[3]]
    s0, s1, s2, s3 = rs[oth[0]], rs[oth[1]], rs[oth[2]], rs[oth[3]]
    for t in range(T):
        acc = 0.0
        v0 = vecs[t, oth[0]]
        v1 = vecs[t, oth[1]]
        v2 = vecs[t, oth[2]]
        v3 = vecs[t, oth[3]]
        zt = z[key[t]]
        for i0 in range(n0):
            if v0[i0] == 0.0:
                continue
            for i1 in range(n1):
                w1 = v0[i0] * v1[i1]
                if w1 == 0.0:
                    continue
                for i2 in range(n2):
                    w2 = w1 * v2[i2]
                    if w2 == 0.0:
                        continue
                    r2 = i0 * s0 + i1 * s1 + i2 * s2
                    for i3 in range(n3):
                        if v3[i3] != 0.0:
                            acc += w2 * v3[i3] * zt[r2 + i3 * s3]
        out[k, flow[t]] += coef[t] * acc


@njit(cache=True)
def box_sum(a5, lo0, hi0, lo1, hi1, lo2, hi2, v3, v4):
    """Σ a5 over a box of the first three axes and weighted by indicator vectors over
    the last two (rows and columns of an ifmap, or all ones)."""
    s = 0.0
    for i0 in range(lo0, hi0):
        for i1 in range(lo1, hi1):
            for i2 in range(lo2, hi2):
                for i3 in range(v3.shape[0]):
                    if v3[i3] == 0.0:
                        continue
                    for i4 in range(v4.shape[0]):
                        if v4[i4] != 0.0:
                            s += v3[i3] * v4[i4] * a5[i0, i1, i2, i3, i4]
    return s


@njit(cache=True)
def _rows_vec(e0, e1, R, U, D, pt, H):
    v = np.zeros(H)
    _mark_rows(v, np.int64(0), e0, e1, np.int64(0), R, U, D, pt, H)
    return v


@njit(cache=True)
def _overlap_vec(a0, a1, b0, b1, R, U, D, pt, H):
    v = np.zeros(H)
    _mark_overlap(v, np.int64(0), a0, a1, np.int64(0), R, b0, b1, np.int64(0), R, U, D, pt, H)
    return v


# ---------------------------------------------------------------- the layer


@njit(cache=True)
def exact_layer(p, t1, loop_dim, loop_cnt, sp, t3, pass_order, rf_order, keep, systolic, wmask, wfill, wblk, imask, ifill, omask, ofill):
    """Per GLB tile (in visiting order) the attributes moved.

    ``wmask`` (G, M, C, R, S), ``imask`` (N, G, C, H, W), ``omask`` (N, G, M, E, F): the 0/1
    masks (uint8), attribute 0; ``wfill`` … (F, same axes): further per-element attributes
    (filler entries), attributes 1 .. F; ``wblk[k, i, j, l]``: each weight attribute summed
    over the GLB tile (i, j, l) of the (G, M, C) grid (a weight fill is one such block,
    :func:`weight_sums`). Returns
    ``arr[tile, type, flow, k]`` (type 0 weight, 1 ifmap; flow NOC / GLB reads) and
    ``dram[tile, slot, k]`` for the tiles' DRAM fills (slot 0 weights, 1 ifmaps) and the
    ofmap write-back each tile causes (slot 2; row ``tiles`` the final one), in the walk of
    :func:`.tiles.walk_tiles_detail`, and the outputs each tile completes (slot 3: its
    output block when its C tile is the last, written to the GLB as ofmap). The DRAM-level
    nest is ``loop_dim``/``loop_cnt`` (:meth:`Mapping.dram_loop_arrays`: a dim may have several
    loops)."""
    L = rf_order.shape[0]
    n_loops = 8 + L
    a_idx = np.empty(8, np.int64)
    b_idx = np.full(8, -1, np.int64)
    for i in range(8):
        a_idx[pass_order[i]] = i
    for i in range(L):
        b_idx[rf_order[i]] = 8 + i
    A = 1 + max(wfill.shape[0], ifill.shape[0], ofill.shape[0])
    bound = p[:6]
    R, S, H, W, U, D, pt, pl = p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]
    cnt, total = tile_grid(bound, t1)
    arr = np.zeros((total, 2, 2, A))
    dram = np.zeros((total + 1, 4, A))
    idx = np.zeros(6, np.int64)
    digit = np.zeros(loop_dim.shape[0], np.int64)
    lo = np.zeros(8, np.int64)
    hi = np.zeros(8, np.int64)
    hi[DR] = R
    hi[DS] = S
    plo = np.full(8, -1, np.int64)
    phi = np.full(8, -1, np.int64)
    have_prev = False
    prev_c_last = False
    seen = Dict.empty(key_type=TILE_KEY, value_type=types.int64)
    cls_coef = []
    cls_flow = []
    cls_vecs = []
    cls_la = []
    cls_key = []
    cls_dist = []
    cls_uni = []
    for ti in range(total):
        tile_range(idx, t1, bound, lo, hi)
        c_first = idx[DC] == 0
        c_last = idx[DC] == cnt[DC] - 1
        ecls = lo[DE] if _clipped(lo[DE], hi[DE], R, U, D, pt, H) else -1
        fcls = lo[DF] if _clipped(lo[DF], hi[DF], S, U, D, pl, W) else -1
        key = (
            hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], hi[3] - lo[3], hi[4] - lo[4], hi[5] - lo[5],
            hi[6], hi[7], 1 if c_first else 0, 1 if c_last else 0, ecls, fcls,
        )
        if key not in seen:
            seen[key] = len(seen)
            for t in range(2):
                c, f, v, _b, ln = input_terms(p, lo, hi, sp, t3, a_idx, b_idx, n_loops, 8 + keep[t], t == 0, systolic)
                c, f, v, la, ky, dv, un = prepare(c, f, v, ln)
                cls_coef.append(c)
                cls_flow.append(f)
                cls_vecs.append(v)
                cls_la.append(la)
                cls_key.append(ky)
                cls_dist.append(dv)
                cls_uni.append(un)
        ci = seen[key]
        for t in range(2):
            base, length = tile_axes(p, lo, hi, t == 0)
            mk = wmask if t == 0 else imask
            fl = wfill if t == 0 else ifill
            out = np.zeros((1 + fl.shape[0], 2))
            j = 2 * ci + t
            un = cls_uni[j]
            if un[2] == 1.0 and t == 0:  # a weight tile's box is its (G, M, C) block, summed once
                for k in range(out.shape[0]):
                    blk = wblk[k, idx[DG], idx[DM], idx[DC]]
                    out[k, NOC] = un[NOC] * blk
                    out[k, GLB] = un[GLB] * blk
            else:
                c_, f_, v_, la, ky, dv = cls_coef[j], cls_flow[j], cls_vecs[j], cls_la[j], cls_key[j], cls_dist[j]
                contract(mk, base, length, c_, f_, v_, la, ky, dv, out, np.int64(0))
                for k in range(fl.shape[0]):
                    contract(fl[k], base, length, c_, f_, v_, la, ky, dv, out, k + 1)
            for k in range(out.shape[0]):
                arr[ti, t, NOC, k] = out[k, NOC]
                arr[ti, t, GLB, k] = out[k, GLB]
        # ---- DRAM (the rules of tiles.walk_tiles_detail)
        same_w = have_prev and lo[1] == plo[1] and lo[2] == plo[2] and lo[3] == plo[3]
        if not same_w:
            for k in range(wblk.shape[0]):
                dram[ti, 0, k] = wblk[k, idx[DG], idx[DM], idx[DC]]
        rows = _rows_vec(lo[DE], hi[DE], R, U, D, pt, H)
        cols = _rows_vec(lo[DF], hi[DF], S, U, D, pl, W)
        dram[ti, 1, 0] = box_sum(imask, lo[DN], hi[DN], lo[DG], hi[DG], lo[DC], hi[DC], rows, cols)
        for k in range(ifill.shape[0]):
            dram[ti, 1, k + 1] = box_sum(ifill[k], lo[DN], hi[DN], lo[DG], hi[DG], lo[DC], hi[DC], rows, cols)
        if have_prev and lo[0] == plo[0] and lo[1] == plo[1] and lo[3] == plo[3]:
            orows = _overlap_vec(lo[DE], hi[DE], plo[DE], phi[DE], R, U, D, pt, H)
            ocols = _overlap_vec(lo[DF], hi[DF], plo[DF], phi[DF], S, U, D, pl, W)
            if orows.any() and ocols.any():
                dram[ti, 1, 0] -= box_sum(imask, lo[DN], hi[DN], lo[DG], hi[DG], lo[DC], hi[DC], orows, ocols)
                for k in range(ifill.shape[0]):
                    dram[ti, 1, k + 1] -= box_sum(ifill[k], lo[DN], hi[DN], lo[DG], hi[DG], lo[DC], hi[DC], orows, ocols)
        same_o = (
            have_prev and lo[0] == plo[0] and lo[1] == plo[1] and lo[2] == plo[2] and lo[4] == plo[4] and lo[5] == plo[5]
        )
        if not same_o and have_prev and prev_c_last:
            dram[ti, 2, 0] = _out_block(omask, plo, phi)
            for k in range(ofill.shape[0]):
                dram[ti, 2, k + 1] = _out_block(ofill[k], plo, phi)
        if c_last:
            dram[ti, 3, 0] = _out_block(omask, lo, hi)
            for k in range(ofill.shape[0]):
                dram[ti, 3, k + 1] = _out_block(ofill[k], lo, hi)
        prev_c_last = c_last
        for d in range(6):
            plo[d] = lo[d]
            phi[d] = hi[d]
        have_prev = True
        advance_loops(digit, idx, loop_dim, loop_cnt)
    if prev_c_last:
        dram[total, 2, 0] = _out_block(omask, plo, phi)
        for k in range(ofill.shape[0]):
            dram[total, 2, k + 1] = _out_block(ofill[k], plo, phi)
    return arr, dram


@njit(cache=True)
def weight_sums(wmask, wfill, tg, tm, tc):
    """One pass over the weights: each attribute's sum per GLB tile block of (G, M, C)
    (tiles of tg × tm × tc), and the non-zeros per filter tap over M, nz[g, c, r, s]."""
    G, M, C, R, S = wmask.shape
    RS = R * S
    nG, nM, nC = (G + tg - 1) // tg, (M + tm - 1) // tm, (C + tc - 1) // tc
    blk = np.zeros((1 + wfill.shape[0], nG, nM, nC))
    nz = np.zeros((G, C * RS), np.int64)
    for g in range(G):
        for m in range(M):
            row = wmask[g, m].ravel()  # (C, R, S) of one filter, contiguous
            for cb in range(nC):
                a, b = cb * tc * RS, min(C, (cb + 1) * tc) * RS
                s_ = 0
                for x in range(a, b):
                    v = row[x]
                    s_ += v
                    nz[g, x] += v
                blk[0, g // tg, m // tm, cb] += s_
            for k in range(wfill.shape[0]):
                frow = wfill[k, g, m].ravel()
                for cb in range(nC):
                    f = 0.0
                    for x in range(cb * tc * RS, min(C, (cb + 1) * tc) * RS):
                        f += frow[x]
                    blk[k + 1, g // tg, m // tm, cb] += f
    return blk, nz.reshape(G, C, R, S)


@njit(cache=True)
def _out_block(a5, lo, hi):
    s = 0.0
    for n in range(lo[0], hi[0]):
        for g in range(lo[1], hi[1]):
            for m in range(lo[2], hi[2]):
                for e in range(lo[4], hi[4]):
                    for f in range(lo[5], hi[5]):
                        s += a5[n, g, m, e, f]
    return s


# ---------------------------------------------------------------- skipping: the busiest PE


@njit(cache=True)
def skip_compute(p, t1, loop_dim, loop_cnt, sp, t3, pass_order, pw, px, skip_num, skip_den):
    """Per GLB tile, the cycles its passes take when PEs skip MACs: a pass lasts as long as
    its busiest PE, max(1, ⌈max_q (kept_q + s·skipped_q)⌉) with s = skip_num / skip_den, where a
    PE's MACs are its block of the pass (a range per dim).

    ``pw[g, m + 1, c, r, s]``: prefix sums over m of the weights a MAC needs kept (the
    watched weight mask, or ones); ``px[g, c, r, s, n + 1, e + 1, f + 1]``: prefix sums over
    (n, e, f) of whether the MAC's input lets it proceed (1 for padding and for a non-zero,
    or everywhere when ifmaps are not watched). kept = Σ over (g, c, r, s) of the block of
    the m-range sum times the (n, e, f)-box sum."""
    bound = p[:6]
    cnt, total = tile_grid(bound, t1)
    comp = np.zeros(total, np.int64)
    idx = np.zeros(6, np.int64)
    digit = np.zeros(loop_dim.shape[0], np.int64)
    lo = np.zeros(8, np.int64)
    hi = np.zeros(8, np.int64)
    hi[DR] = p[DR]
    hi[DS] = p[DS]
    npass = np.zeros(8, np.int64)
    pidx = np.zeros(8, np.int64)
    qidx = np.zeros(8, np.int64)
    blo = np.zeros(8, np.int64)
    bhi = np.zeros(8, np.int64)
    for ti in range(total):
        tile_range(idx, t1, bound, lo, hi)
        tot_pass = 1
        for d in range(8):
            npass[d] = _npass(lo, hi, sp, t3, d)
            tot_pass *= npass[d]
        pes = 1
        for d in range(8):
            pes *= sp[d]
        c_tile = 0
        for pp in range(tot_pass):
            r_ = pp
            for d in range(7, -1, -1):
                pidx[d] = r_ % npass[d]
                r_ //= npass[d]
            worst = 0
            for qq in range(pes):
                r_ = qq
                empty = False
                for d in range(7, -1, -1):
                    qidx[d] = r_ % sp[d]
                    r_ //= sp[d]
                    a, b = _pe_range(lo, hi, sp, t3, d, pidx[d], qidx[d])
                    blo[d] = a
                    bhi[d] = b
                    if b <= a:
                        empty = True
                if empty:
                    continue
                n_macs = 1
                for d in range(8):
                    n_macs *= bhi[d] - blo[d]
                kept = 0
                for g in range(blo[DG], bhi[DG]):
                    for c in range(blo[DC], bhi[DC]):
                        for r in range(blo[DR], bhi[DR]):
                            for s in range(blo[DS], bhi[DS]):
                                wk = pw[g, bhi[DM], c, r, s] - pw[g, blo[DM], c, r, s]
                                if wk == 0:
                                    continue
                                x = px[g, c, r, s]
                                n0, n1, e0, e1, f0, f1 = blo[DN], bhi[DN], blo[DE], bhi[DE], blo[DF], bhi[DF]
                                xk = (x[n1, e1, f1] - x[n0, e1, f1] - x[n1, e0, f1] - x[n1, e1, f0]
                                      + x[n0, e0, f1] + x[n0, e1, f0] + x[n1, e0, f0] - x[n0, e0, f0])
                                kept += wk * xk
                # time in units of 1/skip_den cycles
                t = kept * skip_den + (n_macs - kept) * skip_num
                if t > worst:
                    worst = t
            c_tile += max(1, (worst + skip_den - 1) // skip_den)  # a pass with MACs takes a cycle at least
        comp[ti] = c_tile
        advance_loops(digit, idx, loop_dim, loop_cnt)
    return comp
