"""Exact mode through the network schedule (engine/exact_flow.py, docs/engine.md §9.3):

- the masks flow by their rules, each checked against NumPy on the masks (a pool's output
  mask is the OR of its windows computed by NumPy's sliding windows, an add the OR, a
  concat the stack, ...), and a conv reading a pool's output counts its effectual MACs on
  exactly that mask (a NumPy contraction of the masks);
- the SIMD layers' traffic is the formats' bits counted on the masks by hand (bitmask:
  16 bits per non-zero and a bit per element; run-length: a pair per non-zero and per
  run of 32 zeros, counted by walking the runs);
- expected mode equals the mean of exact mode over random masks, SIMD layers included,
  within five standard errors;
- density 1 is the dense run exactly at every fusion level; DRAM traffic never grows from
  none to views to ops to onchip; tensors are held on chip at their exact coded size.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import accelsim
from accelsim.compress.loader import resolve
from accelsim.compress.spec import Compression, LayerCompression, TensorCompression as T
from accelsim.engine.exact_flow import network_masks
from accelsim.paths import resolve_workload
from test_sparse_network import COMP, LEVELS, _dram, _machine, _net, ACT, check_held

BATCH, SEED = 2, 3


def _or_pool(x: np.ndarray, k: int, stride: int, pad: int) -> np.ndarray:
    """A k×k pool's non-zeros on masks (N, C, H, W): NumPy's sliding windows over the
    zero-padded mask, any over each window."""
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.any(axis=(4, 5))


def test_masks_flow_through_the_network_by_numpy_rules():
    """Every tensor's mask of the branches network follows from its producers' by the op's
    rule, each computed here by NumPy; each conv's ifmap mask is its producer's ofmap mask;
    the convs' ofmap masks are drawn at the stated densities (within five standard errors)."""
    net = _net()
    nm = network_masks(COMP, net, resolve(COMP, net), BATCH, SEED)
    m = nm.maps
    assert np.array_equal(m["cat"], np.concatenate([m["c1"], m["c2"]], axis=1))
    assert np.array_equal(m["p"], _or_pool(m["cat"], 3, 2, 1))
    assert np.array_equal(m["a"], m["p"] | m["c3"])
    assert np.array_equal(m["sh"], m["a"][:, [0, 4, 1, 5, 2, 6, 3, 7]])  # 2 groups of 4, transposed
    assert np.array_equal(m["sl"], m["a"][:, [0, 4]])
    assert np.array_equal(m["g"], m["a"].any(axis=(2, 3))[:, :, None, None])
    assert np.array_equal(m["sc"], m["a"] & m["g"])
    assert np.array_equal(m["ap"], _or_pool(m["sc"], 2, 2, 0))
    for conv, src in (("c3", "p"), ("c4", "sl"), ("fc", "ap")):
        assert np.array_equal(nm.layers[conv].ifmap.reshape(m[src].shape), m[src]), conv
    assert m["input"].all() and nm.layers["c1"].ifmap.all()
    for conv, d in (("c1", 0.05), ("c2", 0.4), ("c3", 0.5)):
        x = nm.layers[conv].ofmap
        assert abs(x.mean() - d) <= 5 * math.sqrt(d * (1 - d) / x.size), conv
        assert np.array_equal(m[conv], x.reshape(m[conv].shape))


def test_a_conv_after_a_pool_counts_its_macs_on_the_pools_mask():
    """c3 (1×1) reads the max pool's output: the run's effectual MACs are the NumPy
    contraction of c3's weight mask with the pool's OR-window mask, and its MACs done under
    eyeriss's ifmap gating are the pool mask's non-zeros times M."""
    net = _net()
    r = accelsim.run(net, "eyeriss", compress=COMP, mode="exact", seed=SEED, batch=BATCH, fusion="none")
    nm = network_masks(COMP, net, resolve(COMP, net), BATCH, SEED)
    c3 = next(l for l in r.layers if l.name == "c3")
    w = nm.layers["c3"].weight.reshape(8, 8).astype(np.int64)  # (M, C): 1×1
    x = _or_pool(nm.maps["cat"], 3, 2, 1).astype(np.int64)  # (N, C, E, F), computed here
    assert c3.compressed["macs_effectual"] == int(np.einsum("mc,ncef->", w, x))
    assert c3.macs - c3.compressed["macs_gated"] == 8 * int(x.sum())


