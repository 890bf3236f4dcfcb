"""One Timeloop problem YAML per conv or fc layer (Timeloop v0.4 / Accelergy's format).

Each file carries its problem shape: Timeloop's ``cnn-layer`` with a G (groups) dimension
added, so that grouped and depthwise convs keep their MACs (C and M are per group, as
Timeloop's grouped-CNN example shapes count them); with G = 1 it is Timeloop's CNN layer.
Timeloop knows no padding: P and Q are the output size and the input dataspace is the
(P − 1)·stride + (R − 1)·dilation + 1 rows the windows span, padding rows included. An fc
layer is a conv whose filter covers its whole input (R = H, S = W, P = Q = 1). Every other
layer is listed as skipped.
"""
from __future__ import annotations

from typing import Any

import yaml

from ..network import Network

SHAPE: dict[str, Any] = {
    "name": "CNN-Layer-Grouped",
    "dimensions": ["G", "C", "M", "R", "S", "N", "P", "Q"],
    "coefficients": [
        {"name": "Wstride", "default": 1}, {"name": "Hstride", "default": 1},
        {"name": "Wdilation", "default": 1}, {"name": "Hdilation", "default": 1},
    ],
    "data-spaces": [
        {"name": "Weights", "projection": [[["G"]], [["C"]], [["M"]], [["R"]], [["S"]]]},
        {"name": "Inputs", "projection": [
            [["N"]], [["G"]], [["C"]],
            [["R", "Wdilation"], ["P", "Wstride"]],
            [["S", "Hdilation"], ["Q", "Hstride"]],
        ]},
        {"name": "Outputs", "projection": [[["N"]], [["G"]], [["M"]], [["P"]], [["Q"]]], "read-write": True},
    ],
}


def problem(layer: Any) -> dict[str, Any]:
    """The Timeloop problem of one conv/fc layer at batch 1."""
    s = layer.shape
    inst = {"G": s.G, "C": s.C // s.G, "M": s.M // s.G, "R": s.R, "S": s.S, "N": 1, "P": s.E, "Q": s.F,
            "Wstride": s.U, "Hstride": s.U, "Wdilation": s.dilation, "Hdilation": s.dilation}
    return {"problem": {"shape": SHAPE, "instance": inst}}


def to_timeloop(net: Network) -> tuple[list[tuple[str, str]], list[str]]:
    files = []
    skipped = []
    for i, l in enumerate(net.layers):
        if l.type not in ("conv", "fc"):
            skipped.append(l.name)
            continue
        head = (f"# {net.name} layer '{l.name}' ({l.type}): {l.shape}; {l.macs:,} MACs = G*C*M*R*S*N*P*Q.\n"
                "# Written by accelsim export --format timeloop; Timeloop knows no padding (see accelsim/workload/exporters/timeloop.py).\n")
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in l.name)
        files.append((f"{i:03d}_{safe}.yaml", head + yaml.safe_dump(problem(l), sort_keys=False, default_flow_style=None)))
    notes = [f"{len(files)} Timeloop problems (one per conv/fc layer)"]
    if skipped:
        notes.append(f"skipped {len(skipped)} layers without MACs")
    return files, notes
