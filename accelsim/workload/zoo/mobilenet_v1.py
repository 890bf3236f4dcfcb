"""MobileNet v1 1.0 (Howard et al., "MobileNets: Efficient Convolutional Neural Networks
for Mobile Vision Applications", arXiv:1704.04861, 2017, Table 1), 224×224 input: a full
3×3/2 conv, then 13 depthwise separable convs (3×3 depthwise → 1×1 pointwise), each conv
bias-free and followed by batch norm and ReLU (Figure 3), a 7×7 global average pool and a
1000-way fc with bias.

Table 1 prints the 13th depthwise conv ("Conv dw / s2" on 7×7×1024) with stride 2, but its
own output column stays at 7×7: it has stride 1, as in the reference implementation
(tensorflow/models, research/slim/nets/mobilenet_v1.py, ``MOBILENETV1_CONV_DEFS``). The
3×3 convs pad by 1 on every side; TF-slim's "SAME" padding pads the stride-2 ones by 0
before and 1 after instead, which gives the same output sizes and the same counts. The
activation is the paper's ReLU (slim's default is ReLU6: same shapes, same counts).

Layer names follow TF-slim's scopes (``Conv2d_0``, ``Conv2d_1_depthwise``,
``Conv2d_1_pointwise`` … ``Conv2d_13_pointwise``, each with ``….bn`` and ``….relu``;
``AvgPool_1a``; ``Logits``, here an fc). Dropout and softmax are omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Howard et al., arXiv:1704.04861, Table 1; tensorflow/models slim mobilenet_v1"


class Separable(NamedTuple):
    """A pair of Table 1 rows: "Conv dw / s" then "Conv / s1" with 1×1×(in)×out filters."""

    stride: int
    out: int


# Table 1 (slim's MOBILENETV1_CONV_DEFS); input 224×224×3.
STEM = 32                      # Conv / s2, 3×3×3×32 → 112×112×32
LAYERS: tuple[Separable, ...] = (
    Separable(1, 64),          # 112×112×64
    Separable(2, 128),         # 56×56×128
    Separable(1, 128),
    Separable(2, 256),         # 28×28×256
    Separable(1, 256),
    Separable(2, 512),         # 14×14×512
    Separable(1, 512),         # ×5
    Separable(1, 512),
    Separable(1, 512),
    Separable(1, 512),
    Separable(1, 512),
    Separable(2, 1024),        # 7×7×1024
    Separable(1, 1024),        # Table 1 says s2; its output (7×7) and the code say s1
)
CLASSES = 1000


def depth(channels: int, width: float) -> int:
    """TF-slim's ``depth``: max(int(channels · width multiplier α), 8)."""
    return max(int(channels * width), 8)


def _separable(b: NetBuilder, x: str, s: Separable, index: int, width: float = 1.0) -> str:
    """3×3 depthwise (stride s) → BN → ReLU → 1×1 pointwise → BN → ReLU (Figure 3, right)."""
    c = b.channels(x)
    x = b.conv_bn(x, c, 3, s.stride, 1, groups=c, name=f"Conv2d_{index}_depthwise")
    return b.conv_bn(x, depth(s.out, width), 1, name=f"Conv2d_{index}_pointwise")


def mobilenet_v1(width: float = 1.0, resolution: int = 224, name: str | None = None) -> Network:
    """MobileNet α-ρ (§4.2-4.3): width multiplier α thins every layer's channels (as
    TF-slim's ``depth_multiplier``; the 1000-way classifier stays), resolution multiplier ρ
    the input (224, 192, 160, 128)."""
    variant = width != 1.0 or resolution != 224
    b = NetBuilder(
        name or ("mobilenet_v1" if not variant else f"mobilenet_v1_{width:g}_{resolution}"), C=3, H=resolution, W=resolution,
        description=(f"MobileNet v1 {width:g}, {resolution}x{resolution} input (Howard et al. 2017, Tables 1, 6, 7)" if variant
                     else "MobileNet v1 1.0, 224x224 input (Howard et al. 2017, Table 1)"),
        source=SOURCE,
    )
    x = b.conv_bn(b.input, depth(STEM, width), 3, 2, 1, name="Conv2d_0")
    for index, s in enumerate(LAYERS, start=1):
        x = _separable(b, x, s, index, width)
    x = b.global_pool(x, name="AvgPool_1a")
    b.fc(x, CLASSES, name="Logits")
    return b.build()
