"""Assignment 3 — where energy goes. Fill in the functions and the answers (../handout.md).

A run:  r = accelsim.run("alexnet", "eyeriss", dataflow="rs")
        r.layers[i].energy          {"MAC": ..., "RF": ..., "NoC": ..., "GLB": ..., "DRAM": ..., "SIMD": ...}
        r.layers[i].energy_by_type  {"weight": ..., "ifmap": ..., "psum": ..., "ofmap": ...}
"""
from __future__ import annotations

import accelsim  # noqa: F401

DATAFLOWS = ("ws", "os", "is", "rs", "nlr")


def movement_share(result) -> float:
    """The share of the run's total energy spent moving data (RF, NoC, GLB and DRAM)."""
    raise NotImplementedError


def energy_by_type(result) -> dict[str, float]:
    """Total energy of each data type (weight, ifmap, psum, ofmap) over all layers."""
    raise NotImplementedError


def dominant_type(result) -> str:
    """The data type with the most energy."""
    raise NotImplementedError


def compare_dataflows(workload: str, hardware: str = "eyeriss") -> dict[str, float]:
    """Total energy of ``workload`` under each dataflow of DATAFLOWS."""
    raise NotImplementedError


# Answers, after running the above on AlexNet and GoogLeNet on Eyeriss (row stationary):
ALEXNET_DOMINANT = None           # "weight", "ifmap", "psum" or "ofmap"
WHY_ALEXNET = None                # "a", "b", "c" or "d" — see the handout
GOOGLENET_FMAPS_DOMINATE = None   # True if ifmap + psum + ofmap take more energy than weights
