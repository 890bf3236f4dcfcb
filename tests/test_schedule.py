"""The network schedule (accelsim/schedule/): the network-level reference on small nets,
views, fusion rules, feature maps kept on chip, and what a bad config gets."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from accelsim.api import run
from accelsim.engine.problem import Problem
from accelsim.mapping.search import glb_fits
from accelsim.hardware import load_hardware
from accelsim.reference.network import plain_forward, scheduled_forward
from accelsim.schedule import FUSIONS, plan
from accelsim.workload.loader import load_workload

REPO = Path(__file__).resolve().parent.parent
NETS = ("residual_block", "inception_block", "shufflenet_v2_unit", "se_block")


def _net(name: str):
    return load_workload(REPO / "tests" / "data" / "schedule" / f"{name}.yaml")


def _tiles(r) -> dict[str, tuple[int, ...]]:
    """Each conv/fc layer's GLB tile as the run reports it (``glb_tile``: "N1 G1 M16 ...")."""
    return {l.name: tuple(int(part[1:]) for part in l.mapping["glb_tile"].split()) for l in r.layers if l.macs}


def _plan_of(r, net, spec, fusion, batch=1):
    """The run's schedule, planned again from the tiles it reports."""
    return plan(net, spec, fusion, batch, tiles=_tiles(r))


@pytest.fixture(scope="module")
def eyeriss():
    return load_hardware(REPO / "hw_configs" / "eyeriss.yaml")


@pytest.fixture(scope="module")
def edge():
    return load_hardware(REPO / "hw_configs" / "edge_16x16.yaml")


@pytest.mark.parametrize("fusion", FUSIONS)
@pytest.mark.parametrize("name", NETS)
def test_reference_moves_real_tensors_as_scheduled(name, fusion, eyeriss):
    """Real tensors through DRAM and the GLB by the schedule's decisions: the output is
    the plain NumPy forward pass's, the traffic at every layer's boundary is the run's."""
    net = _net(name)
    batch = 2
    r = run(net, eyeriss, fusion=fusion, batch=batch)
    # the run's own schedule, pools settled and tensors placed around the mapped tiles
    sched = _plan_of(r, net, eyeriss, fusion, batch)
    assert sched.to_dict() == r.schedule
    assert [s.role for s in sched.steps] == [l.tensors["role"] for l in r.layers]
    ref = scheduled_forward(net, sched, batch)
    plain = plain_forward(net, batch)
    for name_, value in ref.outputs.items():
        np.testing.assert_array_equal(value, plain[name_])
    for l, layer in zip(r.layers, net.layers):
        t = ref.traffic[l.name]
        dram = l.accesses["DRAM"]
        if l.macs:  # the engine counts the layer's own traffic; the boundary is what the schedule moved
            assert dram["ofmap"]["writes"] == t.writes["DRAM"], l.name
            if t.reads["GLB"]:
                assert dram["ifmap"]["reads"] == 0 and t.reads["DRAM"] == 0, l.name
            else:
                assert dram["ifmap"]["reads"] >= t.reads["DRAM"] > 0, l.name
        else:
            assert dram["ifmap"]["reads"] == t.reads["DRAM"], l.name
            assert dram["ofmap"]["writes"] == t.writes["DRAM"], l.name
            assert l.accesses["GLB"]["ifmap"]["reads"] == t.reads["DRAM"] + t.reads["GLB"], l.name
            assert l.accesses["GLB"]["ofmap"]["writes"] == t.writes["DRAM"] + t.writes["GLB"], l.name
        # what the GLB held while the layer ran never exceeds the schedule's reservation, and that
        # leaves a conv/fc layer's tile room (the mapper's own test), a SIMD layer half the GLB
        assert ref.glb_peak.get(l.name, 0) <= l.tensors["glb_held_words"]
        if l.macs:
            assert glb_fits(Problem.from_shape(layer.shape, batch), sched.spec_for(l.name, eyeriss),
                            dict(zip("NGMCEF", _tiles(r)[l.name]))), l.name
        elif l.tensors["role"] == "simd":
            assert l.tensors["glb_held_words"] <= sched.budget_bits // sched.word_bits or not sched.glb


