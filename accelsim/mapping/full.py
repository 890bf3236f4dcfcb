"""The search of the whole mapping space (accelsim/mapping/space.py; docs/engine.md §6):
:func:`full_search_mapping`, which ``--search full`` runs — small layers walked whole by
branch and bound, larger ones by descents over neighbourhoods of the space from the fixed
enumeration's pick (mapping/search.py) and from seeded random draws, every step pruned by
the exact lower bounds of engine/bound.py."""
from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np

from ..dataflow import Dataflow
from ..engine.bound import cycles_bound_bw, energy_bound, lower_bound_walked
from ..engine.evaluate import score as fast_score
from ..engine.tiles import walk_tiles_loops
from ..engine.problem import DIMS, Problem
from ..hardware import HardwareSpec
from . import space
from .mapping import TILE_DIMS, Mapping
from .pinned import rf_need
from .search import SLACK, _Bound, _no_fit, _Scorer, glb_fits, search_mapping


EXACT_TILINGS = 512  # a layer with at most this many GLB tile-size combinations ...
EXACT_MAPPINGS = 500_000  # ... and at most this many mappings (space.size_bound) is walked whole
MAX_TILES = 4096  # refinement never proposes a tiling with more GLB tiles than this (or than the seed's)
MAX_ROUNDS = 8  # refinement rounds (each: every neighbourhood once) at most
RANDOM_STARTS = 64  # random mappings of the space drawn (seeded by the layer) as further starts
DESCENTS = 6  # descents: from the seed and from the best random draws
KICK = 3.0  # the best descent's end is descended again from keep-level moves scoring at most this × its score ...
KICKS = 3  # ... the lowest-scoring this many of them
TIE_STARTS = 2  # latency: further descents from the seed's RF variants that tie with it, of distinct energies


def full_search_mapping(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "") -> Mapping:
    """The best mapping of the whole space (accelsim/mapping/space.py) for the objective.

    - A layer whose space has at most :data:`EXACT_TILINGS` GLB tile-size combinations and
      at most :data:`EXACT_MAPPINGS` mappings (``space.size_bound``) is walked whole, branch
      and bound: every tiling, DRAM nest and choice of the types the RF keeps at all whose
      lower bound (engine/bound.py, energy and cycles) exceeds the best score so far is skipped, every
      other mapping is scored. The result is the exact optimum; among equal scores, the
      first in :func:`space.enumerate_space`'s order.
    - A larger layer starts from :func:`search_mapping` (the fixed enumeration of
      docs/engine.md §6, bound-pruned) and from the best :data:`DESCENTS` − 1 of
      :data:`RANDOM_STARTS` mappings drawn from the space (``space.random_mappings``, seeded
      by the layer's shape and the array, so the same on every run; at most 256 GLB tiles
      each, 16× more until some fit) and, for latency, from up to :data:`TIE_STARTS` of
      the pick's RF variants that tie with it (every RF loop order and keep level at its
      tiles, one RF loop per dim, ``space.rf_variants``, whose cycles equal the pick's: one per distinct energy
      other than the pick's own, the lowest first, each the first of its score in
      ``rf_variants``' order; :func:`_tied_variants`), and refines each by descent over neighbourhoods of
      the space, in a fixed order: each GLB tile dim to every size ⌈B/k⌉ (the spatial
      factor and RF extent of that dim clipped to it, or the RF extent the whole share;
      the spatial factor also refilled to what its axis leaves, :func:`_refills`; where
      the tiling no longer fits a GLB, each other dim shrunk until it does,
      :func:`_repairs`), in every layout of ``space.layouts_of`` and the incumbent's
      each axis' spatial factors to every combination that fits
      (RF extents kept or grown to the whole share; the layout then in canonical form,
      ``space.with_layout``), each free RF
      extent to every size ⌈top/k⌉ (where the blocks no longer fit the RF, kept further
      in until they do, :func:`_rf_repairs`), every DRAM
      loop order of the tiled dims (all of them up to four tiled dims, else every move of
      one dim), every split of one dim's DRAM loop next to the order, every order of the
      pass loops of more than one pass and (a nest of one RF loop per dim) of the RF loops
      of more than one trip (all up to four such loops, else every move of one;
      :func:`_loop_order_moves`; each type's block under as many of those loops as before
      or inside the same loop, kept further in until it fits), each type's keep
      level to every level of the space (``space.keep_options``), the RF extents kept or
      the free ones at 1 (a move of the RF extents keeps the levels, ``space.with_keep``),
      each spread dim's spatial factor moved into its RF loop under every RF order, every
      split of one dim's RF loop (of a nest already split, also every split of
      another dim's loop beside its splits: ``space.split_moves``, so the descent reaches
      nests of two and more split dims a split at a time); when none of these
      improves, each free RF dim's tile and RF extent together on every split of that
      dim's RF loop (the blocks repaired to fit), then (multicast arrays) the spatial
      factors in every layout next to the incumbent's — one dim added to an axis or moved
      to the other, :func:`_layout_moves`.
      A neighbour whose own RF nest the engine refuses only for a spread dim's partial
      passes is offered with those passes made whole (:func:`_whole_passes`). The best
      descent's end is descended again from its :data:`KICKS` lowest-scoring keep-level
      moves (:func:`_kicks`). A neighbour replaces the incumbent only when it scores strictly lower
      (objective alone), so ties keep the earlier mapping and the result is deterministic; a neighbour whose
      lower bound is not below the incumbent's score is not scored. The best descent wins
      (ties: the earlier start). The distance of this search to the optimum is measured
      by benchmarks/mapper_quality.py.
    """

    b = dict(zip(DIMS, p.bounds))
    if math.prod(b[d] for d in TILE_DIMS) <= EXACT_TILINGS and space.size_bound(p, spec, df, EXACT_MAPPINGS) <= EXACT_MAPPINGS:
        return _exact(p, spec, df, objective, layer)
    seed = search_mapping(p, spec, df, objective, layer)
    obj = _Objective(p, spec, df, objective)
    starts = [seed] + _tied_variants(p, spec, df, seed, obj)
    if RANDOM_STARTS:
        rng = np.random.default_rng(list(p.as_array()) + [spec.array.rows, spec.array.cols])
        drawn, cap = [], 256
        while not drawn and cap <= 16 * math.prod(b[d] for d in TILE_DIMS):
            drawn = space.random_mappings(p, spec, df, rng, RANDOM_STARTS, max_tiles=cap, tries=100)
            cap *= 16  # no tiling of at most cap GLB tiles fits (VGG-16 conv4_2's weights on eyeriss)
        drawn = sorted(((obj(m), i), m) for i, m in enumerate(drawn))
        starts += [m for _, m in drawn[:DESCENTS - 1]]
    best = None
    for m in starts:
        r = _refine(p, spec, df, objective, m, space, obj)
        if best is None or r[0] < best[0]:
            best = r
    for m in _kicks(p, spec, df, best, obj):  # the best descent's end, one type's keep level moved, descended again
        r = _refine(p, spec, df, objective, m, space, obj)
        if r[0] < best[0]:
            best = r
    return best[1]


