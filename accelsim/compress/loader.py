"""Compression files: YAML in, :class:`~accelsim.compress.spec.Compression` out.

A compression file (``compressions/*.yaml``, or a shipped name: ``deep_compression_alexnet``)::

    name: deep_compression_alexnet
    source: Han, Mao, Dally, ICLR 2016, Table 4
    default: {ifmap: {density_from: producer}}
    layers:
      conv1: {weight: {density: 0.84, bits: 8, index_bits: 4, codebook: 256}}
      fc6:   {weight: {density: 0.09, bits: 5, index_bits: 4, codebook: 32}, ifmap: {density: 0.351}}

The same ``weight`` / ``ifmap`` / ``ofmap`` keys may sit in a workload's conv/fc layers;
:func:`network_compression` turns them into a :class:`Compression`.

Per tensor: ``density`` (share of non-zeros, in (0, 1]), ``bits`` (1..32), ``index_bits``
(1..32), ``codebook`` (≤ 2**bits shared values, weights only), ``codebook_value_bits``
(1..32, default 32 where a codebook is stated), ``structure`` (``"N:M"`` with 0 < N ≤ M,
weights only; YAML reads an unquoted ``2:4`` as the base-60 number 124, so quote it),
``mask`` (a ``.npy`` file of 0/1, relative to the file that names it) and, for an ifmap,
``density_from: producer``.

Mask shapes (batch 1, DESIGN.md's symbols, the layer's own ``shape``):

- ``weight``: ``(M, C/G, R, S)`` — an FC layer is the convolution with R = H, S = W, so
  AlexNet's fc6 is ``(4096, 256, 6, 6)`` and fc7 ``(4096, 4096, 1, 1)``;
- ``ifmap``: ``(1, C, H, W)`` (the unpadded input);
- ``ofmap``: ``(M, E, F)``.

A mask's density must agree with a stated density to within :data:`MASK_DENSITY_TOL`.

Densities through the network (:func:`feature_map_densities`, :func:`resolve`): an ifmap
that states no density, or states ``density_from: producer``, takes the density of the
tensor that feeds it. A conv/fc layer's output has its stated ``ofmap`` density (1 where
none is stated; the network input is dense). A non-MAC layer's output has its own stated
``ofmap: {density: …}`` (the only entry a non-MAC layer may have), else the density its
op's rule gives from its inputs' (``Op.density`` in accelsim/workload/ops.py, zeros
independent and uniform, docs/engine.md §9.2): a max or average pool 1 − (1 − d)^n over
each window's n real inputs (1 − (1 − d)^(R·S) without padding), a global pool
1 − (1 − d)^(H·W), an add 1 − Π(1 − d_i), a scale Π d_i, a concat the size-weighted mean;
ReLU, LRN, shuffles, slices and crops keep their input's; a batch norm of its own (its
shift), sigmoid and unmodelled ops give dense outputs, and a batch norm folded into its
conv passes the conv's density on. Real activations are not independent: neighbouring
zeros come together, so a real max pool keeps far more zeros than the rule says —
state the pool's ``ofmap`` density where it matters (the shipped Han et al. activations do).

Widths through the network (:func:`feature_map_widths`): a conv/fc layer writes its output
at its stated ``ofmap`` bits (native where none is stated), a non-MAC layer at the widest
of its inputs' widths (native if any input is), and a conv/fc ifmap whose ``bits`` neither
its own entry nor the default states is read at its producer's width — so an 8-bit output
stays 8 bits through the pools, adds and concats that follow it.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AccelsimError, Where, did_you_mean
from ..yamlio import check_keys, expect_mapping, load_yaml_unique
from .spec import DTYPES_COMPRESSED, FIELDS, Compression, LayerCompression, TensorCompression

if TYPE_CHECKING:
    import numpy as np

    from ..workload import NetLayer, Network

TOP_KEYS = ("name", "source", "description", "default", "layers")
MASK_DENSITY_TOL = 0.005
"""A mask's share of ones and a stated density may differ by at most this (half a
percentage point: the published densities are whole or tenth percents)."""
DEFAULT_CODEBOOK_VALUE_BITS = 32
"""Deep Compression's centroids are fp32."""
MAC_TYPES = ("conv", "fc")
PACKAGE_DATA = Path(__file__).resolve().parent / "data"


