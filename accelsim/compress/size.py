"""Stored model size: what a compressed network's weights take on disk (``accelsim info W --compress F``).

Per layer with parameters (Deep Compression §2–3, Han, Mao, Dally, ICLR 2016):

- **payload**: the non-zero weights × ``bits`` (unstated: 32, the trained fp32 model);
- **indices**: with ``index_bits`` = b, each stored weight carries a *relative* index — the
  run of zeros before it, 0 … 2**b − 1. A longer run needs **filler** entries: a stored
  zero whose index is the largest run, each covering 2**b positions, so a run of z zeros
  costs ⌊z / 2**b⌋ fillers (Deep Compression Fig. 2, with b = 3: "when the gap exceeds 8,
  add a filler zero"). Every entry, filler or not, takes ``bits + index_bits``; the
  weights are one stream per layer in the row-major order of the (M, C/G, R, S) tensor;
  zeros after the last non-zero cost nothing;
- N:M structure (``structure``): each non-zero carries its position inside its group of M,
  ``index_bits`` (default ⌈log2 M⌉) bits, and needs no fillers;
- a tensor with density < 1 but neither ``index_bits`` nor ``structure`` is stored dense
  (its zeros included): without an index, pruning saves no storage;
- **codebook**: ``codebook`` × ``codebook_value_bits`` once per layer (weight sharing);
- **biases** and batch-norm parameters at 32 bits, uncompressed.

``model_bytes_dense_fp32`` is every parameter at 32 bits.

Expected fillers for uniformly random zeros (each weight non-zero independently with
probability d, q = 1 − d, B = 2**b, n weights): a non-zero at position p (0-based) is
preceded by at least jB zeros with probability q**(jB) when jB ≤ p, so

    E[fillers] = d · Σ_{j=1}^{⌊(n−1)/B⌋} (n − jB) · q**(jB)
               → n·d · r/(1 − r) for large n, r = q**B        (fillers per non-zero r/(1−r))

and E[non-zeros] = n·d. With a ``mask`` the counts are exact integers from the mask.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Where
from .loader import MAC_TYPES, load_mask, resolve, tensor_shape
from .spec import Compression, TensorCompression

if TYPE_CHECKING:
    import numpy as np

    from ..workload import NetLayer, Network

FP32 = 32
BIAS_BITS = 32


def expected_fillers(n: int, density: float, index_bits: int) -> float:
    """E[filler entries] of n weights with iid non-zeros of probability ``density`` (closed form above)."""
    q = 1.0 - density
    if q <= 0.0 or n <= 0:
        return 0.0
    B = 2**index_bits
    r = q**B
    if r == 0.0:
        return 0.0
    total, term, j = 0.0, r, 1
    while j * B <= n - 1:
        add = (n - j * B) * term
        total += add
        if add < 1e-18 * max(total, 1e-300):
            break
        j += 1
        term *= r
    return density * total


def fillers(mask: "np.ndarray", index_bits: int) -> "np.ndarray":
    """Per element, the filler entries it carries in its tensor's stream (layout order, the
    first element first): ⌊gap / 2^bits⌋ for a non-zero after ``gap`` zeros, 0 for a zero."""
    import numpy as np

    flat = np.asarray(mask).ravel()
    nz = np.flatnonzero(flat)
    out = np.zeros(flat.size)
    if nz.size:
        out[nz] = (np.diff(nz, prepend=-1) - 1) // (2**index_bits)
    return out.reshape(np.shape(mask))


def mask_entries(mask: "np.ndarray", index_bits: int) -> tuple[int, int]:
    """(non-zeros, fillers) of a 0/1 mask stored with ``index_bits`` relative indices, exactly."""
    import numpy as np

    return int(np.count_nonzero(mask)), int(fillers(mask, index_bits).sum())


@dataclass(frozen=True)
class LayerSize:
    """Stored bits of one layer's parameters (floats are expectations, ints exact)."""

    name: str
    type: str
    weights: int
    nonzeros: float
    fillers: float
    bits: int
    index_bits: int
    format: str  # dense, relative, nm, none
    payload_bits: float  # stored weights (non-zeros, or all for dense) × bits
    index_bits_total: float  # indices of the non-zeros
    filler_bits: float  # filler entries × (bits + index_bits)
    codebook_bits: int
    bias_bits: int  # biases and batch-norm parameters at 32 bits
    dense_fp32_bits: int  # every parameter at 32 bits
    exact: bool  # the stored size is an exact count (a mask, or dense storage), not an expectation

    @property
    def total_bits(self) -> float:
        return self.payload_bits + self.index_bits_total + self.filler_bits + self.codebook_bits + self.bias_bits

    @property
    def share(self) -> float:
        """Stored size over the dense fp32 size (Deep Compression Table 4's "compress rate")."""
        return self.total_bits / self.dense_fp32_bits if self.dense_fp32_bits else 1.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["total_bits"] = self.total_bits
        d["bytes"] = self.total_bits / 8
        d["dense_fp32_bytes"] = self.dense_fp32_bits / 8
        d["share_of_dense_fp32"] = self.share
        return d


