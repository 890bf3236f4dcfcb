"""Plain NumPy reference computations used by the tests (independent of accelsim)."""
from __future__ import annotations

import numpy as np


def conv2d(x: np.ndarray, w: np.ndarray, stride: int = 1, pad=(0, 0, 0, 0), dilation: int = 1, groups: int = 1):
    """Direct convolution of x (C, H, W) with w (M, C/G, R, S).

    Returns (output (M, E, F), number of multiply-accumulates performed).
    """
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    xp = np.pad(x, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    Hp, Wp = xp.shape[1:]
    rows = [i for i in range(0, Hp) if i + dilation * (R - 1) < Hp][::stride]
    cols = [j for j in range(0, Wp) if j + dilation * (S - 1) < Wp][::stride]
    out = np.zeros((M, len(rows), len(cols)), dtype=np.int64)
    macs = 0
    Mg = M // groups
    for m in range(M):
        g = m // Mg
        chans = range(g * Cg, (g + 1) * Cg)
        for e, i in enumerate(rows):
            for f, j in enumerate(cols):
                patch = xp[list(chans)][:, i : i + dilation * (R - 1) + 1 : dilation, j : j + dilation * (S - 1) + 1 : dilation]
                out[m, e, f] = int((patch * w[m]).sum())
                macs += patch.size
    return out, macs
