"""Compressed feature maps between the layers (docs/engine.md §9.2, docs/schedule.md): the
density rules of the non-MAC layers against NumPy on random masks (the mean over draws
within five standard errors), the SIMD layers' compressed traffic against the formats'
closed forms, and the network schedule of compressed runs: none ≥ views ≥ ops ≥ onchip in
DRAM traffic on zoo networks with shipped compressions, tensors held on chip at their
compressed size, and the dense run beside the compressed one unchanged."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import accelsim
from accelsim.compress.loader import channel_densities, feature_map_densities, load_compression
from accelsim.compress.spec import Compression, LayerCompression, TensorCompression as T
from accelsim.hardware import hardware_from_dict
from accelsim.paths import REPO, resolve_workload
from accelsim.workload.loader import workload_from_dict
from accelsim.yamlio import load_yaml

LEVELS = ("none", "views", "ops", "onchip")

NET = {
    "name": "branches",
    "input": {"C": 3, "H": 12, "W": 12},
    "layers": [
        {"name": "c1", "type": "conv", "inputs": ["input"], "M": 2, "R": 3, "S": 3, "pad": 1},
        {"name": "c2", "type": "conv", "inputs": ["input"], "M": 6, "R": 1, "S": 1},
        {"name": "cat", "type": "concat", "inputs": ["c1", "c2"]},
        {"name": "p", "type": "maxpool", "kernel": 3, "stride": 2, "pad": 1, "inputs": ["cat"]},
        {"name": "c3", "type": "conv", "inputs": ["p"], "M": 8, "R": 1, "S": 1},
        {"name": "a", "type": "add", "inputs": ["p", "c3"]},
        {"name": "sh", "type": "shuffle", "groups": 2, "inputs": ["a"]},
        {"name": "sl", "type": "slice", "start": 0, "stop": 2, "inputs": ["sh"]},
        {"name": "c4", "type": "conv", "inputs": ["sl"], "M": 4, "R": 1, "S": 1},
        {"name": "g", "type": "globalpool", "kind": "avg", "inputs": ["a"]},
        {"name": "sc", "type": "scale", "inputs": ["a", "g"]},
        {"name": "ap", "type": "avgpool", "kernel": 2, "inputs": ["sc"]},
        {"name": "fc", "type": "fc", "inputs": ["ap"], "M": 10},
    ],
}
D1, D2, D3 = 0.05, 0.4, 0.5  # the convs' stated output densities
COMP = Compression("branches", layers={n: LayerCompression(ofmap=T(density=d)) for n, d in (("c1", D1), ("c2", D2), ("c3", D3))})


def _net():
    return workload_from_dict(copy.deepcopy(NET), "branches.yaml")


def _values(rng, shape, d):
    """Non-negative values (what a ReLU leaves), each non-zero with probability d."""
    return (rng.random(shape) < d) * rng.uniform(0.1, 1.0, shape)


def _pool(x, k, stride, pad, mean):
    """A k×k pool of non-negative values (zero padding: for them it changes no zero to a
    non-zero), max or mean."""
    x = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))[:, ::stride, ::stride]
    return win.mean(axis=(3, 4)) if mean else win.max(axis=(3, 4))


def test_density_rules_equal_numpy_on_random_masks():
    """Every tensor's expected density (concat, max pool with padded edges, add, shuffle,
    slice, global pool, scale, average pool) is the mean share of non-zeros NumPy finds
    over 300 independent draws, within 5 standard errors. The branches are unequal, so
    a rule applied to a tensor's mean density instead of per channel would miss (the pool
    of the concat: 0.838 per channel against 0.938 from the mean; the slice of the
    shuffle: channels 0 and 4, one from each branch)."""
    rng = np.random.default_rng(13)
    shares: dict[str, list[float]] = {}
    for _ in range(300):
        v = {"c1": _values(rng, (2, 12, 12), D1), "c2": _values(rng, (6, 12, 12), D2)}
        v["cat"] = np.concatenate([v["c1"], v["c2"]])
        v["p"] = _pool(v["cat"], 3, 2, 1, mean=False)
        v["c3"] = _values(rng, (8, 6, 6), D3)
        v["a"] = v["p"] + v["c3"]
        v["sh"] = v["a"].reshape(2, 4, 6, 6).transpose(1, 0, 2, 3).reshape(8, 6, 6)
        v["sl"] = v["sh"][:2]
        v["g"] = v["a"].mean(axis=(1, 2))
        v["sc"] = v["a"] * v["g"][:, None, None]
        v["ap"] = _pool(v["sc"], 2, 2, 0, mean=True)
        for k, x in v.items():
            shares.setdefault(k, []).append(float((x != 0).mean()))
    dens = feature_map_densities(COMP, _net())
    for k, s in shares.items():
        mean, se = float(np.mean(s)), float(np.std(s, ddof=1) / np.sqrt(len(s)))
        assert abs(dens[k] - mean) <= 5 * se + 1e-9, (k, dens[k], mean, se)
    # the per-channel record is what makes the pool exact: its c1 channels against its c2 ones
    ch = channel_densities(COMP, _net())["p"]
    assert ch[0] == ch[1] < 0.5 < ch[2] == ch[7]


def _machine(glb: bool = True):
    d = load_yaml(REPO / "hw_configs" / "eyeriss.yaml")
    d["sparse"]["formats"] = {"DRAM": {"ifmap": "bitmask", "ofmap": "bitmask"}}
    if glb:
        d["sparse"]["formats"]["GLB"] = {"ifmap": "bitmask", "ofmap": "bitmask"}
    return hardware_from_dict(d, "eyeriss_bitmask.yaml")


def _bitmask_bits(words: float, d: float) -> float:
    """A 16-bit value per non-zero and a mask bit per element, or the dense 16 bits where
    that is not more (the encoder keeps the smaller)."""
    return words * min(16 * d + 1, 16.0)


def test_simd_layers_move_feature_maps_at_their_densities():
    """At --fusion none every non-MAC layer reads its inputs from DRAM and writes its output
    back: in bitmask format, d·|x| elements and |x|·(16 d + 1) bits each way, at each
    tensor's own density; the consumer conv reads what the pool wrote; the SIMD unit still
    does one operation per dense element; the dense figures beside are the dense run's."""
    net, hw = _net(), _machine()
    r = accelsim.run(net, hw, compress=COMP, fusion="none")
    dense = accelsim.run(net, hw, fusion="none")
    d = feature_map_densities(COMP, net)
    by = {l.name: l for l in r.layers}
    for name, ins in (("cat", ("c1", "c2")), ("p", ("cat",)), ("a", ("p", "c3")), ("sc", ("a", "g")), ("ap", ("sc",))):
        l = by[name]
        words = [net.layer(i).out.size for i in ins]
        dram = l.accesses["DRAM"]
        kept = [d[i] if 16 * d[i] + 1 < 16 else 1.0 for i in ins]  # elements moved: the non-zeros, or all where dense
        assert dram["ifmap"]["reads"] == pytest.approx(sum(w * k for w, k in zip(words, kept)), rel=1e-12), name
        assert dram["ifmap"]["bytes"] == pytest.approx(sum(_bitmask_bits(w, d[i]) for w, i in zip(words, ins)) / 8, rel=1e-12)
        out = net.layer(name).out.size
        assert dram["ofmap"]["writes"] == pytest.approx(out * (d[name] if 16 * d[name] + 1 < 16 else 1.0), rel=1e-12), name
        assert dram["ofmap"]["bytes"] == pytest.approx(_bitmask_bits(out, d[name]) / 8, rel=1e-12)
        assert l.energy["DRAM"] == pytest.approx(hw.energy.cost("dram_read.ifmap") * dram["ifmap"]["bytes"] * 8 / 16
                                                 + hw.energy.cost("dram_write.ofmap") * dram["ofmap"]["bytes"] * 8 / 16, rel=1e-12)
        assert l.ops == dense.layers[r.layers.index(l)].ops  # one operation per dense element
    assert by["c3"].compressed["compression"]["ifmap"]["density"] == pytest.approx(d["p"], rel=1e-12)
    for a, b in zip(dense.layers, r.layers):
        assert b.compressed["dense"]["energy"] == a.energy and b.compressed["dense"]["cycles"] == a.cycles, a.name
        for lv in a.accesses:
            for t in a.accesses[lv]:
                got = b.compressed["dense"]["accesses"][lv][t]
                assert (got["reads"], got["writes"]) == (a.accesses[lv][t]["reads"], a.accesses[lv][t]["writes"])


