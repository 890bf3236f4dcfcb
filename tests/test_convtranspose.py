"""Transposed convolution lowered to its stride² phase convolutions, against NumPy.

The reference is the transposed convolution by its definition, written here: every input
pixel scatters its kernel-weighted copy into the output at stride s (ONNX ConvTranspose /
torch.nn.ConvTranspose2d, weights (C, M, K, K)). The lowering runs each phase as a plain
convolution (accelsim.reference.conv.conv2d, NumPy) with the sub-kernel the lowering
names, interleaves the phases, and must give the same numbers exactly (integers); its
MACs must be the C·M·K²·H·W multiplications of real pixels where padding is 0.
"""
from __future__ import annotations

import numpy as np
import pytest

from accelsim.reference.conv import conv2d
from accelsim.workload.builder import NetBuilder
from accelsim.workload.convtranspose import output_size, phases


def transposed_reference(x, w, s, p, op=0):
    n, c, h, wd = x.shape
    _, m, k, k2 = w.shape
    full = np.zeros((n, m, (h - 1) * s + k + op, (wd - 1) * s + k2 + op), dtype=np.int64)
    for i in range(h):
        for j in range(wd):
            full[:, :, i * s:i * s + k, j * s:j * s + k2] += np.einsum("nc,cmrs->nmrs", x[:, :, i, j], w)
    E, F = output_size(h, k, s, p, op), output_size(wd, k2, s, p, op)
    return full[:, :, p:p + E, p:p + F]


def lowered(x, w, s, p, op=0):
    n, c, h, wd = x.shape
    _, m, k, k2 = w.shape
    E, F = output_size(h, k, s, p, op), output_size(wd, k2, s, p, op)
    y = np.zeros((n, m, E, F), dtype=np.int64)
    for ph in phases(h, wd, k, k2, s, p, op):
        sub = w[:, :, ph.r0::s, ph.c0::s][:, :, :ph.R, :ph.S][:, :, ::-1, ::-1]   # taps of this phase, flipped
        out = conv2d(x, np.ascontiguousarray(sub.transpose(1, 0, 2, 3)), 1, ph.pad)
        assert out.shape[2:] == (ph.E, ph.F)
        y[:, :, ph.a::s, ph.b::s] = out
    return y


@pytest.mark.parametrize("c,m,h,w,k,s,p,op", [
    (3, 4, 5, 6, 2, 2, 0, 0),   # U-Net's up-convolution
    (2, 3, 4, 4, 4, 2, 1, 0),   # DCGAN's
    (2, 2, 5, 3, 3, 2, 1, 1),   # output_padding
    (1, 2, 3, 4, 3, 3, 0, 0),
    (2, 1, 4, 5, 5, 3, 2, 0),
    (3, 2, 6, 6, 3, 1, 1, 0),   # stride 1: a plain conv with the kernel flipped
])
def test_phases_equal_numpy_transposed_conv(c, m, h, w, k, s, p, op):
    rng = np.random.default_rng(k * 100 + s * 10 + p)
    x = rng.integers(-4, 5, (2, c, h, w))
    wt = rng.integers(-3, 4, (c, m, k, k))
    np.testing.assert_array_equal(lowered(x, wt, s, p, op), transposed_reference(x, wt, s, p, op))


@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 3, 0), (4, 2, 1), (3, 2, 1)])
def test_builder_layers_count_only_real_taps(k, s, p):
    C, M, H, W = 8, 5, 7, 9
    b = NetBuilder("t", C=C, H=H, W=W)
    b.conv_transpose(b.input, M, k, s, p, bias=True, name="up")
    net = b.build()
    t = net.totals()
    E, F = output_size(H, k, s, p), output_size(W, k, s, p)
    assert net.layers[-1].out.H == E and net.layers[-1].out.W == F and net.layers[-1].type == "interleave"
    assert t["weights"] == C * M * k * k and t["biases"] == M
    if p == 0:  # every phase tap meets a real pixel: the zero-inserted input's zeros cost nothing
        assert t["macs"] == C * M * k * k * H * W
    else:       # plus the taps on a phase's zero border, as any padded conv in accelsim
        assert C * M * k * k * H * W - C * M * k * k * (H + W) * s <= t["macs"] <= C * M * k * k * (H + 1) * (W + 1)


def test_negative_padding_is_refused():
    with pytest.raises(ValueError, match="cropping"):
        phases(4, 4, 2, 2, 2, 2)
