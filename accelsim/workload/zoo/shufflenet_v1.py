"""ShuffleNet v1 1×, g = 3 (Zhang et al., "ShuffleNet: An Extremely Efficient
Convolutional Neural Network for Mobile Devices", CVPR 2018, Table 1), built as the
authors' reference code builds it (megvii-model/ShuffleNet-Series, ``ShuffleNetV1/
network.py`` and ``blocks.py``, ``ShuffleNetV1(model_size='1.0x', group=3)``, 224×224
input): a 3×3/2 stem (24) and a 3×3/2 max pool, three stages of ShuffleNet units, a 7×7
average pool and a bias-free 960 → 1000 fc.

A unit (``ShuffleV1Block``) is ``branch_main_1`` — 1×1 group conv (g = 3; g = 1 in the
first unit of stage 2) → BN → ReLU → 3×3 depthwise (stride 1 or 2) → BN — then a channel
shuffle (3 groups), then ``branch_main_2`` — 1×1 group conv (g = 3) → BN. The bottleneck
width is out/4. A stride-1 unit adds the input and applies ReLU; a stride-2 unit
concatenates a 3×3/2 average pool of the input (pad 1) with the ReLU of the main branch,
whose last conv therefore produces out − in channels. Every conv is bias-free; BN follows
every conv. (The reference code shuffles after the depthwise conv and its BN, not directly
after the first 1×1 conv as the paper's Figure 2 draws it; both are per-channel layers, so
the order changes no count.)

Layer names follow the reference code's module names (``first_conv.0``,
``features.4.branch_main_1.3``, ``features.4.branch_main_2.0``, ``features.0.branch_proj``,
``classifier.0`` …); the functional shuffle, add, ReLU and concat of unit N are
``features.N.shuffle``, ``….add``, ``….relu`` and ``….concat``. The 7×7 ``globalpool``
(``nn.AvgPool2d(7)`` on a 7×7 map) is a global average pool.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

# Table 1 (1×): output channels of stages 2, 3, 4 by group number g.
TABLE1: dict[int, tuple[int, int, int]] = {
    1: (144, 288, 576),
    2: (200, 400, 800),
    3: (240, 480, 960),
    4: (272, 544, 1088),
    8: (384, 768, 1536),
}
REPEATS = (4, 8, 4)
# The reference code's stage_out_channels for its two groups (stem first), per model size;
# for g = 1, 2, 4 (which it does not build) the stem follows its g = 3 column.
REFERENCE: dict[tuple[int, str], tuple[int, int, int, int]] = {
    (3, "0.5"): (12, 120, 240, 480), (3, "1.0"): (24, 240, 480, 960),
    (3, "1.5"): (24, 360, 720, 1440), (3, "2.0"): (48, 480, 960, 1920),
    (8, "0.5"): (16, 192, 384, 768), (8, "1.0"): (24, 384, 768, 1536),
    (8, "1.5"): (24, 576, 1152, 2304), (8, "2.0"): (48, 768, 1536, 3072),
}
STEM_G3 = {"0.5": 12, "1.0": 24, "1.5": 24, "2.0": 48}

SOURCE = "Zhang et al., CVPR 2018, Table 1; megvii-model/ShuffleNet-Series ShuffleNetV1"

# Table 1, g = 3 column (the reference code's stage_out_channels[1:], stage_repeats).
GROUPS = 3
STEM = 24                      # first_conv 3×3/2 → 112×112, maxpool → 56×56
STAGES: tuple[tuple[int, int], ...] = (
    (240, 4),                  # Stage2: 28×28×240
    (480, 8),                  # Stage3: 14×14×480
    (960, 4),                  # Stage4: 7×7×960
)


def _unit(b: NetBuilder, x: str, oup: int, stride: int, first_group: bool, groups: int = GROUPS) -> str:
    """The reference code's ``ShuffleV1Block`` (3×3 depthwise, mid = oup / 4); g = 1 has no
    shuffle (a permutation of one group is the identity)."""
    inp = b.channels(x)
    mid = oup // 4
    outputs = oup - inp if stride == 2 else oup
    with b.scope("branch_main_1"):
        y = b.conv_bn(x, mid, 1, groups=1 if first_group else groups, name="0", bn_name="1", act_name="2")
        y = b.conv(y, mid, 3, stride, 1, groups=mid, name="3")
        y = b.bn(y, name="4")
    if groups > 1:
        y = b.shuffle(y, groups, name="shuffle")
    with b.scope("branch_main_2"):
        y = b.conv_bn(y, outputs, 1, groups=groups, act=None, name="0", bn_name="1")
    if stride == 1:
        return b.relu(b.add([y, x], name="add"), name="relu")
    proj = b.avgpool(x, 3, 2, 1, name="branch_proj")
    return b.concat([proj, b.relu(y, name="relu")], name="concat")


def channels(groups: int, scale: str) -> tuple[int, int, int, int]:
    """Stem and stage 2–4 outputs of ShuffleNet ``scale``× with g groups: the reference
    code's lists where it has them, else Table 1 × scale (the stem as for g = 3)."""
    if (groups, scale) in REFERENCE:
        return REFERENCE[(groups, scale)]
    s = float(scale)
    stages = tuple(int(c * s) for c in TABLE1[groups])
    for c in stages:
        if (c // 4) % groups or c % 4:
            raise ValueError(f"ShuffleNet v1 {scale}x g={groups}: bottleneck {c}/4 not divisible by {groups}")
    return (STEM_G3[scale], *stages)  # type: ignore[return-value]


def shufflenet_v1(groups: int = 3, scale: str = "1.0", name: str | None = None) -> Network:
    """ShuffleNet v1 ``scale``× (0.5, 1.0, 1.5, 2.0) with g groups (1, 2, 3, 4, 8)."""
    stem, *stages = channels(groups, scale)
    b = NetBuilder(
        name or f"shufflenet_v1_g{groups}_{scale}", C=3, H=224, W=224,
        description=f"ShuffleNet v1 {scale}x, g={groups}, 224x224 input, as the authors' reference code builds it",
        source=SOURCE,
    )
    with b.scope("first_conv"):
        x = b.conv_bn(b.input, stem, 3, 2, 1, name="0", bn_name="1", act_name="2")
    x = b.maxpool(x, 3, 2, 1, name="maxpool")
    index = 0
    for stage, (oup, repeats) in enumerate(zip(stages, REPEATS)):
        for i in range(repeats):
            with b.scope(f"features.{index}"):
                x = _unit(b, x, oup, 2 if i == 0 else 1, stage == 0 and i == 0, groups)
            index += 1
    x = b.global_pool(x, name="globalpool")  # nn.AvgPool2d(7) on 7×7
    b.fc(x, 1000, bias=False, name="classifier.0")
    return b.build()


def shufflenet_v1_g3() -> Network:
    return shufflenet_v1(3, "1.0", name="shufflenet_v1_g3")
