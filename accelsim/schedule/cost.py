"""The counts the schedule's decisions imply, layer by layer.

- A SIMD layer reads each input once — from DRAM through the GLB (DRAM read, GLB write,
  GLB read) or, kept on chip, from the GLB (GLB read) — and writes its output once to the
  GLB (GLB write), then to DRAM if it lives there (GLB read, DRAM write). Cycles: the
  slower of its operations on the SIMD lanes and its DRAM traffic (as before).
- A view: nothing (no traffic, no cycles).
- A fused layer: its SIMD operations; its side inputs (a shortcut, a feature map to
  scale) read as a SIMD layer reads them; no write of its own (the write-back is its
  producer's). Cycles (``--fusion ops`` and up): the excess of its operations on the lanes
  or its side reads from DRAM over its producer's cycles; with ``none``/``views`` 0, as
  accelsim always counted a fused activation.
- A conv/fc layer: the engine's counts, except that an input kept on chip is not fetched
  from DRAM (no DRAM ifmap reads and no GLB fill), and the write-back sends to DRAM what
  the schedule stores there (its own output, or the output of the work fused into it, or
  nothing when that stays on chip). Its cycles: the engine's timeline
  (``kernel.timeline_scaled``, docs/engine.md §5) over the same tiles with those DRAM
  transfers at their new sizes — an input on chip is filled at 0 bits per element, an
  output that stays on chip written back at 0, a write-back that sends ``w`` of the
  layer's ``o`` outputs to DRAM (a fused pool's) at ``w/o`` of the width (exact when every
  tile's share of the written tensor is its share of the output, as a pool whose window
  fits the tile gives) — and the static energy over those cycles.
"""
from __future__ import annotations

import math

import numpy as np

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

from ..engine import kernel as K
from ..engine.evaluate import LayerCost, actions_from, bound_by, counted, machine_arrays, price
from ..hardware import HardwareSpec
from ..result import LayerResult, empty_accesses
from ..workload import NetLayer
from .plan import Access, Step


def _dram(acc: list, home: str = "DRAM") -> int:
    return sum(a.words for a in acc if a.home == home)


Stream = Callable[[Access, str, str], tuple[float, float, float]]
"""(elements, native words, bits) of access ``a`` of a data type (``ifmap`` read, ``ofmap``
written) at a level (DRAM, GLB): how a SIMD layer's tensor crosses it."""


def _dense_stream(spec: HardwareSpec) -> Stream:
    return lambda a, level, t: (a.words, a.words, a.words * spec.word_bits[t])


def compressed_stream(spec: HardwareSpec, density: dict[str, float | None], fiber: dict[str, int],
                      width: dict[str, int | None]) -> Stream:
    """A compressed run's SIMD traffic (expected mode): tensor ``a.tensor`` of density
    ``density[a.tensor]`` (None: dense) stored in the level's format for the type
    (hardware ``sparse:``), ``width[a.tensor]`` bits per element (None: the native width;
    compress/loader.py's ``feature_map_widths``), each element costing the format's
    expected bits (:func:`~accelsim.engine.sparse.bits_per_element`), narrow words packed
    into the type's native accesses; ``fiber``: its row length W."""
    from ..engine.sparse import bits_per_element

    def stream(a: Access, level: str, t: str) -> tuple[float, float, float]:
        d = density.get(a.tensor)
        n = spec.word_bits[t]
        w = width.get(a.tensor) or n
        if d is None or d >= 1.0:
            return a.words, a.words * w / n, a.words * w
        share, beta = bits_per_element(spec.sparse.format(level, t), d, w, None, fiber.get(a.tensor, 1))
        return a.words * share, a.words * beta / n, a.words * beta
    return stream