def _dram(r, key: str) -> float:
    return sum(v[key] for l in r.layers for v in l.accesses["DRAM"].values())


ACT = Compression("act", default=LayerCompression(ofmap=T(density=0.3)))
CASES = [
    ("alexnet", "eyeriss", "han_nips15_alexnet_activations"),
    ("alexnet", "eyeriss", "deep_compression_alexnet"),
    ("squeezenet1_0", "eyeriss", "squeezenet_pruned"),
    ("resnet18", "glb_bitmask", ACT),
]


@pytest.mark.parametrize("net,hw,comp", CASES, ids=[f"{n}-{c if isinstance(c, str) else c.name}" for n, _, c in CASES])
def test_compressed_runs_keep_none_views_ops_onchip_order(net, hw, comp):
    """DRAM traffic (bytes, metadata included, and elements) never grows from one level to
    the next for a compressed run, and the dense figures beside each layer are the dense
    run's at the same level (its own mapping and schedule)."""
    spec = _machine() if hw == "glb_bitmask" else hw
    w = resolve_workload(net)
    comp = load_compression(comp, w) if isinstance(comp, str) else comp
    runs = {f: accelsim.run(w, spec, compress=comp, fusion=f) for f in LEVELS}
    for key in ("bytes", "reads", "writes"):
        got = [_dram(runs[f], key) for f in LEVELS]
        assert all(a >= b * (1 - 1e-12) for a, b in zip(got, got[1:])), (key, got)
    assert _dram(runs["none"], "bytes") > _dram(runs["onchip"], "bytes")
    for f in ("ops", "onchip"):
        dense = accelsim.run(w, spec, fusion=f)
        for a, b in zip(dense.layers, runs[f].layers):
            assert b.compressed["dense"]["energy_total"] == a.total_energy and b.compressed["dense"]["cycles"] == a.cycles, a.name
            assert b.compressed["dense"]["accesses"]["DRAM"]["ifmap"]["reads"] == a.accesses["DRAM"]["ifmap"]["reads"]
        assert not runs[f].notes or all("applied as views" not in n for n in runs[f].notes)


