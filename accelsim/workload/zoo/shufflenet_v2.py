"""ShuffleNet v2 1× (Ma et al., "ShuffleNet V2: Practical Guidelines for Efficient CNN
Architecture Design", ECCV 2018, Table 5), built as torchvision builds it
(``torchvision.models.shufflenet_v2_x1_0``, 224×224 input): a 3×3/2 stem and a 3×3/2 max
pool, three stages of units, a 1×1 conv to 1024, a global average pool and a 1000-way fc.

A stride-2 unit feeds the whole input to both branches (``branch1``: 3×3/2 depthwise → BN
→ 1×1 → BN → ReLU; ``branch2``: 1×1 → BN → ReLU → 3×3/2 depthwise → BN → 1×1 → BN →
ReLU) and concatenates them. A stride-1 unit splits the channels in half
(``x.chunk(2, dim=1)``: ``chunk.0`` = channels [0, C/2), ``chunk.1`` = [C/2, C)), runs
only the second half through ``branch2`` and concatenates the untouched first half with
it. Every unit ends in a channel shuffle with 2 groups. Every conv is bias-free.

Layer names follow torchvision's module names (``stage2.0.branch1.2``,
``stage3.4.branch2.5`` …; ``conv1.0``, ``conv5.1`` …). The split halves are
``….chunk.0`` / ``….chunk.1`` (slice layers: no arithmetic), the concatenation
``….concat``, the shuffle ``….shuffle``; the global pool torchvision computes with
``x.mean([2, 3])`` is ``mean``.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Ma et al., ECCV 2018, Table 5; torchvision.models.shufflenetv2"

# Table 5, 1× column (torchvision's stages_repeats, stages_out_channels); input 224×224.
STEM = 24                      # conv1 3×3/2 → 112×112, maxpool → 56×56
STAGES: tuple[tuple[str, int, int], ...] = (
    ("stage2", 4, 116),        # 28×28×116
    ("stage3", 8, 232),        # 14×14×232
    ("stage4", 4, 464),        # 7×7×464
)
LAST = 1024                    # conv5 1×1


def _branch1(b: NetBuilder, x: str, features: int) -> str:
    """The stride-2 shortcut branch: 3×3/2 depthwise → BN → 1×1 → BN → ReLU."""
    inp = b.channels(x)
    with b.scope("branch1"):
        y = b.conv(x, inp, 3, 2, 1, groups=inp, name="0")
        y = b.bn(y, name="1")
        return b.conv_bn(y, features, 1, name="2", bn_name="3", act_name="4")


def _branch2(b: NetBuilder, x: str, features: int, stride: int) -> str:
    """1×1 → BN → ReLU → 3×3 depthwise (stride) → BN → 1×1 → BN → ReLU."""
    with b.scope("branch2"):
        y = b.conv_bn(x, features, 1, name="0", bn_name="1", act_name="2")
        y = b.conv(y, features, 3, stride, 1, groups=features, name="3")
        y = b.bn(y, name="4")
        return b.conv_bn(y, features, 1, name="5", bn_name="6", act_name="7")


def _unit(b: NetBuilder, x: str, oup: int, stride: int) -> str:
    """torchvision's ``InvertedResidual`` (a ShuffleNet v2 unit)."""
    features = oup // 2
    if stride == 1:
        c = b.channels(x)
        x1 = b.slice(x, 0, c // 2, name="chunk.0")
        x2 = b.slice(x, c // 2, c, name="chunk.1")
        y = b.concat([x1, _branch2(b, x2, features, 1)], name="concat")
    else:
        y1 = _branch1(b, x, features)
        y2 = _branch2(b, x, features, stride)
        y = b.concat([y1, y2], name="concat")
    return b.shuffle(y, 2, name="shuffle")


def shufflenet_v2_x1_0() -> Network:
    b = NetBuilder(
        "shufflenet_v2_x1_0", C=3, H=224, W=224,
        description="ShuffleNet v2 1.0x, 224x224 input, as torchvision builds it", source=SOURCE,
    )
    with b.scope("conv1"):
        x = b.conv_bn(b.input, STEM, 3, 2, 1, name="0", bn_name="1", act_name="2")
    x = b.maxpool(x, 3, 2, 1, name="maxpool")
    for stage, repeats, oup in STAGES:
        for i in range(repeats):
            with b.scope(f"{stage}.{i}"):
                x = _unit(b, x, oup, 2 if i == 0 else 1)
    with b.scope("conv5"):
        x = b.conv_bn(x, LAST, 1, name="0", bn_name="1", act_name="2")
    x = b.global_pool(x, name="mean")  # x.mean([2, 3])
    b.fc(x, 1000, name="fc")
    return b.build()
