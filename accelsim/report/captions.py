"""What each figure shows and how to read it: the captions of report.html (and the gallery).

``caption(stem, result)`` gives (title, text) for a figure's file stem; a stem with a
dataflow suffix (``energy_layers_rs``, ``--dataflow all``) reads as the stem without it.
"""
from __future__ import annotations

from ..result import RunResult

_CAPTIONS: dict[str, tuple[str, str]] = {
    "energy_layers": (
        "Energy per layer",
        "One bar per layer in network order. Top: each bar stacked by where the energy is spent — MAC (computing), "
        "then the storage levels from the cheapest to the dearest (RF, NoC, GLB, DRAM) and the SIMD unit. Bottom: the "
        "same energy by the data type moved (weight, ifmap, psum, ofmap; 'compute' = MAC + SIMD). Read it as: the "
        "tallest bars are the layers worth optimising; where green (RF) and red (DRAM) dominate, data movement, not "
        "arithmetic, is the cost. Near-empty bars are batch norms and activations fused into the conv before them. "
        "Grey bands group the blocks (Inception modules, residual stages) named along the top."),
    "energy_blocks": (
        "Energy per block",
        "Consecutive layers that share a name prefix summed into one bar (a stem, an Inception module, a residual "
        "stage), stacked by level (top) and by data type (bottom), as in the per-layer figure. Read it to see which "
        "part of the network spends the energy, and whether weights (late, fc-heavy blocks) or feature maps (early, "
        "high-resolution blocks) dominate there."),
    "energy_top": (
        "The most energy-hungry layers",
        "The network has too many layers to draw one bar each: these are the layers that spend the most energy, in "
        "network order, stacked by level (top) and data type (bottom). Read it as the per-layer figure, for the layers "
        "that matter; the per-block figure shows the whole network."),
    "energy_totals": (
        "Computation vs data movement",
        "The whole network's energy as a ring: computation (MAC, SIMD) against data movement (RF, NoC, GLB, DRAM); "
        "the number in the middle is the share of data movement. Read it as: the bigger the moving share, the more "
        "a better dataflow (more reuse near the PEs) can save. The RF slice is data movement too: every MAC reads "
        "its operands from the PE's register file and writes its partial sum back, so a few RF accesses per MAC, each "
        "as dear as the MAC, add up to more than the arithmetic."),
    "dataflows": (
        "Dataflow comparison",
        "Left: energy per MAC of each dataflow, stacked by level (as Eyeriss' comparison of dataflows, ISCA 2016 "
        "Fig. 11). Right: DRAM accesses per MAC by data type. Read it as: the lowest bar on the left is the dataflow "
        "that spends the least; the right panel shows which data type each dataflow fails to reuse on chip."),
    "latency": (
        "Latency per layer",
        "Top: each layer's cycles split into compute cycles and stall cycles (waiting for DRAM, the NoC or the GLB). "
        "Bottom: PE utilization, MACs / (PEs × cycles). Read it as: tall red segments are layers limited by data "
        "delivery, not by the PEs; low utilization with no stalls means the layer's shape does not fill the array."),
    "roofline": (
        "Roofline",
        "The flat roof is the peak (one MAC per PE per cycle), the slanted roof the DRAM bandwidth times the "
        "operational intensity (MACs per DRAM byte); the dotted line is the ridge point. Each conv/fc layer is a point "
        "at its intensity and achieved MACs per cycle, coloured by layer type; the largest are named. Read it as: points on the "
        "slanted roof are DRAM-bound; points in a horizontal row below the peak are held back by the same on-chip "
        "limit (the NoC's or the GLB's bandwidth, or the array shape the layer fills); the note in the figure counts "
        "the layers by what bounds them (the mapper's 'bound_by')."),
    "compression": (
        "Dense vs compressed",
        "Energy by data type for each conv/fc layer with the most energy (left bar dense, right bar hatched: the "
        "compressed run, expected values) and for the whole network, with the share each saves. Read it as: where a "
        "pruned or quantized tensor's bar shrinks, compression paid; where the psum and feature-map parts stay, it did "
        "not — pruning weights saves little in layers whose energy is feature maps and partial sums."),
    "compare": (
        "Across networks",
        "Energy against the number of weights (left) and against MACs (right), one point per network (and per "
        "hardware config, by colour). Read it as: a network left of another with a higher point spends more energy "
        "with fewer weights or fewer MACs — neither count predicts energy; data movement does."),
}


def caption(stem: str, result: RunResult | None = None) -> tuple[str, str]:
    """(title, text) of the figure with this file stem."""
    base = stem
    if base not in _CAPTIONS and "_" in stem:
        base = stem.rsplit("_", 1)[0]
    title, text = _CAPTIONS.get(base, (stem, ""))
    if result is not None and base != stem:
        title = f"{title} — dataflow {result.dataflow}"
    return title, text


STEMS: tuple[str, ...] = tuple(_CAPTIONS)
