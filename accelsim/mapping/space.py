"""The whole mapping space of today's mapping model (accelsim/mapping/mapping.py), for one
layer, machine and dataflow: every mapping the engine counts and the pinned-mapping checks
(accelsim/mapping/pinned.py) accept.

- GLB tile: any size 1..B per dim of N G M C E F (divisors and the sizes that leave a
  partial last tile), R and S whole, fitting every global buffer (``search.glb_fits``);
- DRAM loop order: any of the 720 orders of the six tile dims — only the relative order of
  the dims cut into more than one tile changes a count, so the space holds one order per
  arrangement of those (:func:`canonical_order`: the untiled dims outermost, in NGMCEF order);
  and every nest that splits one tiled dim's DRAM loop in two around other loops
  (:func:`split_nests`, ``Mapping.dram_loops``: issue 19's split loops);
- spatial layout and factors: on a multicast array (:func:`free_layouts`) any dims across
  the PE rows and any others across the columns (Timeloop's free spatial factors, pinned
  ``rows``/``cols``), any factor 1..min(tile, axis) per dim, the product along an axis at
  most its PEs — every set of factors once, in its canonical layout (:func:`layout_for`:
  the first of :func:`layouts_of` that holds it, else the first split of its dims over the
  axes; no count depends on the axis a dim lies along there); on a systolic array the
  dataflow's own layout (its forwarding pattern), the factors as above. :func:`layouts_of`:
  the dataflow's row and column dims, or the filters spread along an axis the output
  pixels leave half idle, or RS's PE sets (``search.spatial_layouts``), and for a
  dataflow that spreads M on no axis (OS) M beside the pixels on either axis;
- RF extents: for each RF loop the dataflow does not cover whole in a pass, any extent
  1..⌈tile / factor⌉; the dims it covers whole (R, S, and e.g. F in RS) at the tile's size,
  halved only where even their smallest block under the dataflow's keep levels does not
  fit (``search.t3_options``), over the spatial factor where a layout also spreads them
  (:func:`whole_share`);
- keep levels: for each of weight, ifmap, psum, where the PE's RF keeps its block —
  the pass, inside any RF loop, or nowhere (streamed) — not only the dataflow's own
  (:func:`keep_options`; ``Mapping.rf_loops`` / ``keep_at`` of docs/engine.md §2, the
  RF loops the dataflow's, one per dim), and every nest splitting one or more dims' RF
  loops in two each (:func:`rf_split_nests`: the nests of one split dim first, then of
  two, ...) under every keep level of it; a dataflow with a
  hand-written RF nest (``Dataflow.order``) or no RF keeps its own levels and nest;
- RF loop order: of such a dataflow, every order of the RF loops of more than one trip
  (a loop of one trip never advances: it keeps its place in ``rf_order``, :func:`rf_slots`,
  :func:`rf_orders`), as ``rf_loops`` under every combination of the types' keep levels,
  and of a split RF nest's other loops (:func:`rf_split_nests` with ``orders``);
- pass loop order: every order of the pass loops of more than one array pass per GLB
  tile (``Mapping.pass_order``; :func:`pass_counts`, :func:`pass_orders`: the loops of one
  pass outermost in DIMS order, the dataflow's relative order its own ``()``);
- only mappings the engine counts as the reference models do (:func:`counted`), whose
  kept blocks fit the RF (:func:`rf_ok`).

:func:`enumerate_space` walks it all (small layers: the checker in tests/test_mapper_optimum.py),
:func:`random_mappings` draws from it (benchmarks/mapper_quality.py, the full search's random starts).
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator

import numpy as np

from ..dataflow import Dataflow
from ..engine.problem import DIMS, Problem
from ..hardware import HardwareSpec
from .mapping import TILE_DIMS, Mapping

KEEP_TYPES = ("weight", "ifmap", "psum")


def canonical_order(order: str, t1: tuple[int, ...], bounds: dict[str, int]) -> str:
    """The order with the dims of a single tile moved outermost (in NGMCEF order): a loop
    of one trip changes no count, so the two orders are the same mapping."""
    single = [d for d, t in zip(TILE_DIMS, t1) if -(-bounds[d] // t) == 1]
    return "".join(single) + "".join(d for d in order if d not in single)


def orders_of(t1: tuple[int, ...], bounds: dict[str, int]) -> list[str]:
    """Every distinct DRAM loop order of a tile (canonical form), in lexicographic order of
    the tiled dims' permutations over NGMCEF."""
    single = "".join(d for d, t in zip(TILE_DIMS, t1) if -(-bounds[d] // t) == 1)
    tiled = [d for d in TILE_DIMS if d not in single]
    return [single + "".join(q) for q in itertools.permutations(tiled)]


def _pairs(n: int) -> list[tuple[int, int]]:
    """The ways to split ``n`` tiles into an outer and an inner loop of at least 2 each."""
    return [(a, n // a) for a in range(2, n // 2 + 1) if n % a == 0 and n // a >= 2]


def split_nests(t1: tuple[int, ...], bounds: dict[str, int]) -> list[tuple[tuple[str, int], ...]]:
    """Every DRAM-level nest (``Mapping.dram_loops``) that splits one tiled dim into an
    outer and an inner loop (counts ≥ 2 multiplying to its tiles) with another tiled dim's
    loop between them — two adjacent loops of one dim are its single loop, and a loop of
    one trip changes no count, so the untiled dims have none. In order: the split dim in
    NGMCEF order, its splits by outer count, the loops' arrangements lexicographic."""
    cnt = {d: -(-bounds[d] // t) for d, t in zip(TILE_DIMS, t1)}
    tiled = [d for d in TILE_DIMS if cnt[d] > 1]
    out = []
    for d in tiled:
        for a, c in _pairs(cnt[d]):
            items = [(e, cnt[e]) for e in tiled if e != d] + [(d, 0), (d, 1)]
            seen = set()
            for q in itertools.permutations(range(len(items))):
                dims = [items[i][0] for i in q]
                pos = [k for k, e in enumerate(dims) if e == d]
                if pos[1] - pos[0] == 1:
                    continue
                loops = tuple((e, (a if k == pos[0] else c) if e == d else items[i][1]) for k, (e, i) in enumerate(zip(dims, q)))
                if loops not in seen:
                    seen.add(loops)
                    out.append(loops)
    return out


def nest_label(loops: tuple[tuple[str, int], ...]) -> str:
    """A split nest's ``dram_order`` (the mapping's name for it; the kernel walks
    ``dram_loops``): the untiled dims outermost in NGMCEF order, then the dims by their
    outermost loop."""
    first = list(dict.fromkeys(d for d, _ in loops))
    return "".join(d for d in TILE_DIMS if d not in first) + "".join(first)


def layouts_of(p: Problem, spec: HardwareSpec, df: Dataflow) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The spatial layouts of the space: ``search.spatial_layouts`` (systolic arrays: the
    dataflow's own), and on a spatial array, for a dataflow that spreads the filters M on
    no axis (OS: E rows, F columns), M beside the output pixels on either axis even where
    they could fill it (issue 19's free spatial dims; a mapping of it whose M loop in the
    RF would idle PEs is left out, :func:`counted`)."""
    from .search import spatial_dims, spatial_layouts

    if spec.array.kind == "systolic":
        return [spatial_dims(p, df)]
    out = spatial_layouts(p, df, spec.array.rows, spec.array.cols)
    base = out[0]
    if p.bounds[DIMS.index("M")] > 1 and "M" not in base[0] + base[1]:
        for k in (0, 1):
            if any(d in ("E", "F") for d in base[k]):
                alt = (base[0] + ("M",), base[1]) if k == 0 else (base[0], base[1] + ("M",))
                if alt not in out:
                    out.append(alt)
    return out


def free_layouts(spec: HardwareSpec) -> bool:
    """Whether the space holds every layout (any dims across the PE rows and columns, none
    on both: Timeloop's free spatial factors, pinned ``rows``/``cols``): on a multicast
    array, where no count depends on which axis a dim lies along — only the spatial
    factors do, the products along each axis at most its PEs; a systolic array forwards
    along the dataflow's own rows and columns."""
    return spec.array.kind == "spatial"


def layout_for(spec: HardwareSpec, layouts: list[tuple[tuple[str, ...], tuple[str, ...]]],
               sp: dict[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The canonical layout of spatial factors ``sp`` (every layout holding them is the
    same mapping on a multicast array): the first of ``layouts`` (:func:`layouts_of`)
    whose axes hold the dims of factor > 1 within their PEs; else, with
    :func:`free_layouts`, the first split of those dims (in DIMS order; the k-th split
    puts on the columns the dims whose bit is set in k, the rest on the rows) whose
    products fit; None where none fits."""
    rows_n, cols_n = spec.array.rows, spec.array.cols
    spread = [d for d in DIMS if sp[d] > 1]
    fits = lambda rows, cols: (math.prod(sp[d] for d in rows) <= rows_n  # noqa: E731
                               and math.prod(sp[d] for d in cols) <= cols_n)
    for rows, cols in layouts:
        if set(spread) <= set(rows + cols) and fits(rows, cols):
            return rows, cols
    if not free_layouts(spec):
        return None
    for k in range(1 << len(spread)):
        rows = tuple(d for i, d in enumerate(spread) if not k >> i & 1)
        cols = tuple(d for i, d in enumerate(spread) if k >> i & 1)
        if fits(rows, cols):
            return rows, cols
    return None


def with_layout(spec: HardwareSpec, layouts: list[tuple[tuple[str, ...], tuple[str, ...]]], m: Mapping) -> Mapping:
    """The mapping with its layout in canonical form (:func:`layout_for`; a systolic
    array's mapping as it is)."""
    if not free_layouts(spec):
        return m
    lay = layout_for(spec, layouts, dict(zip(DIMS, m.sp)))
    return m if lay is None or lay == (m.rows, m.cols) else dataclasses.replace(m, rows=lay[0], cols=lay[1])


def spatial_choices(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int],
                    layouts: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...], dict[str, int]]]:
    """Every (rows, cols, spatial factors) of the space for the GLB tile ``t1``, each set of
    factors once in its canonical layout (:func:`layout_for`): each layout of ``layouts``
    with its factors (:func:`_axis_factors`), then, with :func:`free_layouts`, every other
    set of factors 1..min(tile, larger axis) per dim that some split over the two axes
    fits (in lexicographic order over DIMS)."""
    seen: set[tuple[int, ...]] = set()
    for rows, cols in layouts:
        for r in _axis_factors(rows, spec.array.rows, t1):
            for c in _axis_factors(cols, spec.array.cols, t1):
                sp = dict.fromkeys(DIMS, 1)
                sp.update(r)
                sp.update(c)
                key = tuple(sp[d] for d in DIMS)
                if key not in seen:
                    seen.add(key)
                    yield rows, cols, sp
    if not free_layouts(spec):
        return
    top, pes = max(spec.array.rows, spec.array.cols), spec.array.rows * spec.array.cols
    for key in _factor_vectors([min(t1[d], top) for d in DIMS], pes):
        if key in seen:
            continue
        sp = dict(zip(DIMS, key))
        lay = layout_for(spec, [], sp)
        if lay is not None:
            yield lay[0], lay[1], sp


def _factor_vectors(caps: list[int], limit: int) -> Iterator[tuple[int, ...]]:
    """Every vector of factors 1..caps[i] whose product is at most ``limit``, lexicographic."""
    if not caps:
        yield ()
        return
    for f in range(1, min(caps[0], limit) + 1):
        for tail in _factor_vectors(caps[1:], limit // f):
            yield (f,) + tail


def _count_vectors(caps: tuple[int, ...], limit: int, tiles: tuple[int, ...]) -> int:
    """Σ k! over the vectors :func:`_factor_vectors` yields, k the number of their factors
    below ``tiles`` (counted by the product left and k, not vector by vector)."""
    ways = {(limit, 0): 1}  # (the product still allowed, k so far) -> the number of prefixes
    for cap, tile in zip(caps, tiles):
        nxt: dict[tuple[int, int], int] = {}
        for (left, k), n in ways.items():
            for f in range(1, min(cap, left) + 1):
                key = (left // f, k + (f < tile))
                nxt[key] = nxt.get(key, 0) + n
        ways = nxt
    return sum(n * math.factorial(k) for (_, k), n in ways.items())


def counted(p: Problem, df: Dataflow, m: Mapping) -> bool:
    """Whether the engine counts the mapping as the reference models do: no dim spread over
    the PEs has its RF loop above a keep level where a PE's share can fall short
    (``Mapping.unsupported_rf_loop``; only a free spatial dim such as OS's M can); with its
    own keep levels (``rf_loops``), ``Mapping.rf_split_error``'s rules (a spread dim with
    t3 > 1 covered whole by every pass; a spread E, F, R, S loop inside the ifmap's keep level)."""
    if m.rf_loops:
        return m.rf_split_error(p) is None
    return m.unsupported_rf_loop(df, p) is None


def rf_ok(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping) -> bool:
    """Whether the blocks the mapping keeps in a PE fit its RF (under its own keep levels)."""
    from .pinned import rf_loops_fit
    from .search import rf_fits

    if m.rf_loops:
        return rf_loops_fit(p, spec, df, m.rf_loops, m.keep_at)
    return rf_fits(p, spec, df, dict(zip(DIMS, m.t3)))


def keep_free(spec: HardwareSpec, df: Dataflow) -> bool:
    """Whether the space moves the keep levels: a dataflow with an RF whose RF loops nest as
    ``rf_order`` says (a hand-written ``Dataflow.order`` keeps its own)."""
    return df.uses_rf and spec.rf is not None and type(df).order is Dataflow.order


def _canonical_level(counts: list[int], k: int, floor: int = 0) -> int:
    """A keep level (the number of RF loops above the block; ``len(counts)``: streamed) in
    canonical form: a kept block inside a loop of one trip is the block inside the loop
    above it — the same elements, the same events — so the level moves out past such loops,
    down to ``floor`` (1 for a systolic array's weight and ifmap: there a block kept for the
    whole pass, level 0, is stationary and preloaded, kernel.glb_tile_parts_rf)."""
    if k >= len(counts):
        return len(counts)
    while k > floor and counts[k - 1] == 1:
        k -= 1
    return k


def _floors(systolic: bool) -> tuple[int, ...]:
    """Per type, the lowest level :func:`_canonical_level` folds a level ≥ 1 to."""
    return (1, 1, 0) if systolic else (0, 0, 0)


def _level_options(counts: list[int], systolic: bool) -> list[list[int]]:
    """Per type, the distinct keep levels (canonical form) of a nest of RF loops with these
    counts: the pass (0), inside each loop of more than one trip, streamed (``len(counts)``);
    on a systolic array weight and ifmap also inside the first loop."""
    n = len(counts)
    return [sorted({0, n} | {k for k in range(1, n) if counts[k - 1] > 1 or k == floor}) for floor in _floors(systolic)]


def keep_options(df: Dataflow, t3: tuple[int, ...], systolic: bool = False) -> list[list[int]]:
    """Per type (weight, ifmap, psum), its distinct keep levels for RF extents ``t3`` (indices
    into ``rf_order``, canonical form; :func:`_level_options`)."""
    return _level_options([dict(zip(DIMS, t3))[d] for d in df.rf_order], systolic)


def rf_split_nests(df: Dataflow, t3: tuple[int, ...], base: tuple[str, ...] | None = None,
                   orders: bool = False, max_splits: int | None = None) -> list[tuple[tuple[str, int], ...]]:
    """Every RF nest that splits one or more dims' RF loops in two each (``Mapping.rf_loops``
    with those dims twice; Timeloop's P4 at pe_spad and P14 at weight_reg): the loops of
    more than one trip in ``base``'s order (default ``rf_order``; with ``orders``, in every
    order), each split dim's (t3 = a · c, a, c ≥ 2) as an outer loop (d, a) and an inner
    loop (d, c) at any two places among the others (:func:`_insert_splits`), then the loops
    of one trip in ``rf_order``'s order (they never advance: where they sit changes no
    count); at most ``max_splits`` dims split (default: any number). Two adjacent loops of
    one dim are its one loop unless a keep level sits between them (:func:`rf_variants`).
    In order: the number of split dims (one first), the set of split dims (combinations in
    ``base``'s order), their splits by outer count (the first dim's slowest), the other
    loops' orders (lexicographic), the split loops' places (:func:`_insert_splits`)."""
    t3d = dict(zip(DIMS, t3))
    base = base or df.rf_order
    big = [d for d in base if t3d[d] > 1]
    ones = tuple((d, 1) for d in df.rf_order if t3d[d] == 1)
    can = [d for d in big if _pairs(t3d[d])]
    out = []
    for s in range(1, min(len(can), len(can) if max_splits is None else max_splits) + 1):
        for dims in itertools.combinations(can, s):
            others = [(e, t3d[e]) for e in big if e not in dims]
            for cuts in itertools.product(*(_pairs(t3d[d]) for d in dims)):
                for rest in (itertools.permutations(others) if orders else [others]):
                    for loops in _insert_splits(list(rest), list(zip(dims, cuts))):
                        out.append(tuple(loops) + ones)
    return out


def _insert_splits(seq: list[tuple[str, int]], cuts: list[tuple[str, tuple[int, int]]]) -> Iterator[list[tuple[str, int]]]:
    """Every nest of the loops ``seq`` (kept in their order) with, for each ``(d, (a, c))``
    of ``cuts``, an outer loop (d, a) and after it an inner loop (d, c): the first cut's
    outer loop at each place i of ``seq`` (0 .. len), its inner loop at each place j ≥ i of
    the rest, then the next cut's into that nest, likewise. Each nest once (removing the
    last cut's two loops gives back the nest it was inserted into)."""
    if not cuts:
        yield seq
        return
    (d, (a, c)), rest = cuts[0], cuts[1:]
    for i in range(len(seq) + 1):
        for j in range(i, len(seq) + 1):
            yield from _insert_splits(seq[:i] + [(d, a)] + seq[i:j] + [(d, c)] + seq[j:], rest)


def _split_inner(loops: tuple[tuple[str, int], ...]) -> int:
    """The index of the first inner loop of a split dim in an RF nest (-1: no dim split)."""
    seen: set[str] = set()
    for i, (d, _) in enumerate(loops):
        if d in seen:
            return i
        seen.add(d)
    return -1


def _split_dims(loops: tuple[tuple[str, int], ...]) -> dict[str, tuple[int, int]]:
    """Each split dim of an RF nest (a dim with two loops) with the indices of its outer
    and inner loop, in the order of their outer loops."""
    first: dict[str, int] = {}
    out: dict[str, tuple[int, int]] = {}
    for i, (d, _) in enumerate(loops):
        if d in first:
            out[d] = (first[d], i)
        else:
            first[d] = i
    return dict(sorted(out.items(), key=lambda x: x[1][0]))


def _merged(loops: tuple[tuple[str, int], ...], levels: tuple[int, ...]) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
    """The nest and keep levels in canonical form of the splits: each split dim whose two
    loops are adjacent with no keep level between them (the inner loop's index not a
    level) as its one loop (count a · c, at the outer loop's place), the levels below it
    one loop fewer; the other splits kept."""
    loops = list(loops)
    while True:
        for d, (i, j) in _split_dims(tuple(loops)).items():
            if j == i + 1 and j not in levels:
                loops[i : j + 1] = [(d, loops[i][1] * loops[j][1])]
                levels = tuple(k - (k > j) for k in levels)
                break
        else:
            return tuple(loops), levels


def keep_levels(df: Dataflow, m: Mapping) -> tuple[int, ...]:
    """The mapping's keep levels of weight, ifmap, psum as indices into its RF loops: the
    dataflow's ``rf_order`` (a mapping of the space with ``rf_loops`` has the dataflow's RF
    loops, or a nest of them with one or more dims split: :func:`rf_split_nests`)."""
    if m.rf_loops:
        return m.keep_at
    nest = m.nest(df)
    return tuple(nest.keep_level(t) for t in KEEP_TYPES)


def _perm(df: Dataflow, m: Mapping) -> tuple[str, ...]:
    """The dims of the mapping's RF nest by their outermost loop (the dataflow's
    ``rf_order`` for a mapping without ``rf_loops``)."""
    if m.rf_loops:
        return tuple(dict.fromkeys(d for d, _ in m.rf_loops))
    return df.rf_order


def rf_slots(df: Dataflow, t3: dict[str, int], perm: tuple[str, ...]) -> tuple[str, ...]:
    """An RF loop order in canonical form: ``rf_order`` with the places of its loops of
    more than one trip filled by those loops in ``perm``'s order (a loop of one trip never
    advances: where it sits changes no count, so it keeps its place in ``rf_order``)."""
    it = iter([d for d in perm if t3[d] > 1])
    return tuple(next(it) if t3[d] > 1 else d for d in df.rf_order)


def with_keep(df: Dataflow, m: Mapping, levels: tuple[int, ...], systolic: bool = False,
              perm: tuple[str, ...] | None = None) -> Mapping:
    """The mapping of the space with RF extents ``m.t3``, its RF loops one per dim in the
    order ``perm`` (default: the mapping's own, :func:`_perm`) and keep levels ``levels``
    (indices into ``perm``), in canonical form: the loops of more than one trip in
    ``perm``'s order in the places :func:`rf_slots` gives them, each block kept inside as
    many of those loops as before; the dataflow's own order and levels a mapping without
    ``rf_loops``, others ``rf_loops`` (their counts ``t3``, loops of one trip included)
    with ``keep_at``."""
    perm = perm if perm is not None else _perm(df, m)
    t3 = dict(zip(DIMS, m.t3))
    slots = rf_slots(df, t3, perm)
    n = len(slots)
    if tuple(perm) != slots:  # the block under the same number of loops of more than one trip
        bigs = [i for i, d in enumerate(slots) if t3[d] > 1]

        def place(k: int) -> int:
            if k == 0 or k >= n:
                return min(k, n)
            nb = sum(1 for d in perm[:k] if t3[d] > 1)
            return bigs[nb - 1] + 1 if nb else (bigs[0] if bigs else k)

        levels = tuple(place(k) for k in levels)
    counts = [t3[d] for d in slots]
    floors = _floors(systolic)
    levels = tuple(_canonical_level(counts, k, f) for k, f in zip(levels, floors))
    if slots == df.rf_order:
        own = tuple(_canonical_level(counts, df.keep_level(t), f) for t, f in zip(KEEP_TYPES, floors))
        if levels == own:
            return dataclasses.replace(m, rf_order=(), rf_loops=(), keep_at=())
    return dataclasses.replace(m, rf_order=(), rf_loops=tuple((d, t3[d]) for d in slots), keep_at=levels)


def rf_orders(df: Dataflow, t3: tuple[int, ...]) -> list[tuple[str, ...]]:
    """Every distinct RF loop order of these extents (:func:`rf_slots`): the loops of more
    than one trip in every order, the dataflow's own first, then the permutations of
    those loops in lexicographic order of their places in ``rf_order``."""
    t = dict(zip(DIMS, t3))
    big = [d for d in df.rf_order if t[d] > 1]
    return [rf_slots(df, t, q) for q in itertools.permutations(big)]


def pass_counts(p: Problem, m: Mapping) -> dict[str, int]:
    """The array passes per dim in a whole GLB tile: ⌈tile / (spatial factor · RF
    extent)⌉ (R, S: the whole filter), kernel._npass; a partial last tile has no more."""
    tile = dict(zip(TILE_DIMS, m.t1))
    b = dict(zip(DIMS, p.bounds))
    return {d: -(-min(tile.get(d, b[d]), b[d]) // (sp * t)) for d, sp, t in zip(DIMS, m.sp, m.t3)}


def with_pass(p: Problem, df: Dataflow, m: Mapping, order: tuple[str, ...] = ()) -> Mapping:
    """The mapping with pass loop order ``order`` (the 8 dims, outermost first; (): the
    dataflow's) in canonical form: only the order of the loops of more than one pass
    changes a count, so those keep their order after the others (in DIMS order), and an
    order whose loops of more than one pass are in the dataflow's order is the dataflow's ()."""
    cnt = pass_counts(p, m)
    order = tuple(order) or df.pass_order
    big = tuple(d for d in order if cnt[d] > 1)
    if big == tuple(d for d in df.pass_order if cnt[d] > 1):
        return dataclasses.replace(m, pass_order=()) if m.pass_order else m
    out = tuple(d for d in DIMS if cnt[d] == 1) + big
    return m if m.pass_order == out else dataclasses.replace(m, pass_order=out)


def pass_orders(p: Problem, df: Dataflow, m: Mapping) -> list[tuple[str, ...]]:
    """Every distinct pass loop order of the mapping's passes (:func:`with_pass`'s form):
    the dataflow's () first, then every other order of the loops of more than one pass,
    their permutations in lexicographic order of their places in the dataflow's."""
    cnt = pass_counts(p, m)
    big = [d for d in df.pass_order if cnt[d] > 1]
    ones = tuple(d for d in DIMS if cnt[d] == 1)
    return [()] + [ones + q for q in itertools.permutations(big) if list(q) != big]


def kept(df: Dataflow, m: Mapping) -> tuple[bool, ...]:
    """Whether the RF keeps weight, ifmap, psum at all (not streamed): all the lower bound
    (engine/bound.py) reads of the keep levels."""
    n = len(m.rf_loops) if m.rf_loops else len(df.rf_order)
    return tuple(k < n for k in keep_levels(df, m))


def rf_variants(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, max_splits: int | None = None) -> list[Mapping]:
    """The mappings of the space with ``m``'s tiles, layout, factors, RF extents and pass
    order: the dataflow's RF loops under every combination of the types' keep levels
    (:func:`keep_options`; the dataflow's own first), every other order of the RF loops
    of more than one trip (:func:`rf_orders`) under every combination of its levels, then
    every split RF nest (one dim split, then two, ...), its other loops in every order
    (:func:`rf_split_nests`), under every combination of its levels (a nest with a split
    dim's two loops adjacent: those with a level between them, else it is the nest with
    that dim's one loop, :func:`_merged`; at most ``max_splits`` dims split, default any
    number) — those the engine counts (:func:`counted`) whose blocks fit (:func:`rf_ok`)."""
    systolic = spec.array.kind == "systolic"
    plain = dataclasses.replace(m, rf_loops=(), keep_at=())
    if not keep_free(spec, df):
        cands = [plain]
    else:
        own = keep_levels(df, plain)
        cands = [with_keep(df, m, k, systolic) for k in
                 [own] + [k for k in itertools.product(*keep_options(df, m.t3, systolic)) if with_keep(df, m, k, systolic).rf_loops]]
        t3 = dict(zip(DIMS, m.t3))
        for slots in rf_orders(df, m.t3)[1:]:
            loops = tuple((d, t3[d]) for d in slots)
            for k in itertools.product(*_level_options([c for _, c in loops], systolic)):
                cands.append(dataclasses.replace(m, rf_order=(), rf_loops=loops, keep_at=k))
        for loops in rf_split_nests(df, m.t3, orders=True, max_splits=max_splits):
            adjacent = [j for i, j in _split_dims(loops).values() if j == i + 1]
            for k in itertools.product(*_level_options([c for _, c in loops], systolic)):
                if all(j in k for j in adjacent):
                    cands.append(dataclasses.replace(m, rf_order=(), rf_loops=loops, keep_at=k))
    return [mk for mk in cands if rf_ok(p, spec, df, mk) and counted(p, df, mk)]


def rf_levels(df: Dataflow, m: Mapping) -> tuple[int, ...]:
    """Each type's keep level as an index into the mapping's RF loops one per dim
    (:func:`_perm`; :func:`keep_levels`); of a split RF nest (any number of dims split),
    the place in them of the dim of the outermost loop inside its block's level."""
    if _split_inner(m.rf_loops) < 0:
        return keep_levels(df, m)
    n = len(m.rf_loops)
    perm = _perm(df, m)
    return tuple(len(perm) if k >= n else perm.index(m.rf_loops[k][0]) for k in m.keep_at)


def level_options(df: Dataflow, m: Mapping, systolic: bool = False) -> list[list[int]]:
    """Per type the keep levels of the mapping's own RF nest (:func:`keep_options`, or a
    split nest's :func:`_level_options`, any number of dims split)."""
    if _split_inner(m.rf_loops) < 0:
        return keep_options(df, m.t3, systolic)
    return _level_options([c for _, c in m.rf_loops], systolic)


def with_levels(df: Dataflow, m: Mapping, levels: tuple[int, ...], systolic: bool = False) -> Mapping:
    """The mapping with keep levels ``levels`` of its own RF nest, in the space's form
    (:func:`with_keep`; of a split nest, each split dim whose two adjacent loops no level
    separates as that dim's one loop: :func:`_merged`; no split left, :func:`with_keep`)."""
    if _split_inner(m.rf_loops) < 0:
        return with_keep(df, m, levels, systolic)
    counts = [c for _, c in m.rf_loops]
    levels = tuple(_canonical_level(counts, k, f) for k, f in zip(levels, _floors(systolic)))
    loops, levels = _merged(m.rf_loops, levels)
    if _split_inner(loops) < 0:  # every split dim's one loop
        return with_keep(df, dataclasses.replace(m, rf_loops=(), keep_at=()), levels, systolic, perm=tuple(d for d, _ in loops))
    return dataclasses.replace(m, rf_loops=loops, keep_at=levels)


def respan(df: Dataflow, m: Mapping, systolic: bool = False) -> Mapping:
    """A mapping of the space built from another by a move of its tiles, factors or RF
    extents (``m.t3`` new, ``m.rf_loops`` and ``keep_at`` the old mapping's), in the space's
    form: its RF loop order and keep levels kept (:func:`with_keep`); a split RF nest kept where
    its counts still are the new extents, else every split dim's loops merged into one, each
    type's level at its block's outermost loop (:func:`rf_levels`). (The pass order's canonical
    form needs the layer: :func:`with_pass`.)"""
    if _split_inner(m.rf_loops) < 0:
        return with_keep(df, m, keep_levels(df, m), systolic)
    t3 = dict(zip(DIMS, m.t3))
    if all(math.prod(c for e, c in m.rf_loops if e == d) == t3[d] for d in df.rf_order):
        return m
    return with_keep(df, dataclasses.replace(m, rf_loops=(), keep_at=()), rf_levels(df, m), systolic, perm=_perm(df, m))


def split_moves(df: Dataflow, m: Mapping, systolic: bool = False, between: bool = True, dim: str | None = None) -> list[Mapping]:
    """The split RF nests next to a mapping (the full search's descent): every nest of
    :func:`rf_split_nests` splitting one dim for its extents (of a split nest: of its
    dims' one loop each, in the order of their outermost loops), each type's level at the
    nest's loop of the block it had (the loops above it those of the dims ``rf_order``
    puts above it), and each of those with one type's level between the split loops (a
    block of the inner part; not with ``between`` False); then, of a split nest, the
    nests that also split another dim's loop (:func:`_split_more`). ``dim``: only the
    nests that split that dim's loop."""
    base = rf_levels(df, m)
    perm = _perm(df, m)
    out = []
    for loops in rf_split_nests(df, m.t3, base=perm, max_splits=1):
        inner = _split_inner(loops)
        if dim is not None and loops[inner][0] != dim:
            continue
        big = sum(1 for _, c in loops if c > 1)
        mapped = tuple(len(loops) if k >= len(perm) else sum(1 for e, _ in loops[:big] if perm.index(e) < k)
                       for k in base)
        split = dataclasses.replace(m, rf_order=(), rf_loops=loops, keep_at=())
        for levels in dict.fromkeys([mapped] + [mapped[:i] + (inner,) + mapped[i + 1 :] for i in range(len(KEEP_TYPES) if between else 0)]):
            out.append(with_levels(df, split, levels, systolic))
    if _split_inner(m.rf_loops) >= 0:
        out += _split_more(df, m, systolic, between, dim)
    return list(dict.fromkeys(out))


def _split_more(df: Dataflow, m: Mapping, systolic: bool = False, between: bool = True, dim: str | None = None) -> list[Mapping]:
    """The nests next to a split RF nest that also split one more dim's loop: each loop of
    a dim not yet split (in the nest's order; only ``dim``'s with ``dim``) whose count t
    splits (t = a · c, a, c ≥ 2, by outer count) taken out and put back as (d, a) and (d, c)
    at every two places among the other loops of more than one trip (:func:`_insert_splits`),
    each type's block under the loops it was under (those above its level, both of d's
    where d's loop was), and each of those with one type's level between d's two loops
    (not with ``between`` False); in the space's form (:func:`with_levels`)."""
    loops, n = m.rf_loops, len(m.rf_loops)
    big = sum(1 for _, c in loops if c > 1)
    done = _split_dims(loops)
    out = []
    for x, (d, t) in enumerate(loops[:big]):
        if d in done or (dim is not None and d != dim):
            continue
        seq = [(o, loops[o]) for o in range(big) if o != x]  # each loop tagged with its index in m's nest
        for a, c in _pairs(t):
            for i in range(len(seq) + 1):
                for j in range(i, len(seq) + 1):
                    tagged = seq[:i] + [(x, (d, a))] + seq[i:j] + [(x, (d, c))] + seq[j:]
                    nest = tuple(lp for _, lp in tagged) + loops[big:]
                    mapped = tuple(n + 1 if k >= n else sum(1 for o, _ in tagged if o < k) for k in m.keep_at)
                    split = dataclasses.replace(m, rf_loops=nest, keep_at=())
                    inner = j + 1
                    for levels in dict.fromkeys([mapped] + [mapped[:q] + (inner,) + mapped[q + 1 :] for q in range(len(KEEP_TYPES) if between else 0)]):
                        out.append(with_levels(df, split, levels, systolic))
    return out


def whole_dims(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int]) -> dict[str, int]:
    """The per-PE extents of the RF loops a pass covers whole (R, S and the dataflow's
    ``full_in_pass`` dims), halved as ``search.t3_options`` does where even the smallest
    block does not fit; 1 for every other dim."""
    from .search import rf_fits

    base = dict.fromkeys(DIMS, 1)
    for d in df.rf_order:
        if d in df.full_in_pass or d in ("R", "S"):
            base[d] = t1[d]
    while not rf_fits(p, spec, df, base):
        live = [d for d in df.rf_order if base[d] > 1]
        if not live:
            break
        d = max(live, key=lambda x: base[x])
        base[d] = -(-base[d] // 2)
    return base


def whole_share(base: dict[str, int], sp: dict[str, int]) -> dict[str, int]:
    """:func:`whole_dims`' extents per PE where the PEs also spread such a dim (a free
    layout can: R across the rows under WS): ⌈extent / spatial factor⌉, each PE its share of
    what the pass covers (at the full extent all but one PE along it would idle)."""
    return {d: -(-v // sp[d]) for d, v in base.items()}


def free_rf_dims(df: Dataflow, t1: dict[str, int]) -> list[str]:
    return [d for d in df.rf_order if d not in df.full_in_pass and d not in ("R", "S") and t1[d] > 1]


def _axis_factors(dims: tuple[str, ...], size: int, t1: dict[str, int]) -> Iterator[dict[str, int]]:
    if not dims:
        yield {}
        return
    first, rest = dims[0], dims[1:]
    for f in range(1, min(t1[first], size) + 1):
        for tail in _axis_factors(rest, size // f, t1):
            yield {first: f, **tail}


def enumerate_space(p: Problem, spec: HardwareSpec, df: Dataflow) -> Iterator[Mapping]:
    """Every mapping of the space, each once (orders and keep levels in canonical form)."""
    from .search import glb_fits

    b = dict(zip(DIMS, p.bounds))
    layouts = layouts_of(p, spec, df)
    for sizes in itertools.product(*(range(1, b[d] + 1) for d in TILE_DIMS)):
        t1 = dict(zip(TILE_DIMS, sizes))
        t1["R"], t1["S"] = p.R, p.S
        if not glb_fits(p, spec, t1):
            continue
        base = whole_dims(p, spec, df, t1)
        free = free_rf_dims(df, t1)
        orders = orders_of(sizes, b)
        nests = split_nests(sizes, b)
        for rows, cols, sp in spatial_choices(p, spec, df, t1, layouts):
            sp_t = tuple(sp[d] for d in DIMS)
            share = whole_share(base, sp)
            for ext in itertools.product(*(range(1, -(-t1[d] // sp[d]) + 1) for d in free)):
                t3 = dict(share)
                t3.update(zip(free, ext))
                t3_t = tuple(t3[d] for d in DIMS)
                base_m = Mapping(df.name, sizes, orders[0], sp_t, t3_t, rows, cols)
                passes = pass_orders(p, df, base_m)
                for mk in rf_variants(p, spec, df, base_m):
                    for po in passes:
                        mp = dataclasses.replace(mk, pass_order=po)
                        for o in orders:
                            yield dataclasses.replace(mp, dram_order=o)
                        for loops in nests:
                            yield dataclasses.replace(mp, dram_order=nest_label(loops), dram_loops=loops)


def size_bound(p: Problem, spec: HardwareSpec, df: Dataflow, stop: int | None = None) -> int:
    """An upper bound of the number of mappings :func:`enumerate_space` yields (every
    tile size, its orders, each layout's factors up to the tile and the axis, every free
    RF extent up to the tile, every RF and pass loop order, every split RF nest of any
    number of split dims, every type's keep level, fits ignored); the count stops
    growing past ``stop``."""
    b = dict(zip(DIMS, p.bounds))
    layouts = layouts_of(p, spec, df)
    total = 0
    for sizes in itertools.product(*(range(1, b[d] + 1) for d in TILE_DIMS)):
        t1 = dict(zip(TILE_DIMS, sizes))
        t1["R"], t1["S"] = p.R, p.S
        tiled = sum(1 for d in TILE_DIMS if -(-b[d] // t1[d]) > 1)
        if free_layouts(spec):
            # every set of factors whose product the PEs hold (:func:`spatial_choices`), each
            # with the orders of its pass loops that can have more than one pass (k of them:
            # the dims of a tile larger than their factor, k! orders)
            top = max(spec.array.rows, spec.array.cols)
            spatial = _count_vectors(tuple(min(t1[d], top) for d in DIMS), spec.array.rows * spec.array.cols,
                                     tuple(t1[d] for d in DIMS))
        else:  # per layout, its factors, each with the orders of the pass loops of every dim of a tile > 1
            spatial = math.factorial(sum(1 for d in DIMS if t1[d] > 1)) * sum(
                math.prod(min(t1[d], spec.array.rows) for d in rows) * math.prod(min(t1[d], spec.array.cols) for d in cols)
                for rows, cols in layouts
            )
        cnt = [-(-b[d] // t1[d]) for d in TILE_DIMS]
        # split nests: per split of one dim, (k+1)!/2 arrangements of k + 1 loops, k! of them adjacent
        nests = sum(len(_pairs(c)) for c in cnt) * (math.factorial(tiled) * (tiled - 1) // 2)
        keeps = 1
        if keep_free(spec, df):  # per type: the pass, inside the first loop and each that can have more than one trip, streamed
            # per order of the k RF loops that can have more than one trip (k! of them)
            k = sum(1 for d in df.rf_order if t1[d] > 1)
            keeps = (3 + min(len(df.rf_order) - 1, sum(1 for d in df.rf_order[:-1] if t1[d] > 1))) ** 3 * math.factorial(k)
            # split RF nests: per split of a dim's extent, (k+1)k/2 places of its two loops among
            # the k - 1 other loops of more than one trip in any of their (k - 1)! orders, each
            # with k + 3 levels per type at most
            cuts = [max(len(_pairs(v)) for v in range(1, t1[d] + 1)) for d in df.rf_order]
            splits = sum(cuts)
            keeps += splits * (k + 1) * k // 2 * math.factorial(max(k - 1, 0)) * (k + 3) ** 3
            # s ≥ 2 dims split: per set of them and split of each, (k + s)! / 2^s arrangements of
            # their k + s loops (each dim's outer loop before its inner), k + s + 3 levels per type at most
            can = [x for x in cuts if x]
            for s in range(2, min(len(can), k) + 1):
                sets = sum(math.prod(q) for q in itertools.combinations(can, s))
                keeps += sets * math.factorial(k + s) // 2**s * (k + s + 3) ** 3
        total += (math.factorial(tiled) + nests) * spatial * math.prod(t1[d] for d in free_rf_dims(df, t1)) * keeps
        if stop is not None and total > stop:
            return total
    return total


def _draw_tiles(b: dict[str, int], rng: np.random.Generator, k: int, max_tiles: int | None) -> np.ndarray:
    """``k`` GLB tiles (rows of N G M C E F) drawn at once: per row, the dims in a random
    order, each a number of tiles log-uniform within what is left of ``max_tiles`` and a
    tile size uniform among the sizes that cut the dim into that many tiles."""
    bounds = np.array([b[d] for d in TILE_DIMS], np.int64)
    left = np.full(k, max_tiles if max_tiles is not None else int(np.prod(bounds)), np.int64)
    t = np.empty((k, len(TILE_DIMS)), np.int64)
    rows = np.arange(k)
    order = np.argsort(rng.random((k, len(TILE_DIMS))), axis=1)
    for j in range(len(TILE_DIMS)):
        d = order[:, j]
        bd = bounds[d]
        n = np.minimum(bd, left)
        tiles = np.clip(np.exp(rng.random(k) * np.log(n + 1.0)).astype(np.int64), 1, n)
        left //= tiles
        lo = -(-bd // tiles)
        hi = np.maximum(lo, np.where(tiles > 1, (bd - 1) // np.maximum(tiles - 1, 1), bd))
        t[rows, d] = lo + (rng.random(k) * (hi - lo + 1)).astype(np.int64)
    return t


KEEP_SHARE = 0.5  # of the random draws of a dataflow whose keep levels move, the share drawn with random ones
ORDER_SHARE = 0.5  # of the draws, the share with a random pass order; of those with random keep levels, with a random RF order
RF_SPLIT_SHARE = 0.25  # of those whose RF extents allow one, the share drawn with a split RF nest (rf_split_nests)
MULTI_SPLIT_SHARE = 0.5  # of the split RF nests drawn, while another dim's loop can split, the share with it split too
SPLIT_SHARE = 0.25  # of the random draws whose tiling can split a dim's DRAM loop, the share drawn split
FREE_SHARE = 0.5  # on a multicast array, the share of the draws on a random layout (free_layouts), not one of layouts_of


def _draw_split(rng: np.random.Generator, t1: tuple[int, ...], b: dict[str, int], order: str) -> tuple[tuple[str, int], ...]:
    """A split nest (:func:`split_nests`) for :data:`SPLIT_SHARE` of the draws where one
    exists: a tiled dim with a split, a split of it, the inner loop at a random place of
    the order at least two loops inside the outer one; else () (the order alone)."""
    cnt = {d: -(-b[d] // t) for d, t in zip(TILE_DIMS, t1)}
    tiled = [d for d in order if cnt[d] > 1]
    can = [d for d in tiled if _pairs(cnt[d]) and tiled.index(d) < len(tiled) - 1]
    if not can or rng.random() >= SPLIT_SHARE:
        return ()
    d = can[int(rng.integers(len(can)))]
    pairs = _pairs(cnt[d])
    a, c = pairs[int(rng.integers(len(pairs)))]
    i = tiled.index(d)
    j = int(rng.integers(i + 2, len(tiled) + 1))  # the inner loop goes before position j of the order
    loops = [(e, cnt[e]) for e in tiled]
    loops[i] = (d, a)
    loops.insert(j, (d, c))
    return tuple(loops)


def _draw_more_splits(rng: np.random.Generator, loops: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """The split RF nest ``loops`` with further dims split, while a loop of more than one
    trip of a dim not yet split has a split (``_pairs``) and with :data:`MULTI_SPLIT_SHARE`
    each time: such a loop drawn uniformly, a split of it, its loop taken out and the outer
    (d, a) put back at a uniform place among the loops of more than one trip, the inner
    (d, c) at a uniform place at or after it; () where no further dim is split."""
    loops, added = list(loops), False
    while True:
        done = _split_dims(tuple(loops))
        can = [x for x, (d, c) in enumerate(loops) if c > 1 and d not in done and _pairs(c)]
        if not can or rng.random() >= MULTI_SPLIT_SHARE:
            return tuple(loops) if added else ()
        x = can[int(rng.integers(len(can)))]
        d, t = loops[x]
        big = sum(1 for _, c in loops if c > 1)
        seq, ones = loops[:x] + loops[x + 1 : big], loops[big:]
        pairs = _pairs(t)
        a, c = pairs[int(rng.integers(len(pairs)))]
        i = int(rng.integers(len(seq) + 1))
        j = int(rng.integers(i, len(seq) + 1))
        loops, added = seq[:i] + [(d, a)] + seq[i:j] + [(d, c)] + seq[j:] + ones, True


def _separate(rng: np.random.Generator, loops: tuple[tuple[str, int], ...], levels: list[int]) -> None:
    """Keep levels (in place) that keep a split nest's dims split: for each split dim whose
    two loops are adjacent with no level between them, a type not already at such a place
    (drawn uniformly) moved between them, while there is one (the others merge:
    :func:`_merged`)."""
    need = [j for i, j in _split_dims(loops).values() if j == i + 1]
    held = {t for t, k in enumerate(levels) if k in need}
    for j in need:
        if j in levels:
            continue
        free = [t for t in range(len(levels)) if t not in held]
        if not free:
            return
        t = free[int(rng.integers(len(free)))]
        levels[t] = j
        held.add(t)


def random_mappings(
    p: Problem, spec: HardwareSpec, df: Dataflow, rng: np.random.Generator, n: int, max_tiles: int | None = None, tries: int = 1000
) -> list[Mapping]:
    """``n`` mappings of the space drawn at random (fewer when ``tries`` × ``n`` draws do
    not yield them): GLB tiles as :func:`_draw_tiles` draws them, in batches, those that
    fit every buffer kept; per kept tile a random layout — one of :func:`layouts_of`, or
    on a multicast array for :data:`FREE_SHARE` of the draws each dim of a tile > 1 on
    the rows, the columns or neither at random — and factors (the dims of an axis
    in random order, each a uniform factor of what the axis has left; the layout then
    in canonical form, :func:`with_layout`), RF extents
    log-uniform, a random DRAM order (canonical form), for :data:`KEEP_SHARE` of the draws
    (where :func:`keep_free`) each type's keep level uniform among :func:`keep_options`
    (else the dataflow's) — :data:`RF_SPLIT_SHARE` of those, where the extents allow one,
    on a random nest splitting one dim (:func:`rf_split_nests`), :data:`ORDER_SHARE` of
    them with their other RF loops of more than one trip in a random order, and of those,
    while another dim's loop can split, :data:`MULTI_SPLIT_SHARE` with it split too
    (:func:`_draw_more_splits`, from a stream spawned from the orders' seed, the levels
    then drawn anew from it; where that nest's blocks do not fit or the engine does not
    count it, the draw keeps its nest splitting one dim: every other draw stays as it
    was) —, for :data:`ORDER_SHARE` of
    all draws a random pass order (:func:`with_pass`); kept when the RF blocks fit and
    the engine counts it. Not
    uniform over the space; every mapping of it (with at most ``max_tiles`` GLB tiles)
    can be drawn. Seeded by ``rng`` (the orders and the free layouts' choices by streams
    spawned from its seed): the same draws on every run."""
    from .search import _tiles_fit

    b = dict(zip(DIMS, p.bounds))
    layouts = layouts_of(p, spec, df)
    # the loop orders from a stream of their own (spawned from ``rng``'s seed, which leaves
    # its stream as it was): the other choices are those of the draws without orders
    orng = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    # the free layouts from a third (spawned after the orders' stream: it stays as it was)
    lrng = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    free = free_layouts(spec)
    srng = np.random.default_rng(orng.bit_generator.seed_seq.spawn(1)[0])  # the further split dims'
    out: list[Mapping] = []
    batch = max(64, 4 * n)
    drawn = 0
    while len(out) < n and drawn < tries * n:
        tiles = _draw_tiles(b, rng, batch, max_tiles)
        drawn += batch
        for sizes in map(tuple, tiles[_tiles_fit(p, spec, tiles)].tolist()):
            t1 = dict(zip(TILE_DIMS, sizes))
            t1["R"], t1["S"] = p.R, p.S
            rows, cols = layouts[int(rng.integers(len(layouts)))]
            if free and lrng.random() < FREE_SHARE:  # each dim of more than one along a random axis, or none
                axis = lrng.integers(3, size=len(DIMS)).tolist()
                rows, cols = (tuple(d for d, a in zip(DIMS, axis) if a == k and t1[d] > 1) for k in (1, 2))
            sp = dict.fromkeys(DIMS, 1)
            for dims, size in ((rows, spec.array.rows), (cols, spec.array.cols)):
                left = size
                for d in rng.permutation(len(dims)).tolist():
                    f = int(rng.integers(1, min(t1[dims[d]], left) + 1))
                    sp[dims[d]] = f
                    left //= f
            t3 = whole_share(whole_dims(p, spec, df, t1), sp)
            for d in free_rf_dims(df, t1):
                share = -(-t1[d] // sp[d])
                t3[d] = min(share, max(1, int(math.exp(rng.uniform(0.0, math.log(share + 1))))))
            order = canonical_order("".join(TILE_DIMS[i] for i in rng.permutation(len(TILE_DIMS)).tolist()), sizes, b)
            loops = _draw_split(rng, sizes, b, order)
            m = with_layout(spec, layouts, Mapping(df.name, sizes, nest_label(loops) if loops else order, tuple(sp[d] for d in DIMS),
                                                   tuple(t3[d] for d in DIMS), rows, cols, dram_loops=loops))
            if keep_free(spec, df) and rng.random() < KEEP_SHARE:
                systolic = spec.array.kind == "systolic"
                nests = rf_split_nests(df, m.t3, max_splits=1)
                if nests and rng.random() < RF_SPLIT_SHARE:
                    loops = nests[int(rng.integers(len(nests)))]
                    if orng.random() < ORDER_SHARE:  # the other loops of more than one trip in a random order
                        inner = _split_inner(loops)
                        d = loops[inner][0]
                        ix = [i for i, (e, c) in enumerate(loops) if c > 1 and e != d]
                        moved = [loops[i] for i in orng.permutation(ix).tolist()]
                        lst = list(loops)
                        for i, x in zip(ix, moved):
                            lst[i] = x
                        loops = tuple(lst)
                    levels = [o[int(rng.integers(len(o)))] for o in _level_options([c for _, c in loops], systolic)]
                    inner = _split_inner(loops)
                    if loops[inner - 1][0] == loops[inner][0] and inner not in levels:  # else the dim's one loop
                        levels[int(rng.integers(len(levels)))] = inner
                    one = with_levels(df, dataclasses.replace(m, rf_order=(), rf_loops=loops), tuple(levels), systolic)
                    more = _draw_more_splits(srng, loops)
                    if more:  # kept where it fits and the engine counts it, else the nest splitting one dim
                        lv = [o[int(srng.integers(len(o)))] for o in _level_options([c for _, c in more], systolic)]
                        _separate(srng, more, lv)
                        m = with_levels(df, dataclasses.replace(m, rf_order=(), rf_loops=more), tuple(lv), systolic)
                        if not (rf_ok(p, spec, df, m) and counted(p, df, m)):
                            m = one
                    else:
                        m = one
                else:
                    m = with_keep(df, m, tuple(o[int(rng.integers(len(o)))] for o in keep_options(df, m.t3, systolic)), systolic)
                    if orng.random() < ORDER_SHARE:  # the RF loops of more than one trip in a random order, the levels' places kept
                        slots = rf_slots(df, dict(zip(DIMS, m.t3)), tuple(orng.permutation(list(df.rf_order)).tolist()))
                        m = with_keep(df, m, keep_levels(df, m), systolic, perm=slots)
            if orng.random() < ORDER_SHARE:
                m = with_pass(p, df, m, tuple(orng.permutation(list(DIMS)).tolist()))
            if not rf_ok(p, spec, df, m) or not counted(p, df, m):
                continue
            out.append(m)
            if len(out) == n:
                break
    return out
