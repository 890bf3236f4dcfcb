"""The model before the network schedule (accelsim/api.py at 412992d), kept as the peer
that ``--fusion none`` must reproduce exactly: each conv/fc layer mapped on the whole
machine, every other layer reading its inputs from DRAM and writing its output back,
except an activation (or a folded batch norm) applied on the way out of the conv/fc
that feeds only it."""
from __future__ import annotations

import math

from accelsim.engine.evaluate import price
from accelsim.engine.problem import Problem
from accelsim.mapping.search import best_mapping
from accelsim.result import empty_accesses
from accelsim.workload.ops import FC, Activation, BatchNorm, Conv


def fused_layers(net) -> set[str]:
    consumers: dict[str, list[str]] = {}
    for l in net.layers:
        for s in l.inputs:
            consumers.setdefault(s, []).append(l.name)
    by_name = {l.name: l for l in net.layers}
    fused = set()
    for l in net.layers:
        if isinstance(l.op, BatchNorm) and l.folded:
            fused.add(l.name)
        if isinstance(l.op, Activation) and len(l.inputs) == 1 and l.inputs[0] in by_name:
            src = by_name[l.inputs[0]]
            feeds = isinstance(src.op, (Conv, FC)) or src.name in fused
            if feeds and consumers.get(src.name) == [l.name]:
                fused.add(l.name)
    return fused


def simd_layer(layer, spec, batch: int, fused: bool):
    ops = layer.ops * batch
    acc = empty_accesses()
    actions: dict[str, int] = {}
    if ops:
        actions["simd_op"] = ops
    cycles = 0
    if not fused:
        ins, out = layer.ifmap_size * batch, layer.ofmap_size * batch
        acc["DRAM"]["ifmap"]["reads"] = ins
        acc["DRAM"]["ofmap"]["writes"] = out
        acc["GLB"]["ifmap"]["writes"] = ins
        acc["GLB"]["ifmap"]["reads"] = ins
        acc["GLB"]["ofmap"]["writes"] = out
        acc["GLB"]["ofmap"]["reads"] = out
        actions["dram_read.ifmap"] = ins
        actions["dram_write.ofmap"] = out
        for t, n in (("ifmap", ins), ("ofmap", out)):
            buf = spec.glb_for(t)
            if buf is not None:
                actions[f"{buf.name}_read.{t}"] = n
                actions[f"{buf.name}_write.{t}"] = n
        dram_bits = ins * spec.word_bits["ifmap"] + out * spec.word_bits["ofmap"]
        cycles = max(math.ceil(ops / spec.simd.ops_per_cycle), math.ceil(dram_bits / (spec.dram.bytes_per_cycle * 8)))
    energy, _ = price(spec, actions)
    return cycles, acc, energy


def legacy_layers(net, spec, df, batch: int = 1, objective: str = "energy"):
    """(name, cycles, accesses, energy by level) per layer, as accelsim counted them before the schedule."""
    fused = fused_layers(net)
    out = []
    for layer in net.layers:
        if isinstance(layer.op, (Conv, FC)):
            _, cost = best_mapping(Problem.from_shape(layer.shape, batch), spec, df, objective, layer.name)
            out.append((layer.name, cost.cycles, cost.accesses, cost.energy))
        else:
            out.append((layer.name, *simd_layer(layer, spec, batch, layer.name in fused)))
    return out
