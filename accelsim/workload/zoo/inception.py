"""Inception-v3 (Szegedy et al., "Rethinking the Inception Architecture for Computer
Vision", CVPR 2016, Table 1 and Figs. 5–7), built as torchvision builds it
(``torchvision.models.inception_v3``, no auxiliary head, 299×299 input): every conv is a
``BasicConv2d`` (conv without bias → batch norm → ReLU); the blocks are torchvision's
InceptionA (Fig. 5, ×3), InceptionB (grid reduction 35→17), InceptionC (Fig. 6, factorised
7×7, ×4), InceptionD (grid reduction 17→8) and InceptionE (Fig. 7, ×2).

Layer names follow torchvision's module names (``Mixed_5b.branch5x5_2.conv`` …). The pools
torchvision calls functionally inside a block are ``….avgpool`` (3×3 s1 pad 1, before
``branch_pool``) and ``….maxpool`` (3×3 s2, the pool branch of B and D); each block ends in
``….concat``, and InceptionE's split branches are joined by ``….branch3x3_concat`` and
``….branch3x3dbl_concat``.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..builder import NetBuilder
from ..network import Network
from .googlenet import basic_conv

SOURCE = "Szegedy et al., CVPR 2016, Table 1; torchvision.models.inception"

# 1×7 / 7×1 and 1×3 / 3×1 factorised kernels with "same" padding (pad as (pad_h, pad_w)).
K1x7, P1x7 = (1, 7), (0, 3)
K7x1, P7x1 = (7, 1), (3, 0)
K1x3, P1x3 = (1, 3), (0, 1)
K3x1, P3x1 = (3, 1), (1, 0)


def _pool_branch(b: NetBuilder, x: str, M: int) -> str:
    """F.avg_pool2d(3, stride 1, pad 1) → branch_pool (1×1 BasicConv2d)."""
    y = b.avgpool(x, 3, 1, 1, name="avgpool")
    return basic_conv(b, y, M, 1, name="branch_pool")


def _inception_a(b: NetBuilder, x: str, pool_features: int) -> str:
    """Fig. 5: 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | pool→1×1 (35×35)."""
    branch1x1 = basic_conv(b, x, 64, 1, name="branch1x1")
    branch5x5 = basic_conv(b, x, 48, 1, name="branch5x5_1")
    branch5x5 = basic_conv(b, branch5x5, 64, 5, 1, 2, name="branch5x5_2")
    dbl = basic_conv(b, x, 64, 1, name="branch3x3dbl_1")
    dbl = basic_conv(b, dbl, 96, 3, 1, 1, name="branch3x3dbl_2")
    dbl = basic_conv(b, dbl, 96, 3, 1, 1, name="branch3x3dbl_3")
    pool = _pool_branch(b, x, pool_features)
    return b.concat([branch1x1, branch5x5, dbl, pool], name="concat")


def _inception_b(b: NetBuilder, x: str) -> str:
    """Grid reduction 35×35 → 17×17: 3×3/2 | 1×1→3×3→3×3/2 | maxpool 3×3/2."""
    branch3x3 = basic_conv(b, x, 384, 3, 2, name="branch3x3")
    dbl = basic_conv(b, x, 64, 1, name="branch3x3dbl_1")
    dbl = basic_conv(b, dbl, 96, 3, 1, 1, name="branch3x3dbl_2")
    dbl = basic_conv(b, dbl, 96, 3, 2, name="branch3x3dbl_3")
    pool = b.maxpool(x, 3, 2, name="maxpool")
    return b.concat([branch3x3, dbl, pool], name="concat")


def _inception_c(b: NetBuilder, x: str, c7: int) -> str:
    """Fig. 6 (n = 7): 1×1 | 1×1→1×7→7×1 | 1×1→7×1→1×7→7×1→1×7 | pool→1×1 (17×17)."""
    branch1x1 = basic_conv(b, x, 192, 1, name="branch1x1")
    b7 = basic_conv(b, x, c7, 1, name="branch7x7_1")
    b7 = basic_conv(b, b7, c7, K1x7, 1, P1x7, name="branch7x7_2")
    b7 = basic_conv(b, b7, 192, K7x1, 1, P7x1, name="branch7x7_3")
    dbl = basic_conv(b, x, c7, 1, name="branch7x7dbl_1")
    dbl = basic_conv(b, dbl, c7, K7x1, 1, P7x1, name="branch7x7dbl_2")
    dbl = basic_conv(b, dbl, c7, K1x7, 1, P1x7, name="branch7x7dbl_3")
    dbl = basic_conv(b, dbl, c7, K7x1, 1, P7x1, name="branch7x7dbl_4")
    dbl = basic_conv(b, dbl, 192, K1x7, 1, P1x7, name="branch7x7dbl_5")
    pool = _pool_branch(b, x, 192)
    return b.concat([branch1x1, b7, dbl, pool], name="concat")


def _inception_d(b: NetBuilder, x: str) -> str:
    """Grid reduction 17×17 → 8×8: 1×1→3×3/2 | 1×1→1×7→7×1→3×3/2 | maxpool 3×3/2."""
    b3 = basic_conv(b, x, 192, 1, name="branch3x3_1")
    b3 = basic_conv(b, b3, 320, 3, 2, name="branch3x3_2")
    b7 = basic_conv(b, x, 192, 1, name="branch7x7x3_1")
    b7 = basic_conv(b, b7, 192, K1x7, 1, P1x7, name="branch7x7x3_2")
    b7 = basic_conv(b, b7, 192, K7x1, 1, P7x1, name="branch7x7x3_3")
    b7 = basic_conv(b, b7, 192, 3, 2, name="branch7x7x3_4")
    pool = b.maxpool(x, 3, 2, name="maxpool")
    return b.concat([b3, b7, pool], name="concat")


def _expanded(b: NetBuilder, x: str, conv: str, concat: str) -> str:
    """InceptionE's expanded branch: a 1×3 (``<conv>a``) and a 3×1 (``<conv>b``) conv side by
    side on the same input, concatenated."""
    a = basic_conv(b, x, 384, K1x3, 1, P1x3, name=f"{conv}a")
    c = basic_conv(b, x, 384, K3x1, 1, P3x1, name=f"{conv}b")
    return b.concat([a, c], name=concat)


def _inception_e(b: NetBuilder, x: str) -> str:
    """Fig. 7 (8×8): 1×1 | 1×1→[1×3, 3×1] | 1×1→3×3→[1×3, 3×1] | pool→1×1."""
    branch1x1 = basic_conv(b, x, 320, 1, name="branch1x1")
    b3 = basic_conv(b, x, 384, 1, name="branch3x3_1")
    b3 = _expanded(b, b3, "branch3x3_2", "branch3x3_concat")
    dbl = basic_conv(b, x, 448, 1, name="branch3x3dbl_1")
    dbl = basic_conv(b, dbl, 384, 3, 1, 1, name="branch3x3dbl_2")
    dbl = _expanded(b, dbl, "branch3x3dbl_3", "branch3x3dbl_concat")
    pool = _pool_branch(b, x, 192)
    return b.concat([branch1x1, b3, dbl, pool], name="concat")


# torchvision's Inception3 after the stem, in order: module name and block (Table 1: three
# Fig. 5 modules, grid reduction, four Fig. 6 modules, grid reduction, two Fig. 7 modules).
Block = Callable[[NetBuilder, str], str]
BLOCKS: tuple[tuple[str, Block], ...] = (
    ("Mixed_5b", partial(_inception_a, pool_features=32)),  # 35×35×256
    ("Mixed_5c", partial(_inception_a, pool_features=64)),  # 35×35×288
    ("Mixed_5d", partial(_inception_a, pool_features=64)),  # 35×35×288
    ("Mixed_6a", _inception_b),                             # 17×17×768
    ("Mixed_6b", partial(_inception_c, c7=128)),            # 17×17×768
    ("Mixed_6c", partial(_inception_c, c7=160)),            # 17×17×768
    ("Mixed_6d", partial(_inception_c, c7=160)),            # 17×17×768
    ("Mixed_6e", partial(_inception_c, c7=192)),            # 17×17×768
    ("Mixed_7a", _inception_d),                             # 8×8×1280
    ("Mixed_7b", _inception_e),                             # 8×8×2048
    ("Mixed_7c", _inception_e),                             # 8×8×2048
)


def inception_v3() -> Network:
    b = NetBuilder(
        "inception_v3", C=3, H=299, W=299,
        description="Inception-v3, 299x299 input, as torchvision builds it (no aux head)", source=SOURCE,
    )
    # Stem (Table 1 rows conv … pool; torchvision's maxpools are not ceil mode)
    x = basic_conv(b, b.input, 32, 3, 2, name="Conv2d_1a_3x3")  # 149×149×32
    x = basic_conv(b, x, 32, 3, name="Conv2d_2a_3x3")           # 147×147×32
    x = basic_conv(b, x, 64, 3, 1, 1, name="Conv2d_2b_3x3")     # 147×147×64
    x = b.maxpool(x, 3, 2, name="maxpool1")                     # 73×73×64
    x = basic_conv(b, x, 80, 1, name="Conv2d_3b_1x1")           # 73×73×80
    x = basic_conv(b, x, 192, 3, name="Conv2d_4a_3x3")          # 71×71×192
    x = b.maxpool(x, 3, 2, name="maxpool2")                     # 35×35×192
    for name, block in BLOCKS:
        with b.scope(name):
            x = block(b, x)
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="fc")
    return b.build()
