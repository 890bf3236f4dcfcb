"""EfficientNet-B0 … B7 (Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional
Neural Networks", ICML 2019, Table 1), built as torchvision builds it
(``torchvision.models.efficientnet_b0``, 224×224 input): a 3×3/2 stem with SiLU, seven
stages of MBConv blocks (optional 1×1 expansion → k×k depthwise → squeeze-and-excite →
linear 1×1 projection, batch norm after every conv, SiLU after the expansion and the
depthwise conv; a residual add where stride is 1 and the channels are unchanged), a 1×1
conv to 1280, a global average pool and a 1000-way fc.

Squeeze-and-excite is torchvision's ``SqueezeExcitation`` with SiLU and sigmoid, squeezing
to ``max(1, block input channels // 4)``: global average pool → 1×1 conv with bias → SiLU →
1×1 conv with bias → sigmoid → channel-wise multiply (``….scale``).

B1–B7 scale B0 by Tan & Le's compound scaling (§3.3, Table 2) as torchvision does it
(``_efficientnet_conf``): every stage's channels ×width through ``_make_divisible(c·w, 8)``
(the stem is the first stage's scaled input, the last 1×1 conv 4× the last stage's
output), every stage's repeats ×depth rounded up, at the resolution of torchvision's
weights (its transforms' crop size: 240, 288, 300, 380, 456, 528, 600 for B1–B7; Table 2
gives 260 for B2, torchvision's B2 weights use 288 — the zoo follows torchvision).

Layer names follow torchvision's module names (``features.2.0.block.1.0``,
``features.2.0.block.2.fc1`` …); a ``Conv2dNormActivation`` at prefix P is P.0 (conv), P.1
(BN), P.2 (activation). The residual sum of a block is ``features.S.I.add``. Stochastic
depth (no parameters, identity at inference) and dropout (``classifier.0``) are omitted.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network
from .mobilenet_v2 import conv_norm_act
from .mobilenet_v3 import SE, inverted_residual, make_divisible

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


# Table 1: EfficientNet-B0 (width and depth multipliers 1.0); input 224×224×3. The stem
# (stage 1, 3×3/2 conv → 112×112×32) is the first stage's input, the last 1×1 conv
# (stage 9, 1280) 4× the last stage's output.
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


# Tan & Le Table 2 / torchvision: (width multiplier, depth multiplier, resolution).
SCALING: dict[str, tuple[float, float, int]] = {
    "b0": (1.0, 1.0, 224),
    "b1": (1.0, 1.1, 240),
    "b2": (1.1, 1.2, 288),
    "b3": (1.2, 1.4, 300),
    "b4": (1.4, 1.8, 380),
    "b5": (1.6, 2.2, 456),
    "b6": (1.8, 2.6, 528),
    "b7": (2.0, 3.1, 600),
}


def scaled(width: float, depth: float) -> tuple[Stage, ...]:
    """Table 1 scaled as torchvision's ``MBConvConfig`` does: channels by
    ``_make_divisible(c·width, 8)``, repeats by ``ceil(n·depth)``."""
    return tuple(
        Stage(st.expand, st.k, st.s, make_divisible(st.inp * width), make_divisible(st.out * width), int(math.ceil(st.n * depth)))
        for st in STAGES
    )


def efficientnet(variant: str) -> Network:
    width, depth, res = SCALING[variant]
    stages = scaled(width, depth)
    scaling = f" (width {width}, depth {depth})" if variant != "b0" else ""
    b = NetBuilder(
        f"efficientnet_{variant}", C=3, H=res, W=res, source=SOURCE,
        description=f"EfficientNet-{variant.upper()}{scaling}, {res}x{res} input, as torchvision builds it",
    )
    with b.scope("features"):
        x = conv_norm_act(b, b.input, stages[0].inp, 3, 2, act="swish", name="0")
        for si, st in enumerate(stages, start=1):
            for i in range(st.n):
                with b.scope(f"{si}.{i}"):
                    x = _mbconv(b, x, st, st.s if i == 0 else 1)
        x = conv_norm_act(b, x, 4 * stages[-1].out, 1, act="swish", name=str(len(stages) + 1))
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="classifier.1")
    return b.build()


def efficientnet_b0() -> Network:
    return efficientnet("b0")


def efficientnet_b1() -> Network:
    return efficientnet("b1")


def efficientnet_b2() -> Network:
    return efficientnet("b2")


def efficientnet_b3() -> Network:
    return efficientnet("b3")


def efficientnet_b4() -> Network:
    return efficientnet("b4")


def efficientnet_b5() -> Network:
    return efficientnet("b5")


def efficientnet_b6() -> Network:
    return efficientnet("b6")


def efficientnet_b7() -> Network:
    return efficientnet("b7")
