"""Issue 5's invariants on the whole sweep: every zoo network × every shipped config ×
every dataflow the config's array runs, batch 1, mapping search included.

Each run is made once (a module-scoped fixture) and every check reads it. The expected
values are independent of the engine: the MAC closed form N·M·E·F·(C/G)·R·S from the
layer's shape, unique footprints counted from sets of coordinates, the energy rebuilt by
hand from the access counts and the config's energy table, and NLR — the dataflow with no
local reuse — on the same hardware and the same GLB tiling.

NLR as the upper bound: DRAM traffic depends only on the GLB tiling (the tile sizes and
the DRAM loop order, docs/engine.md §3), so at the same tiling every dataflow moves exactly
NLR's DRAM data; the mapper picks each dataflow's tiling for its own energy, so a dataflow
may accept more DRAM traffic than NLR's choice to save on-chip energy, and the bound is
checked at the same tiling. GLB traffic at the same tiling is at most NLR's (the least
over NLR's spatial options) for every dataflow on every layer, except RS on a 1×1 output
(FC layers, 1×1 maps): its PE-set columns span output rows, so one column is left and
it may exceed NLR's (by 0.2 %; README, "Differences"). OS, whose array also spans output
pixels, spreads the filters over the idle PEs there (mapping/search.py: spatial_layouts),
and stays under less one closed-form term: the RF iterations its fixed per-PE extent
costs on a partial last tile of filters (os_edge_ifmap_reads).
"""
from __future__ import annotations

import math

import pytest

from accelsim.api import run
from accelsim.dataflow import DATAFLOWS, dataflow_for
from accelsim.engine.evaluate import accesses_from, kernel_totals
from accelsim.engine.problem import DIMS, Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S
from accelsim.mapping.mapping import TILE_DIMS, Mapping
from accelsim.workload.ops import FC, Conv
from accelsim.workload.zoo import ZOO, build

from conftest import REPO

CONFIGS = sorted(p.stem for p in (REPO / "hw_configs").glob("*.yaml"))
LEVELS = ("DRAM", "GLB", "NoC", "RF")


@pytest.fixture(scope="module")
def sweep():
    nets = {n: build(n) for n in ZOO}
    out = {}
    for c in CONFIGS:
        spec = load_hardware(REPO / "hw_configs" / f"{c}.yaml")
        for n, net in nets.items():
            for df in spec.dataflows:
                # each layer with its tensors through DRAM, as the closed forms below bound it
                # (the schedule's levels: tests/test_schedule_zoo.py)
                out[c, n, df] = run(net, spec, df, fusion="none")
    return {"nets": nets, "specs": {c: load_hardware(REPO / "hw_configs" / f"{c}.yaml") for c in CONFIGS}, "runs": out}


def _pairs(sweep, config):
    for (c, n, df), r in sweep["runs"].items():
        if c == config:
            yield n, df, r, sweep["nets"][n]


def test_the_sweep_covers_every_network_config_and_dataflow(sweep):
    for c, spec in sweep["specs"].items():
        assert spec.dataflows, c
        for n in ZOO:
            for df in spec.dataflows:
                assert (c, n, df) in sweep["runs"]
    assert len({n for _, n, _ in sweep["runs"]}) == len(ZOO) >= 17
    assert {df for _, _, df in sweep["runs"]} == set(DATAFLOWS)


def touched_pixels(s) -> int:
    """Input pixels some window reads (padding excluded; a stride-2 window may skip rows)."""
    pt, pl = s.pad[0], s.pad[2]
    rows = {e * s.U - pt + r * s.dilation for e in range(s.E) for r in range(s.R)} & set(range(s.H))
    cols = {f * s.U - pl + q * s.dilation for f in range(s.F) for q in range(s.S)} & set(range(s.W))
    return s.C * len(rows) * len(cols)


