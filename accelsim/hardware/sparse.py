"""What the hardware does with compressed tensors (Sparseloop's split: formats per level,
zero handling per PE), as frozen value objects read from a config's ``sparse:`` section.

```yaml
sparse:
  formats:                      # per level (DRAM, GLB, NoC) and data type; default dense
    DRAM: {ifmap: {kind: rle, run_bits: 5, pairs_per_word: 3, word_bits: 64},
           ofmap: {kind: rle, run_bits: 5, pairs_per_word: 3, word_bits: 64}}
    GLB:  {weight: bitmask}
  zeros: {handling: gating, operands: [ifmap]}      # none | gating | skipping
  bits: {mac: product, mult_share: 0.94}      # how MAC energy follows operand widths
```

Formats (``kind``), for a tensor of density d and element width b, per dense element:

- ``dense``      — every element stored, zeros too: b bits.
- ``bitmask``    — the non-zeros and one bit per element: d·b + 1.
- ``rle``        — (run, value) pairs: a run of ``run_bits`` counts the zeros before a
  non-zero; a gap longer than 2^run_bits − 1 needs filler pairs (a maximal run and a zero
  value). Pairs per element d·(1 + ρ) with ρ the fillers per non-zero; each pair takes
  ``run_bits`` + b bits, or ``word_bits`` / ``pairs_per_word`` where pairs are packed
  into words (Eyeriss JSSC'17 §IV-B: 5-bit run, 16-bit level, three pairs per 64-bit word).
- ``coordinate`` — each non-zero with a relative index of ``index_bits`` (Deep Compression
  §2, EIE): the same entry count as ``rle``, entries of b + index_bits bits. Without an
  ``index_bits`` of its own, the format takes the compression file's ``index_bits``.
- ``csr``        — non-zeros with an absolute index into their fiber (⌈log2 fiber⌉ bits;
  a fiber is one filter, C/G·R·S weights, or one row of W feature-map values) and one
  pointer of ``pointer_bits`` per fiber.

A tensor without zeros (density 1) is stored dense, and so is one that its format would
make larger than dense: the encoder keeps the smaller of the two (one flag per tensor,
not counted) [I] — so density 1 at the native width is the dense model exactly.

Zero handling at the PE, on the operands named in ``operands`` (``weight``, ``ifmap``;
the attribute is ``ZeroHandling.on``):

- ``none``     — every MAC is done.
- ``gating``   — a MAC with a zero operand costs no MAC energy, no read of the other
  operand and no psum read or write in the RF; its cycle is still spent (Eyeriss's zero
  buffer gates the filter-spad read and the MAC: JSSC'17 §IV-A).
- ``skipping`` — such a MAC costs neither energy nor a cycle; the zeros of the watched
  operands are not read either. Finding the next non-zero costs ``skip_cycles`` per
  skipped MAC (0: a look-ahead that never stalls). PEs skip different numbers of MACs, so
  a tile lasts as long as its busiest PE: ``engine/sparse.py`` states that load imbalance.

Bit widths: narrow elements are packed into each access of a level (two 8-bit weights
per 16-bit word), so the accesses a level's energy table prices are bits moved / the
data type's native width; RF energy follows the bits read in the same way (the SRAM model
of ``energy.py`` is linear in the bits accessed). MAC energy with ``mac: product``:
the multiplier's share scales with the product of the operand widths and the adder's
with nothing (the psum width is unchanged): E(bw, bi) = E₀·(s·bw·bi/(nw·ni) + 1 − s),
s = ``mult_share``. The default s = 0.94 is Horowitz's 16-bit integer multiply (0.79 pJ,
interpolated log-log between his 8-bit 0.2 pJ and 32-bit 3.1 pJ) over that plus a 16-bit
add (0.05 pJ) (ISSCC'14, 45 nm; COMPRESSION.md §6, [R2]). ``mac: linear`` scales the
whole MAC with max(bw, bi)/n; ``mac: none`` keeps it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Where
from ..yamlio import check_keys, expect_mapping, get_int, get_number, get_str

FORMATS: tuple[str, ...] = ("dense", "bitmask", "rle", "coordinate", "csr")
FORMAT_LEVELS: tuple[str, ...] = ("DRAM", "GLB", "NoC")
"""Levels that store or carry a tensor in a format (the RF's behaviour is the PE's zero handling)."""
HANDLING: tuple[str, ...] = ("none", "gating", "skipping")
OPERANDS: tuple[str, ...] = ("weight", "ifmap")
MAC_LAWS: tuple[str, ...] = ("product", "linear", "none")
FORMAT_TYPES: tuple[str, ...] = ("weight", "ifmap", "ofmap")

HOROWITZ_MULT_SHARE_16 = 0.94
"""Horowitz ISSCC'14: 16-bit int mult ≈ 0.79 pJ (log-log between 8b 0.2 and 32b 3.1),
16-bit add 0.05 pJ: 0.79 / 0.84 = 0.94 (COMPRESSION.md §6, [R2])."""


@dataclass(frozen=True)
class Format:
    """How one level stores or carries one data type."""

    kind: str = "dense"
    run_bits: int = 5  # rle
    pairs_per_word: int = 0  # rle: pairs packed per word of word_bits (0: run_bits + b bits each)
    word_bits: int = 0
    index_bits: int | None = None  # coordinate (None: the compression file's index_bits)
    pointer_bits: int = 32  # csr

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.kind == "rle":
            d.update(run_bits=self.run_bits, pairs_per_word=self.pairs_per_word, word_bits=self.word_bits)
        elif self.kind == "coordinate" and self.index_bits is not None:
            d["index_bits"] = self.index_bits
        elif self.kind == "csr":
            d["pointer_bits"] = self.pointer_bits
        return d


DENSE_FORMAT = Format()


@dataclass(frozen=True)
class ZeroHandling:
    handling: str = "none"
    on: tuple[str, ...] = ("ifmap",)
    skip_cycles: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"handling": self.handling, "operands": list(self.on), "skip_cycles": self.skip_cycles}


@dataclass(frozen=True)
class BitsLaw:
    mac: str = "product"
    mult_share: float = HOROWITZ_MULT_SHARE_16

    def mac_factor(self, bw: int, bi: int, nw: int, ni: int) -> float:
        """MAC energy at operand widths (bw, bi) over the native (nw, ni)."""
        if self.mac == "none" or (bw, bi) == (nw, ni):
            return 1.0
        if self.mac == "linear":
            return max(bw, bi) / max(nw, ni)
        return self.mult_share * (bw * bi) / (nw * ni) + (1.0 - self.mult_share)


@dataclass(frozen=True)
class SparseSpec:
    """A config's ``sparse:`` section (absent: everything dense, no zero handling)."""

    formats: tuple[tuple[str, str, Format], ...] = ()  # (level, dtype, format)
    zeros: ZeroHandling = field(default_factory=ZeroHandling)
    bits: BitsLaw = field(default_factory=BitsLaw)

    def format(self, level: str, dtype: str) -> Format:
        for lv, t, f in self.formats:
            if lv == level and t == dtype:
                return f
        return DENSE_FORMAT

    def to_dict(self) -> dict[str, Any]:
        formats: dict[str, dict[str, Any]] = {}
        for lv, t, f in self.formats:
            formats.setdefault(lv, {})[t] = f.to_dict()
        return {"formats": formats, "zeros": self.zeros.to_dict(), "bits": {"mac": self.bits.mac, "mult_share": self.bits.mult_share}}


