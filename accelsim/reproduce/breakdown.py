"""Claim 5: data movement dominates — GoogLeNet on Eyeriss, energy by level and per layer."""
from __future__ import annotations

from .claim import ClaimResult, Section
from .runs import mapped

SOURCE = ("Yang, Chen, Sze, CVPR 2017 (arXiv 1611.05128): 'energy is dominated by memory accesses for both filter "
          "weights and feature maps' [R]; GoogLeNet energy breakdown (PUBLISHED.md §3)")


def section() -> Section:
    r = mapped("googlenet", "eyeriss")
    t = r.totals()
    total = t["energy_total"]
    share = t["data_movement_share"]
    levels = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
    claims = (
        ClaimResult("googlenet.movement", "share of GoogLeNet's energy spent moving data (RF + NoC + GLB + DRAM) on eyeriss",
                    SOURCE, "> 0.5 (dominates)", share, "share", "> 0.5", share > 0.5, None,
                    note=f"MACs {t['energy']['MAC'] / total:.1%} of the energy"),
        ClaimResult("googlenet.fmaps", "feature maps (ifmap + psum + ofmap) over weights in data-movement energy", SOURCE,
                    "both large", (t["energy_by_type"]["ifmap"] + t["energy_by_type"]["psum"] + t["energy_by_type"]["ofmap"])
                    / t["energy_by_type"]["weight"], "×", "reported", None, None),
    )
    rows = tuple((k, f"{t['energy'][k]:.4g}", f"{t['energy'][k] / total:.1%}") for k in levels)
    rows += tuple((f"by type: {k}", f"{v:.4g}", f"{v / total:.1%}") for k, v in t["energy_by_type"].items())
    text = (
        f"GoogLeNet (torchvision, batch 1) on `hw_configs/eyeriss.yaml` with row stationary: {share:.1%} of the "
        "energy is spent moving data, the MACs themselves a few per cent (ISCA'16's table: a DRAM access costs "
        "200 MACs, a GLB access 6). The per-layer figure shows where: the 1×1 and 3×3 convolutions of the "
        "inception blocks, each split into MAC, RF, NoC, GLB and DRAM energy. The paper's per-layer percentages are "
        "a bar chart [NF in a stored text copy], so the claim is checked as the qualitative statement it is."
    )
    return Section("googlenet-breakdown", "Data movement dominates: GoogLeNet energy breakdown on Eyeriss", claims,
                   tables=(("GoogLeNet on eyeriss (rs, batch 1): energy by level and by data type (normalized to a MAC)",
                            ("", "energy", "share"), rows),),
                   text=text)