# ---------------------------------------------------------------- finding a file


def compression_dir() -> Path:
    """The shipped ``compressions/`` folder: the checkout's, the current directory's, else
    the copy installed with the package."""
    from ..paths import REPO

    for base in (REPO, Path.cwd()):
        if (base / "compressions").is_dir():
            return base / "compressions"
    return PACKAGE_DATA


def shipped_compressions() -> list[Path]:
    return sorted(compression_dir().glob("*.yaml"))


def resolve_compression_path(arg: str | os.PathLike[str]) -> Path:
    """A path that exists, or a shipped name (``deep_compression_alexnet``)."""
    p = Path(arg)
    if p.exists():
        return p
    shipped = {q.stem: q for q in shipped_compressions()}
    if str(arg) in shipped:
        return shipped[str(arg)]
    if p.suffix or "/" in str(arg):
        raise AccelsimError("no such file", file=str(arg))
    raise AccelsimError(
        f"'{arg}' is neither a compression file nor a shipped compression{did_you_mean(str(arg), shipped)}",
        expected="a path to a compression YAML or one of " + ", ".join(shipped),
        found=str(arg),
    )


def load_compression(arg: "str | os.PathLike[str] | Compression", network: "Network | None" = None) -> Compression:
    """A compression file (path or shipped name), checked against ``network`` when given
    (layer names, mask shapes). A :class:`Compression` is passed through (and checked)."""
    if isinstance(arg, Compression):
        comp = arg
    else:
        path = resolve_compression_path(arg)
        comp = compression_from_dict(load_yaml_unique(path), str(path))
    if network is not None:
        check_against(comp, network)
    return comp


# ---------------------------------------------------------------- parsing


def compression_from_dict(data: Any, file: str = "<compression>") -> Compression:
    top = Where(file)
    data = expect_mapping(data, top, "a mapping with 'name' and 'layers'")
    check_keys(data, top, allowed=TOP_KEYS)
    base = Path(file).parent if not file.startswith("<") else Path.cwd()
    for key in ("name", "source", "description"):
        if key in data and not isinstance(data[key], str):
            raise top.at(key).error("not a string", expected="a string", found=data[key])
    default = parse_layer(data.get("default") or {}, top.at("default"), base) if "default" in data else LayerCompression()
    raw_layers = data.get("layers") or {}
    layers_at = top.at("layers")
    raw_layers = expect_mapping(raw_layers, layers_at, "a mapping {layer name: {weight|ifmap|ofmap: {...}}}")
    layers = {str(name): parse_layer(raw, top.at(f"layer '{name}'"), base) for name, raw in raw_layers.items()}
    return Compression(
        name=str(data.get("name") or Path(file).stem),
        source=str(data.get("source") or ""),
        default=default,
        layers=layers,
        file=None if file.startswith("<") else file,
    )


def parse_layer(raw: Any, at: Where, base: Path) -> LayerCompression:
    d = expect_mapping(raw, at, "a mapping {weight|ifmap|ofmap: {...}}")
    check_keys(d, at, allowed=DTYPES_COMPRESSED)
    return LayerCompression(**{t: parse_tensor(d[t], t, at.at(t), base) for t in DTYPES_COMPRESSED if t in d})


def _int(d: Mapping[str, Any], key: str, at: Where, lo: int, hi: int | None) -> int | None:
    if key not in d or d[key] is None:
        return None
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        else:
            raise at.at(key).error("not a whole number", expected="an integer", found=v)
    if v < lo or (hi is not None and v > hi):
        raise at.at(key).error("out of range", expected=f"an integer from {lo} to {hi}" if hi else f"an integer >= {lo}", found=v)
    return v


def parse_structure(v: Any, at: Where) -> tuple[int, int]:
    if isinstance(v, int) and not isinstance(v, bool):
        raise at.error(
            "an unquoted N:M is read by YAML as a base-60 number",
            expected="a quoted string such as structure: '2:4'",
            found=v,
        )
    parts = v.split(":") if isinstance(v, str) else []
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise at.error("not an N:M structure", expected="'N:M' with whole numbers 0 < N <= M, e.g. '2:4'", found=v)
    n, m = int(parts[0]), int(parts[1])
    if not 0 < n <= m:
        raise at.error("not an N:M structure", expected="'N:M' with 0 < N <= M", found=v)
    return n, m


