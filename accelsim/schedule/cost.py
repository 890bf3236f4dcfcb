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
  nothing when that stays on chip). Its cycles stay the engine's: the timeline still
  allows for the fetches it no longer does — an upper bound.
"""
from __future__ import annotations

import copy
import math

from ..engine.evaluate import actions_from, price
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


def array_accesses(cost, layer: NetLayer, step: Step, spec: HardwareSpec, batch: int):
    """The engine's (accesses, energy, energy by type) of a conv/fc layer, with its input
    and output where the schedule put them; the engine's own when nothing moved."""
    own = layer.out.size * batch
    input_on_chip = bool(step.reads) and all(a.home == "GLB" for a in step.reads)
    to_dram = _dram(step.writes)
    if not input_on_chip and to_dram == own:
        return cost.accesses, cost.energy, cost.energy_by_type
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
    energy, by_type = price(spec, actions_from(spec, acc, cost.macs))
    return acc, energy, by_type
