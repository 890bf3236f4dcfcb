"""Assignment 1 — a deliberately wrong submission (the repository's tests grade it and
expect failures): it forgets the groups of a convolution, and takes the separable ratio
over the input channels with the bound's square root left out."""
from __future__ import annotations

from accelsim.workload.zoo import build


def output_size(H, R, stride=1, pad=0, dilation=1):
    return (H + 2 * pad - dilation * (R - 1) - 1) // stride + 1


def conv_macs(N, C, H, W, M, R, S, stride=1, pad=0, groups=1):
    E, F = output_size(H, R, stride, pad), output_size(W, S, stride, pad)
    return N * M * E * F * C * R * S  # wrong: ignores groups


def conv_weights(C, M, R, S, groups=1):
    return M * C * R * S  # wrong: ignores groups


def network_macs(name):
    return sum(conv_macs(l.shape.N, l.shape.C, l.shape.H, l.shape.W, l.shape.M, l.shape.R, l.shape.S, l.shape.U, l.shape.pad[0], l.shape.G)
               for l in build(name).layers if l.type in ("conv", "fc"))


def network_weights(name):
    return sum(conv_weights(l.shape.C, l.shape.M, l.shape.R, l.shape.S, l.shape.G) for l in build(name).layers if l.type in ("conv", "fc"))


def separable_ratio(C, M, R, S):
    return 1 / C + 1 / (R * S)  # wrong when C != M


def memory_access_cost(h, w, c1, c2):
    return h * w * (c1 + c2) + c1 * c2


def mac_lower_bound(h, w, B):
    return 2 * h * w * B + B / (h * w)  # wrong: no square root


def pointwise_layers(name):
    return [(l.name, l.shape.E, l.shape.F, l.shape.C, l.shape.M) for l in build(name).layers
            if l.type == "conv" and l.shape.R == 1]
