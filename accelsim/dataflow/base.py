"""What a dataflow is: a small declarative description of a loop nest.

A dataflow says (Sze et al., "Efficient Processing of DNNs", §V; Chen et al., ISCA 2016):

- ``rows``, ``cols`` — the dims unrolled across PE rows and PE columns (spatial loops);
- ``rf_order`` — the temporal loops inside one PE for one array pass, outermost first;
- ``keep`` — for each data type (``weight``, ``ifmap``, ``psum``), how much of it a
  PE's RF keeps: ``"pass"`` (the PE's whole footprint of the pass stays: *stationary*),
  the name of a loop of ``rf_order`` (the RF keeps the footprint of the loops inside
  that loop, and refills what is new each time it advances: a sliding window, a block of
  psums), or ``"mac"`` (nothing: the operand streams in over the NoC for every MAC);
- ``pass_order`` — the order of the loops over array passes inside one GLB tile.

The engine derives every count from this and from each data type's dependence on the
dims (:mod:`accelsim.engine.problem`); a new dataflow is a new module, not engine code.

A user's own dataflow is a subclass of :class:`Dataflow` that states these fields as
class attributes, in its own file (:mod:`accelsim.dataflow.plugin`); it may also write
out its RF loop nest by hand in :meth:`Dataflow.order`, which the reference model runs
literally (docs/teaching.md).
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DIMS = ("N", "G", "M", "C", "E", "F", "R", "S")
KEEP_TYPES = ("weight", "ifmap", "psum")


@dataclass(frozen=True)
class Dataflow:
    name: str
    title: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    rf_order: tuple[str, ...]
    keep: Mapping[str, str]
    pass_order: tuple[str, ...]
    uses_rf: bool = True
    full_in_pass: tuple[str, ...] = ()  # dims a pass always covers whole (e.g. R, S in WS)
    description: str = ""
    reference: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for group, name in ((self.rows, "rows"), (self.cols, "cols"), (self.rf_order, "rf_order"), (self.pass_order, "pass_order")):
            for d in group:
                if d not in DIMS:
                    raise ValueError(f"dataflow {self.name}: {name} names unknown dim {d!r}")
        if set(self.keep) != set(KEEP_TYPES):
            raise ValueError(f"dataflow {self.name}: keep must give {KEEP_TYPES}")
        for t, k in self.keep.items():
            if k not in ("pass", "mac") and k not in self.rf_order:
                raise ValueError(f"dataflow {self.name}: keep[{t}] = {k!r} is not a loop of rf_order")
        if sorted(self.pass_order) != sorted(DIMS):
            raise ValueError(f"dataflow {self.name}: pass_order must order all of {DIMS}")
        for group, name in ((self.rows, "rows"), (self.cols, "cols"), (self.rf_order, "rf_order")):
            if len(set(group)) != len(group):
                raise ValueError(f"dataflow {self.name}: {name} names a dim twice")
        if set(self.rows) & set(self.cols):
            raise ValueError(f"dataflow {self.name}: {sorted(set(self.rows) & set(self.cols))} on both rows and cols")

    def order(self, extent: Mapping[str, int]) -> Iterable[tuple[int, ...]]:
        """One PE's RF loop nest for one array pass: the index tuples it visits, one per
        step, each giving the index of every loop of ``rf_order`` (in that order);
        ``extent[d]`` is the number of iterations of loop ``d``. By default the loops nest
        as ``rf_order`` says, the first outermost. A user's dataflow may write the nest
        out by hand; the reference model runs whatever it yields (docs/teaching.md)."""
        return itertools.product(*(range(extent[d]) for d in self.rf_order))

    def keep_level(self, dtype: str) -> int:
        """Index into ``rf_order`` of the first loop the RF keeps the block *inside* of:
        0 for ``"pass"`` (everything), len(rf_order) for ``"mac"`` (nothing)."""
        k = self.keep[dtype]
        if k == "pass":
            return 0
        if k == "mac":
            return len(self.rf_order)
        return self.rf_order.index(k) + 1
