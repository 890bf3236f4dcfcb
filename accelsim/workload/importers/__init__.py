"""Other tools' network descriptions in: ONNX (and PyTorch through it).

``import_onnx(path)`` returns a :class:`~accelsim.workload.Network` like the zoo's;
``from_torch(model, input_shape)`` exports a PyTorch module to ONNX in memory and imports
it. Neither ``onnx`` nor ``torch`` is a dependency of accelsim: ``pip install
'accelsim[onnx]'`` for the first; the second is the user's own.
"""
from __future__ import annotations

from typing import Any


def import_onnx(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    """See :func:`accelsim.workload.importers.onnx.import_onnx` (onnx imported on first use)."""
    from .onnx import import_onnx as _import

    return _import(*args, **kwargs)


def from_torch(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    """See :func:`accelsim.workload.importers.torch.from_torch`."""
    from .torch import from_torch as _from_torch

    return _from_torch(*args, **kwargs)


__all__ = ["from_torch", "import_onnx"]
