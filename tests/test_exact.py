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
from hypothesis import HealthCheck, given, reject, seed, settings
from hypothesis import strategies as st

from accelsim.compress.spec import LayerCompression
from accelsim.dataflow import DATAFLOWS, SYSTOLIC
from accelsim.engine.exact import LayerMasks, exact_evaluate
from accelsim.hardware.sparse import Format, SparseSpec, ZeroHandling
from accelsim.reference.cycles import Machine, simulate_cycles
from test_cycles_reference import cases, numpy_conv

PAIRS = {  # (reference counter, level, data type, reads|writes)
    "dram_read_weight_nz": ("DRAM", "weight", "reads"),
    "dram_read_ifmap_nz": ("DRAM", "ifmap", "reads"),
    "glb_read_weight_nz": ("GLB", "weight", "reads"),
    "glb_read_ifmap_nz": ("GLB", "ifmap", "reads"),
    "noc_weight_nz": ("NoC", "weight", "reads"),
    "noc_ifmap_nz": ("NoC", "ifmap", "reads"),
    "rf_read_weight_done": ("RF", "weight", "reads"),
    "rf_read_ifmap_done": ("RF", "ifmap", "reads"),
    "rf_read_psum_done": ("RF", "psum", "reads"),
    "rf_write_psum_done": ("RF", "psum", "writes"),
}
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
