"""The GLB level: what one GLB tile costs in array passes, by closed-form sums.

Inside a GLB tile the array runs *passes*; inside a pass each PE runs its RF loops. For
one data type kept at level K of the combined nest (pass loops, then RF loops), the RF
contents change at *events*: the loop at index j < K advances and the loops between j
and K restart. docs/engine.md §4 says what each event moves. Summing an event's cost
over all positions of the loops factorizes over the data type's *groups* of dims (a
dim, or the (E, R) / (F, S) pairs an ifmap row / column depends on), so each sum is a
product of small per-group sums — no walk over MACs.

Rules that keep the sums closed (docs/engine.md §4): a spatial dim never ticks in the RF
loops above a keep level; an operand kept at "mac" is fetched for every MAC (no reuse);
when a group holding a spatial dim changes at an event, every PE refetches its whole new
block, so the multicast reads are the union of the new blocks.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .footprint import rows_count, rows_overlap
from .problem import DIMS, Problem

GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "weight": (("G",), ("M",), ("C",), ("R",), ("S",)),
    "ifmap": (("N",), ("G",), ("C",), ("E", "R"), ("F", "S")),
    "psum": (("N",), ("G",), ("M",), ("E",), ("F",)),
}
REDUCTION = ("C", "R", "S")


class UnsupportedMapping(ValueError):
    """The mapping breaks a precondition of the closed-form counts."""


@dataclass(frozen=True)
class Nest:
    """A GLB tile's loop nest: dim ranges, pass/RF structure and per-PE extents."""

    lo: dict[str, int]
    hi: dict[str, int]
    sp: dict[str, int]
    t3: dict[str, int]
    pass_order: tuple[str, ...]
    rf_order: tuple[str, ...]

    def b2(self, d: str) -> int:
        return self.sp[d] * self.t3[d]

    def npass(self, d: str) -> int:
        return -(-(self.hi[d] - self.lo[d]) // self.b2(d))

    def pass_range(self, d: str, pi: int) -> tuple[int, int]:
        a = self.lo[d] + pi * self.b2(d)
        return a, min(a + self.b2(d), self.hi[d])

    def rf_bound(self, d: str, pi: int) -> int:
        if self.sp[d] > 1:
            return self.t3[d]
        a, b = self.pass_range(d, pi)
        return min(self.t3[d], b - a)

    def pe_range(self, d: str, pi: int, q: int) -> tuple[int, int]:
        a, b = self.pass_range(d, pi)
        lo = a + q * self.t3[d]
        return lo, max(lo, min(lo + self.t3[d], b))

    def loops(self) -> list[tuple[str, str]]:
        return [(d, "P") for d in self.pass_order] + [(d, "Q") for d in self.rf_order]


# An entry: one combination of a dim's loop positions at an event, for one spatial index.
#   (pos_key, q, new_lo, new_hi, old_lo, old_hi, old_last_red, new_zero_red)
# pos_key identifies the positions (so entries of different q can be unioned);
# old_last_red: every loop of this dim is at its last index in the old position;
# new_zero_red: every loop of this dim is at index 0 in the new position.


def _role(idx: int, j: int, K: int) -> str:
    if idx < j:
        return "free"
    if idx == j:
        return "tick"
    if idx < K:
        return "reset"
    return "kept"


def dim_entries(nest: Nest, d: str, j: int, K: int, mode: str) -> list[tuple]:
    """Entries of dim d at events of level j (mode 'event'), or at the first/last
    position of everything (mode 'first'/'last')."""
    loops = nest.loops()
    a = next(i for i, (dd, kind) in enumerate(loops) if dd == d and kind == "P")
    b = next((i for i, (dd, kind) in enumerate(loops) if dd == d and kind == "Q"), None)
    npass = nest.npass(d)
    out = []

    def pass_pairs():
        if mode == "first":
            return [(0, 0)]
        if mode == "last":
            return [(npass - 1, npass - 1)]
        role = _role(a, j, K)
        if role == "free":
            return [(pi, pi) for pi in range(npass)]
        if role == "tick":
            return [(x + 1, x) for x in range(npass - 1)]
        return [(0, npass - 1)]  # reset

    for pn, po in pass_pairs():
        if b is None or b >= K:
            rf_pairs = [(None, None)]
        else:
            bn, bo = nest.rf_bound(d, pn), nest.rf_bound(d, po)
            if mode == "first":
                rf_pairs = [(0, 0)]
            elif mode == "last":
                rf_pairs = [(bo - 1, bo - 1)]
            else:
                role = _role(b, j, K)
                if role == "free":
                    rf_pairs = [(ri, ri) for ri in range(bn)]
                elif role == "tick":
                    rf_pairs = [(x + 1, x) for x in range(bn - 1)]
                else:
                    rf_pairs = [(0, bo - 1)]
        for rn, ro in rf_pairs:
            old_last = po == npass - 1 and (ro is None or ro == nest.rf_bound(d, po) - 1)
            new_zero = pn == 0 and (rn is None or rn == 0)
            for q in range(nest.sp[d]):
                nl, nh = nest.pe_range(d, pn, q)
                ol, oh = nest.pe_range(d, po, q)
                if rn is not None:
                    nl, nh = (nl + rn, nl + rn + 1) if nl + rn < nh else (nl, nl)
                    ol, oh = (ol + ro, ol + ro + 1) if ol + ro < oh else (ol, ol)
                out.append(((pn, rn), q, nl, nh, ol, oh, old_last, new_zero))
    return out


def _single_sums(entries):
    """a, ov, union-of-new per entry list of a single dim (sums over positions)."""
    sa = sov = 0
    su_by_pos: dict = {}
    for key, q, nl, nh, ol, oh, *_ in entries:
        sa += nh - nl
        sov += max(0, min(nh, oh) - max(nl, ol))
        if nh > nl:
            lo, hi = su_by_pos.get(key, (nl, nh))
            su_by_pos[key] = (min(lo, nl), max(hi, nh))
    su = sum(h - l for l, h in su_by_pos.values())
    return sa, sov, su


def _pair_sums(e_entries, r_entries, U, D, pad, H):
    """The same for an ifmap (E, R) or (F, S) pair: rows are counted exactly."""
    sa = sov = 0
    union: dict = {}
    for ke, qe, enl, enh, eol, eoh, *_ in e_entries:
        for kr, qr, rnl, rnh, rol, roh, *_ in r_entries:
            sa += rows_count(enl, enh, rnl, rnh, U, D, pad, H)
            sov += rows_overlap(enl, enh, rnl, rnh, eol, eoh, rol, roh, U, D, pad, H)
            if enh > enl and rnh > rnl:
                key = (ke, kr)
                el, eh, rl, rh = union.get(key, (enl, enh, rnl, rnh))
                union[key] = (min(el, enl), max(eh, enh), min(rl, rnl), max(rh, rnh))
    su = sum(rows_count(el, eh, rl, rh, U, D, pad, H) for el, eh, rl, rh in union.values())
    return sa, sov, su


def _unchanged(entries):
    return [e for e in entries if (e[2], e[3]) == (e[4], e[5])]


def _group_sums(p: Problem, g: tuple[str, ...], ent: dict, only_unchanged: bool) -> tuple[int, int, int]:
    es = {d: (_unchanged(ent[d]) if only_unchanged else ent[d]) for d in g}
    if len(g) == 1:
        return _single_sums(es[g[0]])
    e_d, r_d = g
    pad, H = (p.pt, p.H) if e_d == "E" else (p.pl, p.W)
    return _pair_sums(es[e_d], es[r_d], p.U, p.D, pad, H)


def input_counts(p: Problem, nest: Nest, dtype: str, K: int) -> tuple[int, int]:
    """(NoC transfers, GLB reads) of an input data type kept at level K in one GLB tile.

    At each event, positions split in two: where a group holding a spatial dim changes
    (every PE refetches its whole block; multicast reads = the union of the blocks) and
    where none does (each PE fetches what it lacks; the spatial groups are unchanged, so
    the union factors into their union times the change of the other groups).
    """
    groups = GROUPS[dtype]
    in_group = {d for g in groups for d in g}
    n_loops = len(nest.loops())
    streamed = K >= n_loops  # kept at "mac": fetched for every MAC, never reused
    noc = glb = 0
    events = [("first", -1)] + [("event", j) for j in range(min(K, n_loops))]
    for mode, j in events:
        ent = {d: dim_entries(nest, d, j, K, mode) for d in DIMS}
        if mode == "first":
            ent = {d: [(k, q, nl, nh, 0, 0, ol_, nz) for k, q, nl, nh, _, _, ol_, nz in e] for d, e in ent.items()}
        # dims the type does not depend on: PEs along them share its blocks; a PE that
        # was idle at the old position holds nothing (it gave everything back)
        I = {"n_new": 1, "n_both": 1, "new_any": 1, "new_sub": 1}
        for d in DIMS:
            if d not in in_group:
                r = _activity(ent[d])
                for k in I:
                    I[k] *= r[k]
        sp_all_a = sp_all_u = sp_un_a = sp_un_u = 1  # spatial groups: all / unchanged entries
        ns_a = ns_ov = ns_u = 1  # the other groups
        for g in groups:
            sa, sov, su = _group_sums(p, g, ent, False)
            if any(nest.sp[d] > 1 for d in g):
                ua, _, uu = _group_sums(p, g, ent, True)
                sp_all_a, sp_all_u, sp_un_a, sp_un_u = sp_all_a * sa, sp_all_u * su, sp_un_a * ua, sp_un_u * uu
            else:
                ns_a, ns_ov, ns_u = ns_a * sa, ns_ov * (0 if streamed else sov), ns_u * su
        if streamed or mode == "first":
            noc += sp_all_a * ns_a * I["n_new"]
            glb += sp_all_u * ns_u * I["new_any"]
            continue
        # positions where a spatial group changes: full refetch
        noc += (sp_all_a - sp_un_a) * ns_a * I["n_new"]
        glb += (sp_all_u - sp_un_u) * ns_u * I["new_any"]
        # positions where none does
        noc += sp_un_a * (ns_a * I["n_new"] - ns_ov * I["n_both"])
        glb += sp_un_u * ((ns_a - ns_ov) * I["new_any"] + ns_ov * (I["new_any"] - I["new_sub"]))
    return noc, glb


def _activity(entries) -> dict[str, int]:
    """Per position, the spatial indices active at the new (Q_new) and old (Q_old)
    position, summed over positions: Σ|Q_new|, Σ|Q_new ∩ Q_old|, Σ[Q_new ≠ ∅],
    Σ[Q_new ≠ ∅ and Q_new ⊆ Q_old]."""
    by_pos: dict = {}
    for key, q, nl, nh, ol, oh, *_ in entries:
        qn, qo = by_pos.setdefault(key, (set(), set()))
        if nh > nl:
            qn.add(q)
        if oh > ol:
            qo.add(q)
    r = {"n_new": 0, "n_both": 0, "new_any": 0, "new_sub": 0}
    for qn, qo in by_pos.values():
        r["n_new"] += len(qn)
        r["n_both"] += len(qn & qo)
        r["new_any"] += bool(qn)
        r["new_sub"] += bool(qn) and qn <= qo
    return r


def _red_sums(entries) -> dict[str, int]:
    """Per-position activity of the PEs along one reduction dim, summed over positions.

    Q_old / Q_new: the spatial indices active at the old / new position."""
    by_pos: dict = {}
    for key, q, nl, nh, ol, oh, old_last, new_zero in entries:
        qo, qn, _, _ = by_pos.get(key, (set(), set(), old_last, new_zero))
        if oh > ol:
            qo.add(q)
        if nh > nl:
            qn.add(q)
        by_pos[key] = (qo, qn, old_last, new_zero)
    s = dict.fromkeys(
        ("n_old", "n_both", "old_any", "old_sub", "old_any_done", "old_sub_done",
         "new_any", "new_sub", "new_any_zero", "new_sub_zero"), 0)
    for qo, qn, last, zero in by_pos.values():
        s["n_old"] += len(qo)
        s["n_both"] += len(qo & qn)
        o_any, o_sub = bool(qo), bool(qo) and qo <= qn
        n_any, n_sub = bool(qn), bool(qn) and qn <= qo
        s["old_any"] += o_any
        s["old_sub"] += o_sub
        s["old_any_done"] += o_any and last
        s["old_sub_done"] += o_sub and last
        s["new_any"] += n_any
        s["new_sub"] += n_sub
        s["new_any_zero"] += n_any and zero
        s["new_sub_zero"] += n_sub and zero
    return s


def output_counts(p: Problem, nest: Nest, K: int, c_first: bool, c_last: bool) -> Counter:
    """Psum/ofmap traffic between the PEs and the GLB for outputs kept at level K.

    A PE writes its block back when it was active and its block changes or it goes
    idle; it reads the new block (if some of its products were added before) when it is
    active and its block changed or it was idle. PEs along a spatial reduction dim
    (C, R, S) add their psums on the way: one GLB access per element per event.
    """
    out_dims = ("N", "G", "M", "E", "F")
    cnt: Counter = Counter()
    n_loops = len(nest.loops())
    events = [("first", -1)] + [("event", j) for j in range(min(K, n_loops))] + [("last", -1)]
    for mode, j in events:
        ent = {d: dim_entries(nest, d, j, K, mode) for d in DIMS}
        if mode == "first":
            ent = {d: [(k, q, nl, nh, 0, 0, ol_, nz) for k, q, nl, nh, _, _, ol_, nz in e] for d, e in ent.items()}
        if mode == "last":
            ent = {d: [(k, q, 0, 0, ol, oh, ol_, nz) for k, q, _, _, ol, oh, ol_, nz in e] for d, e in ent.items()}
        OA = OU = NA = NU = 1  # Σ old / new block sizes over all entries, over unchanged ones
        for d in out_dims:
            sa_all = sa_unch = sb_all = sb_unch = 0
            for _, _, nl, nh, ol, oh, *_ in ent[d]:
                sa_all += nh - nl
                sb_all += oh - ol
                if (nl, nh) == (ol, oh):
                    sa_unch += nh - nl
                    sb_unch += oh - ol
            OA, OU, NA, NU = OA * sb_all, OU * sb_unch, NA * sa_all, NU * sa_unch
        P: dict[str, int] = {}
        for d in REDUCTION:
            for k, v in _red_sums(ent[d]).items():
                P[k] = P.get(k, 1) * v
        if mode != "first":
            cnt["noc_psum_out"] += (OA - OU) * P["n_old"] + OU * (P["n_old"] - P["n_both"])
            writes = (OA - OU) * P["old_any"] + OU * (P["old_any"] - P["old_sub"])
            done = (OA - OU) * P["old_any_done"] + OU * (P["old_any_done"] - P["old_sub_done"]) if c_last else 0
            cnt["glb_write_ofmap"] += done
            cnt["glb_write_psum"] += writes - done
        if mode != "last":
            cf = 1 if c_first else 0
            reads = (NA - NU) * (P["new_any"] - cf * P["new_any_zero"]) + NU * (
                (P["new_any"] - P["new_sub"]) - cf * (P["new_any_zero"] - P["new_sub_zero"])
            )
            cnt["glb_read_psum"] += reads
            cnt["noc_psum_in"] += reads
    return cnt
