"""Export torchvision CNNs with both of PyTorch's ONNX exporters, weights stripped, as test data.

The files written here (``tests/data/onnx/<model>.<exporter>.onnx``) are what PyTorch's
exporters really write — the TorchScript exporter at opset 17 (with its Shape / Gather /
Div / Constant arithmetic around reshapes) and the dynamo exporter at opset 18 — with
every initializer of more than 64 elements turned into a typed graph input of the same
name and shape (no data), so that each file is a few tens of kB. Nothing else is changed.
``tests/test_onnx_import.py`` imports them and checks MACs and parameters against the
zoo's closed forms.

Requirements (NOT accelsim dependencies; a scratch venv outside the repository)::

    python3 -m venv /tmp/tvenv
    /tmp/tvenv/bin/pip install torch==2.14.1 torchvision==0.29.1 onnx onnxscript
    /tmp/tvenv/bin/python tools/export_torchvision_onnx.py tests/data/onnx

Each model is ``torchvision.models.<name>(weights=None)`` in eval mode (GoogLeNet with
``aux_logits=False, init_weights=False``), exported on a zero tensor of 1×3×224×224.
"""
from __future__ import annotations

import argparse
import io
import sys
import warnings
from pathlib import Path

import onnx
import torch
import torchvision

MODELS = ("resnet18", "mobilenet_v3_small", "shufflenet_v2_x1_0", "efficientnet_b0", "googlenet", "squeezenet1_0")


def strip(model: onnx.ModelProto) -> onnx.ModelProto:
    g = model.graph
    keep, moved = [], []
    for init in g.initializer:
        n = 1
        for d in init.dims:
            n *= d
        if n > 64:
            moved.append(onnx.helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
        else:
            keep.append(init)
    del g.initializer[:]
    g.initializer.extend(keep)
    names = {vi.name for vi in g.input}
    g.input.extend(vi for vi in moved if vi.name not in names)
    for node in g.node:  # the dynamo exporter's stack traces: keep only the module scopes
        keep_props = [p for p in node.metadata_props if p.key == "pkg.torch.onnx.name_scopes"]
        del node.metadata_props[:]
        node.metadata_props.extend(keep_props)
        node.doc_string = ""
    return model


def export(name: str, dynamo: bool) -> onnx.ModelProto:
    kw = {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}
    m = getattr(torchvision.models, name)(weights=None, **kw).eval()
    x = torch.zeros(1, 3, 224, 224)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            return torch.onnx.export(m, (x,), dynamo=True, opset_version=18).model_proto
        buf = io.BytesIO()
        torch.onnx.export(m, (x,), buf, dynamo=False, opset_version=17)
        return onnx.load_from_string(buf.getvalue())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("models", nargs="*", default=list(MODELS))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in a.models:
        for dynamo in (False, True):
            model = strip(export(name, dynamo))
            path = out / f"{name}.{'dynamo18' if dynamo else 'torchscript17'}.onnx"
            onnx.save(model, path)
            print(path, path.stat().st_size, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