def test_fusion_levels_are_cumulative_on_the_small_nets(eyeriss):
    """Each level moves no more DRAM data than the one before it, and onchip keeps the
    feature maps of these small nets in the GLB (only the input and output cross DRAM)."""
    for name in NETS:
        net = _net(name)
        dram = [sum(l.level_accesses("DRAM") for l in run(net, eyeriss, fusion=f).layers) for f in FUSIONS]
        assert dram == sorted(dram, reverse=True), (name, dram)
        assert dram[-1] < dram[0], name
        lives = {t["tensor"]: t["lives"] for t in run(net, eyeriss, fusion="onchip").schedule["tensors"]}
        assert lives["input"] == "DRAM"
        assert lives[net.layers[-1].name] == "DRAM"
        assert "GLB" in lives.values()


def test_views_cost_nothing_and_a_copy_config_counts_them(eyeriss):
    net = _net("shufflenet_v2_unit")
    views = run(net, eyeriss, fusion="views")
    for l in views.layers:
        if l.type in ("concat", "slice", "shuffle"):
            assert l.tensors["role"] == "view" and l.cycles == 0 and l.total_energy == 0
            assert all(l.level_accesses(lv) == 0 for lv in ("DRAM", "GLB", "NoC", "RF"))
    copying = replace(eyeriss, simd=replace(eyeriss.simd, views="copy"))
    r = run(net, copying, fusion="views")
    concat = next(l for l in r.layers if l.name == "concat")
    # a real copy: both halves read from DRAM, the concat written back (16 channels of 8×8)
    assert concat.accesses["DRAM"]["ifmap"]["reads"] == 16 * 8 * 8
    assert concat.accesses["DRAM"]["ofmap"]["writes"] == 16 * 8 * 8
    assert any("views" in n and "copy" in n for n in r.notes)


def test_residual_add_is_read_once_and_written_once(eyeriss):
    """--fusion ops: the add reads the shortcut (16×12×12 from DRAM) and the sum leaves
    conv2 once; without fusion the add reads both inputs and writes the sum."""
    net = _net("residual_block")
    none = {l.name: l for l in run(net, eyeriss, fusion="none").layers}
    ops = {l.name: l for l in run(net, eyeriss, fusion="ops").layers}
    words = 16 * 12 * 12
    assert none["add"].accesses["DRAM"]["ifmap"]["reads"] == 2 * words
    assert none["add"].accesses["DRAM"]["ofmap"]["writes"] == words
    assert ops["add"].tensors["role"] == "fused" and ops["add"].tensors["fused_into"] == "conv2"
    assert ops["add"].accesses["DRAM"]["ifmap"]["reads"] == words
    assert ops["add"].accesses["DRAM"]["ofmap"]["writes"] == 0
    assert ops["add"].ops == none["add"].ops == words


