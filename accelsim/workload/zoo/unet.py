"""U-Net (Ronneberger, Fischer & Brox, "U-Net: Convolutional Networks for Biomedical Image
Segmentation", MICCAI 2015, Figure 1), 572×572×1 input, 388×388×2 output.

Contracting path: at each of five levels two 3×3 convs without padding ("unpadded
convolutions"), each followed by ReLU, with 64, 128, 256, 512, 1024 channels; a 2×2 max
pool of stride 2 between levels. Expansive path: at each level a 2×2 up-convolution
("up-conv 2×2") halving the channels, the concatenation with the cropped map of the same
level of the contracting path (copy and crop; the crop is centred: 568 → 392, 280 → 200,
136 → 104, 64 → 56), and two 3×3 unpadded convs with ReLU; a final 1×1 conv to 2 classes.
Every conv has a bias (the paper's Caffe model); the paper has no batch norm. The 23
convolutional layers are those of the paper's count (18 of 3×3, 4 up-convs, 1 of 1×1).

The up-convolution is a transposed convolution (kernel 2, stride 2): accelsim lowers it to
its four phase convolutions — here 1×1 convs over the input, one per output phase, which
together multiply every input pixel by every kernel tap exactly once and never touch the
inserted zeros — and an ``interleave`` (accelsim/workload/convtranspose.py;
tests/test_convtranspose.py checks the lowering against a NumPy transposed convolution).
The paper's dropout at the end of the contracting path is omitted (no count).

Layer names: ``down{l}.conv{1,2}`` (+ ``.relu``), ``down{l}.pool``; ``up{l}.upconv``
(its phases ``up{l}.upconv.phaseAB``), ``up{l}.crop``, ``up{l}.concat``, ``up{l}.conv{1,2}``;
``final``.
"""
from __future__ import annotations

from ..builder import NetBuilder
from ..network import Network

SOURCE = "Ronneberger et al., MICCAI 2015, Figure 1"
WIDTHS = (64, 128, 256, 512, 1024)
CLASSES = 2


def _double_conv(b: NetBuilder, x: str, M: int) -> str:
    x = b.relu(b.conv(x, M, 3, bias=True, name="conv1"), name="conv1.relu")
    return b.relu(b.conv(x, M, 3, bias=True, name="conv2"), name="conv2.relu")


def unet() -> Network:
    b = NetBuilder("unet", C=1, H=572, W=572, source=SOURCE,
                   description="U-Net, 572x572x1 input, 388x388x2 output (Ronneberger et al. 2015, Figure 1)")
    skips = []
    x = b.input
    for level, M in enumerate(WIDTHS, start=1):
        with b.scope(f"down{level}"):
            if level > 1:
                x = b.maxpool(skips[-1], 2, 2, name="pool")
            x = _double_conv(b, x, M)
        skips.append(x)
    for level in range(len(WIDTHS) - 1, 0, -1):
        M = WIDTHS[level - 1]
        with b.scope(f"up{level}"):
            x = b.conv_transpose(x, M, 2, 2, bias=True, name="upconv")
            skip = skips[level - 1]
            d = (b.shape(skip).H - b.shape(x).H) // 2
            c = b.crop(skip, d, name="crop")
            x = b.concat([c, x], name="concat")
            x = _double_conv(b, x, M)
    b.conv(x, CLASSES, 1, bias=True, name="final")
    return b.build()
