"""Transposed convolution (ConvTranspose, U-Net's up-convolution) as regular convolutions.

A transposed convolution with kernel K, stride s and padding p is the convolution of the
input with the s−1 zeros inserted between its pixels. accelsim never fetches or multiplies
those zeros: it splits the output into its s × s *phases* — the outputs o ≡ a (mod s) along
H (b along W) — and each phase is an ordinary stride-1 convolution of the original input
with a sub-kernel of the taps r ≡ (a + p) mod s:

    y[a + s·i] = Σ_t x[i + q_a − t] · w[r0_a + s·t],   r0_a = (a + p) mod s,
                 q_a = (a + p) div s,   t = 0 … T_a − 1,   T_a = ceil((K − r0_a) / s)

which is a convolution with the sub-kernel flipped, padded by T_a − 1 − q_a before and
whatever makes E_a = ceil((E − a) / s) outputs after. The phases are then interleaved
(an ``interleave`` layer: data movement only). MACs = Σ over phases of M·E_a·F_b·C·T_a·T_b:
exactly the multiplications of real input pixels by kernel taps, plus — as for every
padded convolution in accelsim — the taps that fall on the zero border of a phase where
p > 0 (none for U-Net's 2×2/2 up-convolutions, where each phase is a 1×1 convolution).
A layout needing negative padding (p ≥ K) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    """One output phase (a, b) of a transposed convolution as a regular convolution."""

    a: int
    b: int
    r0: int  # first kernel row of this phase (rows r0, r0 + s, …)
    c0: int  # first kernel column
    R: int   # sub-kernel rows T_a
    S: int   # sub-kernel columns T_b
    pad: tuple[int, int, int, int]  # top, bottom, left, right
    E: int   # output rows of this phase
    F: int


def _axis(size: int, k: int, s: int, p: int, out: int, a: int) -> tuple[int, int, int, int, int] | None:
    r0 = (a + p) % s
    q = (a + p) // s
    t = -(-(k - r0) // s) if r0 < k else 0
    e = -(-(out - a) // s) if out > a else 0
    if t == 0 or e == 0:
        return None
    lo = t - 1 - q
    hi = e - size - lo + t - 1
    return r0, t, lo, hi, e


def output_size(size: int, k: int, s: int, p: int, output_padding: int = 0) -> int:
    """ONNX / PyTorch: (size − 1)·s − 2p + K + output_padding."""
    return (size - 1) * s - 2 * p + k + output_padding


def phases(H: int, W: int, R: int, S: int, stride: int, pad: int, output_padding: int = 0) -> list[Phase]:
    """The s × s phases (those with at least one output and one tap), row-major in (a, b)."""
    E, F = output_size(H, R, stride, pad, output_padding), output_size(W, S, stride, pad, output_padding)
    out = []
    for a in range(stride):
        ra = _axis(H, R, stride, pad, E, a)
        for b in range(stride):
            cb = _axis(W, S, stride, pad, F, b)
            if ra is None or cb is None:
                raise ValueError(f"transposed conv phase ({a}, {b}) has no taps or no outputs (kernel {R}x{S}, stride {stride})")
            if min(ra[2], ra[3], cb[2], cb[3]) < 0:
                raise ValueError(f"transposed conv with padding {pad} >= what its kernel {R}x{S} covers needs cropping")
            out.append(Phase(a, b, ra[0], cb[0], ra[1], cb[1], (ra[2], ra[3], cb[2], cb[3]), ra[4], cb[4]))
    return out
