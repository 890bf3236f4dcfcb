"""The engine's counts equal a literal re-enactment (tests/oracle.py) that walks every
GLB tile, pass, PE and MAC with real sets of elements — for every dataflow, on random
small layers with strides, padding, dilation, groups, partial tiles and partial passes.
The re-enactment also pushes real numbers through the schedule, and its output must equal
a plain NumPy convolution (tests/naive.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np

from accelsim.dataflow import DATAFLOWS, SYSTOLIC
from accelsim.engine import kernel as K
from accelsim.engine.problem import DIMS
from naive import conv2d
from accelsim.reference.check import SLOTS
from accelsim.reference.oracle import simulate
from strategies import candidates, small_problems



@st.composite
def mapped_layers(draw, df):
    p = draw(small_problems(max_u=2, max_pad=1, max_hw=5))
    t1, sp, t3 = draw(candidates(df, p))
    order = list(draw(st.permutations("NGMCEF")))
    return p, t1, order, sp, t3


def check(df, case, systolic=False):
    p, t1, order, sp, t3 = case
    keep = {t: df.keep_level(t) for t in ("weight", "ifmap", "psum")}
    # real numbers through the schedule: it must compute the convolution, every product once
    rng = np.random.default_rng(7)
    w = rng.integers(-4, 5, (p.G, p.M, p.C, p.R, p.S))
    x = rng.integers(-4, 5, (p.N, p.G, p.C, p.H, p.W))
    out = np.zeros((p.N, p.G, p.M, p.E, p.F), np.int64)
    ref = simulate(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf, values=(w, x, out), systolic=systolic)
    pb = (p.E - 1) * p.U + (p.R - 1) * p.D + 1 - p.H - p.pt
    pr = (p.F - 1) * p.U + (p.S - 1) * p.D + 1 - p.W - p.pl
    for n in range(p.N):
        expect, _ = conv2d(
            x[n].reshape(p.G * p.C, p.H, p.W), w.reshape(p.G * p.M, p.C, p.R, p.S),
            p.U, (p.pt, max(pb, 0), p.pl, max(pr, 0)), p.D, p.G,
        )
        np.testing.assert_array_equal(out[n].reshape(p.G * p.M, p.E, p.F), expect[:, : p.E, : p.F])
    assert ref["macs"] == p.macs
    # the kernel gives the same numbers
    axis = np.array([1 if d in df.rows else 2 if d in df.cols else 0 for d in DIMS], np.int64)
    res = K.layer_detail(
        p.as_array(), np.array(t1, np.int64), np.array(["NGMCEF".index(d) for d in order], np.int64),
        np.array([sp[d] for d in DIMS], np.int64), np.array([t3[d] for d in DIMS], np.int64),
        np.array([DIMS.index(d) for d in df.pass_order], np.int64), np.array([DIMS.index(d) for d in df.rf_order], np.int64),
        np.array([keep["weight"], keep["ifmap"], keep["psum"]], np.int64), df.uses_rf, axis, systolic,
    )[0]
    assert set(ref) <= set(SLOTS)  # the oracle counts nothing the kernel does not
    assert {k: int(res[i]) for k, i in SLOTS.items()} == {k: ref[k] for k in SLOTS}


@settings(max_examples=40, deadline=None)
@given(mapped_layers(DATAFLOWS["ws"]))
def test_ws(case):
    check(DATAFLOWS["ws"], case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(DATAFLOWS["os"]))
def test_os(case):
    check(DATAFLOWS["os"], case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(DATAFLOWS["is"]))
def test_is(case):
    check(DATAFLOWS["is"], case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(DATAFLOWS["rs"]))
def test_rs(case):
    check(DATAFLOWS["rs"], case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(DATAFLOWS["nlr"]))
def test_nlr(case):
    check(DATAFLOWS["nlr"], case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(SYSTOLIC["ws"]))
def test_ws_systolic(case):
    check(SYSTOLIC["ws"], case, systolic=True)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(SYSTOLIC["os"]))
def test_os_systolic(case):
    check(SYSTOLIC["os"], case, systolic=True)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(SYSTOLIC["is"]))
def test_is_systolic(case):
    check(SYSTOLIC["is"], case, systolic=True)
