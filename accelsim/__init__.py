"""accelsim: a cycle-level DNN accelerator simulator.

Real CNNs, layer by layer, on a configurable PE array with register files, an on-chip
network, global buffers and DRAM; exact integer counts of MACs, accesses, cycles and
energy.
"""
from .errors import AccelsimError
from .workload import Network, load_workload

__version__ = "0.1.0"


def run(workload, hardware, dataflow=None, batch=1, objective="energy", **kwargs):  # type: ignore[no-untyped-def]
    """Map a workload onto an accelerator: see :func:`accelsim.api.run` (imported on first
    use, so that ``import accelsim`` stays light)."""
    from .api import run as _run

    return _run(workload, hardware, dataflow, batch, objective, **kwargs)


__all__ = ["AccelsimError", "Network", "load_workload", "run", "__version__"]
