"""DenseNet-121 (Huang et al., "Densely Connected Convolutional Networks", CVPR 2017,
Table 1: DenseNet-BC, growth rate k = 32), built as torchvision builds it
(``torchvision.models.densenet121``): a 7×7/2 stem, four dense blocks of 6, 12, 24, 16
pre-activation layers (BN → ReLU → 1×1 conv to 4k → BN → ReLU → 3×3 conv to k), with
transition layers (BN → ReLU → 1×1 conv halving the channels → 2×2 average pool) between
them, a final BN, ReLU, global average pool and a 1000-way fc.

The concatenations are where torchvision's forward does them: each dense layer first
concatenates every feature map before it in its block (``….denselayerN.concat``; the first
layer of a block reads the block input alone), and each block ends by concatenating its
input and all its layers' outputs (``features.denseblockN.concat``). Layer names follow
torchvision's module names (``features.denseblock1.denselayer1.norm1`` …).
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Huang et al., CVPR 2017, Table 1; torchvision.models.densenet"

GROWTH = 32                    # k
BN_SIZE = 4                    # bottleneck width = 4k
INIT_FEATURES = 64             # 2k, the stem's filters
BLOCKS_121 = (6, 12, 24, 16)   # dense layers per block (Table 1, DenseNet-121)


def _dense_layer(b: NetBuilder, features: list[str]) -> str:
    """BN-ReLU-Conv(1×1, 4k) → BN-ReLU-Conv(3×3, k) on the concatenation of ``features``."""
    x = features[0] if len(features) == 1 else b.concat(features, name="concat")
    x = b.conv(b.relu(b.bn(x, name="norm1"), name="relu1"), BN_SIZE * GROWTH, 1, name="conv1")
    return b.conv(b.relu(b.bn(x, name="norm2"), name="relu2"), GROWTH, 3, 1, 1, name="conv2")


def _dense_block(b: NetBuilder, x: str, layers: int) -> str:
    features = [x]
    for i in range(1, layers + 1):
        with b.scope(f"denselayer{i}"):
            features.append(_dense_layer(b, features))
    return b.concat(features, name="concat")


def _transition(b: NetBuilder, x: str) -> str:
    """BN → ReLU → 1×1 conv to half the channels (compression θ = 0.5) → avgpool 2×2/2."""
    x = b.relu(b.bn(x, name="norm"), name="relu")
    x = b.conv(x, b.channels(x) // 2, 1, name="conv")
    return b.avgpool(x, 2, 2, name="pool")


def _densenet(name: str, blocks: tuple[int, ...], description: str) -> Network:
    b = NetBuilder(name, C=3, H=224, W=224, description=description, source=SOURCE)
    with b.scope("features"):
        x = b.conv(b.input, INIT_FEATURES, 7, 2, 3, name="conv0")      # 112×112
        x = b.relu(b.bn(x, name="norm0"), name="relu0")
        x = b.maxpool(x, 3, 2, 1, name="pool0")                        # 56×56
        for i, layers in enumerate(blocks, start=1):                   # 56, 28, 14, 7
            with b.scope(f"denseblock{i}"):
                x = _dense_block(b, x, layers)
            if i < len(blocks):
                with b.scope(f"transition{i}"):
                    x = _transition(b, x)
        x = b.bn(x, name="norm5")
    x = b.relu(x, name="relu")  # F.relu in DenseNet.forward
    x = b.global_pool(x, name="avgpool")  # F.adaptive_avg_pool2d(…, (1, 1))
    b.fc(x, 1000, name="classifier")
    return b.build()


def densenet121() -> Network:
    return _densenet("densenet121", BLOCKS_121, "DenseNet-121 (k=32), 224x224 input, as torchvision builds it")
