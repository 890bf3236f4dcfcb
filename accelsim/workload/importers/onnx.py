"""ONNX in: a model file (or bytes, or a ``ModelProto``) as an accelsim :class:`Network`.

How a graph becomes layers:

1. The file is parsed (protobuf), the one graph input is given a static shape (its own,
   or ``input_shape``: a batch of 1 is required, the counts are per batch element), and
   ONNX shape inference runs (``onnx.shape_inference.infer_shapes``, with data propagation).
2. Every node none of whose inputs depends on the graph input is *plumbing*: weights,
   constants, and the Shape / Gather / Unsqueeze / Concat / Div / Cast arithmetic that
   PyTorch's TorchScript exporter writes around reshapes. Such nodes are evaluated with
   NumPy where their values matter (a Reshape target, Slice bounds, Clip limits) and never
   become layers. ``Shape`` and ``Size`` of an activation are plumbing too.
3. Every other node becomes a layer, or is absorbed into one, or aliases its input
   (Dropout, Identity, Cast, Flatten / Reshape / Squeeze / Unsqueeze that only re-view a
   tensor, QuantizeLinear / DequantizeLinear, whose bit widths are reported in the notes):

   ==============================  ==================================================
   Conv, QLinearConv, ConvInteger  ``conv`` (group, dilation, pads or auto_pad, stride;
                                   a zero Pad before it is folded into its padding; a
                                   constant per-channel Add after it is its bias)
   Gemm, MatMul (+ Add)            ``fc`` (the second operand a constant; the Add of a
                                   constant vector that alone consumes it is its bias)
   MaxPool, AveragePool            ``maxpool`` / ``avgpool`` (ceil_mode, pads;
                                   count_include_pad changes no count)
   GlobalAveragePool, GlobalMax…,  ``globalpool``
   ReduceMean / ReduceMax over H,W
   Add, Sum                        ``add`` (equal shapes); with a constant ``eltwise``
   Mul                             x·sigmoid(x) is ``activation swish``, x·hardsigmoid(x)
                                   ``hswish``; x·s with s of C×1×1 ``scale``
                                   (squeeze-excite); otherwise ``eltwise mul``
   Sub, Div, Max, Min, Pow         ``eltwise``
   Concat (channels)               ``concat``
   Split, Slice (channels)         ``slice`` per output
   Reshape→Transpose→Reshape       ``shuffle`` (ShuffleNet's channel shuffle)
   ConvTranspose                   its stride² phase ``conv`` layers and an ``interleave``
                                   (accelsim/workload/convtranspose.py)
   Slice on H, W                   ``crop``
   Relu, Clip, LeakyRelu, Sigmoid, ``activation`` (Clip(0, 6) is relu6)
   Tanh, HardSigmoid, HardSwish
   BatchNormalization              ``batchnorm`` (folded into the conv/fc before it when
                                   it is that layer's only consumer)
   LRN                             ``lrn``
   ==============================  ==================================================

Any other node is collected; the import fails with one error that lists every such op
type with its count and node names, unless ``skip_unsupported``: then each becomes an
``opaque`` layer that counts only its tensors' data movement on the SIMD unit, and the
network's notes say how many.

Layer names come from the node names (:mod:`.onnx_names`). PyTorch's exporters name a node
by its module scope (``/layer1/layer1.0/conv1/Conv``): the layer is named by the innermost
module (``layer1.0.conv1``, torchvision's own module name), with the op appended where that
module holds several nodes or other modules (``layer1.0.add``); the dynamo exporter gives a
conv with a folded batch norm the batch norm's scope (``bn1``). Other files keep their node
names (or the output's name), made unique with ``_2``, ``_3`` ….

Every layer's output is checked against ONNX's inferred shape, so MACs and parameters are
exactly what the file computes and holds. Parameters are those in the file: PyTorch's
exporters fold batch norm into the convolutions' biases in eval mode, which the notes say.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import AccelsimError, Where
from ..builder import NetBuilder
from ..network import Network
from ..ops import (
    FC,
    LRN,
    Activation,
    Add,
    AvgPool,
    BatchNorm,
    Concat,
    Conv,
    Crop,
    Eltwise,
    GlobalPool,
    Interleave,
    MaxPool,
    Op,
    Opaque,
    Scale,
    Shift,
    Shuffle,
    Slice,
)
from ..tensor import Tensor
from .onnx_graph import Dims, _attrs, _fix_input, _need_onnx, _opset, _parse, _resolve, _shapes
from .onnx_names import _SAFE, _layer_names


# ---------------------------------------------------------------- the converter


@dataclass
class _Unsupported:
    op: str
    node: str
    why: str


@dataclass
class _Ctx:
    file: str
    opset: int
    shapes: dict[str, Dims]
    consts: dict[str, np.ndarray | None]  # known plumbing values (None: shape only)
    inits: dict[str, Any]
    b: NetBuilder
    src: dict[str, str] = field(default_factory=dict)  # activation tensor -> accelsim tensor
    consumers: dict[str, list[int]] = field(default_factory=dict)
    absorbed: set[int] = field(default_factory=set)
    extra_pad: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    unsupported: list[_Unsupported] = field(default_factory=list)
    bits: list[str] = field(default_factory=list)

    def value(self, name: str) -> np.ndarray | None:
        if name in self.consts and self.consts[name] is not None:
            return self.consts[name]
        if name in self.inits:
            onnx = _need_onnx()
            arr = onnx.numpy_helper.to_array(self.inits[name])
            self.consts[name] = arr
            return arr
        return None

    def is_act(self, name: str) -> bool:
        return bool(name) and name in self.src

    def tensor(self, name: str) -> Tensor:
        return self.b.shape(self.src[name])


def _to_tensor(dims: Dims | None) -> Tensor | None:
    """ONNX N×C×H×W (N×K) at batch 1 as accelsim's C×H×W (K×1×1)."""
    if dims is None or not dims or dims[0] != 1:
        return None
    if len(dims) == 4:
        return Tensor(dims[1], dims[2], dims[3])
    if len(dims) == 2:
        return Tensor(dims[1], 1, 1)
    return None


