"""CondenseNet-74 with C = G = 4 and 8 (Huang, Liu, van der Maaten & Weinberger,
"CondenseNet: An Efficient DenseNet using Learned Group Convolutions", CVPR 2018, Table 1
(ImageNet) and §3), 224×224 input, in its test-time (condensed) form as imgclsmob converts
the authors' models (osmr/imgclsmob ``condensenet74_c4_g4`` / ``condensenet74_c8_g8``;
the authors' code is ShichenLiu/CondenseNet): a 3×3/2 conv (16), five dense stages of 4, 6,
8, 10, 8 layers with growth rates 8, 16, 32, 64, 128, a 2×2/2 average pool before stages 2–5,
batch norm and ReLU, a 7×7 average pool and an fc on half the features.

Learned group convolution at test time is a grouped convolution after an index: each dense
layer gathers its input channels in the order the training learnt (a ``gather`` layer:
data movement only), then BN → ReLU → 1×1 group conv (G groups) to 4 × growth → channel
shuffle (G groups) → BN → ReLU → 3×3 group conv (G groups) to the growth rate, concatenated
to its input. The classifier gathers half the features (the condensed fc) before the
1000-way fc. All convs are bias-free; the fc has a bias.

Layer names follow imgclsmob's modules (``features.init_block.conv``,
``features.stage2.unit1.conv1.conv`` …; the index of a dense layer is ``….conv1.index``, its
shuffle ``….conv1.c_shuffle``, its concatenation ``….concat``).
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network
from ..ops import Gather

SOURCE = "Huang et al., CVPR 2018, Table 1; osmr/imgclsmob condensenet (converted ShichenLiu/CondenseNet)"

STEM = 16
LAYERS_74 = (4, 6, 8, 10, 8)
GROWTH_74 = (8, 16, 32, 64, 128)
BOTTLENECK = 4


def _bn_relu_conv(b: NetBuilder, x: str, M: int, k: int, groups: int, name: str) -> str:
    with b.scope(name):
        y = b.relu(b.bn(x, name="bn"), name="activ")
        return b.conv(y, M, k, 1, k // 2, groups=groups, name="conv")


def _unit(b: NetBuilder, x: str, growth: int, groups: int) -> str:
    c = b.channels(x)
    y = b.add_layer(Gather(c), [x], "conv1.index")
    y = _bn_relu_conv(b, y, BOTTLENECK * growth, 1, groups, "conv1")
    y = b.shuffle(y, groups, name="conv1.c_shuffle")
    y = _bn_relu_conv(b, y, growth, 3, groups, "conv2")
    return b.concat([x, y], name="concat")


def condensenet74(groups: int = 4) -> Network:
    b = NetBuilder(f"condensenet74_g{groups}", C=3, H=224, W=224, source=SOURCE,
                   description=f"CondenseNet-74 (C = G = {groups}), 224x224 input, condensed (test-time) form")
    with b.scope("features"):
        x = b.conv(b.input, STEM, 3, 2, 1, name="init_block.conv")
        for i, (n, growth) in enumerate(zip(LAYERS_74, GROWTH_74), start=1):
            with b.scope(f"stage{i}"):
                if i > 1:
                    x = b.avgpool(x, 2, 2, name=f"trans{i}.pool")
                for j in range(n):
                    with b.scope(f"unit{j + 1}"):
                        x = _unit(b, x, growth, groups)
        x = b.relu(b.bn(x, name="post_activ.bn"), name="post_activ.activ")
        x = b.global_pool(x, name="final_pool")  # nn.AvgPool2d(7, stride=1) on 7×7
    x = b.add_layer(Gather(b.channels(x) // 2), [x], "output.index")
    b.fc(x, 1000, name="output.linear")
    return b.build()
