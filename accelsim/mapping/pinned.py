"""Mappings a user pins in YAML instead of letting the mapper search (``--mapping FILE``).

::

    conv1:                                  # a layer name of the workload
      glb_tile: {N: 1, M: 96, C: 3, E: 55, F: 55}   # dims left out: whole
      dram_order: NGMEFC                    # outermost first (default: the mapper's first)
      spatial: {R: 11, E: 14}               # PE-array factors of the dataflow's row/column dims
      rf: {F: 55, S: 11, M: 16}             # per-PE extents of the dataflow's RF loops
      pass_order: GMCRSNEF                  # optional: the pass loops, outermost first
      rf_order: NFCSM                       # optional: the dataflow's RF loops reordered
      rows: RC                              # optional (multicast arrays): the dims across the PE
      cols: EM                              # rows and columns, instead of the dataflow's
      dram_loops: E2 F2 E2                  # optional, instead of dram_order: a dim split across
                                            # loops, outermost first; unnamed dims outermost, whole
      rf_loops: C3 F4 R3 F14                # optional, instead of rf and rf_order: the RF loops,
                                            # outermost first, a dim in up to two (Timeloop's
                                            # P4 at pe_spad … P14 at weight_reg); unnamed dims 1
      keep: {weight: R3, ifmap: mac, psum: pass}   # with rf_loops: where each type's RF block
                                            # sits: inside the named loop, the pass or no loop

Every pinned mapping is checked like the mapper's own: the dims must be the dataflow's,
the factors must fit the array, the kept blocks the RF and the tile the GLB buffers.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping as MappingT
from typing import Any

from ..dataflow import Dataflow
from ..engine.problem import DIMS, Problem
from ..errors import AccelsimError, Where, did_you_mean
from ..hardware import HardwareSpec
from ..yamlio import check_keys, expect_mapping, get_int, load_yaml
from .mapping import TILE_DIMS, Mapping
from .search import ORDERS, glb_overflow, rf_fits, spatial_dims

KEYS = ("glb_tile", "dram_order", "spatial", "rf", "pass_order", "rf_order", "dram_loops", "rows", "cols", "rf_loops", "keep")
KEEP_TYPES = ("weight", "ifmap", "psum")


def load_pinned(path: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    data = load_yaml(path)
    at = Where(str(path))
    data = expect_mapping(data, at, "a mapping of layer names to mappings")
    for name, spec in data.items():
        lat = at.at(f"layer '{name}'")
        check_keys(expect_mapping(spec, lat), lat, allowed=KEYS)
    return str(path), dict(data)


def _dims(d: Any, at: Where, allowed: tuple[str, ...], what: str) -> dict[str, int]:
    d = expect_mapping(d, at, f"a mapping of dims ({', '.join(allowed)}) to sizes")
    for k in d:
        if k not in allowed:
            raise at.error(
                f"'{k}' is not a dim this {what} can take{did_you_mean(str(k), allowed)}",
                expected="one of " + ", ".join(allowed),
                found=k,
            )
    return {k: get_int(d, k, at) for k in d}


def _order(spec_yaml: MappingT[str, Any], key: str, at: Where, dims: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A loop order the YAML gives (``key``), as a tuple of dims; () when it gives none."""
    order = spec_yaml.get(key)
    if order is None:
        return ()
    if not isinstance(order, str) or sorted(order) != sorted(dims):
        raise at.at(key).error(f"not an order of {what}", expected="a permutation of " + "".join(dims), found=order)
    return tuple(order)


