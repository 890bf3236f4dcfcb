"""One layer under one mapping on one machine: counts, cycles and energy.

Counts come from the kernel (docs/engine.md §3); cycles from its tile-by-tile timeline
(§5: compute per pass, NoC and GLB bandwidth per tile, DRAM double-buffered against
compute). Energy = Σ count × the config's per-action cost.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..dataflow import Dataflow
from ..hardware import HardwareSpec
from ..mapping.mapping import Mapping
from . import kernel as K
from ..result import DTYPES, ENERGY_LEVELS
from .problem import DIMS, Problem
from .tiles import walk_tiles_loops



@dataclass(frozen=True)
class LayerCost:
    macs: int
    cycles: int
    stall_cycles: int
    compute_cycles: int
    accesses: dict[str, dict[str, dict[str, int]]]
    actions: dict[str, int]  # action (or action.dtype) -> count, for the energy table
    energy: dict[str, float]  # per level, MAC included
    energy_by_type: dict[str, float]
    bound_by: str = "compute"

    @property
    def total_energy(self) -> float:
        return math.fsum(self.energy.values())


def price(spec: HardwareSpec, actions: dict[str, int] | dict[str, float], expected: bool = False) -> tuple[dict[str, float], dict[str, float]]:
    """Energy of some action counts, per level and per data type (``action.dtype``). The
    counts are integers; with ``expected`` they may be expectations (floats, the
    compressed model of engine/sparse.py), priced the same way, count × cost."""
    table = spec.energy
    energy = dict.fromkeys(ENERGY_LEVELS, 0.0)
    by_type = dict.fromkeys(DTYPES, 0.0)
    if expected:  # the same products and sums, each action's cost, level and type looked up once per machine
        terms = _action_terms(spec)
        for action, n in actions.items():
            got = terms.get(action)
            if got is None:
                got = terms[action] = (table.cost(action), table.level(action), action.partition(".")[2])
            e = n * got[0]
            energy[got[1]] += e
            if got[2]:
                by_type[got[2]] += e
        return energy, by_type
    costs = table.energy(actions)
    for action, e in costs.items():
        energy[table.level(action)] += e
        t = action.partition(".")[2]
        if t:
            by_type[t] += e
    return energy, by_type


@functools.lru_cache(maxsize=64)
def _action_terms(spec: HardwareSpec) -> dict[str, tuple[float, str, str]]:
    """Per action name, (cost, level, data type or ""), filled as :func:`price` meets them."""
    return {}


def run_kernel(p: Problem, df: Dataflow, m: Mapping, systolic: bool = False):
    """The kernel's totals, and the per-tile tables the timeline needs."""
    axis = np.array([1 if d in m.rows else 2 if d in m.cols else 0 for d in DIMS], np.int64)
    if m.rf_loops:  # a dim split across two RF loops
        t1, _, sp, t3, po, ro, keep, ci = m.rf_loop_arrays(df, p)
        loop_dim, loop_cnt = m.dram_loop_arrays(p)
        return K.layer_detail_rf(p.as_array(), t1, loop_dim, loop_cnt, sp, t3, ci, po, ro, keep, df.uses_rf, axis, systolic)
    t1, order, sp, t3, po, ro, keep = m.arrays(df)
    if m.dram_loops:
        loop_dim, loop_cnt = m.dram_loop_arrays(p)
        return K.layer_detail_loops(p.as_array(), t1, loop_dim, loop_cnt, sp, t3, po, ro, keep, df.uses_rf, axis, systolic)
    return K.layer_detail(p.as_array(), t1, order, sp, t3, po, ro, keep, df.uses_rf, axis, systolic)


_COUNTED: dict[tuple, tuple] = {}
COUNTED_MAX = 512  # kernel outputs kept (the oldest forgotten first)
COUNTED_TILES = 4096  # only those of at most this many GLB tiles (the per-tile tables grow with them)


def counted(p: Problem, df: Dataflow, m: Mapping, systolic: bool = False) -> tuple:
    """:func:`run_kernel`'s output, counted once per layer, loop nest, mapping and array
    kind: a run evaluates the same mapping again for every layer of a repeated shape and
    for the schedule's re-timing of a placed layer (schedule/cost.py). The arrays are
    shared: their readers (:func:`cost_from_kernel`, kernel.timeline) only read them."""
    key = (p, m, systolic, df.pass_order, df.rf_order, tuple(sorted(df.keep.items())), df.uses_rf)
    got = _COUNTED.get(key)
    if got is None:
        got = run_kernel(p, df, m, systolic)
        if len(got[1]) <= COUNTED_TILES:
            if len(_COUNTED) >= COUNTED_MAX:
                del _COUNTED[next(iter(_COUNTED))]
            _COUNTED[key] = got
    return got


