"""MnasNet 1.0 (Tan et al., "MnasNet: Platform-Aware Neural Architecture Search for Mobile",
CVPR 2019; the B1 search result without squeeze-excite, Figure 7(a)), built as torchvision
builds it (``torchvision.models.mnasnet1_0``, depth multiplier 1.0, 224×224 input): a 3×3/2
stem (32), a depthwise-separable block (3×3 depthwise 32 → 1×1 to 16, no residual), six
stacks of inverted residuals (1×1 expansion → k×k depthwise → 1×1 linear projection, BN
after every conv, ReLU after the first two; a residual add where stride is 1 and the
channels are unchanged), a 1×1 conv to 1280, a mean over H and W and a 1000-way fc.

Layer names follow torchvision's module names (``layers.0`` … ``layers.16``; the stacks are
``layers.8`` … ``layers.13``, block j of a stack ``layers.8.j.layers.0`` …, its residual sum
``layers.8.j.add``); the mean torchvision computes functionally (``x.mean([2, 3])``) is
``mean``. Dropout (``classifier.0``) is omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Tan et al., CVPR 2019, Figure 7(a) (MnasNet-B1); torchvision.models.mnasnet"


class Stack(NamedTuple):
    """torchvision's ``_stack(in, out, kernel, stride, expansion, repeats)``."""

    out: int
    k: int
    s: int
    expand: int
    n: int


DEPTHS = (32, 16)           # stem, separable block output (alpha = 1.0: _get_depths unchanged)
STACKS: tuple[Stack, ...] = (
    Stack(24, 3, 2, 3, 3),    # 56×56
    Stack(40, 5, 2, 3, 3),    # 28×28
    Stack(80, 5, 2, 6, 3),    # 14×14
    Stack(96, 3, 1, 6, 2),    # 14×14
    Stack(192, 5, 2, 6, 4),   # 7×7
    Stack(320, 3, 1, 6, 1),   # 7×7
)
LAST = 1280


def _inverted_residual(b: NetBuilder, x: str, out: int, k: int, stride: int, expand: int) -> str:
    inp = b.channels(x)
    mid = inp * expand
    with b.scope("layers"):
        y = b.conv_bn(x, mid, 1, name="0", bn_name="1", act_name="2")
        y = b.conv_bn(y, mid, k, stride, k // 2, groups=mid, name="3", bn_name="4", act_name="5")
        y = b.conv_bn(y, out, 1, act=None, name="6", bn_name="7")
    if inp == out and stride == 1:
        y = b.add([y, x], name="add")
    return y


def mnasnet1_0() -> Network:
    b = NetBuilder("mnasnet1_0", C=3, H=224, W=224, description="MnasNet 1.0 (B1), 224x224 input, as torchvision builds it",
                   source=SOURCE)
    with b.scope("layers"):
        x = b.conv_bn(b.input, DEPTHS[0], 3, 2, 1, name="0", bn_name="1", act_name="2")
        x = b.conv_bn(x, DEPTHS[0], 3, 1, 1, groups=DEPTHS[0], name="3", bn_name="4", act_name="5")
        x = b.conv_bn(x, DEPTHS[1], 1, act=None, name="6", bn_name="7")
        for si, st in enumerate(STACKS, start=8):
            for j in range(st.n):
                with b.scope(f"{si}.{j}"):
                    x = _inverted_residual(b, x, st.out, st.k, st.s if j == 0 else 1, st.expand)
        x = b.conv_bn(x, LAST, 1, name="14", bn_name="15", act_name="16")
    x = b.global_pool(x, name="mean")
    b.fc(x, 1000, name="classifier.1")
    return b.build()
