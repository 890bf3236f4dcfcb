"""A Timeloop architecture (with Accelergy's ERT) as an accelsim hardware config, for the
engine to run Timeloop's pinned mapping on (``accelsim import timeloop`` writes it as
``hardware.yaml``).

Each figure comes from Timeloop's files; where accelsim needs one Timeloop does not state,
the value is an assumption named in the config's ``source``:

- the array: rows = the product of the fan-outs' meshY, columns = of their meshX (Timeloop's
  Spatial-Y runs down accelsim's rows, Spatial-X across its columns);
- the RF: per data type, the words of the outermost PE level that keeps it (``depth`` × the
  words per access, ``width // datawidth``); registers below it fold into that one level,
  priced as it (docs/engine.md §10);
- the GLB: the one storage level between DRAM and the array, ``depth × width`` bits, its
  ``read_bandwidth`` / ``write_bandwidth`` in words per cycle, holding what Timeloop's mapping
  keeps there (the rest bypasses it: an accelsim mapping has no bypass of its own), or, for
  accelsim's own mapper, what the architecture's constraints let it keep;
- energy per word: an ERT action over the words one access moves (Timeloop's own price,
  ``accelsim.timeloop.energy``): ``read`` for reads, ``update`` for the PE's psum writes,
  ``write`` for the other writes, ``compute`` for a MAC; leakage is not carried (accelsim has
  no energy per cycle);
- assumed: a 1 GHz clock (Timeloop reports cycles), DRAM at 1000 GB/s unless Timeloop gives
  its bandwidth (Timeloop's DRAM has none), a NoC that delivers a word to every PE each
  cycle and costs nothing (Timeloop models no network here), a 16-lane SIMD unit (a
  convolution uses none);
- the dataflow names what the PE keeps in more than one word (rs: every type; else the type
  with the largest store, ws: weights, os: outputs, is: inputs; nlr: none); with Timeloop's mapping pinned the dataflow names no loop (the pinned rows, columns
  and RF loops override it), so it matters only when accelsim's mapper runs on the config.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.evaluate import LayerCost
from ..errors import Where
from .engine import EnginePin, roles
from .mapping import Nest

DRAM_GBPS = 1000.0  # assumed where Timeloop's DRAM states no bandwidth
TYPES = ("weight", "ifmap", "psum")


def _fan(nest: Nest) -> list[int]:
    return [i for i, lv in enumerate(nest.arch.levels) if lv.kind == "dummy" and lv.name.startswith("inter_")]


def arch_bypass(nest: Nest, glb: int) -> tuple[str, ...]:
    """The accelsim types the architecture itself keeps out of the GLB (its ``constraints``),
    whatever a mapping keeps there."""
    lv = nest.arch.levels[glb]
    names = [ds.name for ds in nest.problem.data_spaces]
    kept = (set(lv.keep) if lv.keep is not None else set(names)) - set(lv.bypass)
    role = roles(nest)
    return tuple(t for t, r in (("weight", "weight"), ("ifmap", "ifmap"), ("psum", "psum"), ("ofmap", "psum"))
                 if role.get(r) not in kept)


def hardware_dict(nest: Nest, pin: EnginePin, name: str, bypass: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The accelsim config (as its YAML's dict) of Timeloop's architecture, its GLB holding
    what ``nest``'s mapping keeps there (``pin.bypass``) or, given ``bypass``, all but those
    types; one error naming the key accelsim cannot express."""
    arch = nest.arch
    levels = arch.levels
    at = Where(arch.file)
    fan = _fan(nest)
    rows = math.prod(levels[i].mesh[1] for i in fan)
    cols = math.prod(levels[i].mesh[0] for i in fan)
    f = fan[-1]
    glb = arch.index(pin.glb)
    assert glb is not None
    role = roles(nest)
    ds_of = {t: role.get(t) for t in TYPES}
    pe = {t: next((i for i in range(f + 1, len(levels) - 1) if ds_of[t] in nest.keep[i]), None) for t in TYPES}
    ert = arch.energy

    def price(i: int, action: str) -> float:
        lv = levels[i]
        e = ert.get(lv.name, {})
        if action not in e:
            raise at.error(f"no '{action}' energy for '{lv.name}' in the energy reference table",
                           expected=f"an ERT entry {lv.name} with a '{action}' action", found=sorted(e) or "no entry")
        return round(e[action] / lv.block, 6)

    g = levels[glb]
    if g.shared_bw is not None:
        raise at.at(f"{g.name}.attributes.shared_bandwidth").error(
            "a bandwidth shared by reads and writes is an architecture accelsim cannot express",
            expected="read_bandwidth and write_bandwidth apart", found=g.shared_bw)
    if g.depth is None:
        raise at.at(f"{g.name}.attributes.depth").error("the GLB states no depth", expected="depth: words", found="none")
    bypass = pin.bypass if bypass is None else bypass
    holds = [t for t in ("weight", "ifmap", "psum", "ofmap") if t not in bypass]
    dram = levels[0]
    word_bits = {t: (levels[pe[t]].datawidth if pe[t] is not None else dram.datawidth) for t in TYPES}
    word_bits["ofmap"] = dram.datawidth
    rf_split = {t: levels[i].depth * levels[i].block for t, i in pe.items() if i is not None and levels[i].depth}  # type: ignore[operator]
    kept = [t for t in TYPES if rf_split.get(t, 0) > 1]  # a one-word register stations nothing
    df = "rs" if len(kept) == 3 else {"weight": "ws", "psum": "os", "ifmap": "is"}[
        max(kept, key=lambda t: rf_split[t])] if kept else "nlr"
    costs: dict[str, float] = {"mac": price(len(levels) - 1, "compute"), "noc_transfer": 0.0, "simd_op": 0.0,
                               "dram_read": price(0, "read"), "dram_write": price(0, "write")}
    for t in TYPES:
        if pe[t] is not None:
            costs[f"rf_read.{t}"] = price(pe[t], "read")  # type: ignore[arg-type]
            costs[f"rf_write.{t}"] = price(pe[t], "update" if t == "psum" else "write")  # type: ignore[arg-type]
    costs["rf_read"] = costs["rf_write"] = 0.0  # a type no PE level keeps streams in per MAC
    for t in holds:
        costs[f"{g.name}_read.{t}"] = price(glb, "read")
        costs[f"{g.name}_write.{t}"] = price(glb, "write")
    costs[f"{g.name}_read"], costs[f"{g.name}_write"] = price(glb, "read"), price(glb, "write")
    dram_bw = DRAM_GBPS if dram.read_bw is None else dram.read_bw * dram.datawidth / 8  # words/cycle at 1 GHz → GB/s
    glb_spec: dict[str, Any] = {"name": g.name, "holds": holds, "size": f"{g.depth * g.width // 8} B", "word_bits": g.datawidth}
    if g.read_bw is not None:
        glb_spec["read_bw"] = g.read_bw
    if g.write_bw is not None:
        glb_spec["write_bw"] = g.write_bw
    out: dict[str, Any] = {
        "name": name,
        "description": f"Timeloop's architecture {arch.file} as accelsim reads it",
        "source": "accelsim import timeloop (accelsim/timeloop/hardware.py); assumed: 1 GHz clock, "
                  + ("DRAM 1000 GB/s, " if dram.read_bw is None else "")
                  + "a free NoC of one word per PE per cycle, 16 SIMD lanes",
        "clock_mhz": 1000,
        "dataflow": df,
        "word_bits": word_bits,
        "array": {"rows": rows, "cols": cols, "kind": "spatial"},
        "noc": {"kind": "multicast", "bw": rows * cols},
        "glbs": [glb_spec],
        "dram": {"word_bits": dram.datawidth, "bw_GBps": dram_bw},
        "simd": {"lanes": 16},
        "energy": {"unit": "pJ", "costs": costs},
    }
    if rf_split:
        out["rf"] = {"split": rf_split}
    if bypass:
        out["glb_bypass"] = [t for t in ("weight", "ifmap", "psum", "ofmap") if t in bypass]
    return out


