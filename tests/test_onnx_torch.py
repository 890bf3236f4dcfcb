"""PyTorch's two ONNX exporters, as they really write, against the zoo's closed forms.

``tests/data/onnx/*.onnx`` are torchvision 0.29.1 models exported by torch 2.14.1 with the
TorchScript exporter (opset 17) and the dynamo exporter (opset 18), weights stripped
(``tools/export_torchvision_onnx.py``; see ``tests/data/onnx/README.md``). Imported, each
must have the zoo network's convolutions and fc layers, in order and shape for shape, and
its MACs to the digit (the zoo's totals are checked against torchvision in test_zoo.py).
Both exporters fold batch norm into the convolutions in eval mode: the file's weights are
the zoo's, and each folded batch norm of C channels becomes C conv biases.

The last tests export a small module live through ``accelsim.from_torch``; they need torch,
which accelsim never installs, and skip with that reason where it is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("onnx", reason="the ONNX importer needs the optional 'onnx' package (pip install 'accelsim[onnx]')")

from accelsim.workload.importers.onnx import import_onnx  # noqa: E402
from accelsim.workload.zoo import build  # noqa: E402

from conftest import DATA  # noqa: E402

FILES = sorted((DATA / "onnx").glob("*.onnx"))


def _mac_layers(net):
    out = []
    for l in net.layers:
        s = l.shape
        if l.type == "conv":
            out.append(("conv", s.M, s.C, s.H, s.W, s.R, s.S, s.U, s.pad, s.G, s.dilation, s.E, s.F))
        elif l.type == "fc":
            out.append(("fc", s.M, l.ins[0].size))
    return out


def test_there_are_exports_of_both_exporters():
    kinds = {p.name.split(".")[1] for p in FILES}
    assert kinds == {"torchscript17", "dynamo18"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_torchvision_export_imports_as_the_zoo_network(path: Path):
    zoo_name = path.name.split(".")[0]
    net = import_onnx(path)
    zoo = build(zoo_name)
    assert _mac_layers(net) == _mac_layers(zoo)
    t, z = net.totals(), zoo.totals()
    assert t["macs"] == z["macs"]
    assert t["weights"] == z["weights"]
    # Batch norm folded by the exporter: no BN left; the TorchScript exporter gives each
    # folded batch norm of C channels C conv biases. The dynamo exporter's optimizer drops
    # every bias that is all zeros, which the untrained (weights=None) models' are: BN's
    # mean and β are 0, and EfficientNet/MobileNet initialise conv and fc biases to 0.
    assert t["bn_params"] == 0
    if "torchscript" in path.name:
        assert t["biases"] == z["biases"] + z["bn_params"] // 2
    else:
        assert 0 <= t["biases"] <= z["biases"] + z["bn_params"] // 2
    assert any("folds batch norm" in n for n in net.notes) or not z["bn_params"]
    if "torchscript" in path.name:
        # Names from the module scopes: the zoo's names are torchvision's module names.
        names = [l.name for l in net.layers if l.type in ("conv", "fc")]
        assert names == [l.name for l in zoo.layers if l.type in ("conv", "fc")]


# ---------------------------------------------------------------- live export (needs torch)


def _module():
    torch = pytest.importorskip("torch", reason="torch is not installed (accelsim never depends on it); the live export tests need it")
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 3, 2, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(16)
            self.act = nn.ReLU6()
            self.dw = nn.Conv2d(16, 16, 3, 1, 2, dilation=2, groups=16)
            self.silu = nn.SiLU()
            self.pool = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
            self.fc = nn.Linear(16 * 9 * 9, 10)

        def forward(self, x):
            x = self.act(self.bn1(self.conv1(x)))
            y = self.silu(self.dw(x))
            x = x + y
            b, c, h, w = x.shape
            x = x.view(b, 4, c // 4, h, w).transpose(1, 2).contiguous().view(b, -1, h, w)  # channel shuffle
            a, z = x.chunk(2, dim=1)
            x = torch.cat([z, a], 1)
            x = self.pool(x)
            return self.fc(torch.flatten(x, 1))

    return Block()


@pytest.mark.parametrize("dynamo", [False, True], ids=["torchscript17", "dynamo18"])
def test_from_torch_both_exporters(dynamo):
    import accelsim

    net = accelsim.from_torch(_module(), (1, 3, 32, 32), dynamo=dynamo)
    kinds = [(l.type, getattr(l.op, "fn", "")) for l in net.layers]
    assert kinds == [("conv", ""), ("activation", "relu6"), ("conv", ""), ("activation", "swish"), ("add", ""),
                     ("shuffle", ""), ("slice", ""), ("slice", ""), ("concat", ""), ("maxpool", ""), ("fc", "")]
    # Closed form: conv1 16·16·16·3·9, dw (dilation 2, pad 2) 16·16·16·1·9, fc 1296·10.
    assert net.totals()["macs"] == 16 * 16 * 16 * 27 + 16 * 16 * 16 * 9 + 1296 * 10
    assert net.totals()["weights"] == 16 * 27 + 16 * 9 + 1296 * 10
    assert net.layer(net.layers[5].name).op.groups == 4
