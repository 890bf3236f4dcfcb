"""Assignment 6 — a deliberately wrong submission: it prunes and quantizes at once, reports
compressed / dense as the saving, and believes 9x fewer weights cost 9x less."""
from __future__ import annotations

import accelsim
from accelsim.compress import Compression, LayerCompression, TensorCompression
from accelsim.compress.loader import load_compression

LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
PREDICTED = {"pruning": 0.89, "quantization": None}  # wrong: no prediction for quantization


def pruned():
    return load_compression("deep_compression_alexnet")  # wrong: also quantized and shared


def quantized8():
    return Compression("q8", "", default=LayerCompression(weight=TensorCompression(bits=8)))


def energy_by_level(network, hardware, compress):
    return dict(accelsim.run(network, hardware, compress=compress).totals()["energy"])


def saving_by_level(network, hardware, compress):
    t = accelsim.run(network, hardware, compress=compress).totals()
    out = {lv: t["energy"][lv] / t["dense"]["energy"][lv] if t["dense"]["energy"][lv] else 0.0 for lv in LEVELS}  # wrong: the ratio
    out["total"] = t["energy_total"] / t["dense"]["energy_total"]
    return out


def fc_share_of_saving(network, hardware, compress):
    r = accelsim.run(network, hardware, compress=compress)
    return sum(1 for l in r.layers if l.type == "fc") / sum(1 for l in r.layers if l.type in ("conv", "fc"))  # wrong: counts layers


SAVED_TOTAL = {"pruning": 0.89, "quantization": 0.5}
MOST_SAVED_LEVEL = {"pruning": "MAC", "quantization": "MAC"}
FC_SHARE = 0.375
PRUNING_SAVES_9X = True
WHY = "c"
