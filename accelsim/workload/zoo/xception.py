"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions",
CVPR 2017, Figure 5), built as Keras applications builds it
(``keras.applications.xception.Xception``, 299×299 input, ``include_top=True``): an entry
flow (two plain 3×3 convs, "valid", then three blocks of two separable convs and a 3×3/2
max pool beside a 1×1/2 conv shortcut), a middle flow of 8 blocks of three separable convs
with identity shortcuts, an exit flow (one more pooled block, then separable convs to 1536
and 2048), a global average pool and a 1000-way fc with bias.

A Keras ``SeparableConv2D`` is two layers here: a 3×3 depthwise conv (pad 1) and a 1×1
pointwise conv, both bias-free; batch norm follows every separable or plain conv. Keras
pads "same" as TensorFlow does — the total padding of a window of k at stride s over n is
max((⌈n/s⌉ − 1)·s + k − n, 0), the odd pixel at the end — so the block-3 pool (74 → 37)
pads by 0 before and 1 after; the others, and every 1×1/2 shortcut, are symmetric or
unpadded. The feature maps go 299 → 149 → 147 → 74 → 37 → 19 → 10.

Layer names follow Keras' layer names (``block1_conv1``, ``block1_conv1_bn``,
``block2_sepconv2_act``, ``block13_pool`` …); a separable conv ``P`` is ``P.depthwise`` and
``P.pointwise``. The unnamed shortcut convs, their BNs and the adds take the names Keras
gives them in a fresh session (``conv2d`` … ``conv2d_3``, ``batch_normalization`` …
``batch_normalization_3``, ``add`` … ``add_11``). The softmax is omitted.
"""
from __future__ import annotations

import math

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Chollet, CVPR 2017, Figure 5; keras.applications.xception"

# Figure 5 (Keras' filter counts); input 299×299×3.
STEM = ((32, 2), (64, 1))             # block1_conv1 3×3/2 valid → 149; block1_conv2 3×3 valid → 147
ENTRY: tuple[tuple[int, int], ...] = (
    (128, 128),                        # block2 → 74×74×128
    (256, 256),                        # block3 → 37×37×256
    (728, 728),                        # block4 → 19×19×728
)
MIDDLE = (728, 8)                      # blocks 5–12: three separable convs of 728, ×8 (19×19)
EXIT_POOLED = (728, 1024)              # block13 → 10×10×1024
EXIT = (1536, 2048)                    # block14
CLASSES = 1000


class _Names:
    """Keras' automatic names for the unnamed layers (``conv2d``, ``conv2d_1`` …)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        n = self._seen.get(base, 0)
        self._seen[base] = n + 1
        return base if n == 0 else f"{base}_{n}"


def _same(size: int, k: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "same" padding along one axis: (before, after)."""
    total = max((math.ceil(size / stride) - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def _pad(b: NetBuilder, x: str, k: int, stride: int) -> tuple[int, int, int, int]:
    t = b.shape(x)
    return (*_same(t.H, k, stride), *_same(t.W, k, stride))


def _sepconv_bn(b: NetBuilder, x: str, M: int, name: str) -> str:
    """Keras' ``SeparableConv2D(M, 3, padding="same", use_bias=False)`` → BN."""
    c = b.channels(x)
    y = b.conv(x, c, 3, 1, _pad(b, x, 3, 1), groups=c, name=f"{name}.depthwise")
    y = b.conv(y, M, 1, name=f"{name}.pointwise")
    return b.bn(y, name=f"{name}_bn")


def _pooled_block(b: NetBuilder, x: str, block: int, filters: tuple[int, int], auto: _Names, first_act: bool = True) -> str:
    """Two separable convs and a 3×3/2 "same" max pool, plus a 1×1/2 conv + BN shortcut."""
    residual = b.conv(x, filters[1], 1, 2, _pad(b, x, 1, 2), name=auto("conv2d"))
    residual = b.bn(residual, name=auto("batch_normalization"))
    prefix = f"block{block}"
    for i, M in enumerate(filters, start=1):
        if i > 1 or first_act:
            x = b.relu(x, name=f"{prefix}_sepconv{i}_act")
        x = _sepconv_bn(b, x, M, f"{prefix}_sepconv{i}")
    x = b.maxpool(x, 3, 2, _pad(b, x, 3, 2), name=f"{prefix}_pool")
    return b.add([x, residual], name=auto("add"))


def _middle_block(b: NetBuilder, x: str, block: int, M: int, auto: _Names) -> str:
    """Three ReLU → separable conv → BN, plus the identity."""
    residual = x
    prefix = f"block{block}"
    for i in range(1, 4):
        x = b.relu(x, name=f"{prefix}_sepconv{i}_act")
        x = _sepconv_bn(b, x, M, f"{prefix}_sepconv{i}")
    return b.add([x, residual], name=auto("add"))


def xception() -> Network:
    b = NetBuilder(
        "xception", C=3, H=299, W=299,
        description="Xception, 299x299 input, as Keras applications builds it", source=SOURCE,
    )
    auto = _Names()
    x = b.input
    for i, (M, stride) in enumerate(STEM, start=1):
        x = b.conv_bn(x, M, 3, stride, name=f"block1_conv{i}", bn_name=f"block1_conv{i}_bn", act_name=f"block1_conv{i}_act")
    block = 2
    for filters in ENTRY:   # block2 follows block1_conv2_act directly: no ReLU of its own first
        x = _pooled_block(b, x, block, filters, auto, first_act=block > 2)
        block += 1
    M, repeats = MIDDLE
    for _ in range(repeats):
        x = _middle_block(b, x, block, M, auto)
        block += 1
    x = _pooled_block(b, x, block, EXIT_POOLED, auto)
    block += 1
    for i, M in enumerate(EXIT, start=1):
        x = _sepconv_bn(b, x, M, f"block{block}_sepconv{i}")
        x = b.relu(x, name=f"block{block}_sepconv{i}_act")
    x = b.global_pool(x, name="avg_pool")
    b.fc(x, CLASSES, name="predictions")
    return b.build()
