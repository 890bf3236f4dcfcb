"""The mapper: candidate mappings that fit the machine, scored by the engine.

For one layer and dataflow it builds a small set of candidates (docs/engine.md §2):

- spatial factors for the dataflow's row and column dims: as many PEs as the dim fills,
  or the same number of passes with the work spread evenly;
- per-PE RF extents that fit the RF (the block each data type keeps, per PE);
- GLB tiles that fit every global buffer (a bound on one tile's footprint, per buffer,
  at the data type's width; halved where the buffer is double-buffered): the three
  largest on a grid of tile sizes, and those found by halving the dims in three
  priorities; three DRAM loop orders (outputs, weights or inputs kept on chip longest);

scores every candidate with the engine under the first loop order, tries the best three
again under the other two orders, and keeps the best for the objective (energy, latency
or EDP). Ties are broken by the candidate's position in this fixed enumeration order, so
the result is deterministic.
"""
from __future__ import annotations

import functools
import itertools
import math
from dataclasses import replace


from ..dataflow import Dataflow
from ..errors import AccelsimError
from ..hardware import HardwareSpec
from ..engine.evaluate import LayerCost, evaluate
from ..engine.evaluate import score as fast_score
from ..engine.problem import DIMS, Problem
from .mapping import TILE_DIMS, Mapping

FINALISTS = 3  # candidates tried again with every DRAM loop order
ORDERS = ("NGMEFC", "GMCNEF", "NGCEFM")  # C innermost (outputs stay), N/E/F innermost (weights stay), M innermost (ifmaps stay)
SHRINK = ("CMEFNG", "MCEFNG", "EFMCNG")
OBJECTIVES = ("energy", "latency", "edp")


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


def spatial_options(p: Problem, df: Dataflow, rows: int, cols: int) -> list[dict[str, int]]:
    b = dict(zip(DIMS, p.bounds))
    out = []
    row_dims, col_dims = spatial_dims(p, df)

    def axis(dims: tuple[str, ...], size: int) -> list[dict[str, int]]:
        if not dims:
            return [{}]
        first, rest = dims[0], dims[1:]
        opts = []
        for f in _factors(b[first], size):
            for tail in axis(rest, size // f):
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
    RF), that dim is halved until it does: its rest comes in later passes."""
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
    # candidate extents per free dim: whole tile share, or powers of two below it
    choices = {}
    for d in free:
        top = -(-t1[d] // sp[d])
        vals = {top}
        v = 1
        while v < top:
            vals.add(v)
            v *= 2
        choices[d] = sorted(vals, reverse=True)
    best: list[tuple[int, dict[str, int]]] = []
    for combo in itertools.product(*(choices[d] for d in free)):
        t3 = dict(base)
        t3.update(zip(free, combo))
        if rf_fits(p, spec, df, t3):
            volume = math.prod(t3[d] for d in df.rf_order)
            best.append((volume, t3))
    best.sort(key=lambda x: -x[0])
    seen, out = set(), []
    for _, t3 in best:
        key = tuple(t3[d] for d in DIMS)
        if key not in seen:
            seen.add(key)
            out.append(t3)
        if len(out) == 2:
            break
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
    b = dict(zip(DIMS, p.bounds))
    fits = []
    # E and F tile together (square-ish blocks); N and G whole where possible
    for n in _grid(b["N"])[:3]:
        for g in _grid(b["G"])[:4]:
            for m in _grid(b["M"]):
                for c in _grid(b["C"]):
                    for e in _grid(b["E"])[:6]:
                        f = b["F"] if e == b["E"] else min(b["F"], max(1, e * b["F"] // b["E"]))
                        t1 = {"N": n, "G": g, "M": m, "C": c, "E": e, "F": f, "R": p.R, "S": p.S}
                        fits.append(t1)
    fits.sort(key=lambda t: -math.prod(t[d] for d in TILE_DIMS))
    out = []
    for t1 in fits:
        if glb_fits(p, spec, t1):
            out.append(t1)
            if len(out) == keep:
                break
    return tuple(out)


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


def candidates(p: Problem, spec: HardwareSpec, df: Dataflow, order: str = ORDERS[0]) -> list[Mapping]:
    """Every (GLB tile, spatial factors, RF extents) candidate, with one DRAM loop order."""
    tiles_ = glb_tile_options(p, spec)
    for shrink in SHRINK:
        t = glb_tiles(p, spec, shrink)
        if t is not None and t not in tiles_:
            tiles_.append(t)
    out: list[Mapping] = []
    seen = set()
    rows, cols = spatial_dims(p, df)
    for t1 in tiles_:
        for sp in spatial_options(p, df, spec.array.rows, spec.array.cols):
            for t3 in t3_options(p, spec, df, t1, sp):
                m = Mapping(
                    df.name, tuple(t1[d] for d in TILE_DIMS), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS),
                    rows, cols,
                )
                if m not in seen:
                    seen.add(m)
                    out.append(m)
    return out


def best_mapping(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str = "energy", layer: str = "") -> tuple[Mapping, LayerCost]:
    cands = candidates(p, spec, df)
    if not cands:
        raise AccelsimError(
            f"no mapping of this layer fits the buffers under {df.name}",
            file=spec.file or None,
            where=f"layer '{layer}'" if layer else None,
            expected="a GLB and RF large enough for at least one tile (one filter row, one ifmap window, one psum)",
            found=f"GLBs {', '.join(f'{g.name} {g.size_bytes} B' for g in spec.glbs)}",
        )
    # stage 1: every candidate with the first DRAM loop order; stage 2: the best few
    # of them again with each other order
    scored = sorted(((fast_score(p, spec, df, m, objective), i), m) for i, m in enumerate(cands))
    best = scored[0]
    n = len(cands)
    for rank, (_, m) in enumerate(scored[:FINALISTS]):
        for k, order in enumerate(ORDERS[1:], start=1):
            m2 = replace(m, dram_order=order)
            key = (fast_score(p, spec, df, m2, objective), n + rank * len(ORDERS) + k)
            if key < best[0]:
                best = (key, m2)
    return best[1], evaluate(p, spec, df, best[1])
