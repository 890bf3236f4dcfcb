"""accelsim: a cycle-level DNN accelerator simulator.

Real CNNs, layer by layer, on a configurable PE array with register files, an on-chip
network, global buffers and DRAM; exact integer counts of MACs, accesses, cycles and
energy.
"""
from typing import Any

from .errors import AccelsimError

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``Network`` and ``load_workload`` are imported on first use: the workload layer pulls in
    networkx, which a SCALE-Sim-compatible run (or ``accelsim --version``) never needs."""
    if name in ("Network", "load_workload"):
        from . import workload

        return getattr(workload, name)
    raise AttributeError(f"module 'accelsim' has no attribute {name!r}")


def run(workload, hardware, dataflow=None, batch=1, objective="energy", **kwargs):  # type: ignore[no-untyped-def]
    """Map a workload onto an accelerator: see :func:`accelsim.api.run` (imported on first
    use, so that ``import accelsim`` stays light)."""
    from .api import run as _run

    return _run(workload, hardware, dataflow, batch, objective, **kwargs)


__all__ = ["AccelsimError", "Network", "load_workload", "run", "__version__"]
