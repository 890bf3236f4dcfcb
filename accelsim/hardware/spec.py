"""The accelerator spec: a PE array, its storage levels and units, as frozen value objects.

Levels, innermost first (DESIGN.md's data-movement levels)::

    MAC  <-  RF (per PE)  <-  NoC  <-  GLB(s)  <-  DRAM

- :class:`ArraySpec` — ``rows`` × ``cols`` PEs, ``kind`` ``systolic`` (operands are
  forwarded neighbour to neighbour) or ``spatial`` (PEs fed over a NoC with multicast, each
  PE with its own RF, as in Eyeriss).
- :class:`RFSpec` — the register file / scratchpad *of one PE*, either one store shared by
  the data types it holds or split per data type (Eyeriss: ifmap 12, weight 224, psum 24
  words). Absent only for a config whose dataflows need no RF (``nlr``).
- :class:`NoCSpec` — the array interconnect: ``forwarding`` (systolic), ``multicast`` or
  ``unicast`` (spatial), and how many elements of each data type it moves between the
  GLBs and the array per cycle.
- :class:`GLBSpec` — one global buffer: a name, the data types it holds, size, word width,
  bandwidth, banks, ports. A config has one or more (shared, or split per data type as
  in a TPU or SCALE-Sim); together they hold every data type, except those the config
  explicitly lets bypass to DRAM (``glb_bypass``).
- :class:`DRAMSpec` — off-chip memory: word width and bandwidth (words per cycle, or
  GB/s turned into bytes per cycle with the clock).
- :class:`SIMDSpec` — the vector unit that runs the layers that are not MACs (pool, add,
  scale, activation, shuffle, shift).

Units. Sizes are kept in **bits** (``size_bits``); ``size_bytes`` is bits / 8. The loader
reads ``KB`` = ``kB`` = ``KiB`` = 1024 bytes, ``MB`` = ``MiB`` = 1024², ``GB`` = ``GiB``
= 1024³ (as SCALE-Sim does). Rates in GB/s are decimal (10⁹ bytes/s), as memory vendors
quote them. A level's bandwidth is in *its* words (``word_bits``) per core cycle;
``elements_per_cycle(dtype)`` converts to elements of a data type whose width differs.
A level with ``shared_bw`` has one port pool for reads and writes together (then
``read_bw == write_bw`` is the shared figure); otherwise reads and writes have their own.

A ``double_buffered`` level keeps half its capacity for the tile being used and half for
the next one being loaded, so ``usable(dtype)`` is half of ``capacity(dtype)`` for the
data types it double-buffers (all held types, or the listed ones).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from ..errors import AccelsimError, did_you_mean
from .energy import EnergyTable
from .sparse import NO_SPARSITY, SparseSpec

DATA_TYPES: tuple[str, ...] = ("weight", "ifmap", "psum", "ofmap")
"""The data types, in DESIGN.md's spelling."""

DATAFLOWS: tuple[str, ...] = ("ws", "os", "is", "rs", "nlr")
"""weight-, output-, input-, row-stationary, no local reuse."""

ARRAY_KINDS: tuple[str, ...] = ("systolic", "spatial")

RUNNABLE: Mapping[str, tuple[str, ...]] = {
    "systolic": ("ws", "os", "is"),
    "spatial": DATAFLOWS,
}
"""Which dataflows an array kind can run: a systolic array only forwards operands between
neighbours, so it runs the three single-stationary dataflows (as SCALE-Sim); a spatial
array with a multicast NoC runs all five (as Eyeriss, ISCA'16)."""

STATIONARY: Mapping[str, tuple[str, ...]] = {
    "ws": ("weight",),
    "os": ("psum",),
    "is": ("ifmap",),
    "rs": ("weight", "ifmap", "psum"),
    "nlr": (),
}
"""The data types a dataflow keeps in the PE's RF (so the RF must hold them)."""

NOC_KINDS: Mapping[str, tuple[str, ...]] = {
    "systolic": ("forwarding",),
    "spatial": ("multicast", "unicast"),
}

