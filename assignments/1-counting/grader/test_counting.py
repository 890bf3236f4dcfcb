"""Autograder of assignment 1 (counting). The truth here is independent of accelsim's
code: window positions enumerated, published totals, the papers' closed forms."""
from __future__ import annotations

import math
import pytest
import yaml

from accelsim.paths import config_dir
from accelsim.teach.grading import call, submission

WORKLOADS = config_dir("workloads")  # the zoo as YAML, read here with a plain YAML parser

# Published totals, batch 1, conv + fc layers:
# AlexNet (Eyeriss shapes): 665,784,864 conv MACs (ISSCC'16: "666 million MACs per 227x227
#   image") + 58,621,952 fc MACs (9216·4096 + 4096·4096 + 4096·1000) — PUBLISHED.md §1.3.
# ResNet-18: torchvision reports 11,689,512 parameters = weights + 1,000 fc biases + 9,600
#   batch-norm γ/β; 1.81 GMACs (torchvision's "GFLOPS 1.81"; exact 1,814,073,344).
ALEXNET_MACS = 665_784_864 + 58_621_952
RESNET18_MACS = 1_814_073_344
RESNET18_WEIGHTS = 11_689_512 - 1_000 - 9_600


@pytest.fixture(scope="module")
def sub():
    return submission("counting")


def windows(H: int, R: int, stride: int, pad: int) -> int:
    """Output positions, enumerated: the window starts that fit in the padded input."""
    return len(range(0, H + 2 * pad - R + 1, stride))


CASES = [  # N C H W M R S stride pad groups
    (1, 3, 224, 224, 64, 7, 7, 2, 3, 1),    # ResNet conv1: 112 x 112 (He et al., Table 1)
    (2, 32, 56, 56, 32, 3, 3, 1, 1, 32),    # depthwise
    (1, 64, 28, 28, 128, 3, 3, 2, 1, 4),    # grouped, strided
    (1, 96, 27, 27, 256, 5, 5, 1, 2, 2),    # AlexNet conv2, 2 groups
    (1, 16, 9, 7, 8, 1, 1, 1, 0, 1),
]


def test_output_size(sub):
    for N, C, H, W, M, R, S, U, P, G in CASES:
        got = call(sub.output_size, H, R, U, P)
        assert got == windows(H, R, U, P), f"output_size(H={H}, R={R}, stride={U}, pad={P}) = {got}, expected {windows(H, R, U, P)}"
    assert call(sub.output_size, 224, 7, 2, 3) == 112, "ResNet's conv1 (224, 7x7, stride 2, pad 3) has a 112 x 112 output"


