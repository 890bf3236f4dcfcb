"""The expected-value compression model (accelsim/engine/sparse.py, docs/engine.md §9),
each rule against something independent: hand arithmetic, a Monte-Carlo count over real
NumPy masks (with a stated statistical bound), Horowitz's published energies, and the
dense engine itself at density 1."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import accelsim
from accelsim.compress.spec import Compression, LayerCompression, TensorCompression as T
from accelsim.engine.sparse import bits_per_element, expected_max_binomial, fillers_per_nonzero, imbalance
from accelsim.errors import AccelsimError
from accelsim.hardware import hardware_from_dict
from accelsim.hardware.sparse import BitsLaw, Format
from accelsim.paths import REPO
from accelsim.workload import load_workload
from accelsim.yamlio import load_yaml

EYERISS = load_yaml(REPO / "hw_configs" / "eyeriss.yaml")


def machine(sparse: dict | None, rows: int = 12, cols: int = 14):
    d = copy.deepcopy(EYERISS)
    d["array"] = {"rows": rows, "cols": cols, "kind": "spatial"}
    if sparse is None:
        d.pop("sparse", None)
    else:
        d["sparse"] = sparse
    return hardware_from_dict(d, "test.yaml")


def one_layer(**shape):
    s = {"M": 16, "R": 3, "S": 3, "pad": 1, **shape}
    from accelsim.workload.loader import workload_from_dict

    return workload_from_dict(
        {"name": "one", "input": {"C": 8, "H": 14, "W": 14}, "layers": [{"name": "conv", "type": "conv", "inputs": ["input"], **s}]},
        "one.yaml",
    )


def comp(**tensors) -> Compression:
    return Compression("c", default=LayerCompression(**{k: T(**v) for k, v in tensors.items()}))


# ---------------------------------------------------------------- formats by hand


def test_bitmask_bits_by_hand():
    # a quarter of 16-bit values kept, one mask bit per element: 0.25 * 16 + 1 = 5 bits
    assert bits_per_element(Format("bitmask"), 0.25, 16, None, 9) == (0.25, 5.0)
    # at density 0.95 a bitmask would cost 16.2 bits: the tensor is stored dense
    assert bits_per_element(Format("bitmask"), 0.95, 16, None, 9) == (1.0, 16.0)


def test_rle_and_coordinate_bits_by_hand():
    # Eyeriss RLC at density 1/2: fillers q^32/(1-q^32) with q = 1/2; pairs of 64/3 bits
    rho = 0.5**32 / (1 - 0.5**32)
    assert bits_per_element(Format("rle", 5, 3, 64), 0.5, 16, None, 9) == pytest.approx((0.5, 0.5 * (1 + rho) * 64 / 3), rel=1e-15)
    # coordinate with 4-bit relative indices, 8-bit values, density 0.1: q^16 / (1 - q^16) fillers
    q16 = 0.9**16
    assert bits_per_element(Format("coordinate"), 0.1, 8, 4, 9)[1] == pytest.approx(0.1 * (1 + q16 / (1 - q16)) * 12)
    # csr over fibers of 288 weights (9 index bits) with a 32-bit pointer each
    assert bits_per_element(Format("csr"), 0.1, 8, None, 288)[1] == pytest.approx(0.1 * (8 + 9) + 32 / 288)


def _rle_entries(mask: np.ndarray, run_bits: int) -> int:
    """Pairs of a run-length code of a 0/1 stream, written out: a non-zero is one pair, a
    run of zeros longer than the field holds is broken by filler pairs."""
    limit = 2**run_bits - 1
    pairs, run = 0, 0
    for v in mask:
        if v:
            pairs += 1
            run = 0
        else:
            run += 1
            if run > limit:  # a filler pair: `limit` zeros and a zero value
                pairs += 1
                run = 0
    return pairs


@pytest.mark.parametrize("density,run_bits", [(0.3, 2), (0.05, 4), (0.6, 1)])
def test_rle_fillers_match_a_real_encoding(density, run_bits):
    rng = np.random.default_rng(11)
    n = 200_000
    mask = rng.random(n) < density
    nz = int(mask.sum())
    measured = _rle_entries(mask, run_bits) / nz - 1
    expected = fillers_per_nonzero(density, run_bits)
    # the filler count is a sum over ~nz independent gaps, each floor(g / 2^r) geometric
    # (variance ≤ E[x²]); 5 standard errors of the mean
    q = (1 - density) ** (2**run_bits)
    var = q * (1 + q) / (1 - q) ** 2
    assert abs(measured - expected) <= 5 * math.sqrt(var / nz) + 2 / nz


# ---------------------------------------------------------------- load imbalance


@pytest.mark.parametrize("n,k,pes", [(40, 0.5, 12), (300, 0.2, 168), (9, 0.9, 4)])
def test_expected_max_binomial_against_monte_carlo(n, k, pes):
    rng = np.random.default_rng(5)
    draws = rng.binomial(n, k, size=(100_000, pes)).max(axis=1)
    # 5 standard errors of the Monte-Carlo mean
    assert abs(expected_max_binomial(n, k, pes) - draws.mean()) <= 5 * draws.std() / math.sqrt(draws.size)


def test_imbalance_limits():
    assert imbalance(100, 0.5, 1) == 1.0  # one PE waits for nobody
    assert imbalance(100, 1.0, 168) == 1.0  # nothing skipped, nothing uneven
    assert imbalance(1, 0.5, 168) == pytest.approx(1 / 0.5 * (1 - 0.5**168))  # any of 168 coins: max is 1
    assert 1.0 < imbalance(300_000, 0.4, 168) < 1.01  # the normal limit beyond the exact range


# ---------------------------------------------------------------- bit widths


def test_mac_energy_law_against_horowitz():
    # Horowitz ISSCC'14, 45 nm (COMPRESSION.md §6): 8-bit int mult 0.2 pJ, 32-bit 3.1 pJ.
    # The product law scales the multiplier share by bw*bi: from 32x32 to 8x8 it predicts
    # 3.1 / 16 = 0.194 pJ, within 3.2 % of the measured 0.2 pJ.
    law = BitsLaw(mac="product", mult_share=1.0)
    assert abs(3.1 * law.mac_factor(8, 8, 32, 32) / 0.2 - 1) < 0.035
    # with the adder kept (default share 0.94): a 16x16 MAC at 8x8 costs 0.94/4 + 0.06
    assert BitsLaw().mac_factor(8, 8, 16, 16) == pytest.approx(0.94 / 4 + 0.06)
    assert BitsLaw(mac="none").mac_factor(4, 4, 16, 16) == 1.0


# ---------------------------------------------------------------- the PE


def test_gating_by_hand():
    spec = machine({"zeros": {"handling": "gating", "operands": ["ifmap"]}})
    net = one_layer()  # 16 filters 8x3x3 over 14x14 with padding 1: 225,792 MACs
    dense = accelsim.run(net, spec)
    half = accelsim.run(net, spec, compress=comp(ifmap={"density": 0.5}))
    d, c = dense.layers[0], half.layers[0]
    assert d.macs == 16 * 8 * 14 * 14 * 9 == 225_792
    # 40 of the 42 (e, r) pairs read a real row (e=0,r=0 and e=13,r=2 read padding), and 40
    # of 42 (f, s) pairs a real column: 225,792 * 1600/1764 = 204,800 MACs on real inputs.
    # Padding is not a zero of the tensor: half the MACs on real inputs are gated.
    on_real = 204_800
    assert c.compressed["macs_gated"] == pytest.approx(on_real / 2, rel=1e-12) and c.compressed["macs_skipped"] == 0
    assert c.compressed["macs_effectual"] == pytest.approx(on_real / 2, rel=1e-12)
    assert c.energy["MAC"] == pytest.approx(225_792 - on_real / 2, rel=1e-12)  # MAC = 1 (ISCA'16 Table IV)
    # the other operand's RF reads and the psum updates are gated; the watched ifmap is still read
    share = (225_792 - on_real / 2) / 225_792
    assert c.accesses["RF"]["weight"]["reads"] == pytest.approx(d.accesses["RF"]["weight"]["reads"] * share, rel=1e-12)
    assert c.accesses["RF"]["psum"]["reads"] == pytest.approx(d.accesses["RF"]["psum"]["reads"] * share, rel=1e-12)
    assert c.accesses["RF"]["ifmap"]["reads"] == d.accesses["RF"]["ifmap"]["reads"]
    assert c.accesses["RF"]["weight"]["writes"] == d.accesses["RF"]["weight"]["writes"]  # fills unchanged
    # no format: every level above the PE moves what it moved dense; the cycles are spent
    for lv in ("DRAM", "GLB", "NoC"):
        for t in ("weight", "ifmap", "psum", "ofmap"):
            assert c.accesses[lv][t]["reads"] == d.accesses[lv][t]["reads"]
    assert c.cycles == d.cycles


def test_skipping_on_one_pe_halves_the_compute():
    # a 1x1 array: no imbalance; a compute-bound layer (the DRAM rate made huge)
    spec_d = copy.deepcopy(EYERISS)
    spec_d.pop("sparse")
    spec_d["array"] = {"rows": 1, "cols": 1, "kind": "spatial"}
    spec_d["dram"] = {"word_bits": 16, "bw": 10_000}
    spec_d["sparse"] = {"zeros": {"handling": "skipping", "operands": ["weight", "ifmap"]}}
    spec = hardware_from_dict(spec_d, "one_pe.yaml")
    net = one_layer(M=4, pad=0)  # no padding: every MAC reads a real input
    dense = accelsim.run(net, spec, dataflow="ws")
    c = accelsim.run(net, spec, dataflow="ws", compress=comp(weight={"density": 0.5}, ifmap={"density": 0.5})).layers[0]
    d = dense.layers[0]
    assert c.compressed["macs_skipped"] == d.macs * 0.75
    assert c.compressed["load_imbalance"] == 1.0
    compute_d = d.cycles - d.stall_cycles
    compute_c = c.cycles - c.stall_cycles
    # each GLB tile's compute cycles x 1/4, rounded up per tile: within one cycle per tile
    assert compute_d / 4 <= compute_c <= compute_d / 4 + d.cycles  # loose upper end: per-tile rounding
    assert compute_c == pytest.approx(compute_d / 4, rel=0.01)


def test_narrow_weights_are_packed():
    spec = machine(None)
    net = one_layer()
    d = accelsim.run(net, spec).layers[0]
    c = accelsim.run(net, spec, compress=comp(weight={"bits": 8})).layers[0]
    # the same elements move; two 8-bit weights share each 16-bit access: half the energy
    assert c.accesses["DRAM"]["weight"]["reads"] == d.accesses["DRAM"]["weight"]["reads"]
    assert c.accesses["DRAM"]["weight"]["bytes"] == d.accesses["DRAM"]["weight"]["reads"] * 1.0
    assert c.compressed["dense"]["accesses"]["DRAM"]["weight"]["bytes"] == d.accesses["DRAM"]["weight"]["reads"] * 2.0


def test_formats_shrink_traffic_by_hand():
    spec = machine({"formats": {"DRAM": {"ifmap": "bitmask"}, "GLB": {"weight": "bitmask"}}})
    net = one_layer()
    d = accelsim.run(net, spec).layers[0]
    c = accelsim.run(net, spec, compress=comp(ifmap={"density": 0.25}, weight={"density": 0.5})).layers[0]
    r = d.accesses["DRAM"]["ifmap"]["reads"]
    assert c.accesses["DRAM"]["ifmap"]["reads"] == r * 0.25  # the non-zeros move ...
    assert c.accesses["DRAM"]["ifmap"]["bytes"] == r * 5 / 8  # ... with a mask bit each: 5 bits
    g = d.accesses["GLB"]["weight"]["reads"] + d.accesses["GLB"]["weight"]["writes"]
    assert c.accesses["GLB"]["weight"]["bytes"] == pytest.approx(g * 9 / 8)  # 0.5 * 16 + 1 bits
    # DRAM weights are dense (no format there): unchanged
    assert c.accesses["DRAM"]["weight"]["reads"] == d.accesses["DRAM"]["weight"]["reads"]


# ---------------------------------------------------------------- density 1 is the dense model


ONES = Compression("ones", default=LayerCompression(T(density=1.0), T(density=1.0), T(density=1.0)))


def _same(dense, comp_run):
    for a, b in zip(dense.layers, comp_run.layers):
        assert (a.macs, a.cycles, a.stall_cycles) == (b.macs, b.cycles, b.stall_cycles), a.name
        assert a.energy == b.energy and a.energy_by_type == b.energy_by_type, a.name
        for lv in a.accesses:
            for t in a.accesses[lv]:
                assert (a.accesses[lv][t]["reads"], a.accesses[lv][t]["writes"]) == (b.accesses[lv][t]["reads"], b.accesses[lv][t]["writes"])
        assert b.compressed["dense"]["energy"] == a.energy


@pytest.mark.parametrize("config", ["eyeriss", "edge_16x16", "tpu_v1", "shidiannao", "scalesim_32x32"])
def test_density_one_gives_the_dense_numbers_on_the_zoo(config):
    from accelsim.workload.zoo import ZOO

    for name in ZOO:
        net = accelsim.paths.resolve_workload(name)
        # at the realistic level, where views, fused pools and adds and tensors held on chip
        # all occur (a compressed run applies every level: tests/test_sparse_network.py)
        _same(accelsim.run(net, config, fusion="onchip"), accelsim.run(net, config, compress=ONES, fusion="onchip"))


# ---------------------------------------------------------------- bad hardware input


@pytest.mark.parametrize(
    "sparse,words",
    [
        ({"formats": {"RF": {"weight": "bitmask"}}}, "unknown key 'RF'"),
        ({"formats": {"DRAM": {"weight": "zip"}}}, "zip"),
        ({"formats": {"NoC": {"ofmap": "bitmask"}}}, "on the way to the GLB"),
        ({"formats": {"DRAM": {"ifmap": {"kind": "rle", "pairs_per_word": 4, "word_bits": 64}}}}, "do not fit in their word"),
        ({"formats": {"DRAM": {"ifmap": {"kind": "bitmask", "run_bits": 4}}}}, "has no 'run_bits'"),
        ({"zeros": {"handling": "gating", "operands": ["psum"]}}, "list of operands"),
        ({"zeros": {"handling": "gating", "skip_cycles": 1}}, "handling: skipping"),
        ({"bits": {"mult_share": 1.5}}, "share in [0, 1]"),
    ],
)
def test_bad_sparse_sections(sparse, words):
    with pytest.raises(AccelsimError) as e:
        machine(sparse)
    assert words in str(e.value) and "test.yaml" in str(e.value) and "sparse" in str(e.value)


def test_pairs_too_wide_for_the_compressed_values():
    # 3 pairs of (5-bit run + 32-bit value) do not fit a 64-bit word
    spec = machine({"formats": {"DRAM": {"ifmap": {"kind": "rle", "pairs_per_word": 3, "word_bits": 64}}}})
    with pytest.raises(AccelsimError) as e:
        accelsim.run(one_layer(), spec, compress=comp(ifmap={"bits": 32, "density": 0.5}))
    assert "layer 'conv'" in str(e.value) and "3 x (5 + 32)" in str(e.value)


def test_narrow_elements_let_larger_tiles_fit():
    """The mapper sizes a compressed layer's tiles for no zeros at the stated widths: with
    8-bit weights and ifmaps a GLB of 1 KiB holds tiles that 16-bit elements overflow."""
    from accelsim.engine.problem import Problem
    from accelsim.mapping.search import glb_fits

    d = copy.deepcopy(EYERISS)
    d.pop("sparse")
    d["glbs"] = [{"name": "glb", "holds": ["weight", "ifmap", "psum", "ofmap"], "size": "1 KiB", "bw": 16}]
    spec = hardware_from_dict(d, "small_glb.yaml")
    net = one_layer(M=32)
    narrow = comp(weight={"bits": 8}, ifmap={"bits": 8}, ofmap={"bits": 8})
    r = accelsim.run(net, spec, compress=narrow).layers[0]
    assert "tiles sized for the stated widths" in r.mapping["chosen_by"]
    from accelsim.api import _resolve  # noqa: F401  (the same machine the run used)

    p = Problem.from_shape(net.layers[0].shape, 1)
    eight = spec.with_element_bits({"weight": 8, "ifmap": 8, "ofmap": 8})
    tiles = [t for t in _glb_tiles_of(r.mapping)]
    assert glb_fits(p, eight, tiles[0]) and not glb_fits(p, spec, tiles[0])


def _glb_tiles_of(mapping: dict) -> list[dict[str, int]]:
    """The GLB tile of a mapping as its description names it ("N1 G1 M8 C8 E14 F14")."""
    import re

    return [{k: int(v) for k, v in re.findall(r"([NGMCEF])(\d+)", mapping["glb_tile"])}]


def test_compression_figure_bars_are_the_results_energies():
    from accelsim.report.compression import compression_figure

    data = accelsim.run("alexnet", "eyeriss", compress=comp(weight={"density": 0.3}, ifmap={"density": 0.5})).to_dict()
    fig = compression_figure(data)
    ax, tot = fig.axes[0], fig.axes[1]
    bars = [b for b in tot.patches]
    dense = math.fsum(b.get_height() for b in bars if not b.get_hatch())
    compressed = math.fsum(b.get_height() for b in bars if b.get_hatch())
    assert dense == pytest.approx(data["totals"]["dense"]["energy_total"], rel=1e-9)
    assert compressed == pytest.approx(data["totals"]["energy_total"], rel=1e-9)
    # one dense and one compressed stack of five parts per conv/fc layer
    assert len(ax.patches) == 2 * 5 * sum(1 for l in data["layers"] if l["macs"])
    assert [t.get_text() for t in ax.get_xticklabels()] == [l["name"] for l in data["layers"] if l["macs"]]


def test_structured_weights_skip_without_imbalance():
    """2:4 weights keep exactly half of every four: skipping them leaves every PE the same
    work (λ = 1), where the same density unstructured leaves the busiest PE more."""
    d = copy.deepcopy(EYERISS)
    d["sparse"] = {"zeros": {"handling": "skipping", "operands": ["weight"]}}
    spec = hardware_from_dict(d, "skip.yaml")
    net = one_layer(M=32)
    nm = accelsim.run(net, spec, compress=comp(weight={"structure": (2, 4)})).layers[0]
    rnd = accelsim.run(net, spec, compress=comp(weight={"density": 0.5})).layers[0]
    assert nm.compressed["load_imbalance"] == 1.0 < rnd.compressed["load_imbalance"]
    assert nm.compressed["macs_skipped"] == rnd.compressed["macs_skipped"] == nm.macs / 2
    assert nm.cycles <= rnd.cycles


def test_a_workload_may_state_its_own_compression(tmp_path):
    """The compression keys in a workload's layers are applied by `run` without --compress."""
    from accelsim.workload.loader import workload_from_dict

    layers = [{"name": "conv1", "type": "conv", "inputs": ["input"], "M": 16, "R": 3, "S": 3, "pad": 1,
               "weight": {"density": 0.5, "bits": 8}}, {"name": "fc", "type": "fc", "inputs": ["conv1"], "M": 10}]
    net = workload_from_dict({"name": "tinyc", "input": {"C": 3, "H": 8, "W": 8}, "layers": layers}, str(tmp_path / "tinyc.yaml"))
    r = accelsim.run(net, machine(None))
    assert r.compression is not None and "stated in the workload" in r.compression["name"]
    conv = r.layers[0]
    assert conv.compressed["compression"]["weight"] == {"density": 0.5, "bits": 8}
    # 8-bit weights: half the bytes of the dense weights at DRAM
    assert conv.accesses["DRAM"]["weight"]["bytes"] == conv.accesses["DRAM"]["weight"]["reads"] * 1.0
    assert accelsim.run(one_layer(), machine(None)).compression is None  # the zoo's dense layers state nothing


