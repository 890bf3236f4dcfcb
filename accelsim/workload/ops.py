"""Layer types: what each one computes, its output shape, and its counts.

Each type is a small frozen, validated value object. It knows
- which YAML fields describe it (``from_fields`` / ``to_fields``),
- its output tensor given its inputs (``infer``), raising an error that names the
  field when the inputs do not fit,
- its shape in the N M C H W R S E F U G notation (``shape``),
- its multiply-accumulates (conv and fc only), its other element operations (``ops``:
  comparisons, additions, multiplications of pool/add/scale/activation layers), and its
  learnable parameters split into weights, biases and batch-norm parameters,
- the expected share of non-zeros of its output given its inputs' (``density``: zeros
  independent and uniformly spread, the expected mode's assumption; docs/engine.md §9.2).

All counts are for one batch element (N = 1); the engine scales by the batch.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import Where
from ..yamlio import check_keys, get_bool, get_int, get_str
from .tensor import Shape, Tensor

Pad = tuple[int, int, int, int]  # top, bottom, left, right

ACTIVATIONS = ("relu", "relu6", "hswish", "hsigmoid", "swish", "sigmoid", "tanh", "leaky_relu", "clip")


# ---------------------------------------------------------------- field helpers


def _kernel(d: Mapping[str, Any], at: Where, default: int | None = None) -> tuple[int, int]:
    if "kernel" in d:
        if "R" in d or "S" in d:
            raise at.error("give either 'kernel' or 'R'/'S', not both")
        k = d["kernel"]
        if isinstance(k, list):
            if len(k) != 2:
                raise at.at("kernel").error("wrong length", expected="an integer or [R, S]", found=k)
            return (get_int({"R": k[0]}, "R", at.at("kernel")), get_int({"S": k[1]}, "S", at.at("kernel")))
        r = get_int(d, "kernel", at)
        return r, r
    if "R" not in d and default is None:
        raise at.error("missing required key 'kernel' (or 'R' and 'S')")
    r = get_int(d, "R", at, default=default)
    return r, get_int(d, "S", at, default=r)


def _pad(d: Mapping[str, Any], at: Where) -> Pad:
    p = d.get("pad", 0)
    if isinstance(p, list):
        vals = [get_int({"pad": v}, "pad", at, minimum=0) for v in p]
        if len(vals) == 2:
            return (vals[0], vals[0], vals[1], vals[1])
        if len(vals) == 4:
            return (vals[0], vals[1], vals[2], vals[3])
        raise at.at("pad").error(
            "wrong length", expected="an integer, [pad_h, pad_w] or [top, bottom, left, right]", found=p
        )
    v = get_int(d, "pad", at, default=0, minimum=0)
    return (v, v, v, v)


def _pad_out(p: Pad) -> int | list[int]:
    if p[0] == p[1] == p[2] == p[3]:
        return p[0]
    if p[0] == p[1] and p[2] == p[3]:
        return [p[0], p[2]]
    return list(p)


def _stride(d: Mapping[str, Any], at: Where, default: int = 1) -> int:
    if "U" in d and "stride" in d:
        raise at.error("give either 'stride' or 'U', not both")
    return get_int(d, "U" if "U" in d else "stride", at, default=default)


def conv_out(size: int, k: int, stride: int, pad_lo: int, pad_hi: int, dilation: int = 1, ceil: bool = False) -> int:
    """Output extent of a sliding window (PyTorch's rule, including its ceil-mode rule).

    floor((size + pads − dilation·(k−1) − 1) / stride) + 1; in ceil mode the division
    rounds up, but a last window that would start inside the right padding is dropped.
    """
    span = size + pad_lo + pad_hi - dilation * (k - 1) - 1
    if not ceil:
        return span // stride + 1
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + pad_lo:
        out -= 1
    return out


def _window(
    name: str, t: Tensor, R: int, S: int, U: int, pad: Pad, D: int, at: Where, ceil: bool = False
) -> tuple[int, int]:
    eff_r, eff_s = D * (R - 1) + 1, D * (S - 1) + 1
    ph, pw = t.H + pad[0] + pad[1], t.W + pad[2] + pad[3]
    if eff_r > ph or eff_s > pw:
        raise at.error(
            f"{name} kernel larger than its padded input",
            expected=f"a kernel that fits in the padded input {ph}x{pw}",
            found=f"{R}x{S}" + (f" dilated to {eff_r}x{eff_s}" if D > 1 else ""),
        )
    return (conv_out(t.H, R, U, pad[0], pad[1], D, ceil), conv_out(t.W, S, U, pad[2], pad[3], D, ceil))


def _prod(xs):
    out = 1.0
    for x in xs:
        out = out * x
    return out


def window_density(d: "float | np.ndarray", H: int, W: int, R: int, S: int, stride: int, pad: Pad, E: int, F: int) -> float:
    """The mean over E×F windows (R×S, ``stride``, ``pad`` = top, bottom, left, right) of
    1 − (1 − d)^n, n the real (unpadded) inputs of the window: the expected density of a
    pool's output whose inputs are zero independently with probability 1 − d."""
    rows = [min(H, e * stride - pad[0] + R) - max(0, e * stride - pad[0]) for e in range(E)]
    cols = [min(W, f * stride - pad[2] + S) - max(0, f * stride - pad[2]) for f in range(F)]
    q = 1.0 - np.asarray(d, dtype=np.float64)
    rn, cn = Counter(max(r, 0) for r in rows), Counter(max(c, 0) for c in cols)
    return sum(a * b * (1.0 - q ** (r * c)) for r, a in rn.items() for c, b in cn.items()) / (E * F)


# ---------------------------------------------------------------- the base type


@dataclass(frozen=True)
class Op:
    """Base of all layer types."""

    type: ClassVar[str] = ""
    arity: ClassVar[tuple[int, int | None]] = (1, 1)  # fewest, most inputs (None: any)
    fields: ClassVar[tuple[str, ...]] = ()
    computes_macs: ClassVar[bool] = False

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Op":
        check_keys(d, at, allowed=cls.fields)
        return cls()

    def to_fields(self) -> dict[str, Any]:
        return {}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        return ins[0]

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        """The element-wise default: a 1×1 window per channel (G = C = M)."""
        t = ins[0]
        return Shape(N=1, M=out.C, C=t.C, H=t.H, W=t.W, R=1, S=1, E=out.H, F=out.W, U=1, G=t.C)

    def macs(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return 0

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return 0

    def weights(self, ins: tuple[Tensor, ...]) -> int:
        return 0

    def biases(self, ins: tuple[Tensor, ...]) -> int:
        return 0

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """The expected density (share of non-zeros) of each output channel when input i's
        channels have densities ``dens[i]`` (an array of its C), the zeros independent and
        uniformly spread within a channel. Here: data movement — one input of as many
        channels keeps its densities; otherwise every output channel gets the size-weighted
        mean of all inputs, Σ d·|x| / Σ |x|."""
        if len(dens) == 1 and out.C == ins[0].C:
            return dens[0]
        mean = sum(float(d.mean()) * t.size for d, t in zip(dens, ins)) / sum(t.size for t in ins)
        return np.full(out.C, mean)

    def bn_params(self, ins: tuple[Tensor, ...]) -> int:
        return 0


# ---------------------------------------------------------------- MAC layers


@dataclass(frozen=True)
class Conv(Op):
    """Convolution: M filters of (C/G)×R×S, stride U, padding, dilation, G groups."""

    type: ClassVar[str] = "conv"
    fields: ClassVar[tuple[str, ...]] = ("M", "R", "S", "kernel", "stride", "U", "pad", "dilation", "groups", "G", "bias")
    computes_macs: ClassVar[bool] = True
    M: int = 1
    R: int = 1
    S: int = 1
    stride: int = 1
    pad: Pad = (0, 0, 0, 0)
    dilation: int = 1
    groups: int = 1
    bias: bool = False

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Conv":
        check_keys(d, at, allowed=cls.fields, required=("M",))
        if "G" in d and "groups" in d:
            raise at.error("give either 'groups' or 'G', not both")
        R, S = _kernel(d, at)
        return cls(
            M=get_int(d, "M", at),
            R=R,
            S=S,
            stride=_stride(d, at),
            pad=_pad(d, at),
            dilation=get_int(d, "dilation", at, default=1),
            groups=get_int(d, "G" if "G" in d else "groups", at, default=1),
            bias=get_bool(d, "bias", at, default=False),
        )

    def to_fields(self) -> dict[str, Any]:
        f: dict[str, Any] = {"M": self.M, "R": self.R, "S": self.S}
        if self.stride != 1:
            f["stride"] = self.stride
        if any(self.pad):
            f["pad"] = _pad_out(self.pad)
        if self.dilation != 1:
            f["dilation"] = self.dilation
        if self.groups != 1:
            f["groups"] = self.groups
        f["bias"] = self.bias
        return f

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        t = ins[0]
        if t.C % self.groups:
            raise at.at("groups").error(
                "input channels not divisible by groups",
                expected=f"C divisible by G={self.groups}",
                found=f"C={t.C}",
            )
        if self.M % self.groups:
            raise at.at("groups").error(
                "output channels not divisible by groups",
                expected=f"M divisible by G={self.groups}",
                found=f"M={self.M}",
            )
        E, F = _window("conv", t, self.R, self.S, self.stride, self.pad, self.dilation, at)
        return Tensor(self.M, E, F)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, self.M, t.C, t.H, t.W, self.R, self.S, out.H, out.W, self.stride, self.groups, self.pad, self.dilation)

    def macs(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return self.shape(ins, out).macs

    def weights(self, ins: tuple[Tensor, ...]) -> int:
        return self.M * (ins[0].C // self.groups) * self.R * self.S

    def biases(self, ins: tuple[Tensor, ...]) -> int:
        return self.M if self.bias else 0


@dataclass(frozen=True)
class FC(Op):
    """Fully connected: a convolution whose filter covers the whole input (R=H, S=W, E=F=1)."""

    type: ClassVar[str] = "fc"
    fields: ClassVar[tuple[str, ...]] = ("M", "bias")
    computes_macs: ClassVar[bool] = True
    M: int = 1
    bias: bool = True

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "FC":
        check_keys(d, at, allowed=cls.fields, required=("M",))
        return cls(M=get_int(d, "M", at), bias=get_bool(d, "bias", at, default=True))

    def to_fields(self) -> dict[str, Any]:
        return {"M": self.M, "bias": self.bias}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        return Tensor(self.M, 1, 1)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, self.M, t.C, t.H, t.W, t.H, t.W, 1, 1, 1, 1)

    def macs(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return self.M * ins[0].size

    def weights(self, ins: tuple[Tensor, ...]) -> int:
        return self.M * ins[0].size

    def biases(self, ins: tuple[Tensor, ...]) -> int:
        return self.M if self.bias else 0


# ---------------------------------------------------------------- pooling


@dataclass(frozen=True)
class Pool(Op):
    """Max or average pooling over an R×S window per channel (ops = one per window element)."""

    fields: ClassVar[tuple[str, ...]] = ("R", "S", "kernel", "stride", "U", "pad", "ceil_mode")
    R: int = 2
    S: int = 2
    stride: int = 2
    pad: Pad = (0, 0, 0, 0)
    ceil_mode: bool = False

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Pool":
        check_keys(d, at, allowed=cls.fields)
        R, S = _kernel(d, at)
        pad = _pad(d, at)
        if max(pad[0], pad[1]) * 2 > R or max(pad[2], pad[3]) * 2 > S:
            raise at.at("pad").error("padding larger than half the pooling window", expected=f"at most {R // 2}", found=_pad_out(pad))
        return cls(R=R, S=S, stride=_stride(d, at, default=R), pad=pad, ceil_mode=get_bool(d, "ceil_mode", at, default=False))

    def to_fields(self) -> dict[str, Any]:
        f: dict[str, Any] = {"R": self.R, "S": self.S, "stride": self.stride}
        if any(self.pad):
            f["pad"] = _pad_out(self.pad)
        if self.ceil_mode:
            f["ceil_mode"] = True
        return f

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        t = ins[0]
        E, F = _window(self.type, t, self.R, self.S, self.stride, self.pad, 1, at, self.ceil_mode)
        return Tensor(t.C, E, F)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, t.C, t.C, t.H, t.W, self.R, self.S, out.H, out.W, self.stride, t.C, self.pad)

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return out.size * self.R * self.S

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """An output is zero only when every real input of its window is: a max over the
        non-negative values a ReLU leaves, or a sum (an average) of them. A window at a
        padded edge covers n(e, f) = rows(e)·cols(f) real inputs, so the density is the mean
        over the E×F outputs of 1 − (1 − d)^n(e, f), = 1 − (1 − d)^(R·S) without padding."""
        return window_density(dens[0], ins[0].H, ins[0].W, self.R, self.S, self.stride, self.pad, out.H, out.W)


@dataclass(frozen=True)
class MaxPool(Pool):
    type: ClassVar[str] = "maxpool"


@dataclass(frozen=True)
class AvgPool(Pool):
    type: ClassVar[str] = "avgpool"


@dataclass(frozen=True)
class GlobalPool(Op):
    """Pooling over the whole feature map to C×1×1 (ops = C·H·W)."""

    type: ClassVar[str] = "globalpool"
    fields: ClassVar[tuple[str, ...]] = ("kind",)
    kind: str = "avg"

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "GlobalPool":
        check_keys(d, at, allowed=cls.fields)
        return cls(kind=get_str(d, "kind", at, default="avg", choices=("avg", "max")))

    def to_fields(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        return Tensor(ins[0].C, 1, 1)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, t.C, t.C, t.H, t.W, t.H, t.W, 1, 1, 1, t.C)

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return ins[0].size

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """A channel's max or mean is zero only when all its H·W inputs are: 1 − (1 − d)^(H·W)."""
        return 1.0 - (1.0 - dens[0]) ** (ins[0].H * ins[0].W)


# ---------------------------------------------------------------- multi-input layers


def _same_shapes(ins: tuple[Tensor, ...], at: Where, what: str) -> None:
    for i, t in enumerate(ins[1:], start=1):
        if t != ins[0]:
            raise at.at("inputs").error(
                f"{what} of tensors with different shapes",
                expected=f"every input {ins[0]} like input 0",
                found=f"input {i} is {t}",
            )


@dataclass(frozen=True)
class Add(Op):
    """Element-wise sum of k equal tensors (residual): (k−1)·C·H·W additions."""

    type: ClassVar[str] = "add"
    arity: ClassVar[tuple[int, int | None]] = (2, None)

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        _same_shapes(ins, at, "add")
        return ins[0]

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return (len(ins) - 1) * out.size

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """A sum of independent tensors is zero only where every term is (values that
        cancel exactly are not modelled): 1 − Π (1 − d_i)."""
        return 1.0 - _prod(1.0 - d for d in dens)


@dataclass(frozen=True)
class Concat(Op):
    """Concatenation along channels; the spatial sizes must agree. No arithmetic."""

    type: ClassVar[str] = "concat"
    arity: ClassVar[tuple[int, int | None]] = (2, None)

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        for i, t in enumerate(ins[1:], start=1):
            if (t.H, t.W) != (ins[0].H, ins[0].W):
                raise at.at("inputs").error(
                    "concat of feature maps with different spatial sizes",
                    expected=f"every input {ins[0].H}x{ins[0].W} like input 0",
                    found=f"input {i} is {t.H}x{t.W}",
                )
        return Tensor(sum(t.C for t in ins), ins[0].H, ins[0].W)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        return Shape(1, out.C, out.C, out.H, out.W, 1, 1, out.H, out.W, 1, out.C)

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """Each input's channels in turn (the whole tensor's density: the size-weighted mean)."""
        return np.concatenate(dens)


@dataclass(frozen=True)
class Scale(Op):
    """Channel-wise multiply x · s with s of C×1×1 (squeeze-excite): C·H·W multiplications."""

    type: ClassVar[str] = "scale"
    arity: ClassVar[tuple[int, int | None]] = (2, 2)

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        x, s = ins
        if s != Tensor(x.C, 1, 1):
            raise at.at("inputs").error(
                "scale needs a feature map and a per-channel factor",
                expected=f"input 1 of {x.C}x1x1",
                found=f"{s}",
            )
        return x

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return out.size

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """x·s is zero where x or its channel's factor is: d_x·d_s per channel (a sigmoid's factors: d_s = 1)."""
        return _prod(dens)


# ---------------------------------------------------------------- element-wise, single input


@dataclass(frozen=True)
class Activation(Op):
    """A point-wise non-linearity: one operation per element."""

    type: ClassVar[str] = "activation"
    fields: ClassVar[tuple[str, ...]] = ("fn",)
    fn: str = "relu"

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Activation":
        check_keys(d, at, allowed=cls.fields, required=("fn",))
        return cls(fn=get_str(d, "fn", at, choices=ACTIVATIONS))

    def to_fields(self) -> dict[str, Any]:
        return {"fn": self.fn}

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return out.size

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """relu, relu6, leaky_relu, clip, tanh, hswish, swish map 0 to 0: the input's density
        (the zeros a ReLU makes of negative values are the stated ofmap density of the layer
        it is fused into, or of this layer; they are not guessed here). sigmoid and hsigmoid
        map 0 to ½: dense."""
        return np.ones(out.C) if self.fn in ("sigmoid", "hsigmoid") else dens[0]


@dataclass(frozen=True)
class LRN(Op):
    """Local response normalisation across ``size`` channels.

    ops = C·H·W·(size + 3): per element, ``size`` square-and-accumulates over the channel
    window, then scale, power and divide.
    """

    type: ClassVar[str] = "lrn"
    fields: ClassVar[tuple[str, ...]] = ("size",)
    size: int = 5

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "LRN":
        check_keys(d, at, allowed=cls.fields)
        return cls(size=get_int(d, "size", at, default=5))

    def to_fields(self) -> dict[str, Any]:
        return {"size": self.size}

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return out.size * (self.size + 3)


@dataclass(frozen=True)
class BatchNorm(Op):
    """Batch normalisation: 2·C learnable parameters (scale γ, shift β).

    Folded into the preceding conv/fc (its default where that is possible), it costs no
    operation at run time; unfolded, 2 operations (multiply, add) per element.
    """

    type: ClassVar[str] = "batchnorm"
    fields: ClassVar[tuple[str, ...]] = ("fold",)
    fold: bool = True

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "BatchNorm":
        check_keys(d, at, allowed=cls.fields)
        return cls(fold=get_bool(d, "fold", at, default=True))

    def to_fields(self) -> dict[str, Any]:
        return {} if self.fold else {"fold": False}

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return 2 * out.size  # the network zeroes this where the layer is actually folded

    def bn_params(self, ins: tuple[Tensor, ...]) -> int:
        return 2 * ins[0].C

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """A batch norm of its own adds its shift β to every element: dense. (One folded into
        the conv before it is part of that conv's stated ofmap density.)"""
        return np.ones(out.C)


@dataclass(frozen=True)
class Shuffle(Op):
    """Channel shuffle (ShuffleNet): a permutation of channels among G groups. No arithmetic."""

    type: ClassVar[str] = "shuffle"
    fields: ClassVar[tuple[str, ...]] = ("groups", "G")
    groups: int = 2

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Shuffle":
        check_keys(d, at, allowed=cls.fields, required=())
        return cls(groups=get_int(d, "G" if "G" in d else "groups", at))

    def to_fields(self) -> dict[str, Any]:
        return {"groups": self.groups}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        if ins[0].C % self.groups:
            raise at.at("groups").error(
                "channels not divisible by groups", expected=f"C divisible by {self.groups}", found=f"C={ins[0].C}"
            )
        return ins[0]

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """The channels permuted as the shuffle does (G groups × C/G, transposed)."""
        return dens[0].reshape(self.groups, -1).T.reshape(-1)


@dataclass(frozen=True)
class Shift(Op):
    """Spatial shift (ShiftNet, Wu et al. 2018): each channel group moved by one offset of
    an R×S neighbourhood, zero-padded. Zero FLOPs, zero parameters; only data movement."""

    type: ClassVar[str] = "shift"
    fields: ClassVar[tuple[str, ...]] = ("R", "S", "kernel")
    R: int = 3
    S: int = 3

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Shift":
        check_keys(d, at, allowed=cls.fields)
        R, S = _kernel(d, at, default=3)
        return cls(R=R, S=S)

    def to_fields(self) -> dict[str, Any]:
        return {"R": self.R, "S": self.S}


@dataclass(frozen=True)
class Slice(Op):
    """Channels [start, stop) of the input (ShuffleNet v2's channel split). No arithmetic."""

    type: ClassVar[str] = "slice"
    fields: ClassVar[tuple[str, ...]] = ("start", "stop")
    start: int = 0
    stop: int = 1

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Slice":
        check_keys(d, at, allowed=cls.fields, required=("stop",))
        start = get_int(d, "start", at, default=0, minimum=0)
        stop = get_int(d, "stop", at)
        if stop <= start:
            raise at.at("stop").error("empty channel range", expected=f"stop > start={start}", found=stop)
        return cls(start=start, stop=stop)

    def to_fields(self) -> dict[str, Any]:
        return {"start": self.start, "stop": self.stop}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        t = ins[0]
        if self.stop > t.C:
            raise at.at("stop").error("channel range beyond the input", expected=f"stop <= C={t.C}", found=self.stop)
        return Tensor(self.stop - self.start, t.H, t.W)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, out.C, t.C, t.H, t.W, 1, 1, out.H, out.W, 1, 1)

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """Channels [start, stop) keep their densities."""
        return dens[0][self.start:self.stop]


@dataclass(frozen=True)
class Eltwise(Op):
    """Element-wise arithmetic other than a residual sum: ``fn`` (mul, add, sub, div, max,
    min) of k equal tensors ((k−1)·C·H·W operations), or of one tensor and a constant
    (C·H·W operations; the constant is not a layer input)."""

    type: ClassVar[str] = "eltwise"
    arity: ClassVar[tuple[int, int | None]] = (1, None)
    fields: ClassVar[tuple[str, ...]] = ("fn",)
    fn: str = "mul"

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Eltwise":
        check_keys(d, at, allowed=cls.fields, required=("fn",))
        return cls(fn=get_str(d, "fn", at, choices=ELTWISE))

    def to_fields(self) -> dict[str, Any]:
        return {"fn": self.fn}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        _same_shapes(ins, at, self.fn)
        return ins[0]

    def ops(self, ins: tuple[Tensor, ...], out: Tensor) -> int:
        return max(len(ins) - 1, 1) * out.size

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """Of k tensors: mul Π d_i; div and pow the first input's zeros; add, sub, max, min
        zero only where every input is: 1 − Π (1 − d_i). Of one tensor and a constant: mul,
        div and pow keep its zeros; add, sub, max, min may fill them: dense."""
        if self.fn == "mul":
            return _prod(dens)
        if self.fn in ("div", "pow"):
            return dens[0]
        return 1.0 - _prod(1.0 - d for d in dens) if len(dens) > 1 else np.ones(out.C)


@dataclass(frozen=True)
class Opaque(Op):
    """A node of an imported graph that accelsim does not model (``--skip-unsupported``):
    no arithmetic counted, only its data movement (its inputs read, its C×H×W output
    written) on the SIMD unit. ``op`` names what it was (an ONNX op type)."""

    type: ClassVar[str] = "opaque"
    arity: ClassVar[tuple[int, int | None]] = (1, None)
    fields: ClassVar[tuple[str, ...]] = ("op", "out")
    op: str = ""
    out: tuple[int, int, int] = (1, 1, 1)

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Opaque":
        check_keys(d, at, allowed=cls.fields, required=("op", "out"))
        out = d["out"]
        if not isinstance(out, list) or len(out) != 3:
            raise at.at("out").error("not an output size", expected="[C, H, W]", found=out)
        c, h, w = (get_int({"out": v}, "out", at) for v in out)
        return cls(op=get_str(d, "op", at), out=(c, h, w))

    def to_fields(self) -> dict[str, Any]:
        return {"op": self.op, "out": list(self.out)}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        return Tensor(*self.out)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, out.C, t.C, t.H, t.W, 1, 1, out.H, out.W, 1, 1)

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """An op accelsim does not model: its values are unknown, so dense."""
        return np.ones(out.C)


