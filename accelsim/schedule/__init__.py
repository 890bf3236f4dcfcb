"""The network-level schedule: what happens between the layers.

Between the API and the engine: :func:`plan` decides, for a whole network, which layers
are views, which are fused into their producer's write-back and which tensors stay in the
GLB; :mod:`.cost` turns each layer's decision into counts. The per-layer engine never sees
a network: it is handed one layer and, where tensors are held on chip, a machine whose
GLB is smaller by what they hold (:meth:`Schedule.spec_for`).
"""
from __future__ import annotations

from ..hardware import HardwareSpec
from ..workload import Network
from .plan import FUSIONS, Access, Placement, Schedule, Step, check_fusion, plan
from .rules import pool_fits


def settle(sched: Schedule, net: Network, spec: HardwareSpec, batch: int, layer: str, t1: tuple[int, ...]) -> Schedule:
    """The schedule once ``layer`` (a conv) is mapped with GLB tile ``t1``: a pool waiting
    to be fused into it stays fused only if its window fits the tile; else it is planned
    again as its own layer (the decisions before ``layer`` do not change)."""
    conv = net.layer(layer)
    bad = {p for p, h in sched.pending if h == layer and not pool_fits(net.layer(p), conv.shape, t1)}
    if not bad:
        return sched
    return plan(net, spec, sched.fusion, batch, sched.unfused | bad)


__all__ = ["FUSIONS", "Access", "Placement", "Schedule", "Step", "check_fusion", "plan", "pool_fits", "settle"]
