"""Autograder of assignment 1 (counting). The truth here is independent of accelsim's
code: window positions enumerated, published totals, the papers' closed forms."""
from __future__ import annotations

import math

import yaml

from accelsim.paths import config_dir
from accelsim.teach.checks import call, expect, fixture, submission

WORKLOADS = config_dir("workloads")  # the zoo as YAML, read here with a plain YAML parser

# Published totals, batch 1, conv + fc layers:
# AlexNet (Eyeriss shapes): 665,784,864 conv MACs (ISSCC'16: "666 million MACs per 227x227
#   image") + 58,621,952 fc MACs (9216·4096 + 4096·4096 + 4096·1000) — PUBLISHED.md §1.3.
# ResNet-18: torchvision reports 11,689,512 parameters = weights + 1,000 fc biases + 9,600
#   batch-norm γ/β; 1.81 GMACs (torchvision's "GFLOPS 1.81"; exact 1,814,073,344).
ALEXNET_MACS = 665_784_864 + 58_621_952
RESNET18_MACS = 1_814_073_344
RESNET18_WEIGHTS = 11_689_512 - 1_000 - 9_600


@fixture
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


def check_output_size(sub):
    for N, C, H, W, M, R, S, U, P, G in CASES:
        got = call(sub.output_size, H, R, U, P)
        expect(got == windows(H, R, U, P), f"output_size(H={H}, R={R}, stride={U}, pad={P}) is wrong: count the "
               "positions where the window fits in the padded input", expected=windows(H, R, U, P), found=got)
    got = call(sub.output_size, 224, 7, 2, 3)
    expect(got == 112, "output_size of ResNet's conv1 (224, 7x7, stride 2, pad 3) is wrong (He et al., Table 1 gives it)",
           expected=112, found=got)


def check_conv_macs_and_weights(sub):
    for N, C, H, W, M, R, S, U, P, G in CASES:
        want = N * M * windows(H, R, U, P) * windows(W, S, U, P) * (C // G) * R * S
        got = call(sub.conv_macs, N, C, H, W, M, R, S, U, P, G)
        hint = " (with groups, each filter sees only C/groups input channels)" if G > 1 else ""
        expect(got == want, f"conv_macs for N={N} C={C} H={H} W={W} M={M} R={R} S={S} stride={U} pad={P} groups={G} "
               f"is wrong{hint}", expected=want, found=got)
        got_w = call(sub.conv_weights, C, M, R, S, G)
        expect(got_w == M * (C // G) * R * S, f"conv_weights(C={C}, M={M}, R={R}, S={S}, groups={G}) is wrong{hint}",
               expected=M * (C // G) * R * S, found=got_w)


def check_network_totals_match_published_figures(sub):
    got = call(sub.network_macs, "alexnet")
    expect(got == ALEXNET_MACS, "network_macs('alexnet') differs from the published count: add every conv and fc "
           "layer (Chen et al., ISSCC 2016, give the conv part)", expected=ALEXNET_MACS, found=got)
    got = call(sub.network_macs, "resnet18")
    expect(got == RESNET18_MACS, "network_macs('resnet18') differs from torchvision's published figure",
           expected=RESNET18_MACS, found=got)
    got = call(sub.network_weights, "resnet18")
    expect(got == RESNET18_WEIGHTS, "network_weights('resnet18') differs from torchvision's parameter count less the "
           "fc biases and the batch-norm parameters", expected=RESNET18_WEIGHTS, found=got)


def check_depthwise_separable_ratio(sub):
    # Howard et al. 2017, Eq. (5): (C·R·S·E·F + C·M·E·F) / (C·M·R·S·E·F) = 1/M + 1/(R·S)
    for C, M, R in ((32, 64, 3), (512, 512, 3), (64, 128, 5), (16, 8, 3)):
        got = call(sub.separable_ratio, C, M, R, R)
        want = 1 / M + 1 / (R * R)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-12),
               f"separable_ratio(C={C}, M={M}, R=S={R}) is wrong: work it out from the MACs of the depthwise and the "
               "pointwise convs over the standard conv's (Howard et al., Eq. 5; the pointwise conv has C·M weights "
               "per pixel)", expected=want, found=got)
    # and it agrees with the student's own MAC counts
    C, M, H = 32, 64, 14
    dw = call(sub.conv_macs, 1, C, H, H, C, 3, 3, 1, 1, C)
    pw = call(sub.conv_macs, 1, C, H, H, M, 1, 1, 1, 0, 1)
    std = call(sub.conv_macs, 1, C, H, H, M, 3, 3, 1, 1, 1)
    expect(math.isclose((dw + pw) / std, call(sub.separable_ratio, C, M, 3, 3), rel_tol=1e-12),
           "separable_ratio disagrees with (depthwise + pointwise MACs) / standard MACs from your conv_macs")
    # MobileNet: "8 to 9 times less computation than standard convolutions" (Howard et al. §3.1)
    ratio = call(sub.separable_ratio, 512, 512, 3, 3)
    expect(ratio and 8 <= 1 / ratio <= 9, "separable_ratio(512, 512, 3, 3) disagrees with MobileNet's '8 to 9 times "
           "less computation' (Howard et al., §3.1)", expected="between 1/9 and 1/8", found=ratio)


def check_shufflenet_v2_guideline_1(sub):
    # Ma et al., ECCV 2018, §3 G1: MAC = hw(c1 + c2) + c1·c2 >= 2·sqrt(hw·B) + B/(hw), B = hw·c1·c2
    got = call(sub.memory_access_cost, 7, 7, 3, 5)
    expect(got == 49 * 8 + 15, "memory_access_cost(7, 7, 3, 5) is wrong: a 1x1 conv reads its input, writes its "
           "output and reads its weights once (Ma et al., §3 G1)", expected=49 * 8 + 15, found=got)
    got = call(sub.mac_lower_bound, 7, 7, 49 * 15)
    want = 2 * math.sqrt(49 * 49 * 15) + 15
    expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-12),
           "mac_lower_bound(7, 7, B) is wrong: see Ma et al.'s inequality for G1 (mean values, B = h·w·c1·c2)",
           expected=want, found=got)
    layers = call(sub.pointwise_layers, "shufflenet_v2_x1_0")
    spec = yaml.safe_load((WORKLOADS / "shufflenet_v2_x1_0.yaml").read_text())
    want = {l["name"]: l["M"] for l in spec["layers"] if l["type"] == "conv" and l.get("R") == 1 and l.get("groups", 1) == 1}
    names = [l[0] for l in layers]
    expect(sorted(names) == sorted(want), "pointwise_layers('shufflenet_v2_x1_0') does not list exactly the 1x1 "
           "convs with groups 1 of the workload YAML" + (f" (e.g. {sorted(set(names) ^ set(want))[0]!r})"
                                                          if set(names) != set(want) else ""),
           expected=len(want), found=len(names))
    for name, h, w, c1, c2 in layers:
        expect(c2 == want[name], f"{name}: c2 (the output channels) is wrong", expected=want[name], found=c2)
        B = h * w * c1 * c2
        mac, bound = call(sub.memory_access_cost, h, w, c1, c2), call(sub.mac_lower_bound, h, w, B)
        expect(mac >= bound - 1e-6 * bound, f"{name}: your MAC is below your bound — check both formulas",
               expected=f">= {bound:.1f}", found=mac)
        if c1 == c2:  # equality exactly when the channels are balanced (G1)
            expect(math.isclose(mac, bound, rel_tol=1e-9), f"{name}: c1 = c2, so the MAC should meet the bound",
                   expected=bound, found=mac)
