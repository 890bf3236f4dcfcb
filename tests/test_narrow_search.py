"""The second mapper search of a compressed run (api._narrowed): the mapping chosen on the
machine at the stated widths, and what it shares with the dense search.

Each check compares with something computed here on its own: every candidate of the
narrow machine priced by the engine's full evaluation, RF extents made afresh, the
energy table's costs multiplied by hand.
"""
from __future__ import annotations

import copy
import math
import random
from dataclasses import replace

import pytest

import accelsim
from accelsim import api
from accelsim.compress.spec import Compression, LayerCompression, TensorCompression as T
from accelsim.dataflow import dataflow_for
from accelsim.engine.evaluate import evaluate, price
from accelsim.engine.problem import DIMS, Problem
from accelsim.engine.sparse import count, sparse_evaluate
from accelsim.errors import AccelsimError
from accelsim.hardware import hardware_from_dict, load_hardware
from accelsim.mapping import search as S
from accelsim.mapping.mapping import TILE_DIMS
from accelsim.paths import REPO
from accelsim.result import ENERGY_LEVELS, DTYPES
from accelsim.workload.loader import workload_from_dict
from accelsim.workload.ops import FC, Conv
from accelsim.workload.zoo import build
from accelsim.yamlio import load_yaml

EYERISS = load_yaml(REPO / "hw_configs" / "eyeriss.yaml")
EIGHT = {"weight": 8, "ifmap": 8, "ofmap": 8}
QUANTIZED = Compression("q", default=LayerCompression(T(density=0.35, bits=8), T(density=0.5, bits=8), T(density=0.5)))


def _shared_rf(rf_bytes: int = 512) -> accelsim.HardwareSpec:
    """Eyeriss with one shared RF store (bits, not elements): narrow words fit more of them."""
    d = copy.deepcopy(EYERISS)
    d["rf"] = {"size": f"{rf_bytes} B", "holds": ["weight", "ifmap", "psum"], "read_bw": 3, "write_bw": 3}
    d.pop("sparse", None)
    return hardware_from_dict(d, "shared_rf.yaml")