NO_SPARSITY = SparseSpec()

SPARSE_KEYS = ("formats", "zeros", "bits")
FORMAT_KEYS = ("kind", "run_bits", "pairs_per_word", "word_bits", "index_bits", "pointer_bits")
ZERO_KEYS = ("handling", "operands", "skip_cycles")
BITS_KEYS = ("mac", "mult_share")


def sparse_from_config(value: Any, at: Where) -> SparseSpec:
    """Parse a config's ``sparse:`` section; every error names the field."""
    if value is None:
        return NO_SPARSITY
    d = expect_mapping(value, at, "a mapping with formats, zeros, bits")
    check_keys(d, at, allowed=SPARSE_KEYS)
    formats: list[tuple[str, str, Format]] = []
    if d.get("formats") is not None:
        fa = at.at("formats")
        levels = expect_mapping(d["formats"], fa, "a mapping of levels (DRAM, GLB, NoC) to data types")
        check_keys(levels, fa, allowed=FORMAT_LEVELS)
        for lv, types in levels.items():
            la = fa.at(lv)
            check_keys(expect_mapping(types, la, "a mapping of data types to formats"), la, allowed=FORMAT_TYPES)
            for t, f in types.items():
                if lv == "NoC" and t == "ofmap":
                    raise la.at(t).error("ofmaps leave the array as psums and are compressed on the way to the GLB",
                                         expected="a NoC format for weight or ifmap", found=t)
                formats.append((lv, t, _format(f, la.at(t))))
    zeros = ZeroHandling()
    if d.get("zeros") is not None:
        za = at.at("zeros")
        z = expect_mapping(d["zeros"], za, "a mapping with handling, operands, skip_cycles")
        check_keys(z, za, allowed=ZERO_KEYS)
        handling = get_str(z, "handling", za, default="none", choices=HANDLING)
        on = z.get("operands", ["ifmap"])
        if isinstance(on, str):
            on = [on]
        if not isinstance(on, list) or not on or any(o not in OPERANDS for o in on) or len(set(on)) != len(on):
            raise za.at("operands").error("not a list of operands", expected="a non-empty list of weight, ifmap", found=on)
        skip = get_number(z, "skip_cycles", za, default=0.0, positive=False)
        if handling != "skipping" and "skip_cycles" in z:
            raise za.at("skip_cycles").error("only a PE that skips zeros spends cycles finding the next non-zero",
                                             expected="handling: skipping", found=handling)
        zeros = ZeroHandling(handling, tuple(o for o in OPERANDS if o in on), skip)
    bits = BitsLaw()
    if d.get("bits") is not None:
        ba = at.at("bits")
        b = expect_mapping(d["bits"], ba, "a mapping with mac, mult_share")
        check_keys(b, ba, allowed=BITS_KEYS)
        share = get_number(b, "mult_share", ba, default=HOROWITZ_MULT_SHARE_16, positive=False)
        if share > 1:
            raise ba.at("mult_share").error("out of range", expected="a share in [0, 1]", found=share)
        bits = BitsLaw(get_str(b, "mac", ba, default="product", choices=MAC_LAWS), share)
    return SparseSpec(tuple(formats), zeros, bits)