LEVELS: tuple[str, ...] = ("RF", "NoC", "GLB", "DRAM")
"""Data-movement levels, innermost first."""

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only, hashable mapping (keeps insertion order), so specs stay frozen values."""

    __slots__ = ("_d",)

    def __init__(self, items: Mapping[K, V] | Any = ()) -> None:
        self._d: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._d[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __hash__(self) -> int:
        return hash(tuple(self._d.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._d!r})"


def _check_dtype(dtype: str) -> None:
    if dtype not in DATA_TYPES:
        raise ValueError(f"unknown data type {dtype!r}; expected one of {', '.join(DATA_TYPES)}")


def _num(x: float) -> int | float:
    """An integral float as int (for JSON and printing)."""
    return int(x) if float(x).is_integer() else x


# ---------------------------------------------------------------- the array


@dataclass(frozen=True)
class ArraySpec:
    """The PE array: ``rows`` × ``cols`` PEs, one MAC per PE per cycle."""

    rows: int
    cols: int
    kind: str  # "systolic" | "spatial"

    @property
    def pes(self) -> int:
        return self.rows * self.cols

    def __str__(self) -> str:
        return f"{self.rows}x{self.cols} {self.kind}"


# ---------------------------------------------------------------- storage levels


@dataclass(frozen=True, kw_only=True)
class Level:
    """What every storage level has: the data types it holds, word width, bandwidth."""

    level: str  # "RF" | "GLB" | "DRAM"
    name: str
    holds: tuple[str, ...]
    word_bits: int
    elem_bits: FrozenMap[str, int]  # width of each held data type (from the config's word_bits)
    read_bw: float  # level words per cycle (a split RF: element accesses per cycle)
    write_bw: float
    shared_bw: bool = False
    double_buffered: tuple[str, ...] = ()

    def holds_type(self, dtype: str) -> bool:
        _check_dtype(dtype)
        return dtype in self.holds

    def elements_per_cycle(self, dtype: str, *, write: bool = False) -> float:
        """Elements of ``dtype`` per cycle the level can read (or write), alone."""
        _check_dtype(dtype)
        bw = self.write_bw if write else self.read_bw
        return bw * self.word_bits / self.elem_bits.get(dtype, self.word_bits)

    @property
    def read_bits_per_cycle(self) -> float:
        return self.read_bw * self.word_bits

    @property
    def write_bits_per_cycle(self) -> float:
        return self.write_bw * self.word_bits

    @property
    def bytes_per_cycle(self) -> float:
        """The most bytes per cycle the level moves (reads and writes together)."""
        bits = self.read_bits_per_cycle if self.shared_bw else self.read_bits_per_cycle + self.write_bits_per_cycle
        return bits / 8


@dataclass(frozen=True, kw_only=True)
class _Store(Level):
    size_bits: int
    split: FrozenMap[str, int] | None = None  # elements per data type, if partitioned

    @property
    def size_bytes(self) -> int | float:
        return _num(self.size_bits / 8)

    @property
    def size_words(self) -> int:
        """Capacity in the level's words (rounded down)."""
        return self.size_bits // self.word_bits

    def elements_per_cycle(self, dtype: str, *, write: bool = False) -> float:
        """Elements of ``dtype`` per cycle; a split store counts one element per access."""
        if self.split is None:
            return super().elements_per_cycle(dtype, write=write)
        _check_dtype(dtype)
        return self.write_bw if write else self.read_bw

    def capacity(self, dtype: str) -> int:
        """How many elements of ``dtype`` fit (its partition, or the whole shared store); 0 if not held."""
        _check_dtype(dtype)
        if dtype not in self.holds:
            return 0
        if self.split is not None:
            return self.split[dtype]
        return self.size_bits // self.elem_bits[dtype]

    def usable(self, dtype: str) -> int:
        """Elements of ``dtype`` available to one tile: half the capacity if double-buffered."""
        c = self.capacity(dtype)
        return c // 2 if dtype in self.double_buffered else c


@dataclass(frozen=True, kw_only=True)
class RFSpec(_Store):
    """The register file (scratchpad) of ONE PE. Sizes and bandwidths are per PE."""


@dataclass(frozen=True, kw_only=True)
class GLBSpec(_Store):
    """One global buffer, shared by the array; ``banks`` and ``ports`` as built."""

    banks: int = 1
    ports: int = 1

    @property
    def bank_bits(self) -> int:
        return self.size_bits // self.banks


@dataclass(frozen=True, kw_only=True)
class DRAMSpec(Level):
    """Off-chip memory. ``size_bits`` is informative (None: not stated)."""

    size_bits: int | None = None
    gbytes_per_s: float = 0.0  # the bandwidth as configured or derived, decimal GB/s

    @property
    def size_bytes(self) -> int | float | None:
        return None if self.size_bits is None else _num(self.size_bits / 8)


# ---------------------------------------------------------------- NoC and SIMD


