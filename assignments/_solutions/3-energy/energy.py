"""Assignment 3 — reference solution."""
from __future__ import annotations

import math

import accelsim

DATAFLOWS = ("ws", "os", "is", "rs", "nlr")
MOVING = ("RF", "NoC", "GLB", "DRAM")


def movement_share(result):
    total = math.fsum(v for l in result.layers for v in l.energy.values())
    return math.fsum(l.energy.get(k, 0.0) for l in result.layers for k in MOVING) / total


def energy_by_type(result):
    return {t: math.fsum(l.energy_by_type.get(t, 0.0) for l in result.layers) for t in ("weight", "ifmap", "psum", "ofmap")}


def dominant_type(result):
    e = energy_by_type(result)
    return max(e, key=e.get)


def compare_dataflows(workload, hardware="eyeriss"):
    return {df: math.fsum(v for l in accelsim.run(workload, hardware, dataflow=df).layers for v in l.energy.values()) for df in DATAFLOWS}


ALEXNET_DOMINANT = "weight"
WHY_ALEXNET = "a"
GOOGLENET_FMAPS_DOMINATE = True