def test_a_compressed_report_and_its_json_round_trip(tmp_path, run_cli):
    """`run --compress --out` draws the dense-vs-compressed figure; `plot` redraws it from
    result.json alone, whose expected counts (floats) and dense twins load back as written."""
    from accelsim.report.load import load_result

    out = tmp_path / "rep"
    code, _, _ = run_cli("run", "alexnet", "eyeriss", "--compress", "deep_compression_alexnet", "--out", out, "--quiet")
    assert code == 0 and (out / "compression.png").exists() and 'id="fig-compression"' in (out / "report.html").read_text()
    back = load_result(str(out / "result.json"))
    fresh = accelsim.run("alexnet", "eyeriss", compress="deep_compression_alexnet")
    assert back.totals()["energy_total"] == pytest.approx(fresh.totals()["energy_total"], rel=1e-12)
    assert back.totals()["dense"]["energy_total"] == pytest.approx(fresh.totals()["dense"]["energy_total"], rel=1e-12)
    assert back.layers[0].accesses["DRAM"]["ifmap"]["bytes"] == fresh.layers[0].accesses["DRAM"]["ifmap"]["bytes"]
    code, _, _ = run_cli("plot", out / "result.json", "--out", tmp_path / "again", "--quiet")
    assert code == 0 and (tmp_path / "again" / "compression.png").exists()


