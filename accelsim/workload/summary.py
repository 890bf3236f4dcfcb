"""The per-layer description of a workload (``accelsim info``), as plain data.

The dictionary follows DESIGN.md ("accelsim info W --json"); sizes are in elements at
batch 1.
"""
from __future__ import annotations

from typing import Any

from .network import NetLayer, Network


def layer_summary(layer: NetLayer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "type": layer.type,
        "inputs": list(layer.inputs),
        "shape": layer.shape.to_dict(),
        "macs": layer.macs,
        "ops": layer.ops,
        "params": layer.params,
        "ifmap_size": layer.ifmap_size,
        "ofmap_size": layer.ofmap_size,
        "weight_size": layer.weight_size,
    }


def network_summary(net: Network) -> dict[str, Any]:
    return {
        "workload": net.name,
        "description": net.description,
        "layers": [layer_summary(layer) for layer in net.layers],
        "totals": net.totals(),
    }
