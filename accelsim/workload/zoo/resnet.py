"""ResNet-18 and ResNet-50 (He et al., "Deep Residual Learning for Image Recognition",
CVPR 2016, Table 1), built as torchvision builds them (``torchvision.models.resnet``):
BasicBlock / Bottleneck with the stride on the 3×3 conv (ResNet v1.5), batch norm after
every conv, a 1×1 strided conv + BN on the shortcut where the shape changes.

Layer names follow torchvision's module names (``layer1.0.conv1`` …).
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "He et al., CVPR 2016, Table 1; torchvision.models.resnet"


def _basic(b: NetBuilder, x: str, planes: int, stride: int) -> str:
    identity = x
    y = b.conv_bn(x, planes, 3, stride, 1, name="conv1", bn_name="bn1", act_name="relu1")
    y = b.conv_bn(y, planes, 3, 1, 1, act=None, name="conv2", bn_name="bn2")
    if stride != 1 or b.channels(x) != planes:
        identity = b.conv_bn(x, planes, 1, stride, act=None, name="downsample.0", bn_name="downsample.1")
    return b.relu(b.add([y, identity], name="add"), name="relu")


def _bottleneck(b: NetBuilder, x: str, planes: int, stride: int) -> str:
    identity = x
    y = b.conv_bn(x, planes, 1, name="conv1", bn_name="bn1", act_name="relu1")
    y = b.conv_bn(y, planes, 3, stride, 1, name="conv2", bn_name="bn2", act_name="relu2")
    y = b.conv_bn(y, planes * 4, 1, act=None, name="conv3", bn_name="bn3")
    if stride != 1 or b.channels(x) != planes * 4:
        identity = b.conv_bn(x, planes * 4, 1, stride, act=None, name="downsample.0", bn_name="downsample.1")
    return b.relu(b.add([y, identity], name="add"), name="relu")


def _resnet(name: str, block: str, depths: tuple[int, int, int, int], description: str) -> Network:
    b = NetBuilder(name, C=3, H=224, W=224, description=description, source=SOURCE)
    x = b.conv_bn(b.input, 64, 7, 2, 3, name="conv1", bn_name="bn1", act_name="relu")
    x = b.maxpool(x, 3, 2, 1, name="maxpool")
    unit = _basic if block == "basic" else _bottleneck
    for stage, (planes, depth) in enumerate(zip((64, 128, 256, 512), depths), start=1):
        for i in range(depth):
            with b.scope(f"layer{stage}.{i}"):
                x = unit(b, x, planes, 2 if (i == 0 and stage > 1) else 1)
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="fc")
    return b.build()


def resnet18() -> Network:
    return _resnet("resnet18", "basic", (2, 2, 2, 2), "ResNet-18, 224x224 input, as torchvision builds it")


def resnet50() -> Network:
    return _resnet("resnet50", "bottleneck", (3, 4, 6, 3), "ResNet-50 (v1.5: stride on the 3x3), 224x224 input, as torchvision builds it")