def test_tensors_are_held_on_chip_at_their_compressed_size():
    """ResNet-18 at output density 0.3 on eyeriss with a bitmask GLB: a held tensor takes
    ⌈|x|·min(16 d + 1, 16)⌉ bits (d its density), so the compressed run keeps more tensors on chip
    than the dense one, each layer's held words are the sum of the tensors live across it,
    and a conv whose input is held reads no ifmap from DRAM."""
    w, spec = resolve_workload("resnet18"), _machine()
    r = accelsim.run(w, spec, compress=ACT, fusion="onchip")
    dense = accelsim.run(w, spec, fusion="onchip")
    kept = [t for t in r.schedule["tensors"] if t["lives"] == "GLB"]
    assert len(kept) > sum(t["lives"] == "GLB" for t in dense.schedule["tensors"])
    d = feature_map_densities(ACT, w)
    check_held(r, w, lambda t: math.ceil(_bitmask_bits(t["words"], d[t["tensor"]])))


def check_held(r, w, size) -> None:
    """Each array or SIMD layer's held words are the sum of ``size(t)`` bits over the
    tensors ``t`` kept on chip across it (16-bit words), and a conv whose input is held
    reads no ifmap from DRAM."""
    kept = [t for t in r.schedule["tensors"] if t["lives"] == "GLB"]
    order = [l.name for l in w.layers]
    checked = 0
    for l in r.layers:
        i = order.index(l.name)
        live = [t for t in kept if order.index(t["held_from"]) <= i <= order.index(t["held_to"])]
        if l.tensors["role"] in ("array", "simd") and live:
            assert l.tensors["glb_held_words"] == sum(size(t) for t in live) // 16, l.name
            checked += 1
    assert checked
    on_chip = [l for l in r.layers if l.macs and l.tensors["inputs"] and all(a["lives"] == "GLB" for a in l.tensors["inputs"])]
    assert on_chip and all(l.accesses["DRAM"]["ifmap"]["reads"] == 0 for l in on_chip)


