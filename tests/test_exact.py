"""The exact sparse mode (accelsim/engine/exact.py) against the reference models moving
real sparse tensors:

- the oracle (accelsim/reference/oracle.py) walks every transfer and MAC with real sets of
  elements and counts the non-zeros each moves and the MACs a zero gates or skips: the
  engine's exact counts must equal its literal counts, every dataflow, spatial and systolic;
- the clocked model (accelsim/reference/cycles.py) steps the machine with real numbers whose
  zeros are the masks', skipping MACs PE by PE and moving bitmask-coded flows at their
  bits: the engine's cycles, stalls and compute cycles must equal its clock, and its output
  the NumPy convolution;
- with every mask all ones the exact mode is the dense model, counts and cycles.
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from accelsim.compress.spec import LayerCompression
from accelsim.dataflow import DATAFLOWS, SYSTOLIC
from accelsim.engine.exact import LayerMasks, exact_evaluate
from accelsim.hardware.sparse import Format, SparseSpec, ZeroHandling
from accelsim.reference.cycles import Machine, simulate_cycles
from test_cycles_reference import cases, numpy_conv
from test_sparse_reference import PAIRS as REF_PAIRS

PAIRS = {**REF_PAIRS, "rf_write_psum_done": ("RF", "psum", "writes")}  # (reference counter, level, type, reads|writes)
LEVELS3 = ("DRAM", "GLB", "NoC")


@st.composite
def sparse_cases(draw, df, kind):
    p, spec, m = draw(cases(df, kind))
    handlings = ("none", "gating", "skipping") if kind == "spatial" else ("none", "gating")
    handling = draw(st.sampled_from(handlings))
    operands = draw(st.sampled_from((("weight",), ("ifmap",), ("weight", "ifmap"))))
    skip = draw(st.sampled_from((0.0, 0.5, 1.0, 2.0))) if handling == "skipping" else 0.0
    fmts = {(lv, t): draw(st.sampled_from(("dense", "bitmask"))) for lv in LEVELS3 for t in ("weight", "ifmap")}
    spec = dataclasses.replace(spec, sparse=SparseSpec(
        formats=tuple((lv, t, Format(kind=k)) for (lv, t), k in fmts.items() if k != "dense"),
        zeros=ZeroHandling(handling=handling, on=operands, skip_cycles=skip)))
    dw, di = draw(st.sampled_from((0.0, 0.3, 0.7, 1.0))), draw(st.sampled_from((0.0, 0.4, 0.8, 1.0)))
    return p, spec, m, (handling, operands, skip), fmts, dw, di, draw(st.integers(0, 2**16))


def check(df, case) -> set[str]:
    p, spec, m, zeros, fmts, dw, di, s = case
    rng = np.random.default_rng(s)
    wm = rng.random((p.G, p.M, p.C, p.R, p.S)) < dw
    xm = rng.random((p.N, p.G, p.C, p.H, p.W)) < di
    w = rng.integers(1, 5, wm.shape) * np.where(rng.random(wm.shape) < 0.5, -1, 1) * wm
    x = rng.integers(1, 5, xm.shape) * np.where(rng.random(xm.shape) < 0.5, -1, 1) * xm
    # the encoder keeps a tensor dense at a level where its bitmask would be larger (whole tensor)
    stored = {(lv, t): k if k == "dense" or (lambda mk: mk.sum() * spec.word_bits[t] + mk.size < mk.size * spec.word_bits[t])(
        wm if t == "weight" else xm) else "dense" for (lv, t), k in fmts.items()}
    ref = simulate_cycles(p, df, m, Machine.from_spec(spec), w, x, zeros=zeros, formats=stored)
    np.testing.assert_array_equal(ref.output, numpy_conv(p, w, x))
    masks = LayerMasks(wm, xm, np.ones((p.N, p.G, p.M, p.E, p.F), bool))
    sc = exact_evaluate(p, spec, df, m, LayerCompression(), masks)
    c = ref.counts
    for k, (lv, t, rw) in PAIRS.items():
        if k.endswith("_nz"):
            want = c[k] if stored[(lv, t)] == "bitmask" else sc.dense.accesses[lv][t][rw]  # a level keeping it dense moves every element
        else:
            want = c[k] if zeros[0] != "none" else sc.dense.accesses[lv][t][rw]  # nothing gated: every read
        assert sc.accesses[lv][t][rw] == want, k
    done = c["macs_done"] if zeros[0] != "none" else p.macs
    assert sc.macs - sc.macs_gated - sc.macs_skipped == done
    if zeros[0] != "none":
        assert sc.macs_effectual == c["macs_effectual"]
    assert (sc.cycles, sc.stall_cycles, sc.compute_cycles) == (ref.cycles, ref.stall_cycles, ref.compute_cycles)
    seen = set()
    if sc.macs_skipped and sc.compute_cycles < sc.dense.compute_cycles:
        seen.add("skipping shortened compute")
    if sc.cycles != sc.dense.cycles and zeros[0] != "skipping":
        seen.add("formats changed the timeline")
    return seen


RUNS = [("spatial", DATAFLOWS[d]) for d in ("ws", "os", "is", "rs", "nlr")] + [("systolic", SYSTOLIC[d]) for d in ("ws", "os", "is")]


@pytest.mark.parametrize("kind, df", RUNS, ids=[f"{k}-{df.name}" for k, df in RUNS])
def test_exact_mode_equals_the_reference_models(kind, df):
    seen: Counter = Counter()

    @seed(f"exact-{kind}-{df.name}")
    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(sparse_cases(df, kind))
    def prop(case):
        seen.update(check(df, case))

    prop()
    assert seen, "no case had skipping or formats change the cycles"


def test_exact_mode_walks_a_split_dram_nest():
    """A pinned mapping that splits E across two DRAM loops (E2 … F2 … E2, issue 19): the
    exact counts and cycles equal the oracle's and the clock's, with gating and with skipping,
    dense and bitmask streams; and the split moves different non-zeros than the plain order
    (the nest is walked, not ignored)."""
    from accelsim.engine.problem import Problem
    from test_bypass import machine as small

    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 2, 2, 4, 4, 3, 3, 6, 6, 1, 1, 0, 0)
    loops = (("N", 1), ("G", 1), ("M", 1), ("C", 1), ("E", 2), ("F", 2), ("E", 2))
    split = Mapping("rs", (1, 1, 2, 2, 1, 2), "NGMCEF", (1, 1, 1, 1, 1, 1, 2, 1), (1, 1, 1, 2, 1, 2, 1, 3), df.rows, df.cols,
                    dram_loops=loops)
    plain = dataclasses.replace(split, dram_loops=())
    moved = set()
    for handling, fmt, s in (("gating", "bitmask", 1), ("skipping", "dense", 2), ("skipping", "bitmask", 3)):
        fmts = {(lv, t): fmt for lv in LEVELS3 for t in ("weight", "ifmap")}
        spec = dataclasses.replace(small(()), sparse=SparseSpec(
            formats=tuple((lv, t, Format(kind=k)) for (lv, t), k in fmts.items() if k != "dense"),
            zeros=ZeroHandling(handling=handling, on=("weight", "ifmap"), skip_cycles=0.5 if handling == "skipping" else 0.0)))
        case = (p, spec, split, (handling, ("weight", "ifmap"), 0.5 if handling == "skipping" else 0.0), fmts, 0.6, 0.5, s)
        check(df, case)
        check(df, (p, spec, plain) + case[3:])
        rng = np.random.default_rng(s)
        masks = LayerMasks(rng.random((1, 2, 2, 3, 3)) < 0.6, rng.random((1, 1, 2, 6, 6)) < 0.5, np.ones((1, 1, 2, 4, 4), bool))
        a = exact_evaluate(p, spec, df, split, LayerCompression(), masks)
        b = exact_evaluate(p, spec, df, plain, LayerCompression(), masks)
        moved.add(a.accesses["DRAM"]["ifmap"]["reads"] != b.accesses["DRAM"]["ifmap"]["reads"])
    assert True in moved


# ---------------------------------------------------------------- formats with fillers

from accelsim.compress.spec import TensorCompression as TC  # noqa: E402
from accelsim.dataflow import dataflow_for  # noqa: E402
from accelsim.compress.size import fillers  # noqa: E402
from accelsim.engine.exact import draw_masks  # noqa: E402
from accelsim.engine.problem import DIMS  # noqa: E402
from accelsim.engine.sparse import sparse_evaluate  # noqa: E402
from accelsim.mapping.mapping import Mapping  # noqa: E402
from accelsim.reference.check import cases as ref_cases  # noqa: E402
from accelsim.reference.oracle import simulate  # noqa: E402
from test_sparse_reference import machine  # noqa: E402

RLE = Format(kind="rle", run_bits=2)
COORD = Format(kind="coordinate", index_bits=1)


@pytest.mark.parametrize("name", ["rs", "ws", "os"])
def test_filler_entries_are_those_of_the_moved_non_zeros(name):
    """Run-length (2-bit runs) and coordinate (1-bit relative index) streams at every level:
    a transfer's bits are (non-zeros + the fillers they carry) × entry bits, where the
    fillers are counted by the oracle moving each element's filler count (⌊gap/2^bits⌋,
    computed here from the stream by a plain loop) through every transfer."""
    df = dataflow_for(name, "spatial")
    spec = machine("spatial", "gating", ["ifmap"])
    fm = {("DRAM", "weight"): RLE, ("GLB", "weight"): COORD, ("NoC", "weight"): RLE,
          ("DRAM", "ifmap"): COORD, ("GLB", "ifmap"): RLE, ("NoC", "ifmap"): COORD}
    spec = dataclasses.replace(spec, sparse=dataclasses.replace(spec.sparse, formats=tuple((lv, t, f) for (lv, t), f in fm.items())))
    rng = np.random.default_rng(3)
    for p, t1, order, sp, t3 in list(ref_cases(df, n=3, seed=5)):
        wm = rng.random((p.G, p.M, p.C, p.R, p.S)) < 0.15
        xm = rng.random((p.N, p.G, p.C, p.H, p.W)) < 0.2
        def loop_fillers(mk, bits):
            out, gap = np.zeros(mk.size), 0
            for i, v in enumerate(mk.ravel()):
                if v:
                    out[i], gap = gap // 2**bits, 0
                else:
                    gap += 1
            return out.reshape(mk.shape)
        assert (fillers(wm, 2) == loop_fillers(wm, 2)).all() and (fillers(xm, 1) == loop_fillers(xm, 1)).all()
        keep = {t: df.keep_level(t) for t in ("weight", "ifmap", "psum")}
        run = lambda w, x: simulate(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf, density=(w, x))  # noqa: E731
        nz = run(wm.astype(float), xm.astype(float))
        f_rle = run(loop_fillers(wm, 2), loop_fillers(xm, 2))
        f_crd = run(loop_fillers(wm, 1), loop_fillers(xm, 1))
        m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols)
        sc = exact_evaluate(p, spec, df, m, LayerCompression(), LayerMasks(wm, xm, np.ones((p.N, p.G, p.M, p.E, p.F), bool)))
        b = spec.word_bits
        for key, lv, t in (("dram_read_weight", "DRAM", "weight"), ("glb_read_weight", "GLB", "weight"), ("noc_weight", "NoC", "weight"),
                           ("dram_read_ifmap", "DRAM", "ifmap"), ("glb_read_ifmap", "GLB", "ifmap"), ("noc_ifmap", "NoC", "ifmap")):
            f = fm[(lv, t)]
            fl = (f_rle if f.kind == "rle" else f_crd)[key + "_nz"]
            entry = f.run_bits + b[t] if f.kind == "rle" else b[t] + f.index_bits
            writes = sc.accesses[lv][t]["writes"]
            assert writes == 0 or lv == "GLB"
            assert sc.accesses[lv][t]["reads"] == nz[key + "_nz"], key
            want_bits = (nz[key + "_nz"] + fl) * entry
            if lv == "GLB":  # the GLB's fills are DRAM's reads, in the GLB's format
                want_bits += (nz["dram_read_" + t + "_nz"] + (f_rle if f.kind == "rle" else f_crd)["dram_read_" + t + "_nz"]) * entry
            assert sc.accesses[lv][t]["bytes"] * 8 == pytest.approx(want_bits, rel=1e-12), key


# ---------------------------------------------------------------- expected = mean of exact


def test_expected_mode_is_the_mean_of_exact_mode():
    """60 seeds of masks drawn at densities 0.3 (weights) and 0.6 (ifmaps) on a strided,
    padded layer under row stationary, bitmask formats and gating: every traffic figure's
    mean over the masks lies within 5 standard errors of the expected mode (it can fail:
    a rule that differs between the modes moves the mean by many errors)."""
    df = dataflow_for("rs", "spatial")
    spec = machine("spatial", "gating", ["weight", "ifmap"])
    p, t1, order, sp, t3 = list(ref_cases(df, n=4, seed=1))[3]
    m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols)
    lc = LayerCompression(weight=TC(density=0.3), ifmap=TC(density=0.6))
    want = sparse_evaluate(p, spec, df, m, lc)
    runs = [exact_evaluate(p, spec, df, m, lc, draw_masks(p, lc, s)) for s in range(60)]
    keys = [(lv, t, k) for lv in ("DRAM", "GLB", "NoC", "RF") for t in ("weight", "ifmap", "psum") for k in ("reads", "writes", "bytes")]
    varied = 0
    for lv, t, k in keys:
        xs = np.array([r.accesses[lv][t][k] for r in runs], float)
        se = xs.std(ddof=1) / np.sqrt(len(xs))
        varied += se > 0
        assert abs(xs.mean() - want.accesses[lv][t][k]) <= 5 * se + 1e-9, (lv, t, k)
    gated = np.array([r.macs_gated for r in runs], float)
    assert abs(gated.mean() - want.macs_gated) <= 5 * gated.std(ddof=1) / np.sqrt(60)
    assert varied > 10


# ---------------------------------------------------------------- whole runs

import accelsim  # noqa: E402
from naive import conv2d  # noqa: E402

TINY = """name: tiny
input: {C: 3, H: 12, W: 12}
layers:
- {name: c1, type: conv, inputs: [input], M: 8, R: 3, S: 3, pad: 1}
- {name: r1, type: activation, inputs: [c1], fn: relu}
- {name: c2, type: conv, inputs: [r1], M: 16, R: 3, S: 3, stride: 2, pad: 1}
"""


def test_exact_run_with_all_ones_is_the_dense_run():
    """Density 1 in exact mode (masks of ones) gives back the dense run exactly: AlexNet on
    eyeriss (RLE at DRAM, ifmap gating) — counts, cycles and energy of every layer."""
    from accelsim.compress.spec import Compression

    ones = Compression("ones", default=LayerCompression(TC(density=1.0), TC(density=1.0), TC(density=1.0)))
    d = accelsim.run("alexnet", "eyeriss", fusion="none")  # a compressed run keeps feature maps per layer
    x = accelsim.run("alexnet", "eyeriss", compress=ones, mode="exact", fusion="none")
    assert x.compression["mode"] == "exact"
    for a, b in zip(d.layers, x.layers):
        assert {lv: {t: {k: v[k] for k in ("reads", "writes")} for t, v in ts.items()} for lv, ts in b.accesses.items()} == a.accesses
        assert (b.cycles, b.stall_cycles) == (a.cycles, a.stall_cycles), a.name
        assert b.total_energy == pytest.approx(a.total_energy, rel=1e-12), a.name


def test_user_masks_drive_the_exact_counts(tmp_path, run_cli):
    """Mask files named in a compression file: the effectual MACs of c1 are those a NumPy
    convolution of the two masks counts, and the CLI run reports them; a mask of the wrong
    shape is a one-paragraph error with exit 2."""
    (tmp_path / "w.yaml").write_text(TINY)
    rng = np.random.default_rng(0)
    wm = (rng.random((8, 3, 3, 3)) < 0.5).astype(np.uint8)
    xm = (rng.random((1, 3, 12, 12)) < 0.7).astype(np.uint8)
    np.save(tmp_path / "w.npy", wm)
    np.save(tmp_path / "x.npy", xm)
    (tmp_path / "c.yaml").write_text("name: masks\nlayers:\n  c1: {weight: {mask: w.npy}, ifmap: {mask: x.npy}}\n")
    r = accelsim.run(tmp_path / "w.yaml", "eyeriss", compress=tmp_path / "c.yaml", mode="exact")
    c1 = next(l for l in r.layers if l.name == "c1")
    out, _ = conv2d(xm[0].astype(np.int64), wm.astype(np.int64), 1, (1, 1, 1, 1))
    assert c1.compressed["macs_effectual"] == int(out.sum())
    # eyeriss gates on ifmap zeros: the MACs done are those on non-zero or padded inputs
    pad = np.pad(xm[0], ((0, 0), (1, 1), (1, 1)), constant_values=1)
    full, _ = conv2d(pad.astype(np.int64), np.ones_like(wm, np.int64), 1, (0, 0, 0, 0))
    assert c1.macs - c1.compressed["macs_gated"] == int(full.sum())
    code, out_text, err = run_cli("run", tmp_path / "w.yaml", "eyeriss", "--compress", tmp_path / "c.yaml", "--exact")
    assert code == 0 and "exact counts of real 0/1 masks" in out_text
    np.save(tmp_path / "w.npy", wm[:, :2])
    code, _, err = run_cli("run", tmp_path / "w.yaml", "eyeriss", "--compress", tmp_path / "c.yaml", "--exact")
    assert code == 2 and "wrong shape" in err and "Traceback" not in err
    code, _, err = run_cli("run", tmp_path / "w.yaml", "eyeriss", "--exact")
    assert code == 2 and "needs a compression" in err


def test_each_layer_draws_its_own_masks():
    """Two layers of the same shape and densities get masks from their own seed sequences
    (seed, layer index): their exact counts differ, and the same seed gives the same run."""
    from accelsim.compress.spec import Compression

    twin = TINY + "- {name: c3, type: conv, inputs: [r1], M: 16, R: 3, S: 3, stride: 2, pad: 1}\n"  # c2's twin
    half = Compression("half", default=LayerCompression(TC(density=0.5), TC(density=0.5), TC(density=1.0)))
    import yaml

    from accelsim.workload.loader import workload_from_dict

    net = workload_from_dict(yaml.safe_load(twin), "twin.yaml")
    runs = [accelsim.run(net, "eyeriss", compress=half, mode="exact", seed=s, fusion="none") for s in (4, 4, 5)]
    eff = [[l.compressed["macs_effectual"] for l in r.layers if l.name in ("c2", "c3")] for r in runs]
    assert eff[0] == eff[1] and eff[0][0] != eff[0][1] and eff[0] != eff[2]
