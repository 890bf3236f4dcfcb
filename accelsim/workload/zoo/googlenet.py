"""GoogLeNet / Inception-v1 (Szegedy et al., "Going Deeper with Convolutions", CVPR 2015,
Table 1), built as torchvision builds it (``torchvision.models.googlenet``, no auxiliary
heads): every conv is a ``BasicConv2d`` (conv without bias → batch norm → ReLU), the max
pools use ``ceil_mode=True``, and — torchvision's known deviation from the paper
(pytorch/vision#906) — the "5×5" branch uses a 3×3 conv (pad 1).

Layer names follow torchvision's module names (``inception3a.branch2.1.conv`` …); the
ReLU inside ``BasicConv2d`` (functional) is ``….relu`` and each Inception block ends in a
``….concat`` of its four branches.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import Kernel, NetBuilder, Padding
from ..network import Network

SOURCE = "Szegedy et al., CVPR 2015, Table 1; torchvision.models.googlenet"


def basic_conv(b: NetBuilder, x: str, M: int, k: Kernel, stride: int = 1, pad: Padding = 0, *, name: str) -> str:
    """torchvision's ``BasicConv2d`` (GoogLeNet, Inception-v3): conv (no bias) → BN → ReLU."""
    with b.scope(name):
        return b.conv_bn(x, M, k, stride, pad, name="conv", bn_name="bn", act_name="relu")


class InceptionSpec(NamedTuple):
    """A Table 1 row: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj."""

    ch1x1: int
    ch3x3red: int
    ch3x3: int
    ch5x5red: int
    ch5x5: int
    pool_proj: int


# Table 1 (torchvision's Inception(in_channels, ...) arguments); output sizes at 224×224.
BLOCKS: tuple[tuple[str, InceptionSpec], ...] = (
    ("inception3a", InceptionSpec(64, 96, 128, 16, 32, 32)),     # 28×28×256
    ("inception3b", InceptionSpec(128, 128, 192, 32, 96, 64)),   # 28×28×480
    ("inception4a", InceptionSpec(192, 96, 208, 16, 48, 64)),    # 14×14×512
    ("inception4b", InceptionSpec(160, 112, 224, 24, 64, 64)),   # 14×14×512
    ("inception4c", InceptionSpec(128, 128, 256, 24, 64, 64)),   # 14×14×512
    ("inception4d", InceptionSpec(112, 144, 288, 32, 64, 64)),   # 14×14×528
    ("inception4e", InceptionSpec(256, 160, 320, 32, 128, 128)),  # 14×14×832
    ("inception5a", InceptionSpec(256, 160, 320, 32, 128, 128)),  # 7×7×832
    ("inception5b", InceptionSpec(384, 192, 384, 48, 128, 128)),  # 7×7×1024
)
# Max pools between stages (stride 2, ceil mode): block they follow -> (name, kernel).
POOL_AFTER: dict[str, tuple[str, int]] = {
    "inception3b": ("maxpool3", 3),  # 28 → 14
    "inception4e": ("maxpool4", 2),  # 14 → 7 (torchvision: 2×2; the paper: 3×3)
}


def _inception(b: NetBuilder, x: str, s: InceptionSpec) -> str:
    branch1 = basic_conv(b, x, s.ch1x1, 1, name="branch1")
    branch2 = basic_conv(b, x, s.ch3x3red, 1, name="branch2.0")
    branch2 = basic_conv(b, branch2, s.ch3x3, 3, 1, 1, name="branch2.1")
    branch3 = basic_conv(b, x, s.ch5x5red, 1, name="branch3.0")
    branch3 = basic_conv(b, branch3, s.ch5x5, 3, 1, 1, name="branch3.1")  # 3×3, not 5×5 (vision#906)
    branch4 = b.maxpool(x, 3, 1, 1, ceil_mode=True, name="branch4.0")
    branch4 = basic_conv(b, branch4, s.pool_proj, 1, name="branch4.1")
    return b.concat([branch1, branch2, branch3, branch4], name="concat")


def googlenet() -> Network:
    b = NetBuilder("googlenet", C=3, H=224, W=224, description="GoogLeNet, 224x224 input, as torchvision builds it (no aux heads)", source=SOURCE)
    x = basic_conv(b, b.input, 64, 7, 2, 3, name="conv1")            # 112×112×64
    x = b.maxpool(x, 3, 2, ceil_mode=True, name="maxpool1")         # 56×56
    x = basic_conv(b, x, 64, 1, name="conv2")
    x = basic_conv(b, x, 192, 3, 1, 1, name="conv3")                 # 56×56×192
    x = b.maxpool(x, 3, 2, ceil_mode=True, name="maxpool2")         # 28×28
    for name, spec in BLOCKS:
        with b.scope(name):
            x = _inception(b, x, spec)
        if name in POOL_AFTER:
            pool, k = POOL_AFTER[name]
            x = b.maxpool(x, k, 2, ceil_mode=True, name=pool)
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="fc")
    return b.build()
