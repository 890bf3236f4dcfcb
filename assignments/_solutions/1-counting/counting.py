"""Assignment 1 — counting: reference solution."""
from __future__ import annotations

import math

from accelsim.workload.zoo import build


def output_size(H: int, R: int, stride: int = 1, pad: int = 0, dilation: int = 1) -> int:
    return (H + 2 * pad - dilation * (R - 1) - 1) // stride + 1


def conv_macs(N: int, C: int, H: int, W: int, M: int, R: int, S: int, stride: int = 1, pad: int = 0, groups: int = 1) -> int:
    E, F = output_size(H, R, stride, pad), output_size(W, S, stride, pad)
    return N * M * E * F * (C // groups) * R * S


def conv_weights(C: int, M: int, R: int, S: int, groups: int = 1) -> int:
    return M * (C // groups) * R * S


def network_macs(name: str) -> int:
    total = 0
    for layer in build(name).layers:
        if layer.type in ("conv", "fc"):
            s = layer.shape
            total += s.N * s.M * s.E * s.F * (s.C // s.G) * s.R * s.S
    return total


def network_weights(name: str) -> int:
    return sum(conv_weights(l.shape.C, l.shape.M, l.shape.R, l.shape.S, l.shape.G) for l in build(name).layers if l.type in ("conv", "fc"))


def separable_ratio(C: int, M: int, R: int, S: int) -> float:
    return (C * R * S + C * M) / (C * M * R * S)


def memory_access_cost(h: int, w: int, c1: int, c2: int) -> int:
    return h * w * (c1 + c2) + c1 * c2


def mac_lower_bound(h: int, w: int, B: int) -> float:
    return 2 * math.sqrt(h * w * B) + B / (h * w)


def pointwise_layers(name: str) -> list[tuple[str, int, int, int, int]]:
    out = []
    for l in build(name).layers:
        s = l.shape
        if l.type == "conv" and s.R == 1 and s.S == 1 and s.G == 1:
            out.append((l.name, s.E, s.F, s.C, s.M))
    return out
