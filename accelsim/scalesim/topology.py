"""SCALE-Sim topology CSV files: a list of standalone conv layers (or GEMMs).

Two forms, as SCALE-Sim 3.0.0 reads them (``topology_utils.py: topologies.load_arrays_conv``
and ``load_arrays_gemm``):

- conv: ``Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
  Num Filter, Strides,`` — one stride for both directions, no padding, batch 1;
- GEMM (``--gemm``, SCALE-Sim's ``-i gemm``): ``Layer, M, N, K,`` — run as a conv with
  H = M, W = K, R = 1, S = K, C = 1, M(filters) = N, stride 1.

The first line is always the header; blank lines are skipped; each row normally ends with
a comma (SCALE-Sim drops the last field of every row, so the trailing comma is required by
SCALE-Sim; accelsim accepts rows with or without it). An optional last column ``N:M`` (the
structured-sparsity ratio of SCALE-Sim's sparsity mode) is ignored with a warning.

A conv layer whose name contains ``DP`` is SCALE-Sim's depthwise convention: it is run as
``Channels`` separate layers named ``<name>Channel_<i>``, each with one input channel and
all ``Num Filter`` filters (a quirk reproduced as is; see docs/scalesim.md).
"""
from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..limits import MAX_DP_CHANNELS, MAX_FIELD, MAX_TENSOR

from ..textio import read_text
from ..errors import Where

CONV_COLUMNS = (
    "Layer name",
    "IFMAP Height",
    "IFMAP Width",
    "Filter Height",
    "Filter Width",
    "Channels",
    "Num Filter",
    "Strides",
)
GEMM_COLUMNS = ("Layer", "M", "N", "K")
SPARSITY_COLUMN = "Sparsity N:M"


class ScaleSimWarning(UserWarning):
    """Something in a SCALE-Sim input that accelsim accepts but ignores or reads differently."""


@dataclass(frozen=True)
class ScaleSimLayer:
    """One layer as SCALE-Sim runs it (course notation: H W input, R S filter, C, M filters, U).

    ``gemm`` holds the (M, N, K) of a GEMM-form row; ``depthwise_of`` the name of the ``DP``
    layer this single-channel layer was split from; ``line`` the CSV line (1-based).
    """

    name: str
    H: int
    W: int
    R: int
    S: int
    C: int
    M: int
    U: int
    line: int = 0
    gemm: tuple[int, int, int] | None = None
    depthwise_of: str | None = None

    # Output size: SCALE-Sim rounds up and adds no padding (topo_calc_hyperparams).
    @property
    def E(self) -> int:
        return int(math.ceil((self.H - self.R + self.U) / self.U))

    @property
    def F(self) -> int:
        return int(math.ceil((self.W - self.S + self.U) / self.U))

    # The im2col GEMM: ifmap operand gemm_m x gemm_k, filter operand gemm_k x gemm_n.
    @property
    def gemm_m(self) -> int:
        return self.E * self.F

    @property
    def gemm_k(self) -> int:
        return self.R * self.S * self.C

    @property
    def gemm_n(self) -> int:
        return self.M

    @property
    def macs(self) -> int:
        return self.gemm_m * self.gemm_n * self.gemm_k

    def shape(self) -> dict[str, int]:
        return {"H": self.H, "W": self.W, "R": self.R, "S": self.S, "C": self.C, "M": self.M, "U": self.U,
                "E": self.E, "F": self.F}


@dataclass(frozen=True)
class Topology:
    """A SCALE-Sim topology: its name (the file's stem) and its layers in run order."""

    name: str
    layers: tuple[ScaleSimLayer, ...]
    gemm: bool = False
    file: str = ""


def load_topology(path: str | os.PathLike[str], *, gemm: bool | None = None) -> Topology:
    """Read a SCALE-Sim topology CSV (``gemm=None``: conv or GEMM form, told by the header)."""
    p = Path(path)
    text = read_text(p, "a SCALE-Sim topology CSV file")
    return parse_topology(text, str(p), gemm=gemm)