def test_static_energy_is_charged_over_the_compressed_runs_cycles():
    """A table with energy per cycle (pe_static ...) charges a compressed layer for its own
    cycles: at density 1 it is the dense layer exactly; with 8-bit weights on a DRAM-bound
    layer the cycles shrink and the static energy with them, cycles × 0.8 × PEs."""
    d = copy.deepcopy(EYERISS)
    d["energy"] = {"table": "eyeriss", "costs": {"pe_static": 0.8}}
    spec = hardware_from_dict(d, "static.yaml")
    net = one_layer()
    dense = accelsim.run(net, spec).layers[0]
    ones = accelsim.run(net, spec, compress=comp(weight={"density": 1.0}, ifmap={"density": 1.0})).layers[0]
    assert ones.energy == dense.energy and ones.cycles == dense.cycles
    narrow = accelsim.run(net, spec, compress=comp(weight={"bits": 8}, ifmap={"bits": 8})).layers[0]
    no_static = accelsim.run(net, machine(None), compress=comp(weight={"bits": 8}, ifmap={"bits": 8})).layers[0]
    assert narrow.cycles == no_static.cycles
    assert narrow.energy["MAC"] - no_static.energy["MAC"] == pytest.approx(narrow.cycles * 0.8 * 168, rel=1e-12)


