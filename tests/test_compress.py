"""Compression files (loader, checks, densities through the network), the stored model size
(closed form against enumeration and Monte-Carlo, exact counts against a reference
encoder), ``accelsim info --compress`` and the shipped files against their sources."""
from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from accelsim.compress.loader import (
    compression_dir,
    load_compression,
    network_compression,
    resolve,
    tensor_shape,
)
from accelsim.compress.size import expected_fillers, mask_entries, model_size
from accelsim.errors import AccelsimError
from accelsim.workload import load_workload
from accelsim.workload.zoo import build

REPO = Path(__file__).resolve().parent.parent
SEEDS = Path("/work/shared/seeds")

TINY = """\
name: tiny
input: {C: 3, H: 8, W: 8}
layers:
- {name: c1, type: conv, inputs: [input], M: 4, R: 3, S: 3, pad: 1}
- {name: r1, type: activation, fn: relu, inputs: [c1]}
- {name: c2, type: conv, inputs: [input], M: 12, R: 1, S: 1}
- {name: cat, type: concat, inputs: [r1, c2]}
- {name: p, type: maxpool, kernel: 2, inputs: [cat]}
- {name: c3, type: conv, inputs: [p], M: 8, R: 3, S: 3, bias: true}
- {name: fc, type: fc, inputs: [c3], M: 10}
"""


