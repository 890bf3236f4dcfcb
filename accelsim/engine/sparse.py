"""One layer's counts, cycles and energy with compressed tensors — the *expected* mode.

The model combines three things kept apart (as Sparseloop does): the layer's dense counts
under its mapping (:func:`~accelsim.engine.evaluate.evaluate`), what the user states of its
tensors (:class:`~accelsim.compress.LayerCompression`: densities d, widths b) and what the
hardware does with them (:class:`~accelsim.hardware.sparse.SparseSpec`: formats per level,
zero handling per PE, the bit-width law). Zeros are taken as independent and uniformly
spread, so every figure is an expectation (a float), not a count; docs/engine.md §9 states
each rule, and here they are, per data type t with native width n_t:

Traffic (DRAM, GLB, NoC). A dense count c of t at a level becomes c·e elements (e = 1 for
a tensor stored dense, d_t for a format that stores only non-zeros) and c·β bits, β the
format's bits per dense element (:func:`bits_per_element`). A level's energy table prices
accesses of n_t bits, so it is charged c·β/n_t accesses: narrow words are packed. Psums
are the accumulator's own values and stay dense. ``bytes`` = c·β/8, metadata included.

The PE (RF and MAC). With zero handling on the operands O (``on``), a MAC proceeds only
when no operand in O is zero: a share Π_{o∈O} d_o of the MACs on real inputs. Padding is
outside the tensor: the dense model counts a MAC on it as a MAC, and zero handling acts on
the tensor's own zeros only, so a MAC on padding proceeds unless its weight is a watched
zero: with v the share of MACs on real inputs (:func:`valid_share`), k = v·Π_{o∈O} d_o +
(1 − v)·Π_{o∈O, o≠ifmap} d_o — and density 1 is the dense model exactly.

- gating: (1 − k) of the MACs are gated: no MAC energy, no RF read of the operands not
  in O, no psum RF read or write; their cycles are still spent. The watched operand is
  still read (its zero is what gates the rest).
- skipping: (1 − k) are skipped: no energy and no cycle, and no RF read of any operand.
- effectual MACs (both operands non-zero) are M·v·d_w·d_i whatever the PE does; RF reads of
  the ifmap happen for real inputs only, so theirs is the share Π_{o∈O} d_o.

RF and MAC energy follow the bits: an RF access of t is charged b_t/n_t of a native
access; a MAC is charged :meth:`BitsLaw.mac_factor` of a native MAC.

Cycles. The tile-by-tile timeline (§5) runs with each data type's bits per dense element
at the GLBs and at DRAM, the NoC moving β/n_t of its native load, and — with skipping —
each tile's compute cycles scaled by (k + s·(1 − k))·λ: s the cycles spent finding the
next non-zero per skipped MAC, and λ the load imbalance. A tile lasts as long as its
busiest PE: with P active PEs each holding n MACs of the tile, each kept with
probability k independently, λ = E[max of P Binomial(n, k)] / (n·k), computed exactly
from the binomial distribution (:func:`imbalance`). Independence per MAC is an
assumption: MACs that share a zero operand are skipped together, so real imbalance is
larger. N:M structured weights (``structure``) keep exactly N of every M, so their share of
a PE's MACs is fixed and only the other watched operand's zeros are random.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..compress.spec import LayerCompression
from ..dataflow import Dataflow
from ..hardware import HardwareSpec
from ..hardware.sparse import DENSE_FORMAT, Format
from ..mapping.mapping import Mapping
from ..result import DTYPES, LEVELS
from . import kernel as K
from .evaluate import LayerCost, actions_from, bound_by, cost_from_kernel, counted, machine_arrays, price
from .problem import Problem


# ---------------------------------------------------------------- formats


def fillers_per_nonzero(density: float, run_bits: int) -> float:
    """Expected filler entries per non-zero of a run-length or relative-index encoding whose
    field counts at most 2^run_bits − 1 zeros: a gap g needs ⌊g / 2^run_bits⌋ fillers, and
    for independent zeros P(g ≥ j) = (1 − d)^j, so E = Σ_{i≥1} q^{i·L} = q^L / (1 − q^L),
    q = 1 − d, L = 2^run_bits (the trailing zeros of a stream are not counted)."""
    q = 1.0 - density
    if q <= 0.0:
        return 0.0
    ql = q ** (2**run_bits)
    return ql / (1.0 - ql)


def fill_bits(fmt: Format, index_bits: int | None) -> int | None:
    """The field width whose overflow needs filler entries: a run-length run, or a
    coordinate's relative index (the format's own, else the compression's, else 4); None
    for formats without fillers."""
    if fmt.kind == "rle":
        return fmt.run_bits
    if fmt.kind == "coordinate":
        return fmt.index_bits or index_bits or 4
    return None


def stream_bits(fmt: Format, c, z, f, bits: int, index_bits: int | None, fiber: int):
    """Bits of c dense elements of which z are non-zeros, with f filler entries, in ``fmt``
    (hardware/sparse.py states each format). The expected mode applies it per dense element
    (c = 1, z = d, f = d·ρ), the exact mode to each transfer's counts."""
    if fmt.kind == "dense":
        return c * bits
    if fmt.kind == "bitmask":
        return z * bits + c
    if fmt.kind == "rle":
        pair = fmt.word_bits / fmt.pairs_per_word if fmt.pairs_per_word else float(fmt.run_bits + bits)
        return (z + f) * pair
    if fmt.kind == "coordinate":
        return (z + f) * (bits + fill_bits(fmt, index_bits))
    return z * (bits + max(1, math.ceil(math.log2(max(fiber, 2))))) + c * fmt.pointer_bits / fiber


