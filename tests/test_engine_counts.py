"""The engine's counts equal a literal re-enactment (tests/oracle.py) that walks every
GLB tile, pass, PE and MAC with real sets of elements — for every dataflow, on random
small layers with strides, padding, dilation, groups, partial tiles and partial passes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.dataflow import DATAFLOWS
from accelsim.engine.layer import layer_counts
from accelsim.engine.problem import Problem
from oracle import simulate


@st.composite
def mapped_layers(draw, df):
    U, D = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    R, S = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pt, pl = draw(st.integers(0, 1)), draw(st.integers(0, 1))
    H = draw(st.integers(max(1, D * (R - 1) + 1 - 2 * pt), 5))
    W = draw(st.integers(max(1, D * (S - 1) + 1 - 2 * pl), 5))
    E = (H + 2 * pt - D * (R - 1) - 1) // U + 1
    F = (W + 2 * pl - D * (S - 1) - 1) // U + 1
    p = Problem(draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                E, F, R, S, H, W, U, D, pt, pl)
    b = dict(zip("NGMCEFRS", p.bounds))
    t1 = [draw(st.integers(1, b[d])) for d in "NGMCEF"]
    sp = {d: 1 for d in "NGMCEFRS"}
    t3 = {d: 1 for d in "NGMCEFRS"}
    for d in df.rows + df.cols:
        sp[d] = draw(st.integers(1, 3))
    for d in df.rf_order:
        t3[d] = draw(st.integers(1, 3))
    order = list(draw(st.permutations("NGMCEF")))
    return p, t1, order, sp, t3


def check(df, case):
    p, t1, order, sp, t3 = case
    keep = {t: df.keep_level(t) for t in ("weight", "ifmap", "psum")}
    ref = simulate(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf)
    got = layer_counts(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf)
    keys = set(ref) | set(got)
    assert {k: got[k] for k in keys} == {k: ref[k] for k in keys}
    assert got["macs"] == p.macs


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
