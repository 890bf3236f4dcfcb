"""Assignment 5 — efficient CNNs on hardware (../handout.md)."""
from __future__ import annotations

import accelsim  # noqa: F401
from accelsim.workload.zoo import build  # noqa: F401

NETWORKS = ("alexnet", "squeezenet1_1", "mobilenet_v1", "mobilenet_v2", "shufflenet_v1_g3", "shufflenet_v2_x1_0")
ACCELERATORS = ("eyeriss", "edge_16x16", "shidiannao", "tpu_v1", "scalesim_32x32")


def rank_by_macs() -> list[str]:
    """NETWORKS from the fewest MACs (batch 1) to the most."""
    raise NotImplementedError


def cost(network: str, hardware: str) -> tuple[float, int]:
    """(total energy, cycles) of the network on the accelerator, with its default dataflow."""
    raise NotImplementedError


def rank(hardware: str, metric: str) -> list[str]:
    """NETWORKS from the cheapest to the dearest on ``hardware``; metric "energy" or "latency"."""
    raise NotImplementedError


# Answers, after running rank() on every accelerator:
CHEAPEST = {hw: {"energy": None, "latency": None} for hw in ACCELERATORS}   # a network name each
ENERGY_RANK_IS_MAC_RANK = {hw: None for hw in ACCELERATORS}                  # True / False each
WHY = None   # "a", "b", "c" or "d" — see the handout