def test_json_totals_and_the_side_by_side_table_count_the_non_mac_layers(run_cli, monkeypatch):
    """At --fusion onchip the JSON totals of a compressed run are the sums of every layer,
    the SIMD layers' compressed bytes included, its `dense` totals are the dense run's
    totals, and the side-by-side table's non-MAC row is the SIMD layers' sum; the figure
    draws from the same JSON."""
    import math

    from accelsim.report.compression import compression_figure, other_row

    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run_cli("run", "alexnet", "eyeriss", "--compress", "han_nips15_alexnet_activations")
    assert code == 0
    r = accelsim.run("alexnet", "eyeriss", compress="han_nips15_alexnet_activations")
    dense = accelsim.run("alexnet", "eyeriss")
    t, td = r.totals(), dense.totals()
    assert t["dense"]["energy_total"] == pytest.approx(td["energy_total"], rel=1e-12) and t["dense"]["cycles"] == td["cycles"]
    assert t["dense"]["accesses"]["DRAM"]["ifmap"]["reads"] == td["accesses"]["DRAM"]["ifmap"]["reads"]
    simd = [l for l in r.layers if not l.macs]
    assert t["accesses"]["DRAM"]["ifmap"]["bytes"] == pytest.approx(
        math.fsum(l.accesses["DRAM"]["ifmap"]["bytes"] for l in r.layers), rel=1e-12)
    assert math.fsum(l.accesses["DRAM"]["ofmap"]["bytes"] for l in simd) < math.fsum(
        l.compressed["dense"]["accesses"]["DRAM"]["ofmap"]["bytes"] for l in simd)  # pools write RLC at 0.52, 0.34
    data = r.to_dict()
    name, d, c, _ = other_row(data)
    spent = [l for l in simd if l.compressed["dense"]["energy_total"]]
    assert name == f"{len(spent)} non-MAC layers" and name in out
    assert d == pytest.approx(math.fsum(l.compressed["dense"]["energy_total"] for l in spent), rel=1e-12)
    assert c == pytest.approx(math.fsum(l.total_energy for l in spent), rel=1e-12) and c < d
    assert compression_figure(data) is not None


WIDE = Compression("widths", layers={"c1": LayerCompression(ofmap=T(density=D1, bits=8)),
                                     "c2": LayerCompression(ofmap=T(bits=8))})


