"""The figure of what happens between the layers: DRAM traffic between layers versus inside
them, per layer, for ``--fusion none`` next to the chosen fusion.

*Between* a layer and its neighbours: the tensors the schedule passes through DRAM at the
layer's boundary (its inputs read once, its output written once; a view or a tensor kept
on chip adds nothing). *Inside*: everything else the layer moves to or from DRAM — weights,
refetched input tiles, spilled partial sums. The two add up to the layer's DRAM accesses.
"""
from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from .style import LEVEL_COLORS, label_bars, run_title

BETWEEN_COLOR = LEVEL_COLORS["DRAM"]
INSIDE_COLOR = "#e8a0a2"


def between_inside(layer: Any) -> tuple[int, int]:
    """(DRAM accesses between layers, inside the layer) of one LayerResult."""
    total = layer.level_accesses("DRAM")
    t = layer.tensors or {}
    if t.get("role") != "array":  # a SIMD layer's DRAM traffic is all at its boundary
        return total, 0
    dram = layer.accesses["DRAM"]
    read = sum(a["words"] for a in t["inputs"] if a["lives"] == "DRAM")
    between = min(read, dram["ifmap"]["reads"]) + dram["ofmap"]["writes"]
    return between, total - between


def fusion_traffic(chosen: Any, none: Any) -> Figure:
    """Per layer with any DRAM traffic: two bars, ``none`` (left, hatched) and the chosen
    fusion (right), each split into between layers (dark) and inside the layer (light)."""
    names = [l.name for l in none.layers]
    a = {l.name: between_inside(l) for l in none.layers}
    b = {l.name: between_inside(l) for l in chosen.layers}
    keep = [n for n in names if sum(a[n]) or sum(b.get(n, (0, 0)))]
    x = list(range(len(keep)))
    fig = Figure(figsize=(max(8.0, min(40.0, 0.16 * len(keep) + 3)), 6.0), layout="constrained")
    ax = fig.subplots()
    w = 0.4
    fusion = (chosen.schedule or {}).get("fusion", "?")
    for off, d, label, hatch in ((-w / 2, a, "none", "//"), (w / 2, b, fusion, None)):
        bt = [d.get(n, (0, 0))[0] for n in keep]
        ins = [d.get(n, (0, 0))[1] for n in keep]
        xs = [i + off for i in x]
        ax.bar(xs, bt, w, color=BETWEEN_COLOR, hatch=hatch, edgecolor="white", linewidth=0.2,
               label=f"between layers ({label})")
        ax.bar(xs, ins, w, bottom=bt, color=INSIDE_COLOR, hatch=hatch, edgecolor="white", linewidth=0.2,
               label=f"inside the layer ({label})")
    tot_a = sum(sum(v) for v in a.values())
    tot_b = sum(sum(v) for v in b.values())
    btw_a = sum(v[0] for v in a.values())
    btw_b = sum(v[0] for v in b.values())
    ax.set_title(run_title(f"DRAM accesses between layers vs inside them: --fusion none (left, hatched) vs {fusion} (right)",
                           chosen.workload, chosen.hardware, chosen.dataflow)
                 + f"\ntotal {tot_a:,} → {tot_b:,} accesses; between layers {btw_a:,} → {btw_b:,}", fontsize=9)
    ax.set_ylabel("DRAM accesses [elements]", fontsize=8)
    ax.legend(fontsize=7, ncols=2, loc="upper right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    label_bars(ax, keep)
    fig.accelsim_labels = keep
    fig.accelsim_bars = {"none": [a[n] for n in keep], fusion: [b.get(n, (0, 0)) for n in keep]}
    return fig