def test_the_compression_tables_print_the_runs_sums(run_cli, monkeypatch):
    """The side-by-side table of `run --compress`: its totals are the sums of the layers'
    figures (dense and compressed), its per-layer rows the conv/fc layers with the most
    dense energy, and every line fits a 100-column terminal."""
    from accelsim.console import si

    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run_cli("run", "alexnet", "eyeriss", "--compress", "deep_compression_alexnet", "--fusion", "none")
    assert code == 0
    r = accelsim.run("alexnet", "eyeriss", compress="deep_compression_alexnet", fusion="none")
    dense = math.fsum(l.compressed["dense"]["energy_total"] for l in r.layers)
    comp_e = math.fsum(l.total_energy for l in r.layers)
    row = next(ln for ln in out.splitlines() if ln.startswith("energy, total"))
    assert row.split()[2:4] == [si(dense).split()[0], si(dense).split()[1]] and si(comp_e) in row
    assert f"{comp_e / dense:.2f}×" in row
    by_dense = sorted((l for l in r.layers if l.macs), key=lambda l: -l.compressed["dense"]["energy_total"])
    shown = [ln.split()[0] for ln in out.split("conv/fc layers with the most dense energy")[1].splitlines()[3:11]]
    assert sorted(shown) == sorted(l.name for l in by_dense[:12])
    tail = out.split("dense and compressed (")[1]
    assert all(len(ln) <= 100 for ln in tail.splitlines())