counted.cache_clear = _COUNTED.clear  # type: ignore[attr-defined]  # as functools' caches: benchmarks forget it


@functools.lru_cache(maxsize=64)
def machine_arrays(spec: HardwareSpec) -> tuple[np.ndarray, ...]:
    """The hardware figures :func:`kernel.timeline` takes, as plain arrays."""
    noc = np.array([float(spec.noc.bw.get(t, 0) or 0) for t in ("weight", "ifmap", "psum")])
    bits = np.array([float(spec.word_bits[t]) for t in DTYPES])
    names = [g.name for g in spec.glbs]
    buf_of = np.array([names.index(spec.glb_for(t).name) if spec.glb_for(t) is not None else -1 for t in DTYPES], np.int64)
    buf_bw = np.array([g.bytes_per_cycle * 8.0 for g in spec.glbs])
    return noc, bits, float(spec.dram.bytes_per_cycle * 8.0), buf_of, buf_bw


def bypassing(spec: HardwareSpec) -> tuple[str, ...]:
    """The data types no global buffer holds (they go DRAM <-> NoC directly)."""
    return tuple(t for t in DTYPES if spec.glb_for(t) is None)


def accesses_from(r: np.ndarray, bypass: tuple[str, ...] = ()) -> dict[str, dict[str, dict[str, int]]]:
    """The DESIGN.md access table: level -> data type -> reads/writes (elements). A type in
    ``bypass`` is in no GLB: what the array reads or writes of it at the level above the NoC
    (the kernel's GLB slots) moves DRAM <-> NoC directly, so those slots are its DRAM
    traffic and it has no GLB row; the kernel's DRAM slots for it (the GLB's tile fills
    and write-backs) do not happen (docs/engine.md §4)."""
    g = lambda s: int(r[s])  # noqa: E731
    acc = {
        "DRAM": {
            "weight": {"reads": g(K.DRAM_RW), "writes": 0},
            "ifmap": {"reads": g(K.DRAM_RI), "writes": 0},
            "psum": {"reads": g(K.DRAM_RP), "writes": g(K.DRAM_WP)},
            "ofmap": {"reads": 0, "writes": g(K.DRAM_WO)},
        },
        "GLB": {
            "weight": {"reads": g(K.GLB_W), "writes": g(K.DRAM_RW)},
            "ifmap": {"reads": g(K.GLB_I), "writes": g(K.DRAM_RI)},
            "psum": {"reads": g(K.GLB_RP) + g(K.DRAM_WP), "writes": g(K.GLB_WP) + g(K.DRAM_RP)},
            "ofmap": {"reads": g(K.DRAM_WO), "writes": g(K.GLB_WO)},
        },
        "NoC": {
            "weight": {"reads": g(K.NOC_W), "writes": 0},
            "ifmap": {"reads": g(K.NOC_I), "writes": 0},
            "psum": {"reads": g(K.NOC_PI), "writes": g(K.NOC_PO)},
            "ofmap": {"reads": 0, "writes": 0},
        },
        "RF": {
            "weight": {"reads": g(K.RFR_W), "writes": g(K.RFW_W)},
            "ifmap": {"reads": g(K.RFR_I), "writes": g(K.RFW_I)},
            "psum": {"reads": g(K.RFR_P), "writes": g(K.RFW_P)},
            "ofmap": {"reads": 0, "writes": 0},
        },
    }
    stream = {
        "weight": {"reads": g(K.GLB_W), "writes": 0},
        "ifmap": {"reads": g(K.GLB_I), "writes": 0},
        "psum": {"reads": g(K.GLB_RP), "writes": g(K.GLB_WP)},
        "ofmap": {"reads": 0, "writes": g(K.GLB_WO)},
    }
    for t in bypass:
        acc["DRAM"][t] = stream[t]
        acc["GLB"][t] = {"reads": 0, "writes": 0}
    return acc


def actions_from(spec: HardwareSpec, acc: dict, macs: int) -> dict[str, int]:
    """Action counts per data type (``glb_read.ifmap`` …), named as the energy table names them."""
    a: dict[str, int] = {"mac": macs}
    for t in DTYPES:
        rf, noc, glb, dram = acc["RF"][t], acc["NoC"][t], acc["GLB"][t], acc["DRAM"][t]
        if rf["reads"] or rf["writes"]:
            a[f"rf_read.{t}"] = rf["reads"]
            a[f"rf_write.{t}"] = rf["writes"]
        if noc["reads"] + noc["writes"]:
            a[f"noc_transfer.{t}"] = noc["reads"] + noc["writes"]
        buf = spec.glb_for(t)
        if buf is not None and (glb["reads"] or glb["writes"]):
            a[f"{buf.name}_read.{t}"] = glb["reads"]
            a[f"{buf.name}_write.{t}"] = glb["writes"]
        if dram["reads"]:
            a[f"dram_read.{t}"] = dram["reads"]
        if dram["writes"]:
            a[f"dram_write.{t}"] = dram["writes"]
    return a


