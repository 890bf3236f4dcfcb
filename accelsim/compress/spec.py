"""Compression value objects: what a user states of one tensor, one layer, one network.

For a conv/fc layer (DESIGN.md's symbols) the compressed tensors are

- ``weight``  — the M × C/G × R × S filters;
- ``ifmap``   — the N × C × H × W input feature map;
- ``ofmap``   — the N × M × E × F output (its density is what ReLU leaves, and the
  consumer's ifmap density when that consumer states none: ``density_from: producer``).

Psums are never compressed (they are the accumulator's own, dense, values).

``density`` is the share of non-zero elements, in (0, 1]; ``bits`` the width of one stored
element (``None``: the hardware's native width, so density 1 and ``bits: None`` are the dense
model exactly); ``index_bits`` the width of a relative index stored with each non-zero (Deep
Compression §2, EIE); ``codebook`` the number of shared values a weight's ``bits`` index
into (Deep Compression's weight sharing: 256 for CONV layers, 32 for FC), each value stored
at ``codebook_value_bits`` (32: the fp32 centroids); ``structure`` N:M structured sparsity
(at most N non-zeros in every M consecutive weights; its density is then N/M unless stated
lower); ``mask`` a ``.npy`` file of 0/1 of the tensor's shape (exact mode).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DTYPES_COMPRESSED: tuple[str, ...] = ("weight", "ifmap", "ofmap")
"""The data types a compression may state (psums stay dense)."""

FIELDS: tuple[str, ...] = (
    "density", "bits", "index_bits", "codebook", "codebook_value_bits", "structure", "mask", "density_from",
)


@dataclass(frozen=True)
class TensorCompression:
    """One tensor of one layer. Every field ``None`` means "not stated here" (so that a
    layer's entry can be laid over the file's ``default``); :meth:`dense` is the tensor as
    the hardware stores it today."""

    density: float | None = None
    bits: int | None = None
    index_bits: int | None = None
    codebook: int | None = None
    codebook_value_bits: int | None = None
    structure: tuple[int, int] | None = None  # (N, M): N non-zeros in every M
    mask: str | None = None  # path of a .npy 0/1 mask (exact mode)
    density_from: str | None = None  # "producer": an ifmap's density is its producer's ofmap density

    def over(self, base: "TensorCompression") -> "TensorCompression":
        """This tensor's stated fields laid over ``base``'s."""
        return replace(base, **{f: getattr(self, f) for f in FIELDS if getattr(self, f) is not None})

    @property
    def d(self) -> float:
        """The density, 1 where none is stated."""
        if self.density is not None:
            return self.density
        if self.structure is not None:
            return self.structure[0] / self.structure[1]
        return 1.0

    def width(self, native_bits: int) -> int:
        """Bits of one stored element: the stated width, else the hardware's."""
        return self.bits if self.bits is not None else native_bits

    def is_dense(self, native_bits: int) -> bool:
        return self.d == 1.0 and self.width(native_bits) == native_bits and self.mask is None

    def to_dict(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in FIELDS if getattr(self, f) is not None}
        if self.structure is not None:
            out["structure"] = f"{self.structure[0]}:{self.structure[1]}"
        return out


@dataclass(frozen=True)
class LayerCompression:
    """The compressed tensors of one layer (``TensorCompression()`` = as the hardware stores it)."""

    weight: TensorCompression = field(default_factory=TensorCompression)
    ifmap: TensorCompression = field(default_factory=TensorCompression)
    ofmap: TensorCompression = field(default_factory=TensorCompression)

    def of(self, dtype: str) -> TensorCompression:
        return getattr(self, dtype) if dtype in DTYPES_COMPRESSED else TensorCompression()

    def over(self, base: "LayerCompression") -> "LayerCompression":
        return LayerCompression(*(self.of(t).over(base.of(t)) for t in DTYPES_COMPRESSED))

    def to_dict(self) -> dict[str, Any]:
        return {t: self.of(t).to_dict() for t in DTYPES_COMPRESSED if self.of(t).to_dict()}


@dataclass(frozen=True)
class Compression:
    """A compression file: a name, its source (the paper and table its numbers come from),
    a ``default`` for every layer, and per-layer entries by layer name."""

    name: str
    source: str = ""
    default: LayerCompression = field(default_factory=LayerCompression)
    layers: Mapping[str, LayerCompression] = field(default_factory=dict)
    file: str | None = None

    def stated(self, layer: str) -> LayerCompression:
        """What the file states for ``layer``: its entry over the default (densities not yet
        taken from producers; see :func:`accelsim.compress.loader.resolve`)."""
        own = self.layers.get(layer)
        return own.over(self.default) if own is not None else self.default

    def __hash__(self) -> int:
        return hash((self.name, self.source, self.default, tuple(sorted(self.layers.items(), key=lambda kv: kv[0])), self.file))


DENSE = Compression(name="dense", source="no compression: every tensor dense at the hardware's native width")
"""The identity compression."""
