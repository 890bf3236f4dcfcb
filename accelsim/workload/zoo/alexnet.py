"""AlexNet (Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NIPS 2012, Fig. 2 and §3), in the shapes the Eyeriss papers use (Chen et
al., ISSCC 2016 and JSSC 2017, "666 M MACs per 227×227 image" in CONV1–5): the original
two-GPU network with 96 conv1 filters and the GPU split kept as G = 2 on CONV2, CONV4 and
CONV5 — *not* torchvision's single-tower variant (64/192/384/256/256 filters).

Layer order and names follow the Caffe reference model (``bvlc_alexnet``): conv → relu →
LRN (CONV1, CONV2) → max pool (CONV1, CONV2, CONV5), then fc6/fc7 with ReLU and fc8.
Every conv and fc has a bias. Dropout is omitted. (Caffe pools round up; at 55, 27 and 13
the ceil and floor rules give the same sizes, so plain pools are used.)
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Krizhevsky et al., NIPS 2012; Eyeriss AlexNet shapes (Chen et al., ISSCC 2016, JSSC 2017)"


class ConvSpec(NamedTuple):
    """One CONV row: M filters of R×R, stride U, padding, G groups, LRN and pool after it."""

    M: int
    R: int
    U: int
    pad: int
    G: int
    lrn: bool
    pool: bool


# Krizhevsky 2012 Fig. 2 / Eyeriss: E×F after each layer in the comment (227×227×3 input).
CONVS: tuple[ConvSpec, ...] = (
    ConvSpec(96, 11, 4, 0, 1, True, True),   # conv1: 55×55×96  → pool1 27×27
    ConvSpec(256, 5, 1, 2, 2, True, True),   # conv2: 27×27×256 → pool2 13×13
    ConvSpec(384, 3, 1, 1, 1, False, False),  # conv3: 13×13×384
    ConvSpec(384, 3, 1, 1, 2, False, False),  # conv4: 13×13×384
    ConvSpec(256, 3, 1, 1, 2, False, True),   # conv5: 13×13×256 → pool5 6×6
)
FCS: tuple[int, ...] = (4096, 4096, 1000)  # fc6, fc7, fc8


def alexnet() -> Network:
    b = NetBuilder(
        "alexnet", C=3, H=227, W=227,
        description="AlexNet (Krizhevsky 2012, Eyeriss shapes: 96 conv1 filters, G=2 on conv2/4/5), 227x227 input",
        source=SOURCE,
    )
    x = b.input
    for i, c in enumerate(CONVS, start=1):
        x = b.conv(x, c.M, c.R, c.U, c.pad, groups=c.G, bias=True, name=f"conv{i}")
        x = b.relu(x, name=f"relu{i}")
        if c.lrn:
            x = b.lrn(x, 5, name=f"norm{i}")
        if c.pool:
            x = b.maxpool(x, 3, 2, name=f"pool{i}")
    for i, m in enumerate(FCS, start=len(CONVS) + 1):
        x = b.fc(x, m, name=f"fc{i}")
        if i < len(CONVS) + len(FCS):  # no ReLU after fc8
            x = b.relu(x, name=f"relu{i}")
    return b.build()