def _kicks(p: Problem, spec: HardwareSpec, df: Dataflow, best: tuple[float, Mapping], obj: "_Objective") -> list[Mapping]:
    """Where the best descent ended, each type's keep level moved to every other level of its
    nest (its spread dims' passes made whole where it then needs them, :func:`_whole_passes`),
    those that fit, count and score at most :data:`KICK` × its score, the :data:`KICKS`
    lowest: further starts, each a step up out of the descent's basin (VGG-16 conv1_2 on
    edge_16x16/rs: the psum kept one loop further in scores 1.02× the pick and descends to
    0.64 of it)."""
    systolic = spec.array.kind == "systolic"
    if not KICK or not space.keep_free(spec, df):
        return []
    s0, m0 = best
    levels = space.keep_levels(df, m0)
    out = []
    for i, opts in enumerate(space.level_options(df, m0, systolic)):
        for level in opts:
            if level == levels[i]:
                continue
            m = _counted_form(p, spec, df, space.with_levels(df, m0, levels[:i] + (level,) + levels[i + 1 :], systolic), systolic)
            if m != m0 and m not in out and space.rf_ok(p, spec, df, m) and space.counted(p, df, m) and obj(m) <= KICK * s0:
                out.append(m)
    return sorted(out, key=obj)[:KICKS]  # (a stable sort: ties in the order of the moves)


def _tied_variants(p: Problem, spec: HardwareSpec, df: Dataflow, seed: Mapping, obj: "_Objective") -> list[Mapping]:
    """The seed's RF variants of one RF loop per dim (``space.rf_variants`` without split
    nests: every RF loop order and keep level at its tiles; with them VGG-16 conv1_2 on
    eyeriss/ws scored 30,000 variants, 70 CPU-s) whose objective equals the seed's, one per distinct secondary score
    (:meth:`_Objective.secondary`), the lowest :data:`TIE_STARTS` of those scores, each the
    first in ``rf_variants``' order with its score; only for latency (cycles tie on a
    bottleneck the RF order does not move; for energy, tried, the ties changed no pick of
    benchmarks/mapper_quality.py and doubled its CPU; EDP: not tried)."""
    if obj.objective != "latency" or not TIE_STARTS or not space.keep_free(spec, df):
        return []
    s0 = obj(seed)
    t1 = dict(zip(TILE_DIMS, seed.t1))
    t1["R"], t1["S"] = p.R, p.S
    by: dict[float, Mapping] = {}
    s2 = obj.secondary(seed)
    for v in space.rf_variants(p, spec, df, seed, max_splits=0):
        if v == seed or obj.bound(t1, v) > s0 * (1 + SLACK) or obj(v) != s0:
            continue
        by.setdefault(obj.secondary(v), v)
    by.pop(s2, None)  # the seed's own plateau point
    return [by[k] for k in sorted(by)[:TIE_STARTS]]


