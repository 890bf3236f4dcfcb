"""Every level's reads, fills and updates per data space, under Timeloop's counting convention.

Exact integers, in closed form over the loop nest (docs/engine.md, "Timeloop's counting
convention", states each rule beside accelsim's own and works an example):

- A level's tile of a data space is what the loops at that level and below touch: per
  coordinate of the projection, the distinct values of ``Σ coefficient × index``; nothing is
  clipped (padding is data).
- Fills: the tile is filled once, then again each time it changes. Only a step of the
  innermost temporal loop above the level keeps what the old and new tiles share (a sliding
  window's halo); any other step that moves a dim the data space depends on refills the whole
  tile (even where stride-aligned windows of two dims of one coordinate land on the old tile);
  a step of dims it does not depend on costs nothing.
- A parent's reads (and, for outputs, updates) are its child's fills (drains) times the spatial
  fan-out between them along the dims the data space depends on: a spatial copy across a dim
  it does not depend on is one multicast read; partial sums across a reduction dim meet in
  the network (one update); a psum refill is read once and fanned out to every reducing PE.
- The compute unit reads its operands and its psum at every MAC, except a psum's first
  touch; an output level's reads are its updates less its first touches (Timeloop never reads
  a value to drain it).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .mapping import Loop, Nest
from .problem import DataSpace


@dataclass(frozen=True)
class Access:
    reads: int = 0  # per utilized instance
    fills: int = 0
    updates: int = 0
    tile: int = 0  # utilized capacity (words)
    instances: int = 1  # utilized instances

    @property
    def total(self) -> int:
        return (self.reads + self.fills + self.updates) * self.instances


@dataclass(frozen=True)
class Counts:
    nest: Nest
    macs: int
    compute_instances: int
    levels: tuple[tuple[str, Mapping[str, Access]], ...]  # per storage level, top first

    @property
    def compute_cycles(self) -> int:
        """Compute-bound cycles: the MACs of one busy compute unit."""
        return self.macs // self.compute_instances

    @property
    def cycles(self) -> int:
        """Timeloop's cycles: the compute-bound cycles, stretched by the level whose stated
        bandwidth its accesses exceed most (Timeloop's ``BufferLevel::ComputePerformance``,
        NVlabs/timeloop src/model/buffer.cpp): per level, the reads per instance summed over
        its data spaces over ``read_bandwidth``, the fills and updates over
        ``write_bandwidth``, both over ``shared_bandwidth`` (words per cycle); a level that
        states none never binds. Exact here, in rationals, where Timeloop divides doubles."""
        worst = Fraction(self.compute_cycles)
        arch = self.nest.arch
        for name, spaces in self.levels:
            lv = arch.levels[arch.index(name)]  # type: ignore[index]
            r = sum(a.reads for a in spaces.values())
            w = sum(a.fills + a.updates for a in spaces.values())
            for amount, bw in ((r, lv.read_bw), (w, lv.write_bw), (r + w, lv.shared_bw)):
                if bw:
                    worst = max(worst, Fraction(amount) / Fraction(bw))
        return math.ceil(worst)

    def bound_by(self) -> str | None:
        """The level (and direction) whose bandwidth sets :attr:`cycles`, or None when compute does."""
        if self.cycles == self.compute_cycles:
            return None
        arch = self.nest.arch
        for name, spaces in self.levels:
            lv = arch.levels[arch.index(name)]  # type: ignore[index]
            r = sum(a.reads for a in spaces.values())
            w = sum(a.fills + a.updates for a in spaces.values())
            for what, amount, bw in (("read", r, lv.read_bw), ("write", w, lv.write_bw), ("shared", r + w, lv.shared_bw)):
                if bw and math.ceil(Fraction(amount) / Fraction(bw)) == self.cycles:
                    return f"{name} {what} bandwidth"
        return None

    def energy(self, per_access: Mapping[tuple[str, str], tuple[float, float, float]], mac_pj: float) -> dict[str, float]:
        """pJ per level: ``per_access[(level, data space)] = (read, fill, update)`` pJ per word."""
        out = {"mac": self.macs * mac_pj}
        for name, spaces in self.levels:
            e = 0.0
            for ds, a in spaces.items():
                r, f, u = per_access.get((name, ds), (0.0, 0.0, 0.0))
                e += (a.reads * r + a.fills * f + a.updates * u) * a.instances
            out[name] = e
        return out


def coordinate_values(coord: tuple[tuple[str, int], ...], extent: Mapping[str, int]) -> np.ndarray:
    """The distinct values of ``Σ c·x_d`` over ``x_d ∈ [0, extent[d])``: one projected coordinate."""
    v = np.zeros(1, np.int64)
    for d, c in coord:
        v = np.unique((v[:, None] + c * np.arange(extent.get(d, 1), dtype=np.int64)[None, :]).ravel())
    return v


def _prod(xs: list[int] | tuple[int, ...]) -> int:
    n = 1
    for x in xs:
        n *= x
    return n


def _extent(loops: tuple[Loop, ...], dims: tuple[str, ...]) -> dict[str, int]:
    e = dict.fromkeys(dims, 1)
    for lp in loops:
        e[lp.dim] *= lp.bound
    return e


def _tile(ds: DataSpace, extent: Mapping[str, int]) -> int:
    return _prod([len(coordinate_values(c, extent)) for c in ds.projection])


def _shift_overlap(ds: DataSpace, extent: Mapping[str, int], dim: str, step: int) -> int:
    """Words two tiles share when the index of ``dim`` advances by ``step``."""
    n = 1
    for coord in ds.projection:
        vals = coordinate_values(coord, extent)
        c = next((c for d, c in coord if d == dim), 0)
        n *= len(np.intersect1d(vals, vals + c * step, assume_unique=True)) if c else len(vals)
    return n


def _level_fills(nest: Nest, ds: DataSpace, lvl: int, tile: int, inner_ext: Mapping[str, int]) -> tuple[int, int]:
    """(fills, visits) of one instance of level ``lvl``: Timeloop's delta rule over the temporal
    loops above it."""
    above = [lp for lp in nest.loops if lp.level < lvl and not lp.spatial]
    dims = ds.dims()
    rel = [k for k, lp in enumerate(above) if lp.dim in dims]
    if not rel:
        return tile, 1
    k = rel[-1]
    outer = _prod([lp.bound for lp in above[:k]])
    if k == len(above) - 1:  # the innermost loop above moves the tile: its steps keep the halo
        lp = above[k]
        step = _prod([q.bound for q in nest.loops if q.dim == lp.dim and nest.loops.index(q) > nest.loops.index(lp)])
        delta = tile - _shift_overlap(ds, inner_ext, lp.dim, step)
        return outer * (tile + (lp.bound - 1) * delta), outer * lp.bound
    return outer * above[k].bound * tile, outer * above[k].bound


def _spatial_between(nest: Nest, hi: int, lo: int, dims: frozenset[str]) -> tuple[int, int]:
    """(fan-out along ``dims``, all fan-out) of the spatial loops at levels hi … lo-1."""
    sp = [lp for lp in nest.loops if lp.spatial and hi <= lp.level < lo]
    return _prod([lp.bound for lp in sp if lp.dim in dims]), _prod([lp.bound for lp in sp])


def count(nest: Nest) -> Counts:
    p, arch = nest.problem, nest.arch
    n = len(arch.levels)  # the compute unit is level n-1
    temporal = [lp for lp in nest.loops if not lp.spatial]
    t_all = _prod([lp.bound for lp in temporal])
    compute_inst = _prod([lp.bound for lp in nest.loops if lp.spatial])
    acc: dict[int, dict[str, Access]] = {i: {} for i in range(n - 1)}
    for ds in p.data_spaces:
        dims = ds.dims()
        chain = [i for i in range(n - 1) if ds.name in nest.keep[i]]
        # per keeping level (and the compute unit, as the innermost child): what it asks of its parent
        want: dict[int, tuple[int, int, int]] = {}  # level → (fills or refills, drains, first touches)
        d_comp = _prod([lp.bound for lp in temporal if lp.dim in dims])
        want[n - 1] = ((t_all - d_comp) if ds.read_write else t_all, t_all if ds.read_write else 0, d_comp)
        info: dict[int, tuple[int, int, int]] = {}
        for i in chain:
            inner = tuple(lp for lp in nest.loops if lp.level >= i)
            ext = _extent(inner, p.dims)
            tile = _tile(ds, ext)
            fills, visits = _level_fills(nest, ds, i, tile, ext)
            inst = _prod([lp.bound for lp in nest.loops if lp.spatial and lp.level < i])
            first = tile * _prod([lp.bound for lp in temporal if lp.level < i and lp.dim in dims])
            if ds.read_write:
                want[i] = (visits * tile - first, visits * tile, first)
            else:
                want[i] = (fills, 0, tile)
            info[i] = (tile, inst, first)
        for pos, i in enumerate(chain):
            child = chain[pos + 1] if pos + 1 < len(chain) else n - 1
            rel, _ = _spatial_between(nest, i, child, dims)
            c_fill, c_drain, _ = want[child]
            reads, updates = c_fill * rel, c_drain * rel
            fills = want[i][0] if pos > 0 else 0
            tile, inst, _ = info[i]
            acc[i][ds.name] = Access(reads, fills, updates, tile, inst)
    levels = tuple((arch.levels[i].name, acc[i]) for i in range(n - 1) if acc[i])
    return Counts(nest, p.macs, compute_inst, levels)
