"""A small builder that the model-zoo modules use to write networks as code.

Each call adds one layer, infers its output shape at once (with the same rules the YAML
loader uses) and returns the new tensor's name, so a builder module reads like the
paper's table or torchvision's ``forward``::

    b = NetBuilder("tiny", C=3, H=32, W=32)
    x = b.conv(b.input, 16, 3, pad=1, name="conv1")
    x = b.relu(b.bn(x))
    net = b.build()

``with b.scope("layer1.0"):`` prefixes the names of the layers added inside it.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..errors import Where
from .network import LayerSpec, Network, build_network
from .ops import (
    FC,
    LRN,
    Activation,
    Add,
    AvgPool,
    BatchNorm,
    Concat,
    Conv,
    Crop,
    GlobalPool,
    Interleave,
    MaxPool,
    Op,
    Scale,
    Shift,
    Shuffle,
    Slice,
)
from .tensor import Tensor

Kernel = int | tuple[int, int]
Padding = int | tuple[int, int] | tuple[int, int, int, int]


def _rs(k: Kernel) -> tuple[int, int]:
    return (k, k) if isinstance(k, int) else (k[0], k[1])


def _pad4(p: Padding) -> tuple[int, int, int, int]:
    if isinstance(p, int):
        return (p, p, p, p)
    if len(p) == 2:
        return (p[0], p[0], p[1], p[1])
    return (p[0], p[1], p[2], p[3])  # type: ignore[misc]


class NetBuilder:
    def __init__(self, name: str, C: int, H: int, W: int, *, description: str = "", source: str = "") -> None:
        self.name = name
        self.description = description
        self.source = source
        self.input = "input"
        self._tensors: dict[str, Tensor] = {self.input: Tensor(C, H, W)}
        self._specs: list[LayerSpec] = []
        self._prefix: list[str] = []
        self._counts: dict[str, int] = {}

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def scope(self, prefix: str) -> Iterator[None]:
        self._prefix.append(prefix)
        try:
            yield
        finally:
            self._prefix.pop()

    def shape(self, x: str) -> Tensor:
        return self._tensors[x]

    def channels(self, x: str) -> int:
        return self._tensors[x].C

    def add_layer(self, op: Op, inputs: Sequence[str], name: str | None = None) -> str:
        if name is None:
            n = self._counts.get(op.type, 0) + 1
            self._counts[op.type] = n
            name = f"{op.type}{n}"
        full = ".".join([*self._prefix, name])
        if full in self._tensors:
            raise ValueError(f"{self.name}: duplicate layer name {full!r}")
        ins = tuple(self._tensors[i] for i in inputs)
        self._tensors[full] = op.infer(ins, Where(f"zoo:{self.name}", f"layer '{full}'"))
        self._specs.append(LayerSpec(full, op, tuple(inputs)))
        return full

    def build(self) -> Network:
        return build_network(
            self.name,
            self._specs,
            {self.input: self._tensors[self.input]},
            file=f"zoo:{self.name}",
            description=self.description,
            source=self.source,
        )

    # ------------------------------------------------------------ layers

    def conv(
        self,
        x: str,
        M: int,
        k: Kernel,
        stride: int = 1,
        pad: Padding = 0,
        *,
        groups: int = 1,
        dilation: int = 1,
        bias: bool = False,
        name: str | None = None,
    ) -> str:
        R, S = _rs(k)
        return self.add_layer(Conv(M, R, S, stride, _pad4(pad), dilation, groups, bias), [x], name)

    def fc(self, x: str, M: int, *, bias: bool = True, name: str | None = None) -> str:
        return self.add_layer(FC(M, bias), [x], name)

    def bn(self, x: str, name: str | None = None) -> str:
        return self.add_layer(BatchNorm(), [x], name)

    def act(self, x: str, fn: str = "relu", name: str | None = None) -> str:
        return self.add_layer(Activation(fn), [x], name)

    def relu(self, x: str, name: str | None = None) -> str:
        return self.act(x, "relu", name)

    def maxpool(
        self, x: str, k: Kernel, stride: int | None = None, pad: Padding = 0, *, ceil_mode: bool = False, name: str | None = None
    ) -> str:
        R, S = _rs(k)
        return self.add_layer(MaxPool(R, S, stride or R, _pad4(pad), ceil_mode), [x], name)

    def avgpool(
        self, x: str, k: Kernel, stride: int | None = None, pad: Padding = 0, *, ceil_mode: bool = False, name: str | None = None
    ) -> str:
        R, S = _rs(k)
        return self.add_layer(AvgPool(R, S, stride or R, _pad4(pad), ceil_mode), [x], name)

    def global_pool(self, x: str, kind: str = "avg", name: str | None = None) -> str:
        return self.add_layer(GlobalPool(kind), [x], name)

    def add(self, xs: Sequence[str], name: str | None = None) -> str:
        return self.add_layer(Add(), xs, name)

    def concat(self, xs: Sequence[str], name: str | None = None) -> str:
        return self.add_layer(Concat(), xs, name)

    def scale(self, x: str, s: str, name: str | None = None) -> str:
        return self.add_layer(Scale(), [x, s], name)

    def shuffle(self, x: str, groups: int, name: str | None = None) -> str:
        return self.add_layer(Shuffle(groups), [x], name)

    def shift(self, x: str, k: Kernel = 3, name: str | None = None) -> str:
        R, S = _rs(k)
        return self.add_layer(Shift(R, S), [x], name)

    def slice(self, x: str, start: int, stop: int, name: str | None = None) -> str:
        """Channels [start, stop) of x (a channel split, e.g. ShuffleNet v2's chunk)."""
        return self.add_layer(Slice(start, stop), [x], name)

    def lrn(self, x: str, size: int = 5, name: str | None = None) -> str:
        return self.add_layer(LRN(size), [x], name)

    def crop(self, x: str, crop: Padding, name: str | None = None) -> str:
        """x without ``crop`` rows/columns (int, [h, w] or [top, bottom, left, right])."""
        return self.add_layer(Crop(_pad4(crop)), [x], name)

    def conv_transpose(
        self, x: str, M: int, k: Kernel, stride: int = 2, pad: int = 0, *, output_padding: int = 0,
        bias: bool = False, name: str = "upconv",
    ) -> str:
        """A transposed convolution as its stride² phase convolutions (``name.phaseAB``)
        and their ``interleave`` (``name``): accelsim/workload/convtranspose.py."""
        from .convtranspose import phases

        R, S = _rs(k)
        t = self.shape(x)
        subs = []
        for i, ph in enumerate(phases(t.H, t.W, R, S, stride, pad, output_padding)):
            # The layer's M biases, added to every output, are held by the first phase.
            subs.append(self.conv(x, M, (ph.R, ph.S), 1, ph.pad, bias=bias and i == 0, name=f"{name}.phase{ph.a}{ph.b}"))
        return self.add_layer(Interleave(stride), subs, name)

    # ------------------------------------------------------------ common compounds

    def conv_bn(
        self,
        x: str,
        M: int,
        k: Kernel,
        stride: int = 1,
        pad: Padding = 0,
        *,
        groups: int = 1,
        act: str | None = "relu",
        name: str = "conv",
        bn_name: str | None = None,
        act_name: str | None = None,
    ) -> str:
        """conv (no bias) → batch norm → activation (None: no activation)."""
        y = self.conv(x, M, k, stride, pad, groups=groups, name=name)
        y = self.bn(y, name=bn_name or f"{name}.bn")
        return self.act(y, act, name=act_name or f"{name}.{act}") if act else y
