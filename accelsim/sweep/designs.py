"""Which designs a sweep visits: the full grid, a seeded random sample, or a Latin hypercube.

A design is a point of the grid: one value per axis. Its index counts through the grid
with the first axis slowest (the order of ``itertools.product``), so a design keeps its
number whether it was reached by the grid, a sample or the search.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from ..errors import AccelsimError
from .spec import SweepSpec

MAX_GRID = 1_000_000


def values_at(spec: SweepSpec, index: int) -> tuple[Any, ...]:
    """The axis values of design ``index`` (mixed radix, first axis slowest)."""
    out = []
    for axis in reversed(spec.axes):
        index, i = divmod(index, len(axis.values))
        out.append(axis.values[i])
    return tuple(reversed(out))


def index_of(spec: SweepSpec, positions: tuple[int, ...]) -> int:
    """The design index of one position per axis."""
    index = 0
    for axis, i in zip(spec.axes, positions):
        index = index * len(axis.values) + i
    return index


def label(spec: SweepSpec, values: tuple[Any, ...]) -> str:
    """A short name for a design: its axis values, e.g. '12 · 14 · 100 KiB'."""
    return " · ".join(str(v) for v in values) if values else "base"


def candidates(spec: SweepSpec, sample: int | None) -> Iterator[int]:
    """Design indices in the order a sweep tries them: all of them, a random permutation
    (the caller stops at ``sample`` designs that meet the constraints) or the ``sample``
    points of a Latin hypercube (duplicates dropped)."""
    total = spec.grid_size
    if total > MAX_GRID and sample is None:
        raise AccelsimError(
            f"the grid has {total:,} designs, more than a full sweep visits", file=spec.file, where="axes",
            expected=f"at most {MAX_GRID:,} designs, or --sample N / --search N", found=total,
        )
    if sample is None:
        return iter(range(total))
    if sample < 1:
        raise AccelsimError("nothing to sample", where="--sample", expected="an integer >= 1", found=sample)
    rng = random.Random(spec.seed)
    if spec.sampling == "lhs":
        return iter(_lhs(spec, sample, rng))
    return _permutation(total, rng)


def _permutation(total: int, rng: random.Random) -> Iterator[int]:
    if total <= MAX_GRID:
        order = list(range(total))
        rng.shuffle(order)
        yield from order
        return
    seen: set[int] = set()
    while len(seen) < total:
        i = rng.randrange(total)
        if i not in seen:
            seen.add(i)
            yield i


def _lhs(spec: SweepSpec, n: int, rng: random.Random) -> list[int]:
    """A Latin hypercube of n points over the axes' positions: each axis is cut into n
    equal strata, each stratum used once (McKay, Beckman & Conover 1979), and a point's
    position on an axis of k values is floor(u · k)."""
    cols = []
    for axis in spec.axes:
        strata = list(range(n))
        rng.shuffle(strata)
        cols.append([int((s + rng.random()) / n * len(axis.values)) for s in strata])
    seen: dict[int, None] = {}
    for j in range(n):
        seen.setdefault(index_of(spec, tuple(c[j] for c in cols)), None)
    return list(seen)
