"""SqueezeNet 1.0 (Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer
parameters and <0.5MB model size", arXiv:1602.07360, 2016, Table 1) and SqueezeNet 1.1
(the authors' repository, DeepScale/SqueezeNet, SqueezeNet_v1.1: 3×3 conv1 with 64 filters,
pools moved earlier, 2.4× less computation), built as torchvision builds them
(``torchvision.models.squeezenet``): every conv has a bias and a ReLU, max pools 3×3 s2 in
ceil mode, and the classifier is a 1×1 conv to 1000 classes → ReLU → global average pool.

Layer names follow torchvision's module names (``features.3.squeeze``,
``features.3.expand3x3_activation`` …, ``classifier.1``); each Fire module ends in a
``….concat`` of its two expand branches. Dropout (``classifier.0``) is omitted.
"""
from __future__ import annotations

from typing import NamedTuple

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Iandola et al., arXiv:1602.07360, Table 1; torchvision.models.squeezenet"


class Fire(NamedTuple):
    """A Fire module (Table 1): s1×1 squeeze filters, e1×1 and e3×3 expand filters."""

    s1x1: int
    e1x1: int
    e3x3: int


POOL = "maxpool"  # 3×3 s2, ceil mode

# features.0 is conv1 (M filters of R×R, stride 2); the tuples are torchvision's
# ``features`` from index 2 on. Paper layer names and output sizes at 224×224 input.
V1_0_CONV1 = (96, 7)  # conv1: 96 × 7×7/2 → 109×109×96
V1_0: tuple[Fire | str, ...] = (
    POOL,                 # maxpool1 → 54×54
    Fire(16, 64, 64),     # fire2 → 128
    Fire(16, 64, 64),     # fire3 → 128
    Fire(32, 128, 128),   # fire4 → 256
    POOL,                 # maxpool4 → 27×27
    Fire(32, 128, 128),   # fire5 → 256
    Fire(48, 192, 192),   # fire6 → 384
    Fire(48, 192, 192),   # fire7 → 384
    Fire(64, 256, 256),   # fire8 → 512
    POOL,                 # maxpool8 → 13×13
    Fire(64, 256, 256),   # fire9 → 512
)
V1_1_CONV1 = (64, 3)  # conv1: 64 × 3×3/2 → 111×111×64
V1_1: tuple[Fire | str, ...] = (
    POOL,                 # maxpool1 → 55×55
    Fire(16, 64, 64),     # fire2 → 128
    Fire(16, 64, 64),     # fire3 → 128
    POOL,                 # maxpool3 → 27×27
    Fire(32, 128, 128),   # fire4 → 256
    Fire(32, 128, 128),   # fire5 → 256
    POOL,                 # maxpool5 → 13×13
    Fire(48, 192, 192),   # fire6 → 384
    Fire(48, 192, 192),   # fire7 → 384
    Fire(64, 256, 256),   # fire8 → 512
    Fire(64, 256, 256),   # fire9 → 512
)


def _fire(b: NetBuilder, x: str, f: Fire) -> str:
    """squeeze 1×1 → ReLU, then expand 1×1 → ReLU and expand 3×3 (pad 1) → ReLU, concatenated."""
    s = b.relu(b.conv(x, f.s1x1, 1, bias=True, name="squeeze"), name="squeeze_activation")
    e1 = b.relu(b.conv(s, f.e1x1, 1, bias=True, name="expand1x1"), name="expand1x1_activation")
    e3 = b.relu(b.conv(s, f.e3x3, 3, 1, 1, bias=True, name="expand3x3"), name="expand3x3_activation")
    return b.concat([e1, e3], name="concat")


def _squeezenet(name: str, conv1: tuple[int, int], body: tuple[Fire | str, ...], description: str) -> Network:
    b = NetBuilder(name, C=3, H=224, W=224, description=description, source=SOURCE)
    M, k = conv1
    x = b.conv(b.input, M, k, 2, bias=True, name="features.0")
    x = b.relu(x, name="features.1")
    for i, item in enumerate(body, start=2):
        if isinstance(item, Fire):
            with b.scope(f"features.{i}"):
                x = _fire(b, x, item)
        else:
            x = b.maxpool(x, 3, 2, ceil_mode=True, name=f"features.{i}")
    # classifier: 0 dropout, 1 final conv 1×1 → 1000, 2 ReLU, 3 AdaptiveAvgPool2d((1, 1))
    x = b.relu(b.conv(x, 1000, 1, bias=True, name="classifier.1"), name="classifier.2")
    b.global_pool(x, name="classifier.3")
    return b.build()


def squeezenet1_0() -> Network:
    return _squeezenet("squeezenet1_0", V1_0_CONV1, V1_0, "SqueezeNet 1.0, 224x224 input, as torchvision builds it")


def squeezenet1_1() -> Network:
    return _squeezenet("squeezenet1_1", V1_1_CONV1, V1_1, "SqueezeNet 1.1, 224x224 input, as torchvision builds it")
