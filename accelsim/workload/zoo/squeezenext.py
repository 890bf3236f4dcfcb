"""SqueezeNext-23 at widths 1.0, 1.5, 2.0 (Gholami et al., "SqueezeNext: Hardware-Aware
Neural Network Design", CVPR Workshops 2018, Figures 3–4: the 23-layer net with 6, 6, 8, 1
blocks per stage), 224×224 input, as imgclsmob's port of the authors' Caffe definitions
builds it (osmr/imgclsmob ``sqnxt23_w1`` / ``sqnxt23_w3d2`` / ``sqnxt23_w2``; the Caffe
files are amirgholami/SqueezeNext): a 7×7/2 stem (pad 1) and a 3×3/2 max pool (ceil mode),
four stages of 32, 64, 128, 256 channels (× width, rounded down), a 1×1 conv to 128 × width,
a 7×7 average pool and a 1000-way fc. Every conv has a bias and is followed by batch norm
and ReLU.

A block (Figure 3) on C input channels: 1×1 to C/d (stride 2 in a stage's first block) →
1×1 to C/(2d) → 1×3 to C/d → 3×1 to C/d → 1×1 to the block's output, plus the input (through
a 1×1 conv, with the stride, where the block changes channels or resolution) → ReLU. d is 1
in a stride-2 block, 4 where the channels shrink (the first block after the stem: 64 → 32),
2 otherwise.

``squeezenext23(w, caffe=True)`` (zoo names ``squeezenext23_1.0_caffe``,
``squeezenext23_2.0_caffe``) builds the authors' own Caffe files instead, which differ from
imgclsmob's port: a 227×227 crop, an unpadded stem, the stem (64) and final conv (128) not
widened at 2.0, a shortcut conv in every stage's first block, and no conv or fc biases.
Their 3×1 and 1×3 convs alternate in order from block to block; the MACs do not depend on
the order, and the builder keeps imgclsmob's (1×3 first).

Layer names follow imgclsmob's modules (``features.init_block.conv``,
``features.stage2.unit1.conv3`` …; the conv of a block is ``….conv``, its BN ``….bn``, its
ReLU ``….activ``); the residual sum and the ReLU after it are ``….add`` and ``….relu``.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Gholami et al., CVPRW 2018, Figures 3-4; osmr/imgclsmob squeezenext (port of amirgholami/SqueezeNext)"

STEM = 64
FINAL = 128
STAGES = (32, 64, 128, 256)
BLOCKS_23 = (6, 6, 8, 1)


def _conv(b: NetBuilder, x: str, M: int, k: tuple[int, int], stride: int, pad: tuple[int, int], name: str,
          bias: bool = True) -> str:
    """imgclsmob's ``ConvBlock``: conv (with bias; the authors' Caffe convs have none) → BN → ReLU."""
    with b.scope(name):
        y = b.conv(x, M, k, stride, pad, bias=bias, name="conv")
        return b.relu(b.bn(y, name="bn"), name="activ")


def _unit(b: NetBuilder, x: str, out: int, stride: int, first: bool = False, bias: bool = True) -> str:
    """``first``: a stage's first block has its shortcut conv even where the channels and
    resolution stay (the authors' 2.0-SqNxt-23, stage 1: 64 → 64)."""
    inp = b.channels(x)
    d, resize = (1, True) if stride == 2 else (4, True) if inp > out else (2, first)
    identity = _conv(b, x, out, (1, 1), stride, (0, 0), "identity_conv", bias) if resize else x
    y = _conv(b, x, inp // d, (1, 1), stride, (0, 0), "conv1", bias)
    y = _conv(b, y, inp // (2 * d), (1, 1), 1, (0, 0), "conv2", bias)
    y = _conv(b, y, inp // d, (1, 3), 1, (0, 1), "conv3", bias)
    y = _conv(b, y, inp // d, (3, 1), 1, (1, 0), "conv4", bias)
    y = _conv(b, y, out, (1, 1), 1, (0, 0), "conv5", bias)
    return b.relu(b.add([y, identity], name="add"), name="relu")


def squeezenext23(width: float = 1.0, *, caffe: bool = False) -> Network:
    """``caffe=True``: the authors' own Caffe definitions instead (amirgholami/SqueezeNext,
    ``<w>-SqNxt-23/train_val.prototxt``): a 227×227 crop, the stem unpadded, the stem's 64
    and the final conv's 128 channels not widened, and a shortcut conv in every stage's first
    block. imgclsmob widens both (its 2.0 has 128 and 256) and pads the stem by 1."""
    label = f"{width:.1f}"
    size, stem, final, pad = (227, STEM, FINAL, 0) if caffe else (224, int(STEM * width), int(FINAL * width), 1)
    b = NetBuilder(f"squeezenext23_{label}" + ("_caffe" if caffe else ""), C=3, H=size, W=size, source=SOURCE,
                   description=f"{label}-SqNxt-23, {size}x{size} input, as " + ("the authors' Caffe files" if caffe else "imgclsmob") + " build it")
    with b.scope("features"):
        with b.scope("init_block"):
            x = _conv(b, b.input, stem, (7, 7), 2, (pad, pad), "conv", not caffe)
            x = b.maxpool(x, 3, 2, ceil_mode=True, name="pool")
        for i, (c, n) in enumerate(zip(STAGES, BLOCKS_23)):
            for j in range(n):
                with b.scope(f"stage{i + 1}.unit{j + 1}"):
                    x = _unit(b, x, int(c * width), 2 if j == 0 and i != 0 else 1, first=caffe and j == 0, bias=not caffe)
        x = _conv(b, x, final, (1, 1), 1, (0, 0), "final_block", not caffe)
        x = b.global_pool(x, name="final_pool")  # nn.AvgPool2d(7, stride=1) on 7×7
    b.fc(x, 1000, bias=not caffe, name="output")
    return b.build()