def test_conv_macs_and_weights(sub):
    for N, C, H, W, M, R, S, U, P, G in CASES:
        want = N * M * windows(H, R, U, P) * windows(W, S, U, P) * (C // G) * R * S
        got = call(sub.conv_macs, N, C, H, W, M, R, S, U, P, G)
        hint = " (with groups, each filter sees only C/groups input channels)" if G > 1 else ""
        assert got == want, f"conv_macs for N={N} C={C} H={H} W={W} M={M} R={R} S={S} stride={U} pad={P} groups={G} is {got}, expected {want}{hint}"
        got_w = call(sub.conv_weights, C, M, R, S, G)
        assert got_w == M * (C // G) * R * S, f"conv_weights(C={C}, M={M}, R={R}, S={S}, groups={G}) = {got_w}, expected {M * (C // G) * R * S}{hint}"


def test_network_totals_match_published_figures(sub):
    got = call(sub.network_macs, "alexnet")
    assert got == ALEXNET_MACS, f"AlexNet has {ALEXNET_MACS:,} MACs (666 M conv + 58.6 M fc); you count {got:,}"
    got = call(sub.network_macs, "resnet18")
    assert got == RESNET18_MACS, f"ResNet-18 has {RESNET18_MACS:,} MACs (torchvision: 1.81 G); you count {got:,}"
    got = call(sub.network_weights, "resnet18")
    assert got == RESNET18_WEIGHTS, f"ResNet-18 has {RESNET18_WEIGHTS:,} weights (torchvision's 11,689,512 parameters less 1,000 biases and 9,600 batch-norm); you count {got:,}"


def test_depthwise_separable_ratio(sub):
    # Howard et al. 2017, Eq. (5): (C·R·S·E·F + C·M·E·F) / (C·M·R·S·E·F) = 1/M + 1/(R·S)
    for C, M, R in ((32, 64, 3), (512, 512, 3), (64, 128, 5), (16, 8, 3)):
        got = call(sub.separable_ratio, C, M, R, R)
        want = 1 / M + 1 / (R * R)
        assert math.isclose(got, want, rel_tol=1e-12), (
            f"separable_ratio(C={C}, M={M}, R=S={R}) = {got:.6f}, expected 1/M + 1/(R·S) = {want:.6f} "
            "(the pointwise conv has C·M weights per pixel; the ratio's first term is over the OUTPUT channels)")
    # and it agrees with the student's own MAC counts
    C, M, H = 32, 64, 14
    dw = call(sub.conv_macs, 1, C, H, H, C, 3, 3, 1, 1, C)
    pw = call(sub.conv_macs, 1, C, H, H, M, 1, 1, 1, 0, 1)
    std = call(sub.conv_macs, 1, C, H, H, M, 3, 3, 1, 1, 1)
    assert math.isclose((dw + pw) / std, call(sub.separable_ratio, C, M, 3, 3), rel_tol=1e-12), \
        "separable_ratio disagrees with (depthwise + pointwise MACs) / standard MACs from your conv_macs"
    # MobileNet: "8 to 9 times less computation than standard convolutions" (Howard et al. §3.1)
    assert 8 <= 1 / call(sub.separable_ratio, 512, 512, 3, 3) <= 9


def test_shufflenet_v2_guideline_1(sub):
    # Ma et al., ECCV 2018, §3 G1: MAC = hw(c1 + c2) + c1·c2 >= 2·sqrt(hw·B) + B/(hw), B = hw·c1·c2
    assert call(sub.memory_access_cost, 7, 7, 3, 5) == 49 * 8 + 15
    assert math.isclose(call(sub.mac_lower_bound, 7, 7, 49 * 15), 2 * math.sqrt(49 * 49 * 15) + 15, rel_tol=1e-12), \
        "mac_lower_bound(h, w, B) is 2·sqrt(h·w·B) + B/(h·w)"
    layers = call(sub.pointwise_layers, "shufflenet_v2_x1_0")
    spec = yaml.safe_load((WORKLOADS / "shufflenet_v2_x1_0.yaml").read_text())
    want = {l["name"]: l["M"] for l in spec["layers"] if l["type"] == "conv" and l.get("R") == 1 and l.get("groups", 1) == 1}
    names = [l[0] for l in layers]
    assert sorted(names) == sorted(want), (
        f"ShuffleNet v2 1.0x has {len(want)} 1x1 convs with groups 1; you list {len(names)}"
        + (f" (e.g. {sorted(set(names) ^ set(want))[0]!r} differs)" if set(names) != set(want) else ""))
    for name, h, w, c1, c2 in layers:
        assert c2 == want[name], f"{name}: c2 is {want[name]}, you give {c2}"
        B = h * w * c1 * c2
        mac, bound = call(sub.memory_access_cost, h, w, c1, c2), call(sub.mac_lower_bound, h, w, B)
        assert mac >= bound - 1e-6 * bound, f"{name}: MAC {mac} is below the bound {bound:.1f} — check both formulas"
        if c1 == c2:  # equality exactly when the channels are balanced (G1)
            assert math.isclose(mac, bound, rel_tol=1e-9), f"{name}: c1 = c2, so MAC should meet the bound: {mac} vs {bound:.1f}"
