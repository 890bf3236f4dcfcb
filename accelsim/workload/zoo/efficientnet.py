"""EfficientNet-B0 (Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional
Neural Networks", ICML 2019, Table 1), built as torchvision builds it
(``torchvision.models.efficientnet_b0``, 224×224 input): a 3×3/2 stem with SiLU, seven
stages of MBConv blocks (optional 1×1 expansion → k×k depthwise → squeeze-and-excite →
linear 1×1 projection, batch norm after every conv, SiLU after the expansion and the
depthwise conv; a residual add where stride is 1 and the channels are unchanged), a 1×1
conv to 1280, a global average pool and a 1000-way fc.

Squeeze-and-excite is torchvision's ``SqueezeExcitation`` with SiLU and sigmoid, squeezing
to ``max(1, block input channels // 4)``: global average pool → 1×1 conv with bias → SiLU →
1×1 conv with bias → sigmoid → channel-wise multiply (``….scale``).

Layer names follow torchvision's module names (``features.2.0.block.1.0``,
``features.2.0.block.2.fc1`` …); a ``Conv2dNormActivation`` at prefix P is P.0 (conv), P.1
(BN), P.2 (activation). The residual sum of a block is ``features.S.I.add``. Stochastic
depth (no parameters, identity at inference) and dropout (``classifier.0``) are omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network
from .mobilenet_v2 import conv_norm_act
from .mobilenet_v3 import SE, inverted_residual

SOURCE = "Tan & Le, ICML 2019, Table 1; torchvision.models.efficientnet"


class Stage(NamedTuple):
    """A Table 1 row (torchvision's ``MBConvConfig``): expansion ratio, kernel, first
    stride, input channels, output channels, layers."""

    expand: int
    k: int
    s: int
    inp: int
    out: int
    n: int


# Table 1: EfficientNet-B0 (width and depth multipliers 1.0); input 224×224×3.
STEM = 32          # stage 1: 3×3/2 conv → 112×112×32
LAST = 1280        # stage 9: 1×1 conv
STAGES: tuple[Stage, ...] = (
    Stage(1, 3, 1, 32, 16, 1),    # MBConv1 3×3, 112×112×16
    Stage(6, 3, 2, 16, 24, 2),    # MBConv6 3×3, 56×56×24
    Stage(6, 5, 2, 24, 40, 2),    # MBConv6 5×5, 28×28×40
    Stage(6, 3, 2, 40, 80, 3),    # MBConv6 3×3, 14×14×80
    Stage(6, 5, 1, 80, 112, 3),   # MBConv6 5×5, 14×14×112
    Stage(6, 5, 2, 112, 192, 4),  # MBConv6 5×5, 7×7×192
    Stage(6, 3, 1, 192, 320, 1),  # MBConv6 3×3, 7×7×320
)


def _mbconv(b: NetBuilder, x: str, st: Stage, stride: int) -> str:
    """torchvision's ``MBConv``: [1×1 expand] → k×k depthwise → SE (SiLU, sigmoid; squeeze to
    a quarter of the block's input channels) → 1×1 linear (+ x, after stochastic depth)."""
    inp = b.channels(x)
    se = SE(max(1, inp // 4), act="swish", scale_act="sigmoid")
    return inverted_residual(b, x, st.k, inp * st.expand, st.out, stride, "swish", se)


def efficientnet_b0() -> Network:
    b = NetBuilder("efficientnet_b0", C=3, H=224, W=224, description="EfficientNet-B0, 224x224 input, as torchvision builds it", source=SOURCE)
    with b.scope("features"):
        x = conv_norm_act(b, b.input, STEM, 3, 2, act="swish", name="0")
        for si, st in enumerate(STAGES, start=1):
            for i in range(st.n):
                with b.scope(f"{si}.{i}"):
                    x = _mbconv(b, x, st, st.s if i == 0 else 1)
        x = conv_norm_act(b, x, LAST, 1, act="swish", name=str(len(STAGES) + 1))
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="classifier.1")
    return b.build()
