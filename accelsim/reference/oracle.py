"""A literal re-enactment of docs/engine.md §4 for small layers (the reference model).

It walks every GLB tile, every array pass, every PE and every MAC, keeps the real sets
of elements each buffer holds, and counts what moves. It shares no code with the engine.
Spatial (multicast) and systolic (forwarding) arrays. With a :class:`Trace` it also
records, per GLB tile, its counts and every PE's MACs, which the cycle-by-cycle model
(:mod:`accelsim.reference.cycles`) replays on a clock.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

DIMS = "NGMCEFRS"


def ifmap_elem(p, n, g, c, e, f, r, s):
    y = e * p.U - p.pt + r * p.D
    x = f * p.U - p.pl + s * p.D
    if 0 <= y < p.H and 0 <= x < p.W:
        return (n, g, c, y, x)
    return None


RELEVANT = {"weight": "GMCRS", "ifmap": "NGCEFRS"}

# One MAC of a trace: (weight element, ifmap element or None for padding, output element).
Mac = tuple


@dataclass(frozen=True)
class TileRecord:
    """What one GLB tile did, for the cycle reference model (:mod:`.cycles`).

    ``dram``: the DRAM counts at its start (the fills it needs, the write-back of the
    previous tile's outputs it causes); ``array``: its GLB <-> array counts (``glb_*``,
    ``noc_*``, ...); ``passes``: per array pass, each active PE's MACs in the order it
    performs them, keyed by its spatial index (one per dim of DIMS)."""

    dram: Counter
    array: Counter
    passes: tuple[dict[tuple[int, ...], list[Mac]], ...]


@dataclass
class Trace:
    """Filled by :func:`simulate`: one record per GLB tile in visiting order, and the
    DRAM counts of the last write-back after the last tile."""

    tiles: list[TileRecord] = field(default_factory=list)
    final: Counter = field(default_factory=Counter)


def simulate(p, t1, dram_order, sp, t3, pass_order, rf_order, keep, uses_rf=True, values=None, systolic=False, trace=None, order=None,
             density=None, zeros=None, bypass=(), dram_loops=None, rf_loops=None):
    """Counts for problem ``p`` under one mapping. ``t1``: GLB tile sizes of N G M C E F;
    ``dram_order``: dim letters outermost first; ``sp``, ``t3``: dict dim -> spatial
    factor, per-PE RF extent; ``keep``: dict type -> level index into rf_order.

    With ``values = (w, x, out)`` — weights w[g][m][c][r][s], ifmaps x[n][g][c][y][x] and a
    zeroed output out[n][g][m][e][f] — every MAC the schedule performs also multiplies
    the real numbers into ``out``, so the schedule can be checked against a convolution.

    ``systolic``: operands are forwarded between neighbours, not multicast — PEs share an
    element's GLB read only along dims the data type does not depend on.

    ``trace``: a :class:`Trace` to fill with what each GLB tile did (its DRAM and array-side
    counts, and every PE's MACs per pass).

    ``order``: a function of {loop: extent} giving one PE's RF iterations for a pass (index
    tuples in ``rf_order``'s order); by default the loops nest as ``rf_order`` says. It is
    run literally: an iteration it skips or repeats is a MAC missing or done twice.

    ``density = (wd, xd)``, indexed as ``values``: each weight's and ifmap's chance of being
    non-zero (0 or 1 for a real mask). Every weight/ifmap transfer then also adds the
    non-zeros it moves under ``<counter>_nz``, and with ``zeros = (handling, operands)``
    (``gating`` or ``skipping`` on ``weight``/``ifmap``, hardware/sparse.py) every MAC is
    done only when none of the watched operands is a zero of its tensor (padding is not):
    ``macs_done``, ``macs_effectual`` and the RF reads and psum updates it makes,
    ``rf_read_<t>_done``, ``rf_write_psum_done`` — all literally, MAC by MAC.

    ``dram_loops``: the DRAM-level loops as (dim letter, count), outermost first, where a
    dim may have several loops (their counts multiply to its tiles; a tile's index along
    the dim reads its loops' indices outermost first); by default one loop per dim of
    ``dram_order``.

    ``rf_loops``: the RF loops as (dim letter, count), outermost first, where a dim may have
    several loops (a dim split across loops inside the PE; their counts multiply to its
    t3, and every pass must cover sp·t3 of it whole); ``rf_order`` then lists their dims
    (a dim as often as it has loops), ``keep`` indexes these loops, and a PE's index along
    a dim reads its loops' indices outermost first. A type kept inside loop k holds, along
    a dim, the block its loops from k inward span.

    ``bypass``: the data types (weight, ifmap, psum, ofmap) no GLB holds. Such a type has
    no GLB copy: it is never filled into the GLB at a tile's start nor written back at its
    end; every element the array takes of it comes from DRAM (``dram_read_<t>``, where a
    held type counts ``glb_read_<t>``) and every element the array gives back goes to DRAM
    (``dram_write_psum`` / ``dram_write_ofmap``, where a held type counts ``glb_write_*``)."""
    bounds = dict(zip(DIMS, p.bounds))
    cnt = Counter()
    red = p.C * p.R * p.S
    acc = Counter()  # products accumulated per output element
    t1 = dict(zip("NGMCEF", t1), R=p.R, S=p.S)
    glb_w, glb_i, glb_o = set(), set(), None
    if dram_loops is None:
        dram_loops = [(d, -(-bounds[d] // t1[d])) for d in dram_order]
    positions = []  # the GLB tiles' first indices, in visiting order
    for digits in itertools.product(*(range(c) for _, c in dram_loops)):
        tile_idx = dict.fromkeys("NGMCEF", 0)
        for (d, c), k in zip(dram_loops, digits):
            tile_idx[d] = tile_idx[d] * c + k
        positions.append(tuple(tile_idx[d] * t1[d] for d in "NGMCEF"))

    def nz(counter, t, elems, tagged=False):
        if density is not None and t in ("weight", "ifmap"):
            arr = density[0] if t == "weight" else density[1]
            cnt[counter + "_nz"] += sum(arr[e[-1] if tagged else e] for e in elems)

    def above(kind, t):
        """The counter of what the array reads (kind 'read') or writes of type t at the
        level above the NoC: the GLB, or DRAM when t bypasses it."""
        return f"{'dram' if t in bypass else 'glb'}_{kind}_{t}"

    for pos in positions:
        lo1 = dict(zip("NGMCEF", pos), R=0, S=0)
        at_start = Counter(cnt)
        passes = []
        rng1 = {d: range(lo1[d], min(lo1[d] + t1[d], bounds[d])) for d in DIMS}
        # ---- DRAM <-> GLB (same rules as accelsim.engine.tiles)
        need_w = {(g, m, c, r, s) for g in rng1["G"] for m in rng1["M"] for c in rng1["C"] for r in range(p.R) for s in range(p.S)}
        need_i = set()
        for n, g, c, e, f, r, s in itertools.product(*(rng1[d] for d in "NGCEFRS")):
            el = ifmap_elem(p, n, g, c, e, f, r, s)
            if el is not None:
                need_i.add(el)
        # a bypassed operand has no GLB copy to fill
        need_w = set() if "weight" in bypass else need_w
        need_i = set() if "ifmap" in bypass else need_i
        cnt["dram_read_weight"] += len(need_w - glb_w)
        cnt["dram_read_ifmap"] += len(need_i - glb_i)
        nz("dram_read_weight", "weight", need_w - glb_w)
        nz("dram_read_ifmap", "ifmap", need_i - glb_i)
        glb_w, glb_i = need_w, need_i
        out = frozenset(itertools.product(*(rng1[d] for d in "NGMEF")))
        if out != glb_o:
            if glb_o is not None:
                done = all(acc[o] == red for o in glb_o)
                if ("ofmap" if done else "psum") not in bypass:  # else it went to DRAM from the array
                    cnt["dram_write_ofmap" if done else "dram_write_psum"] += len(glb_o)
            if any(acc[o] > 0 for o in out) and "psum" not in bypass:
                cnt["dram_read_psum"] += len(out)
            glb_o = out
        after_dram = Counter(cnt)
        # ---- GLB tile: passes; RFs start empty
        held = {}  # (pe, type) -> set
        prev_pos = {}
        b2 = {d: sp[d] * t3[d] for d in DIMS}
        npass = {d: math.ceil(len(rng1[d]) / b2[d]) for d in DIMS}
        for ppos in itertools.product(*(range(npass[d]) for d in pass_order)):
            pidx = dict(zip(pass_order, ppos))
            prng = {d: range(rng1[d].start + pidx[d] * b2[d], min(rng1[d].start + (pidx[d] + 1) * b2[d], rng1[d].stop)) for d in DIMS}
            pes = []
            for q in itertools.product(*(range(sp[d]) for d in DIMS)):
                r_ = {d: range(prng[d].start + q[i] * t3[d], min(prng[d].start + (q[i] + 1) * t3[d], prng[d].stop)) for i, d in enumerate(DIMS)}
                if all(len(r_[d]) for d in DIMS):
                    pes.append((q, r_))
            queues = {q: [] for q, _ in pes}
            passes.append(queues)
            spatial = {d for d in DIMS if sp[d] > 1}
            if rf_loops is None:
                bnd = {d: (t3[d] if d in spatial else min(t3[d], len(prng[d]))) for d in rf_order}
                ext = [bnd[d] for d in rf_order]
            else:
                assert order is None and [d for d, _ in rf_loops] == list(rf_order)
                split = {d for d in rf_order if rf_order.count(d) > 1}
                for d in set(rf_order):
                    assert math.prod(c for e, c in rf_loops if e == d) == t3[d], d
                    assert not (d in split or (d in spatial and t3[d] > 1)) or len(prng[d]) == sp[d] * t3[d], d  # whole passes
                ext = [c if d in split else t3[d] if d in spatial else min(t3[d], len(prng[d])) for d, c in rf_loops]
            last_key = {}
            # a PE idle in this pass gives back its psums and drops its inputs
            active = {q for q, _ in pes}
            idle_out = set()
            for (q, t), blk in list(held.items()):
                if q not in active and blk:
                    if t == "psum":
                        cnt["noc_psum_out"] += len(blk)
                        idle_out |= blk
                    held[(q, t)] = set()
            steps = order(bnd) if order is not None else itertools.product(*(range(e) for e in ext))
            for it in steps:
                idx = _rf_index(rf_order, ext, it)
                for t in ("weight", "ifmap", "psum"):
                    k = keep[t]
                    key = it[:k]
                    if last_key.get(t) == key:
                        continue
                    # which dims' loop indices moved since this type's last event
                    span = {d: _span(rf_order, ext, d, k) for d in rf_order}
                    now = {**{d: ("P", pidx[d]) for d in DIMS}, **{d: ("P", pidx[d], "Q", idx[d] // span[d]) for d in rf_order[:k]}}
                    before = prev_pos.get(t)
                    moved = {d for d in DIMS if before is None or before[d] != now[d]}
                    prev_pos[t] = now
                    last_key[t] = key
                    groups = {"weight": ["G", "M", "C", "R", "S"], "ifmap": ["N", "G", "C", "ER", "FS"]}.get(t, [])
                    refetch_all = k == len(rf_order) or any(
                        any(sp[d] > 1 for d in grp) and any(d in moved for d in grp) for grp in groups
                    )
                    union_new, union_old = set(), set()
                    if t == "psum" and idle_out:
                        union_old |= idle_out
                        idle_out = set()
                    for q, r_ in pes:
                        blk = {}
                        for d in DIMS:
                            if d in rf_order and rf_order.index(d) < k:
                                i = r_[d].start + idx[d] // span[d] * span[d]  # the block its loops from k inward span
                                blk[d] = range(i, min(i + span[d], r_[d].stop)) if i < r_[d].stop else range(0)
                            else:
                                blk[d] = r_[d]
                        if t != "psum" and any(len(b) == 0 for b in blk.values()):
                            continue  # idle at this RF step (past its last index of a loop): no MAC, no fetch
                        if t == "weight":
                            A = set(itertools.product(*(blk[d] for d in "GMCRS")))
                        elif t == "ifmap":
                            A = set()
                            for n, g, c, e, f, r, s in itertools.product(*(blk[d] for d in "NGCEFRS")):
                                el = ifmap_elem(p, n, g, c, e, f, r, s)
                                if el is not None:
                                    A.add(el)
                        else:
                            A = set(itertools.product(*(blk[d] for d in "NGMEF")))
                        old = held.get((q, t), set())
                        if t == "psum":
                            if A == old:
                                continue
                            if old:
                                cnt["noc_psum_out"] += len(old)
                                union_old |= old
                            union_new |= A
                        else:
                            new = A if refetch_all else A - old
                            cnt[f"noc_{t}"] += len(new)
                            nz(f"noc_{t}", t, new)
                            if systolic:
                                own = tuple(q[i] for i, d in enumerate(DIMS) if d in RELEVANT[t])
                                union_new |= {(own, e) for e in new}
                            else:
                                union_new |= new
                            if uses_rf and k < len(rf_order):
                                cnt[f"rf_write_{t}"] += len(new)
                        held[(q, t)] = A
                    if t == "psum":
                        if union_old:
                            done = all(acc[o] == red for o in union_old)
                            cnt[above("write", "ofmap" if done else "psum")] += len(union_old)
                        visited = [o for o in union_new if acc[o] > 0]
                        assert len(visited) in (0, len(union_new))
                        if visited:
                            cnt[above("read", "psum")] += len(union_new)
                            cnt["noc_psum_in"] += len(union_new)
                    else:
                        cnt[above("read", t)] += len(union_new)
                        nz(above("read", t), t, union_new, tagged=systolic)
                # the MACs of this iteration
                for q, r_ in pes:
                    pt = {}
                    ok = True
                    for d in DIMS:
                        if d in rf_order:
                            i = r_[d].start + idx[d]
                            if i >= r_[d].stop:
                                ok = False
                                break
                            pt[d] = i
                    if not ok:
                        continue
                    free = [d for d in DIMS if d not in rf_order]
                    for vals in itertools.product(*(r_[d] for d in free)):
                        pt.update(zip(free, vals))
                        cnt["macs"] += 1
                        acc[(pt["N"], pt["G"], pt["M"], pt["E"], pt["F"])] += 1
                        el = ifmap_elem(p, *(pt[d] for d in "NGCEFRS"))
                        padding = el is None
                        if trace is not None:
                            queues[q].append((
                                (pt["G"], pt["M"], pt["C"], pt["R"], pt["S"]), el, (pt["N"], pt["G"], pt["M"], pt["E"], pt["F"])
                            ))
                        if values is not None and not padding:
                            w, x, o = values
                            o[pt["N"], pt["G"], pt["M"], pt["E"], pt["F"]] += (
                                w[pt["G"], pt["M"], pt["C"], pt["R"], pt["S"]] * x[el]
                            )
                        if zeros is not None:
                            _sparse_mac(cnt, zeros, density, (pt["G"], pt["M"], pt["C"], pt["R"], pt["S"]), el,
                                        uses_rf and keep["weight"] < len(rf_order), uses_rf and keep["ifmap"] < len(rf_order),
                                        uses_rf and keep["psum"] < len(rf_order))
                        if uses_rf:
                            if keep["weight"] < len(rf_order):
                                cnt["rf_read_weight"] += 1
                            if keep["ifmap"] < len(rf_order) and not padding:
                                cnt["rf_read_ifmap"] += 1
                            if keep["psum"] < len(rf_order):
                                cnt["rf_read_psum"] += 1
                                cnt["rf_write_psum"] += 1
            # end of pass: nothing is flushed; the RFs keep their blocks
        # end of GLB tile: psums in the PEs go back to the GLB; RFs are emptied
        union_old = set()
        for (q, t), blk in held.items():
            if t == "psum" and blk:
                cnt["noc_psum_out"] += len(blk)
                union_old |= blk
        if union_old:
            done = all(acc[o] == red for o in union_old)
            cnt[above("write", "ofmap" if done else "psum")] += len(union_old)
        if trace is not None:
            trace.tiles.append(TileRecord(after_dram - at_start, cnt - after_dram, tuple(passes)))
    at_end = Counter(cnt)
    done = all(acc[o] == red for o in glb_o)
    if ("ofmap" if done else "psum") not in bypass:
        cnt["dram_write_ofmap" if done else "dram_write_psum"] += len(glb_o)
    if trace is not None:
        trace.final = cnt - at_end
    return cnt


def _rf_index(rf_order, ext, it) -> dict:
    """Each dim's index in the PE's block at RF step ``it``: its loops' indices read
    outermost first (one loop per dim: that loop's index)."""
    idx = {}
    for d, e, i in zip(rf_order, ext, it):
        idx[d] = idx.get(d, 0) * e + i
    return idx


def _span(rf_order, ext, d, k) -> int:
    """How many of dim d's indices the loops from position k inward sweep."""
    return math.prod(e for i, (x, e) in enumerate(zip(rf_order, ext)) if x == d and i >= k)


def _sparse_mac(cnt, zeros, density, w_el, x_el, rf_w, rf_i, rf_p):
    """One MAC under zero handling: done only when no watched operand is zero."""
    handling, watched = zeros
    dw = density[0][w_el]
    dx = 0.0 if x_el is None else density[1][x_el]
    # padding is outside the tensor: zero handling acts on the tensor's own zeros (a MAC on
    # padding proceeds unless its weight is a watched zero), and such a MAC is never effectual
    kept = (dw if "weight" in watched else 1.0) * (dx if "ifmap" in watched and x_el is not None else 1.0)
    cnt["macs_done"] += kept
    cnt["macs_effectual"] += dw * dx
    gating = handling == "gating"
    if rf_w:
        cnt["rf_read_weight_done"] += 1.0 if gating and "weight" in watched else kept
    if rf_i and x_el is not None:
        cnt["rf_read_ifmap_done"] += 1.0 if gating and "ifmap" in watched else kept
    if rf_p:
        cnt["rf_read_psum_done"] += kept
        cnt["rf_write_psum_done"] += kept