def imported(nest: Nest, name: str, mapping_bypass: bool = True) -> tuple[dict[str, Any], EnginePin]:
    """Timeloop's architecture as an accelsim config and its mapping pinned for that config's
    array: what ``accelsim import timeloop`` writes, and ``--compat timeloop`` runs. An
    accelsim mapping cannot bypass the GLB by itself, so the config's GLB holds what
    Timeloop's mapping keeps there; with ``mapping_bypass`` False, what the architecture lets
    it keep (for accelsim's own mapper)."""
    from .engine import engine_pin

    pin = engine_pin(nest, 1 << 30, 1 << 30)
    glb = nest.arch.index(pin.glb)
    assert glb is not None
    hw = hardware_dict(nest, pin, name, None if mapping_bypass else arch_bypass(nest, glb))
    return hw, engine_pin(nest, hw["array"]["rows"], hw["array"]["cols"])


@dataclass(frozen=True)
class EngineRun:
    hardware: dict[str, Any]  # the accelsim config's YAML as a dict
    pin: EnginePin
    cost: LayerCost


def config_name(nest: Nest) -> str:
    """The imported config's name: ``timeloop_`` and the architecture file's folder."""
    return f"timeloop_{Path(nest.arch.file).parent.name or 'arch'}"


def engine_run(nest: Nest) -> EngineRun:
    """Timeloop's mapping pinned in the engine on its own architecture as an accelsim config."""
    from .engine import run_engine

    hw, pin = imported(nest, config_name(nest))
    return EngineRun(hw, pin, run_engine(nest, hw, nest.arch.file)[3])
