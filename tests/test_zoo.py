"""The model zoo against published totals and, layer for layer, against torchvision.

Sources of the expected totals (MACs = conv + fc multiply-accumulates at batch 1):
- torchvision-built networks (EfficientNet B1–B7 and MnasNet 1.0 too): torchvision's model documentation (``num_params``,
  GFLOPS), and the layer lists traced from torchvision 0.29.1 in
  ``tests/data/torchvision/*.json`` (see its README), which the layer-for-layer test uses;
- AlexNet (Krizhevsky 2012, the Eyeriss variant with 96 conv1 filters and two groups):
  closed form per layer, ../shared/reference/PUBLISHED.md §1.3 and §2 [C];
- MobileNet v1: Howard et al. 2017, Table 1 (569 M mult-adds, 4.2 M parameters);
- ShuffleNet v1 1× g=3: Zhang et al., CVPR 2018, Table 2 (140 MFLOPs), built as the
  authors' reference code (megvii-model/ShuffleNet-Series) builds it;
- Xception: Chollet, CVPR 2017; Keras applications' Xception, 22,855,952 trainable
  parameters (22,910,480 in all, 54,528 of them BN moving statistics).
"""
from __future__ import annotations

import json

import pytest

from accelsim.workload import load_workload
from accelsim.workload.zoo import ZOO, build, export_yaml

from conftest import DATA, REPO

# name: (MACs, params, which parameter total the figure counts, exact?)
EXPECTED = {
    "alexnet": (724_406_816, 60_965_224, "params", True),
    "vgg16": (15_470_264_320, 138_357_544, "params", True),
    "googlenet": (1_498_376_192, 6_624_904, "params", True),
    # imgclsmob (COMPRESSION.md §7): 11,295,240 params (exact here, see test_zoo_variants.py),
    # 2,048.06 M "MACs" that also count non-conv ops: ours, conv + fc, are 0.75 % under.
    "bninception": (2_048_060_000, 11_295_240, "params", False),
    "inception_v3": (5_713_216_096, 23_834_568, "params", True),
    "resnet18": (1_814_073_344, 11_689_512, "params", True),
    "resnet50": (4_089_184_256, 25_557_032, "params", True),
    "squeezenet1_0": (818_924_576, 1_248_424, "params", True),
    "squeezenet1_1": (349_151_936, 1_235_496, "params", True),
    "mobilenet_v1": (568_740_352, 4_210_088, "weights+biases", False),
    "mobilenet_v2": (300_774_272, 3_504_872, "params", True),
    "mobilenet_v3_large": (216_589_760, 5_483_032, "params", True),
    "mobilenet_v3_small": (56_510_400, 2_542_856, "params", True),
    "shufflenet_v1_g3": (137_460_672, 1_840_248, "weights+biases", False),
    "shufflenet_v2_x1_0": (144_907_992, 2_278_604, "params", True),
    "efficientnet_b0": (385_814_752, 5_288_548, "params", True),
    # torchvision's documented num_params (4,383,312; 0.31 GFLOPS); MACs from its traced layer list
    "mnasnet1_0": (314_415_872, 4_383_312, "params", True),
    "densenet121": (2_834_161_664, 7_978_856, "params", True),
    "xception": (8_400_000_000, 22_855_952, "params", False),
    # closed form from Ronneberger et al. 2015, Figure 1 (written out in test_zoo_variants.py)
    "unet": (150_428_424_448, 31_030_658, "params", True),
}
# Built as torchvision builds them: compared layer for layer with its traced layer lists.
TORCHVISION = [
    "vgg16", "googlenet", "inception_v3", "resnet18", "resnet50", "squeezenet1_0", "squeezenet1_1",
    "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "shufflenet_v2_x1_0", "efficientnet_b0",
    "densenet121", "mnasnet1_0",
    # built by name (zoo.VARIANTS; totals in test_zoo_variants.py), not in workloads/
    *(f"efficientnet_b{i}" for i in range(1, 8)),
]


@pytest.fixture(scope="module")
def nets():
    return {name: build(name) for name in dict.fromkeys([*ZOO, *TORCHVISION])}


