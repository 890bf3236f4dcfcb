"""Exact footprint sizes of tiles of the iteration space (numba, plain integers).

A block of the iteration space is a range per dim. The ifmap rows it touches are

    rows(e0, e1, r0, r1) = { e·U − pt + r·D : e0 ≤ e < e1, r0 ≤ r < r1 } ∩ [0, H)

(columns alike with F, S, pl, W). With stride U larger than the dilated filter, or with
dilation D > 1, that set has holes; padding rows (outside [0, H)) are never counted. The
functions here count such sets and their intersections exactly.
"""
from __future__ import annotations

from numba import njit


@njit(cache=True)
def _member(y: int, e0: int, e1: int, r0: int, r1: int, U: int, D: int, pt: int) -> bool:
    for r in range(r0, r1):
        t = y + pt - r * D
        if t >= e0 * U and t <= (e1 - 1) * U and t % U == 0:
            return True
    return False


@njit(cache=True)
def _span(e0: int, e1: int, r0: int, r1: int, U: int, D: int, pt: int, H: int) -> tuple[int, int]:
    """The smallest and largest row touched, clipped to [0, H) (lo > hi: none)."""
    lo = e0 * U - pt + r0 * D
    hi = (e1 - 1) * U - pt + (r1 - 1) * D
    return max(lo, 0), min(hi, H - 1)


@njit(cache=True)
def _dense(r0: int, r1: int, U: int, D: int) -> bool:
    """Whether the touched rows form one interval (no holes between windows or taps)."""
    return (D == 1 or r1 - r0 == 1) and U <= (r1 - r0 - 1) * D + 1 or (U == 1 and D == 1)


@njit(cache=True)
def rows_count(e0: int, e1: int, r0: int, r1: int, U: int, D: int, pt: int, H: int) -> int:
    """|rows(e0, e1, r0, r1)| — the ifmap rows (of H) a block of outputs and filter rows needs."""
    if e1 <= e0 or r1 <= r0:
        return 0
    lo, hi = _span(e0, e1, r0, r1, U, D, pt, H)
    if lo > hi:
        return 0
    if e1 - e0 == 1 and D == 1:
        return hi - lo + 1
    if _dense(r0, r1, U, D):
        return hi - lo + 1
    n = 0
    for y in range(lo, hi + 1):
        if _member(y, e0, e1, r0, r1, U, D, pt):
            n += 1
    return n


@njit(cache=True)
def rows_overlap(
    a0: int, a1: int, ar0: int, ar1: int, b0: int, b1: int, br0: int, br1: int, U: int, D: int, pt: int, H: int
) -> int:
    """|rows(a0, a1, ar0, ar1) ∩ rows(b0, b1, br0, br1)|."""
    if a1 <= a0 or ar1 <= ar0 or b1 <= b0 or br1 <= br0:
        return 0
    alo, ahi = _span(a0, a1, ar0, ar1, U, D, pt, H)
    blo, bhi = _span(b0, b1, br0, br1, U, D, pt, H)
    lo, hi = max(alo, blo), min(ahi, bhi)
    if lo > hi:
        return 0
    if _dense(ar0, ar1, U, D) and _dense(br0, br1, U, D):
        return hi - lo + 1
    n = 0
    for y in range(lo, hi + 1):
        if _member(y, a0, a1, ar0, ar1, U, D, pt) and _member(y, b0, b1, br0, br1, U, D, pt):
            n += 1
    return n
