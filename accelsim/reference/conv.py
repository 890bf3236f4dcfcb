"""A plain NumPy convolution: the ground truth a dataflow's output is checked against.

It shares nothing with the engine or the reference model: one shifted multiply-add per
filter tap (r, s), over the zero-padded input. Integer inputs give exact results.
"""
from __future__ import annotations

import numpy as np

from ..engine.problem import Problem


def conv2d(
    x: np.ndarray, w: np.ndarray, stride: int = 1, pad: tuple[int, int, int, int] = (0, 0, 0, 0),
    dilation: int = 1, groups: int = 1,
) -> np.ndarray:
    """Convolution of ``x`` (N, C, H, W) with ``w`` (M, C/groups, R, S).

    ``pad`` is (top, bottom, left, right). Returns (N, M, E, F) in x's and w's common dtype."""
    n_, c_, h_, w_ = x.shape
    m_, cg, r_, s_ = w.shape
    if c_ != cg * groups or m_ % groups:
        raise ValueError(f"shapes do not match: x {x.shape}, w {w.shape}, groups {groups}")
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    hp, wp = xp.shape[2:]
    e_ = (hp - dilation * (r_ - 1) - 1) // stride + 1
    f_ = (wp - dilation * (s_ - 1) - 1) // stride + 1
    mg = m_ // groups
    out = np.zeros((n_, m_, e_, f_), dtype=np.result_type(x, w))
    for g in range(groups):
        xs = xp[:, g * cg : (g + 1) * cg]
        ws = w[g * mg : (g + 1) * mg]
        for r in range(r_):
            for s in range(s_):
                y0, x0 = r * dilation, s * dilation
                patch = xs[:, :, y0 : y0 + stride * (e_ - 1) + 1 : stride, x0 : x0 + stride * (f_ - 1) + 1 : stride]
                out[:, g * mg : (g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, r, s])
    return out


def conv_problem(p: Problem, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The output o[n, g, m, e, f] of problem ``p`` (groups explicit, as the engine and the
    reference model index it) for weights w[g, m, c, r, s] and ifmaps x[n, g, c, y, x]."""
    bottom = max(0, (p.E - 1) * p.U + (p.R - 1) * p.D + 1 - p.H - p.pt)
    right = max(0, (p.F - 1) * p.U + (p.S - 1) * p.D + 1 - p.W - p.pl)
    out = conv2d(
        x.reshape(p.N, p.G * p.C, p.H, p.W), w.reshape(p.G * p.M, p.C, p.R, p.S),
        p.U, (p.pt, bottom, p.pl, right), p.D, p.G,
    )
    return out[:, :, : p.E, : p.F].reshape(p.N, p.G, p.M, p.E, p.F)
