"""ONNX in, step 1: the model file parsed, its input given a static shape, and its shapes
resolved — ONNX shape inference and NumPy constant folding of the plumbing that does not
depend on the input (weights, and PyTorch's Shape / Gather / Div arithmetic), repeated
until nothing new is learnt. :mod:`.onnx` turns what is left into layers.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import AccelsimError, Where

Dims = tuple[int, ...]
# Where a parameter given as a typed graph input (no data) may be used.
_PARAM_POSITIONS = {"Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,), "BatchNormalization": (1, 2, 3, 4),
                    "QLinearConv": (3, 8), "ConvInteger": (1,)}


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
