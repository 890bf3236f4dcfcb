"""Trace torchvision's CNNs layer by layer into JSON reference files for the tests.

The files written here (``tests/data/torchvision/<model>.json``) are independent
reference data: ``tests/test_zoo.py`` checks accelsim's hand-written model zoo against
them layer for layer, and against their totals.

Requirements: ``torch`` and ``torchvision``. They are NOT dependencies of accelsim and
are not needed to run its tests; install them in a scratch environment outside the
repository, e.g.::

    python3 -m venv /tmp/tvenv
    /tmp/tvenv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/tvenv/bin/python tools/dump_torchvision.py tests/data/torchvision

Each model is built with ``weights=None`` (no download; GoogLeNet and Inception v3 also
with ``aux_logits=False, init_weights=False``), put in eval mode, and run once on a
zero tensor of batch 1. Forward hooks on the modules of the kinds in ``KINDS`` record
every call, in execution order (a module called twice, such as ResNet's shared ReLU,
is recorded twice). Dropout, Flatten, Identity and the like are not recorded.

Each file holds::

    {"source": ..., "torch": ..., "input": [3, H, W],
     "layers": [{"module", "type", "in", "out", "params", ...per-kind fields}, ...],
     "functional": [{"op", "in", "out", ...}, ...],
     "totals": {"params", "bn_params", "conv_fc_weights", "conv_fc_biases", "macs"}}

``in``/``out`` are shapes without the batch dimension ([C, H, W]; [features] for fc).
``params`` is the number of learnable parameters owned by that module itself.
``functional`` lists, for information only, the ReLUs, pools and mean reductions a model
runs through ``torch.nn.functional`` or tensor methods, which module hooks cannot see
(e.g. GoogLeNet's and Inception v3's ReLUs, Inception v3's branch pools, DenseNet's and
ShuffleNet v2's global pool). Concatenation, addition, channel shuffle, flatten and the
SE scaling multiply are not listed.
``totals.macs`` is the sum over conv calls of out_C*out_H*out_W*(in_C/groups)*R*S plus
over fc calls of in_features*out_features.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn
from torch.overrides import TorchFunctionMode

# model name: input resolution (square).
MODELS: dict[str, int] = {
    "alexnet": 224,
    "vgg16": 224,
    "googlenet": 224,
    "inception_v3": 299,
    "resnet18": 224,
    "resnet50": 224,
    "squeezenet1_0": 224,
    "squeezenet1_1": 224,
    "mobilenet_v2": 224,
    "mobilenet_v3_large": 224,
    "mobilenet_v3_small": 224,
    "shufflenet_v2_x1_0": 224,
    "efficientnet_b0": 224,
    "densenet121": 224,
    # EfficientNet B1-B7 at the resolutions of torchvision's weights (their transforms'
    # crop_size, = Tan & Le Table 2's), and MnasNet 1.0.
    "efficientnet_b1": 240,
    "efficientnet_b2": 288,
    "efficientnet_b3": 300,
    "efficientnet_b4": 380,
    "efficientnet_b5": 456,
    "efficientnet_b6": 528,
    "efficientnet_b7": 600,
    "mnasnet1_0": 224,
}

# Extra constructor arguments beyond weights=None.
EXTRA_KWARGS: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
}

# Module class -> recorded type. Order matters only for subclasses (none here).
KINDS: list[tuple[type[nn.Module], str]] = [
    (nn.Conv2d, "conv"),
    (nn.Linear, "fc"),
    (nn.BatchNorm2d, "bn"),
    (nn.MaxPool2d, "maxpool"),
    (nn.AvgPool2d, "avgpool"),
    (nn.AdaptiveAvgPool2d, "adaptive_avgpool"),
    (nn.ReLU, "relu"),
    (nn.ReLU6, "relu6"),
    (nn.Hardswish, "hardswish"),
    (nn.Hardsigmoid, "hardsigmoid"),
    (nn.SiLU, "silu"),
    (nn.Sigmoid, "sigmoid"),
    (nn.LocalResponseNorm, "lrn"),
]

# Functional ops noted (not counted) when called outside a recorded module.
FUNCTIONAL_OPS: dict[Callable[..., Any], str] = {
    nn.functional.max_pool2d: "max_pool2d",
    nn.functional.avg_pool2d: "avg_pool2d",
    nn.functional.adaptive_avg_pool2d: "adaptive_avg_pool2d",
    nn.functional.relu: "relu",
    torch.relu: "relu",
    torch.mean: "mean",
    torch.Tensor.mean: "mean",
}


def kind_of(module: nn.Module) -> str | None:
    """The recorded type of a module, or None if it is not recorded."""
    for cls, name in KINDS:
        if type(module) is cls:
            return name
    return None


def pair(v: int | tuple[int, ...] | list[int]) -> list[int]:
    """Normalise an int-or-pair hyperparameter to a two-element list."""
    if isinstance(v, int):
        return [v, v]
    vals = [int(x) for x in v]
    return vals * 2 if len(vals) == 1 else vals


def shape(t: torch.Tensor) -> list[int]:
    """Shape without the batch dimension."""
    return [int(d) for d in t.shape[1:]]


def own_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad)


def describe(module: nn.Module, kind: str, x: torch.Tensor, y: torch.Tensor) -> dict[str, Any]:
    """The per-kind fields of one recorded call (without the module name)."""
    e: dict[str, Any] = {"type": kind, "in": shape(x), "out": shape(y)}
    if isinstance(module, nn.Conv2d):
        e.update(
            kernel=pair(module.kernel_size),
            stride=pair(module.stride),
            padding=pair(module.padding),
            dilation=pair(module.dilation),
            groups=module.groups,
            bias=module.bias is not None,
        )
    elif isinstance(module, nn.Linear):
        e.update(bias=module.bias is not None)
    elif isinstance(module, nn.BatchNorm2d):
        e.update(eps=module.eps, affine=module.affine)
    elif isinstance(module, nn.MaxPool2d):
        e.update(
            kernel=pair(module.kernel_size),
            stride=pair(module.stride),
            padding=pair(module.padding),
            dilation=pair(module.dilation),
            ceil_mode=bool(module.ceil_mode),
        )
    elif isinstance(module, nn.AvgPool2d):
        e.update(
            kernel=pair(module.kernel_size),
            stride=pair(module.stride),
            padding=pair(module.padding),
            ceil_mode=bool(module.ceil_mode),
            count_include_pad=bool(module.count_include_pad),
        )
    elif isinstance(module, nn.AdaptiveAvgPool2d):
        e.update(output_size=pair(module.output_size))
    elif isinstance(module, nn.LocalResponseNorm):
        e.update(size=module.size, alpha=module.alpha, beta=module.beta, k=module.k)
    e["params"] = own_params(module)
    return e


def macs_of(e: dict[str, Any]) -> int:
    if e["type"] == "conv":
        (cin, _, _), (cout, oh, ow), (r, s) = e["in"], e["out"], e["kernel"]
        return cout * oh * ow * (cin // e["groups"]) * r * s
    if e["type"] == "fc":
        return e["in"][-1] * e["out"][-1]
    return 0


class FunctionalRecorder(TorchFunctionMode):
    """Notes pooling / mean calls made outside any recorded module."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 while inside a recorded module's forward
        self.calls: list[dict[str, Any]] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        op = FUNCTIONAL_OPS.get(func)
        if op is not None and self.depth == 0 and isinstance(out, torch.Tensor):
            x = args[0]
            e: dict[str, Any] = {"op": op, "in": shape(x), "out": shape(out)}
            extra = {k: v for k, v in kwargs.items() if isinstance(v, (int, bool, float, list, tuple))}
            pos = [a for a in args[1:] if isinstance(a, (int, bool, float, list, tuple))]
            if pos:
                e["args"] = [list(a) if isinstance(a, tuple) else a for a in pos]
            if extra:
                e["kwargs"] = {k: list(v) if isinstance(v, tuple) else v for k, v in extra.items()}
            self.calls.append(e)
        return out