def test_every_expected_network_is_in_the_zoo():
    assert set(EXPECTED) == set(ZOO)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_totals(name, nets):
    macs, params, counted, exact = EXPECTED[name]
    t = nets[name].totals()
    ours = t["weights"] + t["biases"] if counted == "weights+biases" else t["params"]
    assert t["params"] == t["weights"] + t["biases"] + t["bn_params"]
    if exact:
        assert (t["macs"], ours) == (macs, params)
    else:
        assert abs(t["macs"] - macs) <= 0.01 * macs
        assert abs(ours - params) <= 0.01 * params


@pytest.mark.parametrize("name", sorted(ZOO))
def test_shipped_yaml_equals_builder(name, nets):
    path = REPO / "workloads" / f"{name}.yaml"
    assert path.read_text() == export_yaml(name), "regenerate: python -m accelsim.workload.zoo workloads/"
    loaded = load_workload(path)
    assert loaded.layers == nets[name].layers
    assert loaded.inputs == nets[name].inputs


# ---------------------------------------------------------------- torchvision, layer for layer


def _tv_sequence(entries, kinds):
    seq = []
    for e in entries:
        t = e["type"]
        if t == "conv" and "conv" in kinds:
            (sh, sw), (ph, pw), (dh, dw) = e["stride"], e["padding"], e["dilation"]
            assert sh == sw and dh == dw
            seq.append(("conv", tuple(e["in"]), tuple(e["out"]), tuple(e["kernel"]), sh, (ph, ph, pw, pw), dh, e["groups"], e["bias"]))
        elif t == "fc" and "fc" in kinds:
            seq.append(("fc", e["in"][0], e["out"][0], e["bias"]))
        elif t == "bn" and "bn" in kinds:
            seq.append(("bn", tuple(e["in"])))
        elif t in ("maxpool", "avgpool") and "pool" in kinds:
            k, s, p = (e[x] if isinstance(e[x], list) else [e[x], e[x]] for x in ("kernel", "stride", "padding"))
            seq.append((t, tuple(e["in"]), tuple(e["out"]), tuple(k), s[0], (p[0], p[0], p[1], p[1]), bool(e.get("ceil_mode", False))))
        elif t == "adaptive_avgpool" and "pool" in kinds and tuple(e["out"][1:]) == (1, 1):
            seq.append(("globalpool", tuple(e["in"]), tuple(e["out"])))
    return seq


def _our_sequence(net, kinds):
    seq = []
    for l in net.layers:
        i, o = l.ins[0], l.out
        cin, cout = (i.C, i.H, i.W), (o.C, o.H, o.W)
        if l.type == "conv" and "conv" in kinds:
            op = l.op
            seq.append(("conv", cin, cout, (op.R, op.S), op.stride, op.pad, op.dilation, op.groups, op.bias))
        elif l.type == "fc" and "fc" in kinds:
            seq.append(("fc", i.size, o.C, l.op.bias))
        elif l.type == "batchnorm" and "bn" in kinds:
            seq.append(("bn", cin))
        elif l.type in ("maxpool", "avgpool") and "pool" in kinds:
            op = l.op
            seq.append((l.type, cin, cout, (op.R, op.S), op.stride, op.pad, op.ceil_mode))
        elif l.type == "globalpool" and l.op.kind == "avg" and "pool" in kinds:
            seq.append(("globalpool", cin, cout))
    return seq


def _is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@pytest.mark.parametrize("name", TORCHVISION)
def test_layer_for_layer_as_torchvision(name, nets):
    ref = json.loads((DATA / "torchvision" / f"{name}.json").read_text())
    net = nets[name]
    # Every conv, fc and batch norm, in torchvision's execution order, identical.
    kinds = {"conv", "fc", "bn"}
    assert _our_sequence(net, kinds) == _tv_sequence(ref["layers"], kinds)
    # Pools that torchvision runs as modules appear in ours in the same order (ours also
    # holds the pools torchvision calls functionally, which its hooks cannot see).
    assert _is_subsequence(_tv_sequence(ref["layers"], {"pool"}), _our_sequence(net, {"pool"}))
    t = net.totals()
    assert t["macs"] == ref["totals"]["macs"]
    assert t["params"] == ref["totals"]["params"]
    assert t["bn_params"] == ref["totals"]["bn_params"]
    assert t["weights"] == ref["totals"]["conv_fc_weights"]
    assert t["biases"] == ref["totals"]["conv_fc_biases"]
