"""The mapper: candidate mappings that fit the machine, scored by the engine.

For one layer and dataflow it builds a fixed enumeration of candidates (docs/engine.md §6):

- GLB tilings: tiles that fit every global buffer (a bound on one tile's footprint, per
  buffer, at the data type's width; halved where the buffer is double-buffered) — the
  three largest on a grid of tile sizes and those found by halving the dims in three
  priorities, under the first DRAM loop order, then for each of three loop orders
  (outputs, weights or inputs kept on chip longest) the two maximal grid tiles that move
  the least DRAM data;
- spatial layouts and factors for the dataflow's row and column dims (and the filters M
  spread beside the output pixels on their axis: where E/F leave it half idle, and as
  PE sets — Eyeriss JSSC'17 Fig. 5, CONV1 E7 × M2 on the columns — where M leaves the
  other axis for it, :data:`SETS`): as many PEs as the dim fills, or the same number of
  passes with the work spread evenly, and for a dim followed by others on its axis also
  1/2 and 1/4 of the axis (:data:`ROOM`: RS's C × M on the rows, E × M on the columns —
  the better mappings of benchmarks/mapper_quality.py use fewer PEs than "fill an axis");
- per-PE RF extents that fit the RF (the block each data type keeps, per PE);

scores every candidate with the engine, tries the best three again under the other loop
orders, and keeps the best for the objective (energy, latency or EDP). Ties are broken by
the candidate's position in this fixed enumeration order, so the result is deterministic.
:func:`exhaustive_mapping` does exactly that; :func:`search_mapping`, which the runs use,
makes the same choice while skipping tilings whose lower bound cannot win, and
:func:`best_mapping` remembers the choice per layer shape, machine and dataflow.
"""
from __future__ import annotations

import functools
import math
from dataclasses import replace

import numpy as np


from ..dataflow import Dataflow
from ..errors import AccelsimError
from ..hardware import HardwareSpec
from ..hardware.spec import RFSpec
from ..engine.evaluate import LayerCost, bypassing, evaluate, machine_arrays, static_per_cycle
from ..engine.evaluate import cost_vector, counted
from ..engine.evaluate import score as fast_score
from ..engine import kernel as K
from ..engine.bound import cycles_bound_bw, dram_traffic, energy_bound, lower_bound, lower_bound_walked, spread_factors
from ..engine.tiles import walk_tiles
from ..engine.problem import DIMS, Problem
from .mapping import TILE_DIMS, Mapping
from .rf_blocks import largest_blocks

FINALISTS = 3  # candidates tried again with every DRAM loop order
ORDERS = ("NGMEFC", "GMCNEF", "NGCEFM")  # C innermost (outputs stay), N/E/F innermost (weights stay), M innermost (ifmaps stay)
SHRINK = ("CMEFNG", "MCEFNG", "EFMCNG")
OBJECTIVES = ("energy", "latency", "edp")
SETS = True  # PE sets: M beside the output pixels on their axis, also where they could fill it
ROOM: tuple[int, ...] = (2, 4)  # a dim followed by others on its axis (RS: C then M on the rows) also takes 1/2 and 1/4 of it


