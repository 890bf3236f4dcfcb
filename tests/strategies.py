"""Hypothesis strategies shared by the engine tests."""
from __future__ import annotations

from hypothesis import strategies as st

from accelsim.engine.problem import Problem


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