def _dram_loops(text: Any, at: Where, counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """``E2 F2 E2``: the DRAM-level loops, outermost first; a dim left out is one loop over
    all its tiles, outside the named ones. Each dim's counts must multiply to its tiles."""
    if not isinstance(text, str):
        raise at.error("wrong kind of value", expected="loops as 'E2 F2 E2' (dim and count, outermost first)", found=text)
    named = []
    for tok in text.split():
        m = re.fullmatch(r"([NGMCEF])(\d+)", tok)
        if not m or int(m.group(2)) < 1:
            raise at.error(f"'{tok}' is not a DRAM-level loop", expected="a tile dim (N G M C E F) and a count ≥ 1, e.g. E2", found=tok)
        named.append((m.group(1), int(m.group(2))))
    loops = tuple((d, counts[d]) for d in TILE_DIMS if d not in {n for n, _ in named}) + tuple(named)
    for d in TILE_DIMS:
        prod = math.prod(c for e, c in loops if e == d)
        if prod != counts[d]:
            raise at.error(f"the loops of {d} multiply to {prod}, but the GLB tile makes {counts[d]} tiles of {d}",
                           expected=f"counts of {d} whose product is {counts[d]}", found=text)
    return loops


def _rf_loops(text: Any, at: Where) -> tuple[tuple[str, int], ...]:
    """``C3 F4 R3 F14``: the RF loops, outermost first; a dim may have two."""
    if not isinstance(text, str) or not text.split():
        raise at.error("wrong kind of value", expected="loops as 'C3 F4 R3 F14' (dim and count, outermost first)", found=text)
    loops = []
    for tok in text.split():
        m = re.fullmatch(r"([NGMCEFRS])(\d+)", tok)
        if not m or int(m.group(2)) < 1:
            raise at.error(f"'{tok}' is not an RF loop", expected="a dim (N G M C E F R S) and a count ≥ 1, e.g. F14", found=tok)
        loops.append((m.group(1), int(m.group(2))))
    for d in DIMS:
        if sum(1 for e, _ in loops if e == d) > 2:
            raise at.error(f"{d} has {sum(1 for e, _ in loops if e == d)} RF loops", expected="at most two loops per dim", found=text)
    return tuple(loops)


def _keep_at(spec: Any, at: Where, loops: tuple[tuple[str, int], ...], df: Dataflow) -> tuple[int, ...]:
    """Each type's keep level as an index into ``loops``: ``pass`` (0), ``mac`` (none), the
    number of loops above the block, or the loop (``F4``) it sits inside; by default the
    dataflow's, where its loop is one of ``loops`` once."""
    spec = expect_mapping(spec if spec is not None else {}, at, "a mapping of weight, ifmap, psum to pass, mac or a loop such as F4")
    for k in spec:
        if k not in KEEP_TYPES:
            raise at.error(f"'{k}' is not a data type an RF keeps{did_you_mean(str(k), KEEP_TYPES)}",
                           expected="one of " + ", ".join(KEEP_TYPES), found=k)
    toks = [f"{d}{c}" for d, c in loops]
    out = []
    for t in KEEP_TYPES:
        v = spec.get(t)
        if v is None:
            k = df.keep[t]
            if k in ("pass", "mac"):
                v = k
            elif [d for d, _ in loops].count(k) == 1:
                v = toks[[d for d, _ in loops].index(k)]
            else:
                raise at.at(t).error(f"the dataflow keeps {t} inside its {k} loop, which rf_loops has "
                                     f"{[d for d, _ in loops].count(k)} times",
                                     expected=f"keep: {{{t}: pass, mac or one of {', '.join(toks)}}}", found="no keep")
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= len(loops):
            out.append(v)  # the number of RF loops above the block
        elif v == "pass":
            out.append(0)
        elif v == "mac":
            out.append(len(loops))
        elif isinstance(v, str) and toks.count(v) == 1:
            out.append(toks.index(v) + 1)
        else:
            raise at.at(t).error(f"'{v}' is not one place in the RF loops", expected=f"pass, mac, 0..{len(loops)} (the loops "
                                 "above the block) or a loop of rf_loops that appears once: "
                                 + ", ".join(t_ for t_ in toks if toks.count(t_) == 1), found=v)
    return tuple(out)


def rf_need(p: Problem, loops: tuple[tuple[str, int], ...], keep: tuple[int, ...]) -> dict[str, int]:
    """Elements of each type one PE keeps: along each dim, the span of its loops inside the keep level."""
    need = {}
    for t, k in zip(KEEP_TYPES, keep):
        if k >= len(loops):
            need[t] = 0
            continue
        ext = {d: math.prod(c for i, (e, c) in enumerate(loops) if e == d and i >= k) for d in DIMS}
        if t == "weight":
            need[t] = ext["G"] * ext["M"] * ext["C"] * ext["R"] * ext["S"]
        elif t == "psum":
            need[t] = ext["N"] * ext["G"] * ext["M"] * ext["E"] * ext["F"]
        else:
            rows = min(p.H, (ext["E"] - 1) * p.U + (ext["R"] - 1) * p.D + 1)
            cols = min(p.W, (ext["F"] - 1) * p.U + (ext["S"] - 1) * p.D + 1)
            need[t] = ext["N"] * ext["G"] * ext["C"] * rows * cols
    return need


def rf_loops_fit(p: Problem, hw: HardwareSpec, df: Dataflow, loops: tuple[tuple[str, int], ...], keep: tuple[int, ...]) -> bool:
    if not df.uses_rf:
        return True
    rf = hw.rf
    if rf is None:
        return False
    need = rf_need(p, loops, keep)
    if rf.split is not None:
        return all(need[t] <= rf.capacity(t) for t in need if need[t])
    return sum(need[t] * rf.elem_bits.get(t, rf.word_bits) for t in need) <= rf.size_bits


def _free_spatial(spec_yaml: MappingT[str, Any], at: Where, hw: HardwareSpec, rows: tuple[str, ...],
                  cols: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The mapping's own dims across the PE rows and columns (Timeloop's free spatial
    factors, Eyeriss' t PE sets side by side): any dims, none on both axes; a multicast
    array only (on a systolic one the forwarding pattern is the dataflow's)."""
    if hw.array.kind != "spatial":
        raise at.at("rows" if "rows" in spec_yaml else "cols").error(
            "the PE array forwards operands between neighbours (systolic), along the dataflow's own rows and columns",
            expected="no rows/cols on a systolic array", found=hw.array.kind)
    out = []
    for key, default in (("rows", rows), ("cols", cols)):
        v = spec_yaml.get(key, "".join(default))
        if not isinstance(v, str) or any(d not in DIMS for d in v) or len(set(v)) != len(v):
            raise at.at(key).error("not a list of distinct dims", expected="dims of " + "".join(DIMS) + ", e.g. EM", found=v)
        out.append(tuple(v))
    both = set(out[0]) & set(out[1])
    if both:
        raise at.at("cols").error(f"{', '.join(sorted(both))} on both the PE rows and the columns",
                                  expected="each dim on one axis", found="".join(out[1]))
    return out[0], out[1]


def pinned_mapping(
    spec_yaml: MappingT[str, Any], p: Problem, hw: HardwareSpec, df: Dataflow, layer: str, file: str
) -> Mapping:
    at = Where(file, f"layer '{layer}'")
    b = dict(zip(DIMS, p.bounds))
    tile = _dims(spec_yaml.get("glb_tile", {}), at.at("glb_tile"), TILE_DIMS, "GLB tile")
    t1 = {d: min(tile.get(d, b[d]), b[d]) for d in TILE_DIMS}
    t1["R"], t1["S"] = p.R, p.S
    order = spec_yaml.get("dram_order", ORDERS[0])
    if not isinstance(order, str) or sorted(order) != sorted(TILE_DIMS):
        raise at.at("dram_order").error("not an order of the six tile dims", expected="a permutation of NGMCEF", found=order)
    loops: tuple[tuple[str, int], ...] = ()
    if "dram_loops" in spec_yaml:
        counts = {d: -(-b[d] // t1[d]) for d in TILE_DIMS}
        loops = _dram_loops(spec_yaml["dram_loops"], at.at("dram_loops"), counts)
        order = "".join(dict.fromkeys(d for d, _ in loops))
    pass_order = _order(spec_yaml, "pass_order", at, tuple(DIMS), "the eight pass loops")
    rf_order = _order(spec_yaml, "rf_order", at, df.rf_order, f"the {df.name} RF loops")
    if rf_order and type(df).order is not Dataflow.order:
        raise at.at("rf_order").error(
            f"dataflow '{df.name}' writes its RF loop nest by hand (order()), so its loops cannot be reordered",
            expected="no rf_order for this dataflow", found="".join(rf_order))
    nest = Mapping(df.name, (), "", (), (), (), (), pass_order, rf_order).nest(df)
    rows, cols = spatial_dims(p, df)
    if "rows" in spec_yaml or "cols" in spec_yaml:
        rows, cols = _free_spatial(spec_yaml, at, hw, rows, cols)
    spd = _dims(spec_yaml.get("spatial", {}), at.at("spatial"), tuple(dict.fromkeys(rows + cols)), f"{df.name} PE array")
    sp = {d: spd.get(d, 1) for d in DIMS}
    for axis, dims, size in (("rows", rows, hw.array.rows), ("cols", cols, hw.array.cols)):
        used = 1
        for d in dims:
            used *= sp[d]
        if used > size:
            raise at.at("spatial").error(
                f"the factors on the PE {axis} ({' × '.join(dims)}) need {used} PEs",
                expected=f"at most {size}",
                found=used,
            )
    if "rf_loops" in spec_yaml:
        return _pinned_rf_loops(spec_yaml, at, p, hw, df, t1, order, sp, rows, cols, pass_order, loops)
    if "keep" in spec_yaml:
        raise at.at("keep").error("keep places the RF blocks among rf_loops", expected="keep with rf_loops", found="no rf_loops")
    rf = _dims(spec_yaml.get("rf", {}), at.at("rf"), df.rf_order, f"{df.name} RF loop nest")
    t3 = {d: (rf[d] if d in rf else (t1[d] if d in df.full_in_pass or d in ("R", "S") else 1)) if d in df.rf_order else 1 for d in DIMS}
    if not rf_fits(p, hw, nest, t3):
        raise at.at("rf").error("the blocks this mapping keeps in a PE do not fit its RF", expected="smaller per-PE extents", found=rf)
    m = Mapping(df.name, tuple(t1[d] for d in TILE_DIMS), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), rows, cols,
                pass_order, rf_order, loops)
    bad = m.unsupported_rf_loop(df, p)
    if bad is not None:
        raise at.at("rf_order" if rf_order else "spatial").error(
            f"the RF loop of {bad}, which the PE array splits (spatial {bad}{sp[bad]}), sits above a data type's keep level, "
            "where accelsim cannot yet count the steps a PE idles past its share",
            expected=f"{bad} inside every keep level ({', '.join(f'{t}: {k}' for t, k in df.keep.items())})",
            found="".join(rf_order or nest.rf_order))
    over = glb_overflow(p, hw, t1)
    if over is not None:
        buf, need, usable = over
        raise at.at("glb_tile").error(
            f"the tile {tile} does not fit the global buffer '{buf}'",
            expected=f"at most {usable // 8:,} bytes there",
            found=f"{need // 8:,} bytes",
        )
    return m


def _pinned_rf_loops(spec_yaml: MappingT[str, Any], at: Where, p: Problem, hw: HardwareSpec, df: Dataflow, t1: dict[str, int],
                     order: str, sp: dict[str, int], rows: tuple[str, ...], cols: tuple[str, ...], pass_order: tuple[str, ...],
                     dram: tuple[tuple[str, int], ...]) -> Mapping:
    """A pinned mapping whose RF loops are given one by one (rf_loops, keep)."""
    for key in ("rf", "rf_order"):
        if key in spec_yaml:
            raise at.at(key).error(f"{key} and rf_loops both give the RF loops", expected="one of them", found=key)
    rfl = _rf_loops(spec_yaml["rf_loops"], at.at("rf_loops"))
    keep = _keep_at(spec_yaml.get("keep"), at.at("keep"), rfl, df)
    t3 = {d: math.prod(c for e, c in rfl if e == d) for d in DIMS}
    if not rf_loops_fit(p, hw, df, rfl, keep):
        raise at.at("rf_loops").error("the blocks this mapping keeps in a PE do not fit its RF", expected="smaller RF loops inside "
                                      "the keep levels", found=rf_need(p, rfl, keep))
    m = Mapping(df.name, tuple(t1[d] for d in TILE_DIMS), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), rows, cols,
                pass_order, (), dram, rfl, keep)
    err = m.rf_split_error(p)
    if err is not None:
        raise at.at("rf_loops").error(f"the engine cannot count these RF loops: {err}", expected="RF loops whose passes are whole",
                                      found=spec_yaml["rf_loops"])
    over = glb_overflow(p, hw, t1)
    if over is not None:
        buf, need, usable = over
        raise at.at("glb_tile").error(f"the tile does not fit the global buffer '{buf}'", expected=f"at most {usable // 8:,} bytes there",
                                      found=f"{need // 8:,} bytes")
    return m


def check_layers(pinned: MappingT[str, Any], layer_names: list[str], file: str) -> None:
    for name in pinned:
        if name not in layer_names:
            raise AccelsimError(
                f"no layer '{name}' in the workload{did_you_mean(str(name), layer_names)}",
                file=file,
                expected="a conv or fc layer name",
                found=name,
            )
