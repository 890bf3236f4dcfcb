"""VGG-16 (Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015, Table 1 column D), built as torchvision builds it
(``torchvision.models.vgg16``, no batch norm): 13 3×3 convs with bias and ReLU, five 2×2
max pools, then three fc layers.

Layer names follow torchvision's module names (``features.0`` …, ``classifier.0`` …).
torchvision's ``AdaptiveAvgPool2d((7, 7))`` is an identity at 224×224 and is omitted, as
are its dropouts.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Simonyan & Zisserman, ICLR 2015, Table 1 (D); torchvision.models.vgg"

# Table 1, column D (torchvision's cfgs["D"]): conv3-M output channels, "M" = maxpool 2×2.
CFG_D: tuple[int | str, ...] = (
    64, 64, "M",
    128, 128, "M",
    256, 256, 256, "M",
    512, 512, 512, "M",
    512, 512, 512, "M",
)


def _features(b: NetBuilder, x: str, cfg: tuple[int | str, ...]) -> str:
    """torchvision's ``make_layers``: conv3×3 pad 1 + ReLU per number, maxpool per "M"."""
    i = 0
    for v in cfg:
        if v == "M":
            x = b.maxpool(x, 2, 2, name=f"features.{i}")
            i += 1
        else:
            x = b.conv(x, int(v), 3, 1, 1, bias=True, name=f"features.{i}")
            x = b.relu(x, name=f"features.{i + 1}")
            i += 2
    return x


def _classifier(b: NetBuilder, x: str) -> str:
    """FC-4096, FC-4096, FC-1000 (classifier.0/3/6; .2 and .5 are dropouts)."""
    x = b.relu(b.fc(x, 4096, name="classifier.0"), name="classifier.1")
    x = b.relu(b.fc(x, 4096, name="classifier.3"), name="classifier.4")
    return b.fc(x, 1000, name="classifier.6")


def vgg16() -> Network:
    b = NetBuilder("vgg16", C=3, H=224, W=224, description="VGG-16 (no BN), 224x224 input, as torchvision builds it", source=SOURCE)
    x = _features(b, b.input, CFG_D)
    _classifier(b, x)
    return b.build()
