"""Timeloop's mapping as an accelsim pinned mapping, so the engine counts it under accelsim's
own convention (docs/engine.md §10), beside the closed-form count under Timeloop's (:mod:`.nest`).

How Timeloop's levels become the engine's loop nest:

- DRAM's loops → ``dram_loops``: the GLB tiles and the order they are visited in;
- the loops of the one storage level between DRAM and the PE array (the GLB) and of the
  outermost fan-out's temporal directive → the pass loops (one per dim);
- the fan-outs' spatial loops → the PE array's factors, free spatial dims: Timeloop's
  Spatial-Y (a spatial directive's permutation past its ``split``) down the ``rows``,
  Spatial-X across the ``cols``. Fan-outs in a chain with only dummy levels between them
  (eyeriss_like: inter_PE_column_spatial, meshX 14, then inter_PE_spatial, meshY 12) keep
  nothing apart, so together they are one 2-D array;
- every loop below the innermost fan-out (the PE's scratchpad and its registers), outermost first →
  ``rf_loops``, a dim in at most two of them (Timeloop's P4 at pe_spad … P14 at weight_reg);
- a data type's RF block is the tile of the outermost PE level that keeps it: accelsim has
  one RF level, so a register below that level folds into it (the engine reads the RF once
  per MAC, as Timeloop reads the register); a type no PE level keeps streams in per MAC;
- a type the GLB does not keep bypasses it (the hardware's ``holds`` lose it).

Dims: Timeloop's P, Q, R, S are accelsim's F, E, S, R (convert.py). What the engine cannot
express is refused with one error naming the directive.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from ..engine.evaluate import LayerCost
from ..engine.problem import Problem
from ..errors import Where
from ..hardware import HardwareSpec
from ..hardware.loader import hardware_from_dict
from ..mapping.mapping import Mapping
from .mapping import Loop, Nest

RENAME = {"P": "F", "Q": "E", "R": "S", "S": "R", "N": "N", "C": "C", "M": "M", "G": "G"}
ROLES = ("weight", "ifmap", "psum")


@dataclass(frozen=True)
class EnginePin:
    """A Timeloop nest as the engine takes it: the pinned-mapping YAML of one layer
    (accelsim/mapping/pinned.py) and the types the GLB does not keep."""

    spec: dict[str, Any]
    glb: str
    bypass: tuple[str, ...]  # accelsim types (weight, ifmap, psum, ofmap) the GLB does not keep


def roles(nest: Nest) -> dict[str, str]:
    """accelsim type (weight, ifmap, psum) → Timeloop data space: the read-write space holds
    the outputs; of the others, the one that does not depend on the output's P/Q holds the
    weights."""
    out: dict[str, str] = {}
    for ds in nest.problem.data_spaces:
        if ds.read_write:
            out["psum"] = ds.name
        elif not ds.dims() & {"P", "Q"}:
            out["weight"] = ds.name
        else:
            out["ifmap"] = ds.name
    return out


def _directive(nest: Nest, lp: Loop) -> Where:
    return Where(nest.file).at(f"mapping (target {nest.arch.levels[lp.level].name}, type {'spatial' if lp.spatial else 'temporal'})")


def engine_pin(nest: Nest, rows: int, cols: int) -> EnginePin:
    """The pinned mapping the engine counts for Timeloop's ``nest`` on an array of ``rows`` ×
    ``cols`` PEs, or one error naming the directive accelsim cannot express."""
    levels = nest.arch.levels
    where = Where(nest.file).at("mapping")
    fan = [i for i, lv in enumerate(levels) if lv.kind == "dummy" and lv.name.startswith("inter_")]
    spatial_at = sorted({lp.level for lp in nest.loops if lp.spatial})
    if not fan and not spatial_at:
        raise where.error("no spatial fan-out in the architecture", expected="a !Container with a spatial mesh", found="none")
    fan = fan or spatial_at[:1]
    f0, f = fan[0], fan[-1]  # the outermost and innermost fan-out: the PE levels sit below f
    between = [i for i in range(f0 + 1, f) if levels[i].kind != "dummy" or nest.keep[i]]
    if between:
        names = ", ".join(levels[i].name for i in sorted(set(fan) | set(between)))
        raise where.error(f"the PEs fan out at more than one level ({names}) with storage that keeps data between them; "
                          "accelsim's array is one level of PEs",
                          expected="one spatial fan-out, or fan-outs separated only by dummy levels that keep nothing",
                          found=", ".join(levels[i].name for i in between))
    away = [lp for lp in nest.loops if lp.spatial and not f0 <= lp.level <= f]
    if away:
        raise _directive(nest, away[0]).error("spatial loops away from the PE array's fan-out",
                                              expected=f"them at {', '.join(levels[i].name for i in fan)}",
                                              found=levels[away[0].level].name)
    inner = [lp for lp in nest.loops if f0 < lp.level <= f and not lp.spatial]
    if inner:
        raise _directive(nest, inner[0]).error(
            f"a temporal loop ({inner[0].dim}{inner[0].bound}) between two fan-outs; the engine's pass loops sit outside the PE array",
            expected=f"temporal loops at {levels[f0].name} or above", found=f"{inner[0].dim}{inner[0].bound}")
    glbs = [i for i in range(1, f0) if levels[i].kind == "storage"]
    if len(glbs) != 1:
        raise where.error(f"{len(glbs)} storage levels between {levels[0].name} and the PE array "
                          f"({', '.join(levels[i].name for i in glbs) or 'none'})",
                          expected="exactly one (accelsim's global buffer)", found=[levels[i].name for i in glbs])
    glb = glbs[0]
    role = roles(nest)
    dram: list[tuple[str, int]] = []
    passes: list[tuple[str, int]] = []
    space: list[tuple[str, int, str, str]] = []  # (dim, factor, mesh axis, Timeloop's dim), outermost first
    rf: list[tuple[str, int]] = []
    for lp in nest.loops:
        d = RENAME[lp.dim]
        if lp.level == 0:
            if lp.spatial or d in "RS":
                raise _directive(nest, lp).error(
                    f"{levels[0].name} loops over {lp.dim}{lp.bound}; accelsim's GLB tile always holds a whole filter window"
                    if not lp.spatial else "a spatial loop at DRAM", expected=f"{lp.dim} below {levels[0].name}", found=f"{lp.dim}{lp.bound}")
            dram.append((d, lp.bound))
        elif lp.level < f0 or (lp.level == f0 and not lp.spatial):
            if any(e == d for e, _ in passes):
                raise _directive(nest, lp).error(
                    f"{lp.dim} is split across two loops between {levels[glb].name} and the PE array; the engine has one pass loop per dim",
                    expected=f"one loop of {lp.dim} there", found=" ".join(f"{e}{c}" for e, c in passes) + f" {d}{lp.bound}")
            passes.append((d, lp.bound))
        elif lp.spatial:
            if any(e == d for e, *_ in space):
                raise _directive(nest, lp).error(f"{lp.dim} twice on the PE array", expected="one spatial factor per dim", found=lp.dim)
            space.append((d, lp.bound, lp.axis, lp.dim))
        else:
            if sum(1 for e, _ in rf if e == d) == 2:
                raise _directive(nest, lp).error(
                    f"{lp.dim} in a third loop inside the PE; the engine counts a dim in at most two RF loops",
                    expected=f"at most two loops of {lp.dim} below {levels[f].name}", found=f"{lp.dim}{lp.bound}")
            rf.append((d, lp.bound))
    tile = {d: 1 for d in "NGMCEF"}
    for lp in nest.loops:
        if lp.level > 0 and RENAME[lp.dim] in tile:
            tile[RENAME[lp.dim]] *= lp.bound
    keep: dict[str, Any] = {}
    for t in ROLES:
        pe = [i for i in range(f + 1, len(levels) - 1) if role.get(t) in nest.keep[i]]
        keep[t] = sum(1 for lp in nest.loops if f < lp.level < pe[0]) if pe else "mac"
    on_rows = [d for d, _, ax, _ in space if ax == "Y"]  # Timeloop's Spatial-Y runs down the PE rows, X across the columns
    on_cols = [d for d, _, ax, _ in space if ax == "X"]
    for axis, n, what in (("Y", rows, "rows"), ("X", cols, "columns")):
        used = math.prod(c for _, c, ax, _ in space if ax == axis)
        if used > n:
            raise where.error(f"Timeloop's Spatial-{axis} factors ({' '.join(f'{t}{c}' for _, c, ax, t in space if ax == axis)}) "
                              f"need {used} PE {what}; the accelsim array has {n}",
                              expected=f"at most {n} along {axis}", found=used)
    bypass = tuple(t for t, ds in (("weight", role.get("weight")), ("ifmap", role.get("ifmap")), ("psum", role.get("psum")),
                                   ("ofmap", role.get("psum"))) if ds not in nest.keep[glb])
    dims = [d for d, _ in passes]
    spec: dict[str, Any] = {
        "glb_tile": tile,
        "dram_loops": " ".join(f"{d}{c}" for d, c in dram) or "N1",
        "pass_order": "".join([d for d in "NGMCEFRS" if d not in dims] + dims),
        "spatial": {d: c for d, c, *_ in space},
        "rows": "".join(on_rows),
        "cols": "".join(on_cols),
        "rf_loops": " ".join(f"{d}{c}" for d, c in rf) or "N1",
        "keep": {t: (k if k == "mac" else "pass" if k == 0 else k) for t, k in keep.items()},
    }
    return EnginePin(spec, levels[glb].name, bypass)


def problem_of(nest: Nest) -> Problem:
    """The engine's layer for Timeloop's (convolution-shaped) problem."""
    from .convert import conv_layer

    tp = nest.problem
    layer = conv_layer(tp)
    if layer is None:
        raise Where(tp.name or "problem").error("not a convolution accelsim's engine counts", expected="dims of C M R S N P Q (G)",
                                                found=" ".join(tp.dims))
    b = {d: 1 for d in "CMRSNPQG"} | tp.bound()
    pad = list(layer.get("pad", [0, 0, 0, 0]))  # type: ignore[arg-type]
    return Problem(b["N"], b["G"], b["M"], b["C"], b["Q"], b["P"], b["S"], b["R"], int(layer["H"]), int(layer["W"]),  # type: ignore[arg-type]
                   int(layer["stride"]), int(layer.get("dilation", 1)), pad[0], pad[2])  # type: ignore[arg-type]


def bypassed_hardware(hw: dict[str, Any], pin: EnginePin, file: str) -> HardwareSpec:
    """The accelsim config ``hw`` (its YAML as a dict) with the GLB holding only what
    Timeloop's mapping keeps there."""
    data = copy.deepcopy(hw)
    for g in data.get("glbs", []):
        if "holds" in g:
            g["holds"] = [t for t in g["holds"] if t not in pin.bypass]
    data["glb_bypass"] = sorted(set(data.get("glb_bypass") or []) | set(pin.bypass))
    return hardware_from_dict(data, file)


def run_engine(nest: Nest, hw: dict[str, Any], hw_file: str, layer: str = "conv") -> tuple[Problem, HardwareSpec, Mapping, LayerCost]:
    """Timeloop's mapping pinned in the engine on accelsim config ``hw``: the layer, the
    machine (GLB bypass applied), the pinned mapping and the engine's cost."""
    from ..dataflow import dataflow_for
    from ..engine.evaluate import evaluate
    from ..mapping.pinned import pinned_mapping

    p = problem_of(nest)
    probe = hardware_from_dict(hw, hw_file)
    pin = engine_pin(nest, probe.array.rows, probe.array.cols)
    spec = bypassed_hardware(hw, pin, hw_file)
    df = dataflow_for(spec.dataflow, spec.array.kind)
    m = pinned_mapping(pin.spec, p, spec, df, layer, nest.file)
    return p, spec, m, evaluate(p, spec, df, m)