def _format(value: Any, at: Where) -> Format:
    if isinstance(value, str):
        value = {"kind": value}
    f = expect_mapping(value, at, "a format name or a mapping with kind")
    check_keys(f, at, allowed=FORMAT_KEYS, required=("kind",))
    kind = get_str(f, "kind", at, choices=FORMATS)
    own = {"rle": ("run_bits", "pairs_per_word", "word_bits"), "coordinate": ("index_bits",), "csr": ("pointer_bits",)}.get(kind, ())
    for k in f:
        if k != "kind" and k not in own:
            raise at.at(k).error(f"a {kind} format has no '{k}'", expected="one of " + ", ".join(("kind", *own)), found=k)
    run_bits = get_int(f, "run_bits", at, default=5)
    if run_bits > 32:
        raise at.at("run_bits").error("out of range", expected="1 to 32 bits", found=run_bits)
    pairs = get_int(f, "pairs_per_word", at, default=0, minimum=0)
    word = get_int(f, "word_bits", at, default=0, minimum=0)
    if (pairs == 0) != (word == 0):
        raise at.error("pairs are packed into words only with both figures", expected="pairs_per_word and word_bits together", found=dict(f))
    index_bits = get_int(f, "index_bits", at, default=0, minimum=0) or None
    if index_bits is not None and index_bits > 32:
        raise at.at("index_bits").error("out of range", expected="1 to 32 bits", found=index_bits)
    return Format(kind, run_bits, pairs, word, index_bits, get_int(f, "pointer_bits", at, default=32))


def check_packing(spec: SparseSpec, value_bits: Mapping[str, int], at: Where) -> None:
    """An rle word must hold its pairs: pairs_per_word × (run_bits + value bits) ≤ word_bits."""
    for lv, t, f in spec.formats:
        if f.kind == "rle" and f.pairs_per_word:
            need = f.pairs_per_word * (f.run_bits + value_bits[t])
            if need > f.word_bits:
                raise at.at(f"sparse, formats, {lv}, {t}").error(
                    "the run-length pairs do not fit in their word",
                    expected=f"pairs_per_word x (run_bits + {value_bits[t]}-bit values) <= word_bits = {f.word_bits}",
                    found=f"{f.pairs_per_word} x ({f.run_bits} + {value_bits[t]}) = {need} bits",
                )
