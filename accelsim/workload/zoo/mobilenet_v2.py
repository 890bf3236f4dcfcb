"""MobileNet v2 1.0 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
Bottlenecks", CVPR 2018, Table 2), built as torchvision builds it
(``torchvision.models.mobilenet_v2``, width 1.0, 224×224 input): a 3×3/2 stem, 17 inverted
residual blocks (1×1 expansion → 3×3 depthwise → linear 1×1 projection, each conv followed
by batch norm, ReLU6 after all but the projection; a residual add where stride is 1 and
the channels are unchanged), a 1×1 conv to 1280, a global average pool and a 1000-way fc.

Layer names follow torchvision's module names (``features.2.conv.0.0``,
``features.2.conv.1.2``, ``features.2.conv.3`` …); a ``Conv2dNormActivation`` at prefix P
is P.0 (conv), P.1 (BN), P.2 (activation). The residual sum of block N is
``features.N.add``; the global pool torchvision calls functionally
(``F.adaptive_avg_pool2d``) is ``avgpool``. Dropout (``classifier.0``) is omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Sandler et al., CVPR 2018, Table 2; torchvision.models.mobilenetv2"


class Bottleneck(NamedTuple):
    """A Table 2 row: expansion t, output channels c, repeats n, first stride s."""

    t: int
    c: int
    n: int
    s: int


# Table 2 (torchvision's inverted_residual_setting); input 224×224×3.
STEM = 32          # 3×3/2 conv → 112×112×32
LAST = 1280        # final 1×1 conv
SETTING: tuple[Bottleneck, ...] = (
    Bottleneck(1, 16, 1, 1),   # 112×112×16
    Bottleneck(6, 24, 2, 2),   # 56×56×24
    Bottleneck(6, 32, 3, 2),   # 28×28×32
    Bottleneck(6, 64, 4, 2),   # 14×14×64
    Bottleneck(6, 96, 3, 1),   # 14×14×96
    Bottleneck(6, 160, 3, 2),  # 7×7×160
    Bottleneck(6, 320, 1, 1),  # 7×7×320
)


def conv_norm_act(
    b: NetBuilder, x: str, M: int, k: int, stride: int = 1, *, groups: int = 1, act: str | None, name: str
) -> str:
    """torchvision's ``Conv2dNormActivation``: conv (no bias, "same" padding) → BN → act,
    named ``name.0``, ``name.1``, ``name.2``."""
    with b.scope(name):
        return b.conv_bn(x, M, k, stride, (k - 1) // 2, groups=groups, act=act, name="0", bn_name="1", act_name="2")


def _inverted_residual(b: NetBuilder, x: str, oup: int, stride: int, t: int) -> str:
    """torchvision's ``InvertedResidual``: [1×1 expand] → 3×3 depthwise → 1×1 linear (+ x)."""
    inp = b.channels(x)
    hidden = inp * t
    layers = 0
    with b.scope("conv"):
        y = x
        if t != 1:
            y = conv_norm_act(b, y, hidden, 1, act="relu6", name=str(layers))
            layers += 1
        y = conv_norm_act(b, y, hidden, 3, stride, groups=hidden, act="relu6", name=str(layers))
        y = b.conv(y, oup, 1, name=str(layers + 1))
        y = b.bn(y, name=str(layers + 2))
    if stride == 1 and inp == oup:
        y = b.add([x, y], name="add")
    return y


def mobilenet_v2() -> Network:
    b = NetBuilder("mobilenet_v2", C=3, H=224, W=224, description="MobileNet v2 1.0, 224x224 input, as torchvision builds it", source=SOURCE)
    with b.scope("features"):
        x = conv_norm_act(b, b.input, STEM, 3, 2, act="relu6", name="0")
        index = 1
        for row in SETTING:
            for i in range(row.n):
                with b.scope(str(index)):
                    x = _inverted_residual(b, x, row.c, row.s if i == 0 else 1, row.t)
                index += 1
        x = conv_norm_act(b, x, LAST, 1, act="relu6", name=str(index))
    x = b.global_pool(x, name="avgpool")  # F.adaptive_avg_pool2d(x, (1, 1))
    b.fc(x, 1000, name="classifier.1")
    return b.build()