@pytest.fixture
def tiny(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text(TINY)
    return p


def _comp(tmp_path, text: str, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


# ---------------------------------------------------------------- shipped files


SHIPPED = {
    "deep_compression_alexnet": "alexnet",
    "han_nips15_alexnet_activations": "alexnet",
    "eyeriss_alexnet_ifmap_zeros": "alexnet",
    "squeezenet_pruned": "squeezenet1_0",
}


@pytest.mark.parametrize("name,workload", SHIPPED.items())
def test_shipped_file_loads_against_its_network_and_cites_a_source(name, workload):
    net = build(workload)
    comp = load_compression(name, net)
    assert comp.name == name and re.search(r"(19|20)\d\d", comp.source), comp.source
    names = {l.name for l in net.layers}
    assert set(comp.layers) <= names and comp.layers
    text = (compression_dir() / f"{name}.yaml").read_text()
    assert "[R" in text or "[M]" in text  # the tag says how sure the numbers are


def test_shipped_files_are_package_data_and_reachable_from_the_checkout():
    assert (REPO / "compressions" / "deep_compression_alexnet.yaml").is_file()
    pkg = REPO / "accelsim" / "compress" / "data"
    assert sorted(p.name for p in pkg.glob("*.yaml")) == sorted(f"{n}.yaml" for n in SHIPPED)
    assert '"accelsim.compress" = ["data/*.yaml"]' in (REPO / "pyproject.toml").read_text()


def test_installed_package_finds_its_own_copy(tmp_path, monkeypatch):
    import accelsim.paths
    from accelsim.compress import loader

    monkeypatch.setattr(accelsim.paths, "REPO", tmp_path / "no-checkout")
    monkeypatch.chdir(tmp_path)
    assert loader.compression_dir() == loader.PACKAGE_DATA
    assert load_compression("deep_compression_alexnet").stated("fc6").weight.density == 0.09


def test_deep_compression_file_is_table_4():
    # Han, Mao, Dally, ICLR 2016, Table 4 (COMPRESSION.md §2): weights% (P), bits (P+Q), index bits 4
    table4 = {"conv1": 84, "conv2": 38, "conv3": 35, "conv4": 37, "conv5": 37, "fc6": 9, "fc7": 9, "fc8": 25}
    comp = load_compression("deep_compression_alexnet")
    for layer, pct in table4.items():
        w = comp.stated(layer).weight
        conv = layer.startswith("conv")
        assert (w.density, w.bits, w.index_bits, w.codebook, w.codebook_value_bits) == (pct / 100, 8 if conv else 5, 4, 256 if conv else 32, 32)


def test_eyeriss_file_agrees_with_the_table5_data():
    from accelsim.yamlio import load_yaml

    table5 = load_yaml(REPO / "accelsim" / "reproduce" / "data" / "eyeriss_jssc17_table5.yaml")["layers"]
    zeros = {n: v["ifmap_zeros"] for n, v in table5.items()}
    comp = load_compression("eyeriss_alexnet_ifmap_zeros")
    assert set(comp.layers) == set(zeros)
    for layer, z in zeros.items():
        assert comp.stated(layer).ifmap.density == pytest.approx(1 - z, abs=1e-12)


def test_han_activations_are_ofmap_densities_carried_to_the_next_ifmap():
    net = build("alexnet")
    r = resolve(load_compression("han_nips15_alexnet_activations"), net)
    act = {"conv1": .88, "conv2": .52, "conv3": .37, "conv4": .40, "conv5": .34, "fc6": .36, "fc7": .40, "fc8": 1.0}  # NIPS'15 Table 4
    order = list(act)
    for i, layer in enumerate(order):
        assert r[layer].ofmap.density == act[layer]
        # through relu and lrn unchanged, and through the pools as the file states them
        assert r[layer].ifmap.density == (None if i == 0 else act[order[i - 1]])


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the course seeds (/work/shared/seeds) are not on this machine")
def test_squeezenet_file_is_the_seeds_table():
    text = next(p.read_text() for p in SEEDS.glob("*.txt") if "421,098" in p.read_text())
    rows = {m.group(1): m.group(2).split("\t") for m in re.finditer(r"^(fire\d)\t(.*)$", text, re.M)}
    comp = load_compression("squeezenet_pruned")
    mods = dict(zip([f"fire{k}" for k in range(2, 10)], (3, 4, 5, 7, 8, 9, 10, 12)))
    for mod, i in mods.items():
        pcts = [c for c in rows[mod] if c.endswith("%")]
        assert len(pcts) == 3 and "6bit" in rows[mod]
        for sub, pct in zip(("squeeze", "expand1x1", "expand3x3"), pcts):
            w = comp.stated(f"features.{i}.{sub}").weight
            assert (w.density, w.bits) == (int(pct[:-1]) / 100, 6)


# ---------------------------------------------------------------- densities through the network


def test_resolve_concat_weighted_mean_pool_override_and_own_statement(tmp_path, tiny):
    net = load_workload(tiny)
    f = _comp(tmp_path, """name: t
default: {ifmap: {density_from: producer}}
layers:
  c1: {ofmap: {density: 0.2}}
  c2: {ofmap: {density: 0.6}}
  fc: {ifmap: {density: 0.3}}
""")
    r = resolve(load_compression(f, net), net)
    # cat = 4 channels at 0.2 and 12 at 0.6; the 2x2 pool keeps a window's zero only if all 4
    # inputs are zero, channel by channel: (4 (1 - 0.8^4) + 12 (1 - 0.4^4)) / 16
    assert r["c3"].ifmap.density == pytest.approx((4 * (1 - 0.8**4) + 12 * (1 - 0.4**4)) / 16, rel=1e-12)
    assert r["c3"].ifmap.density_from is None
    assert r["fc"].ifmap.density == 0.3  # the layer's own density wins over the default's density_from
    assert r["c1"].ifmap.density is None and r["c2"].ifmap.density is None  # the network input is dense
    assert set(r) == {"c1", "c2", "c3", "fc"}
    g = _comp(tmp_path, "name: t\nlayers:\n  c1: {ofmap: {density: 0.2}}\n  p: {ofmap: {density: 0.9}}\n", "g.yaml")
    assert resolve(load_compression(g, net), net)["c3"].ifmap.density == 0.9  # a pool's stated output density


def test_workload_layers_may_state_compression(tmp_path, run_cli):
    p = tmp_path / "w.yaml"
    p.write_text(TINY.replace("M: 8, R: 3, S: 3, bias: true}", "M: 8, R: 3, S: 3, bias: true, weight: {density: 0.5, bits: 8, index_bits: 4}}"))
    net = load_workload(p)
    comp = network_compression(net)
    assert comp is not None and comp.stated("c3").weight.density == 0.5 and comp.stated("c1").weight.density is None
    assert network_compression(load_workload(_comp(tmp_path, TINY, "plain.yaml"))) is None
    code, out, err = run_cli("info", p, "--json")
    assert code == 0 and json.loads(out)["totals"]["weights"] == net.totals()["weights"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.replace("M: 8, R: 3, S: 3, bias: true}", "M: 8, R: 3, S: 3, bias: true, weight: {density: 2}}"))
    code, out, err = run_cli("info", bad)
    assert code == 2 and "layer 'c3'" in err and "density" in err and "found 2" in err
    nonmac = tmp_path / "nonmac.yaml"
    nonmac.write_text(TINY.replace("fn: relu, inputs: [c1]}", "fn: relu, inputs: [c1], weight: {density: 0.5}}"))
    code, out, err = run_cli("info", nonmac)
    assert code == 2 and "unknown key 'weight'" in err


# ---------------------------------------------------------------- bad input


BAD = {
    "density zero": ("c1: {weight: {density: 0}}", ["layer 'c1', weight, density", "(0, 1]", "found 0"]),
    "density above one": ("c1: {weight: {density: 1.5}}", ["density", "(0, 1]", "found 1.5"]),
    "bits zero": ("c1: {weight: {bits: 0}}", ["weight, bits", "from 1 to 32", "found 0"]),
    "bits 33": ("c1: {weight: {bits: 33}}", ["bits", "from 1 to 32", "found 33"]),
    "index bits zero": ("c1: {weight: {index_bits: 0}}", ["index_bits", "found 0"]),
    "codebook too big": ("c1: {weight: {bits: 4, codebook: 32}}", ["codebook", "at most 16", "codebook <= 2**bits = 16", "found 32"]),
    "codebook on an ifmap": ("c1: {ifmap: {bits: 8, codebook: 16}}", ["ifmap, codebook", "only weights"]),
    "structure N > M": ("c1: {weight: {structure: '3:2'}}", ["structure", "0 < N <= M", "found '3:2'"]),
    "structure unquoted": ("c1: {weight: {structure: 2:4}}", ["structure", "base-60", "quoted", "found 124"]),
    "structure not N:M": ("c1: {weight: {structure: 'half'}}", ["structure", "'N:M'", "found 'half'"]),
    "density above N/M": ("c1: {weight: {structure: '2:4', density: 0.6}}", ["density", "at most 0.5", "found 0.6"]),
    "index bits too few for N:M": ("c1: {weight: {structure: '1:8', index_bits: 2}}", ["index_bits", "group of 8", ">= ceil(log2 8) = 3", "found 2"]),
    "unknown layer": ("c33: {weight: {density: 0.5}}", ["layer 'c33'", "has no layer 'c33'", "did you mean 'c3'", "found 'c33'"]),
    "unknown key": ("c1: {weight: {densty: 0.5}}", ["layer 'c1', weight", "unknown key 'densty'", "did you mean 'density'"]),
    "unknown data type": ("c1: {psum: {density: 0.5}}", ["layer 'c1'", "unknown key 'psum'", "weight, ifmap, ofmap"]),
    "density_from on a weight": ("c1: {weight: {density_from: producer}}", ["density_from", "only an ifmap"]),
    "density_from and density": ("c1: {ifmap: {density: 0.5, density_from: producer}}", ["both a density and"]),
    "weights of a pool": ("p: {weight: {density: 0.5}}", ["layer 'p'", "maxpool layer", "only its ofmap density"]),
    "mask not npy": ("c1: {weight: {mask: m.txt}}", ["mask", "ending in .npy", "found 'm.txt'"]),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_compression_is_one_paragraph_exit_2(case, tmp_path, tiny, run_cli):
    body, fragments = BAD[case]
    f = _comp(tmp_path, f"name: bad\nlayers:\n  {body}\n")
    out_json = tmp_path / "out.json"
    code, out, err = run_cli("info", tiny, "--compress", f, "--json", out_json)
    assert code == 2, (out, err)
    assert err.startswith("accelsim: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert str(f) in err
    for frag in fragments:
        assert frag in err, (frag, err)
    assert not out_json.exists()


def _mask_case(tmp_path, tiny, run_cli, mask, extra=""):
    np.save(tmp_path / "m.npy", mask)
    f = _comp(tmp_path, f"name: m\nlayers:\n  c1: {{weight: {{mask: m.npy{extra}}}}}\n")
    return run_cli("info", tiny, "--compress", f)


def test_mask_shapes_are_the_documented_ones(tiny):
    net = load_workload(tiny)
    c3, fc = net.layer("c3"), net.layer("fc")
    assert tensor_shape(c3, "weight") == (8, 16, 3, 3)
    assert tensor_shape(c3, "ifmap") == (1, 16, 4, 4)
    assert tensor_shape(c3, "ofmap") == (8, 2, 2)
    assert tensor_shape(fc, "weight") == (10, 8, 2, 2)  # FC: R = H, S = W


def test_mask_errors(tmp_path, tiny, run_cli):
    code, _, err = _mask_case(tmp_path, tiny, run_cli, np.ones((4, 3, 3, 2)))
    assert code == 2 and "wrong shape" in err and "(4, 3, 3, 3)" in err and "(4, 3, 3, 2)" in err
    m = np.ones((4, 3, 3, 3))
    m[0, 0, 0, 0] = 2
    code, _, err = _mask_case(tmp_path, tiny, run_cli, m)
    assert code == 2 and "not 0/1" in err and "found 2" in err
    m = np.zeros((4, 3, 3, 3))
    m.flat[:54] = 1  # density 0.5
    code, _, err = _mask_case(tmp_path, tiny, run_cli, m, ", density: 0.8")
    assert code == 2 and "keeps 0.5000" in err and "0.8" in err
    code, _, err = _mask_case(tmp_path, tiny, run_cli, m, ", density: 0.5")
    assert code == 0
    m = np.zeros((4, 3, 3, 3))
    m[:, :, :, :2] = 1  # per filter C,R,S order: 1 1 0 1 1 0 ...: 2 ones in some groups of 2
    code, _, err = _mask_case(tmp_path, tiny, run_cli, m, ", structure: '1:2'")
    assert code == 2 and "breaks its 1:2 structure" in err


def test_duplicate_keys_and_unknown_names(tmp_path, tiny, run_cli):
    f = _comp(tmp_path, "name: d\nlayers:\n  c1: {weight: {density: 0.5}}\n  c1: {weight: {density: 0.6}}\n")
    code, _, err = run_cli("info", tiny, "--compress", f)
    assert code == 2 and "duplicate key 'c1'" in err and "line 4" in err
    code, _, err = run_cli("info", "alexnet", "--compress", "deep_compresion_alexnet")
    assert code == 2 and "did you mean 'deep_compression_alexnet'" in err
    with pytest.raises(AccelsimError, match="network 'alexnet' has no layer 'features.0'"):
        load_compression("squeezenet_pruned", build("alexnet"))


# ---------------------------------------------------------------- the size model


def _reference_encode(mask: np.ndarray, index_bits: int) -> list[tuple[int, int]]:
    """Deep Compression §2's relative-index encoder, written out: (run, is_filler) entries;
    a run reaching 2**b zeros emits a filler (a stored zero); trailing fillers are dropped."""
    B = 2**index_bits
    out: list[tuple[int, int]] = []
    run = 0
    for v in mask.ravel():
        if v:
            out.append((run, 0))
            run = 0
        else:
            run += 1
            if run == B:
                out.append((B - 1, 1))
                run = 0
    while out and out[-1][1]:
        out.pop()
    return out


def _decode(entries: list[tuple[int, int]], n: int) -> np.ndarray:
    a, pos = np.zeros(n, dtype=bool), -1
    for run, filler in entries:
        pos += run + 1
        a[pos] = not filler
    return a


def test_mask_counts_equal_a_reference_encoder():
    rng = np.random.default_rng(7)
    for trial in range(200):
        n, b = int(rng.integers(1, 300)), int(rng.integers(1, 5))
        mask = rng.random(n) < rng.choice([0.02, 0.1, 0.5, 0.9])
        entries = _reference_encode(mask, b)
        assert all(0 <= r < 2**b for r, _ in entries)
        assert np.array_equal(_decode(entries, n), mask)
        assert mask_entries(mask, b) == (int(mask.sum()), sum(f for _, f in entries))
    assert mask_entries(np.array([0] * 20 + [1] + [0] * 3 + [1] + [0] * 40), 3) == (2, 2)


@pytest.mark.parametrize("n,d,b", [(10, 0.3, 1), (12, 0.1, 2), (9, 0.5, 1), (11, 0.7, 2)])
def test_expected_fillers_equal_enumeration_over_every_mask(n, d, b):
    exact = 0.0
    for bits in itertools.product((0, 1), repeat=n):
        k = sum(bits)
        exact += d**k * (1 - d) ** (n - k) * mask_entries(np.array(bits), b)[1]
    assert expected_fillers(n, d, b) == pytest.approx(exact, rel=1e-12, abs=1e-15)


def test_expected_fillers_against_monte_carlo_and_the_large_n_limit():
    rng = np.random.default_rng(2016)
    n, d, b, trials = 4000, 0.09, 3, 3000
    counts = np.array([mask_entries(rng.random(n) < d, b)[1] for _ in range(trials)])
    mean, se = counts.mean(), counts.std(ddof=1) / math.sqrt(trials)
    assert abs(mean - expected_fillers(n, d, b)) < 4 * se
    r = (1 - d) ** (2**b)
    big = 38_000_000
    assert expected_fillers(big, d, 4) / (big * d) == pytest.approx(((1 - d) ** 16) / (1 - (1 - d) ** 16), rel=1e-5)
    assert r < 1


def test_model_size_of_deep_compression_by_hand():
    net = build("alexnet")
    ms = model_size(net, load_compression("deep_compression_alexnet"))
    assert ms.model_bytes_dense_fp32 == 60_965_224 * 4  # every parameter at 32 bits
    layers = {l.name: l for l in net.layers}
    dens = {"conv1": .84, "conv2": .38, "conv3": .35, "conv4": .37, "conv5": .37, "fc6": .09, "fc7": .09, "fc8": .25}
    total = 0.0
    for name, d in dens.items():
        n, conv = layers[name].weights, name.startswith("conv")
        q16 = (1 - d) ** 16
        j = np.arange(1, (n - 1) // 16 + 1, dtype=np.float64)
        fillers = d * float(np.sum((n - 16 * j) * q16**j))  # vectorised closed form, a second implementation
        bits = (n * d + fillers) * ((8 if conv else 5) + 4) + (256 if conv else 32) * 32 + layers[name].biases * 32
        total += bits
        got = next(l for l in ms.layers if l.name == name)
        assert got.total_bits == pytest.approx(bits, rel=1e-9)
    assert ms.model_bytes == pytest.approx(total / 8, rel=1e-9)


def test_model_size_nm_dense_and_exact_mask(tmp_path, tiny):
    net = load_workload(tiny)
    c3 = net.layer("c3")  # 8 x 16 x 3 x 3 = 1152 weights, 8 biases
    f = _comp(tmp_path, "name: s\nlayers:\n  c3: {weight: {structure: '2:4', bits: 8}}\n  c1: {weight: {density: 0.5, bits: 8}}\n")
    ms = {l.name: l for l in model_size(net, load_compression(f, net)).layers}
    assert ms["c3"].total_bits == 1152 / 2 * (8 + 2) + 8 * 32  # N:M: ceil(log2 4) = 2 index bits, no fillers
    assert ms["c1"].total_bits == 108 * 8 and ms["c1"].format == "dense"  # no index: stored with its zeros
    assert ms["c2"].total_bits == 36 * 32 and ms["fc"].total_bits == (10 * 32 + 10) * 32
    rng = np.random.default_rng(3)
    mask = rng.random((8, 16, 3, 3)) < 0.1
    np.save(tmp_path / "m.npy", mask)
    g = _comp(tmp_path, f"name: m\nlayers:\n  c3: {{weight: {{mask: m.npy, bits: 4, index_bits: 2, density: {mask.mean():.4f}}}}}\n", "g.yaml")
    row = next(l for l in model_size(net, load_compression(g, net)).layers if l.name == "c3")
    entries = _reference_encode(mask, 2)
    assert row.exact and row.nonzeros == int(mask.sum()) and row.fillers == sum(f for _, f in entries)
    assert row.total_bits == len(entries) * (4 + 2) + 8 * 32
    assert c3.biases == 8


def test_info_compress_json_and_table(run_cli, tmp_path):
    out_json = tmp_path / "size.json"
    code, out, err = run_cli("info", "alexnet", "--compress", "deep_compression_alexnet", "--json", out_json)
    assert code == 0 and f"wrote {out_json}" in err
    d = json.loads(out_json.read_text())
    t = d["totals"]
    assert t["model_bytes_dense_fp32"] == 243_860_896
    assert t["model_bytes"] == pytest.approx(sum(l["bytes"] for l in d["layers"]))
    assert [l["name"] for l in d["layers"]] == ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
    code, out, err = run_cli("info", "alexnet", "--compress", "compressions/deep_compression_alexnet.yaml", "--no-color")
    assert code == 0
    assert f"{t['model_bytes_dense_fp32'] / 1e6:,.1f} MB at fp32 -> {t['model_bytes'] / 1e6:,.2f} MB stored" in out
    assert f"{t['compression_ratio']:.1f}x smaller" in out and "Han, Mao, Dally" in out


# ---------------------------------------------------------------- the reproduced claims


@pytest.fixture(scope="module")
def claims():
    from accelsim.reproduce import section

    return {c.id: c for c in section("compression").claims}


def test_deep_compression_total_within_10_percent_and_conv_layers_within_half_a_point(claims):
    c = claims["compression.dc_total"]
    assert c.paper == 3.7 and abs(c.accelsim / 3.7 - 1) <= 0.10 and c.ok
    for k in range(1, 6):
        c = claims[f"compression.dc_conv{k}"]
        assert abs(c.accelsim - c.paper) <= 0.5 and c.ok, c


def test_squeezenet_rows_agree_except_fire8(claims):
    assert claims["compression.sq_before"].accelsim == 1_248_424 and claims["compression.sq_before"].ok
    for mod in ["conv1"] + [f"fire{k}" for k in (2, 3, 4, 5, 6, 7, 9)]:
        c = claims[f"compression.sq_{mod}"]
        assert abs(c.accelsim - c.paper) <= 2 and c.ok, c
    # fire8 by hand: squeeze 384*64 + 64, expand1x1 ceil(64*256*0.5) + 256, expand3x3 ceil(64*256*9*0.33) + 256
    fire8 = 384 * 64 + 64 + 8192 + 256 + math.ceil(147456 * 0.33) + 256
    assert claims["compression.sq_fire8"].accelsim == fire8 == 82_005
    assert "fire8" in claims["compression.sq_total"].note and "+4,424" in claims["compression.sq_fire8"].note
    assert claims["compression.sq_total"].accelsim == 421_098 + 4_424 and claims["compression.sq_total"].ok
    assert claims["compression.sq_conv10"].ok is None  # its density comes from its own row: no test


@pytest.mark.xfail(strict=True, reason="SqueezeNet Table 1 prints 77,581 for fire8 (fire9's figure); its own densities give 82,005 (+4,424)")
def test_squeezenet_fire8_printed_row(claims):
    assert claims["compression.sq_fire8"].ok