def exact_stream(spec: HardwareSpec, masks: dict, fiber: dict[str, int], width: dict[str, int | None]) -> Stream:
    """A compressed run's SIMD traffic in exact mode: tensor ``a.tensor`` with its real
    mask ``masks[a.tensor]`` (engine/exact_flow.py; none: dense), coded whole in the level's
    format for the type at ``width[a.tensor]`` bits (None: native; packed as in
    :func:`compressed_stream`) (:func:`~accelsim.engine.exact.coded`: its
    non-zeros and the format's metadata, fillers counted on its stream, or dense where the
    format would not make it smaller) — exact counts, the expected mode's
    :func:`compressed_stream` in expectation. An access of only part of a tensor (none of
    the shipped schedules makes one) is charged its share of the whole."""
    from ..engine.exact import coded

    memo: dict[tuple[str, str, str], tuple[int, float]] = {}

    def stream(a: Access, level: str, t: str) -> tuple[float, float, float]:
        mk = masks.get(a.tensor)
        n = spec.word_bits[t]
        w = width.get(a.tensor) or n
        if mk is None:
            return a.words, a.words * w / n, a.words * w
        key = (a.tensor, level, t)
        if key not in memo:
            memo[key] = coded(spec.sparse.format(level, t), mk, w, None, fiber.get(a.tensor, 1))
        el, bits = memo[key]
        if a.words != mk.size:
            el, bits = el * a.words / mk.size, bits * a.words / mk.size
        return el, bits / n, bits
    return stream


def simd_layer(layer: NetLayer, step: Step, spec: HardwareSpec, batch: int, hide_under: int | None = None,
               stream: Stream | None = None) -> LayerResult:
    """A non-MAC layer as the schedule runs it. ``hide_under``: a fused layer's producer's
    cycles (None: the fused work costs no cycles, the model of ``--fusion none``).
    ``stream``: how its tensors cross DRAM and the GLB (default: dense words; a compressed
    run's: :func:`compressed_stream`, then the accesses are expected elements with their
    ``bytes``, and the SIMD unit still does one operation per dense element: it decodes)."""
    dense = stream is None
    stream = stream or _dense_stream(spec)
    ops = layer.ops * batch
    acc = empty_accesses()
    actions: dict[str, float] = {}
    if ops and step.role != "view":
        actions["simd_op"] = ops
    cycles = 0
    moved = {(lv, t): 0.0 for lv in ("DRAM", "GLB") for t in ("ifmap", "ofmap")}  # bits

    def add(lv: str, t: str, rw: str, a: Access, home: str) -> None:
        el, w, b = stream(a, home, t)
        acc[lv][t][rw] += el
        buf = spec.glb_for(t) if lv == "GLB" else None
        if lv == "DRAM":
            key = f"dram_{'read' if rw == 'reads' else 'write'}.{t}"
        elif buf is not None:
            key = f"{buf.name}_{'read' if rw == 'reads' else 'write'}.{t}"
        else:
            key = ""
        if key:
            actions[key] = actions.get(key, 0) + w
        moved[(lv, t)] += b

    dram_read_bits = 0.0
    if step.role in ("simd", "fused") and (step.reads or step.writes):
        for a in step.reads:
            if a.home == "DRAM":
                add("DRAM", "ifmap", "reads", a, "DRAM")
                add("GLB", "ifmap", "writes", a, "GLB")
            add("GLB", "ifmap", "reads", a, "GLB")
        for a in step.writes:
            add("GLB", "ofmap", "writes", a, "GLB")
            if a.home == "DRAM":
                add("GLB", "ofmap", "reads", a, "GLB")
                add("DRAM", "ofmap", "writes", a, "DRAM")
        dram_read_bits = moved[("DRAM", "ifmap")]
        dram_bits = dram_read_bits + moved[("DRAM", "ofmap")]
        cycles = max(math.ceil(ops / spec.simd.ops_per_cycle), math.ceil(dram_bits / (spec.dram.bytes_per_cycle * 8)))
    if dense:  # the names the dense run has always priced, zeros included
        for t, (r, w) in (("ifmap", ("reads", "writes")), ("ofmap", ("reads", "writes"))):
            buf = spec.glb_for(t)
            if buf is not None and step.role in ("simd", "fused") and (step.reads or step.writes):
                actions.setdefault(f"{buf.name}_read.{t}", 0)
                actions.setdefault(f"{buf.name}_write.{t}", 0)
        if step.role in ("simd", "fused") and (step.reads or step.writes):
            actions.setdefault("dram_read.ifmap", 0)
            actions.setdefault("dram_write.ofmap", 0)
    else:
        for lv, types in acc.items():
            for t, v in types.items():
                v["bytes"] = moved.get((lv, t), 0.0) / 8.0
    if step.role == "fused":
        if hide_under is None:
            cycles = 0
        else:
            work = max(math.ceil(ops / spec.simd.ops_per_cycle), math.ceil(dram_read_bits / (spec.dram.bytes_per_cycle * 8)))
            cycles = max(0, work - hide_under)
    energy, by_type = price(spec, actions, expected=not dense)
    unit = {"simd": "SIMD", "view": "view (no copy)", "fused": f"SIMD (fused into {step.into}'s write-back)"}[step.role]
    return LayerResult(
        name=layer.name, type=layer.type, shape=layer.shape.with_batch(batch).to_dict(), macs=0, ops=ops, cycles=cycles,
        stall_cycles=0, utilization=0.0, accesses=acc, energy=energy, energy_by_type=by_type, mapping={"unit": unit},
    )