def bits_per_element(fmt: Format, density: float, bits: int, index_bits: int | None, fiber: int) -> tuple[float, float]:
    """(elements moved, bits) per dense element of a tensor stored in ``fmt``: the
    non-zeros and metadata of the format, or the dense tensor where that is not larger."""
    dense = (1.0, float(bits))
    if fmt.kind == "dense" or density >= 1.0:
        return dense
    d = density
    fb = fill_bits(fmt, index_bits)
    rho = fillers_per_nonzero(d, fb) if fb is not None else 0.0
    coded = stream_bits(fmt, 1.0, d, d * rho, bits, index_bits, fiber)
    return dense if coded >= dense[1] else (d, coded)


# ---------------------------------------------------------------- load imbalance


def expected_max_binomial(n: int, k: float, pes: int) -> float:
    """E[max of ``pes`` independent Binomial(n, k)] = Σ_{j<n} 1 − F(j)^P, exactly (F from
    the binomial pmf in log space; 1 − F^P as −expm1(P·log1p(−S)), S = 1 − F)."""
    if n <= 0 or k <= 0.0:
        return 0.0
    if k >= 1.0 or pes <= 1:
        return n * min(k, 1.0)
    j = np.arange(n + 1, dtype=np.float64)
    logfact = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=np.float64)))))
    logpmf = logfact[n] - logfact - logfact[::-1] + j * math.log(k) + (n - j) * math.log1p(-k)
    pmf = np.exp(logpmf - logpmf.max())
    pmf /= pmf.sum()
    surv = np.cumsum(pmf[::-1])[::-1][1:]  # S(j) = P(X > j), j = 0 .. n-1
    surv = np.clip(surv, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        terms = np.where(surv >= 1.0, 1.0, -np.expm1(pes * np.log1p(-surv)))
    return float(np.sum(terms))


MAX_EXACT_N = 200_000


def imbalance(n: int, k: float, pes: int) -> float:
    """λ = E[busiest PE's kept MACs] / E[one PE's] for P PEs of n MACs each, kept with
    probability k. Above n = 200,000 the binomial is replaced by its normal limit with
    Blom's E[max of P standard normals] ≈ Φ⁻¹((P − 0.375)/(P + 0.25)) [I] (λ − 1 < 1 % there)."""
    if n <= 0 or k <= 0.0 or k >= 1.0 or pes <= 1:
        return 1.0
    if n <= MAX_EXACT_N:
        return expected_max_binomial(n, k, pes) / (n * k)
    from statistics import NormalDist

    z = NormalDist().inv_cdf((pes - 0.375) / (pes + 0.25))
    return 1.0 + z * math.sqrt(n * k * (1 - k)) / (n * k)


# ---------------------------------------------------------------- the layer


@dataclass(frozen=True)
class SparseCost:
    """A compressed layer's figures (expectations) next to the dense ones (``dense``)."""

    dense: LayerCost
    macs_effectual: float
    macs_gated: float
    macs_skipped: float
    accesses: dict[str, dict[str, dict[str, float]]]  # elements, and bytes, per level and type
    energy: dict[str, float]
    energy_by_type: dict[str, float]
    cycles: int
    stall_cycles: int
    compute_cycles: int
    bound_by: str
    imbalance: float

    @property
    def macs(self) -> int:
        return self.dense.macs


@functools.lru_cache(maxsize=4096)
def valid_share(p: Problem) -> float:
    """The share of a layer's MACs whose input is not padding: Σ over output rows e and
    filter rows r of [0 ≤ e·U − pt + r·D < H], times the same over columns, over E·R·F·S."""
    e, r = np.arange(p.E)[:, None], np.arange(p.R)[None, :]
    y = e * p.U - p.pt + r * p.D
    f, s = np.arange(p.F)[:, None], np.arange(p.S)[None, :]
    x = f * p.U - p.pl + s * p.D
    rows = int(((y >= 0) & (y < p.H)).sum())
    cols = int(((x >= 0) & (x < p.W)).sum())
    return rows * cols / (p.E * p.R * p.F * p.S)


def _fiber(p: Problem, t: str) -> int:
    return p.C // p.G * p.R * p.S if t == "weight" else (p.W if t == "ifmap" else p.F)


@functools.lru_cache(maxsize=4096)
def _stored(spec: HardwareSpec, lc: LayerCompression, fibers: tuple[int, ...]) -> dict[tuple[str, str], tuple[float, float]]:
    """(elements moved, bits) per dense element of each data type at DRAM, the GLBs and the
    NoC (:func:`bits_per_element` in the level's format; psums dense), for a compression
    and the types' fiber lengths (``fibers``, in DTYPES order): the same for every layer
    and mapping that share them, so made once (read-only)."""
    out = {}
    for lv in ("DRAM", "GLB", "NoC"):
        for t, fiber in zip(DTYPES, fibers):
            fmt = spec.sparse.format(lv, t) if t != "psum" else DENSE_FORMAT
            c = lc.of(t)
            width = c.width(spec.word_bits[t]) if t != "psum" else spec.word_bits[t]
            out[(lv, t)] = bits_per_element(fmt, c.d if t != "psum" else 1.0, width, c.index_bits, fiber)
    return out


@dataclass(frozen=True)
class Placed:
    """Where the network schedule (accelsim/schedule/) puts a compressed conv/fc layer's
    input and output. ``input_on_chip``: the ifmap is already in the GLB (no DRAM read, no
    GLB fill). ``own``: the layer's own output elements (batch included), which the engine
    writes back at the ofmap's density; ``written``: what the write-back sends to DRAM in
    their place, as (dense elements, density, fiber) per stored tensor — the layer's own
    output, a fused layer's (a pool's, an add's) at that tensor's density, or nothing when
    it stays on chip. Each is stored in the level's ofmap format at the layer's ofmap width,
    and read from the GLB on its way out as the engine's own write-back is."""

    input_on_chip: bool = False
    own: int = 0
    written: tuple[tuple[int, float, int], ...] = ()


@dataclass(frozen=True)
class Counted:
    """The engine's dense count of a layer under one mapping on one machine: the kernel's
    output (its totals and the per-tile tables the timeline runs on, evaluate.counted)
    and the dense cost it gives. Nothing here depends on a compression, so the dense
    figures of a compressed run and the compressed ones of the same shape and mapping
    share one (api._counted)."""

    kernel_out: tuple
    dense: LayerCost


def count(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping) -> Counted:
    """:class:`Counted` of shape ``p`` under ``m``: the kernel once, priced on ``spec``
    (the same as evaluate.evaluate, whose kernel output it shares: evaluate.counted)."""
    kernel_out = counted(p, df, m, spec.array.kind == "systolic")
    return Counted(kernel_out, cost_from_kernel(spec, kernel_out))


def sparse_evaluate(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, lc: LayerCompression,
                    placed: Placed | None = None, counted: Counted | None = None) -> SparseCost:
    """The layer under mapping ``m`` with its tensors compressed as ``lc`` states; with
    ``placed``, its input and output where the network schedule put them (:class:`Placed`;
    the same rule as schedule/cost.py's ``array_cost`` for a dense layer, on the dense
    counts before they are compressed); ``counted``: the engine's dense count of the layer
    under ``m`` on ``spec`` (:func:`count`), if already made."""
    c = count(p, spec, df, m) if counted is None else counted
    kernel_out, dense = c.kernel_out, c.dense  # the same kernel output serves the compressed timeline
    sp = spec.sparse
    native = {t: spec.word_bits[t] for t in DTYPES}
    width = {t: (lc.of(t).width(native[t]) if t != "psum" else native[t]) for t in DTYPES}
    dens = {t: (lc.of(t).d if t != "psum" else 1.0) for t in DTYPES}
    per = _stored(spec, lc, tuple(_fiber(p, t) for t in DTYPES))

    # the PE: which MACs proceed, and which RF reads they make. Padding is outside the
    # tensor: the dense model counts a MAC on it as a MAC, and so does zero handling — it
    # acts on the tensor's own zeros (so density 1 is the dense model exactly); such a MAC
    # is still gated or skipped on a zero weight, and it is never effectual.
    z = sp.zeros
    watched = z.on if z.handling != "none" else ()
    v = valid_share(p)
    k_valid = math.prod(dens[o] for o in watched) if watched else 1.0
    k_pad = math.prod(dens[o] for o in watched if o != "ifmap")
    k = v * k_valid + (1.0 - v) * k_pad if watched else 1.0
    macs = dense.macs
    done = macs * k
    gated = macs - done if z.handling == "gating" else 0.0
    skipped = macs - done if z.handling == "skipping" else 0.0

    def rf_share(t: str, rw: str) -> float:
        if not watched:
            return 1.0
        if t == "psum":
            return k
        if rw == "writes":
            return 1.0
        if z.handling == "gating" and t in watched:
            return 1.0
        return k_valid if t == "ifmap" else k  # the ifmap is read for valid (unpadded) MACs only

    counts = dense.accesses
    extra: dict[tuple[str, str, str], tuple[float, float]] = {}  # elements and bits moved beside the counts
    if placed is not None:
        counts = {lv: {t: dict(v) for t, v in types.items()} for lv, types in dense.accesses.items()}
        if placed.input_on_chip:
            counts["GLB"]["ifmap"]["writes"] -= counts["DRAM"]["ifmap"]["reads"]
            counts["DRAM"]["ifmap"]["reads"] = 0
        for lv, rw in (("DRAM", "writes"), ("GLB", "reads")):
            if counts[lv]["ofmap"][rw] < placed.own:
                raise AssertionError(f"the engine moved {counts[lv]['ofmap'][rw]} outputs at {lv}, fewer than the layer's {placed.own}")
            counts[lv]["ofmap"][rw] -= placed.own
            fmt = sp.format(lv, "ofmap")
            moved = [bits_per_element(fmt, d, width["ofmap"], lc.ofmap.index_bits, fib) for _, d, fib in placed.written]
            extra[(lv, "ofmap", rw)] = (sum(n * e for (n, _, _), (e, _) in zip(placed.written, moved)),
                                        sum(n * b for (n, _, _), (_, b) in zip(placed.written, moved)))
    elems: dict[str, dict[str, dict[str, float]]] = {}
    words: dict[str, dict[str, dict[str, float]]] = {}
    for lv in LEVELS:
        elems[lv], words[lv] = {}, {}
        for t in DTYPES:
            e_lv, w_lv = {}, {}
            bits_moved = 0.0
            for rw in ("reads", "writes"):
                c = counts[lv][t][rw]
                if lv == "RF":
                    n_el = c * rf_share(t, rw)
                    bits = n_el * width[t]
                else:
                    share, beta = per[(lv, t)]
                    n_el, bits = c * share, c * beta
                    if (lv, t, rw) in extra:
                        n_el, bits = n_el + extra[(lv, t, rw)][0], bits + extra[(lv, t, rw)][1]
                e_lv[rw] = n_el
                w_lv[rw] = bits / native[t]
                bits_moved += bits
            e_lv["bytes"] = bits_moved / 8.0
            elems[lv][t], words[lv][t] = e_lv, w_lv
    mac_equiv = done * sp.bits.mac_factor(width["weight"], width["ifmap"], native["weight"], native["ifmap"])
    actions = actions_from(spec, words, mac_equiv)  # type: ignore[arg-type]  # expected (float) counts

    # cycles: the timeline with compressed bits, and skipped MACs' cycles taken out
    _, tile_row, rows, per_tile = kernel_out
    noc, bits, dram_bw, buf_of, buf_bw = machine_arrays(spec)
    glb_bits = np.array([per[("GLB", t)][1] for t in DTYPES])
    dram_bits = np.array([per[("DRAM", t)][1] for t in DTYPES])
    if placed is not None:  # the timeline's DRAM transfers at the schedule's sizes (schedule/cost.py's rule)
        if placed.input_on_chip:
            dram_bits[DTYPES.index("ifmap")] = 0.0
        wo = dense.accesses["DRAM"]["ofmap"]["writes"]
        if wo:
            dram_bits[DTYPES.index("ofmap")] = (counts["DRAM"]["ofmap"]["writes"] * per[("DRAM", "ofmap")][1]
                                                + extra[("DRAM", "ofmap", "writes")][1]) / wo
    noc_eff = np.array([noc[i] * native[t] / per[("NoC", t)][1] if noc[i] > 0 else 0.0 for i, t in enumerate(("weight", "ifmap", "psum"))])
    lam, scale = 1.0, 1.0
    if z.handling == "skipping" and k < 1.0:
        n_tiles = max(1, tile_row.shape[0])
        compute = max(1, dense.compute_cycles)
        n = max(1, round(compute / n_tiles))
        active = max(1, round(macs / compute))
        nm = lc.weight.structure if "weight" in watched else None
        if nm is not None:
            # N:M weights: every group of M consecutive weights keeps exactly N, so a PE's
            # share of them is fixed (taken as whole groups per PE [I]); only the other
            # watched operand's zeros are random
            k_rand = k / (nm[0] / nm[1])
            n = max(1, round(n * nm[0] / nm[1]))
            lam = imbalance(n, k_rand, active)
        else:
            lam = imbalance(n, k, active)
        scale = (k + z.skip_cycles * (1.0 - k)) * lam
    cycles, compute, array_side = K.timeline_scaled(tile_row, rows, per_tile, noc_eff, glb_bits, dram_bw, buf_of, buf_bw, dram_bits, scale)
    return sparse_cost(spec, dense, elems, actions, (int(cycles), int(compute), int(array_side)),
                       macs * v * dens["weight"] * dens["ifmap"], gated, skipped, lam)


def sparse_cost(spec: HardwareSpec, dense: LayerCost, elems: dict, actions: dict, timing: tuple[int, int, int],
                effectual: float, gated: float, skipped: float, imbalance: float) -> SparseCost:
    """A compressed layer's figures: its actions priced, with the table's energy per cycle
    (hardware/energy.py: ``*_static``) over its own cycles; ``timing`` = (cycles, compute
    cycles, the tiles' array-side cycles). Shared by the expected and the exact mode."""
    cycles, compute, array_side = timing
    actions.update(spec.energy.static_counts(cycles, spec.pes, spec.rf is not None, len(spec.glbs), True))
    energy, by_type = price(spec, actions, expected=True)
    return SparseCost(
        dense=dense,
        macs_effectual=effectual,
        macs_gated=gated,
        macs_skipped=skipped,
        accesses=elems,
        energy=energy,
        energy_by_type=by_type,
        cycles=cycles,
        stall_cycles=cycles - compute,
        compute_cycles=compute,
        bound_by=bound_by(cycles, compute, array_side),
        imbalance=imbalance,
    )
