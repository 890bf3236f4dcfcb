"""Claims on compressed AlexNet (issue: pruning, quantization and sparsity on the accelerator).

- Eyeriss JSSC'17: zero gating with the chip's published ifmap zeros saves about 45 % of the
  PE's power; its run-length coding of feature maps at DRAM (the general format model of
  accelsim/engine/sparse.py; the RLC claim itself is in :mod:`.eyeriss`).
- Deep Compression's 9× pruning of AlexNet on Eyeriss: how much energy it saves, by level,
  and that the saving sits in the FC layers ("fewer weights ≠ less energy").
"""
from __future__ import annotations

import functools
import math

from ..api import run
from ..compress.loader import load_compression
from ..compress.spec import Compression, LayerCompression, TensorCompression
from .claim import ClaimResult, Section, within_factor
from .runs import hardware, network

JSSC17 = "Chen, Krishna, Emer, Sze, IEEE JSSC 52(1) 2017"
CONV = ("conv1", "conv2", "conv3", "conv4", "conv5")
DC = "Han, Mao, Dally, ICLR 2016, Table 4"
GATING_PE_SAVING = 0.45  # JSSC'17 p.9 [R2]: "it can save the PE power consumption by 45%"


def ifmap_zeros() -> dict[str, float]:
    """Table V's share of zeros in each CONV layer's input (the claims' own transcription)."""
    from .eyeriss import published

    return {n: float(v["ifmap_zeros"]) for n, v in published()["layers"].items()}


def weight_densities() -> dict[str, float]:
    """Deep Compression's Table 4 weight densities, "weights% (P)" [R2], from the shipped
    compression file (COMPRESSION.md §2)."""
    return {n: lc.weight.density for n, lc in load_compression("deep_compression_alexnet").layers.items()}


def jssc17_zeros() -> Compression:
    """The chip's measured zeros (the shipped eyeriss_alexnet_ifmap_zeros: JSSC'17 Table V,
    zeros in ifmap): each CONV layer's ifmap density; its ofmap is written with the next
    layer's input density (the closest published figure: ReLU's output after pooling);
    CONV5's output has none, so dense [I]."""
    shipped = load_compression("eyeriss_alexnet_ifmap_zeros")
    d = {n: shipped.stated(n).ifmap.density for n in CONV}
    layers = {}
    for i, n in enumerate(CONV):
        nxt = CONV[i + 1] if i + 1 < len(CONV) else None
        layers[n] = LayerCompression(
            ifmap=TensorCompression(density=d[n]),
            ofmap=TensorCompression(density=d[nxt]) if nxt else TensorCompression(),
        )
    return Compression("jssc17_ifmap_zeros", f"{JSSC17}, Table V (zeros in ifmap)", layers=layers)


def deep_compression_pruning() -> Compression:
    """Deep Compression's pruning alone (weights at 16 bits, no quantization)."""
    return Compression("deep_compression_pruning", f"{DC}, weights% (P)",
                       layers={n: LayerCompression(weight=TensorCompression(density=d)) for n, d in weight_densities().items()})


@functools.lru_cache(maxsize=None)
def compressed(workload: str, hw: str, which: str, batch: int = 1):
    comp = {"jssc17": jssc17_zeros, "pruning": deep_compression_pruning}[which]()
    # per layer, as the published tables (JSSC'17 Table V, Deep Compression) count them
    return run(network(workload), hardware(hw), None, batch, compress=comp, fusion="none")


def _pe(x: dict) -> float:
    return x["energy"]["MAC"] + x["energy"]["RF"]