@dataclass(frozen=True)
class NoCSpec:
    """The array interconnect between the GLBs and the PEs.

    ``bw[dtype]`` is the number of elements of that data type the NoC moves between the
    GLB side and the array per cycle (for a systolic array: the array edge it enters or
    leaves by). One ``noc_transfer`` action = one element delivered to (or collected
    from) one PE, whether it arrived by multicast or by a neighbour-to-neighbour hop.
    """

    kind: str  # "forwarding" | "multicast" | "unicast"
    bw: FrozenMap[str, float]
    word_bits: int

    @property
    def multicast(self) -> bool:
        return self.kind == "multicast"


@dataclass(frozen=True)
class SIMDSpec:
    """The vector unit for non-MAC layers: ``lanes`` × ``ops_per_lane_per_cycle`` ops per cycle."""

    lanes: int
    ops_per_lane_per_cycle: int = 1
    word_bits: int = 16
    # between the layers (accelsim/schedule/): the unit sits on the array's output path, so
    # element-wise work can be done on the way to the GLB; and concat/slice/shuffle are
    # address changes ("in_place") or need a real copy through memory ("copy")
    on_output_path: bool = True
    views: str = "in_place"

    @property
    def ops_per_cycle(self) -> int:
        return self.lanes * self.ops_per_lane_per_cycle


# ---------------------------------------------------------------- the whole accelerator


@dataclass(frozen=True)
class HardwareSpec:
    """One accelerator: array, levels, units, clock, default dataflow, energy table."""

    name: str
    description: str
    array: ArraySpec
    rf: RFSpec | None
    noc: NoCSpec
    glbs: tuple[GLBSpec, ...]  # innermost first
    dram: DRAMSpec
    simd: SIMDSpec
    clock_mhz: float
    dataflow: str
    word_bits: FrozenMap[str, int]  # per data type
    energy: EnergyTable
    glb_bypass: tuple[str, ...] = ()  # data types that go DRAM <-> NoC directly
    source: str = ""
    sparse: SparseSpec = NO_SPARSITY  # formats per level, zero handling per PE (hardware/sparse.py)
    file: str = field(default="", compare=False)

    def __hash__(self) -> int:
        """The dataclass's own hash of the compared fields, computed once: a spec keys the
        mapper's caches and is looked up thousands of times per network."""
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict:
        """Pickled and copied without the cached hash: a string's hash differs between processes."""
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    # -- structure

    @property
    def pes(self) -> int:
        return self.array.pes

    def glb_for(self, dtype: str) -> GLBSpec | None:
        """The (innermost) global buffer that holds ``dtype``; None if it bypasses to DRAM."""
        _check_dtype(dtype)
        for g in self.glbs:
            if dtype in g.holds:
                return g
        return None

    def glbs_for(self, dtype: str) -> tuple[GLBSpec, ...]:
        """Every global buffer that holds ``dtype``, innermost first."""
        _check_dtype(dtype)
        return tuple(g for g in self.glbs if dtype in g.holds)

    def glb(self, name: str) -> GLBSpec:
        for g in self.glbs:
            if g.name == name:
                return g
        names = [g.name for g in self.glbs]
        raise KeyError(f"no global buffer {name!r}{did_you_mean(name, names)}; the buffers are {', '.join(names)}")

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action this config can perform, i.e. needs an energy cost for."""
        return needed_actions(self.rf is not None, [g.name for g in self.glbs])

    def with_element_bits(self, bits: Mapping[str, int]) -> "HardwareSpec":
        """The same machine holding each data type at ``bits`` instead of its native width:
        what the mapper sizes tiles against when a compression narrows the elements (the
        worst case of a compressed tensor is no zeros at the stated width; every format
        falls back to that, hardware/sparse.py). Energy costs are the config's own."""
        from dataclasses import replace

        wb = FrozenMap({t: bits.get(t, self.word_bits[t]) for t in self.word_bits})
        if wb == self.word_bits:
            return self

        def level(lv):
            return replace(lv, elem_bits=FrozenMap({t: wb[t] for t in lv.elem_bits}))

        return replace(self, word_bits=wb, rf=None if self.rf is None else level(self.rf),
                       glbs=tuple(level(g) for g in self.glbs), dram=level(self.dram))

    # -- dataflows

    @property
    def dataflows(self) -> tuple[str, ...]:
        """The dataflows this config can run (array kind, and the RF holds what stays)."""
        return tuple(df for df in RUNNABLE[self.array.kind] if dataflow_problem(self.array.kind, self.rf, df) is None)

    def check_dataflow(self, dataflow: str) -> None:
        """Raise an AccelsimError naming the config if it cannot run ``dataflow``."""
        problem = dataflow_problem(self.array.kind, self.rf, dataflow)
        if problem is not None:
            message, expected, found = problem
            raise AccelsimError(message, file=self.file or self.name, where="dataflow", expected=expected, found=found)

    # -- rates

    @property
    def clock_hz(self) -> float:
        return self.clock_mhz * 1e6

    @property
    def peak_macs_per_cycle(self) -> int:
        return self.array.pes

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON-ready data (sizes in bytes, bandwidths in words/cycle)."""

        def level(lv: Level) -> dict[str, Any]:
            d: dict[str, Any] = {"name": lv.name, "holds": list(lv.holds), "word_bits": lv.word_bits}
            if isinstance(lv, _Store):
                d["size_bytes"] = lv.size_bytes
                if lv.split is not None:
                    d["split_words"] = dict(lv.split)
            if isinstance(lv, GLBSpec):
                d["banks"], d["ports"] = lv.banks, lv.ports
            if isinstance(lv, DRAMSpec):
                d["size_bytes"] = lv.size_bytes
                d["GBps"] = lv.gbytes_per_s
            if lv.shared_bw:
                d["bw_words_per_cycle"] = _num(lv.read_bw)
            else:
                d["read_bw_words_per_cycle"] = _num(lv.read_bw)
                d["write_bw_words_per_cycle"] = _num(lv.write_bw)
            d["double_buffered"] = list(lv.double_buffered)
            return d

        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "array": {"rows": self.array.rows, "cols": self.array.cols, "kind": self.array.kind},
            "clock_mhz": _num(self.clock_mhz),
            "dataflow": self.dataflow,
            "dataflows": list(self.dataflows),
            "word_bits": dict(self.word_bits),
            "rf": None if self.rf is None else level(self.rf),
            "noc": {"kind": self.noc.kind, "bw": {k: _num(v) for k, v in self.noc.bw.items()}},
            "glbs": [level(g) for g in self.glbs],
            "glb_bypass": list(self.glb_bypass),
            "dram": level(self.dram),
            "simd": {"lanes": self.simd.lanes, "ops_per_lane_per_cycle": self.simd.ops_per_lane_per_cycle,
                     "on_output_path": self.simd.on_output_path, "views": self.simd.views},
            "energy": self.energy.to_dict(),
            **({"sparse": self.sparse.to_dict()} if self.sparse != NO_SPARSITY else {}),
        }


def needed_actions(has_rf: bool, glb_names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The energy-table actions a config with (or without) an RF and these GLBs performs."""
    acts = ["mac"]
    if has_rf:
        acts += ["rf_read", "rf_write"]
    acts.append("noc_transfer")
    for g in glb_names:
        acts += [f"{g}_read", f"{g}_write"]
    acts += ["dram_read", "dram_write", "simd_op"]
    return tuple(acts)


