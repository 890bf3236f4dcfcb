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

Layer names come from the node names. PyTorch's exporters name a node by its module scope
(``/layer1/layer1.0/conv1/Conv``): the layer is named by the innermost module
(``layer1.0.conv1``), with the op appended where that module holds several nodes or other
modules (``layer1.0.add``); other files keep their node names (or the output's name),
made unique with ``_2``, ``_3`` ….

Every layer's output is checked against ONNX's inferred shape, so MACs and parameters are
exactly what the file computes and holds. Parameters are those in the file: PyTorch's
exporters fold batch norm into the convolutions' biases in eval mode, which the notes say.
"""
from __future__ import annotations

import ast
import os
import re
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

Dims = tuple[int, ...]


def _need_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise AccelsimError(
            "reading ONNX needs the 'onnx' package, which is not installed",
            expected="pip install 'accelsim[onnx]'",
        ) from None
    return onnx


# ---------------------------------------------------------------- loading


def _parse(source: Any, file: str) -> Any:
    onnx = _need_onnx()
    if isinstance(source, onnx.ModelProto):
        return source
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        p = Path(source)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise AccelsimError("no such file", file=file) from None
        except IsADirectoryError:
            raise AccelsimError("is a directory, expected an ONNX model file", file=file) from None
        except OSError as exc:
            raise AccelsimError(f"cannot be read ({exc})", file=file) from None
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception as exc:  # protobuf's DecodeError, or a RuntimeWarning-free failure
        raise AccelsimError(
            "not an ONNX model (the file does not parse as an ONNX protobuf; a truncated download?)",
            file=file,
            expected="a model saved by onnx.save or torch.onnx.export",
            found=f"{len(data)} bytes: {str(exc) or type(exc).__name__}",
        ) from None
    if model.ir_version <= 0 or not model.graph.node:
        raise AccelsimError(
            "not an ONNX model (no IR version or no graph nodes)",
            file=file,
            expected="a model saved by onnx.save or torch.onnx.export",
            found=f"{len(data)} bytes, ir_version {model.ir_version}, {len(model.graph.node)} nodes",
        )
    return model


def _opset(model: Any) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return int(imp.version)
    return 0


def _dims_of(vi: Any) -> list[int | str | None]:
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return []
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]


def _fix_input(model: Any, file: str, input_shape: Sequence[int] | None) -> tuple[str, Dims]:
    """The one graph input, with a static shape (set from ``input_shape`` if given)."""
    inits = {i.name for i in model.graph.initializer}
    real = [vi for vi in model.graph.input if vi.name not in inits]
    if not real:
        raise AccelsimError("the graph has no input", file=file, where="graph inputs", expected="an image input N×C×H×W")
    # The first input is the image; any others must be parameters given as typed inputs
    # (accelsim's own exporter writes weights so): only weight, bias and BN operands.
    params = {vi.name for vi in real[1:]}
    if params:
        for node in model.graph.node:
            if node.op_type in ("Identity", "Cast", "Reshape", "Transpose", "DequantizeLinear") and node.input[0] in params:
                params.update(node.output)  # a parameter passed on (TorchScript shares equal biases so)
                continue
            for pos, x in enumerate(node.input):
                if x in params and pos not in _PARAM_POSITIONS.get(node.op_type, ()):
                    raise AccelsimError(
                        "accelsim imports a network with one input (an image); further inputs must be parameters",
                        file=file, where=f"graph input '{x}'",
                        expected="weights, biases or batch-norm statistics (Conv, Gemm, MatMul, BatchNormalization operands)",
                        found=f"input {pos} of node '{node.name or node.output[0]}' ({node.op_type})",
                    )
    vi = real[0]
    at = Where(file, f"input '{vi.name}'")
    if input_shape is not None:
        dims = [int(d) for d in input_shape]
        if any(d <= 0 for d in dims):
            raise at.error("--input-shape needs positive sizes", expected="e.g. 1,3,224,224", found=",".join(map(str, dims)))
        shape = vi.type.tensor_type.shape
        del shape.dim[:]
        for d in dims:
            shape.dim.add().dim_value = d
    dims_raw = _dims_of(vi)
    hint = "--input-shape 1,3,224,224 (accelsim import/run/info), or input_shape=(1, 3, 224, 224) in Python"
    if not dims_raw:
        raise at.error("the graph input has no shape", expected=f"a static shape; give one: {hint}", found="no shape")
    dynamic = [i for i, d in enumerate(dims_raw) if not isinstance(d, int) or d <= 0]
    if dynamic == [0]:
        raise at.error(
            "a dynamic batch", expected=f"a static batch of 1; give it: {hint}", found=_shape_text(dims_raw)
        )
    if dynamic:
        raise at.error(
            "the graph input has no static shape", expected=f"every dimension a number; give them: {hint}",
            found=_shape_text(dims_raw),
        )
    dims = tuple(int(d) for d in dims_raw)  # type: ignore[arg-type]
    if len(dims) not in (2, 4):
        raise at.error("accelsim reads images N×C×H×W (or vectors N×K)", expected="4 (or 2) dimensions", found=_shape_text(dims))
    if dims[0] != 1:
        raise at.error(
            "the graph's batch is not 1 (accelsim counts per batch element; 'accelsim run --batch N' runs N)",
            expected=f"a batch of 1; give it: --input-shape 1,{','.join(map(str, dims[1:]))}",
            found=_shape_text(dims),
        )
    return vi.name, dims


def _shape_text(dims: Sequence[Any]) -> str:
    return "[" + ", ".join(str(d) if d is not None else "?" for d in dims) + "]"


def _infer(model: Any, file: str) -> Any:
    onnx = _need_onnx()
    try:
        return onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception as exc:  # onnx.shape_inference.InferenceError and friends
        raise AccelsimError(
            "ONNX shape inference failed on the graph", file=file, expected="a valid ONNX graph", found=str(exc).strip()[:400]
        ) from None


def _shapes(model: Any) -> dict[str, Dims]:
    g = model.graph
    shapes: dict[str, Dims] = {}
    for vi in list(g.value_info) + list(g.input) + list(g.output):
        d = _dims_of(vi)
        if d and all(isinstance(x, int) and x > 0 for x in d):
            shapes[vi.name] = tuple(int(x) for x in d)  # type: ignore[arg-type]
    for i in g.initializer:
        shapes[i.name] = tuple(int(x) for x in i.dims)
    return shapes


def _resolve(model: Any, in_name: str, file: str, opset: int) -> tuple[Any, dict[str, np.ndarray | None], list[Any]]:
    """Shape inference and constant folding, repeated until nothing new is learnt.

    ONNX's inference cannot follow a value computed from a shape (TorchScript's
    Shape → Gather → Div → Slice): each round folds the plumbing it can evaluate into
    initializers and infers again. Returns the folded model, the plumbing values (None:
    known by shape only) and the nodes that compute on the input, in graph order."""
    onnx = _need_onnx()
    for _ in range(8):
        model = _infer(model, file)
        g = model.graph
        shapes = _shapes(model)
        inits = {i.name: i for i in g.initializer}
        consts: dict[str, np.ndarray | None] = {}
        acts = {in_name}
        compute: list[Any] = []
        keep: list[Any] = []
        pending = False

        def value(x: str) -> np.ndarray | None:
            if x in consts:
                return consts[x]
            if x in inits and int(np.prod(inits[x].dims)) <= 64:
                consts[x] = onnx.numpy_helper.to_array(inits[x])
                return consts[x]
            return None

        for node in g.node:
            on_act = [x for x in node.input if x in acts]
            if node.op_type in ("Shape", "Size") and on_act:
                dims = shapes.get(node.input[0])
                if dims is None:
                    pending = True
                    keep.append(node)
                    consts[node.output[0]] = None
                    continue
                a = _attrs(node)
                if node.op_type == "Shape":
                    consts[node.output[0]] = np.array(dims[a.get("start", 0): a.get("end", len(dims))], dtype=np.int64)
                else:
                    consts[node.output[0]] = np.array(int(np.prod(dims)), dtype=np.int64)
                continue
            if on_act:
                compute.append(node)
                keep.append(node)
                acts.update(o for o in node.output if o)
                continue
            if node.op_type == "Constant":
                a = _attrs(node)
                if "value" in a:
                    consts[node.output[0]] = onnx.numpy_helper.to_array(a["value"])
                elif "value_ints" in a or "value_int" in a:
                    consts[node.output[0]] = np.array(a.get("value_ints", a.get("value_int")), dtype=np.int64)
                elif "value_floats" in a or "value_float" in a:
                    consts[node.output[0]] = np.array(a.get("value_floats", a.get("value_float")), dtype=np.float32)
                else:
                    consts[node.output[0]] = None
                    keep.append(node)
                continue
            vals = [value(x) if x else None for x in node.input]
            while vals and vals[-1] is None and not node.input[len(vals) - 1]:
                vals.pop()  # trailing optional inputs left out
            try:
                outs = _fold(node, vals, _attrs(node), opset)
            except Exception:  # a plumbing node NumPy cannot evaluate: its shape is enough
                outs = None
            for k, o in enumerate(node.output):
                consts[o] = outs[k] if outs is not None and k < len(outs) else None
            if outs is None:
                keep.append(node)
        folded = {k: v for k, v in consts.items() if v is not None and k not in inits}
        if not pending and len(keep) == len(g.node):
            return model, consts, compute
        new = onnx.ModelProto()
        new.CopyFrom(model)
        del new.graph.node[:]
        new.graph.node.extend(keep)
        del new.graph.value_info[:]
        for k, v in folded.items():
            new.graph.initializer.append(onnx.numpy_helper.from_array(np.asarray(v), k))
        if len(keep) == len(g.node) and pending:
            break
        model = new
    raise AccelsimError(
        "the graph's shapes could not be resolved (shape inference and constant folding stop short)",
        file=file, expected="static shapes for every tensor computed from the input",
    )



# ---------------------------------------------------------------- constant folding


def _attrs(node: Any) -> dict[str, Any]:
    onnx = _need_onnx()
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _np_dtype(onnx_type: int) -> Any:
    onnx = _need_onnx()
    return onnx.helper.tensor_dtype_to_np_dtype(onnx_type)


def _fold(node: Any, vals: list[np.ndarray | None], a: dict[str, Any], opset: int) -> list[np.ndarray] | None:
    """The outputs of a plumbing node, evaluated with NumPy, or None where not worth it."""
    op = node.op_type
    if any(v is None for v in vals):
        return None
    v = vals
    if op in ("Identity", "Dropout"):
        return [v[0]]  # type: ignore[list-item]
    if op == "Cast":
        return [np.asarray(v[0]).astype(_np_dtype(a["to"]))]
    if op == "Gather":
        return [np.take(v[0], v[1].astype(np.int64), axis=a.get("axis", 0))]  # type: ignore[union-attr]
    if op == "Unsqueeze":
        axes = a.get("axes") if opset < 13 else (v[1].tolist() if len(v) > 1 else None)  # type: ignore[union-attr]
        out = np.asarray(v[0])
        rank = out.ndim + len(axes)
        for ax in sorted(x % rank for x in axes):
            out = np.expand_dims(out, ax)
        return [out]
    if op == "Squeeze":
        axes = a.get("axes") if opset < 13 else (v[1].tolist() if len(v) > 1 else None)  # type: ignore[union-attr]
        out = np.asarray(v[0])
        return [np.squeeze(out, axis=tuple(axes)) if axes is not None else np.squeeze(out)]
    if op == "Concat":
        return [np.concatenate([np.atleast_1d(x) for x in v], axis=a.get("axis", 0))]  # type: ignore[arg-type]
    if op in ("Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Mod", "Equal", "Less", "Greater"):
        x, y = np.asarray(v[0]), np.asarray(v[1])
        if op == "Div" and np.issubdtype(x.dtype, np.integer):
            return [np.trunc(x / y).astype(x.dtype)]
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Max": np.maximum,
             "Min": np.minimum, "Pow": np.power, "Mod": np.mod, "Equal": np.equal, "Less": np.less,
             "Greater": np.greater}[op]
        return [np.asarray(f(x, y))]
    if op in ("Neg", "Floor", "Ceil", "Sqrt", "Abs"):
        f = {"Neg": np.negative, "Floor": np.floor, "Ceil": np.ceil, "Sqrt": np.sqrt, "Abs": np.abs}[op]
        return [np.asarray(f(v[0]))]
    if op == "Reshape":
        target = [int(t) for t in v[1].tolist()]  # type: ignore[union-attr]
        x = np.asarray(v[0])
        target = [x.shape[i] if t == 0 else t for i, t in enumerate(target)]
        return [x.reshape(target)]
    if op == "Slice":
        x = np.asarray(v[0])
        if opset < 10:
            starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
        else:
            starts, ends = v[1].tolist(), v[2].tolist()  # type: ignore[union-attr]
            axes = v[3].tolist() if len(v) > 3 else None  # type: ignore[union-attr]
            steps = v[4].tolist() if len(v) > 4 else None  # type: ignore[union-attr]
        axes = axes if axes is not None else list(range(len(starts)))
        steps = steps if steps is not None else [1] * len(starts)
        sl = [slice(None)] * x.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            sl[ax] = slice(int(s), int(e) if abs(int(e)) < 2**62 else None, int(st))
        return [x[tuple(sl)]]
    if op == "ConstantOfShape":
        t = a.get("value")
        fill = _need_onnx().numpy_helper.to_array(t).reshape(-1)[0] if t is not None else np.float32(0)
        return [np.full([int(d) for d in v[0].tolist()], fill)]  # type: ignore[union-attr]
    if op == "Range":
        return [np.arange(v[0], v[1], v[2])]
    if op == "Transpose":
        return [np.transpose(v[0], a.get("perm"))]
    if op == "Where":
        return [np.where(v[0], v[1], v[2])]
    if op == "Expand":
        return [np.asarray(v[0]) * np.ones([int(d) for d in v[1].tolist()], dtype=np.asarray(v[0]).dtype)]  # type: ignore[union-attr]
    if op == "ReduceProd" and not a.get("axes") and len(v) == 1:
        return [np.asarray(np.prod(v[0]), dtype=np.asarray(v[0]).dtype).reshape([1] * np.asarray(v[0]).ndim if a.get("keepdims", 1) else [])]
    return None


# ---------------------------------------------------------------- names


_SAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def _scope(node: Any) -> tuple[list[str], str] | None:
    """PyTorch's module scope of a node and its own part: '/layer1/layer1.0/conv1/Conv' (the
    TorchScript exporter) → (['layer1', 'layer1.0', 'layer1.0.conv1'], 'Conv'),
    '/stage2/stage2.0/branch1/branch1.0/Conv' → [… 'stage2.0.branch1', 'stage2.0.branch1.0']; the dynamo
    exporter's ``pkg.torch.onnx.name_scopes`` ['', 'se', 'se.fc1', 'conv2d_2'] → (['se',
    'se.fc1'], 'conv2d_2')."""
    for p in node.metadata_props:
        if p.key == "pkg.torch.onnx.name_scopes":
            try:
                scopes = [str(s) for s in ast.literal_eval(p.value)]
            except (ValueError, SyntaxError):
                break
            if scopes:
                return [s for s in scopes[:-1] if s], scopes[-1]
    name = node.name
    if name.startswith("/"):
        parts = [q for q in name.split("/") if q]
        path: list[str] = []   # each scope's full dotted module name
        raw: list[str] = []    # as the exporter wrote it: a Sequential's child repeats its parent's part
        bases: list[str] = []  # what each part was appended to
        for q in parts[:-1]:
            base = bases[-1] if raw and q.startswith(raw[-1] + ".") else (path[-1] if path else "")
            path.append(f"{base}.{q}" if base else q)
            raw.append(q)
            bases.append(base)
        return path, parts[-1] if parts else node.op_type
    return None


def _layer_names(nodes: Sequence[Any]) -> dict[int, str]:
    """Readable unique names for the nodes that become layers (keys: index into ``nodes``)."""
    scoped = {i: _scope(n) for i, n in enumerate(nodes)}
    paths = [tuple(s[0]) for s in scoped.values() if s]
    containers = {p[:k] for p in paths for k in range(1, len(p))}
    per_scope = Counter(p for p in paths)
    names: dict[int, str] = {}
    used: set[str] = set()
    for i, node in enumerate(nodes):
        s = scoped[i]
        if s:
            path, own = s
            key = tuple(path)
            if not path:
                base = own.lower()
            elif key in containers or per_scope[key] > 1:
                base = f"{path[-1]}.{own.lower()}"
            else:
                base = path[-1]
        else:
            base = node.name or (node.output[0] if node.output else node.op_type)
        base = _SAFE.sub("_", base).strip("_.") or node.op_type.lower()
        name, k = base, 2
        while name in used or name == "input":
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        names[i] = name
    return names


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
    skip: bool = False

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
_PARAM_POSITIONS = {"Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,), "BatchNormalization": (1, 2, 3, 4),
                    "QLinearConv": (3, 8), "ConvInteger": (1,)}
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
    ctx = _Ctx(file, opset, shapes, consts, inits, b, skip=skip_unsupported)
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
    _check_shapes(net, ctx, compute, names, file)
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


def _check_shapes(net: Network, ctx: _Ctx, compute: Sequence[Any], names: dict[int, str], file: str) -> None:
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