def _factors(n: int, size: int) -> list[int]:
    """Spatial factors for a dim of n on `size` PEs: fill them, or spread n evenly."""
    if n <= 0 or size <= 0:
        return [1]
    full = min(n, size)
    even = -(-n // -(-n // full))
    return sorted({full, even}, reverse=True)


def spatial_dims(p: Problem, df: Dataflow) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dataflow's row and column dims — with the groups G taking the place of C (or M)
    when a group has a single channel (depthwise: G = C = M), so the PEs stay busy."""
    b = dict(zip(DIMS, p.bounds))
    rows, cols = list(df.rows), list(df.cols)
    if b["G"] > 1 and "G" not in rows + cols:
        for d in ("C", "M"):
            for axis in (rows, cols):
                if d in axis and b[d] == 1:
                    axis[axis.index(d)] = "G"
                    return tuple(rows), tuple(cols)
    return tuple(rows), tuple(cols)


def spatial_options(
    p: Problem, df: Dataflow, rows: int, cols: int, layout: tuple[tuple[str, ...], tuple[str, ...]] | None = None
) -> list[dict[str, int]]:
    b = dict(zip(DIMS, p.bounds))
    out = []
    row_dims, col_dims = layout or spatial_dims(p, df)

    def axis(dims: tuple[str, ...], size: int) -> list[dict[str, int]]:
        if not dims:
            return [{}]
        first, rest = dims[0], dims[1:]
        opts = []
        fs = _factors(b[first], size)
        if ROOM and first not in ("R", "S") and any(b[d] > 1 for d in rest):
            # room for the dims after it on the axis (C x M on RS's rows, E x M on its columns)
            fs = sorted(set(fs) | {size // k for k in ROOM if 1 <= size // k < min(b[first], size)}, reverse=True)
        for f in fs:
            for tail in axis(rest, size // f):
                if {first: f, **tail} not in opts:
                    opts.append({first: f, **tail})
        return opts

    for r in axis(row_dims, rows):
        for c in axis(col_dims, cols):
            sp = dict.fromkeys(DIMS, 1)
            sp.update(r)
            sp.update(c)
            out.append(sp)
    return out


def rf_block(p: Problem, df: Dataflow, t3: dict[str, int], dtype: str) -> int:
    """Elements of ``dtype`` one PE keeps (its RF block at the keep level)."""
    k = df.keep_level(dtype)
    if k >= len(df.rf_order):
        return 0
    ext = {d: (t3[d] if (d not in df.rf_order or df.rf_order.index(d) >= k) else 1) for d in DIMS}
    if dtype == "weight":
        return ext["G"] * ext["M"] * ext["C"] * ext["R"] * ext["S"]
    if dtype == "psum":
        return ext["N"] * ext["G"] * ext["M"] * ext["E"] * ext["F"]
    rows = min(p.H, (ext["E"] - 1) * p.U + (ext["R"] - 1) * p.D + 1)
    cols = min(p.W, (ext["F"] - 1) * p.U + (ext["S"] - 1) * p.D + 1)
    return ext["N"] * ext["G"] * ext["C"] * rows * cols


def rf_fits(p: Problem, spec: HardwareSpec, df: Dataflow, t3: dict[str, int]) -> bool:
    if not df.uses_rf:
        return True
    rf = spec.rf
    if rf is None:
        return False
    need = {t: rf_block(p, df, t3, t) for t in ("weight", "ifmap", "psum")}
    if rf.split is not None:
        return all(need[t] <= rf.capacity(t) for t in need if need[t])
    bits = sum(need[t] * rf.elem_bits.get(t, rf.word_bits) for t in need)
    return bits <= rf.size_bits


def t3_options(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int], sp: dict[str, int]) -> list[dict[str, int]]:
    """Per-PE extents: dims a pass covers whole, the rest as large as the RF allows. When
    even the smallest block of a whole-pass dim does not fit (an 11×11 filter in a small
    RF), that dim is halved until it does: its rest comes in later passes. Remembered
    (fresh copies) per layer, RF, dataflow, tile and spatial factors (:data:`_T3`)."""
    return [dict(zip(DIMS, t3)) for t3 in _t3_tuples(p, spec, df, t1, sp)]


def _t3_tuples(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int], sp: dict[str, int]) -> tuple[tuple[int, ...], ...]:
    """:func:`t3_options` as tuples in DIMS order, remembered by what they depend on: of the
    tile, each RF dim's whole extent where a pass covers it whole (and R, S), else its
    share per PE ⌈t1/sp⌉ (a share of 1 leaves the dim at 1 whether it is free or not), so
    tiles that differ only in what the RF does not see (another machine's larger GLB tile
    of the same shares, a compression's second search) share them."""
    seen = tuple(t1[d] if d in df.full_in_pass or d in ("R", "S") else -(-t1[d] // sp[d]) for d in df.rf_order)
    key = (p, _rf_key(spec), _dataflow_key(df), seen)
    got = _T3.get(key)
    if got is None:
        if len(_T3) >= _T3_MAX:
            _T3.clear()
        got = _T3[key] = tuple(tuple(t3[d] for d in DIMS) for t3 in _t3_options(p, spec, df, t1, sp))
    return got


_T3: dict[tuple, tuple[tuple[int, ...], ...]] = {}
_T3_MAX = 1 << 16


def _rf_key(spec: HardwareSpec) -> tuple:
    """What of the machine :func:`_t3_options` reads (the RF's sizes and widths): a split
    RF counts elements, so a compression's narrower machine (api._narrowed) has the same
    RF extents as the native one, and finds them remembered."""
    rf = spec.rf
    if rf is None:
        return ()
    if rf.split is not None:
        return ("split", tuple(sorted(rf.split.items())), tuple(rf.holds))
    return ("shared", rf.size_bits, rf.word_bits, tuple(sorted(rf.elem_bits.items())), tuple(rf.holds))


def _t3_options(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int], sp: dict[str, int]) -> list[dict[str, int]]:
    base = dict.fromkeys(DIMS, 1)
    for d in df.rf_order:
        if d in df.full_in_pass or d in ("R", "S"):
            base[d] = t1[d]
    whole = [d for d in df.rf_order if base[d] > 1]
    while True:
        out = _t3_fill(p, spec, df, t1, sp, base)
        shrinkable = [d for d in whole if base[d] > 1]
        if out or not shrinkable:
            return out
        d = max(shrinkable, key=lambda x: base[x])
        base[d] = -(-base[d] // 2)


def _t3_fill(p: Problem, spec: HardwareSpec, df: Dataflow, t1: dict[str, int], sp: dict[str, int], base: dict[str, int]) -> list[dict[str, int]]:
    free = [d for d in df.rf_order if base[d] == 1 and t1[d] > 1 and d not in df.full_in_pass and d not in ("R", "S")]
    if df.uses_rf and spec.rf is None:
        return []
    # candidate extents per free dim: whole tile share, or powers of two below it; every
    # combination (itertools.product order: the last free dim fastest), the two largest
    # blocks that fit, among equal volumes the earlier combination (mapping/rf_blocks.py)
    picks = largest_blocks(
        np.array([base[d] for d in DIMS], np.int64), np.array([DIMS.index(d) for d in free], np.int64),
        np.array([-(-t1[d] // sp[d]) for d in free], np.int64), np.array([p.H, p.W, p.U, p.D], np.int64),
        *_rf_arrays(spec.rf, df),
    )
    return [dict(zip(DIMS, row)) for row in picks.tolist()]


_RF_ARRAYS: dict[tuple[int, int], tuple] = {}  # (id(RF), id(dataflow)) -> (RF, dataflow, _rf_arrays)


def _rf_arrays(rf: RFSpec | None, df: Dataflow) -> tuple:
    """What :func:`rf_blocks.largest_blocks` takes of the RF and the dataflow: the RF
    loops' dims, which types the RF keeps and which dims each one's block spans
    (:func:`rf_block`), whether the RF is split, each type's partition (elements), width
    (bits), the RF's size (bits), and whether every block fits (no RF in the dataflow).
    Kept per RF and dataflow object (each held by the entry, so their ids stay theirs)."""
    got = _RF_ARRAYS.get((id(rf), id(df)))
    if got is not None and got[0] is rf and got[1] is df:
        return got[2]
    types = ("weight", "ifmap", "psum")
    n = len(df.rf_order)
    in_rf = np.array([d in df.rf_order for d in DIMS])
    kept = np.array([df.keep_level(t) < n for t in types])
    counted = np.array([[d not in df.rf_order or df.rf_order.index(d) >= df.keep_level(t) for d in DIMS] for t in types])
    split = rf is not None and rf.split is not None
    limit = np.array([rf.capacity(t) if split else 0 for t in types], np.int64)
    bits = np.array([0 if rf is None else rf.elem_bits.get(t, rf.word_bits) for t in types], np.int64)
    out = (in_rf, kept, counted, split, limit, bits, 0 if rf is None else rf.size_bits, not df.uses_rf)
    if len(_RF_ARRAYS) >= 256:
        _RF_ARRAYS.clear()
    _RF_ARRAYS[(id(rf), id(df))] = (rf, df, out)
    return out


def tile_footprint(p: Problem, t1: dict[str, int]) -> dict[str, int]:
    """An upper bound of what one GLB tile holds, per data type (elements): the ifmap rows
    of E outputs span at most (E−1)·U + (R−1)·D + 1 input rows (fewer at a padded edge or
    where the windows leave holes)."""
    rows = min(p.H, (t1["E"] - 1) * p.U + (p.R - 1) * p.D + 1)
    cols = min(p.W, (t1["F"] - 1) * p.U + (p.S - 1) * p.D + 1)
    return {
        "weight": t1["G"] * t1["M"] * t1["C"] * p.R * p.S,
        "ifmap": t1["N"] * t1["G"] * t1["C"] * rows * cols,
        "psum": t1["N"] * t1["G"] * t1["M"] * t1["E"] * t1["F"],
    }


def glb_overflow(p: Problem, spec: HardwareSpec, t1: dict[str, int]) -> tuple[str, int, int] | None:
    """(buffer, bits the tile needs there, bits usable) for the first buffer a tile
    overflows, or None when it fits everywhere."""
    need = tile_footprint(p, t1)
    for buf in spec.glbs:
        bits = 0
        for t, n in need.items():
            if t in buf.holds or (t == "psum" and "ofmap" in buf.holds and "psum" not in buf.holds):
                bits += n * spec.word_bits[t]
        usable = buf.size_bits // 2 if buf.double_buffered else buf.size_bits
        if bits > usable:
            return buf.name, bits, usable
    return None


def glb_fits(p: Problem, spec: HardwareSpec, t1: dict[str, int]) -> bool:
    return glb_overflow(p, spec, t1) is None


def _grid(n: int) -> list[int]:
    """Tile sizes worth trying for a dim of n: n, and n split into 2, 3, 4, 6, 8, ... parts."""
    out = {n}
    for parts in (2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128):
        if parts < n:
            out.add(-(-n // parts))
    out.add(1)
    return sorted(out, reverse=True)


def glb_tile_options(p: Problem, spec: HardwareSpec, keep: int = 3) -> list[dict[str, int]]:
    """The largest GLB tiles (by MACs per tile) that fit (fresh copies of a cached list:
    the tiles depend on the layer and the machine, not on the dataflow)."""
    return [dict(t) for t in _glb_tile_options(p, spec, keep)]


@functools.lru_cache(maxsize=4096)
def _glb_tile_options(p: Problem, spec: HardwareSpec, keep: int) -> tuple[dict[str, int], ...]:
    # E and F tile together (square-ish blocks); N and G whole where possible; the grid in
    # nested-loop order (N outermost, E innermost), then the largest first (a stable sort)
    # (the sub-grid of the first 3 N, 4 G and 6 E sizes, taken from the layer's whole grid:
    # the same tiles in the same nested-loop order)
    idx, tiles, need = _full_grid(p)
    sub = (idx[:, 0] < 3) & (idx[:, 1] < 4) & (idx[:, 4] < 6)
    tiles = tiles[sub]
    volume = np.prod(tiles, axis=1)
    order = np.argsort(-volume, kind="stable")
    ok = _fits(spec, {t: n[sub][order] for t, n in need.items()})
    out = []
    for i in order[ok][:keep]:
        t1 = {d: int(tiles[i, k]) for k, d in enumerate(TILE_DIMS)}
        t1["R"], t1["S"] = p.R, p.S
        out.append(t1)
    return tuple(out)


def _grid_tiles(p: Problem, limits: tuple[int | None, ...], index: np.ndarray | None = None) -> np.ndarray:
    """Tiles (k × 6, N G M C E F) of the grid of :func:`_grid` sizes of N G M C E (each
    limited to its first ``limits`` sizes; F follows E), in nested-loop order, or at the
    grid positions ``index`` (k × 5)."""
    b = dict(zip(DIMS, p.bounds))
    grids = [np.array(_grid(b[d])[:lim], np.int64) for d, lim in zip("NGMCE", limits)]
    if index is None:
        index = np.stack(np.meshgrid(*(np.arange(len(g)) for g in grids), indexing="ij"), -1).reshape(-1, 5)
    t = np.stack([grids[k][index[:, k]] for k in range(5)], 1)
    e = t[:, 4]
    f = np.where(e == b["E"], b["F"], np.minimum(b["F"], np.maximum(1, e * b["F"] // b["E"])))
    return np.concatenate([t, f[:, None]], 1)


@functools.lru_cache(maxsize=1024)
def _full_grid(p: Problem) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The layer's whole grid of :func:`_grid` sizes of N G M C E, in nested-loop order:
    grid positions (k × 5), tiles (k × 6, N G M C E F) and their footprints per data type
    (:func:`_tile_need`). It depends on the layer alone, so every machine the layer is
    mapped on (a compression's narrower widths, api._narrowed, too) shares it."""
    b = dict(zip(DIMS, p.bounds))
    sizes = [len(_grid(b[d])) for d in "NGMCE"]
    idx = np.stack(np.meshgrid(*(np.arange(n) for n in sizes), indexing="ij"), -1).reshape(-1, 5)
    tiles = _grid_tiles(p, (None,) * 5, idx)
    for a in (idx, tiles):
        a.setflags(write=False)
    return idx, tiles, _tile_need(p, tiles)


def _tile_need(p: Problem, t: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`tile_footprint` of many tiles at once (rows of N G M C E F)."""
    rows = np.minimum(p.H, (t[:, 4] - 1) * p.U + (p.R - 1) * p.D + 1)
    cols = np.minimum(p.W, (t[:, 5] - 1) * p.U + (p.S - 1) * p.D + 1)
    need = {
        "weight": t[:, 1] * t[:, 2] * t[:, 3] * p.R * p.S,
        "ifmap": t[:, 0] * t[:, 1] * t[:, 3] * rows * cols,
        "psum": t[:, 0] * t[:, 1] * t[:, 2] * t[:, 4] * t[:, 5],
    }
    for a in need.values():
        a.setflags(write=False)
    return need


def _tiles_fit(p: Problem, spec: HardwareSpec, t: np.ndarray) -> np.ndarray:
    """:func:`glb_fits` for many tiles at once (rows of N G M C E F)."""
    return _fits(spec, _tile_need(p, t))


def _fits(spec: HardwareSpec, need: dict[str, np.ndarray]) -> np.ndarray:
    """Whether tiles of these footprints (:func:`_tile_need`) fit every global buffer."""
    ok = np.ones(len(need["weight"]), bool)
    for buf in spec.glbs:
        bits = np.zeros(len(ok), np.int64)
        for ty, n in need.items():
            if ty in buf.holds or (ty == "psum" and "ofmap" in buf.holds and "psum" not in buf.holds):
                bits = bits + n * spec.word_bits[ty]
        usable = buf.size_bits // 2 if buf.double_buffered else buf.size_bits
        ok &= bits <= usable
    return ok


def glb_tiles(p: Problem, spec: HardwareSpec, shrink: str) -> dict[str, int] | None:
    b = dict(zip(DIMS, p.bounds))
    t1 = {d: b[d] for d in TILE_DIMS}
    t1["R"], t1["S"] = p.R, p.S
    # halve the dims in turn (round robin in the given priority) until the tile fits
    turn = 0
    while not glb_fits(p, spec, t1):
        live = [d for d in shrink if t1[d] > 1]
        if not live:
            return None
        d = live[turn % len(live)]
        t1[d] = -(-t1[d] // 2)
        turn += 1
    return t1


def _tile_list(p: Problem, spec: HardwareSpec) -> list[dict[str, int]]:
    """The GLB tiles the mapper tries: the largest on the grid, then the halving ones."""
    tiles_ = glb_tile_options(p, spec)
    for shrink in SHRINK:
        t = glb_tiles(p, spec, shrink)
        if t is not None and t not in tiles_:
            tiles_.append(t)
    return tiles_


DRAM_TILES = 2  # per DRAM loop order: the tiles with the least DRAM traffic (2: energy 29 -> 32 of 36 pairs within 2 %)


def tilings(p: Problem, spec: HardwareSpec) -> list[tuple[dict[str, int], str]]:
    """(GLB tile, DRAM loop order) pairs the mapper scores in full: the tiles of
    :func:`_tile_list` under the first order, then, for every order, the
    :data:`DRAM_TILES` tiles of the grid that move the least data to and from DRAM
    (priced at the config's costs; a type no GLB holds counted by its streamed traffic's
    lower bound, :func:`_bypass_traffic`) under it."""
    return [(dict(t), order) for t, order in _tilings(p, spec)]


@functools.lru_cache(maxsize=4096)
def _tilings(p: Problem, spec: HardwareSpec) -> tuple[tuple[dict[str, int], str], ...]:
    # the tiles depend on the layer and the machine, not on the dataflow: built once for all
    out = [(t, ORDERS[0]) for t in _tile_list(p, spec)]
    picked, grid, walks = _dram_tilings(p, spec)
    for t, order in picked:
        if (t, order) not in out:
            out.append((dict(t), order))
    _remember_walks(p, out, grid, walks)
    return tuple(out)


def _dram_tilings(p: Problem, spec: HardwareSpec) -> tuple[list[tuple[dict[str, int], str]], np.ndarray, np.ndarray]:
    """The :data:`DRAM_TILES` maximal grid tiles of least DRAM traffic under each order,
    with the grid of maximal tiles and their walks under every order (engine/bound.py:
    dram_traffic)."""
    grid = _maximal_tiles(p, spec)
    if not len(grid):
        return [], grid, np.zeros((0, len(ORDERS), 0), np.int64)
    costs = cost_vector(spec)[K.DRAM_RW : K.DRAM_WO + 1]
    orders = np.array([[TILE_DIMS.index(d) for d in o] for o in ORDERS], np.int64)
    traffic, walks = dram_traffic(p.as_array(), grid, orders, costs)
    traffic = traffic + _bypass_traffic(p, spec, grid)[:, None]
    out = []
    for j, order in enumerate(ORDERS):
        # least traffic first; among equals the larger tile, then the grid's order
        rank = np.lexsort((np.arange(len(grid)), -np.prod(grid, axis=1), traffic[:, j]))
        for i in rank[:DRAM_TILES]:
            t1 = {d: int(grid[i, k]) for k, d in enumerate(TILE_DIMS)}
            t1["R"], t1["S"] = p.R, p.S
            out.append((t1, order))
    return out, grid, walks


def _remember_walks(p: Problem, pairs: list[tuple[dict[str, int], str]], grid: np.ndarray, walks: np.ndarray) -> None:
    """Keep the walks :func:`_dram_tilings` made of the tilings the mapper will bound and
    score (the DRAM tilings, and the largest grid tiles, which are mostly maximal ones,
    under the first order) for :func:`_walk`: the same function of the same tile and order."""
    rows = {tuple(r): i for i, r in enumerate(grid.tolist())}
    for t1, order in pairs:
        sizes = tuple(t1[d] for d in TILE_DIMS)
        i = rows.get(sizes)
        if i is not None and (p, sizes, order) not in _WALKS:
            w = walks[i, ORDERS.index(order)].copy()
            w.setflags(write=False)
            _keep_walk((p, sizes, order), w)


# the kernel slots that are a bypassed type's traffic (evaluate.accesses_from: what the array
# reads or writes of it above the NoC moves DRAM <-> NoC directly)
_STREAM_SLOTS = {"weight": (K.GLB_W,), "ifmap": (K.GLB_I,), "psum": (K.GLB_RP, K.GLB_WP), "ofmap": (K.GLB_WO,)}


def _bypass_traffic(p: Problem, spec: HardwareSpec, tiles: np.ndarray) -> np.ndarray:
    """Per GLB tile (rows of N G M C E F), a lower bound of the energy of the traffic of the
    types no GLB holds (engine/bound.py: lower_bound's slots for them at the config's
    costs, which price them as DRAM accesses); zeros when every type has a GLB. Order
    free: these slots do not depend on the DRAM loop order."""
    out = np.zeros(len(tiles))
    bypass = bypassing(spec)
    if not bypass or not len(tiles):
        return out
    full = cost_vector(spec)
    costs = np.zeros_like(full)
    for t in bypass:
        for k in _STREAM_SLOTS[t]:
            costs[k] = full[k]
    pa = p.as_array()
    order = np.arange(len(TILE_DIMS), dtype=np.int64)
    keep = np.zeros(3, np.int64)  # RF slots are priced at 0 here: any keep levels give the same figure
    for i in range(len(tiles)):
        out[i] = energy_bound(lower_bound(pa, np.ascontiguousarray(tiles[i]), order, keep, 0, False), costs)
    return out


def _maximal_tiles(p: Problem, spec: HardwareSpec) -> np.ndarray:
    """Every tile of the grid (N G M C E; F follows E) that fits the buffers and cannot
    grow in any one dim to the next size of its grid and still fit (k × 6, N G M C E F)."""
    b = dict(zip(DIMS, p.bounds))
    sizes = tuple(len(_grid(b[d])) for d in "NGMCE")
    idx, tiles, need = _full_grid(p)
    fit = _fits(spec, need).reshape(sizes)  # the grid in nested-loop order: position (N, G, M, C, E)
    maximal = fit.copy()
    for k in range(5):
        # the next larger size of dim k is the previous grid position (the grids run from
        # large to small): a tile that could grow there and still fit is not maximal
        grown = np.zeros(sizes, bool)
        dst = tuple(slice(1, None) if a == k else slice(None) for a in range(5))
        src = tuple(slice(0, -1) if a == k else slice(None) for a in range(5))
        grown[dst] = fit[src]
        maximal &= ~grown
    return np.ascontiguousarray(tiles[maximal.reshape(-1)])


def spatial_layouts(p: Problem, df: Dataflow, rows: int, cols: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The dataflow's (row dims, column dims), and where its output-pixel dims (E, F)
    leave an axis at most half used, the same with the filters M spread along that axis
    too (moved from the other axis): PE sets replicated for more filters (Eyeriss's
    folding for small maps), filters side by side in IS. With :data:`SETS`, where M is
    on the other axis, also when the pixels could fill the axis: t PE sets of different
    filters side by side sharing each ifmap multicast (JSSC'17 Fig. 5: CONV1 t = 2), the
    pixels then taking a :data:`ROOM` share of the axis. The mapper tries every layout."""
    base = spatial_dims(p, df)
    out = [base]
    b = dict(zip(DIMS, p.bounds))
    if b["M"] <= 1:
        return out
    for k, size in ((0, rows), (1, cols)):
        axis = base[k]
        pix = [d for d in axis if d in ("E", "F")]
        if not pix or "M" in axis:
            continue
        # PE sets of several filters side by side (Eyeriss JSSC'17 Fig. 5: CONV1 E7 x M2 on
        # the columns): with room factors the pixels may leave part of the axis to M even
        # where they could fill it, when M leaves the other axis for it
        sets = bool(SETS) and "M" in base[1 - k]
        if 2 * math.prod(b[d] for d in pix) > size and not sets:
            continue
        other = tuple(d for d in base[1 - k] if d != "M")
        alt = (axis + ("M",), other) if k == 0 else (other, axis + ("M",))
        if alt not in out:
            out.append(alt)
    return out


def candidates(p: Problem, spec: HardwareSpec, df: Dataflow, order: str | None = None) -> list[Mapping]:
    """Every (GLB tile and DRAM loop order, spatial layout and factors, RF extents)
    candidate, in the fixed enumeration order; ``order`` puts every tile under that
    one DRAM loop order instead."""
    out: list[Mapping] = []
    seen = set()
    layouts = _layouts(p, spec, df)
    for t1, o in tilings(p, spec):
        for rows, cols, sp in layouts:
            for t3 in t3_options(p, spec, df, t1, sp):
                m = Mapping(
                    df.name, tuple(t1[d] for d in TILE_DIMS), order or o, tuple(sp[d] for d in DIMS),
                    tuple(t3[d] for d in DIMS), rows, cols,
                )
                if m not in seen:
                    seen.add(m)
                    out.append(m)
    return out


def _layouts(p: Problem, spec: HardwareSpec, df: Dataflow) -> list[tuple[tuple[str, ...], tuple[str, ...], dict[str, int]]]:
    """(row dims, column dims, spatial factors) of every spatial option, in order."""
    if spec.array.kind == "systolic":
        rows, cols = spatial_dims(p, df)
        return [(rows, cols, sp) for sp in spatial_options(p, df, spec.array.rows, spec.array.cols)]
    return [
        (rows, cols, sp)
        for rows, cols in spatial_layouts(p, df, spec.array.rows, spec.array.cols)
        for sp in spatial_options(p, df, spec.array.rows, spec.array.cols, (rows, cols))
    ]


def _no_fit(p: Problem, spec: HardwareSpec, df: Dataflow, layer: str) -> AccelsimError:
    return AccelsimError(
        f"no mapping of this layer fits the buffers under {df.name}",
        file=spec.file or None,
        where=f"layer '{layer}'" if layer else None,
        expected="a GLB and RF large enough for at least one tile (one filter row, one ifmap window, one psum)",
        found=f"GLBs {', '.join(f'{g.name} {g.size_bytes} B' for g in spec.glbs)}",
    )


def exhaustive_mapping(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "") -> Mapping:
    """The search of docs/engine.md §6 with every candidate scored: the reference the
    pruned search (:func:`search_mapping`) must agree with."""
    cands = candidates(p, spec, df)
    if not cands:
        raise _no_fit(p, spec, df, layer)
    # stage 1: every candidate with the first DRAM loop order; stage 2: the best few
    # of them again with each other order
    scored = sorted(((fast_score(p, spec, df, m, objective), i), m) for i, m in enumerate(cands))
    best = scored[0]
    n = len(cands)
    for rank, (_, m) in enumerate(scored[:FINALISTS]):
        for k, order in enumerate(ORDERS):
            if order == m.dram_order:
                continue
            m2 = replace(m, dram_order=order)
            key = (fast_score(p, spec, df, m2, objective), n + rank * len(ORDERS) + k)
            if key < best[0]:
                best = (key, m2)
    return best[1]


SLACK = 1e-9  # relative: a bound is compared with a score only beyond float rounding


def search_mapping(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "") -> Mapping:
    """The same choice as :func:`exhaustive_mapping`, without scoring candidates that
    cannot win: a GLB tile whose lower bound (accelsim/engine/bound.py) already exceeds
    the third-best score found so far cannot reach the finalists, so none of its
    candidates is built or counted. Tiles are visited in order of their bound (good
    scores early), but every tie is still broken by the exhaustive enumeration order."""
    pairs = tilings(p, spec)
    layouts = [(rows, cols, sp, tuple(sp[d] for d in DIMS)) for rows, cols, sp in _layouts(p, spec, df)]
    bound = _Bound(p, spec, df, objective)
    score = _Scorer(p, spec, df, objective)
    first = [bound(t1, o) for t1, o in pairs]
    top: list[tuple[float, tuple[int, ...], Mapping]] = []  # the finalists, best first
    t3s: dict[tuple, list[tuple[int, ...]]] = {}
    # with cycles in the objective, a candidate's own bound: its PEs do one MAC per cycle each;
    # with energy in it, its spatial factors' deliveries to the PEs (_Bound.spread)
    per_candidate = objective != "energy" or bound.static > 0
    spread = objective != "latency" and bound.usable
    for ti in sorted(range(len(pairs)), key=first.__getitem__):
        if len(top) == FINALISTS and first[ti] > top[-1][0] * (1 + SLACK):
            continue
        t1, order = pairs[ti]
        t1_tuple = tuple(t1[d] for d in TILE_DIMS)
        for si, (rows, cols, sp, sp_tuple) in enumerate(layouts):
            cycles = p.macs / math.prod(sp_tuple) - 1.0 if per_candidate else 0.0
            if per_candidate and len(top) == FINALISTS:
                if bound(t1, order, cycles) > top[-1][0] * (1 + SLACK):
                    continue
            key = (t1_tuple, sp_tuple)  # a tile comes under several loop orders
            if key not in t3s:
                t3s[key] = _t3_tuples(p, spec, df, t1, sp)
            for ki, t3 in enumerate(t3s[key]):
                if spread and len(top) == FINALISTS:
                    if bound(t1, order, cycles, bound.spread(t1_tuple, order, sp_tuple, t3)) > top[-1][0] * (1 + SLACK):
                        continue
                # a candidate is a Mapping only once it is among the finalists
                entry = (score.of(t1_tuple, order, sp_tuple, t3, rows, cols), (0, ti, si, ki))
                if len(top) < FINALISTS or entry < top[-1][:2]:
                    top.append((*entry, Mapping(df.name, t1_tuple, order, sp_tuple, t3, rows, cols)))
                    top.sort(key=lambda x: x[:2])
                    del top[FINALISTS:]
    if not top:
        raise _no_fit(p, spec, df, layer)
    best = top[0]
    for rank, (_, _, m) in enumerate(top):
        t1 = dict(zip(TILE_DIMS, m.t1))
        for k, order in enumerate(ORDERS):
            if order == m.dram_order:
                continue
            if bound(t1, order, 0.0, bound.spread(m.t1, order, m.sp, m.t3) if spread else 0.0) > best[0] * (1 + SLACK):
                continue
            entry = (score.of(m.t1, order, m.sp, m.t3, m.rows, m.cols), (1, rank, k))
            if entry < best[:2]:
                best = (*entry, replace(m, dram_order=order))
    return best[2]


class _Scorer:
    """:func:`accelsim.engine.evaluate.score` with what is fixed for a layer, machine and
    dataflow (arrays, the cost vector) built once: the same arithmetic, the same floats."""

    def __init__(self, p: Problem, spec: HardwareSpec, df: Dataflow, objective: str) -> None:
        self.args = (p, spec, df, objective)
        self.p = p.as_array()
        self.po = np.array([DIMS.index(d) for d in df.pass_order], np.int64)
        self.ro = np.array([DIMS.index(d) for d in df.rf_order], np.int64)
        self.keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
        self.uses_rf = df.uses_rf
        self.systolic = spec.array.kind == "systolic"
        self.costs = cost_vector(spec)
        # with energy per cycle, the energy objective needs the timeline too: the engine's score
        self.energy = objective == "energy" and static_per_cycle(spec) == 0
        self.axes: dict[tuple, np.ndarray] = {}
        # the kernel's totals per GLB tile, layout, spatial factors and RF extents: only the
        # DRAM slots depend on the DRAM loop order (kernel.layer_totals: the same tile walk,
        # tiles.walk_tiles), so another order of a scored candidate costs one tile walk; and
        # no slot depends on the machine's widths or costs, so the search of the same layer
        # on the machine at a compression's widths (api._narrowed) reuses them
        self.inner = _totals_for(p, df, self.systolic)
        self.dram: dict[tuple, np.ndarray] = {}  # per (GLB tile, DRAM order): the walk's slots (_dram_slots)
        self.slots = np.empty(K.N_OUT)
        self.memo = None  # the kernel's per-dim sums across this search's candidates (K.totals_memo)

    def __call__(self, m: Mapping) -> float:
        if not self.energy:
            return fast_score(*self.args[:3], m, self.args[3])
        return self.of(m.t1, m.dram_order, m.sp, m.t3, m.rows, m.cols)

    def of(self, t1: tuple[int, ...], order: str, sp: tuple[int, ...], t3: tuple[int, ...], rows: tuple[str, ...],
           cols: tuple[str, ...]) -> float:
        """The score of the candidate of these fields (a Mapping's), built as one only
        where the objective needs the engine's timeline."""
        if not self.energy:
            return fast_score(*self.args[:3], Mapping(self.args[2].name, t1, order, sp, t3, rows, cols), self.args[3])
        key = (t1, sp, t3, rows, cols)
        r = self.inner.get(key)
        if r is None:
            axis = self.axes.get((rows, cols))
            if axis is None:
                axis = np.array([1 if d in rows else 2 if d in cols else 0 for d in DIMS], np.int64)
                self.axes[(rows, cols)] = axis
            if self.memo is None:
                self.memo = K.totals_memo()
            r = K.array_totals_memo(
                self.p, np.array(t1, np.int64), np.array(sp, np.int64), np.array(t3, np.int64),
                self.po, self.ro, self.keep, self.uses_rf, axis, self.systolic, self.memo,
            ).astype(np.float64)
            r.setflags(write=False)
            self.inner[key] = r
        dram = self.dram.get((t1, order))
        if dram is None:
            dram = self.dram[(t1, order)] = _dram_slots(self.args[0], t1, order)
        # kernel.layer_totals' slots as floats: the array's, whose DRAM and MAX slots are 0,
        # plus the walk's, which are 0 elsewhere (x + 0.0 is x: the same vector, the same dot)
        return float(np.dot(np.add(r, dram, out=self.slots), self.costs))


def _dram_slots(p: Problem, t1: tuple[int, ...], order: str) -> np.ndarray:
    """The DRAM and MAX slots of kernel.layer_totals from the tiling's walk (the bound
    walked it), as floats, every other slot 0."""
    out = np.zeros(K.N_OUT, np.int64)
    dram = _walk(p, t1, order)
    out[K.DRAM_RW : K.DRAM_WO + 1] = dram[:5]
    out[K.MAX_W], out[K.MAX_I], out[K.MAX_O] = dram[6], dram[7], dram[8]
    out = out.astype(np.float64)
    out.setflags(write=False)
    return out


_TOTALS: dict[tuple, dict[tuple, np.ndarray]] = {}
_TOTALS_MAX = 1 << 10  # layers x dataflows whose kernel totals are kept (cleared when full)


def _totals_for(p: Problem, df: Dataflow, systolic: bool) -> dict[tuple, np.ndarray]:
    """The kernel totals already counted for a layer, dataflow and array kind, per
    (GLB tile, spatial factors, RF extents, layout): what kernel.layer_totals depends on
    besides the DRAM loop order (the arguments it takes), shared by every machine that
    differs only in widths, costs or buffer sizes. Kept as the floats the score prices
    (kernel.array_totals' integers converted as evaluate.score converts them)."""
    key = (p, _dataflow_key(df), systolic)
    got = _TOTALS.get(key)
    if got is None:
        if len(_TOTALS) >= _TOTALS_MAX:
            _TOTALS.clear()
        got = _TOTALS[key] = {}
    return got


class _Bound:
    """The objective's lower bound for a GLB tile and DRAM loop order (any spatial
    factors and RF extents): energy from the bound's counts at the config's costs,
    cycles from engine/bound.py: cycles_bound_bw (MACs over the PEs, DRAM, NoC and GLB
    traffic over their bandwidths); a table's energy per cycle times that cycle bound."""

    def __init__(self, p: Problem, spec: HardwareSpec, df: Dataflow, objective: str) -> None:
        self.p = p.as_array()
        self.problem = p
        self.keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
        self.n_rf = len(df.rf_order)
        self.uses_rf = df.uses_rf
        self.costs = cost_vector(spec)
        self.objective = objective
        self.pes = spec.pes
        self.dram_bw = spec.dram.bytes_per_cycle * 8.0
        self.machine = machine_arrays(spec)[:5]
        self.static = static_per_cycle(spec)
        # a bound needs costs that cannot be negative; without that, no candidate is skipped
        self.usable = bool(np.all(self.costs >= 0)) and self.static >= 0
        self.memo: dict[tuple, tuple[float, float]] = {}
        self.bounds = tuple(int(x) for x in p.bounds)
        kept = [df.uses_rf and k < self.n_rf for k in self.keep[:2]]
        # the energy of one more delivery of a weight / ifmap to a PE (a NoC transfer, and
        # an RF write where the RF keeps it) and of one more output NoC write
        self.unit = (self.costs[K.NOC_W] + (self.costs[K.RFW_W] if kept[0] else 0.0),
                     self.costs[K.NOC_I] + (self.costs[K.RFW_I] if kept[1] else 0.0), self.costs[K.NOC_PO])
        self.spread_memo: dict[tuple, tuple] = {}

    def __call__(self, t1: dict[str, int], order: str, spatial: float = 0.0, spread: float = 0.0) -> float:
        """The bound; ``spatial``: a further lower bound of the cycles (the MACs over the PEs
        a candidate's spatial factors occupy, less a cycle), ``spread``: of the energy (its
        spatial factors' deliveries, :meth:`spread`), for a bound of one candidate."""
        if not self.usable:
            return -math.inf
        energy, cycles = self.parts(t1, order)
        energy += spread
        if self.objective == "energy" and self.static == 0:
            return energy  # no energy per cycle: the cycles do not matter
        cycles = max(cycles, spatial)
        energy += self.static * cycles
        return energy if self.objective == "energy" else cycles if self.objective == "latency" else energy * cycles

    def parts(self, t1: dict[str, int], order: str) -> tuple[float, float]:
        """Lower bounds of the energy without the energy per cycle, and of the cycles."""
        key = (tuple(t1[d] for d in TILE_DIMS), order)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._parts(t1, order)
        return got

    def spread(self, t1: tuple[int, ...], order: str, sp: tuple[int, ...], t3: tuple[int, ...]) -> float:
        """The energy engine/bound.py's :func:`~accelsim.engine.bound.spread_bound` adds to
        the tiling's bound for a candidate of spatial factors ``sp`` and RF extents ``t3``
        (≥ 0: the further deliveries of weights and ifmaps to the PEs along the dims they
        do not depend on, and the further output writes of the PEs along C, R, S), as
        Σ cost × (its slot − the tiling's): only the spread dims change a slot."""
        got = self.spread_memo.get(t1)  # the same for every DRAM loop order
        if got is None:
            lb = _lower_bound(self.problem, t1, order, tuple(int(k) for k in self.keep), self.n_rf, self.uses_rf)
            ext = t1 + self.bounds[6:]
            cnt = spread_factors(self.bounds, ext, (1,) * 8, (1,) * 8)
            # per type: the energy of the slot per unit of its PE factor (the footprint
            # once per tile over the tiles of the dims it is spread along, times the unit)
            unit = tuple(float(lb[k] // c) * u for k, c, u in zip((K.NOC_W, K.NOC_I, K.NOC_PO), cnt, self.unit))
            got = self.spread_memo[t1] = (ext, cnt, unit)
        ext, cnt, unit = got
        f = spread_factors(self.bounds, ext, sp, t3)
        return unit[0] * (f[0] - cnt[0]) + unit[1] * (f[1] - cnt[1]) + unit[2] * (f[2] - cnt[2])

    def _parts(self, t1: dict[str, int], order: str) -> tuple[float, float]:
        sizes = tuple(t1[d] for d in TILE_DIMS)
        lb = _lower_bound(self.problem, sizes, order, tuple(int(k) for k in self.keep), self.n_rf, self.uses_rf)
        if self.objective == "energy" and self.static == 0:
            return energy_bound(lb, self.costs), 0.0
        # the timeline rounds its cycles up; a bound one cycle under stays a bound
        return energy_bound(lb, self.costs), max(0.0, cycles_bound_bw(lb, self.pes, *self.machine) - 1.0)


_WALKS: dict[tuple, np.ndarray] = {}
_WALKS_MAX = 1 << 14


def _walk(p: Problem, t1: tuple[int, ...], order: str) -> np.ndarray:
    """The DRAM walk's totals of a GLB tiling (tiles.walk_tiles), read-only: the same for
    every dataflow and objective, and the costliest part of a bound for small tiles of a
    large layer (UNet), so walked once per process (or taken from the walks that picked
    the DRAM tilings, :func:`_remember_walks`)."""
    key = (p, t1, order)
    got = _WALKS.get(key)
    if got is None:
        got = walk_tiles(p.as_array(), np.array(t1, np.int64), np.array([TILE_DIMS.index(d) for d in order], np.int64))
        got.setflags(write=False)
        _keep_walk(key, got)
    return got


def _keep_walk(key: tuple, walk: np.ndarray) -> None:
    if len(_WALKS) >= _WALKS_MAX:
        _WALKS.clear()
    _WALKS[key] = walk


@functools.lru_cache(maxsize=1 << 14)
def _lower_bound(p: Problem, t1: tuple[int, ...], order: str, keep: tuple[int, ...], n_rf: int, uses_rf: bool) -> np.ndarray:
    """engine/bound.py: lower_bound_walked of a tiling, read-only: it depends on the layer,
    the tiling and the dataflow's keep levels, not on the machine's widths or costs, so a
    compressed layer's second search (api._narrowed) prices the same counts."""
    out = lower_bound_walked(p.as_array(), np.array(t1, np.int64), _walk(p, t1, order), np.array(keep, np.int64), n_rf, uses_rf)
    out.setflags(write=False)
    return out


def _dataflow_key(df: Dataflow) -> tuple:
    return (df.name, df.rows, df.cols, df.rf_order, tuple(sorted(df.keep.items())), df.pass_order, df.uses_rf, df.full_in_pass)


_CHOSEN: dict[tuple, Mapping] = {}
_CHOSEN_MAX = 1 << 16


SEARCHES = ("fast", "full")


def best_mapping(
    p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "", search: str = "fast"
) -> tuple[Mapping, LayerCost]:
    """The best candidate for the objective and its full cost: ``search="fast"`` the fixed
    enumeration (:func:`search_mapping`), ``"full"`` the search of the whole space
    (:func:`full_search_mapping`). The choice depends only on the layer's problem, the
    machine, the dataflow, the objective and the search, so it is remembered (layers of
    the same shape, as in repeated blocks, are searched once per process)."""
    m = chosen_mapping(p, spec, df, objective, layer, search)
    return m, evaluate(p, spec, df, m)


def chosen_mapping(
    p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "", search: str = "fast"
) -> Mapping:
    """:func:`best_mapping`'s choice alone (remembered, or searched and remembered), for a
    caller that counts it its own way (a compressed layer: engine/sparse.py)."""
    key = (p, spec, _dataflow_key(df), objective, search)
    m = _CHOSEN.get(key)
    if m is None:
        m = (full_search_mapping if search == "full" else search_mapping)(p, spec, df, objective, layer)
        if len(_CHOSEN) >= _CHOSEN_MAX:
            _CHOSEN.clear()
        _CHOSEN[key] = m
    return m


def clear_cache() -> None:
    """Forget the remembered choices, the tilings and DRAM walks built for them and the
    kernel outputs of the chosen mappings (benchmarks time each network from scratch)."""
    _CHOSEN.clear()
    _TOTALS.clear()
    _T3.clear()
    _WALKS.clear()
    counted.cache_clear()
    for f in (_lower_bound, _tilings, _glb_tile_options, _full_grid):
        f.cache_clear()


def full_search_mapping(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "") -> Mapping:
    """The search of the whole space: mapping/full.py's :func:`~accelsim.mapping.full.full_search_mapping`
    (imported at the call: full.py builds on this module)."""
    from .full import full_search_mapping as full

    return full(p, spec, df, objective, layer)
