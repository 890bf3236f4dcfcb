"""The mapper's shortcuts change no result.

0. kernel.layer_totals (like GLB tiles counted once per class) equals the tile-by-tile
   kernel.layer_detail (itself held to the set-based oracle in test_engine_counts.py).
1. accelsim/engine/bound.py's lower bound is under the kernel's count in every slot, for
   random small layers and arbitrary mappings of every dataflow (spatial and systolic).
2. The pruned search (bounds skip GLB tiles that cannot win) picks exactly the mapping the
   exhaustive search (every candidate counted) picks, on real layers, every dataflow of
   several configs, all three objectives.
3. Layers of the same shape are searched once: a run gives each the same result as a
   search from scratch.
4. The per-candidate bound (bound.spread_bound: the deliveries the spatial factors force)
   is under the kernel's count in every slot on random mappings, and the search's energy
   bound of every candidate of small real layers is under its score, on a spatial and a
   systolic machine, at the native widths and at 8 bits.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.api import run
from accelsim.dataflow import DATAFLOWS, dataflow_for
from accelsim.engine import kernel as K
from accelsim.engine.bound import OUT_TILES, energy_bound, lower_bound, spread_bound, spread_tiles
from accelsim.engine.evaluate import cost_vector, evaluate
from accelsim.engine.problem import DIMS, Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S
from accelsim.workload.ops import FC, Conv
from accelsim.workload.zoo import build
from strategies import ALL_DATAFLOWS, candidates, small_problems

from conftest import REPO

@st.composite
def mapped(draw):
    df, systolic = draw(st.sampled_from(ALL_DATAFLOWS))
    p = draw(small_problems(max_u=2, max_pad=1, max_hw=6))
    t1, sp, t3 = draw(candidates(df, p))
    order = draw(st.permutations("NGMCEF"))
    return df, systolic, p, t1, order, sp, t3


@settings(max_examples=300, deadline=None)
@given(mapped())
def test_bound_is_under_every_count(case):
    df, systolic, p, t1, order, sp, t3 = case
    keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
    t1a = np.array(t1, np.int64)
    oa = np.array(["NGMCEF".index(d) for d in order], np.int64)
    axis = np.array([1 if d in df.rows else 2 if d in df.cols else 0 for d in DIMS], np.int64)
    args = (
        p.as_array(), t1a, oa, np.array([sp[d] for d in DIMS], np.int64), np.array([t3[d] for d in DIMS], np.int64),
        np.array([DIMS.index(d) for d in df.pass_order], np.int64), np.array([DIMS.index(d) for d in df.rf_order], np.int64),
        keep, df.uses_rf, axis, systolic,
    )
    res = K.layer_detail(*args)[0]
    # the mapper's totals (each class of like tiles counted once) equal the tile-by-tile walk
    np.testing.assert_array_equal(K.layer_totals(*args), res)
    lb = lower_bound(p.as_array(), t1a, oa, keep, len(df.rf_order), df.uses_rf)
    slots = [k for k in range(K.N_OUT) if lb[k] > res[k]]
    assert not slots, [(k, int(lb[k]), int(res[k])) for k in slots]
    assert lb[OUT_TILES] <= res[K.GLB_WP] + res[K.GLB_WO]
    # the bounds that are exact closed forms
    for k in (K.MACS, K.DRAM_RW, K.DRAM_RI, K.DRAM_RP, K.DRAM_WP, K.DRAM_WO, K.RFR_W, K.RFR_I, K.RFR_P, K.RFW_P):
        assert lb[k] == res[k], k
    costs = np.abs(np.random.default_rng(len(order)).normal(size=K.N_OUT))
    assert energy_bound(lb, costs) <= float(np.dot(res[: K.N_OUT].astype(np.float64), costs)) * (1 + 1e-12)
    # the candidate's own bound: every slot still under the count, none under the tiling's
    kept = [df.uses_rf and df.keep_level(t) < len(df.rf_order) for t in ("weight", "ifmap")]
    sb = spread_bound(lb, p.bounds, tuple(t1), tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), *kept)
    slots = [k for k in range(K.N_OUT) if sb[k] > res[k] or sb[k] < lb[k]]
    assert not slots, [(k, int(lb[k]), int(sb[k]), int(res[k])) for k in slots]


@pytest.mark.parametrize("b,t,sp,t3", [(7, 3, 2, 1), (7, 3, 4, 2), (5, 5, 3, 2), (9, 4, 1, 3), (6, 6, 8, 1)])
def test_spread_tiles_counts_the_pes_given_a_share(b, t, sp, t3):
    """The PEs along a dim that get part of each GLB tile, counted one by one: PE q of pass
    k starts at k·sp·t3 + q·t3 of the tile and has a share when that is inside it."""
    n = 0
    for lo in range(0, b, t):
        x = min(t, b - lo)
        n += len({q for k in range(-(-x // (sp * t3))) for q in range(sp) if k * sp * t3 + q * t3 < x})
    assert spread_tiles(b, t, sp, t3) == n


@pytest.mark.parametrize("config,network", [("eyeriss", "squeezenet1_1"), ("tpu_v1", "mobilenet_v2")])
def test_candidate_bound_is_under_every_score(config, network):
    """The search's bound of one candidate (its tiling's, plus _Bound.spread) against the
    score of every candidate of a few small layers, dense and at 8-bit weights and ifmaps
    (the compressed run's second search), every dataflow of the machine."""
    native = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    ps = sorted(_layers(network, 40), key=lambda p: p.macs)[:3]
    checked = 0
    for spec in (native, native.with_element_bits({"weight": 8, "ifmap": 8})):
        for name in spec.dataflows:
            df = dataflow_for(name, spec.array.kind)
            for p in ps:
                bound, score = S._Bound(p, spec, df, "energy"), S._Scorer(p, spec, df, "energy")
                for m in S.candidates(p, spec, df):
                    t1 = dict(zip("NGMCEF", m.t1))
                    extra = bound.spread(m.t1, m.dram_order, m.sp, m.t3)
                    assert extra >= 0
                    # the search's sum is the energy of bound.spread_bound's slots
                    kept = [df.uses_rf and df.keep_level(t) < len(df.rf_order) for t in ("weight", "ifmap")]
                    lb = lower_bound(p.as_array(), np.array(m.t1, np.int64), np.array(["NGMCEF".index(d) for d in m.dram_order],
                                     np.int64), bound.keep, bound.n_rf, df.uses_rf)
                    sb = spread_bound(lb, p.bounds, m.t1, m.sp, m.t3, *kept)
                    assert energy_bound(sb, bound.costs) == pytest.approx(bound(t1, m.dram_order, 0.0, extra), rel=1e-12)
                    assert bound(t1, m.dram_order, 0.0, extra) <= score(m) * (1 + 1e-12), (name, p, m)
                    checked += 1
    assert checked > 100


def _layers(network: str, k: int, batch: int = 1) -> list[Problem]:
    ps = [Problem.from_shape(l.shape, batch) for l in build(network).layers if isinstance(l.op, (Conv, FC))]
    ps = list(dict.fromkeys(ps))
    step = max(1, len(ps) // k)
    return ps[::step][:k]


@pytest.mark.parametrize(
    "config,network,objective",
    [
        ("eyeriss", "alexnet", "energy"),
        ("eyeriss", "mobilenet_v2", "energy"),
        ("eyeriss", "googlenet", "latency"),
        ("edge_16x16", "resnet50", "edp"),
        ("tpu_v1", "squeezenet1_1", "energy"),
        ("shidiannao", "shufflenet_v2_x1_0", "latency"),
    ],
)
def test_pruned_search_equals_exhaustive(config, network, objective):
    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    batch = 4 if network == "alexnet" else 1
    for name in spec.dataflows:
        df = dataflow_for(name, spec.array.kind)
        for p in _layers(network, 5, batch):
            assert S.search_mapping(p, spec, df, objective) == S.exhaustive_mapping(p, spec, df, objective), (name, p)


def test_repeated_shapes_get_the_result_of_a_fresh_search():
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    net = build("resnet18")
    r = run(net, spec, "rs", fusion="none")  # each layer's own counts, its tensors through DRAM
    df = DATAFLOWS["rs"]
    seen = set()
    for res, layer in zip(r.layers, net.layers):
        if not isinstance(layer.op, (Conv, FC)):
            continue
        p = Problem.from_shape(layer.shape, 1)
        if p in seen:
            continue
        seen.add(p)
        fresh = evaluate(p, spec, df, S.exhaustive_mapping(p, spec, df))
        assert res.accesses == fresh.accesses and res.cycles == fresh.cycles, layer.name
    assert len(seen) < sum(isinstance(l.op, (Conv, FC)) for l in net.layers)  # some shapes repeat


def test_cost_vector_is_what_the_bound_assumes():
    for cfg in sorted((REPO / "hw_configs").glob("*.yaml")):
        assert (cost_vector(load_hardware(cfg)) >= 0).all(), cfg.name


def test_dram_tiling_ranking_counts_a_bypassed_type():
    """With weights in no GLB (they stream DRAM -> NoC), the DRAM-tiling ranking of the
    fast search counts their streamed reads: the tiles picked per order have the least DRAM
    traffic plus weight stream (at least the tile's weights once per N E F tile: the closed form
    G·M·C·R·S·⌈N/Tn⌉⌈E/Te⌉⌈F/Tf⌉ of the layer, priced as DRAM reads by the energy table) of every
    maximal grid tile under their order, that stream is under the engine's DRAM weight reads
    of a mapping of the tile, and here it changes a pick the DRAM traffic alone would make."""
    from dataclasses import replace

    from accelsim.engine.tiles import walk_tiles

    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    nb = replace(spec, glbs=tuple(g for g in spec.glbs if "weight" not in g.holds))
    p = Problem(N=4, G=1, M=96, C=48, E=27, F=27, R=5, S=5, H=31, W=31, U=1, D=1, pt=0, pl=0)
    grid = S._maximal_tiles(p, nb)
    read = nb.energy.total({"dram_read.weight": 1})
    costs = cost_vector(nb)[K.DRAM_RW : K.DRAM_WO + 1]
    assert costs[0] == 0  # the GLB fill of weights, which a bypassed type does not have

    def dram(t, order):
        r = walk_tiles(p.as_array(), np.array(t, np.int64), np.array(["NGMCEF".index(d) for d in order], np.int64))
        return float(np.dot(r[:5].astype(np.float64), costs))

    def stream(t):
        n, _, _, _, e, f = t
        return p.G * p.M * p.C * p.R * p.S * -(-p.N // n) * -(-p.E // e) * -(-p.F // f) * read

    picks = S._dram_tilings(p, nb)[0]
    changed = False
    for k, (t1, order) in enumerate(picks):
        t = tuple(t1[d] for d in "NGMCEF")
        values = sorted(dram(g, order) + stream(g) for g in grid.tolist())
        rank = k % S.DRAM_TILES  # the DRAM_TILES least of each order, least first
        assert dram(t, order) + stream(t) == pytest.approx(values[rank], rel=1e-12), order
        alone = grid.tolist()[int(np.argmin([dram(g, order) for g in grid.tolist()]))]
        changed |= rank == 0 and stream(tuple(alone)) > stream(t)
        df = DATAFLOWS["rs"]
        m = next(c for c in S.candidates(p, nb, df) if c.t1 == t)
        reads = evaluate(p, nb, df, m).accesses["DRAM"]["weight"]["reads"]
        assert stream(t) <= reads * read
    assert changed