def parse_topology(text: str, file: str = "<topology>", *, gemm: bool | None = None) -> Topology:
    lines = text.splitlines()
    top = Where(file)
    if not any(line.strip() for line in lines):
        raise top.error("empty topology", expected="a header line and at least one layer row")
    header = _fields(lines[0]) if lines else []
    if gemm is None:
        gemm = _looks_like_gemm(header, lines[1:])
    columns = GEMM_COLUMNS if gemm else CONV_COLUMNS
    form = "GEMM (Layer, M, N, K)" if gemm else "conv (" + ", ".join(CONV_COLUMNS) + ")"
    if header and len(header) >= len(columns) and _row_is_numeric(header, len(columns)):
        warnings.warn(
            f"{file}: line 1 looks like a layer ({header[0]!r}), but SCALE-Sim always treats the first line as "
            "the header, so it is skipped",
            ScaleSimWarning,
            stacklevel=2,
        )
    layers: list[ScaleSimLayer] = []
    sparsity_lines: list[int] = []
    names: set[str] = set()
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        at = top.at(f"line {number}")
        fields = _fields(raw)
        n = len(columns)
        if len(fields) < n:
            raise at.error(
                f"too few columns for a {'GEMM' if gemm else 'conv'} layer",
                expected=f"{n} columns: " + ", ".join(columns) + " (then a trailing comma)",
                found=raw.strip(),
            )
        if len(fields) > n + 1:
            raise at.at(f"column {n + 2}").error(
                "unexpected extra column",
                expected=f"{n} columns: " + ", ".join(columns) + ", optionally a sparsity ratio N:M",
                found=fields[n + 1],
            )
        if len(fields) == n + 1:
            sparsity_lines.append(number)
            _check_sparsity(fields[n], at.at(f"column {n + 1} ({SPARSITY_COLUMN})"))
        name = fields[0]
        if not name:
            raise at.at(f"column 1 ({columns[0]})").error("empty layer name", expected="a name")
        values = [_positive_int(fields[i], at.at(f"column {i + 1} ({columns[i]})")) for i in range(1, n)]
        if gemm:
            m, n_, k = values
            layer = ScaleSimLayer(name, H=m, W=k, R=1, S=k, C=1, M=n_, U=1, line=number, gemm=(m, n_, k))
            new = [layer]
        else:
            H, W, R, S, C, M, U = values
            if R > H:
                raise at.at(f"column 4 ({columns[3]})").error(
                    "filter taller than the input", expected=f"Filter Height <= IFMAP Height = {H}", found=R
                )
            if S > W:
                raise at.at(f"column 5 ({columns[4]})").error(
                    "filter wider than the input", expected=f"Filter Width <= IFMAP Width = {W}", found=S
                )
            if "DP" in name:
                if C > MAX_DP_CHANNELS:
                    raise at.at(f"column 6 ({columns[5]})").error(
                        "a DP row becomes one layer per channel: more channels than accelsim accepts",
                        expected=f"at most {MAX_DP_CHANNELS:,} (accelsim/limits.py)", found=C)
                new = [
                    ScaleSimLayer(f"{name}Channel_{c}", H, W, R, S, 1, M, U, line=number, depthwise_of=name)
                    for c in range(C)
                ]
            else:
                new = [ScaleSimLayer(name, H, W, R, S, C, M, U, line=number)]
        for layer in new[:1]:
            for what, size in (("ifmap operand (E·F × R·S·C)", layer.gemm_m * layer.gemm_k),
                               ("filter operand (R·S·C × M)", layer.gemm_k * layer.gemm_n),
                               ("ofmap (E·F × M)", layer.gemm_m * layer.gemm_n)):
                if size > MAX_TENSOR:
                    raise at.error(f"the layer's {what} has {size:.3g} elements, more than accelsim accepts",
                                   expected=f"at most {MAX_TENSOR:,} elements (accelsim/limits.py)", found=size)
        for layer in new:
            if layer.name in names:
                warnings.warn(f"{file}: line {number}: layer name {layer.name!r} is used twice", ScaleSimWarning,
                              stacklevel=2)
            names.add(layer.name)
        layers.extend(new)
    if not layers:
        raise top.error(
            "no layers (the first line is always the header)",
            expected=f"at least one {form} row after the header line",
        )
    if sparsity_lines:
        shown = ", ".join(str(x) for x in sparsity_lines[:5]) + (", ..." if len(sparsity_lines) > 5 else "")
        warnings.warn(
            f"{file}: the sparsity column (N:M) on line(s) {shown} is ignored: accelsim runs SCALE-Sim's dense "
            "model (SparsitySupport = false)",
            ScaleSimWarning,
            stacklevel=2,
        )
    return Topology(name=_topo_name(file), layers=tuple(layers), gemm=bool(gemm), file=file)


# ---------------------------------------------------------------- helpers


def _fields(line: str) -> list[str]:
    """The comma-separated fields of a row, stripped, without the trailing empty field."""
    fields = [f.strip() for f in line.strip().split(",")]
    if fields and fields[-1] == "":
        fields.pop()
    return fields


def _positive_int(text: str, at: Where) -> int:
    try:
        value = int(text)
    except ValueError:
        raise at.error("not a whole number", expected="a positive integer", found=text) from None
    if value < 1:
        raise at.error("out of range", expected="a positive integer", found=value)
    if value > MAX_FIELD:
        raise at.error("larger than accelsim accepts", expected=f"a positive integer <= {MAX_FIELD:,} (accelsim/limits.py)",
                       found=value)
    return value


def _check_sparsity(text: str, at: Where) -> None:
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise at.error("not a sparsity ratio", expected="N:M, e.g. 2:4 (or no column at all)", found=text)


def _row_is_numeric(fields: list[str], n: int) -> bool:
    return len(fields) >= n and all(f.lstrip("-").isdigit() for f in fields[1:n])


def _looks_like_gemm(header: list[str], rows: list[str]) -> bool:
    """GEMM form if the header says ``M, N, K``; conv if it has the conv columns; else by the rows."""
    cols = [h.strip().upper() for h in header[1:4]]
    if cols == ["M", "N", "K"]:
        return True
    if len(header) >= len(CONV_COLUMNS):
        return False
    for raw in rows:
        if raw.strip():
            return len(_fields(raw)) in (4, 5)
    return False


def _topo_name(file: str) -> str:
    # SCALE-Sim: the part of the file name before its last dot.
    base = file.replace("\\", "/").split("/")[-1]
    parts = base.split(".")
    return parts[-2] if len(parts) > 1 else base
