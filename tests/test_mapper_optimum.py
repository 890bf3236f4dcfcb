"""The full search (mapping/full.py: full_search_mapping) against the whole space
(mapping/space.py) scored mapping by mapping.

1. On small layers the search returns exactly the exhaustive optimum of the whole space —
   every GLB tile size, every DRAM loop order, every layout, spatial factor and RF extent,
   each mapping scored by the engine (evaluate.score), no bound used — for energy, latency
   and EDP, on spatial and systolic arrays: the same mapping (ties: the first in the
   space's order), not just the same score.
2. The bounds the search prunes with never exceed the engine's figure: the cycle bound
   (engine/bound.py: cycles_bound_bw) under the timeline's cycles, the MACs over the PEs the
   spatial factors occupy under the compute cycles, on random mappings of real configs.
3. The space's DRAM loop orders in canonical form (single-tile dims outermost) are the
   same mappings: every count and the cycles equal under the order drawn.
4. Every mapping the space yields passes the checks a pinned mapping must pass.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from accelsim.dataflow import dataflow_for
from accelsim.engine import kernel as K
from accelsim.engine.bound import cycles_bound_bw, energy_bound, lower_bound, lower_bound_walked
from accelsim.engine.evaluate import cost_vector, evaluate, machine_arrays, run_kernel, score
from accelsim.engine.tiles import walk_tiles_loops
from accelsim.engine.problem import DIMS, Problem
from accelsim.hardware import load_hardware
from accelsim.hardware.spec import ArraySpec
from accelsim.mapping import search as S
from accelsim.mapping import space as SP
from accelsim.mapping.mapping import TILE_DIMS

from conftest import REPO

SMALL = Problem(N=1, G=1, M=3, C=2, E=3, F=2, R=2, S=2, H=4, W=3, U=1, D=1, pt=0, pl=0)
SPLIT = Problem(N=1, G=1, M=4, C=2, E=2, F=2, R=1, S=1, H=2, W=2, U=1, D=1, pt=0, pl=0)  # M's 4 tiles split 2 x 2
STRIDED = Problem(N=1, G=1, M=2, C=2, E=2, F=2, R=3, S=3, H=4, W=4, U=2, D=1, pt=1, pl=1)


def _tiny(config: str, glb_bits: int = 1024):
    """A shipped config on a 2 × 3 array with GLBs of at most ``glb_bits`` (some tiles do not fit)."""
    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    return replace(
        spec,
        array=ArraySpec(2, 3, spec.array.kind),
        glbs=tuple(replace(g, size_bits=min(g.size_bits, glb_bits)) for g in spec.glbs),
    )


CASES = [
    ("eyeriss", "rs", SMALL),
    ("eyeriss", "ws", SMALL),
    ("eyeriss", "os", SMALL),
    ("eyeriss", "is", SMALL),
    ("eyeriss", "nlr", SMALL),
    ("eyeriss", "rs", STRIDED),
    ("eyeriss", "ws", SPLIT),
    ("eyeriss", "os", SPLIT),
    ("edge_16x16", "ws", SMALL),
    ("tpu_v1", "ws", SMALL),
    ("tpu_v1", "os", SMALL),
]


@pytest.mark.parametrize("config,dataflow,p", CASES)
def test_full_search_finds_the_exhaustive_optimum(config, dataflow, p):
    spec = _tiny(config)
    df = dataflow_for(dataflow, spec.array.kind)
    space = list(SP.enumerate_space(p, spec, df))
    assert len(space) > 100 and len(set(space)) == len(space)
    if dataflow == "rs":  # the space holds RS's PE sets (search.SETS): filters beside E on the columns, where E could fill them
        assert 2 * p.E > spec.array.cols and any("M" in m.cols and m.sp[DIMS.index("M")] > 1 for m in space)
    for objective in ("energy", "latency", "edp"):
        scores = [score(p, spec, df, m, objective) for m in space]
        best = space[int(np.argmin(scores))]  # the first of the least
        found = S.full_search_mapping(p, spec, df, objective)
        assert found == best, (objective, score(p, spec, df, found, objective), min(scores))
        # the optimum of the whole space is at least as good as the fixed enumeration's pick
        assert min(scores) <= score(p, spec, df, S.search_mapping(p, spec, df, objective), objective)


def _random_mappings(config: str, n: int):
    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    rng = np.random.default_rng(7)
    layers = [
        Problem(N=1, G=1, M=16, C=8, E=7, F=7, R=3, S=3, H=9, W=9, U=1, D=1, pt=0, pl=0),
        Problem(N=2, G=1, M=24, C=6, E=5, F=5, R=3, S=3, H=10, W=10, U=2, D=1, pt=1, pl=1),
        Problem(N=1, G=1, M=40, C=64, E=1, F=1, R=1, S=1, H=1, W=1, U=1, D=1, pt=0, pl=0),
    ]
    for p in layers:
        for dfn in spec.dataflows:
            df = dataflow_for(dfn, spec.array.kind)
            for m in SP.random_mappings(p, spec, df, rng, n, max_tiles=64):
                yield spec, df, p, m


@pytest.mark.parametrize("config", ["eyeriss", "edge_16x16", "tpu_v1"])
def test_cycle_bounds_are_under_the_timeline(config):
    n = splits = 0
    for spec, df, p, m in _random_mappings(config, 6):
        cost = evaluate(p, spec, df, m)
        keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
        t1, order, *_ = m.arrays(df)
        if m.dram_loops:  # a split nest: its own DRAM walk
            lb = lower_bound_walked(p.as_array(), t1, walk_tiles_loops(p.as_array(), t1, *m.dram_loop_arrays(p))[0], keep,
                                    len(df.rf_order), df.uses_rf)
            splits += 1
        else:
            lb = lower_bound(p.as_array(), t1, order, keep, len(df.rf_order), df.uses_rf)
        bound = cycles_bound_bw(lb, spec.pes, *machine_arrays(spec))
        assert bound - 1.0 <= cost.cycles, (m, bound, cost.cycles)
        assert energy_bound(lb, cost_vector(spec)) <= cost.total_energy * (1 + 1e-9), m
        assert p.macs / np.prod(m.sp) <= cost.compute_cycles, m
        n += 1
    assert n >= 30 and (splits >= 3 or config == "tpu_v1")  # tpu_v1's GLB holds these layers in too few tiles to split


@pytest.mark.parametrize("config", ["eyeriss", "tpu_v1"])
def test_canonical_orders_are_the_same_mapping(config):
    rng = np.random.default_rng(3)
    for spec, df, p, m in _random_mappings(config, 3):
        b = dict(zip(DIMS, p.bounds))
        single = [d for d, t in zip(TILE_DIMS, m.t1) if -(-b[d] // t) == 1]
        tiled = [d for d in m.dram_order if d not in single]
        # the single-tile dims at random places among the tiled ones, kept in their order
        slots = sorted(rng.choice(6, size=len(single), replace=False).tolist())
        order, it, ix = [], iter(tiled), iter(rng.permutation(single).tolist() if single else [])
        for k in range(6):
            order.append(next(ix) if k in slots else next(it))
        order = "".join(order)
        assert SP.canonical_order(order, m.t1, b) == m.dram_order
        other = replace(m, dram_order=order)
        systolic = spec.array.kind == "systolic"
        r1, r2 = run_kernel(p, df, m, systolic)[0], run_kernel(p, df, other, systolic)[0]
        np.testing.assert_array_equal(r1[: K.N_OUT], r2[: K.N_OUT])
        assert evaluate(p, spec, df, m).cycles == evaluate(p, spec, df, other).cycles


def test_space_mappings_pass_the_pinned_checks():
    spec = _tiny("eyeriss")
    for dfn in ("rs", "ws"):
        df = dataflow_for(dfn, spec.array.kind)
        for m in SP.enumerate_space(STRIDED, spec, df):
            t1 = dict(zip(TILE_DIMS, m.t1))
            t1["R"], t1["S"] = STRIDED.R, STRIDED.S
            sp = dict(zip(DIMS, m.sp))
            assert S.glb_fits(STRIDED, spec, t1) and S.rf_fits(STRIDED, spec, df, dict(zip(DIMS, m.t3)))
            assert np.prod([sp[d] for d in m.rows]) <= spec.array.rows
            assert np.prod([sp[d] for d in m.cols]) <= spec.array.cols
            assert sorted(m.dram_order) == sorted(TILE_DIMS)


def test_unknown_search_is_refused():
    from accelsim.api import run
    from accelsim.errors import AccelsimError

    with pytest.raises(AccelsimError) as e:
        run("alexnet", "eyeriss", search="fulll")
    assert "--search" in str(e.value) and "did you mean 'full'" in str(e.value)


@pytest.mark.parametrize("config,dataflow", [("eyeriss", "rs"), ("tpu_v1", "ws")])
def test_random_draws_are_mappings_of_the_space(config, dataflow):
    """space.random_mappings draws only mappings of the space (each one enumerate_space
    yields), reaches most of it on a small layer, and is the same on a second run."""
    spec = _tiny(config)
    df = dataflow_for(dataflow, spec.array.kind)
    space = set(SP.enumerate_space(SMALL, spec, df))
    drawn = SP.random_mappings(SMALL, spec, df, np.random.default_rng(5), 1200)
    assert len(drawn) == 1200 and set(drawn) <= space
    assert len(set(drawn)) >= len(space) // 6, (len(set(drawn)), len(space))
    assert SP.random_mappings(SMALL, spec, df, np.random.default_rng(5), 1200) == drawn


def test_latency_search_finds_eyeriss_pe_sets(monkeypatch):
    """RS PE sets in the fast search (search.SETS, ROOM): for AlexNet CONV1 at batch 4 on
    `eyeriss` the latency pick puts filters beside E on the columns, as the chip does
    (JSSC'17 Fig. 5: t = 2), and reads the ifmap from the GLB as often as the chip's shape
    does — the closed form of tests/test_free_spatial.py (4 · 3 · 3 · (4·35 + 3·35 + 31) ·
    (119 + 115)) — in fewer cycles than the search's pick without PE sets."""
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = dataflow_for("rs", spec.array.kind)
    p = Problem(N=4, G=1, M=96, C=3, E=55, F=55, R=11, S=11, H=227, W=227, U=4, D=1, pt=0, pl=0)
    m = S.search_mapping(p, spec, df, "latency")
    sp = dict(zip(DIMS, m.sp))
    assert "M" in m.cols and sp["M"] > 1 and sp["E"] > 1, m
    cost = evaluate(p, spec, df, m)
    assert cost.accesses["GLB"]["ifmap"]["reads"] == 4 * 3 * 3 * (4 * 35 + 3 * 35 + 31) * (119 + 115)
    monkeypatch.setattr(S, "SETS", False)
    without = S.search_mapping(p, spec, df, "latency")
    assert "M" not in without.cols and cost.cycles < evaluate(p, spec, df, without).cycles


def test_os_space_spreads_filters_where_the_reference_model_agrees():
    """Issue 19's free spatial dims in the space: OS (E rows, F columns) also lays the
    filters M beside the pixels on either axis, where the pixels could fill it; each such
    mapping of the space is one the engine counts exactly as the reference model's
    literal walk does (the space keeps only those whose PEs' shares of M are whole where
    M has an RF extent above a keep level: space.counted)."""
    from accelsim.reference.check import engine_differs

    spec = _tiny("eyeriss")
    df = dataflow_for("os", spec.array.kind)
    assert SP.layouts_of(SMALL, spec, df)[1:] == [(("E", "M"), ("F",)), (("E",), ("F", "M"))]
    spread = [m for m in SP.enumerate_space(SMALL, spec, df) if m.sp[DIMS.index("M")] > 1]
    assert spread and all(m.unsupported_rf_loop(df, SMALL) is None for m in spread)
    # M3 spread over 2 PEs with 2 filters each leaves one PE a share of 1: not counted, not in the space
    assert not any(m.t3[DIMS.index("M")] > 1 and m.t1[TILE_DIMS.index("M")] % 2 for m in spread)
    rng = np.random.default_rng(11)
    for i in rng.choice(len(spread), 12, replace=False):
        assert engine_differs(SMALL, df, spread[i]) == {}, spread[i]


# mappings of the space found by the random search of benchmarks/mapper_quality.py (seed 0,
# 20,000 draws) that the full search's descent missed (by 5.2 %, 13.5 %, 13.2 %) before its
# repair and refill moves: the full search must come within issue 20's goal of each
# (latency 5 %; it is 0.9996, 1.00001 and 0.992 of them)
BEATEN = [
    ("eyeriss", "ws", "resnet50", "layer3.1.conv2", "latency",
     dict(t1=(1, 1, 42, 8, 14, 14), dram_order="NGEFMC", sp=(1, 1, 14, 3, 1, 1, 1, 1), t3=(1, 1, 1, 1, 2, 3, 3, 3))),
    ("eyeriss", "ws", "vgg16", "features.19", "latency",
     dict(t1=(1, 1, 56, 5, 28, 10), dram_order="NGEMFC", sp=(1, 1, 14, 5, 1, 1, 1, 1), t3=(1, 1, 1, 1, 11, 4, 3, 3))),
    ("edge_16x16", "rs", "alexnet", "conv1", "latency",
     dict(t1=(1, 1, 96, 3, 55, 2), dram_order="NGMCEF", sp=(1, 1, 4, 1, 14, 1, 4, 1), t3=(1, 1, 3, 1, 1, 2, 1, 11))),
]


@pytest.mark.parametrize("config,dataflow,net,layer,objective,found", BEATEN)
def test_full_search_beats_what_the_random_search_found(config, dataflow, net, layer, objective, found):
    from accelsim.mapping.mapping import Mapping
    from accelsim.workload.zoo import build

    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    df = dataflow_for(dataflow, spec.array.kind)
    p = Problem.from_shape(next(x.shape for x in build(net).layers if x.name == layer), 1)
    rows, cols = S.spatial_dims(p, df)
    other = Mapping(df.name, rows=rows, cols=cols, **found)
    t1 = dict(zip(TILE_DIMS, other.t1))
    t1["R"], t1["S"] = p.R, p.S
    assert S.glb_fits(p, spec, t1) and S.rf_fits(p, spec, df, dict(zip(DIMS, other.t3))) and SP.counted(p, df, other)
    goal = {"energy": 0.02, "latency": 0.05}[objective]
    assert score(p, spec, df, S.full_search_mapping(p, spec, df, objective), objective) <= (1 + goal) * score(p, spec, df, other, objective)