def section() -> Section:
    # 1. zero gating on the chip's measured zeros: PE (MAC + spad) energy, cycles unchanged
    r = compressed("alexnet", "eyeriss", "jssc17", 4)
    conv = [l for l in r.layers if l.name in CONV]
    dense_pe = math.fsum(_pe(l.compressed["dense"]) for l in conv)
    gated_pe = math.fsum(l.energy["MAC"] + l.energy["RF"] for l in conv)
    saving = 1 - gated_pe / dense_pe
    same_cycles = all(l.cycles - l.stall_cycles == l.compressed["dense"]["cycles"] - l.compressed["dense"]["stall_cycles"] for l in conv)
    # 2. pruning 9x: on the chip (weights stored dense) and with the weights kept compressed
    chip = compressed("alexnet", "eyeriss", "pruning").totals()
    sparse = compressed("alexnet", "eyeriss_sparse_weights", "pruning")
    st = sparse.totals()
    saved = st["dense"]["energy_total"] - st["energy_total"]
    fc_saved = math.fsum(l.compressed["dense"]["energy_total"] - l.total_energy for l in sparse.layers if l.type == "fc")
    net = network("alexnet")
    dc = weight_densities()
    weights_ratio = sum(net.layer(n).weight_size for n in dc) / math.fsum(net.layer(n).weight_size * d for n, d in dc.items())
    energy_ratio = st["dense"]["energy_total"] / st["energy_total"]
    claims = (
        within_factor("sparsity.gating_pe", "Eyeriss zero gating saves PE power (MAC + spads), AlexNet CONV1-5, batch 4, "
                      "published ifmap zeros", f"{JSSC17}, p.9 [R2] (COMPRESSION.md §4)", GATING_PE_SAVING, saving,
                      "share", 1.5, note=f"compute cycles unchanged: {same_cycles}; PE energy {dense_pe:.4g} -> {gated_pe:.4g}"),
        ClaimResult("sparsity.pruning_chip", "pruning AlexNet's weights 9x saves nothing on the chip, which stores and "
                    "multiplies filters dense", f"{JSSC17} §IV-B: filters are not compressed; {DC}", "0 (no saving)",
                    1 - chip["energy_total"] / chip["dense"]["energy_total"], "share", "< 0.1 %",
                    abs(1 - chip["energy_total"] / chip["dense"]["energy_total"]) < 1e-3, None),
        ClaimResult("sparsity.pruning_not_proportional", "pruning AlexNet's weights 9x (Deep Compression) with the "
                    "weights kept compressed saves far less than 9x of the energy",
                    "Yang, Chen, Sze, CVPR 2017 [R]: fewer weights do not mean proportionally less energy",
                    f"< {weights_ratio:.1f}x", energy_ratio, "x", f"< {weights_ratio:.1f}x", energy_ratio < weights_ratio / 2, None,
                    note=f"weights {weights_ratio:.2f}x fewer; energy {energy_ratio:.2f}x less"),
        ClaimResult("sparsity.pruning_fc", "the saving is concentrated in the FC layers", f"{DC}: FC weights pruned to 9-25 %",
                    "> 50 % of the saving", fc_saved / saved, "share", "> 0.5", fc_saved / saved > 0.5, None),
    )
    levels = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
    by_level = tuple((lv, f"{st['dense']['energy'][lv]:.4g}", f"{st['energy'][lv]:.4g}",
                      f"{1 - st['energy'][lv] / st['dense']['energy'][lv]:.1%}" if st["dense"]["energy"][lv] else "-") for lv in levels)
    per_layer = tuple((l.name, f"{dc.get(l.name, 1):.2f}", f"{l.compressed['dense']['energy_total']:.4g}",
                       f"{l.total_energy:.4g}", f"{1 - l.total_energy / l.compressed['dense']['energy_total']:.1%}")
                      for l in sparse.layers if l.macs)
    text = (
        "Zero gating: `hw_configs/eyeriss.yaml` states the chip's zero buffer (a zero ifmap gates the filter-spad read, "
        "the MAC and the psum update; the cycle is spent) and its RLC at DRAM; the run uses the chip's published ifmap "
        f"zeros (Table V). The PE's energy (MAC + spads) falls by {saving:.1%} against the paper's 45 % of PE power "
        "(power = energy / time, and gating keeps the time). accelsim still reads the ifmap spad for a zero and counts "
        "spad fills, so it saves less than a PE that also idles its clock. Pruning: Deep Compression's densities "
        "(16-bit weights, no quantization) save nothing on the chip as built, and on a variant that keeps the weights "
        f"compressed (`accelsim/reproduce/configs/eyeriss_sparse_weights.yaml`) {1 - 1 / energy_ratio:.0%} of the energy "
        f"({energy_ratio:.2f}× for {weights_ratio:.1f}× fewer weights), {fc_saved / saved:.0%} of it in the FC layers: "
        "the convolutions' energy is in feature maps and psums, which pruning weights does not touch."
    )
    return Section(
        "sparsity", "Zeros and pruning on Eyeriss (JSSC'17, Deep Compression)", claims,
        tables=(
            ("AlexNet pruned 9x on eyeriss_sparse_weights, batch 1: energy by level (normalized to a MAC)",
             ("level", "dense", "pruned", "saved"), by_level),
            ("per conv/fc layer", ("layer", "weight density", "energy dense", "pruned", "saved"), per_layer),
        ),
        text=text,
    )
