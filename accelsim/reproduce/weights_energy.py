"""Claim 6: fewer weights ≠ less energy (AlexNet, VGG-16, GoogLeNet, SqueezeNet, ResNet-50, MobileNets)."""
from __future__ import annotations

from .claim import ClaimResult, Section
from .runs import mapped, network

SOURCE = ("Yang, Chen, Sze, CVPR 2017: 'a CNN with a smaller model size or fewer operations can still have higher "
          "overall energy consumption' [R] (PUBLISHED.md §3)")
NETWORKS = ("alexnet", "vgg16", "googlenet", "squeezenet1_0", "resnet50", "mobilenet_v1", "mobilenet_v2")
CHECKED = ("googlenet", "squeezenet1_0")  # the paper's examples


def figures_for(names=NETWORKS) -> dict[str, dict[str, float]]:
    out = {}
    for n in names:
        r = mapped(n, "eyeriss")
        t = r.totals()
        tot = network(n).totals()
        out[n] = {"energy": t["energy_total"], "weights": tot["weights"], "macs": tot["macs"],
                  "dram": sum(v["reads"] + v["writes"] for v in t["accesses"]["DRAM"].values())}
    return out


def section(names=NETWORKS) -> Section:
    f = figures_for(tuple(dict.fromkeys(("alexnet", *CHECKED, *names))))
    a = f["alexnet"]
    claims = []
    for n in CHECKED:
        w = a["weights"] / f[n]["weights"]
        e = a["energy"] / f[n]["energy"]
        claims.append(ClaimResult(
            f"weights.{n}", f"{n}: {w:.1f}× fewer weights than AlexNet; energy saved, as a share of the weights saved",
            SOURCE, "< 1 (not proportional)", e / w, "", "< 1", e / w < 1, None,
            note=f"AlexNet / {n}: weights {w:.1f}×, energy {e:.2f}×, MACs {a['macs'] / f[n]['macs']:.2f}×"))
    rows = tuple((n, f"{v['weights']:,}", f"{v['macs']:,}", f"{v['energy']:.4g}", f"{v['energy'] / a['energy']:.2f}",
                  f"{v['weights'] / a['weights']:.3f}", f"{v['energy'] / v['macs']:.2f}") for n, v in f.items())
    text = (
        "Each network at batch 1 on `hw_configs/eyeriss.yaml` with row stationary. SqueezeNet has about 49× fewer "
        "weights than AlexNet and GoogLeNet about 9× fewer, yet neither costs proportionally less energy: energy "
        "follows the feature maps and the MACs that move them as much as the weights. AlexNet's weights are mostly "
        "in its fc layers, which are read once; the convolutions of GoogLeNet and SqueezeNet move feature maps "
        "through the GLB and DRAM many times."
    )
    return Section("weights-vs-energy", "Fewer weights ≠ less energy", tuple(claims),
                   tables=(("Per network on eyeriss (rs, batch 1); energy normalized to a MAC",
                            ("network", "weights", "MACs", "energy", "energy / AlexNet", "weights / AlexNet", "energy / MAC"), rows),),
                   text=text)
