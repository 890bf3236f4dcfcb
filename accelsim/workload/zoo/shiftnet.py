"""ShiftNet-A (Wu et al., "Shift: A Zero FLOP, Zero Parameter Alternative to Spatial
Convolutions", CVPR 2018, arXiv:1711.08141, §5 ImageNet), 224×224 input.

The layer table is that of a public PyTorch re-implementation (a ``shiftneta.py`` with
class ``ShiftNetA`` and ``CSCBlock``, on the ``shiftnet_cuda_v2`` GenericShift kernel of
the authors' CIFAR code; found by code search, its repository not recorded), the only
architecture found: the paper's own table was not in the stored material. Its totals
agree, to their precision, with those the FE-Net paper (Chen et al., CVPR 2019) quotes for
ShiftNet-A in its ImageNet comparison table, as the course slides in ../shared/seeds/001
reproduce it: 1.4 G mult-adds, 4.1 M parameters.

- a 7×7/2 conv to 32 channels (pad 3);
- four stages of CSC (conv-shift-conv) blocks, 5, 6, 7, 3 blocks with 64, 128, 256, 512
  output channels, each stage's first block of stride 2; the shift kernel is 5×5 in stages
  1–2 and 3×3 in stages 3–4; the expansion rate E (middle channels = E × the block's conv
  output channels) is 4, 4, 3, 2 in a stage's first block and 4, 3, 2, 1 in the others;
- a CSC block (pre-activation): BN → ReLU → 1×1 conv to E·c → shift (R×S) → BN → ReLU → 1×1
  conv to c, with the block's stride; plus the input. In a stage's first block the input
  goes through a 3×3/2 average pool (pad 1) and is concatenated after the block's output, so
  c is the stage's channels less the input's;
- BN → ReLU → global average pool → 1000-way fc (with bias). The convs have no bias.

**The shift layer** is the ``shift`` type (``accelsim/workload/ops.py``): zero MACs, zero
parameters. Each of the E·c channels is displaced by one offset of the R×S neighbourhood,
zero filled. The engine counts it as one SIMD-unit pass (read E·c·H·W, write E·c·H·W), not
as a view. A shift's zero fill and per-channel offsets would need an address generator in
the consumer conv's input path that the configs do not describe, so a view would hide real
traffic; the copy is the conservative count (docs/schedule.md: ``shift`` stays a copy at
every fusion level). A config whose array read shifted windows directly would count it as a
view. That needs a per-config switch in the schedule, which this module does not add.

ShiftNet-B and -C are not built: their layer tables were not found (the paper's ImageNet
architecture table is not in the stored material), only their totals (B: 371 M mult-adds, 1.1 M
parameters; C: 0.78 M parameters).

Layer names follow the re-implementation's modules (``conv1``, ``layer1.0.conv1``,
``layer1.0.shift``, ``layer1.0.bn2`` …, ``bn``, ``fc``); a block's shortcut pool is
``….downsample``, its join ``….concat`` or ``….add``.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = ("Wu et al., CVPR 2018 (arXiv:1711.08141); layer table from a public re-implementation "
          "(shiftneta.py, ShiftNetA/CSCBlock); totals as quoted in Chen et al., CVPR 2019")

STEM = 32
# (output channels, blocks, shift kernel, expansion of the first block, of the others)
STAGES_A = ((64, 5, 5, 4, 4), (128, 6, 5, 4, 3), (256, 7, 3, 3, 2), (512, 3, 3, 2, 1))


def _csc(b: NetBuilder, x: str, out: int, k: int, expansion: int, stride: int) -> str:
    """One CSC block; ``out`` is the block's output channels (the stage's)."""
    inp = b.channels(x)
    c = out - inp if stride == 2 else out
    y = b.relu(b.bn(x, name="bn1"), name="relu1")
    y = b.conv(y, expansion * c, 1, name="conv1")
    y = b.shift(y, k, name="shift")
    y = b.relu(b.bn(y, name="bn2"), name="relu2")
    y = b.conv(y, c, 1, stride, name="conv2")
    if stride == 2:
        return b.concat([y, b.avgpool(x, 3, 2, 1, name="downsample")], name="concat")
    return b.add([y, x], name="add")


def shiftnet_a() -> Network:
    b = NetBuilder("shiftnet_a", C=3, H=224, W=224, source=SOURCE,
                   description="ShiftNet-A, 224x224 input, CSC blocks with zero-FLOP shift layers")
    x = b.conv(b.input, STEM, 7, 2, 3, name="conv1")
    for i, (out, n, k, e_first, e_rest) in enumerate(STAGES_A, start=1):
        for j in range(n):
            with b.scope(f"layer{i}.{j}"):
                x = _csc(b, x, out, k, e_first if j == 0 else e_rest, 2 if j == 0 else 1)
    x = b.relu(b.bn(x, name="bn"), name="relu")
    x = b.global_pool(x, name="avgpool")
    b.fc(x, 1000, name="fc")
    return b.build()
