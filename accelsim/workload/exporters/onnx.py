"""A network as an ONNX graph (opset 17), without weights.

Weights and biases are *typed graph inputs* (name, element type float32 and shape, no
data), so the file stays small and says exactly which parameters the network has;
accelsim's importer reads the first graph input as the image and the others as
parameters. The few constants a node needs as an input (Clip's bounds, the channel
shuffle's reshape targets, Slice's bounds, an ``eltwise`` layer's scalar operand) are
small initializers with data. Every tensor's shape is written as ``value_info``.

Layer types map to ONNX as: conv → Conv; fc → Flatten + Gemm (transB); batchnorm →
BatchNormalization (four typed inputs of C); activation → Relu / Clip(0, 6) / HardSwish /
HardSigmoid / Sigmoid · Mul (swish) / Sigmoid / Tanh / LeakyRelu / Clip(−1, 1) (clip);
maxpool / avgpool → MaxPool / AveragePool; globalpool → GlobalAveragePool / GlobalMaxPool;
add → Add (Sum for more than two); concat → Concat(axis 1); scale → Mul; shuffle → Reshape
· Transpose · Reshape; slice → Slice on axis 1; lrn → LRN; eltwise → Mul / Add / … (with a
scalar constant when it has one input). ShiftNet's ``shift`` and ``opaque`` layers have no
ONNX op: they are nodes of the custom domain ``ai.accelsim`` (Shift with its kernel, Opaque
with the op it stood for), which accelsim's importer reads back and other tools reject; so
is the ``interleave`` of a lowered transposed convolution (its phase convs are Convs; a
``crop`` is a Slice on H and W).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..importers.onnx import _need_onnx
from ..network import NetLayer, Network

OPSET = 17
DOMAIN = "ai.accelsim"
_ACT = {"relu": "Relu", "hswish": "HardSwish", "hsigmoid": "HardSigmoid", "sigmoid": "Sigmoid", "tanh": "Tanh",
        "leaky_relu": "LeakyRelu"}
_ELT = {"mul": "Mul", "add": "Add", "sub": "Sub", "div": "Div", "max": "Max", "min": "Min", "pow": "Pow"}


class _Graph:
    def __init__(self) -> None:
        self.onnx = _need_onnx()
        self.nodes: list[Any] = []
        self.params: list[Any] = []
        self.inits: list[Any] = []
        self.info: list[Any] = []

    def param(self, name: str, dims: list[int]) -> str:
        h = self.onnx.helper
        self.params.append(h.make_tensor_value_info(name, self.onnx.TensorProto.FLOAT, dims))
        return name

    def const(self, name: str, value: Any, dtype: Any = np.int64) -> str:
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def node(self, op: str, ins: list[str], out: str, name: str, dims: list[int] | None = None, domain: str = "", **attrs: Any) -> str:
        self.nodes.append(self.onnx.helper.make_node(op, ins, [out], name=name, domain=domain, **attrs))
        if dims is not None:
            self.info.append(self.onnx.helper.make_tensor_value_info(out, self.onnx.TensorProto.FLOAT, dims))
        return out


def _dims(layer_out: Any, flat: bool) -> list[int]:
    return [1, layer_out.size] if flat else [1, layer_out.C, layer_out.H, layer_out.W]


def to_onnx(net: Network) -> tuple[Any, list[str]]:
    """The ``ModelProto`` and notes on what it holds."""
    if net.standalone:
        from ...errors import AccelsimError

        raise AccelsimError(
            "a list of standalone layers is not a graph", where=net.name,
            expected="a workload with an 'input' (a DAG) to export as ONNX; SCALE-Sim or Timeloop take standalone layers",
        )
    g = _Graph()
    h = g.onnx.helper
    (in_name, t_in), = net.inputs[:1]
    flat: dict[str, bool] = {in_name: False}
    graph_input = h.make_tensor_value_info(in_name, g.onnx.TensorProto.FLOAT, [1, t_in.C, t_in.H, t_in.W])

    def as4d(x: str, layer: NetLayer) -> str:
        if not flat.get(x):
            return x
        t = net.layer(x).out if x != in_name else t_in
        r = g.const(f"{layer.name}.{x}.shape4d", [1, t.C, t.H, t.W])
        return g.node("Reshape", [x, r], f"{layer.name}.{x}.as4d", f"{layer.name}.{x}.as4d", [1, t.C, t.H, t.W])

    for l in net.layers:
        op, n, o = l.op, l.name, l.out
        dims4 = [1, o.C, o.H, o.W]
        ins = list(l.inputs)
        is_flat = False
        if l.type == "conv":
            w = g.param(f"{n}.weight", [op.M, l.ins[0].C // op.groups, op.R, op.S])
            args = [as4d(ins[0], l), w] + ([g.param(f"{n}.bias", [op.M])] if op.bias else [])
            t, b_, le, r = op.pad
            g.node("Conv", args, n, n, dims4, kernel_shape=[op.R, op.S], strides=[op.stride] * 2, pads=[t, le, b_, r],
                   dilations=[op.dilation] * 2, group=op.groups)
        elif l.type == "fc":
            k = l.ins[0].size
            x = ins[0]
            if not flat.get(x):
                x = g.node("Flatten", [x], f"{n}.flatten", f"{n}.flatten", [1, k], axis=1)
            args = [x, g.param(f"{n}.weight", [op.M, k])] + ([g.param(f"{n}.bias", [op.M])] if op.bias else [])
            g.node("Gemm", args, n, n, [1, op.M], transB=1)
            is_flat = True
        elif l.type == "batchnorm":
            c = l.ins[0].C
            ps = [g.param(f"{n}.{p}", [c]) for p in ("weight", "bias", "running_mean", "running_var")]
            g.node("BatchNormalization", [as4d(ins[0], l), *ps], n, n, dims4)
        elif l.type == "activation":
            x = ins[0]
            is_flat = bool(flat.get(x))
            d = _dims(o, is_flat)
            if op.fn in _ACT:
                g.node(_ACT[op.fn], [x], n, n, d)
            elif op.fn in ("relu6", "clip"):
                lo, hi = (0.0, 6.0) if op.fn == "relu6" else (-1.0, 1.0)
                g.node("Clip", [x, g.const(f"{n}.min", lo, np.float32), g.const(f"{n}.max", hi, np.float32)], n, n, d)
            elif op.fn == "swish":
                s = g.node("Sigmoid", [x], f"{n}.sigmoid", n, d)
                g.node("Mul", [x, s], n, f"{n}.mul", d)
        elif l.type in ("maxpool", "avgpool"):
            t, b_, le, r = op.pad
            g.node("MaxPool" if l.type == "maxpool" else "AveragePool", [as4d(ins[0], l)], n, n, dims4,
                   kernel_shape=[op.R, op.S], strides=[op.stride] * 2, pads=[t, le, b_, r], ceil_mode=int(op.ceil_mode))
        elif l.type == "globalpool":
            g.node("GlobalAveragePool" if op.kind == "avg" else "GlobalMaxPool", [as4d(ins[0], l)], n, n, dims4)
        elif l.type in ("add", "eltwise"):
            is_flat = all(flat.get(x) for x in ins)
            xs = ins if is_flat else [as4d(x, l) for x in ins]
            onnx_op = "Add" if l.type == "add" else _ELT[op.fn]
            if len(xs) == 1:
                xs = [xs[0], g.const(f"{n}.operand", 1.0, np.float32)]
            if len(xs) > 2 and onnx_op == "Add":
                onnx_op = "Sum"
            if len(xs) > 2 and onnx_op != "Sum":
                acc = xs[0]
                for i, x in enumerate(xs[1:-1], start=1):
                    acc = g.node(onnx_op, [acc, x], f"{n}.{i}", f"{n}.{i}", _dims(o, is_flat))
                xs = [acc, xs[-1]]
            g.node(onnx_op, xs, n, n, _dims(o, is_flat))
        elif l.type == "concat":
            g.node("Concat", [as4d(x, l) for x in ins], n, n, dims4, axis=1)
        elif l.type == "scale":
            g.node("Mul", [as4d(ins[0], l), as4d(ins[1], l)], n, n, dims4)
        elif l.type == "shuffle":
            gr, c = op.groups, o.C
            r1 = g.node("Reshape", [as4d(ins[0], l), g.const(f"{n}.split", [1, gr, c // gr, o.H, o.W])], f"{n}.grouped", n,
                        [1, gr, c // gr, o.H, o.W])
            t1 = g.node("Transpose", [r1], f"{n}.transposed", f"{n}.transpose", [1, c // gr, gr, o.H, o.W], perm=[0, 2, 1, 3, 4])
            g.node("Reshape", [t1, g.const(f"{n}.merge", dims4)], n, f"{n}.reshape", dims4)
        elif l.type == "slice":
            g.node("Slice", [as4d(ins[0], l), g.const(f"{n}.starts", [op.start]), g.const(f"{n}.ends", [op.stop]),
                             g.const(f"{n}.axes", [1])], n, n, dims4)
        elif l.type == "lrn":
            g.node("LRN", [as4d(ins[0], l)], n, n, dims4, size=op.size)
        elif l.type == "crop":
            t_, b_, le, r = op.crop
            i = l.ins[0]
            g.node("Slice", [as4d(ins[0], l), g.const(f"{n}.starts", [t_, le]), g.const(f"{n}.ends", [i.H - b_, i.W - r]),
                             g.const(f"{n}.axes", [2, 3])], n, n, dims4)
        elif l.type == "interleave":
            g.node("Interleave", list(ins), n, n, dims4, domain=DOMAIN, stride=op.stride)
        elif l.type == "shift":
            g.node("Shift", [as4d(ins[0], l)], n, n, dims4, domain=DOMAIN, kernel_shape=[op.R, op.S])
        elif l.type == "opaque":
            g.node("Opaque", list(ins), n, n, dims4, domain=DOMAIN, op=op.op)
        else:  # a layer type added to accelsim after this exporter
            from ...errors import AccelsimError

            raise AccelsimError(f"no ONNX form for a {l.type} layer", where=f"layer '{n}'", found=l.type)
        flat[n] = is_flat
    outputs = [l.name for l in net.layers if not any(l.name in m.inputs for m in net.layers)]
    out_vi = [vi for vi in g.info if vi.name in outputs]
    graph = h.make_graph(g.nodes, net.name, [graph_input, *g.params], out_vi, initializer=g.inits,
                         value_info=[vi for vi in g.info if vi.name not in outputs])
    opsets = [h.make_opsetid("", OPSET)]
    if any(nd.domain == DOMAIN for nd in g.nodes):
        opsets.append(h.make_opsetid(DOMAIN, 1))
    model = h.make_model(graph, opset_imports=opsets, producer_name="accelsim", doc_string=net.description)
    model.ir_version = 8
    notes = [f"ONNX opset {OPSET}, {len(g.nodes)} nodes; no weights: {len(g.params)} parameters are typed graph inputs "
             f"(float32, shapes only) after the image input '{in_name}'"]
    if any(nd.domain == DOMAIN for nd in g.nodes):
        notes.append(f"shift/opaque/interleave layers are nodes of the custom domain {DOMAIN} (accelsim reads them back; other tools do not)")
    return model, notes


def to_onnx_bytes(net: Network) -> tuple[bytes, list[str]]:
    model, notes = to_onnx(net)
    return model.SerializeToString(), notes