@functools.lru_cache(maxsize=64)
def cost_vector(spec: HardwareSpec) -> np.ndarray:
    """Energy of one count in each kernel slot. Energy is linear in the counts, so pricing
    each slot alone through the same path as :func:`evaluate` gives the exact weights."""
    costs = np.zeros(K.N_OUT)
    for k in range(K.N_OUT):
        r = np.zeros(K.N_OUT, np.int64)
        r[k] = 1
        acc = accesses_from(r, bypassing(spec))
        if spec.rf is None and any(v["reads"] or v["writes"] for v in acc["RF"].values()):
            continue  # an RF slot on a machine without RFs (nlr): always 0, and the table has no RF cost
        costs[k] = spec.energy.total(actions_from(spec, acc, int(r[K.MACS])))
    return costs


def kernel_totals(p: Problem, df: Dataflow, m: Mapping, systolic: bool = False) -> np.ndarray:
    """The kernel's totals alone (each class of like GLB tiles counted once)."""
    if m.rf_loops:  # counted tile by tile
        return run_kernel(p, df, m, systolic)[0]
    t1, order, sp, t3, po, ro, keep = m.arrays(df)
    axis = np.array([1 if d in m.rows else 2 if d in m.cols else 0 for d in DIMS], np.int64)
    res = K.layer_totals(p.as_array(), t1, order, sp, t3, po, ro, keep, df.uses_rf, axis, systolic)
    if m.dram_loops:  # only the DRAM walk depends on the order of the GLB tiles
        res[K.DRAM_RW : K.DRAM_WO + 1] = walk_tiles_loops(p.as_array(), t1, *m.dram_loop_arrays(p))[0][:5]
    return res


@functools.lru_cache(maxsize=64)
def static_per_cycle(spec: HardwareSpec) -> float:
    """The energy the table charges per cycle of a conv/fc layer (its ``*_static`` actions:
    PEs, RFs, GLBs, SIMD; 0 when it states none)."""
    return spec.energy.total(spec.energy.static_counts(1, spec.pes, spec.rf is not None, len(spec.glbs), True))


def score(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, objective: str) -> float:
    """The mapper's objective for one candidate, without building the full result."""
    static = static_per_cycle(spec)
    if objective == "energy" and static == 0:
        r = kernel_totals(p, df, m, spec.array.kind == "systolic")
        return float(np.dot(r[: K.N_OUT].astype(np.float64), cost_vector(spec)))
    r, tile_row, rows, per = run_kernel(p, df, m, spec.array.kind == "systolic")
    cycles = K.timeline(tile_row, rows, per, *machine_arrays(spec))[0]
    energy = float(np.dot(r[: K.N_OUT].astype(np.float64), cost_vector(spec))) + static * cycles
    return energy if objective == "energy" else float(cycles) if objective == "latency" else energy * cycles


def bound_by(cycles: int, compute: int, array_side: int) -> str:
    """What most of a layer's cycles go to: computing, waiting for the GLB and NoC (the
    tiles' array-side time beyond their compute), or waiting for DRAM (the rest: the
    exposed first fill and last write-back, and every tile DRAM outlasts). Ties go to
    the earlier of the three."""
    parts = {"compute": compute, "GLB/NoC bandwidth": array_side - compute, "DRAM bandwidth": cycles - array_side}
    return max(parts, key=lambda k: parts[k])


def evaluate(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping) -> LayerCost:
    return cost_from_kernel(spec, counted(p, df, m, spec.array.kind == "systolic"))


def cost_from_kernel(spec: HardwareSpec, kernel_out: tuple) -> LayerCost:
    """A layer's counts, cycles and energy from :func:`run_kernel`'s output."""
    r, tile_row, rows, per = kernel_out
    macs = int(r[K.MACS])
    acc = accesses_from(r, bypassing(spec))
    actions = actions_from(spec, acc, macs)
    # cycles: tile by tile, DRAM overlapped with compute (docs/engine.md §5)
    cycles, compute, array_side = K.timeline(tile_row, rows, per, *machine_arrays(spec))
    # the table's energy per cycle, if it states any (hardware/energy.py: *_static)
    actions.update(spec.energy.static_counts(int(cycles), spec.pes, spec.rf is not None, len(spec.glbs), True))
    energy, by_type = price(spec, actions)
    return LayerCost(
        macs=macs,
        cycles=cycles,
        stall_cycles=cycles - compute,
        compute_cycles=compute,
        accesses=acc,
        actions=actions,
        energy=energy,
        energy_by_type=by_type,
        bound_by=bound_by(cycles, compute, array_side),
    )
