"""Exact ifmap footprints against brute-force enumeration of the rows a block touches."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.engine.footprint import rows_count, rows_overlap


def brute_rows(e0, e1, r0, r1, U, D, pt, H):
    return {e * U - pt + r * D for e in range(e0, e1) for r in range(r0, r1)} & set(range(H))


@st.composite
def blocks(draw):
    U, D, pt, H = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(1, 30))
    R = draw(st.integers(1, 7))
    E = max(1, (H + 2 * pt - D * (R - 1) - 1) // U + 1)

    def rng(n):
        a = draw(st.integers(0, n))
        return a, draw(st.integers(a, n))

    return (U, D, pt, H), rng(E), rng(R), rng(E), rng(R)


@settings(max_examples=400, deadline=None)
@given(blocks())
def test_rows_count_and_overlap_equal_enumeration(case):
    (U, D, pt, H), (a0, a1), (ar0, ar1), (b0, b1), (br0, br1) = case
    A = brute_rows(a0, a1, ar0, ar1, U, D, pt, H)
    B = brute_rows(b0, b1, br0, br1, U, D, pt, H)
    assert rows_count(a0, a1, ar0, ar1, U, D, pt, H) == len(A)
    assert rows_overlap(a0, a1, ar0, ar1, b0, b1, br0, br1, U, D, pt, H) == len(A & B)


def test_alexnet_conv1_rows():
    # AlexNet CONV1 (227, R=11, U=4, no padding): output rows 0..54 cover input rows 0..226.
    assert rows_count(0, 55, 0, 11, 4, 1, 0, 227) == 227
    # stride 4 > R=3: one output row block of 3 windows touches 3 separate triples = 9 rows
    assert rows_count(0, 3, 0, 3, 4, 1, 0, 100) == 9