def test_pool_fuses_only_when_its_window_fits_the_tile(eyeriss):
    from accelsim.schedule.rules import pool_fits
    from accelsim.workload.ops import MaxPool
    from accelsim.workload.network import NetLayer
    from accelsim.workload.tensor import Tensor, Shape

    conv = Shape(1, 8, 8, 10, 10, 3, 3, 8, 8)
    def pool(k, s, pad=(0, 0, 0, 0)):
        return NetLayer("p", MaxPool(R=k, S=k, stride=s, pad=pad), ("c",), (Tensor(8, 8, 8),), Tensor(8, 8 // s, 8 // s))
    whole = (1, 1, 8, 8, 8, 8)
    assert pool_fits(pool(3, 2, (1, 1, 1, 1)), conv, whole)  # the tile covers the plane
    assert pool_fits(pool(2, 2), conv, (1, 1, 8, 8, 4, 4))  # non-overlapping windows, tile a multiple of 2
    assert not pool_fits(pool(2, 2), conv, (1, 1, 8, 8, 3, 8))  # a window straddles two tiles
    assert not pool_fits(pool(3, 2), conv, (1, 1, 8, 8, 4, 8))  # overlapping windows across tiles


def test_the_room_beside_a_tile_is_exactly_what_the_mappers_fit_test_leaves(eyeriss):
    """room_beside is the largest GLB share a tile leaves: the tile fits the GLB less it,
    and not the GLB less one bit more (the mapper's glb_fits) — with and without double
    buffering; spec_for lends what is held and nothing of the other GLBs."""
    from accelsim.schedule.onchip import room_beside, with_glb_size

    glb = eyeriss.glb("fmap_glb")
    for db in ((), ("ifmap", "ofmap", "psum")):
        spec = replace(eyeriss, glbs=tuple(replace(g, double_buffered=db) if g.name == glb.name else g for g in eyeriss.glbs))
        g = spec.glb("fmap_glb")
        p = Problem.from_shape(_net("inception_block").layer("b2.1").shape, 2)
        for t1 in ((1, 1, 4, 8, 12, 12), (2, 1, 16, 16, 6, 12), (1, 1, 1, 1, 1, 1)):
            room = room_beside(p, spec, g, t1)
            tile = dict(zip("NGMCEF", t1))
            assert 0 < room < g.size_bits
            assert glb_fits(p, with_glb_size(spec, g.name, g.size_bits - room), tile)
            assert not glb_fits(p, with_glb_size(spec, g.name, g.size_bits - room - 1), tile)
    net = _net("inception_block")
    r = run(net, eyeriss, fusion="onchip")
    sched = _plan_of(r, net, eyeriss, "onchip")
    assert sched.step("b2.1").held_words > 0
    lent = sched.spec_for("b2.1", eyeriss)
    assert lent.glb("fmap_glb").size_bits == glb.size_bits - sched.lent_words("b2.1") * 16
    assert lent.glb("filter_glb") == eyeriss.glb("filter_glb")


def test_each_layer_keeps_the_mapping_of_the_whole_glb_and_its_tile_fits_beside_the_held_tensors(eyeriss):
    """Every level runs each conv/fc layer's best mapping on the whole machine (so keeping
    tensors on chip changes no layer's own traffic), and its tile fits the GLB less what
    is held while it runs — on eyeriss and on a GLB small enough to refuse some tensors."""
    from accelsim.mapping.search import best_mapping

    tiny = replace(eyeriss, glbs=tuple(replace(g, size_bits=16 * 12_000) if g.name == "fmap_glb" else g for g in eyeriss.glbs))
    held_somewhere = refused = 0
    for spec in (eyeriss, tiny):
        for name in NETS:
            net = _net(name)
            r = run(net, spec, fusion="onchip")
            sched = _plan_of(r, net, spec, "onchip")
            for l, layer in zip(r.layers, net.layers):
                if not l.macs:
                    continue
                held = l.tensors["glb_held_words"]
                assert sched.lent_words(l.name) == held
                p = Problem.from_shape(layer.shape, 1)
                mine, _ = best_mapping(p, spec, eyeriss_df(spec))
                assert l.mapping["glb_tile"] == mine.describe(eyeriss_df(spec))["glb_tile"], l.name
                assert glb_fits(p, sched.spec_for(l.name, spec), dict(zip("NGMCEF", mine.t1)))
                assert ("glb_beside" in l.mapping) == bool(held)
                held_somewhere += bool(held)
            refused += sum(t["lives"] == "DRAM" and "no room" in t["why"] for t in r.schedule["tensors"])
    assert held_somewhere > 10 and refused > 0


def eyeriss_df(spec):
    from accelsim.dataflow import dataflow_for

    return dataflow_for(spec.dataflow, spec.array.kind)


def test_a_config_that_cannot_keep_tensors_on_chip_says_so():
    """scalesim_32x32 writes outputs to ofmap_sram and reads inputs from ifmap_sram: the
    stated fallback is DRAM for every tensor, with the reason in the notes."""
    spec = load_hardware(REPO / "hw_configs" / "scalesim_32x32.yaml")
    net = _net("residual_block")
    r = run(net, spec, fusion="onchip")
    assert any("two buffers" in n for n in r.notes)
    assert all(t["lives"] != "GLB" for t in r.schedule["tensors"])


def test_no_simd_on_the_output_path_falls_back_with_a_note(eyeriss):
    spec = replace(eyeriss, simd=replace(eyeriss.simd, on_output_path=False))
    net = _net("residual_block")
    r = run(net, spec, fusion="ops")
    add = next(l for l in r.layers if l.name == "add")
    assert add.tensors["role"] == "simd"
    assert any("output path" in n for n in r.notes)


def test_a_glb_too_small_holds_nothing_and_says_so(eyeriss):
    tiny = replace(eyeriss, glbs=tuple(replace(g, size_bits=64 * 16) if g.name == "fmap_glb" else g for g in eyeriss.glbs))
    net = _net("residual_block")
    sched = plan(net, tiny, "onchip", tiles={l.name: (1, 1, 1, 1, 1, 1) for l in net.layers if l.macs})
    assert all(t.home != "GLB" for t in sched.tensors)
    assert any("no tensor" in n for n in sched.notes)
    assert any("no room during conv1" in t.why and "conv1's tile leaves" in t.why for t in sched.tensors)


def test_unknown_fusion_is_a_one_paragraph_error(run_cli):
    code, out, err = run_cli("run", str(REPO / "tests/data/schedule/residual_block.yaml"), "eyeriss", "--fusion", "onchp")
    assert code == 2
    assert "--fusion" in err and "onchip" in err and "Traceback" not in err


def test_the_config_fields_are_checked(tmp_path):
    from accelsim.errors import AccelsimError

    text = (REPO / "hw_configs" / "eyeriss.yaml").read_text().replace("simd:\n  lanes: 4", "simd:\n  lanes: 4\n  views: copie")
    p = tmp_path / "hw.yaml"
    p.write_text(text)
    with pytest.raises(AccelsimError) as e:
        load_hardware(p)
    assert "views" in str(e.value) and "copy" in str(e.value)


def test_reproduce_fusion_claims_from_their_own_runs():
    """The claims' figures against the runs they come from: GoogLeNet's DRAM ratio, the
    concats' zero copy, ResNet-50's G4 speedup as the cycles of its element-wise layers."""
    from accelsim.reproduce.fusion import ELEMENTWISE, fused_run, section

    sec = section()
    c = {x.id: x for x in sec.claims}
    none = sum(l.level_accesses("DRAM") for l in fused_run("googlenet", "eyeriss", "none").layers)
    onchip = sum(l.level_accesses("DRAM") for l in fused_run("googlenet", "eyeriss", "onchip").layers)
    assert c["fusion.googlenet_dram"].accelsim == onchip / none and c["fusion.googlenet_dram"].ok
    assert c["fusion.googlenet_concat"].accelsim == 0
    r = fused_run("resnet50", "eyeriss", "none")
    ew = sum(l.cycles for l in r.layers if l.type in ELEMENTWISE)
    total = sum(l.cycles for l in r.layers)
    assert ew > 0 and c["fusion.g4_speedup"].accelsim == total / (total - ew) - 1
    assert all(x.ok is not False for x in sec.claims)


def test_the_figure_splits_each_layers_dram_into_between_and_inside(eyeriss):
    """The bars read back: per layer, between + inside = the layer's DRAM accesses in
    each run; the add's bar under none is its two inputs and its output (3 × 16×12×12)."""
    from accelsim.report.fusion import fusion_traffic

    net = _net("residual_block")
    none, onchip = run(net, eyeriss, fusion="none"), run(net, eyeriss, fusion="onchip")
    fig = fusion_traffic(onchip, none)
    labels = fig.accelsim_labels
    for r, key in ((none, "none"), (onchip, "onchip")):
        dram = {l.name: l.level_accesses("DRAM") for l in r.layers}
        for name, (between, inside) in zip(labels, fig.accelsim_bars[key]):
            assert between + inside == dram[name] and between >= 0 and inside >= 0, (key, name)
    add = labels.index("add")
    assert fig.accelsim_bars["none"][add] == (3 * 16 * 12 * 12, 0)
    assert fig.accelsim_bars["onchip"][add] == (0, 0)
    # conv1 reads its input from the GLB and writes its output there: only its weights cross DRAM
    conv1 = labels.index("conv1")
    assert fig.accelsim_bars["onchip"][conv1] == (0, next(l for l in onchip.layers if l.name == "conv1").accesses["DRAM"]["weight"]["reads"])


def test_cycles_of_layers_beside_tensors_on_chip_are_the_cycle_references():
    """A conv whose input is kept on chip is not filled from DRAM, one whose output stays
    on chip writes nothing back: their cycles are the clocked reference model's
    (accelsim/reference/cycles.py) with those tensors crossing DRAM at 0 bits, not the
    engine's cycles with the fetches (an upper bound); with --fusion none, the reference's
    on the plain machine."""
    from accelsim.dataflow import DATAFLOWS
    from accelsim.mapping.search import best_mapping
    from accelsim.reference.cycles import Machine, simulate_cycles
    from accelsim.workload.loader import workload_from_dict

    conv = {"type": "conv", "M": 4, "R": 3, "S": 3, "pad": 1}
    net = workload_from_dict({"name": "two", "input": {"C": 3, "H": 6, "W": 6}, "layers": [
        {"name": "c1", "inputs": ["input"], **conv}, {"name": "r1", "type": "activation", "fn": "relu", "inputs": ["c1"]},
        {"name": "c2", "inputs": ["r1"], **conv}, {"name": "r2", "type": "activation", "fn": "relu", "inputs": ["c2"]}]})
    # a DRAM slow enough that the fills and write-backs show in the cycles
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    spec = replace(spec, dram=replace(spec.dram, read_bw=spec.dram.read_bw / 8, write_bw=spec.dram.write_bw / 8))
    df = DATAFLOWS["rs"]
    none = {l.name: l for l in run(net, spec, "rs", fusion="none").layers}
    onchip = {l.name: l for l in run(net, spec, "rs", fusion="onchip").layers}
    assert [a["lives"] for a in onchip["c1"].tensors["outputs"]] == ["GLB"]
    assert [a["lives"] for a in onchip["c2"].tensors["inputs"]] == ["GLB"]
    rng = np.random.default_rng(5)
    plain = Machine.from_spec(spec)
    for name, zero in (("c1", "ofmap"), ("c2", "ifmap")):
        layer = net.layer(name)
        p = Problem.from_shape(layer.shape, 1)
        m = best_mapping(p, spec, df)[0]
        w = rng.integers(-3, 4, (1, 4, layer.shape.C, 3, 3))
        x = rng.integers(-3, 4, (1, 1, layer.shape.C, 6, 6))
        ref = simulate_cycles(p, df, m, plain, w, x)
        assert (none[name].cycles, none[name].stall_cycles) == (ref.cycles, ref.stall_cycles), name
        beside = simulate_cycles(p, df, m, replace(plain, dram_bits={**plain.bits, zero: 0}), w, x)
        assert (onchip[name].cycles, onchip[name].stall_cycles) == (beside.cycles, beside.stall_cycles), name
        assert beside.cycles < ref.cycles, name
