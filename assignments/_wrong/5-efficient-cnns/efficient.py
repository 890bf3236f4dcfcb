"""Assignment 5 — a deliberately wrong submission: it ranks by parameters, and assumes the
network with the fewest MACs is the cheapest everywhere."""
from __future__ import annotations

import accelsim
from accelsim.workload.zoo import build

NETWORKS = ("alexnet", "squeezenet1_1", "mobilenet_v1", "mobilenet_v2", "shufflenet_v1_g3", "shufflenet_v2_x1_0")
ACCELERATORS = ("eyeriss", "edge_16x16", "shidiannao", "tpu_v1", "scalesim_32x32")


def rank_by_macs():
    return sorted(NETWORKS, key=lambda n: build(n).totals()["params"])  # wrong: parameters


def cost(network, hardware):
    t = accelsim.run(network, hardware).totals()
    return t["energy_total"], t["cycles"]


def rank(hardware, metric):
    return rank_by_macs()  # wrong: no run


CHEAPEST = {hw: {"energy": "shufflenet_v1_g3", "latency": "shufflenet_v1_g3"} for hw in ACCELERATORS}
ENERGY_RANK_IS_MAC_RANK = {hw: True for hw in ACCELERATORS}
WHY = "c"
