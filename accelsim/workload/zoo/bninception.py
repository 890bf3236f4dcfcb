"""BN-Inception, Inception v2 (Ioffe & Szegedy, "Batch Normalization: Accelerating Deep
Network Training by Reducing Internal Covariate Shift", ICML 2015, §4.2 and Figure 5), 224×224
input, as imgclsmob builds it (osmr/imgclsmob ``bninception``): GoogLeNet with batch norm
after every conv, each 5×5 replaced by two 3×3 convs, and the paper's Figure 5 widths.

Stem: 7×7/2 conv (64) → 3×3/2 max pool → 1×1 (64) → 3×3 (192) → 3×3/2 max pool (ceil
mode, as every pool here). Inception modules 3a, 3b, 4a–4d, 5a, 5b concatenate a 1×1 branch,
a 1×1 → 3×3 branch, a 1×1 → 3×3 → 3×3 branch and a 3×3/1 pool → 1×1 branch (average pool,
max pool in 5b); the reduction modules 3c and 4e concatenate a 1×1 → 3×3/2 branch, a 1×1 →
3×3 → 3×3/2 branch and a 3×3/2 max pool. A 7×7 average pool and a 1000-way fc end it.
Every conv has a bias and is followed by batch norm and ReLU (as imgclsmob; the paper
drops the bias where BN follows, which changes only the 10,016 conv biases — ours counts
them as imgclsmob does).

Layer names follow imgclsmob's modules (``features.init_block.conv1.conv``,
``features.stage1.unit1.branches.branch2.conv2.conv`` …); each module's concatenation is
``….concat``.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Ioffe & Szegedy, ICML 2015, Figure 5; osmr/imgclsmob bninception"

# Figure 5, per module: (#1×1, #3×3 reduce, #3×3, double #3×3 reduce, double #3×3, pool proj),
# 0 where the module has no such branch (the reductions 3c and 4e), pool 'avg' or 'max'.
MODULES: tuple[tuple[str, int, int, int, int, int, int, str], ...] = (
    ("stage1.unit1", 64, 64, 64, 64, 96, 32, "avg"),      # 3a
    ("stage1.unit2", 64, 64, 96, 64, 96, 64, "avg"),      # 3b
    ("stage2.unit1", 0, 128, 160, 64, 96, 0, "max"),      # 3c (stride 2)
    ("stage2.unit2", 224, 64, 96, 96, 128, 128, "avg"),   # 4a
    ("stage2.unit3", 192, 96, 128, 96, 128, 128, "avg"),  # 4b
    ("stage2.unit4", 160, 128, 160, 128, 160, 128, "avg"),  # 4c
    ("stage2.unit5", 96, 128, 192, 160, 192, 128, "avg"),   # 4d
    ("stage3.unit1", 0, 128, 192, 192, 256, 0, "max"),    # 4e (stride 2)
    ("stage3.unit2", 352, 192, 320, 160, 224, 128, "avg"),  # 5a
    ("stage3.unit3", 352, 192, 320, 192, 224, 128, "max"),  # 5b
)


def _conv(b: NetBuilder, x: str, M: int, k: int, stride: int, name: str) -> str:
    """conv (bias) → BN → ReLU, named ``name.conv``, ``name.bn``, ``name.activ``."""
    with b.scope(name):
        y = b.conv(x, M, k, stride, k // 2, bias=True, name="conv")
        return b.relu(b.bn(y, name="bn"), name="activ")


def _module(b: NetBuilder, x: str, c1: int, r3: int, c3: int, rd: int, cd: int, proj: int, pool: str) -> str:
    reduction = proj == 0
    stride = 2 if reduction else 1
    outs = []
    with b.scope("branches"):
        n = 1
        if c1:
            outs.append(_conv(b, x, c1, 1, 1, f"branch{n}"))
            n += 1
        with b.scope(f"branch{n}"):
            outs.append(_conv(b, _conv(b, x, r3, 1, 1, "conv1"), c3, 3, stride, "conv2"))
        n += 1
        with b.scope(f"branch{n}"):
            y = _conv(b, _conv(b, x, rd, 1, 1, "conv1"), cd, 3, 1, "conv2")
            outs.append(_conv(b, y, cd, 3, stride, "conv3"))
        n += 1
        if reduction:
            outs.append(b.maxpool(x, 3, 2, 0, ceil_mode=True, name=f"branch{n}"))
        else:
            with b.scope(f"branch{n}"):
                pool_fn = b.avgpool if pool == "avg" else b.maxpool
                outs.append(_conv(b, pool_fn(x, 3, 1, 1, ceil_mode=True, name="pool"), proj, 1, 1, "conv"))
    return b.concat(outs, name="concat")


def bninception() -> Network:
    b = NetBuilder("bninception", C=3, H=224, W=224, source=SOURCE,
                   description="BN-Inception (Inception v2), 224x224 input, as imgclsmob builds it")
    with b.scope("features"):
        with b.scope("init_block"):
            x = _conv(b, b.input, 64, 7, 2, "conv1")
            x = b.maxpool(x, 3, 2, 0, ceil_mode=True, name="pool1")
            with b.scope("conv2"):
                x = _conv(b, _conv(b, x, 64, 1, 1, "conv1"), 192, 3, 1, "conv2")
            x = b.maxpool(x, 3, 2, 0, ceil_mode=True, name="pool2")
        for name, *row in MODULES:
            with b.scope(name):
                x = _module(b, x, *row)  # type: ignore[arg-type]
        x = b.global_pool(x, name="final_pool")  # nn.AvgPool2d(7, stride=1) on 7×7
    b.fc(x, 1000, name="output")
    return b.build()
