"""The network-level schedule: what happens between the layers.

Between the API and the engine: ``api.run`` maps each conv/fc layer on the whole machine,
then :func:`plan` decides, for the whole network and around those mappings, which layers
are views, which are fused into their producer's write-back (a pool only if its window
fits its conv's tile) and which tensors stay in the GLB (only where every layer of their
lifetime has room beside its tile); :mod:`.cost` turns each layer's decision into counts.
The per-layer engine never sees a network, and no layer is mapped twice.
"""
from __future__ import annotations

from .plan import FUSIONS, Access, Placement, Schedule, Step, check_fusion, plan
from .rules import pool_fits

__all__ = ["FUSIONS", "Access", "Placement", "Schedule", "Step", "check_fusion", "plan", "pool_fits"]
