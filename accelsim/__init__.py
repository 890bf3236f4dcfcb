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


def from_torch(model, input_shape, **kwargs):  # type: ignore[no-untyped-def]
    """A PyTorch module as a Network, exported to ONNX in memory: see
    :func:`accelsim.workload.importers.torch.from_torch` (torch is the caller's own)."""
    from .workload.importers.torch import from_torch as _from_torch

    return _from_torch(model, input_shape, **kwargs)


def import_onnx(source, **kwargs):  # type: ignore[no-untyped-def]
    """An ONNX model file (or bytes) as a Network: see :func:`accelsim.workload.importers.onnx.import_onnx`."""
    from .workload.importers.onnx import import_onnx as _import

    return _import(source, **kwargs)


__all__ = ["AccelsimError", "Network", "from_torch", "import_onnx", "load_workload", "run", "__version__"]