class _NestBound(_Bound):
    """search._Bound that also bounds a split DRAM nest (``Mapping.dram_loops``, passed as
    the order): its DRAM walk is the nest's own (tiles.walk_tiles_loops), the rest of the
    bound does not depend on the DRAM-level loops; and for mappings whose RF keeps weight,
    ifmap, psum as ``kept`` says (a mapping's own keep levels, ``space.kept``): the bound
    reads of the keep levels only whether a type is kept in the RF at all."""

    def __init__(self, p: Problem, spec: HardwareSpec, df: Dataflow, objective: str, kept: tuple[bool, ...]) -> None:
        super().__init__(p, spec, df, objective)
        self.keep = np.array([0 if k else 1 for k in kept], np.int64)
        self.n_rf = 1

    def _parts(self, t1: dict[str, int], order) -> tuple[float, float]:
        if isinstance(order, str):
            return super()._parts(t1, order)
        sizes = np.array([t1[d] for d in TILE_DIMS], np.int64)
        loop_dim = np.array([TILE_DIMS.index(d) for d, _ in order], np.int64)
        walk = walk_tiles_loops(self.p, sizes, loop_dim, np.array([c for _, c in order], np.int64))[0]
        lb = lower_bound_walked(self.p, sizes, walk, self.keep, self.n_rf, self.uses_rf)
        if self.objective == "energy" and self.static == 0:
            return energy_bound(lb, self.costs), 0.0
        return energy_bound(lb, self.costs), max(0.0, cycles_bound_bw(lb, self.pes, *self.machine) - 1.0)


class _Objective:
    """The objective of one mapping (the engine's own score, no shortcut in the result)
    and lower bounds of it, for one layer, machine and dataflow."""

    def __init__(self, p: Problem, spec: HardwareSpec, df: Dataflow, objective: str) -> None:
        self.args = (p, spec, df)
        self.objective = objective
        self.energy = _Scorer(p, spec, df, "energy") if objective == "energy" else None
        self.bounds: dict[tuple[bool, ...], _NestBound] = {}
        self.macs = p.macs
        self.seen: dict[Mapping, float] = {}  # descents meet: each mapping is scored once
        self.other = {"energy": "latency", "latency": "energy"}.get(objective)  # the tie-breaking objective
        self.seen2: dict[Mapping, float] = {}

    def __call__(self, m: Mapping) -> float:
        s = self.seen.get(m)
        if s is None:
            plain = self.energy is not None and not m.dram_loops and not m.rf_loops and not m.pass_order and not m.rf_order
            s = self.energy(m) if plain else fast_score(*self.args, m, self.objective)
            self.seen[m] = s
        return s

    def secondary(self, m: Mapping) -> float:
        """The tie-breaking score of ``m``: its cycles for the objective energy, its energy
        for latency; none (0) for EDP. Computed only for a mapping whose objective ties."""
        if self.other is None:
            return 0.0
        s = self.seen2.get(m)
        if s is None:
            s = self.seen2[m] = fast_score(*self.args, m, self.other)
        return s

    def bound(self, t1: dict[str, int], m: Mapping) -> float:
        """A lower bound of the objective of every mapping with the GLB tile ``t1``, ``m``'s
        DRAM nest and which types ``m``'s RF keeps at all (``space.kept``: the only part of
        the keep levels engine/bound.py reads)."""
        p, spec, df = self.args
        kept = space.kept(df, m)
        b = self.bounds.get(kept)
        if b is None:
            b = self.bounds[kept] = _NestBound(p, spec, df, self.objective, kept)
        return b(t1, m.dram_loops or m.dram_order)

    def spatial_bound(self, sp: tuple[int, ...]) -> float:
        """A lower bound from the spatial factors alone (latency: the MACs over the PEs the
        factors occupy — each does one MAC per cycle; energy: none)."""
        if self.objective != "latency":
            return -math.inf
        return self.macs / math.prod(sp) - 1.0