def trace(name: str, size: int) -> dict[str, Any]:
    """Build, run and trace one torchvision model."""
    kwargs: dict[str, Any] = {"weights": None, **EXTRA_KWARGS.get(name, {})}
    model: nn.Module = getattr(torchvision.models, name)(**kwargs).eval()

    layers: list[dict[str, Any]] = []
    recorder = FunctionalRecorder()
    handles = []
    unrecorded: set[str] = set()
    for qname, module in model.named_modules():
        kind = kind_of(module)
        if kind is None:
            is_leaf = not any(True for _ in module.children())
            if is_leaf and not isinstance(module, (nn.Dropout, nn.Sequential, nn.Flatten, nn.Identity)):
                unrecorded.add(type(module).__name__)
            continue

        def pre(_m: nn.Module, _inp: tuple[Any, ...]) -> None:
            recorder.depth += 1

        def post(m: nn.Module, inp: tuple[Any, ...], out: torch.Tensor, qname: str = qname, kind: str = kind) -> None:
            recorder.depth -= 1
            layers.append({"module": qname, **describe(m, kind, inp[0], out)})

        handles.append(module.register_forward_pre_hook(pre))
        handles.append(module.register_forward_hook(post))

    with torch.no_grad(), recorder:
        model(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    if unrecorded:
        print(f"{name}: unrecorded leaf modules: {sorted(unrecorded)}", file=sys.stderr)

    conv_fc = [m for m in model.modules() if type(m) in (nn.Conv2d, nn.Linear)]
    totals = {
        "params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "bn_params": sum(own_params(m) for m in model.modules() if isinstance(m, nn.BatchNorm2d)),
        "conv_fc_weights": sum(m.weight.numel() for m in conv_fc),
        "conv_fc_biases": sum(m.bias.numel() for m in conv_fc if m.bias is not None),
        "macs": sum(macs_of(e) for e in layers),
    }
    args = ", ".join(["weights=None"] + [f"{k}={v}" for k, v in EXTRA_KWARGS.get(name, {}).items()])
    return {
        "source": f"torchvision {torchvision.__version__} torchvision.models.{name}({args}) traced by tools/dump_torchvision.py",
        "torch": torch.__version__,
        "input": [3, size, size],
        "totals": totals,
        "layers": layers,
        "functional": recorder.calls,
    }


def to_json(data: dict[str, Any]) -> str:
    """json.dumps(indent=1), with lists of numbers kept on one line."""
    text = json.dumps(data, indent=1)
    return re.sub(r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="directory for <model>.json (e.g. tests/data/torchvision)")
    parser.add_argument("models", nargs="*", default=list(MODELS), help="subset of models (default: all)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name in args.models:
        data = trace(name, MODELS[name])
        (args.outdir / f"{name}.json").write_text(to_json(data) + "\n")
        t = data["totals"]
        print(f"{name:20s} params {t['params']:>12,d}  macs {t['macs']:>16,d}  layers {len(data['layers'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
