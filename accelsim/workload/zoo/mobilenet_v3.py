"""MobileNet v3 Large and Small (Howard et al., "Searching for MobileNetV3", ICCV 2019,
Tables 1 and 2), built as torchvision builds them (``torchvision.models.mobilenet_v3_large``
/ ``mobilenet_v3_small``, width 1.0, 224×224 input): a 3×3/2 stem with h-swish, a stack of
"bneck" inverted residual blocks (optional 1×1 expansion → k×k depthwise → optional
squeeze-and-excite → linear 1×1 projection; batch norm after every conv; a residual add
where the stride is 1 and the channels are unchanged), a 1×1 conv to 6× the last width with
h-swish, a global average pool and a two-layer classifier (fc → h-swish → fc).

The squeeze-and-excite block is ``torchvision.ops.SqueezeExcitation``: global average
pool → ``fc1`` (1×1 conv with bias) to ``_make_divisible(exp / 4, 8)`` channels → ReLU →
``fc2`` (1×1 conv with bias) back to ``exp`` → hard sigmoid, which then scales the
feature map channel by channel. EfficientNet (``efficientnet.py``) reuses this block and
the inverted residual with its own activations and squeeze widths.

Layer names follow torchvision's module names (``features.4.block.1.0``,
``features.4.block.2.fc1`` …); the SE multiply of block N is ``features.N.block.K.scale``
and its residual sum ``features.N.add``. Dropout (``classifier.2``) is omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network
from .mobilenet_v2 import conv_norm_act

SOURCE = "Howard et al., ICCV 2019, Tables 1 and 2; torchvision.models.mobilenetv3"


def make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision's ``_make_divisible``: round to the nearest multiple of ``divisor``,
    never below ``divisor`` nor more than 10 % below ``v``."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class SE(NamedTuple):
    """A squeeze-and-excite block: squeeze width and its two activations."""

    squeeze: int
    act: str = "relu"
    scale_act: str = "hsigmoid"


def squeeze_excitation(b: NetBuilder, x: str, se: SE) -> str:
    """``torchvision.ops.SqueezeExcitation``: avgpool → fc1 → act → fc2 → scale_act, then x · scale."""
    s = b.global_pool(x, name="avgpool")
    s = b.conv(s, se.squeeze, 1, bias=True, name="fc1")
    s = b.act(s, se.act, name="activation")
    s = b.conv(s, b.channels(x), 1, bias=True, name="fc2")
    s = b.act(s, se.scale_act, name="scale_activation")
    return b.scale(x, s, name="scale")


def inverted_residual(b: NetBuilder, x: str, k: int, exp: int, out: int, stride: int, act: str, se: SE | None) -> str:
    """torchvision's ``InvertedResidual`` (v3) / ``MBConv`` (EfficientNet), as ``block.0``,
    ``block.1`` …: [1×1 expand → act] → k×k depthwise → act → [SE] → 1×1 linear (+ x)."""
    inp = b.channels(x)
    parts = 0
    with b.scope("block"):
        y = x
        if exp != inp:
            y = conv_norm_act(b, y, exp, 1, act=act, name=str(parts))
            parts += 1
        y = conv_norm_act(b, y, exp, k, stride, groups=exp, act=act, name=str(parts))
        parts += 1
        if se is not None:
            with b.scope(str(parts)):
                y = squeeze_excitation(b, y, se)
            parts += 1
        y = conv_norm_act(b, y, out, 1, act=None, name=str(parts))
    if stride == 1 and inp == out:
        y = b.add([y, x], name="add")  # result += input
    return y


class Bneck(NamedTuple):
    """A Table 1/2 row: bneck k×k, exp size, #out, SE, NL (RE = ReLU, HS = h-swish), s."""

    k: int
    exp: int
    out: int
    se: bool
    nl: str
    s: int


RE, HS = "relu", "hswish"

# Table 1, MobileNetV3-Large (torchvision's inverted_residual_setting); input 224×224×3.
LARGE_STEM = 16  # conv2d 3×3/2, HS → 112×112×16
LARGE: tuple[Bneck, ...] = (
    Bneck(3, 16, 16, False, RE, 1),     # 112×112×16
    Bneck(3, 64, 24, False, RE, 2),     # 56×56×24
    Bneck(3, 72, 24, False, RE, 1),
    Bneck(5, 72, 40, True, RE, 2),      # 28×28×40
    Bneck(5, 120, 40, True, RE, 1),
    Bneck(5, 120, 40, True, RE, 1),
    Bneck(3, 240, 80, False, HS, 2),    # 14×14×80
    Bneck(3, 200, 80, False, HS, 1),
    Bneck(3, 184, 80, False, HS, 1),
    Bneck(3, 184, 80, False, HS, 1),
    Bneck(3, 480, 112, True, HS, 1),    # 14×14×112
    Bneck(3, 672, 112, True, HS, 1),
    Bneck(5, 672, 160, True, HS, 2),    # 7×7×160
    Bneck(5, 960, 160, True, HS, 1),
    Bneck(5, 960, 160, True, HS, 1),
)
LARGE_LAST = 1280  # conv2d 1×1 to 960 (6 × 160), pool, then fc 960 → 1280 → 1000

# Table 2, MobileNetV3-Small.
SMALL_STEM = 16  # conv2d 3×3/2, HS → 112×112×16
SMALL: tuple[Bneck, ...] = (
    Bneck(3, 16, 16, True, RE, 2),      # 56×56×16
    Bneck(3, 72, 24, False, RE, 2),     # 28×28×24
    Bneck(3, 88, 24, False, RE, 1),
    Bneck(5, 96, 40, True, HS, 2),      # 14×14×40
    Bneck(5, 240, 40, True, HS, 1),
    Bneck(5, 240, 40, True, HS, 1),
    Bneck(5, 120, 48, True, HS, 1),     # 14×14×48
    Bneck(5, 144, 48, True, HS, 1),
    Bneck(5, 288, 96, True, HS, 2),     # 7×7×96
    Bneck(5, 576, 96, True, HS, 1),
    Bneck(5, 576, 96, True, HS, 1),
)
SMALL_LAST = 1024  # conv2d 1×1 to 576 (6 × 96), pool, then fc 576 → 1024 → 1000


def _mobilenet_v3(name: str, stem: int, setting: tuple[Bneck, ...], last: int, description: str) -> Network:
    b = NetBuilder(name, C=3, H=224, W=224, description=description, source=SOURCE)
    with b.scope("features"):
        x = conv_norm_act(b, b.input, stem, 3, 2, act=HS, name="0")
        for index, row in enumerate(setting, start=1):
            se = SE(make_divisible(row.exp // 4)) if row.se else None
            with b.scope(str(index)):
                x = inverted_residual(b, x, row.k, row.exp, row.out, row.s, row.nl, se)
        x = conv_norm_act(b, x, 6 * b.channels(x), 1, act=HS, name=str(len(setting) + 1))
    x = b.global_pool(x, name="avgpool")
    x = b.act(b.fc(x, last, name="classifier.0"), HS, name="classifier.1")
    b.fc(x, 1000, name="classifier.3")
    return b.build()


def mobilenet_v3_large() -> Network:
    return _mobilenet_v3(
        "mobilenet_v3_large", LARGE_STEM, LARGE, LARGE_LAST, "MobileNet v3 Large, 224x224 input, as torchvision builds it"
    )


def mobilenet_v3_small() -> Network:
    return _mobilenet_v3(
        "mobilenet_v3_small", SMALL_STEM, SMALL, SMALL_LAST, "MobileNet v3 Small, 224x224 input, as torchvision builds it"
    )