def dataflow_problem(kind: str, rf: RFSpec | None, dataflow: str) -> tuple[str, str, str] | None:
    """Why an array of ``kind`` with this RF cannot run ``dataflow`` (message, expected, found), or None."""
    if dataflow not in DATAFLOWS:
        return (
            f"unknown dataflow '{dataflow}'{did_you_mean(dataflow, DATAFLOWS)}",
            "one of " + ", ".join(DATAFLOWS),
            dataflow,
        )
    if dataflow not in RUNNABLE[kind]:
        return (
            f"a {kind} array cannot run dataflow '{dataflow}'",
            f"one of {', '.join(RUNNABLE[kind])} for a {kind} array"
            + (" (rs and nlr need a spatial array with a multicast NoC)" if kind == "systolic" else ""),
            dataflow,
        )
    keep = STATIONARY[dataflow]
    if keep and rf is None:
        return (
            f"dataflow '{dataflow}' keeps {' and '.join(keep)} in each PE's RF, but the config has no 'rf'",
            "an 'rf' section (only nlr runs without one)",
            dataflow,
        )
    missing = [d for d in keep if rf is not None and d not in rf.holds]
    if missing:
        return (
            f"dataflow '{dataflow}' keeps {' and '.join(keep)} in each PE's RF, but the RF does not hold {', '.join(missing)}",
            f"an RF holding {', '.join(keep)}",
            f"an RF holding {', '.join(rf.holds) if rf else 'nothing'}",
        )
    return None


def fmt_bytes(n: float) -> str:
    """1024-based human size: 520 B, 108 KiB, 24 MiB."""
    if n < 1024:
        return f"{_num(n)} B"
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            v = n / scale
            return f"{_num(round(v, 2)) if not float(v).is_integer() else int(v)} {unit}"
    return f"{n} B"  # pragma: no cover