def parse_tensor(raw: Any, dtype: str, at: Where, base: Path) -> TensorCompression:
    d = expect_mapping(raw, at, "a mapping of " + ", ".join(FIELDS))
    check_keys(d, at, allowed=FIELDS)
    density = None
    if d.get("density") is not None:
        v = d["density"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
            raise at.at("density").error("out of range", expected="a share of non-zeros in (0, 1]", found=v)
        density = float(v)
    bits = _int(d, "bits", at, 1, 32)
    index_bits = _int(d, "index_bits", at, 1, 32)
    codebook = _int(d, "codebook", at, 1, None)
    cvb = _int(d, "codebook_value_bits", at, 1, 32)
    structure = parse_structure(d["structure"], at.at("structure")) if d.get("structure") is not None else None
    density_from = d.get("density_from")
    mask = d.get("mask")
    if codebook is not None or cvb is not None or structure is not None:
        if dtype != "weight":
            key = "structure" if structure is not None else "codebook" if codebook is not None else "codebook_value_bits"
            raise at.at(key).error(f"only weights have {'an N:M structure' if key == 'structure' else 'a codebook'}",
                                   expected="the key under 'weight'", found=f"{dtype}: {key}")
    if codebook is not None:
        if bits is None:
            raise at.at("codebook").error("a codebook needs the width of the index into it",
                                          expected="'bits' (a codebook of K values needs bits >= log2 K)")
        if codebook > 2**bits:
            raise at.at("codebook").error(f"{bits}-bit weights can index at most {2**bits} shared values",
                                          expected=f"codebook <= 2**bits = {2**bits}", found=codebook)
        cvb = cvb if cvb is not None else DEFAULT_CODEBOOK_VALUE_BITS
    elif cvb is not None:
        raise at.at("codebook_value_bits").error("a codebook value width without a codebook", expected="'codebook' as well")
    if structure is not None:
        n, m = structure
        if density is not None and density > n / m + 1e-12:
            raise at.at("density").error(f"{n}:{m} structure keeps at most {n / m:g} of the weights",
                                         expected=f"density <= {n}/{m} = {n / m:g}", found=density)
        need = max(1, math.ceil(math.log2(m)))
        if index_bits is not None and index_bits < need:
            raise at.at("index_bits").error(f"too few to address a position in a group of {m}",
                                            expected=f"index_bits >= ceil(log2 {m}) = {need}", found=index_bits)
    if density_from is not None:
        if dtype != "ifmap":
            raise at.at("density_from").error("only an ifmap takes its density from its producer",
                                              expected="the key under 'ifmap'", found=f"{dtype}: density_from")
        if density_from != "producer":
            raise at.at("density_from").error("unknown value", expected="producer", found=density_from)
        if density is not None:
            raise at.at("density_from").error("both a density and 'density_from: producer'",
                                              expected="one of the two", found=f"density {density}")
    if mask is not None:
        if not isinstance(mask, str) or not mask.endswith(".npy"):
            raise at.at("mask").error("not a NumPy mask file", expected="a path ending in .npy", found=mask)
        p = Path(mask) if Path(mask).is_absolute() else base / mask
        if not p.is_file():
            raise at.at("mask").error("no such mask file", expected="an existing .npy file (relative to the file that names it)",
                                      found=str(p))
        mask = str(p)
    return TensorCompression(density=density, bits=bits, index_bits=index_bits, codebook=codebook,
                             codebook_value_bits=cvb, structure=structure, mask=mask, density_from=density_from)


# ---------------------------------------------------------------- against a network


def tensor_shape(layer: "NetLayer", dtype: str) -> tuple[int, ...]:
    """The shape a mask of ``dtype`` must have for ``layer`` (see the module docstring)."""
    s = layer.shape
    if dtype == "weight":
        return (s.M, s.C // s.G, s.R, s.S)
    if dtype == "ifmap":
        return (1, s.C, s.H, s.W)
    return (s.M, s.E, s.F)


def load_mask(path: str, shape: tuple[int, ...], at: Where) -> "np.ndarray":
    """A 0/1 mask of ``shape`` as a bool array; any problem is one AccelsimError."""
    import numpy as np

    try:
        a = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise at.error(f"cannot be read as a .npy array ({exc})", expected="a NumPy .npy file of 0/1", found=path) from None
    if tuple(a.shape) != tuple(shape):
        raise at.error(f"mask {path} has the wrong shape", expected=f"shape {tuple(shape)}", found=tuple(a.shape))
    if a.dtype != bool:
        if not np.issubdtype(a.dtype, np.number):
            raise at.error(f"mask {path} is not numeric", expected="0/1 values", found=str(a.dtype))
        bad = (a != 0) & (a != 1)
        if bad.any():
            raise at.error(f"mask {path} is not 0/1", expected="only 0 and 1", found=a[bad].flat[0].item())
    return a.astype(bool)


def _check_nm(mask: "np.ndarray", nm: tuple[int, int], at: Where) -> None:
    import numpy as np

    n, m = nm
    per_filter = mask.reshape(mask.shape[0], -1)
    k = per_filter.shape[1]
    padded = np.zeros((per_filter.shape[0], -(-k // m) * m), dtype=np.int64)
    padded[:, :k] = per_filter
    worst = padded.reshape(per_filter.shape[0], -1, m).sum(axis=2).max()
    if worst > n:
        raise at.error(f"the mask breaks its {n}:{m} structure (groups of {m} consecutive weights of each filter, in C, R, S order)",
                       expected=f"at most {n} ones in every group of {m}", found=f"{int(worst)} ones in a group")


def check_against(comp: Compression, network: "Network") -> None:
    """Every layer named exists; non-MAC layers state only an ofmap density; masks fit."""
    file = comp.file
    names = [l.name for l in network.layers]
    by_name = {l.name: l for l in network.layers}
    for lname, lc in comp.layers.items():
        at = Where(file, f"layer '{lname}'")
        if lname not in by_name:
            raise at.error(f"network '{network.name}' has no layer '{lname}'{did_you_mean(lname, names)}",
                           expected=f"the name of a layer of {network.name} (see 'accelsim info W')", found=lname)
        layer = by_name[lname]
        if layer.type not in MAC_TYPES:
            extra = [t for t in DTYPES_COMPRESSED if lc.of(t).to_dict() and t != "ofmap"]
            odd = [f for f in lc.ofmap.to_dict() if f != "density"]
            if extra or odd:
                raise at.error(f"'{lname}' is a {layer.type} layer: only its ofmap density may be stated",
                               expected="ofmap: {density: ...}", found=(extra or odd)[0])
    for layer in network.layers:
        if layer.type not in MAC_TYPES:
            continue
        lc = comp.stated(layer.name)
        for t in DTYPES_COMPRESSED:
            tc = lc.of(t)
            if tc.mask is None:
                continue
            at = Where(file, f"layer '{layer.name}', {t}, mask")
            m = load_mask(tc.mask, tensor_shape(layer, t), at)
            dm = float(m.mean())
            if tc.density is not None and abs(dm - tc.density) > MASK_DENSITY_TOL:
                raise at.error(f"mask {tc.mask} keeps {dm:.4f} of the {t}, the stated density is {tc.density:g}",
                               expected=f"a mask density within {MASK_DENSITY_TOL} of {tc.density:g}", found=round(dm, 4))
            if t == "weight" and tc.structure is not None:
                _check_nm(m, tc.structure, at)


def network_compression(net: "Network") -> Compression | None:
    """The compression stated in a workload's own layers (``None`` if it states none)."""
    stated = getattr(net, "compression_stated", None)
    if not stated:
        return None
    file = getattr(net, "file", None) or net.name
    base = Path(file).parent if getattr(net, "file", None) else Path.cwd()
    layers = {name: parse_layer(raw, Where(file, f"layer '{name}'"), base) for name, raw in stated.items()}
    comp = Compression(name=f"{net.name} (stated in the workload)", source=net.source, layers=layers, file=file)
    check_against(comp, net)
    return comp


# ---------------------------------------------------------------- resolving densities


def channel_densities(comp: Compression, network: "Network") -> dict[str, "np.ndarray | None"]:
    """The expected density of each channel of every tensor of ``network`` — its inputs'
    and each layer's output — by the rules in the module docstring (per channel, so that a
    pool after a concat of unequal branches is exact for independent zeros); ``None`` where
    no density reaches the tensor (dense)."""
    import numpy as np

    out: dict[str, np.ndarray | None] = {name: None for name, _ in network.inputs}
    for layer in network.layers:  # network order: every input before its consumers
        own = comp.layers.get(layer.name)
        if layer.type in MAC_TYPES:
            d = comp.stated(layer.name).ofmap.density
            out[layer.name] = None if d is None else np.full(layer.out.C, d)
        elif own is not None and own.ofmap.density is not None:
            out[layer.name] = np.full(layer.out.C, own.ofmap.density)
        else:
            ds = [out.get(s) for s in layer.inputs]
            if not ds or all(d is None for d in ds):
                out[layer.name] = None
            elif layer.folded:
                out[layer.name] = ds[0]
            else:
                full = tuple(np.ones(t.C) if d is None else d for d, t in zip(ds, layer.ins))
                out[layer.name] = np.asarray(layer.op.density(layer.ins, full, layer.out), dtype=np.float64)
    return out


def feature_map_densities(comp: Compression, network: "Network") -> dict[str, float | None]:
    """The expected density of every tensor of ``network`` (the mean of its channels'
    :func:`channel_densities`, which hold the same number of elements each); ``None``
    where no density reaches it (dense)."""
    return {n: None if d is None else float(d[0]) if (d == d[0]).all() else float(d.mean())
            for n, d in channel_densities(comp, network).items()}


def feature_map_widths(comp: Compression, network: "Network") -> dict[str, int | None]:
    """Bits of one stored element of every tensor of ``network`` (``None``: the hardware's
    native width): a conv/fc layer's output at its stated ``ofmap`` bits, a non-MAC
    layer's at the widest of its inputs' (native if any input is: a pool or an add stores
    what it reads, a concat its widest part), the network's inputs native."""
    out: dict[str, int | None] = {name: None for name, _ in network.inputs}
    for layer in network.layers:  # network order: every input before its consumers
        if layer.type in MAC_TYPES:
            out[layer.name] = comp.stated(layer.name).ofmap.bits
        else:
            ws = [out.get(s) for s in layer.inputs]
            out[layer.name] = None if not ws or any(w is None for w in ws) else max(ws)
    return out


def ifmap_from_producer(comp: Compression, name: str) -> bool:
    """Whether layer ``name``'s ifmap density comes from its producer: the ifmap statement
    that wins (the layer's own density or ``density_from`` over the default's) states no
    density."""
    own = comp.layers.get(name)
    if own is not None and (own.ifmap.density is not None or own.ifmap.density_from is not None):
        return own.ifmap.density is None
    return comp.default.ifmap.density is None


def resolve(comp: Compression, network: "Network") -> dict[str, LayerCompression]:
    """Every conv/fc layer's concrete compression: its entry over the default, and its
    ifmap density taken from the producer where it states none or ``density_from:
    producer`` (the rule is in the module docstring). A resolved ifmap has
    ``density_from`` cleared and ``density`` set whenever the chain reaches a stated
    density (else it stays ``None``: dense). The most specific statement wins: a layer's
    own ifmap density or ``density_from`` over the default's. An ifmap whose ``bits``
    neither the layer nor the default states is stored as its producer wrote it
    (:func:`feature_map_widths`)."""
    dens = feature_map_densities(comp, network)
    widths = feature_map_widths(comp, network)

    out: dict[str, LayerCompression] = {}
    for layer in network.layers:
        if layer.type not in MAC_TYPES:
            continue
        lc = comp.stated(layer.name)
        ifm = lc.ifmap
        src = layer.inputs[0] if layer.inputs else None
        if ifmap_from_producer(comp, layer.name):
            ifm = replace(ifm, density=dens.get(src), density_from=None)
        if ifm.bits is None and widths.get(src) is not None:
            ifm = replace(ifm, bits=widths[src])
        out[layer.name] = LayerCompression(lc.weight, ifm, lc.ofmap)
    return out