def array_cost(cost: LayerCost, layer: NetLayer, step: Step, spec: HardwareSpec, batch: int, p, df, m) -> LayerCost:
    """The engine's cost of a conv/fc layer under mapping ``m``, with its input and output
    where the schedule put them (see the module doc); the engine's own when nothing moved."""
    own = layer.out.size * batch
    input_on_chip = bool(step.reads) and all(a.home == "GLB" for a in step.reads)
    to_dram = _dram(step.writes)
    if not input_on_chip and to_dram == own:
        return cost
    acc = {lv: {t: dict(rw) for t, rw in types.items()} for lv, types in cost.accesses.items()}  # level -> type -> reads/writes, a copy
    if input_on_chip:
        acc["GLB"]["ifmap"]["writes"] -= acc["DRAM"]["ifmap"]["reads"]
        acc["DRAM"]["ifmap"]["reads"] = 0
    wo = acc["DRAM"]["ofmap"]["writes"]
    new = wo - own + to_dram
    if new < 0:
        raise AssertionError(f"{layer.name}: the engine wrote {wo} outputs to DRAM, fewer than its {own}")
    acc["DRAM"]["ofmap"]["writes"] = new
    acc["GLB"]["ofmap"]["reads"] += new - wo
    cycles, compute, side = timeline_at_dram_widths(p, spec, df, m, dram_widths(spec, input_on_chip, Fraction(to_dram, own)))
    actions = actions_from(spec, acc, cost.macs)
    actions.update(spec.energy.static_counts(int(cycles), spec.pes, spec.rf is not None, len(spec.glbs), True))
    energy, by_type = price(spec, actions)
    return replace(cost, cycles=int(cycles), stall_cycles=int(cycles - compute), accesses=acc, actions=actions, energy=energy,
                   energy_by_type=by_type, bound_by=bound_by(cycles, compute, side))


def dram_widths(spec: HardwareSpec, input_on_chip: bool, out_share: Fraction) -> dict[str, Fraction]:
    """Bits per element of weight, ifmap, psum, ofmap as they cross DRAM: an input on chip
    crosses at 0, an output at its share ``out_share`` of the write-back."""
    w = {t: Fraction(spec.word_bits[t]) for t in ("weight", "ifmap", "psum", "ofmap")}
    if input_on_chip:
        w["ifmap"] = Fraction(0)
    w["ofmap"] *= out_share
    return w


def timeline_at_dram_widths(p, spec: HardwareSpec, df, m, widths: dict[str, Fraction]) -> tuple[int, int, int]:
    """(cycles, compute cycles, array-side cycles) of the engine's timeline for mapping
    ``m`` with the DRAM transfers at ``widths`` bits per element."""
    _, tile_row, rows, per = counted(p, df, m, spec.array.kind == "systolic")
    noc, bits, dram_bw, buf_of, buf_bw = machine_arrays(spec)
    at_dram = np.array([float(widths[t]) for t in ("weight", "ifmap", "psum", "ofmap")])
    return K.timeline_scaled(tile_row, rows, per, noc, bits, dram_bw, buf_of, buf_bw, at_dram, 1.0)