def _rle_bits(mask: np.ndarray, run_bits: int = 5, pair_bits: float = 64 / 3) -> float:
    """Eyeriss's run-length code of a mask, counted by walking it: a pair per non-zero, and a
    filler pair for every 2^run_bits zeros a run holds before a non-zero (trailing zeros
    cost nothing); the dense 16 bits per element where that is not more."""
    pairs, run = 0, 0
    for v in mask.ravel().tolist():
        if v:
            pairs += 1 + run // 2**run_bits
            run = 0
        else:
            run += 1
    return min(pairs * pair_bits, 16.0 * mask.size)


def test_simd_traffic_is_the_formats_bits_counted_on_the_masks():
    """At --fusion none every SIMD layer reads its inputs from DRAM and writes its output:
    with bitmask formats, exactly min(16·nnz + |x|, 16·|x|) bits and nnz elements (|x|
    where dense) of each tensor's mask; on eyeriss (run-length at DRAM), the pairs a walk
    of the mask counts. The SIMD unit still does one operation per dense element."""
    net = _net()
    nm = network_masks(COMP, net, resolve(COMP, net), BATCH, SEED)
    ins = {"cat": ("c1", "c2"), "p": ("cat",), "a": ("p", "c3"), "sc": ("a", "g"), "ap": ("sc",), "g": ("a",)}

    def bitmask(n: str) -> tuple[int, int]:
        mk = nm.maps[n]
        coded = 16 * int(mk.sum()) + mk.size
        return (int(mk.sum()), coded) if coded < 16 * mk.size else (mk.size, 16 * mk.size)

    r = accelsim.run(net, _machine(), compress=COMP, mode="exact", seed=SEED, batch=BATCH, fusion="none")
    dense = accelsim.run(net, _machine(), batch=BATCH, fusion="none")
    by, dby = {l.name: l for l in r.layers}, {l.name: l for l in dense.layers}
    for name, srcs in ins.items():
        dram, glb = by[name].accesses["DRAM"], by[name].accesses["GLB"]
        assert dram["ifmap"]["reads"] == sum(bitmask(s)[0] for s in srcs) == glb["ifmap"]["reads"], name
        assert dram["ifmap"]["bytes"] == sum(bitmask(s)[1] for s in srcs) / 8, name
        assert (dram["ofmap"]["writes"], dram["ofmap"]["bytes"]) == (bitmask(name)[0], bitmask(name)[1] / 8), name
        assert glb["ofmap"]["bytes"] == 2 * bitmask(name)[1] / 8, name  # written into the GLB, read out to DRAM
        assert by[name].ops == dby[name].ops
    e = accelsim.run(net, "eyeriss", compress=COMP, mode="exact", seed=SEED, batch=BATCH, fusion="none")
    for name, srcs in ins.items():
        dram = next(l for l in e.layers if l.name == name).accesses["DRAM"]
        assert dram["ifmap"]["bytes"] == pytest.approx(sum(_rle_bits(nm.maps[s]) for s in srcs) / 8, rel=1e-12), name
        assert dram["ofmap"]["bytes"] == pytest.approx(_rle_bits(nm.maps[name]) / 8, rel=1e-12), name


LOW = Compression("low", layers={n: LayerCompression(ofmap=T(density=d)) for n, d in (("c1", 0.05), ("c2", 0.2), ("c3", 0.2))})


def test_expected_mode_is_the_mean_of_exact_mode_for_simd_layers():
    """Over 40 seeds, each SIMD layer's DRAM and GLB elements and bytes in exact mode (bitmask
    formats, --fusion none) average to the expected mode's figure within five standard
    errors. The densities keep every tensor clearly coded or clearly dense (the encoder's
    choice is then the same for every draw and the bits are linear in the non-zeros, so the
    means agree exactly in expectation; near 16·d + 1 = 16 they would not). An error in a
    mask rule (e.g. AND for the add) moves a mean by tens of standard errors."""
    net, hw = _net(), _machine()
    ex = accelsim.run(net, hw, compress=LOW, fusion="none")
    runs = [accelsim.run(net, hw, compress=LOW, mode="exact", seed=s, fusion="none") for s in range(40)]
    checked = 0
    for i, l in enumerate(ex.layers):
        if l.macs or not any(l.accesses["DRAM"][t]["bytes"] for t in ("ifmap", "ofmap")):
            continue
        for lv in ("DRAM", "GLB"):
            for t, rw in (("ifmap", "reads"), ("ofmap", "writes")):
                for key in (rw, "bytes"):
                    got = np.array([r.layers[i].accesses[lv][t][key] for r in runs], dtype=np.float64)
                    se = got.std(ddof=1) / math.sqrt(len(got))
                    assert abs(l.accesses[lv][t][key] - got.mean()) <= 5 * se + 1e-9 * abs(got.mean()), (l.name, lv, t, key)
        checked += 1
    assert checked >= 6