def _small_glb(rf_bytes: int = 520) -> accelsim.HardwareSpec:
    """Eyeriss with 8 KiB of feature-map GLB: small layers already need several tiles, so
    8-bit words change the tiles the mapper tries (``rf_bytes`` < 520: a smaller split RF)."""
    d = copy.deepcopy(EYERISS)
    d["glbs"][0]["size"] = "8 KiB"
    if rf_bytes != 520:
        d["rf"] = {**d["rf"], "split": {t: n * rf_bytes // 520 for t, n in d["rf"]["split"].items()}}
        d["rf"].pop("size_words", None)
    return hardware_from_dict(d, "small_glb.yaml")


SMALL = [
    Problem.from_shape(workload_from_dict(
        {"name": "w", "input": {"C": c, "H": hw, "W": hw},
         "layers": [{"name": "l", "type": "conv", "inputs": ["input"], "M": m, "R": r, "S": r, "pad": r // 2}]},
        "w.yaml").layers[0].shape, 1)
    for c, m, hw, r in ((16, 32, 14, 3), (32, 16, 7, 1), (8, 24, 28, 3))
]


def _energy(p: Problem, spec, df, m) -> float:
    return evaluate(p, spec, df, m).total_energy


@pytest.mark.parametrize("machine", [_small_glb, _shared_rf])
def test_the_narrow_pick_is_the_optimum_of_the_narrow_candidates(machine):
    """The pick on the machine at 8 bits is the best of that machine's own candidate list
    (each priced by the engine's full evaluation) and of the three best again under every
    DRAM loop order; and that list is not the native machine's."""
    spec = machine()
    narrow = spec.with_element_bits(EIGHT)
    df = dataflow_for(spec.dataflow, spec.array.kind)
    differs = 0
    for p in SMALL:
        S.clear_cache()
        S.chosen_mapping(p, spec, df)  # the dense search first, as a run does
        pick = S.chosen_mapping(p, narrow, df)
        cands = S.candidates(p, narrow, df)
        differs += cands != S.candidates(p, spec, df)
        scored = sorted((_energy(p, narrow, df, m), i) for i, m in enumerate(cands))
        best = scored[0][0]
        for _, i in scored[:S.FINALISTS]:
            for order in S.ORDERS:
                best = min(best, _energy(p, narrow, df, replace(cands[i], dram_order=order)))
        assert _energy(p, narrow, df, pick) == pytest.approx(best, rel=1e-12)
        assert pick.dram_order in S.ORDERS and pick.t1 in [tuple(t[d] for d in TILE_DIMS) for t, _ in S.tilings(p, narrow)]
    assert differs  # the narrow machine's candidates are its own


def test_a_compressed_run_picks_the_narrow_machines_choice():
    spec = _small_glb()
    net = workload_from_dict(
        {"name": "w", "input": {"C": 16, "H": 14, "W": 14},
         "layers": [{"name": "l", "type": "conv", "inputs": ["input"], "M": 32, "R": 3, "S": 3, "pad": 1}]}, "w.yaml")
    S.clear_cache()
    r = accelsim.run(net, spec, compress=QUANTIZED, fusion="none").layers[0]
    df = dataflow_for(spec.dataflow, spec.array.kind)
    S.clear_cache()
    fresh = S.exhaustive_mapping(Problem.from_shape(net.layers[0].shape, 1), spec.with_element_bits(EIGHT), df)
    assert {k: r.mapping[k] for k in fresh.describe(df)} == fresh.describe(df)


def test_repeated_shapes_are_searched_once_per_machine(monkeypatch):
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    net = build("resnet18")
    calls: list[tuple] = []
    real = S.search_mapping

    def counting(p, machine, df, objective="energy", layer=""):
        calls.append((p, machine.word_bits["weight"]))
        return real(p, machine, df, objective, layer)

    monkeypatch.setattr(S, "search_mapping", counting)
    S.clear_cache()
    accelsim.run(net, spec, compress=QUANTIZED)
    shapes = {Problem.from_shape(l.shape, 1) for l in net.layers if isinstance(l.op, (Conv, FC))}
    assert sorted(calls, key=repr) == sorted({(p, b) for p in shapes for b in (16, 8)}, key=repr)
    assert len(shapes) < sum(isinstance(l.op, (Conv, FC)) for l in net.layers)  # some shapes repeat


def test_clear_cache_forgets_the_choices_and_the_rf_extents(monkeypatch):
    spec = _small_glb()
    net = workload_from_dict(
        {"name": "w", "input": {"C": 8, "H": 28, "W": 28},
         "layers": [{"name": "l", "type": "conv", "inputs": ["input"], "M": 24, "R": 3, "S": 3, "pad": 1}]}, "w.yaml")
    accelsim.run(net, spec, compress=QUANTIZED)
    assert S._CHOSEN and S._T3
    S.clear_cache()
    assert not S._CHOSEN and not S._T3
    calls = []
    real = S.search_mapping
    monkeypatch.setattr(S, "search_mapping", lambda *a: calls.append(a) or real(*a))
    accelsim.run(net, spec, compress=QUANTIZED)
    assert len(calls) == 2  # searched again: the native machine and the one at 8 bits


@pytest.mark.parametrize("machine", [_small_glb, _shared_rf])
def test_remembered_rf_extents_are_those_made_afresh(machine):
    """t3_options (remembered by the tile's per-PE shares) against _t3_options made anew,
    on random tiles and spatial factors, the native and the 8-bit machine and one with a
    smaller RF interleaved."""
    rng = random.Random(7)
    spec = machine()
    machines = (spec, spec.with_element_bits(EIGHT), machine(260))
    df = dataflow_for(spec.dataflow, spec.array.kind)
    S.clear_cache()
    differ = smaller = 0
    for _ in range(300):
        p = rng.choice(SMALL)
        b = dict(zip(DIMS, p.bounds))
        t1 = {d: rng.randint(1, b[d]) for d in DIMS}
        t1["R"], t1["S"] = p.R, p.S
        sp = {d: (rng.choice((1, 2, 3, 4)) if d in df.rows + df.cols else 1) for d in DIMS}
        got = [S.t3_options(p, m, df, t1, sp) for m in machines]
        assert got == [S._t3_options(p, m, df, t1, sp) for m in machines]
        differ += got[0] != got[1]
        smaller += got[0] != got[2]
    # a split RF counts elements (the same extents at any width); a shared one counts bits
    assert (differ > 0) == (spec.rf.split is None) and smaller > 0


def test_the_machine_at_each_widths_is_built_once_per_run():
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    machines: dict = {}
    a = api._at_widths(spec, dict(EIGHT), machines)
    assert a is api._at_widths(spec, {"ofmap": 8, "weight": 8, "ifmap": 8}, machines)
    assert a == spec.with_element_bits(EIGHT) and a is not spec and len(machines) == 1
    assert api._at_widths(spec, {"weight": 16, "ifmap": 16, "ofmap": 16}, machines) is spec


def test_a_shared_dense_count_gives_the_same_compressed_figures():
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = dataflow_for("rs", "spatial")
    p = SMALL[0]
    m = S.exhaustive_mapping(p, spec, df)
    c = count(p, spec, df, m)
    fresh = evaluate(p, spec, df, m)
    assert (c.dense.accesses, c.dense.cycles, c.dense.energy) == (fresh.accesses, fresh.cycles, fresh.energy)
    lc = QUANTIZED.default
    assert sparse_evaluate(p, spec, df, m, lc, None, c) == sparse_evaluate(p, spec, df, m, lc)


def test_expected_counts_are_priced_count_times_cost():
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    rng = random.Random(3)
    table = spec.energy
    names = ["mac"] + [f"{a}.{t}" for a in ("rf_read", "rf_write", "noc_transfer", "dram_read", "dram_write") for t in DTYPES]
    for _ in range(3):  # again: the looked-up terms are remembered
        actions = {a: rng.random() * 1e6 for a in names}
        energy, by_type = price(spec, actions, expected=True)
        for lv in ENERGY_LEVELS:
            assert energy[lv] == pytest.approx(math.fsum(n * table.costs[a.partition(".")[0]] for a, n in actions.items()
                                                         if table.levels[a.partition(".")[0]] == lv), rel=1e-12)
        for t in DTYPES:
            assert by_type[t] == pytest.approx(math.fsum(n * table.costs[a.partition(".")[0]] for a, n in actions.items()
                                                         if a.endswith("." + t)), rel=1e-12)


def test_a_packing_error_names_the_first_layer_of_those_widths():
    d = copy.deepcopy(EYERISS)
    d["sparse"] = {"formats": {"DRAM": {"ifmap": {"kind": "rle", "pairs_per_word": 3, "word_bits": 64}}}}
    spec = hardware_from_dict(d, "rle.yaml")
    net = workload_from_dict(
        {"name": "w", "input": {"C": 8, "H": 14, "W": 14},
         "layers": [{"name": "first", "type": "conv", "inputs": ["input"], "M": 8, "R": 3, "S": 3, "pad": 1},
                    {"name": "second", "type": "conv", "inputs": ["first"], "M": 8, "R": 3, "S": 3, "pad": 1}]}, "w.yaml")
    with pytest.raises(AccelsimError) as e:
        accelsim.run(net, spec, compress=Compression("c", default=LayerCompression(ifmap=T(bits=32, density=0.5))))
    assert "layer 'first'" in str(e.value) and "3 x (5 + 32)" in str(e.value)