def _flat_tensor(dims: Dims | None) -> Tensor:
    """Any shape as a C×H×W of the same size (an opaque node's output)."""
    if not dims:
        return Tensor(1, 1, 1)
    rest = dims[1:] if dims[0] == 1 and len(dims) > 1 else dims
    if len(rest) == 1:
        return Tensor(max(rest[0], 1), 1, 1)
    if len(rest) == 2:
        return Tensor(max(rest[0], 1), max(rest[1], 1), 1)
    return Tensor(max(int(np.prod(rest[:-2])), 1), max(rest[-2], 1), max(rest[-1], 1))


class _Skip(Exception):
    """A node accelsim does not model: raised by a handler with the reason."""


def _hw_pair(vals: Sequence[int] | None, default: int, what: str) -> int:
    if vals is None:
        return default
    vals = [int(v) for v in vals]
    if len(vals) != 2:
        raise _Skip(f"{what} {vals}: only 2-D windows are modelled")
    if vals[0] != vals[1]:
        raise _Skip(f"{what} {vals}: accelsim models equal {what} along H and W")
    return vals[0]


def _pads(a: dict[str, Any], t: Tensor, R: int, S: int, stride: int, dilation: int) -> tuple[int, int, int, int]:
    auto = a.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else str(auto)
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = []
        for size, k in ((t.H, R), (t.W, S)):
            total = max((-(-size // stride) - 1) * stride + (k - 1) * dilation + 1 - size, 0)
            lo = total // 2 if auto == "SAME_UPPER" else total - total // 2
            out.append((lo, total - lo))
        return (out[0][0], out[0][1], out[1][0], out[1][1])
    if auto == "VALID":
        return (0, 0, 0, 0)
    p = [int(x) for x in a.get("pads", [0, 0, 0, 0])]
    if len(p) != 4:
        raise _Skip(f"pads {p}: only 2-D windows are modelled")
    return (p[0], p[2], p[1], p[3])  # ONNX: h_begin, w_begin, h_end, w_end


def _add_pad(p: tuple[int, int, int, int], q: tuple[int, int, int, int] | None) -> tuple[int, int, int, int]:
    return p if q is None else (p[0] + q[0], p[1] + q[1], p[2] + q[2], p[3] + q[3])


_ACT = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "HardSigmoid": "hsigmoid", "HardSwish": "hswish",
        "LeakyRelu": "leaky_relu"}
_ALIAS = {"Dropout", "Identity", "Cast", "QuantizeLinear", "DequantizeLinear"}
_VIEW = {"Flatten", "Reshape", "Squeeze", "Unsqueeze"}
_ELT = {"Sub": "sub", "Div": "div", "Max": "max", "Min": "min", "Pow": "pow"}
_BITS = {2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 21: 4, 22: 4}  # ONNX TensorProto element types: uint8 int8 uint16 int16 int32 uint4 int4


def import_onnx(
    source: str | os.PathLike[str] | bytes | Any,
    *,
    input_shape: Sequence[int] | None = None,
    skip_unsupported: bool = False,
    name: str | None = None,
    file: str | None = None,
) -> Network:
    """An ONNX model as a :class:`Network` (see the module docstring for the op list)."""
    if file is None:
        file = str(source) if isinstance(source, (str, os.PathLike)) else "<onnx model>"
    model = _parse(source, file)
    in_name, in_dims = _fix_input(model, file, input_shape)
    opset = _opset(model)
    model, consts, compute = _resolve(model, in_name, file, opset)
    g = model.graph
    shapes = _shapes(model)
    shapes[in_name] = in_dims
    inits = {i.name: i for i in g.initializer}

    net_name = name or _SAFE.sub("_", Path(file).stem if file != "<onnx model>" else (g.name or "onnx_model"))
    b = NetBuilder(net_name, C=in_dims[1], H=in_dims[2] if len(in_dims) == 4 else 1, W=in_dims[3] if len(in_dims) == 4 else 1)
    ctx = _Ctx(file, opset, shapes, consts, inits, b)
    ctx.src[in_name] = b.input

    for k, node in enumerate(compute):
        for x in node.input:
            ctx.consumers.setdefault(x, []).append(k)
    names = _layer_names(compute)

    for k, node in enumerate(compute):
        if k in ctx.absorbed:
            continue
        at = Where(file, f"node '{node.name or node.output[0]}' ({node.op_type})")
        try:
            try:
                _convert(ctx, compute, k, names[k], at)
            except _Skip as why:
                _opaque(ctx, node, names[k], str(why))
        except AccelsimError:
            if ctx.unsupported and not skip_unsupported:
                _opaque(ctx, node, names[k], "follows an unsupported node", record=False)
                continue
            raise

    if ctx.unsupported and not skip_unsupported:
        raise _unsupported_error(ctx.unsupported, file)
    net = b.build()
    _check_shapes(net, ctx, file)
    notes = _notes(model, net, ctx, compute)
    src = f"ONNX: {Path(file).name}" if file != "<onnx model>" else "ONNX"
    producer = f"{model.producer_name} {model.producer_version}".strip()
    desc = f"imported from {Path(file).name if file != '<onnx model>' else 'an ONNX model'}" + (
        f" ({producer}, opset {opset})" if producer else f" (opset {opset})"
    )
    return replace(net, description=desc, source=src, notes=tuple(notes))


def _unsupported_error(items: list[_Unsupported], file: str) -> AccelsimError:
    by_op: dict[str, list[_Unsupported]] = {}
    for u in items:
        by_op.setdefault(u.op, []).append(u)
    parts = []
    for op, us in sorted(by_op.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = ", ".join(f"'{u.node}'" for u in us[:5]) + (f" and {len(us) - 5} more" if len(us) > 5 else "")
        why = sorted({u.why for u in us})
        parts.append(f"{op} ×{len(us)} ({shown}{'; ' + why[0] if why[0] else ''})")
    return AccelsimError(
        f"{len(items)} node{'s' if len(items) > 1 else ''} of {len(by_op)} op type{'s' if len(by_op) > 1 else ''} "
        f"accelsim does not import: " + "; ".join(parts),
        file=file,
        expected="the ops listed in accelsim/workload/importers/onnx.py, or --skip-unsupported "
        "(skip_unsupported=True) to count those nodes' tensors as SIMD data movement",
    )


def _opaque(ctx: _Ctx, node: Any, name: str, why: str, record: bool = True) -> None:
    if record:
        ctx.unsupported.append(_Unsupported(node.op_type, node.name or node.output[0], "" if why == "op" else why))
    ins = list(dict.fromkeys(ctx.src[x] for x in node.input if ctx.is_act(x) and ctx.src[x]))
    if not ins:
        ins = [ctx.b.input]
    out = _flat_tensor(ctx.shapes.get(node.output[0]))
    lname = ctx.b.add_layer(Opaque(node.op_type, (out.C, out.H, out.W)), ins, name)
    for o in node.output:
        if o:
            ctx.src[o] = lname


def _single_consumer(ctx: _Ctx, compute: Sequence[Any], tensor: str, op_type: str | None = None) -> int | None:
    cs = ctx.consumers.get(tensor, [])
    if len(cs) != 1 or cs[0] in ctx.absorbed:
        return None
    if op_type is not None and compute[cs[0]].op_type != op_type:
        return None
    return cs[0]


def _convert(ctx: _Ctx, compute: Sequence[Any], k: int, name: str, at: Where) -> None:
    node = compute[k]
    op = node.op_type
    a = _attrs(node)
    b = ctx.b
    ins = [x for x in node.input]
    acts = [x for x in ins if ctx.is_act(x)]
    out0 = node.output[0]

    def emit(layer_op: Op, inputs: Sequence[str], out: str = out0, lname: str = name) -> str:
        l = b.add_layer(layer_op, [ctx.src[i] for i in inputs], lname)
        ctx.src[out] = l
        return l

    def alias(x: str) -> None:
        for o in node.output:
            if o:
                ctx.src[o] = ctx.src[x]

    if op in _ALIAS:
        if op in ("QuantizeLinear", "DequantizeLinear"):
            zp = ins[2] if len(ins) > 2 and ins[2] else ""
            t = ctx.inits[zp].data_type if zp in ctx.inits else 2
            ctx.bits.append(f"{op} '{node.name or out0}': {_BITS.get(t, '?')}-bit activations")
        if ins[0] not in ctx.src:
            raise _Skip("its data input is not an activation")
        alias(ins[0])
        return
    if op in _VIEW:
        x = acts[0]
        t_in = ctx.tensor(x)
        dims = ctx.shapes.get(out0)
        if op == "Reshape" and dims is not None and len(dims) == 5 and _shuffle(ctx, compute, k, name, dims, t_in):
            return
        t_out = _to_tensor(dims)
        if t_out is None or t_out.size != t_in.size:
            raise _Skip(f"a reshape to {list(dims) if dims else '?'} is not a flatten or a channel shuffle")
        if len(dims) == 4 and t_out != t_in and not (t_in.H == t_in.W == 1 and t_out.H == t_out.W == 1):  # type: ignore[arg-type]
            raise _Skip(f"a reshape of {t_in} to {list(dims)} is not a flatten or a channel shuffle")  # type: ignore[arg-type]
        alias(x)
        return
    if op in ("Conv", "QLinearConv", "ConvInteger"):
        xi, wi, bi = {"Conv": (0, 1, 2), "QLinearConv": (0, 3, 8), "ConvInteger": (0, 1, None)}[op]
        x, w = ins[xi], ins[wi]
        if not ctx.is_act(x) or ctx.is_act(w):
            raise _Skip("its weights depend on the input (not a layer on an activation)")
        wd = ctx.shapes.get(w)
        if wd is None or len(wd) != 4:
            raise _Skip(f"weights of shape {list(wd) if wd else '?'}: only 2-D convolutions are modelled")
        t = ctx.tensor(x)
        stride = _hw_pair(a.get("strides"), 1, "strides")
        dil = _hw_pair(a.get("dilations"), 1, "dilations")
        R, S = wd[2], wd[3]
        pad = _add_pad(_pads(a, t, R, S, stride, dil), ctx.extra_pad.get(x))
        has_bias = bi is not None and len(ins) > bi and bool(ins[bi])
        if op != "Conv":
            zp_w = ins[5] if op == "QLinearConv" else (ins[3] if len(ins) > 3 else "")
            zp_x = ins[2] if len(ins) > 2 else ""
            bw = _BITS.get(ctx.inits[zp_w].data_type, 8) if zp_w in ctx.inits else 8
            bx = _BITS.get(ctx.inits[zp_x].data_type, 8) if zp_x in ctx.inits else 8
            ctx.bits.append(f"{op} '{name}': {bw}-bit weights, {bx}-bit activations")
        M = wd[0]
        bias_add = None
        if not has_bias:
            c = _single_consumer(ctx, compute, out0, "Add")
            if c is not None:
                other = [y for y in compute[c].input if y != out0]
                od = ctx.shapes.get(other[0]) if len(other) == 1 and not ctx.is_act(other[0]) else None
                if od in ((M,), (M, 1, 1), (1, M, 1, 1)):
                    bias_add = c
        conv = Conv(M, R, S, stride, pad, dil, a.get("group", 1), has_bias or bias_add is not None)
        if bias_add is not None:
            ctx.absorbed.add(bias_add)
            emit(conv, [x], out=compute[bias_add].output[0])
            ctx.src[out0] = ctx.src[compute[bias_add].output[0]]
        else:
            emit(conv, [x])
        return
    if op in ("Gemm", "MatMul"):
        if len(acts) != 1 or not ctx.is_act(ins[0]):
            raise AccelsimError(
                f"a {op} that is not a layer on an activation",
                file=ctx.file, where=at.where,
                expected="an activation times a constant weight matrix (an fc layer)",
                found="two activations" if len(acts) > 1 else "a constant times an activation",
            )
        x, w = ins[0], ins[1]
        xd, wd = ctx.shapes.get(x), ctx.shapes.get(w)
        if op == "Gemm" and a.get("transA", 0):
            raise _Skip("transA=1 (the activation transposed)")
        if xd is None or len(xd) != 2 or wd is None or len(wd) != 2:
            raise _Skip(f"a {op} of {list(xd) if xd else '?'} by {list(wd) if wd else '?'}: accelsim models an fc layer on a flattened activation")
        K, M = (wd[1], wd[0]) if op == "Gemm" and a.get("transB", 0) else (wd[0], wd[1])
        t = ctx.tensor(x)
        if K != t.size:
            raise _Skip(f"{K} rows of weights for an input of {t.size} elements")
        bias = op == "Gemm" and len(ins) > 2 and bool(ins[2])
        if not bias:
            c = _single_consumer(ctx, compute, out0, "Add")
            if c is not None:
                other = [y for y in compute[c].input if y != out0]
                od = ctx.shapes.get(other[0]) if len(other) == 1 and not ctx.is_act(other[0]) else None
                if od is not None and int(np.prod(od)) == M:
                    ctx.absorbed.add(c)
                    emit(FC(M, True), [x], out=compute[c].output[0])
                    ctx.src[out0] = ctx.src[compute[c].output[0]]
                    return
        emit(FC(M, bias), [x])
        return
    if op == "BatchNormalization":
        emit(BatchNorm(), [ins[0]])
        return
    if op in _ACT or op == "Clip":
        x = ins[0]
        fn = _ACT.get(op, "")
        if op == "Clip":
            lo = a.get("min") if ctx.opset < 11 else (ctx.value(ins[1]) if len(ins) > 1 and ins[1] else None)
            hi = a.get("max") if ctx.opset < 11 else (ctx.value(ins[2]) if len(ins) > 2 and ins[2] else None)
            lo = None if lo is None else float(np.asarray(lo).reshape(-1)[0])
            hi = None if hi is None else float(np.asarray(hi).reshape(-1)[0])
            fn = "relu6" if (lo, hi) == (0.0, 6.0) else "relu" if lo == 0.0 and hi is None else "clip"
        if op in ("Sigmoid", "HardSigmoid"):
            c = _single_consumer(ctx, compute, out0, "Mul")
            if c is not None and sorted(compute[c].input) == sorted([x, out0]):
                ctx.absorbed.add(c)
                emit(Activation("swish" if op == "Sigmoid" else "hswish"), [x], out=compute[c].output[0])
                ctx.src[out0] = ctx.src[compute[c].output[0]]
                return
        emit(Activation(fn), [x])
        return
    if op in ("MaxPool", "AveragePool"):
        x = ins[0]
        t = ctx.tensor(x)
        ks = [int(v) for v in a["kernel_shape"]]
        if len(ks) != 2:
            raise _Skip(f"kernel {ks}: only 2-D pools are modelled")
        if any(int(d) != 1 for d in a.get("dilations", [1, 1])):
            raise _Skip("a dilated pool")
        stride = _hw_pair(a.get("strides"), 1, "strides")
        pad = _add_pad(_pads(a, t, ks[0], ks[1], stride, 1), ctx.extra_pad.get(x))
        cls = MaxPool if op == "MaxPool" else AvgPool
        emit(cls(ks[0], ks[1], stride, pad, bool(a.get("ceil_mode", 0))), [x])
        return
    if op in ("GlobalAveragePool", "GlobalMaxPool"):
        emit(GlobalPool("avg" if op == "GlobalAveragePool" else "max"), [ins[0]])
        return
    if op in ("ReduceMean", "ReduceMax"):
        axes = a.get("axes")
        if axes is None and len(ins) > 1 and ins[1]:
            v = ctx.value(ins[1])
            axes = None if v is None else v.tolist()
        xd = ctx.shapes.get(ins[0])
        if xd is None or len(xd) != 4 or axes is None or sorted(int(x) % 4 for x in axes) != [2, 3]:
            raise _Skip(f"a reduction over axes {axes}: only over H and W (a global pool) is modelled")
        emit(GlobalPool("avg" if op == "ReduceMean" else "max"), [ins[0]])
        return
    if op == "LRN":
        emit(LRN(int(a["size"])), [ins[0]])
        return
    if op == "Concat":
        xs = [x for x in ins if x]
        if any(not ctx.is_act(x) for x in xs):
            raise _Skip("a concatenation with a constant")
        rank = len(ctx.shapes.get(out0, ()))
        if int(a.get("axis", 1)) % max(rank, 1) != 1:
            raise _Skip(f"a concatenation along axis {a.get('axis')}: only along channels is modelled")
        if len(xs) == 1:
            alias(xs[0])
            return
        emit(Concat(), xs)
        return
    if op in ("Split", "Slice"):
        x = ins[0]
        xd = ctx.shapes.get(x)
        if xd is None:
            raise _Skip("an input of unknown shape")
        if op == "Split":
            axis = int(a.get("axis", 0)) % len(xd)
            if axis != 1:
                raise _Skip(f"a split along axis {axis}: only along channels is modelled")
            start = 0
            for i, o in enumerate(node.output):
                od = ctx.shapes.get(o)
                if od is None:
                    raise _Skip("an output of unknown shape")
                stop = start + od[1]
                if o:
                    emit(Slice(start, stop), [x], out=o, lname=f"{name}.{i}")
                start = stop
            return
        # Slice: only along channels, step 1.
        if ctx.opset < 10:
            starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
        else:
            vs = [ctx.value(y) if y else None for y in ins[1:]]
            if vs[0] is None or vs[1] is None:
                raise _Skip("slice bounds that are not constant")
            starts, ends = vs[0].tolist(), vs[1].tolist()
            axes = vs[2].tolist() if len(vs) > 2 and vs[2] is not None else None
            steps = vs[3].tolist() if len(vs) > 3 and vs[3] is not None else None
        axes = [int(x) % len(xd) for x in (axes if axes is not None else range(len(starts)))]
        steps = steps or [1] * len(starts)
        eff = [(ax, int(s), int(e), int(st)) for ax, s, e, st in zip(axes, starts, ends, steps)
               if not (int(s) == 0 and int(e) >= xd[ax] and int(st) == 1)]
        if eff and len(xd) == 4 and all(ax in (2, 3) and st == 1 for ax, _, _, st in eff):
            crop = [0, 0, 0, 0]  # a spatial crop (U-Net's copy and crop)
            for ax, s, e, _ in eff:
                n = xd[ax]
                s, e = max(0, min(n, s + n if s < 0 else s)), max(0, min(n, e + n if e < 0 else e))
                crop[(ax - 2) * 2], crop[(ax - 2) * 2 + 1] = s, n - e
            emit(Crop((crop[0], crop[1], crop[2], crop[3])), [x])
            return
        if len(eff) != 1 or eff[0][0] != 1 or eff[0][3] != 1:
            raise _Skip(f"a slice along axes {[e[0] for e in eff]}: only a channel range with step 1 is modelled")
        _, s, e, _ = eff[0]
        C = xd[1]
        s = max(0, min(C, s + C if s < 0 else s))
        e = max(0, min(C, e + C if e < 0 else e))
        emit(Slice(s, e), [x])
        return
    if op in ("Add", "Sum", "Mul") or op in _ELT:
        xs = [x for x in ins if x]
        cs = [x for x in xs if not ctx.is_act(x)]
        av = [x for x in xs if ctx.is_act(x)]
        fn = {"Add": "add", "Sum": "add", "Mul": "mul"}.get(op) or _ELT[op]
        dims = [ctx.shapes.get(x) for x in av]
        if len(av) >= 2 and all(d == dims[0] for d in dims) and dims[0] is not None:
            emit(Add() if fn == "add" else Eltwise(fn), av)
            return
        if op == "Mul" and len(av) == 2 and not cs:
            t0, t1 = ctx.tensor(av[0]), ctx.tensor(av[1])
            if t1 == Tensor(t0.C, 1, 1) and t0 != t1:
                emit(Scale(), [av[0], av[1]])
                return
            if t0 == Tensor(t1.C, 1, 1) and t0 != t1:
                emit(Scale(), [av[1], av[0]])
                return
        if len(av) == 1 and cs and ctx.shapes.get(out0) == ctx.shapes.get(av[0]):
            emit(Eltwise(fn), av)
            return
        raise _Skip(f"a broadcast {fn} of {[list(d) if d else '?' for d in dims]}")
    if op == "Pad":
        x = ins[0]
        mode = a.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else str(mode)
        pads = a.get("pads") if ctx.opset < 11 else (ctx.value(ins[1]).tolist() if len(ins) > 1 and ctx.value(ins[1]) is not None else None)  # type: ignore[union-attr]
        cval = a.get("value", 0.0) if ctx.opset < 11 else (float(ctx.value(ins[2]).reshape(-1)[0]) if len(ins) > 2 and ins[2] and ctx.value(ins[2]) is not None else 0.0)  # type: ignore[union-attr]
        axes = ctx.value(ins[3]).tolist() if ctx.opset >= 18 and len(ins) > 3 and ins[3] and ctx.value(ins[3]) is not None else None  # type: ignore[union-attr]
        if pads is None or mode != "constant" or cval != 0.0:
            raise _Skip(f"{mode} padding with {cval}: only zero padding before a conv or pool is folded")
        n = len(pads) // 2
        axes = axes or list(range(n))
        p = dict.fromkeys(range(4), (0, 0))
        for i, ax in enumerate(axes):
            p[int(ax) % 4] = (int(pads[i]), int(pads[i + n]))
        consumers = [compute[c].op_type for c in ctx.consumers.get(out0, [])]
        if p[0] != (0, 0) or p[1] != (0, 0) or not consumers or any(c not in ("Conv", "MaxPool", "AveragePool") for c in consumers):
            raise _Skip("only zero padding of H and W before a conv or pool is folded")
        ctx.extra_pad[out0] = _add_pad((p[2][0], p[2][1], p[3][0], p[3][1]), ctx.extra_pad.get(x))
        alias(x)
        return
    if op == "ConvTranspose":
        x, w = ins[0], ins[1]
        wd = ctx.shapes.get(w)
        if ctx.is_act(w) or wd is None or len(wd) != 4:
            raise _Skip("weights that are not a constant 4-D kernel")
        if a.get("group", 1) != 1 or any(int(d) != 1 for d in a.get("dilations", [1, 1])) or "output_shape" in a:
            raise _Skip("a grouped, dilated or output_shape transposed conv")
        auto = a.get("auto_pad", b"NOTSET")
        if (auto.decode() if isinstance(auto, bytes) else str(auto)) not in ("NOTSET", "VALID"):
            raise _Skip("auto_pad on a transposed conv")
        stride = _hw_pair(a.get("strides"), 1, "strides")
        pads = [int(v) for v in a.get("pads", [0, 0, 0, 0])]
        ops_ = [int(v) for v in a.get("output_padding", [0, 0])]
        if len(set(pads)) != 1 or len(set(ops_)) != 1:
            raise _Skip(f"pads {pads} / output_padding {ops_}: accelsim lowers equal padding on every side")
        try:
            l = b.conv_transpose(ctx.src[x], wd[1], (wd[2], wd[3]), stride, pads[0], output_padding=ops_[0],
                                 bias=len(ins) > 2 and bool(ins[2]), name=name)
        except ValueError as exc:
            raise _Skip(str(exc)) from None
        ctx.src[out0] = l
        return
    if node.domain == "ai.accelsim" and op == "Interleave":
        emit(Interleave(int(a.get("stride", 2))), acts)
        return
    if node.domain == "ai.accelsim" and op == "Shift":
        ks = [int(v) for v in a.get("kernel_shape", [3, 3])]
        emit(Shift(ks[0], ks[1]), [ins[0]])
        return
    if node.domain == "ai.accelsim" and op == "Opaque":
        t_out = _to_tensor(ctx.shapes.get(out0))
        if t_out is None:
            raise _Skip("an accelsim opaque node without a 4-D output shape")
        op_name = a.get("op", b"")
        emit(Opaque(op_name.decode() if isinstance(op_name, bytes) else str(op_name), (t_out.C, t_out.H, t_out.W)), acts)
        return
    raise _Skip("op")


def _shuffle(ctx: _Ctx, compute: Sequence[Any], k: int, name: str, dims: Dims, t_in: Tensor) -> bool:
    """Reshape to [1, g, C/g, H, W] → Transpose(0, 2, 1, 3, 4) → Reshape to [1, C, H, W]."""
    node = compute[k]
    if dims[0] != 1 or dims[1] * dims[2] != t_in.C or (dims[3], dims[4]) != (t_in.H, t_in.W):
        return False
    c1 = _single_consumer(ctx, compute, node.output[0], "Transpose")
    if c1 is None or list(_attrs(compute[c1]).get("perm", [])) != [0, 2, 1, 3, 4]:
        return False
    c2 = _single_consumer(ctx, compute, compute[c1].output[0], "Reshape")
    if c2 is None or _to_tensor(ctx.shapes.get(compute[c2].output[0])) != t_in:
        return False
    ctx.absorbed.update((c1, c2))
    x = [y for y in node.input if ctx.is_act(y)][0]
    lname = ctx.b.add_layer(Shuffle(dims[1]), [ctx.src[x]], name)
    for o in (node.output[0], compute[c1].output[0], compute[c2].output[0]):
        ctx.src[o] = lname
    return True


def _check_shapes(net: Network, ctx: _Ctx, file: str) -> None:
    """Every layer's output against ONNX's inferred shape of the tensor it stands for."""
    by_layer: dict[str, str] = {}
    for onnx_name, lname in ctx.src.items():
        if lname and lname != ctx.b.input:
            by_layer.setdefault(lname, onnx_name)
    for layer in net.layers:
        if layer.type == "opaque":
            continue
        onnx_name = by_layer.get(layer.name)
        want = _to_tensor(ctx.shapes.get(onnx_name)) if onnx_name else None
        if want is not None and want.size != layer.out.size:
            raise AccelsimError(
                "the imported layer's output disagrees with ONNX's shape inference",
                file=file, where=f"layer '{layer.name}'", expected=str(want), found=str(layer.out),
            )


def _notes(model: Any, net: Network, ctx: _Ctx, compute: Sequence[Any]) -> list[str]:
    notes = []
    ops = Counter(n.op_type for n in compute)
    convs = [l for l in net.layers if l.type == "conv"]
    biased = sum(1 for l in convs if l.op.bias)
    bns = [l for l in net.layers if l.type == "batchnorm"]
    if not bns and (biased or model.producer_name == "pytorch"):
        notes.append(
            f"no BatchNormalization in the file; {biased} of {len(convs)} convolutions carry a bias: an exporter in eval "
            "mode (both of PyTorch's) folds batch norm into the convolution before it (its scale into the weights, its "
            "shift into a bias; the dynamo exporter drops biases that are all zero), so the parameters are the file's "
            "(weights + biases), not the trained model's batch-norm γ and β"
        )
    elif bns:
        folded = sum(1 for l in bns if l.folded)
        notes.append(f"{len(bns)} BatchNormalization nodes: {folded} folded into the conv/fc before them (their only consumer), "
                     f"{len(bns) - folded} run on the SIMD unit; each counts 2·C parameters")
    if ctx.unsupported:
        by = Counter(u.op for u in ctx.unsupported)
        notes.append(
            f"--skip-unsupported: {len(ctx.unsupported)} nodes ("
            + ", ".join(f"{op} ×{n}" for op, n in sorted(by.items()))
            + ") imported as 'opaque' layers: no arithmetic counted, their tensors counted as SIMD-unit data movement"
        )
    if ctx.bits:
        notes.append("quantized: " + "; ".join(ctx.bits[:6]) + (f"; and {len(ctx.bits) - 6} more" if len(ctx.bits) > 6 else "")
                     + " (read and reported; accelsim counts at the hardware config's word widths)")
    if ops.get("Pad"):
        notes.append(f"{ops['Pad']} Pad nodes folded into the padding of the conv/pool after them")
    return notes