def _exact(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str, layer: str) -> Mapping:

    obj = _Objective(p, spec, df, objective)
    best: tuple[float, Mapping] | None = None
    bounds: dict[tuple, float] = {}
    for m in space.enumerate_space(p, spec, df):
        if best is not None:
            key = (m.t1, m.dram_loops or m.dram_order, space.kept(df, m))
            lb = bounds.get(key)
            if lb is None:
                lb = bounds[key] = obj.bound(dict(zip(TILE_DIMS, m.t1)), m)
            if lb > best[0] * (1 + SLACK) or obj.spatial_bound(m.sp) > best[0] * (1 + SLACK):
                continue
        s = obj(m)
        if best is None or s < best[0]:
            best = (s, m)
    if best is None:
        raise _no_fit(p, spec, df, layer)
    return best[1]


def _sizes(n: int) -> list[int]:
    """Every distinct tile size ⌈n/k⌉ (k = 1..n), largest first."""
    return sorted({-(-n // k) for k in range(1, n + 1)}, reverse=True)


def _refine(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str, seed: Mapping, space, obj: "_Objective") -> tuple[float, Mapping]:
    b = dict(zip(DIMS, p.bounds))
    best = [obj(seed), seed]
    cap = max(MAX_TILES, _n_tiles(b, seed.t1))
    rf_dims = [d for d in df.rf_order]
    wholes: dict[tuple[int, ...], dict[str, int]] = {}
    layouts = space.layouts_of(p, spec, df)
    systolic = spec.array.kind == "systolic"
    free = {d for d in df.rf_order if d not in df.full_in_pass and d not in ("R", "S")}  # the RF extents a pass need not cover whole

    def offer(m: Mapping, repair: bool = False) -> bool:
        """Score the neighbour ``m`` and keep it if it is better; one whose RF blocks
        overflow is out, or with ``repair`` replaced by its keep levels moved inward
        until they fit (:func:`_rf_repairs`)."""
        m = space.respan(df, m, systolic)  # the incumbent's keep levels (and split RF nest) on the new RF extents
        m = space.with_layout(spec, layouts, m)  # the layout of its spatial factors in canonical form
        m = _counted_form(p, spec, df, m, systolic)
        if m.pass_order:  # the incumbent's pass order on the new passes, in canonical form
            m = space.with_pass(p, df, m, m.pass_order)
        if m == best[1]:
            return False
        t1 = dict(zip(TILE_DIMS, m.t1))
        t1["R"], t1["S"] = p.R, p.S
        if not glb_fits(p, spec, t1):
            return False
        if space.rf_ok(p, spec, df, m):
            return judge(m, t1)
        improved = False
        for r in _rf_repairs(p, spec, df, m, systolic) if repair else ():
            improved |= judge(r, t1)
        return improved

    def judge(m: Mapping, t1: dict[str, int]) -> bool:
        if m == best[1] or not space.counted(p, df, m):
            return False
        limit = best[0] * (1 + SLACK)
        if obj.spatial_bound(m.sp) > limit or obj.bound(t1, m) > limit:
            return False
        s = obj(m)
        if s < best[0]:
            best[0], best[1] = s, m
            return True
        return False

    def fix(t1: dict[str, int], sp: dict[str, int], t3: dict[str, int], whole: set[str]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Spatial factors clipped to the tile, RF extents to the tile's share per PE
        (the dims in ``whole`` to all of it), the whole-pass dims as the dataflow covers them."""
        key = tuple(t1[d] for d in DIMS)
        base = wholes.get(key)
        if base is None:
            base = wholes[key] = space.whole_dims(p, spec, df, t1)
        sp2 = {d: min(sp[d], t1[d]) for d in DIMS}
        shares = space.whole_share(base, sp2)
        t32 = dict(t3)
        for d in rf_dims:
            share = -(-t1[d] // sp2[d])
            if base[d] > 1 or d in df.full_in_pass or d in ("R", "S"):
                t32[d] = shares[d]
            elif d in whole:
                t32[d] = share
            else:
                t32[d] = min(t3[d], share)
        return tuple(sp2[d] for d in DIMS), tuple(t32[d] for d in DIMS)

    def tiles(splits: bool) -> bool:
        """Each GLB tile dim to every size (its spatial factor refilled, the tiling repaired
        to fit the GLBs), the RF extent clipped to the tile or its whole share; with
        ``splits``, each free RF dim's tile with its RF extent the whole share, on every
        nest splitting that dim's RF loop in two, the types' blocks at the levels they had
        (``space.split_moves``) moved inward until they fit (:func:`_rf_repairs`): a larger
        RF extent pays only with a block kept between the two loops (MobileNet-v2's
        depthwise 3×3 on eyeriss/ws: F4 as F2 · R3 S3 · F2, 9 ifmaps kept inside R)."""
        improved = False
        for k, d in enumerate(TILE_DIMS):
            if splits and d not in free:
                continue
            for size in _sizes(b[d]):
                m = best[1]
                if size == m.t1[k]:
                    continue
                for sizes in _repairs(p, spec, b, m.t1[:k] + (size,) + m.t1[k + 1 :], k):
                    if _n_tiles(b, sizes) > cap:
                        continue
                    t1 = dict(zip(TILE_DIMS, sizes))
                    t1["R"], t1["S"] = p.R, p.S
                    order = space.canonical_order(m.dram_order, sizes, b)
                    for f in _refills(m, d, size, spec):
                        sp0 = dict(zip(DIMS, m.sp))
                        if f:
                            sp0[d] = f
                        for whole in ({d},) if splits else (set(), {d}):
                            sp, t3 = fix(t1, sp0, dict(zip(DIMS, m.t3)), whole)
                            moved = replace(m, t1=sizes, dram_order=order, sp=sp, t3=t3, dram_loops=())
                            if not splits:
                                improved |= offer(moved)
                                continue
                            for split in space.split_moves(df, space.respan(df, moved, systolic), systolic, between=False, dim=d):
                                if space._split_inner(split.rf_loops) >= 0:  # not merged back into one loop
                                    improved |= offer(split, repair=True)
        return improved

    def spatial(layouts_moved: bool) -> bool:
        """Spatial factors, one axis at a time, every combination of its dims: in every
        layout of ``space.layouts_of`` and the incumbent's, or with ``layouts_moved`` in every layout next to
        the incumbent's (:func:`_layout_moves`; another layout: the dims on no axis of it
        at 1, the other axis' dims kept where they stay on it)."""
        improved = False
        own = [] if (best[1].rows, best[1].cols) in layouts else [(best[1].rows, best[1].cols)]
        moves = (_layout_moves(p, spec, best[1], layouts) if layouts_moved
                 else [(r, c, ("rows", "cols")) for r, c in layouts + own])
        for rows, cols, axes in moves:
            for axis in axes:
                m = best[1]
                lay = {"rows": rows, "cols": cols}
                dims = lay[axis]
                other = "cols" if axis == "rows" else "rows"
                size = spec.array.rows if axis == "rows" else spec.array.cols
                t1 = dict(zip(TILE_DIMS, m.t1))
                t1["R"], t1["S"] = p.R, p.S
                for combo in space._axis_factors(dims, size, t1):
                    m = best[1]
                    sp0 = dict(zip(DIMS, m.sp))
                    if (rows, cols) == (m.rows, m.cols):
                        if all(sp0[d] == f for d, f in combo.items()):
                            continue
                    else:
                        kept = set(getattr(m, other)) & set(lay[other])
                        sp0 = {d: (sp0[d] if d in kept else 1) for d in DIMS}
                    sp0.update(combo)
                    for whole in (set(), set(combo)):
                        sp, t3 = fix(t1, sp0, dict(zip(DIMS, m.t3)), whole)
                        improved |= offer(replace(m, sp=sp, t3=t3, rows=rows, cols=cols))
        return improved

    def rf_orders(m: Mapping) -> bool:
        """Of a nest of one RF loop per dim, every order of the loops of more than one trip
        (or each moved to every place, :func:`_loop_order_moves`): each type's block under as
        many loops as before, or inside the same loop as before (its blocks kept further in
        until they fit)."""
        if not space.keep_free(spec, df) or space._split_inner(m.rf_loops) >= 0:
            return False
        improved = False
        t3 = dict(zip(DIMS, m.t3))
        cur = space._perm(df, m)
        levels = space.keep_levels(df, m)
        for slots in _loop_order_moves(cur, [d for d in df.rf_order if t3[d] > 1], lambda q: space.rf_slots(df, t3, q)):
            loops = tuple((d, t3[d]) for d in slots)
            same = tuple(k if k == 0 or k >= len(cur) else slots.index(cur[k - 1]) + 1 for k in levels)
            for lv in dict.fromkeys((levels, same)):
                improved |= offer(replace(m, rf_order=(), rf_loops=loops, keep_at=lv), repair=True)
        return improved

    for _ in range(MAX_ROUNDS):
        improved = tiles(False)
        improved |= spatial(layouts_moved=False)
        # RF extents
        for d in rf_dims:
            m = best[1]
            i = DIMS.index(d)
            if d in df.full_in_pass or d in ("R", "S"):
                continue
            t1 = dict(zip(TILE_DIMS, m.t1))
            t1["R"], t1["S"] = p.R, p.S
            for v in _sizes(-(-t1[d] // m.sp[i])):
                m = best[1]
                if v == m.t3[i] or v > -(-t1[d] // m.sp[i]):
                    continue
                improved |= offer(replace(m, t3=m.t3[:i] + (v,) + m.t3[i + 1 :]), repair=True)
        # DRAM loop orders
        m = best[1]
        for order in _order_moves(m.t1, m.dram_order, b, space):
            improved |= offer(replace(best[1], dram_order=order, dram_loops=()))
        # split DRAM nests around the current order
        m = best[1]
        for loops in _split_moves(m.t1, m.dram_order, b):
            improved |= offer(replace(best[1], dram_order=space.nest_label(loops), dram_loops=loops))
        # pass loop orders (every order of the loops of more than one pass, or each moved to every place)
        m = best[1]
        cnt = space.pass_counts(p, m)
        big = [d for d in df.pass_order if cnt[d] > 1]
        ones = tuple(d for d in DIMS if cnt[d] == 1)
        for order in _loop_order_moves(m.pass_order or df.pass_order, big, lambda q: space.with_pass(p, df, m, ones + q).pass_order):
            improved |= offer(replace(best[1], pass_order=order))
        # RF loop orders of a nest of one loop per dim
        improved |= rf_orders(best[1])
        # each spread dim's factor moved into its RF loop (its spatial factor 1, its RF extent
        # that many times larger, at most its tile), in its own RF order and every other
        # (AlexNet conv1 on eyeriss/rs: M10 off the PE columns into the RF, inside S: 610 → 504 M pJ)
        if space.keep_free(spec, df):
            m = best[1]
            for d in [d for d in df.rf_order if d in free and m.sp[DIMS.index(d)] > 1]:
                i = DIMS.index(d)
                t1 = dict(zip(TILE_DIMS, m.t1))
                moved = space.respan(df, replace(m, sp=m.sp[:i] + (1,) + m.sp[i + 1 :],
                                                 t3=m.t3[:i] + (min(m.t3[i] * m.sp[i], t1[d]),) + m.t3[i + 1 :]), systolic)
                improved |= offer(moved, repair=True)
                improved |= rf_orders(moved)
        # keep levels: each type's to every level of the space, the RF extents kept or the
        # free ones at 1 (a type no longer kept frees the RF, a type now streamed pays per
        # MAC: the extents that paid under the old levels seldom pay under the new)
        if space.keep_free(spec, df):
            for i in range(len(space.KEEP_TYPES)):
                for level in space.level_options(df, best[1], systolic)[i]:
                    m = best[1]
                    levels = space.keep_levels(df, m)
                    moved = space.with_levels(df, m, levels[:i] + (level,) + levels[i + 1 :], systolic)
                    ones = tuple(1 if d in free else t for d, t in zip(DIMS, m.t3))
                    improved |= offer(moved)
                    if ones != m.t3:
                        improved |= offer(replace(moved, t3=ones))
            # split RF nests: one dim's RF loop in two (every split and placement; of a split
            # nest, also one more dim's), the types' blocks kept
            m = best[1]
            for moved in space.split_moves(df, m, systolic):
                improved |= offer(moved)
        # when nothing else improves: each free RF dim's tile and RF extent together, on
        # every split RF nest of that dim (the blocks' levels repaired to fit)
        if not improved and space.keep_free(spec, df):
            improved = tiles(True)
        # and then: the layouts next to the incumbent's (multicast arrays)
        if not improved:
            improved = spatial(layouts_moved=True)
        if not improved:
            break
    return best[0], best[1]


def _counted_form(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, systolic: bool) -> Mapping:
    """``m``, or where the engine refuses its own RF nest only because a spread dim's passes
    are not whole, :func:`_whole_passes`' mapping."""
    if m.rf_loops and not space.counted(p, df, m):
        return _whole_passes(p, spec, df, m, systolic) or m
    return m


def _whole_passes(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, systolic: bool) -> Mapping | None:
    """A mapping with its own RF nest that the engine does not count only because some
    spread dim's passes do not each cover sp × t3 of it whole (``Mapping.rf_split_error``),
    with each such dim's sp × t3 cut to the largest divisor P of its GLB tile's extent (and
    of the last tile's) below it, the spatial factor the largest divisor of P its axis has
    room for, the RF extent the rest; None where that does not make it counted. (VGG-16
    conv1_2 on edge_16x16/rs: its psum streamed pays only with C13 · 5 over a tile of 64
    as C16 · 4.)"""
    b = dict(zip(DIMS, p.bounds))
    tile = dict(zip(TILE_DIMS, m.t1))
    sp, t3 = dict(zip(DIMS, m.sp)), dict(zip(DIMS, m.t3))
    changed = False
    for d in DIMS:
        if sp[d] == 1 or t3[d] == 1:
            continue
        whole = min(tile.get(d, b[d]), b[d])
        g = math.gcd(whole, b[d] % whole if d in tile else 0)
        if g % (sp[d] * t3[d]) == 0:
            continue
        axis, size = (m.rows, spec.array.rows) if d in m.rows else (m.cols, spec.array.cols)
        room = size // math.prod(sp[e] for e in axis if e != d) if d in axis else sp[d]
        top = next(x for x in range(sp[d] * t3[d], 0, -1) if g % x == 0)
        sp[d] = next(x for x in range(min(room, top), 0, -1) if top % x == 0)
        t3[d] = top // sp[d]
        changed = True
    if not changed:
        return None
    out = space.respan(df, replace(m, sp=tuple(sp[d] for d in DIMS), t3=tuple(t3[d] for d in DIMS)), systolic)
    return out if space.counted(p, df, out) else None


def _layout_moves(p: Problem, spec: HardwareSpec, m: Mapping, layouts: list) -> list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """On a multicast array (``space.free_layouts``), the layouts next to the mapping's,
    each with the axis that changed: each dim of more than one in its GLB tile (R, S: the
    filter) and on neither axis added to either, and each dim on an axis moved to the
    other (ResNet-50 layer3.1.conv1 on eyeriss/rs: C × M on the rows, where RS has R × C)."""
    if not space.free_layouts(spec):
        return []
    t1 = dict(zip(TILE_DIMS, m.t1))
    t1["R"], t1["S"] = p.R, p.S
    out = []
    for d in DIMS:
        if t1[d] == 1:
            continue
        if d in m.rows:
            out.append((tuple(e for e in m.rows if e != d), m.cols + (d,), ("cols",)))
        elif d in m.cols:
            out.append((m.rows + (d,), tuple(e for e in m.cols if e != d), ("rows",)))
        else:
            out += [(m.rows + (d,), m.cols, ("rows",)), (m.rows, m.cols + (d,), ("cols",))]
    return [x for x in out if (x[0], x[1]) not in layouts]


def _rf_repairs(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, systolic: bool) -> list[Mapping]:
    """A mapping whose RF blocks overflow, with blocks kept further in (each type's level
    moved to fewer loops inside it, ``space.level_options``) until they fit: with a spad per
    type, each type at its first level from its own inward whose block fits its spad (one
    mapping); with one RF, each type alone at its first level where all fit, and the
    largest blocks moved first until all fit. A block is what pinned.rf_need counts: along
    each dim the span of the loops inside its level (ifmap: the rows and columns of that
    window, (E−1)·U + (R−1)·D + 1 by (F−1)·U + (S−1)·D + 1)."""
    rf = spec.rf
    if rf is None or not space.keep_free(spec, df) or m.rf_order:
        return []
    t3 = dict(zip(DIMS, m.t3))
    loops = m.rf_loops or tuple((d, t3[d]) for d in df.rf_order)
    n = len(loops)
    # each type's block kept at each level k (k = n: streamed, no block)
    at = [rf_need(p, loops, (k,) * len(space.KEEP_TYPES)) for k in range(n + 1)]

    def need(t: int, k: int) -> int:
        return at[min(k, n)][space.KEEP_TYPES[t]]

    levels = space.keep_levels(df, m)
    opts = space.level_options(df, m, systolic)
    inward = lambda i, ok: next((lv for lv in opts[i] if lv >= levels[i] and ok(lv)), None)  # noqa: E731
    found = []
    if rf.split is not None:  # each type's own spad: each overflowing block moved to the first level it fits at
        caps = [rf.capacity(t) for t in space.KEEP_TYPES]
        own = tuple(inward(i, lambda lv, i=i: need(i, lv) <= caps[i]) for i in range(len(levels)))
        if None not in own:
            found.append(own)
    else:  # one RF: each type moved alone, then the largest blocks first until all fit
        bits = [rf.elem_bits.get(t, rf.word_bits) for t in space.KEEP_TYPES]
        total = lambda ls: sum(need(t, k) * bits[t] for t, k in enumerate(ls))  # noqa: E731
        for i in range(len(levels)):
            lv = inward(i, lambda lv, i=i: total(levels[:i] + (lv,) + levels[i + 1 :]) <= rf.size_bits)
            if lv is not None and lv != levels[i]:
                found.append(levels[:i] + (lv,) + levels[i + 1 :])
        cur = levels
        for i in sorted(range(len(levels)), key=lambda i: -need(i, levels[i]) * bits[i]):
            lv = inward(i, lambda lv, i=i: total(cur[:i] + (lv,) + cur[i + 1 :]) <= rf.size_bits)
            cur = cur[:i] + (opts[i][-1] if lv is None else lv,) + cur[i + 1 :]
            if total(cur) <= rf.size_bits:
                found.append(cur)
                break
    out = [space.with_levels(df, m, ls, systolic) for ls in dict.fromkeys(found)]
    return [c for c in out if space.rf_ok(p, spec, df, c)]


def _repairs(p: Problem, spec: HardwareSpec, b: dict[str, int], sizes: tuple[int, ...], k: int) -> list[tuple[int, ...]]:
    """The tiling ``sizes`` (dim ``k`` just resized) if it fits every GLB, else, for each
    other dim in N G M C E F order, the tiling with that dim shrunk to its largest size
    ⌈B/j⌉ that makes it fit (none where no size does): growing one dim of a full GLB pays
    only with another shrunk (VGG-16 conv4_2 on eyeriss/ws: C1 → C5 with F28 → F10)."""

    def fits(t: tuple[int, ...]) -> bool:
        t1 = dict(zip(TILE_DIMS, t))
        t1["R"], t1["S"] = p.R, p.S
        return glb_fits(p, spec, t1)

    if fits(sizes):
        return [sizes]
    out = []
    for j, e in enumerate(TILE_DIMS):
        if j == k or sizes[j] == 1:
            continue
        for v in _sizes(b[e]):
            if v < sizes[j]:
                t = sizes[:j] + (v,) + sizes[j + 1 :]
                if fits(t):
                    out.append(t)
                    break
    return out


def _refills(m: Mapping, d: str, size: int, spec: HardwareSpec) -> list[int]:
    """The spatial factors of dim ``d`` tried with its GLB tile resized to ``size``: 0 (the
    mapping's own, clipped to the tile) and, where ``d`` lies on a PE axis, the factor
    that fills what the axis' other dims leave (``min(size, room)``) and the same number
    of passes spread evenly — a larger tile and a larger spatial factor only pay together
    (ResNet-50 layer3.1.conv2 on eyeriss/ws: M13 → M42 with 14 columns)."""
    for axis, n in ((m.rows, spec.array.rows), (m.cols, spec.array.cols)):
        if d in axis:
            sp = dict(zip(DIMS, m.sp))
            room = n // math.prod(sp[e] for e in axis if e != d)
            fill = min(size, room)
            even = -(-size // -(-size // fill))
            return [0] + [f for f in dict.fromkeys((fill, even)) if f != min(sp[d], size)]
    return [0]


def _n_tiles(b: dict[str, int], t1: tuple[int, ...]) -> int:
    return math.prod(-(-b[d] // t) for d, t in zip(TILE_DIMS, t1))


def _split_moves(t1: tuple[int, ...], order: str, b: dict[str, int]) -> list[tuple[tuple[str, int], ...]]:
    """The split nests (``space.split_nests``) next to a loop order: each tiled dim's loop
    cut into two (every split of its tiles, ``space._pairs``), the outer loop where the
    dim's loop was and the inner one at every place at least two loops inside it, or the
    inner loop where it was and the outer one at every place at least two loops above."""
    cnt = {d: -(-b[d] // t) for d, t in zip(TILE_DIMS, t1)}
    tiled = [d for d in order if cnt[d] > 1]
    out: list[tuple[tuple[str, int], ...]] = []
    for i, d in enumerate(tiled):
        for a, c in space._pairs(cnt[d]):
            loops = [(e, cnt[e]) for e in tiled]
            for j in range(i + 2, len(tiled) + 1):  # inner (d, c) before position j
                nest = loops[:i] + [(d, a)] + loops[i + 1 : j] + [(d, c)] + loops[j:]
                out.append(tuple(nest))
            for j in range(0, i - 1):  # outer (d, a) before position j
                nest = loops[:j] + [(d, a)] + loops[j:i] + [(d, c)] + loops[i + 1 :]
                out.append(tuple(nest))
    return list(dict.fromkeys(out))


def _order_moves(t1: tuple[int, ...], order: str, b: dict[str, int], space) -> list[str]:
    orders = space.orders_of(t1, b)
    if len(orders) <= 24:
        return orders
    cur = space.canonical_order(order, t1, b)
    n_single = sum(1 for d, t in zip(TILE_DIMS, t1) if -(-b[d] // t) == 1)
    head, tail = cur[:n_single], cur[n_single:]
    out = []
    for i in range(len(tail)):
        rest = tail[:i] + tail[i + 1 :]
        for j in range(len(tail)):
            o = head + rest[:j] + tail[i] + rest[j:]
            if o != cur and o not in out:
                out.append(o)
    return out


def _loop_order_moves(cur: tuple[str, ...], big: list[str], form) -> list[tuple[str, ...]]:
    """The loop orders next to ``cur`` (pass or RF loops; ``big``: the loops of more than
    one trip, in the order the space lists them): every order of those up to four of them,
    else each moved to every other place among them; ``form`` writes an order of them as
    the mapping's field (the space's canonical form)."""
    rel = [d for d in cur if d in big]
    if len(big) <= 4:
        qs = list(itertools.permutations(big))
    else:
        qs = []
        for i in range(len(rel)):
            rest = rel[:i] + rel[i + 1 :]
            qs += [tuple(rest[:j] + [rel[i]] + rest[j:]) for j in range(len(rel))]
    return list(dict.fromkeys(form(q) for q in qs if list(q) != rel))
