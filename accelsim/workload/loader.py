"""Workload files: YAML in, :class:`Network` out, and back (for the zoo's exported files).

A graph workload::

    name: tiny
    input: {C: 3, H: 32, W: 32}          # a named input: {name: image, C: 3, ...}
    layers:
    - {name: conv1, type: conv, inputs: [input], M: 16, R: 3, S: 3, pad: 1}
    - {name: relu1, type: activation, fn: relu, inputs: [conv1]}

A list of standalone layers (no ``input``; every layer states C, H, W)::

    name: alexnet_conv
    layers:
    - {name: conv1, type: conv, C: 3, H: 227, W: 227, M: 96, R: 11, S: 11, stride: 4}
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import Where, did_you_mean
from ..yamlio import check_keys, expect_mapping, get_int, get_str, load_yaml
from .network import LayerSpec, Network, build_network
from .ops import OP_TYPES
from .tensor import Tensor

TOP_KEYS = ("name", "description", "source", "input", "layers")
LAYER_KEYS = ("name", "type", "inputs")
STATED_KEYS = ("C", "H", "W", "E", "F")
COMPRESSION_KEYS = ("weight", "ifmap", "ofmap")
"""A conv/fc layer may state how its tensors are compressed (accelsim/compress/loader.py)."""


def load_workload(path: str | os.PathLike[str]) -> Network:
    """Load and validate a workload YAML file (its sizes within :mod:`accelsim.limits`)."""
    from ..limits import check_network

    net = workload_from_dict(load_yaml(path), str(path))
    check_network(net, 1, str(path))
    return net


def workload_from_dict(data: Any, file: str = "<workload>") -> Network:
    top = Where(file)
    data = expect_mapping(data, top, "a mapping with 'name' and 'layers'")
    check_keys(data, top, allowed=TOP_KEYS, required=("layers",))
    name = get_str(data, "name", top, default=Path(file).stem)
    inputs: dict[str, Tensor] = {}
    if "input" in data:
        at = top.at("input")
        d = expect_mapping(data["input"], at, "a mapping {C: .., H: .., W: ..}")
        check_keys(d, at, allowed=("name", "C", "H", "W"), required=("C", "H", "W"))
        inputs[get_str(d, "name", at, default="input")] = Tensor(
            get_int(d, "C", at), get_int(d, "H", at), get_int(d, "W", at)
        )
    raw_layers = data["layers"]
    if not isinstance(raw_layers, list) or not raw_layers:
        raise top.at("layers").error("no layers", expected="a non-empty list of layers", found=raw_layers)
    stated: dict[str, Any] = {}
    raw_layers = list(raw_layers)
    for i, raw in enumerate(raw_layers):
        if isinstance(raw, Mapping) and raw.get("type") in ("conv", "fc") and raw.keys() & set(COMPRESSION_KEYS):
            stated[str(raw.get("name"))] = {k: raw[k] for k in COMPRESSION_KEYS if k in raw}
            raw_layers[i] = {k: v for k, v in raw.items() if k not in COMPRESSION_KEYS}
    specs = [_layer_spec(raw, i, top) for i, raw in enumerate(raw_layers)]
    net = build_network(
        name,
        specs,
        inputs,
        file=file,
        description=get_str(data, "description", top, default=""),
        source=get_str(data, "source", top, default=""),
    )
    return replace(net, compression_stated=stated, file=file) if stated else net


def _layer_spec(raw: Any, index: int, top: Where) -> LayerSpec:
    at = top.at(f"layer #{index + 1}")
    d = expect_mapping(raw, at, "a mapping with 'name' and 'type'")
    if "name" in d:
        at = top.at(f"layer '{d['name']}'")
    for key in ("name", "type"):
        if key not in d:
            raise at.error(f"missing required key '{key}'")
    name = d["name"]
    if not isinstance(name, (str, int)) or isinstance(name, bool):
        raise at.at("name").error("not a name", expected="a string", found=name)
    name = str(name)
    kind = d["type"]
    if kind not in OP_TYPES:
        raise at.at("type").error(
            f"unknown layer type '{kind}'{did_you_mean(str(kind), OP_TYPES)}",
            expected="one of " + ", ".join(OP_TYPES),
            found=kind,
        )
    op_cls = OP_TYPES[kind]
    op_fields = {k: v for k, v in d.items() if k not in LAYER_KEYS + STATED_KEYS}
    unknown = [k for k in op_fields if k not in op_cls.fields]
    if unknown:
        allowed = list(LAYER_KEYS + STATED_KEYS + op_cls.fields)
        raise at.error(
            f"unknown key '{unknown[0]}' for a {kind} layer{did_you_mean(unknown[0], allowed)}",
            expected="one of " + ", ".join(allowed),
            found=unknown[0],
        )
    op = op_cls.from_fields(op_fields, at)
    inputs = d.get("inputs", [])
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not all(isinstance(s, (str, int)) and not isinstance(s, bool) for s in inputs):
        raise at.at("inputs").error("not a list of names", expected="a list of layer names", found=inputs)
    stated = tuple((k, get_int(d, k, at)) for k in STATED_KEYS if k in d)
    return LayerSpec(name, op, tuple(str(s) for s in inputs), stated)


# ---------------------------------------------------------------- export


def layer_to_dict(layer: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"name": layer.name, "type": layer.op.type}
    if layer.inputs:
        d["inputs"] = list(layer.inputs)
    d.update(dict(layer.stated))
    d.update(layer.op.to_fields())
    return d


def network_to_yaml(net: Network, header: str = "") -> str:
    """The workload as YAML: one flow-style line per layer, commented with its output."""
    lines = [f"# {h}".rstrip() for h in header.splitlines()] if header else []
    meta: dict[str, Any] = {"name": net.name}
    if net.description:
        meta["description"] = net.description
    if net.source:
        meta["source"] = net.source
    lines.append(yaml.safe_dump(meta, sort_keys=False, width=10_000).rstrip())
    for iname, t in net.inputs:
        d: dict[str, Any] = {} if iname == "input" else {"name": iname}
        d.update({"C": t.C, "H": t.H, "W": t.W})
        lines.append("input: " + _flow(d))
    lines.append("layers:")
    for layer in net.layers:
        lines.append(f"- {_flow(layer_to_dict(layer))}  # {layer.out}")
    return "\n".join(lines) + "\n"


def _flow(d: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(d), default_flow_style=True, sort_keys=False, width=10_000).strip()
