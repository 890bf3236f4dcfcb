"""PyTorch in, through ONNX: ``from_torch(model, input_shape)``.

The module is exported in memory with ``torch.onnx.export`` in eval mode on a zero tensor
(the TorchScript exporter at opset 17 by default; ``dynamo=True`` for the dynamo exporter
at opset 18) and imported with :func:`accelsim.workload.importers.onnx.import_onnx`.
torch is the caller's own: accelsim never installs it. Both exporters fold batch norm into
the convolutions in eval mode, so the imported parameters are weights + conv biases (the
network's notes say so).
"""
from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from typing import Any

from ...errors import AccelsimError
from ..network import Network
from .onnx import import_onnx


def from_torch(
    model: Any,
    input_shape: Sequence[int],
    *,
    dynamo: bool = False,
    opset: int | None = None,
    name: str | None = None,
    skip_unsupported: bool = False,
) -> Network:
    """An ``nn.Module`` as a :class:`Network` (input_shape: e.g. (1, 3, 224, 224))."""
    try:
        import torch
    except ImportError:
        raise AccelsimError("from_torch needs PyTorch, which accelsim does not install", expected="pip install torch") from None
    shape = tuple(int(d) for d in input_shape)
    if len(shape) not in (2, 4) or shape[0] != 1 or any(d <= 0 for d in shape):
        raise AccelsimError("not an input shape accelsim reads", where="input_shape",
                            expected="(1, C, H, W) (or (1, K))", found=shape)
    was_training = model.training
    model.eval()
    x = torch.zeros(shape)
    label = type(model).__name__
    try:
        with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            if dynamo:
                program = torch.onnx.export(model, (x,), dynamo=True, opset_version=opset or 18, verbose=False)
                data = program.model_proto.SerializeToString()
            else:
                buf = io.BytesIO()
                torch.onnx.export(model, (x,), buf, dynamo=False, opset_version=opset or 17)
                data = buf.getvalue()
    except Exception as exc:  # the exporter's own failure on the user's module
        raise AccelsimError(
            f"torch.onnx.export could not export the module ({'dynamo' if dynamo else 'TorchScript'} exporter)",
            where=label, found=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ''}",
        ) from None
    finally:
        model.train(was_training)
    return import_onnx(data, name=name or label.lower(), file=f"{label} (torch.onnx.export)", skip_unsupported=skip_unsupported)