def test_narrow_outputs_stay_narrow_through_the_simd_layers():
    """c1 and c2 write 8-bit outputs (c1 at density D1): the concat and the pool after them
    store 8-bit elements (bitmask: |x|·min(8 d + 1, 8) bits, two per 16-bit access), c3
    reads the pool's output at 8 bits as if it stated ``ifmap: {bits: 8}`` itself, and the
    add of the 8-bit pool and the native c3 is native again; by hand, not by the code's rule."""
    from accelsim.compress.loader import feature_map_widths, resolve

    net, hw = _net(), _machine()
    widths = feature_map_widths(WIDE, net)
    assert {n: widths[n] for n in ("input", "c1", "c2", "cat", "p", "c3", "a", "sl", "g", "sc", "ap", "fc")} == {
        "input": None, "c1": 8, "c2": 8, "cat": 8, "p": 8, "c3": None, "a": None, "sl": None, "g": None, "sc": None,
        "ap": None, "fc": None}
    assert resolve(WIDE, net)["c3"].ifmap.bits == 8 and resolve(WIDE, net)["c4"].ifmap.bits is None
    r = accelsim.run(net, hw, compress=WIDE, fusion="none")
    d = feature_map_densities(WIDE, net)
    by = {l.name: l for l in r.layers}
    size = {n: net.layer(n).out.size for n in ("c1", "c2", "cat", "p", "c3", "a")}

    def bits(n: str, w: int) -> float:
        return size[n] * (min(w * d[n] + 1, w) if d[n] is not None else w)

    for name, ins, w_out in (("cat", (("c1", 8), ("c2", 8)), 8), ("p", (("cat", 8),), 8), ("a", (("p", 8), ("c3", 16)), 16)):
        dram = by[name].accesses["DRAM"]
        assert dram["ifmap"]["bytes"] == pytest.approx(sum(bits(i, w) for i, w in ins) / 8, rel=1e-12), name
        assert dram["ofmap"]["bytes"] == pytest.approx(bits(name, w_out) / 8, rel=1e-12), name
        assert by[name].energy["DRAM"] == pytest.approx(hw.energy.cost("dram_read.ifmap") * dram["ifmap"]["bytes"] * 8 / 16
                                                        + hw.energy.cost("dram_write.ofmap") * dram["ofmap"]["bytes"] * 8 / 16,
                                                        rel=1e-12), name
    said = Compression("said", layers={**WIDE.layers, "c3": LayerCompression(ifmap=T(bits=8))})
    r_said = accelsim.run(net, hw, compress=said, fusion="none")
    c3, c3_said = by["c3"], next(l for l in r_said.layers if l.name == "c3")
    assert (c3.accesses, c3.energy, c3.cycles) == (c3_said.accesses, c3_said.energy, c3_said.cycles)
    assert c3.accesses != next(l for l in accelsim.run(net, hw, compress=Compression("c12", layers={
        n: WIDE.layers[n] for n in ("c1", "c2")} | {"c3": LayerCompression(ifmap=T(bits=16))}), fusion="none").layers
        if l.name == "c3").accesses


def test_exact_mode_moves_and_holds_narrow_tensors_at_their_width():
    """Exact mode with widths only (every mask all ones): a SIMD layer's DRAM bytes are
    |x|·w/8 for each tensor at its width w (8 after c1/c2, 16 after c3), and at --fusion
    onchip a held tensor takes |x|·w bits of the GLB (the words of ``check_held``)."""
    from accelsim.compress.loader import feature_map_widths

    widths_only = Compression("w8", layers={n: LayerCompression(ofmap=T(bits=8)) for n in ("c1", "c2")})
    net, hw = _net(), _machine()
    width = feature_map_widths(widths_only, net)
    r = accelsim.run(net, hw, compress=widths_only, fusion="none", mode="exact", seed=3)
    by = {l.name: l for l in r.layers}
    for name, ins in (("cat", ("c1", "c2")), ("p", ("cat",)), ("a", ("p", "c3"))):
        dram = by[name].accesses["DRAM"]
        want = sum(net.layer(i).out.size * (width[i] or 16) for i in ins) / 8
        assert dram["ifmap"]["bytes"] == want and dram["ofmap"]["bytes"] == net.layer(name).out.size * (width[name] or 16) / 8
    held = accelsim.run(net, hw, compress=widths_only, fusion="onchip", mode="exact", seed=3)
    check_held(held, net, lambda t: t["words"] * (width[t["tensor"]] or 16))
