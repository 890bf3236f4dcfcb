"""Assignment 1 — counting. Fill in every function that raises NotImplementedError
(see ../handout.md), then check yourself with:

    accelsim grade assignments/1 path/to/your/folder
"""
from __future__ import annotations

import math  # noqa: F401 - you will need it

from accelsim.workload.zoo import build  # noqa: F401 - build("resnet18").layers: the zoo's layers


def output_size(H: int, R: int, stride: int = 1, pad: int = 0, dilation: int = 1) -> int:
    """Output rows E of a conv with H input rows, R filter rows, stride, symmetric padding."""
    raise NotImplementedError


def conv_macs(N: int, C: int, H: int, W: int, M: int, R: int, S: int, stride: int = 1, pad: int = 0, groups: int = 1) -> int:
    """Multiply-accumulates of one conv layer (batch N, C -> M channels, R x S filters)."""
    raise NotImplementedError


def conv_weights(C: int, M: int, R: int, S: int, groups: int = 1) -> int:
    """Weights (no biases) of one conv layer."""
    raise NotImplementedError


def network_macs(name: str) -> int:
    """MACs of every conv and fc layer of the zoo network ``name``, batch 1 (an fc layer is
    a conv with R = H, S = W and a 1 x 1 output: look at ``layer.type`` and ``layer.shape``)."""
    raise NotImplementedError


def network_weights(name: str) -> int:
    """Weights (no biases, no batch-norm parameters) of every conv and fc layer."""
    raise NotImplementedError


def separable_ratio(C: int, M: int, R: int, S: int) -> float:
    """MACs of a depthwise R x S conv followed by a pointwise 1 x 1 conv (C -> M), over the
    MACs of the standard R x S conv (C -> M) with the same output size."""
    raise NotImplementedError


def memory_access_cost(h: int, w: int, c1: int, c2: int) -> int:
    """ShuffleNet v2's memory access cost of a 1 x 1 conv, c1 -> c2 channels on h x w."""
    raise NotImplementedError


def mac_lower_bound(h: int, w: int, B: int) -> float:
    """ShuffleNet v2's lower bound on that cost for B = h·w·c1·c2 FLOPs."""
    raise NotImplementedError


def pointwise_layers(name: str) -> list[tuple[str, int, int, int, int]]:
    """(layer name, h, w, c1, c2) of every 1 x 1 conv with groups 1 in the network."""
    raise NotImplementedError
