"""The schedule on the whole zoo: ``--fusion none`` is the model before the schedule
exactly; a fused run never moves more DRAM data; tensors kept on chip never exceed the GLB."""
from __future__ import annotations

from pathlib import Path

import pytest

from dataclasses import replace

from accelsim.api import run
from accelsim.engine.problem import Problem
from accelsim.mapping.search import glb_fits
from accelsim.dataflow import dataflow_for
from accelsim.hardware import load_hardware
from accelsim.workload.zoo import ZOO, build

from legacy_model import legacy_layers

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def eyeriss():
    return load_hardware(REPO / "hw_configs" / "eyeriss.yaml")


@pytest.mark.parametrize("name", list(ZOO))
def test_fusion_none_is_the_model_before_the_schedule(name, eyeriss):
    net = build(name)
    r = run(net, eyeriss, fusion="none")
    peer = legacy_layers(net, eyeriss, dataflow_for(eyeriss.dataflow, eyeriss.array.kind))
    assert [(l.name, l.cycles, l.accesses, l.energy) for l in r.layers] == peer


def _held_at_every_layer(r) -> list[int]:
    """GLB words held at each position of the order, rebuilt from the tensors' lifetimes."""
    pos = {l.name: i for i, l in enumerate(r.layers)}
    held = [0] * len(r.layers)
    for t in r.schedule["tensors"]:
        if t["lives"] == "GLB":
            for i in range(pos[t["held_from"]], pos[t["held_to"]] + 1):
                held[i] += t["words"]
    return held


@pytest.mark.parametrize("config", ["eyeriss", "edge_16x16"])
@pytest.mark.parametrize("name", list(ZOO))
def test_fused_never_moves_more_dram_and_onchip_fits_the_glb(name, config):
    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    net = build(name)
    runs = {f: run(net, spec, fusion=f) for f in ("none", "views", "ops", "onchip")}
    dram = {f: sum(l.level_accesses("DRAM") for l in r.layers) for f, r in runs.items()}
    # each level only removes traffic (docs/schedule.md, "Why onchip never moves more DRAM data than ops")
    assert dram["none"] >= dram["views"] >= dram["ops"] >= dram["onchip"], dram
    r, ops = runs["onchip"], runs["ops"]
    # by construction: every conv/fc layer runs the mapping it runs at ops, with no more DRAM traffic
    for a, b in zip(r.layers, ops.layers):
        if a.macs:
            same = lambda m: {k: v for k, v in m.items() if k not in ("glb_beside", "bound_by")}  # noqa: E731
            assert same(a.mapping) == same(b.mapping), a.name
            assert a.level_accesses("DRAM") <= b.level_accesses("DRAM"), a.name
    glb = spec.glb_for("ofmap")
    wb = max(spec.word_bits["ifmap"], spec.word_bits["ofmap"])
    held = _held_at_every_layer(r)
    # what each layer's tensors record is what the lifetimes hold there (a fused layer: where its producer runs)
    pos = {l.name: i for i, l in enumerate(r.layers)}
    assert [l.tensors["glb_held_words"] for l in r.layers] == [held[pos[l.tensors.get("fused_into", l.name)]] for l in r.layers]
    by_name = {l.name: (l, layer) for l, layer in zip(r.layers, net.layers)}
    for l, h in zip(r.layers, held):
        role = l.tensors["role"]
        w, layer = by_name[l.tensors.get("fused_into", l.name)]  # where this position's work runs
        if w.macs:  # every conv/fc tile fits in the GLB beside the tensors held while it (or work fused into it) runs
            left = replace(spec, glbs=tuple(replace(g, size_bits=g.size_bits - h * wb) if g.name == glb.name else g
                                            for g in spec.glbs))
            tile = {part[0]: int(part[1:]) for part in w.mapping["glb_tile"].split()}
            assert glb_fits(Problem.from_shape(layer.shape, 1), left, tile), l.name
        elif role == "simd":  # a layer on the SIMD unit leaves half the GLB to its streams
            assert h * wb <= glb.size_bits // 2, l.name
        else:  # a view (nothing runs), or work fused into one such
            assert h * wb <= glb.size_bits, l.name
