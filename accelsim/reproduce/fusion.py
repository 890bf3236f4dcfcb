"""Claim: between the layers — GoogLeNet's data movement without and with fusion, and
ShuffleNet V2's guideline G4 (element-wise operations are not free) without and with it."""
from __future__ import annotations

import functools

from ..api import run
from .claim import ClaimResult, Section
from .runs import hardware, network

TENSORRT = ("NVIDIA TensorRT's vertical and horizontal layer fusion (seed 004: 'convolution, bias, and ReLU layers are "
            "fused to form a single layer'; the concat written in place, 'global memory R/W ↓') [R]")
G4 = ("Ma, Zhang, Zheng, Sun, ECCV 2018 (ShuffleNet V2), §3 G4 'element-wise operations are non-negligible' and "
      "Table 4: 'around 20% speedup is obtained on both GPU and ARM, after ReLU and shortcut are removed' (ResNet "
      "bottleneck units) [M]")
ELEMENTWISE = ("activation", "add", "batchnorm")
NO_MACS = ("activation", "add", "batchnorm", "concat", "slice", "shuffle", "maxpool", "avgpool", "globalpool", "scale")


@functools.lru_cache(maxsize=None)
def fused_run(workload: str, hw: str, fusion: str):
    return run(network(workload), hardware(hw), fusion=fusion)


def _dram(layers) -> int:
    return sum(l.level_accesses("DRAM") for l in layers)


def googlenet_rows():
    """(fusion, DRAM accesses, of it in layers without MACs, data-movement share, energy, cycles)."""
    out = []
    for f in ("none", "views", "ops", "onchip"):
        r = fused_run("googlenet", "eyeriss", f)
        t = r.totals()
        out.append((f, _dram(r.layers), _dram([l for l in r.layers if l.type in NO_MACS]), t["data_movement_share"],
                    t["energy_total"], t["cycles"]))
    return out


def g4_rows():
    """(network, config, fusion, share of cycles and of energy in element-wise layers, speedup if they were removed,
    share of cycles and of energy in all the layers without MACs)."""
    out = []
    for net in ("resnet50", "shufflenet_v2_x1_0"):
        for hw in ("eyeriss", "edge_16x16"):
            for f in ("none", "onchip"):
                r = fused_run(net, hw, f)
                t = r.totals()
                ew = [l for l in r.layers if l.type in ELEMENTWISE]
                cyc = sum(l.cycles for l in ew)
                energy = sum(l.total_energy for l in ew)
                nomac = [l for l in r.layers if l.type in NO_MACS]
                out.append((net, hw, f, cyc / t["cycles"], energy / t["energy_total"], t["cycles"] / (t["cycles"] - cyc) - 1,
                            sum(l.cycles for l in nomac) / t["cycles"], sum(l.total_energy for l in nomac) / t["energy_total"]))
    return out


def section() -> Section:
    g = {row[0]: row for row in googlenet_rows()}
    none, best = g["none"], g["onchip"]
    concat_dram = _dram([l for l in fused_run("googlenet", "eyeriss", "views").layers if l.type == "concat"])
    g4 = g4_rows()
    res_none = next(x for x in g4 if x[:3] == ("resnet50", "eyeriss", "none"))
    res_fused = next(x for x in g4 if x[:3] == ("resnet50", "eyeriss", "onchip"))
    claims = (
        ClaimResult("fusion.googlenet_dram", "GoogLeNet on eyeriss: DRAM accesses with --fusion onchip over none",
                    TENSORRT, "< 1 (less global-memory traffic)", best[1] / none[1], "×", "< 1", best[1] < none[1], None,
                    note=f"{none[1]:,} → {best[1]:,}; layers without MACs {none[2] / none[1]:.1%} → {best[2] / best[1]:.1%} of it"),
        ClaimResult("fusion.googlenet_concat", "GoogLeNet: DRAM accesses of the 9 concats once they are views", TENSORRT,
                    "0 (written in place)", concat_dram, "accesses", "= 0", concat_dram == 0, None),
        ClaimResult("fusion.googlenet_movement", "GoogLeNet on eyeriss: data-movement share of the energy, onchip (none beside it)",
                    TENSORRT, "reported", best[3], "share", "reported", None, None, note=f"none: {none[3]:.1%}"),
        ClaimResult("fusion.g4_speedup", "ResNet-50 on eyeriss, --fusion none: speedup if ReLU, batch norm and the shortcut add were removed",
                    G4, 0.20, res_none[5], "", "within ×3", 1 / 3 <= res_none[5] / 0.20 <= 3, res_none[5] / 0.20),
        ClaimResult("fusion.g4_fused", "ResNet-50 on eyeriss: the same speedup once they are fused (onchip) over none's",
                    G4 + "; fused: applied on the way out of the array", "< 1 (fusion hides them)",
                    res_fused[5] / res_none[5] if res_none[5] else 0.0, "×", "< 1", res_fused[5] < res_none[5], None),
    )
    gt = tuple((f, f"{d:,}", f"{n:,}", f"{n / d:.1%}", f"{m:.1%}", f"{e:.4g}", f"{c:,}") for f, d, n, m, e, c in googlenet_rows())
    g4t = tuple((n, h, f, f"{c:.1%}", f"{e:.1%}", f"{s:.1%}", f"{c2:.1%}", f"{e2:.1%}") for n, h, f, c, e, s, c2, e2 in g4)
    text = (
        "Between the layers (`--fusion`, accelsim/schedule/, docs/schedule.md). GoogLeNet on eyeriss: with `none` every "
        "layer that does no MACs reads its inputs from DRAM and writes its output back (only the activation after a "
        "conv is applied on the way out); `views` writes the four branches of each inception block straight into the "
        "concat; `ops` fuses the pools that follow a conv into its write-back where the window fits the output tile; "
        "`onchip` keeps there the tensors that fit in the 100 KiB feature-map GLB beside the tiles of the layers they "
        "outlive (each layer keeps the mapping it has with `ops`). TensorRT's slide gives no "
        "GoogLeNet numbers, so the claim is the direction and the concat's zero copy. "
        "G4: Ma et al. removed ReLU and the shortcut from ResNet bottleneck units and measured about 20 % speedup "
        "on a GPU and an ARM core; accelsim's `none` runs the adds, the activations after them and any unfolded "
        "batch norm as their own SIMD layers through DRAM, and the speedup is the cycles they take; once fused they "
        "cost only what their SIMD work exceeds the conv's cycles. ShuffleNet v2 has no shortcut add and its ReLUs "
        "follow convs (applied on the way out at every level, batch norms folded), so its element-wise cost is "
        "the split, concat and shuffle: the last two columns, which views take to nothing. A conv/fc layer whose "
        "input or output stays on chip is timed without that tensor's DRAM transfers."
    )
    return Section("fusion", "Between the layers: GoogLeNet with and without fusion; ShuffleNet V2 guideline G4", claims,
                   tables=(("GoogLeNet on eyeriss (rs, batch 1) per fusion level",
                            ("fusion", "DRAM accesses", "of it: layers without MACs", "share", "data movement", "energy", "cycles"), gt),
                           ("G4: element-wise layers (activation, add, batch norm), without and with fusion",
                            ("network", "config", "fusion", "element-wise: cycles", "energy", "speedup if removed",
                             "all layers without MACs: cycles", "energy"), g4t)),
                   text=text)
