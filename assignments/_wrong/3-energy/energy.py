"""Assignment 3 — a deliberately wrong submission: MAC energy counted as data movement,
the dominant type guessed, and only the conv layers compared."""
from __future__ import annotations

import math

import accelsim

DATAFLOWS = ("ws", "os", "is", "rs", "nlr")


def movement_share(result):
    total = math.fsum(v for l in result.layers for v in l.energy.values())
    return math.fsum(v for l in result.layers for k, v in l.energy.items() if k != "SIMD") / total  # wrong: MAC included


def energy_by_type(result):
    return {t: math.fsum(l.energy_by_type.get(t, 0.0) for l in result.layers) for t in ("weight", "ifmap", "psum", "ofmap")}


def dominant_type(result):
    e = energy_by_type(result)
    return min(e, key=e.get)  # wrong: min


def compare_dataflows(workload, hardware="eyeriss"):
    return {df: math.fsum(l.energy.get("DRAM", 0.0) for l in accelsim.run(workload, hardware, dataflow=df).layers) for df in DATAFLOWS}


ALEXNET_DOMINANT = "ifmap"
WHY_ALEXNET = "d"
GOOGLENET_FMAPS_DOMINATE = False