@dataclass(frozen=True)
class Interleave(Op):
    """The s × s phases of a transposed convolution (accelsim/workload/convtranspose.py)
    woven into one map: input a·s + b holds the outputs (a + s·i, b + s·j). Data movement
    only."""

    type: ClassVar[str] = "interleave"
    arity: ClassVar[tuple[int, int | None]] = (1, None)
    fields: ClassVar[tuple[str, ...]] = ("stride",)
    stride: int = 2

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Interleave":
        check_keys(d, at, allowed=cls.fields, required=("stride",))
        return cls(stride=get_int(d, "stride", at))

    def to_fields(self) -> dict[str, Any]:
        return {"stride": self.stride}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        s = self.stride
        if len(ins) != s * s or any(t.C != ins[0].C for t in ins):
            raise at.at("inputs").error(
                "an interleave needs stride² phases of one depth", expected=f"{s * s} inputs of {ins[0].C} channels",
                found=[str(t) for t in ins],
            )
        return Tensor(ins[0].C, sum(ins[a * s].H for a in range(s)), sum(ins[b].W for b in range(s)))

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        return Shape(1, out.C, out.C, out.H, out.W, 1, 1, out.H, out.W, 1, out.C)

    def density(self, ins: tuple[Tensor, ...], dens: tuple[np.ndarray, ...], out: Tensor) -> np.ndarray:
        """Channel c woven from every phase's channel c: their mean weighted by H·W."""
        return sum(d * (t.H * t.W) for d, t in zip(dens, ins)) / sum(t.H * t.W for t in ins)