@dataclass(frozen=True)
class ModelSize:
    workload: str
    compression: str
    source: str
    layers: tuple[LayerSize, ...]

    @property
    def model_bytes(self) -> float:
        return sum(l.total_bits for l in self.layers) / 8

    @property
    def model_bytes_dense_fp32(self) -> int:
        return sum(l.dense_fp32_bits for l in self.layers) // 8

    def totals(self) -> dict[str, Any]:
        keys = ("weights", "nonzeros", "fillers", "payload_bits", "index_bits_total", "filler_bits", "codebook_bits", "bias_bits", "dense_fp32_bits")
        t: dict[str, Any] = {k: sum(getattr(l, k) for l in self.layers) for k in keys}
        t["model_bytes"] = self.model_bytes
        t["model_bytes_dense_fp32"] = self.model_bytes_dense_fp32
        t["share_of_dense_fp32"] = self.model_bytes / self.model_bytes_dense_fp32 if self.model_bytes_dense_fp32 else 1.0
        t["compression_ratio"] = self.model_bytes_dense_fp32 / self.model_bytes if self.model_bytes else float("inf")
        return t

    def to_dict(self) -> dict[str, Any]:
        return {"workload": self.workload, "compression": self.compression, "source": self.source,
                "layers": [l.to_dict() for l in self.layers], "totals": self.totals()}


def layer_size(layer: "NetLayer", w: TensorCompression, file: str | None = None) -> LayerSize:
    """The stored size of one layer's weights compressed as ``w`` (see the module docstring)."""
    n = layer.weights
    bits = w.bits if w.bits is not None else FP32
    exact = w.mask is not None and n > 0
    mask = load_mask(w.mask, tensor_shape(layer, "weight"), Where(file, f"layer '{layer.name}', weight, mask")) if exact else None
    d = w.d
    ib = 0
    fillers: float = 0
    if n == 0:
        fmt, stored = "none", 0.0
    elif w.structure is not None:
        fmt = "nm"
        ib = w.index_bits if w.index_bits is not None else max(1, math.ceil(math.log2(w.structure[1])))
        stored = int(mask.sum()) if mask is not None else n * d
    elif w.index_bits is not None:
        fmt, ib = "relative", w.index_bits
        if mask is not None:
            stored, fillers = mask_entries(mask, ib)
        else:
            stored, fillers = n * d, expected_fillers(n, d, ib)
    else:
        fmt, stored = "dense", n
    nonzeros = (int(mask.sum()) if mask is not None else n * d) if n else 0
    cb = (w.codebook or 0) * (w.codebook_value_bits or 0) if n else 0
    extra = layer.biases + layer.bn_params
    return LayerSize(
        name=layer.name, type=layer.type, weights=n, nonzeros=nonzeros, fillers=fillers, bits=bits, index_bits=ib,
        format=fmt, payload_bits=stored * bits, index_bits_total=(stored * ib if fmt != "dense" else 0),
        filler_bits=fillers * (bits + ib), codebook_bits=cb, bias_bits=extra * BIAS_BITS,
        dense_fp32_bits=layer.params * FP32, exact=exact or fmt in ("dense", "none"),
    )


def model_size(network: "Network", comp: Compression) -> ModelSize:
    """Stored size of every layer with parameters, and the totals."""
    resolved = resolve(comp, network)
    rows = []
    for layer in network.layers:
        if layer.params == 0:
            continue
        w = resolved[layer.name].weight if layer.type in MAC_TYPES else TensorCompression()
        rows.append(layer_size(layer, w, comp.file))
    return ModelSize(network.name, comp.name, comp.source, tuple(rows))
