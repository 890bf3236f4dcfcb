"""Hypothesis strategies shared by the engine tests."""
from __future__ import annotations

from hypothesis import strategies as st

from accelsim.dataflow import DATAFLOWS, SYSTOLIC, Dataflow
from accelsim.engine.problem import DIMS, Problem

# every dataflow, with whether it runs on a systolic array
ALL_DATAFLOWS = [(df, False) for df in DATAFLOWS.values()] + [(df, True) for df in SYSTOLIC.values()]


@st.composite
def small_problems(draw, max_u: int = 3, max_pad: int = 2, max_hw: int = 7) -> Problem:
    """A random small conv layer: strides, dilation, padding, groups, odd sizes."""
    U, D = draw(st.integers(1, max_u)), draw(st.integers(1, 2))
    R, S = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pt, pl = draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))
    H = draw(st.integers(max(1, D * (R - 1) + 1 - 2 * pt), max_hw))
    W = draw(st.integers(max(1, D * (S - 1) + 1 - 2 * pl), max_hw))
    E = (H + 2 * pt - D * (R - 1) - 1) // U + 1
    F = (W + 2 * pl - D * (S - 1) - 1) // U + 1
    return Problem(draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                   E, F, R, S, H, W, U, D, pt, pl)


@st.composite
def candidates(draw, df: Dataflow, p: Problem) -> tuple[list[int], dict[str, int], dict[str, int]]:
    """A random mapping of layer ``p`` under ``df`` without its DRAM order: a GLB tile
    (N G M C E F, partial tiles included), spatial factors 1–3 on the dataflow's row and
    column dims, RF extents 1–3 on its RF dims (every other dim 1)."""
    b = dict(zip(DIMS, p.bounds))
    t1 = [draw(st.integers(1, b[d])) for d in "NGMCEF"]
    sp = dict.fromkeys(DIMS, 1)
    t3 = dict.fromkeys(DIMS, 1)
    for d in df.rows + df.cols:
        sp[d] = draw(st.integers(1, 3))
    for d in df.rf_order:
        t3[d] = draw(st.integers(1, 3))
    return t1, sp, t3
