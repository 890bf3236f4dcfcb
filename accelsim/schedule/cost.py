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

import copy
import math

import numpy as np

from dataclasses import replace
from fractions import Fraction

from ..engine import kernel as K
from ..engine.evaluate import LayerCost, actions_from, bound_by, machine_arrays, price, run_kernel
from ..hardware import HardwareSpec
from ..result import LayerResult, empty_accesses
from ..workload import NetLayer
from .plan import Step


def _dram(acc: list, home: str = "DRAM") -> int:
    return sum(a.words for a in acc if a.home == home)


def simd_layer(layer: NetLayer, step: Step, spec: HardwareSpec, batch: int, hide_under: int | None = None) -> LayerResult:
    """A non-MAC layer as the schedule runs it. ``hide_under``: a fused layer's producer's
    cycles (None: the fused work costs no cycles, the model of ``--fusion none``)."""
    ops = layer.ops * batch
    acc = empty_accesses()
    actions: dict[str, int] = {}
    if ops and step.role != "view":
        actions["simd_op"] = ops
    cycles = 0
    if step.role in ("simd", "fused") and (step.reads or step.writes):
        ins_dram, ins = _dram(step.reads), sum(a.words for a in step.reads)
        out = sum(a.words for a in step.writes)
        out_dram = _dram(step.writes)
        acc["DRAM"]["ifmap"]["reads"] = ins_dram
        acc["DRAM"]["ofmap"]["writes"] = out_dram
        acc["GLB"]["ifmap"]["writes"] = ins_dram
        acc["GLB"]["ifmap"]["reads"] = ins
        acc["GLB"]["ofmap"]["writes"] = out
        acc["GLB"]["ofmap"]["reads"] = out_dram
        actions["dram_read.ifmap"] = ins_dram
        actions["dram_write.ofmap"] = out_dram
        for t, r, w in (("ifmap", ins, ins_dram), ("ofmap", out_dram, out)):
            buf = spec.glb_for(t)
            if buf is not None:
                actions[f"{buf.name}_read.{t}"] = r
                actions[f"{buf.name}_write.{t}"] = w
        dram_bits = ins_dram * spec.word_bits["ifmap"] + out_dram * spec.word_bits["ofmap"]
        cycles = max(math.ceil(ops / spec.simd.ops_per_cycle), math.ceil(dram_bits / (spec.dram.bytes_per_cycle * 8)))
    if step.role == "fused":
        if hide_under is None:
            cycles = 0
        else:
            dram_bits = _dram(step.reads) * spec.word_bits["ifmap"]
            work = max(math.ceil(ops / spec.simd.ops_per_cycle), math.ceil(dram_bits / (spec.dram.bytes_per_cycle * 8)))
            cycles = max(0, work - hide_under)
    energy, by_type = price(spec, actions)
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
    acc = copy.deepcopy(cost.accesses)
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
    _, tile_row, rows, per = run_kernel(p, df, m, spec.array.kind == "systolic")
    noc, bits, dram_bw, buf_of, buf_bw = machine_arrays(spec)
    at_dram = np.array([float(widths[t]) for t in ("weight", "ifmap", "psum", "ofmap")])
    return K.timeline_scaled(tile_row, rows, per, noc, bits, dram_bw, buf_of, buf_bw, at_dram, 1.0)