@dataclass(frozen=True)
class Crop(Op):
    """A spatial crop (U-Net's skip connections): ``crop`` = rows and columns removed
    [top, bottom, left, right]. Data movement only."""

    type: ClassVar[str] = "crop"
    fields: ClassVar[tuple[str, ...]] = ("crop",)
    crop: tuple[int, int, int, int] = (0, 0, 0, 0)

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Crop":
        check_keys(d, at, allowed=cls.fields, required=("crop",))
        c = _pad({"pad": d["crop"]}, at)
        return cls(crop=c)

    def to_fields(self) -> dict[str, Any]:
        return {"crop": list(self.crop)}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        t, (a, b, c, d) = ins[0], self.crop
        if a + b >= t.H or c + d >= t.W:
            raise at.at("crop").error("crops the whole map", expected=f"less than {t.H}x{t.W}", found=list(self.crop))
        return Tensor(t.C, t.H - a - b, t.W - c - d)


@dataclass(frozen=True)
class Gather(Op):
    """``channels`` input channels picked by a fixed index (CondenseNet's learned group
    convolution at test time: the index of the channels each group keeps). Data movement
    only."""

    type: ClassVar[str] = "gather"
    fields: ClassVar[tuple[str, ...]] = ("channels",)
    channels: int = 1

    @classmethod
    def from_fields(cls, d: Mapping[str, Any], at: Where) -> "Gather":
        check_keys(d, at, allowed=cls.fields, required=("channels",))
        return cls(channels=get_int(d, "channels", at))

    def to_fields(self) -> dict[str, Any]:
        return {"channels": self.channels}

    def infer(self, ins: tuple[Tensor, ...], at: Where) -> Tensor:
        return Tensor(self.channels, ins[0].H, ins[0].W)

    def shape(self, ins: tuple[Tensor, ...], out: Tensor) -> Shape:
        t = ins[0]
        return Shape(1, out.C, t.C, t.H, t.W, 1, 1, out.H, out.W, 1, 1)


ELTWISE = ("mul", "add", "sub", "div", "max", "min", "pow")

OP_TYPES: dict[str, type[Op]] = {
    cls.type: cls
    for cls in (Conv, FC, MaxPool, AvgPool, GlobalPool, Add, Concat, Scale, Activation, LRN, BatchNorm, Shuffle, Shift, Slice, Eltwise, Opaque, Interleave, Crop, Gather)
}