ONES = Compression("ones", default=LayerCompression(T(density=1.0), T(density=1.0), T(density=1.0)))


def _same(d, x) -> None:
    for a, b in zip(d.layers, x.layers):
        assert {lv: {t: {k: v[k] for k in ("reads", "writes")} for t, v in ts.items()} for lv, ts in b.accesses.items()} \
            == a.accesses, a.name
        assert (b.cycles, b.stall_cycles) == (a.cycles, a.stall_cycles), a.name
        assert b.total_energy == pytest.approx(a.total_energy, rel=1e-12), a.name
        assert b.tensors == a.tensors, a.name


@pytest.mark.parametrize("fusion", LEVELS)
def test_exact_density_one_is_the_dense_run_at_every_level(fusion):
    """All-ones masks (density 1) in exact mode give back the dense run exactly at every
    fusion level: counts, cycles, energy and the schedule of every layer, the SIMD ones
    included, on the branches network (bitmask formats) and, at onchip, AlexNet on eyeriss."""
    net = _net()
    _same(accelsim.run(net, _machine(), batch=BATCH, fusion=fusion),
          accelsim.run(net, _machine(), compress=ONES, mode="exact", batch=BATCH, fusion=fusion))
    if fusion == "onchip":
        _same(accelsim.run("alexnet", "eyeriss"), accelsim.run("alexnet", "eyeriss", compress=ONES, mode="exact"))


@pytest.mark.parametrize("net,hw,comp", [("alexnet", "eyeriss", "han_nips15_alexnet_activations"),
                                         ("resnet18", "glb_bitmask", ACT)],
                         ids=["alexnet-han", "resnet18-act"])
def test_exact_runs_keep_none_views_ops_onchip_order(net, hw, comp):
    """An exact run's DRAM traffic (bytes and elements) never grows from one fusion level to
    the next, and no level is refused (exact mode applies every level)."""
    spec = _machine() if hw == "glb_bitmask" else hw
    w = resolve_workload(net)
    runs = {f: accelsim.run(w, spec, compress=comp, mode="exact", fusion=f) for f in LEVELS}
    for key in ("bytes", "reads", "writes"):
        got = [_dram(runs[f], key) for f in LEVELS]
        assert all(a >= b for a, b in zip(got, got[1:])), (key, got)
    assert _dram(runs["none"], "bytes") > _dram(runs["ops"], "bytes") > _dram(runs["onchip"], "bytes")
    assert all(r.schedule["fusion"] == f for f, r in runs.items())


def test_exact_onchip_holds_tensors_at_their_coded_size_and_writes_back_fused_outputs():
    """ResNet-18 at output density 0.3, bitmask GLB and DRAM, exact mode: each layer's held
    words are the tensors live across it at ⌈min(16·nnz + |x|, 16·|x|)⌉ bits of their masks,
    a conv whose input is held reads no ifmap from DRAM, and a conv whose write-back carries
    a fused layer's output writes exactly that tensor's bitmask bits to DRAM."""
    w, spec = resolve_workload("resnet18"), _machine()
    r = accelsim.run(w, spec, compress=ACT, mode="exact", seed=SEED, fusion="onchip")
    nm = network_masks(ACT, w, resolve(ACT, w), 1, SEED)

    def bits(n: str) -> int:
        mk = nm.maps[n]
        return min(16 * int(mk.sum()) + mk.size, 16 * mk.size)

    check_held(r, w, lambda t: bits(t["tensor"]))
    fused_out = [l for l in r.layers if l.macs and any(a["tensor"] != l.name for a in l.tensors["outputs"])]
    assert fused_out
    for l in fused_out:
        to_dram = [a["tensor"] for a in l.tensors["outputs"] if a["lives"] == "DRAM"]
        assert l.accesses["DRAM"]["ofmap"]["bytes"] == pytest.approx(sum(bits(n) for n in to_dram) / 8, rel=1e-12), l.name