@pytest.mark.parametrize("config", CONFIGS)
def test_counts_against_closed_forms(sweep, config):
    spec = sweep["specs"][config]
    for n, df, r, net in _pairs(sweep, config):
        assert len(r.layers) == len(net.layers)
        for res, layer in zip(r.layers, net.layers):
            where = (config, n, df, layer.name)
            for lv in LEVELS:
                for t, rw in res.accesses[lv].items():
                    assert rw["reads"] >= 0 and rw["writes"] >= 0, (*where, lv, t)
            assert res.cycles >= 0 and res.stall_cycles >= 0, where
            if not isinstance(layer.op, (Conv, FC)):
                assert res.macs == 0, where
                continue
            s = layer.shape
            assert res.macs == s.M * s.E * s.F * (s.C // s.G) * s.R * s.S, where  # batch 1
            dram = res.accesses["DRAM"]
            assert dram["weight"]["reads"] >= s.M * (s.C // s.G) * s.R * s.S, where
            assert dram["ifmap"]["reads"] >= touched_pixels(s), where
            assert dram["ofmap"]["writes"] >= s.M * s.E * s.F, where
            assert res.cycles >= math.ceil(res.macs / spec.pes), where


@pytest.mark.parametrize("config", CONFIGS)
def test_energy_is_counts_times_costs(sweep, config):
    """Σ count × cost, rebuilt from the access table and the config's energy table."""
    spec = sweep["specs"][config]
    costs = spec.energy.costs

    def cost(action: str, t: str) -> float:
        return costs.get(f"{action}.{t}", costs.get(action, 0.0))

    for n, df, r, net in _pairs(sweep, config):
        for res in r.layers:
            a = res.accesses
            e = res.macs * costs.get("mac", 0.0) + res.ops * costs.get("simd_op", 0.0)
            for t in ("weight", "ifmap", "psum", "ofmap"):
                e += a["RF"][t]["reads"] * cost("rf_read", t) + a["RF"][t]["writes"] * cost("rf_write", t)
                e += (a["NoC"][t]["reads"] + a["NoC"][t]["writes"]) * cost("noc_transfer", t)
                buf = spec.glb_for(t)
                if buf is not None:
                    e += a["GLB"][t]["reads"] * cost(f"{buf.name}_read", t)
                    e += a["GLB"][t]["writes"] * cost(f"{buf.name}_write", t)
                e += a["DRAM"][t]["reads"] * cost("dram_read", t) + a["DRAM"][t]["writes"] * cost("dram_write", t)
            assert math.fsum(res.energy.values()) == pytest.approx(e, rel=1e-9, abs=1e-9), (config, n, df, res.name)


def _traffic(acc, level: str) -> int:
    return sum(v["reads"] + v["writes"] for v in acc[level].values())


@pytest.mark.parametrize("config", [c for c in CONFIGS if "nlr" in load_hardware(REPO / "hw_configs" / f"{c}.yaml").dataflows])
def test_nlr_is_the_upper_bound_at_the_same_tiling(sweep, config):
    checked, failures = nlr_bound_failures(sweep["specs"][config], sweep["nets"])
    assert not failures
    assert checked > 500


def nlr_bound_failures(spec, nets) -> tuple[int, list[tuple]]:
    """NLR's DRAM and GLB traffic at each dataflow's own GLB tiling, for every conv/fc
    shape of ``nets`` (name -> Network) on ``spec``: (pairs checked, failures). Also run by
    benchmarks/invariants_efficientnet.py over EfficientNet B1–B7."""
    nlr = DATAFLOWS["nlr"]
    checked, failures = 0, []
    for name, net in nets.items():
        shapes = {Problem.from_shape(l.shape, 1) for l in net.layers if isinstance(l.op, (Conv, FC))}
        for p in sorted(shapes, key=lambda q: q.bounds):
            nlr_rows, nlr_cols = S.spatial_dims(p, nlr)
            for dfn in spec.dataflows:
                if dfn == "nlr":
                    continue
                df = dataflow_for(dfn, spec.array.kind)
                m, cost = S.best_mapping(p, spec, df)  # the run's own choice (remembered)
                t1 = dict(zip(TILE_DIMS, m.t1))
                t1["R"], t1["S"] = p.R, p.S
                glb = []
                for sp in S.spatial_options(p, nlr, spec.array.rows, spec.array.cols):
                    for t3 in S.t3_options(p, spec, nlr, t1, sp):
                        mm = Mapping("nlr", m.t1, m.dram_order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), nlr_rows, nlr_cols)
                        acc = accesses_from(kernel_totals(p, nlr, mm))
                        # DRAM traffic is the tiling's alone: equal, so NLR's bounds it
                        if acc["DRAM"] != cost.accesses["DRAM"]:
                            failures.append((name, dfn, p, "DRAM"))
                        glb.append(_traffic(acc, "GLB"))
                # OS on a 1×1 output: less its partial-tile RF iterations (closed form below)
                edge = os_edge_ifmap_reads(p, m) if dfn == "os" and p.E * p.F == 1 else 0
                if (p.E * p.F > 1 or dfn != "rs") and _traffic(cost.accesses, "GLB") - edge > min(glb):
                    failures.append((name, dfn, p, "GLB", _traffic(cost.accesses, "GLB"), min(glb), edge))
                checked += 1
    return checked, failures


def os_edge_ifmap_reads(p: Problem, m: Mapping) -> int:
    """The ifmap GLB reads OS spends on a 1×1 output (an fc) beyond a schedule that
    re-balances each partial GLB tile over the array, in closed form.

    OS keeps t3_M outputs per PE and passes over M in steps of sp_M·t3_M; every RF
    iteration over M reads the C·G ifmap values once (broadcast to the active PEs). A GLB
    tile of m filters so reads C·G·t3_M·⌈m/(sp_M·t3_M)⌉; spreading that tile's m over the
    sp_M PEs instead (⌈m/sp_M⌉ iterations, what NLR, with no RF, does) reads
    C·G·⌈m/sp_M⌉. The two agree on a full tile when t3_M = ⌈t1_M/sp_M⌉, and differ on the
    partial last tile: EfficientNet-B6's classifier (M = 1000, C = 2304) on edge_16x16
    keeps t1_M = 84 = 16 × 6 − 12, and its last tile of 76 takes 6 iterations, not
    ⌈76/16⌉ = 5: exactly C reads over NLR's (test_os_fc_partial_tile_closed_form)."""
    t1m, spm, t3m = m.t1[TILE_DIMS.index("M")], m.sp[DIMS.index("M")], m.t3[DIMS.index("M")]
    full, last = divmod(p.M, t1m)

    def extra(x: int) -> int:
        return t3m * math.ceil(x / (spm * t3m)) - math.ceil(x / spm) if x else 0

    return p.G * p.C * (full * extra(t1m) + extra(last))


def test_os_fc_partial_tile_closed_form():
    """EfficientNet-B6's classifier on edge_16x16, one of the three layers of B1–B7 where OS
    exceeds NLR's GLB traffic at the same tiling (B7's there and B3's on eyeriss are the
    others, each by C; benchmarks/invariants_efficientnet.py sweeps them all): both counts in
    closed form. The GLB sees, for either dataflow, each
    weight written once from DRAM and read once (M·C each), the ifmap written once (C: the
    tile holds all of C and the DRAM loop keeps it over the M tiles), each output written
    once and read out once (M each), and the ifmap reads: OS ⌈M/84⌉·6·C (12 tiles of 6 RF
    iterations, the last tile's 76 filters on 13 rows), NLR C·(11·⌈84/16⌉ + ⌈76/16⌉) (C over
    16 rows, M over 16 columns, no RF). The difference is C, which os_edge_ifmap_reads
    gives; so it is OS's fixed RF extent over a partial tile, and the invariant, not the
    model, is what was wrong: 'OS stays under NLR' holds once that term is set aside."""
    spec = load_hardware(REPO / "hw_configs" / "edge_16x16.yaml")
    M, C = 1000, 2304
    p = Problem(N=1, G=1, M=M, C=C, E=1, F=1, R=1, S=1, H=1, W=1)
    os_df, nlr = dataflow_for("os", spec.array.kind), DATAFLOWS["nlr"]
    t1 = (1, 1, 84, C, 1, 1)
    mo = Mapping("os", t1, "NGMEFC", (1, 1, 16, 1, 1, 1, 1, 1), (1, 1, 6, C, 1, 1, 1, 1), ("E", "M"), ("F",))
    mn = Mapping("nlr", t1, "NGMEFC", (1, 1, 16, 16, 1, 1, 1, 1), (1,) * 8, ("C",), ("M",))
    ao, an = accesses_from(kernel_totals(p, os_df, mo)), accesses_from(kernel_totals(p, nlr, mn))
    rest = 2 * M * C + C + 2 * M
    os_reads = math.ceil(M / 84) * 6 * C
    nlr_reads = C * ((M // 84) * math.ceil(84 / 16) + math.ceil((M % 84) / 16))
    assert (ao["GLB"]["ifmap"]["reads"], an["GLB"]["ifmap"]["reads"]) == (os_reads, nlr_reads) == (165_888, 163_584)
    assert (_traffic(ao, "GLB"), _traffic(an, "GLB")) == (rest + os_reads, rest + nlr_reads)
    assert ao["DRAM"] == an["DRAM"]
    assert os_edge_ifmap_reads(p, mo) == os_reads - nlr_reads == C
    # and that is the mapping the mapper picks for OS there (B6's classifier: 2304 → 1000,
    # layer for layer as torchvision's in test_zoo.py)
    assert S.best_mapping(p, spec, os_df)[0] == mo
