"""The runs the claims share, computed once per process (a claim module asks, the cache answers)."""
from __future__ import annotations

import functools
from pathlib import Path

from ..api import run
from ..hardware import HardwareSpec, load_hardware
from ..paths import resolve_hardware_path
from ..result import RunResult
from ..workload import Network
from ..workload.zoo import build

CONFIGS = Path(__file__).resolve().parent / "configs"
DATA = Path(__file__).resolve().parent / "data"
WORKLOADS = Path(__file__).resolve().parent / "workloads"


@functools.lru_cache(maxsize=None)
def hardware(name: str) -> HardwareSpec:
    """A shipped config (``eyeriss``) or one of this package's (``isca16_rs``)."""
    own = CONFIGS / f"{name}.yaml"
    return load_hardware(own if own.exists() else resolve_hardware_path(name))


@functools.lru_cache(maxsize=None)
def network(name: str) -> Network:
    """A zoo network (``alexnet``) or one of this package's workloads (``timeloop_...``)."""
    own = WORKLOADS / f"{name}.yaml"
    if own.exists():
        from ..workload import load_workload

        return load_workload(own)
    return build(name)


@functools.lru_cache(maxsize=None)
def mapped(workload: str, hw: str, dataflow: str | None = None, batch: int = 1, objective: str = "energy",
           mappings: str | None = None) -> RunResult:
    """``mappings``: a pinned-mapping file of this package's workloads/ folder. At
    ``--fusion none``: the figures these claims compare with were measured or modelled one
    layer at a time, each layer's input and output crossing DRAM (the Eyeriss chip's
    layer-by-layer runs, Timeloop's and SCALE-Sim's per-layer models, the papers' per-layer
    tables); the fusion claims (fusion.py) compare the levels."""
    pinned = str(WORKLOADS / mappings) if mappings else None
    return run(network(workload), hardware(hw), dataflow, batch, objective, mappings=pinned, fusion="none")


def conv_layers(r: RunResult):
    return [l for l in r.layers if l.type == "conv"]
