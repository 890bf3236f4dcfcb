"""One layer's counts, cycles and energy with real 0/1 masks — the *exact* mode.

The expected mode (:mod:`.sparse`) takes zeros as independent and prices expectations.
Here the zeros are given: a mask per tensor (drawn from a seed at the stated densities, or
the user's ``.npy``), and every figure is an exact count of what the mapping moves
(:mod:`.exact_kernel` contracts each transfer's multiplicity with the masks). The rules
are those of the expected mode, applied to counts instead of expectations (docs/engine.md
§9):

Traffic. A transfer of c dense elements of which z are non-zeros moves, in a format
storing only non-zeros, z elements and the format's bits (:func:`stream_bits`):
bitmask z·b + c; run-length (z + f)·pair and coordinate (z + f)·(b + index bits), f the
filler entries the transfer's non-zeros carry; CSR z·(b + ⌈log2 fiber⌉) + c·pointer/fiber.
Fillers are counted on each tensor's own stream (its elements in layout order, the
tensor's first element first, as :func:`accelsim.compress.size.mask_entries` counts a
stored model): each non-zero carries ⌊gap/2^bits⌋ fillers for the zeros before it, and a
transfer carries its non-zeros' fillers — a block cut from the stream is not re-encoded
[I]. The encoder keeps a level's tensor dense where its format would make the whole
tensor larger (one choice per level and tensor, as in the expected mode). Psums stay dense.

The PE. A MAC is done unless a watched operand is a zero of its tensor (padding is not a
zero of the tensor; a MAC on padding is never effectual): done, gated or skipped MACs and
the RF reads they make are exact sums over the layer's MACs, the same for every mapping.

Cycles. The timeline of §5 with each tile's own bits: its GLB reads and NoC loads in the
formats of those levels, its DRAM fills and write-backs in the DRAM formats. With
skipping, each pass lasts as long as its busiest PE: ⌈max over PEs of (kept + s·skipped)⌉
cycles for the PE's own MACs (:func:`.exact_kernel.skip_compute`), s = ``skip_cycles``.
A systolic array moves its operands in lockstep: it can gate zeros, not skip them, in
exact mode (the expected mode's scaling has no such PE-by-PE meaning either).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..compress.size import fillers
from ..compress.spec import LayerCompression
from ..dataflow import Dataflow
from ..errors import AccelsimError
from ..hardware import HardwareSpec
from ..hardware.sparse import DENSE_FORMAT, Format
from ..mapping.mapping import Mapping
from ..result import DTYPES, LEVELS
from . import exact_kernel as X
from . import kernel as K
from .evaluate import actions_from, bypassing, cost_from_kernel, counted, machine_arrays
from .problem import Problem
from .sparse import SparseCost, _fiber, fill_bits, sparse_cost, stream_bits

MASKED = ("weight", "ifmap", "ofmap")
MODES: tuple[str, ...] = ("expected", "exact")
"""How a compressed run counts: expectations over random zeros, or real masks."""


@dataclass(frozen=True)
class LayerMasks:
    """One layer's 0/1 masks in the engine's layouts: weight (G, M, C, R, S), ifmap
    (N, G, C, H, W), ofmap (N, G, M, E, F) (``M`` and ``C`` per group)."""

    weight: np.ndarray
    ifmap: np.ndarray
    ofmap: np.ndarray

    def of(self, t: str) -> np.ndarray:
        return {"weight": self.weight, "ifmap": self.ifmap, "ofmap": self.ofmap}[t]


def shapes(p: Problem) -> dict[str, tuple[int, ...]]:
    return {"weight": (p.G, p.M, p.C, p.R, p.S), "ifmap": (p.N, p.G, p.C, p.H, p.W), "ofmap": (p.N, p.G, p.M, p.E, p.F)}


def draw_masks(p: Problem, lc: LayerCompression, seed: int | np.random.SeedSequence) -> LayerMasks:
    """Masks drawn at the stated densities: every element independently non-zero with
    probability d (to 2^-17; N:M weights: exactly N of every M consecutive weights of a filter, in
    C, R, S order, at uniformly random places)."""
    rng = np.random.default_rng(seed)
    out = {}
    for t, shape in shapes(p).items():
        tc = lc.of(t)
        if t == "weight" and tc.structure is not None:
            n, m = tc.structure
            k = p.C * p.R * p.S
            groups = -(-k // m)
            keys = rng.random((p.G * p.M, groups, m))
            rank = np.argsort(np.argsort(keys, axis=2), axis=2)
            flat = (rank < n).reshape(p.G * p.M, groups * m)[:, :k]
            out[t] = flat.reshape(shape)
        elif tc.d >= 1.0:
            out[t] = np.ones(shape, bool)
        else:
            # 16 random bits per element, four from each raw 64-bit PCG64 output (half the time of a
            # bounded uint16 draw): non-zero with probability round(d·2^16) / 2^16, within 2^-17 of d
            n = int(np.prod(shape))
            bits16 = rng.bit_generator.random_raw(-(-n // 4)).view(np.uint16)[:n]
            out[t] = (bits16 < round(tc.d * 65536)).reshape(shape)
    return LayerMasks(**out)


def from_user(p: Problem, t: str, mask: np.ndarray) -> np.ndarray:
    """A user's mask (the loader's layouts, batch 1: weight (M, C/G, R, S), ifmap
    (1, C, H, W), ofmap (M, E, F)) in the engine's layout; with a batch of N the same
    feature-map mask serves every image."""
    if t == "weight":
        return mask.reshape(p.G, p.M, p.C, p.R, p.S)
    if t == "ifmap":
        return np.broadcast_to(mask.reshape(1, p.G, p.C, p.H, p.W), (p.N, p.G, p.C, p.H, p.W))
    return np.broadcast_to(mask.reshape(1, p.G, p.M, p.E, p.F), (p.N, p.G, p.M, p.E, p.F))


def user_shape(p: Problem, t: str) -> tuple[int, ...]:
    """A user's mask shape (accelsim/compress/loader.py: ``tensor_shape``), batch 1."""
    return {"weight": (p.G * p.M, p.C, p.R, p.S), "ifmap": (1, p.G * p.C, p.H, p.W), "ofmap": (p.G * p.M, p.E, p.F)}[t]


def layer_masks(p: Problem, lc: LayerCompression, seed: int, index: int) -> LayerMasks:
    """A layer's masks for exact mode: each tensor's ``mask`` file where the compression
    names one (checked on load: shape, 0/1), else drawn at its density from the seed
    sequence (seed, layer index) — the same masks for the same seed on every run."""
    from ..compress.loader import load_mask
    from ..errors import Where

    drawn = draw_masks(p, lc, np.random.SeedSequence((seed, index)))
    got = {}
    for t in MASKED:
        path = lc.of(t).mask
        if path is None:
            got[t] = drawn.of(t)
        else:
            got[t] = from_user(p, t, load_mask(path, user_shape(p, t), Where(path, f"{t} mask")))
    return LayerMasks(**got)


def coded(fmt: Format, mask: np.ndarray, bits: int, index_bits: int | None, fiber: int) -> tuple[int, float]:
    """(elements, bits) of a whole tensor with ``mask`` stored in ``fmt``: its non-zeros
    and the format's bits (:func:`stream_bits`, fillers counted on the tensor's stream in
    layout order), or the dense tensor where the format would not make it smaller — the
    exact counterpart of :func:`~accelsim.engine.sparse.bits_per_element`."""
    c = int(mask.size)
    if fmt.kind == "dense":
        return c, float(c * bits)
    z = int(np.count_nonzero(mask))
    fb = fill_bits(fmt, index_bits)
    f = float(fillers(mask, fb).sum()) if fb is not None and z < c else 0.0
    b = float(stream_bits(fmt, c, z, f, bits, index_bits, fiber))
    return (c, float(c * bits)) if b >= c * bits else (z, b)


# ---------------------------------------------------------------- the layer


def _exact_macs(p: Problem, masks: LayerMasks, watched: tuple[str, ...], wall: np.ndarray) -> dict[str, int]:
    """MACs done (no watched operand a zero of its tensor), effectual (both non-zero),
    done on real inputs, and on real inputs at all: Σ over (g, c, r, s) of the m-sum of
    the weights times the (n, e, f)-sum of the inputs each filter tap meets."""
    # wall (G, C, R, S): the non-zero weights of each filter tap over M
    wsum = wall if "weight" in watched else np.full_like(wall, p.M)
    x_watch = "ifmap" in watched
    out = dict.fromkeys(("done", "effectual", "done_valid", "valid"), 0)
    for r in range(p.R):
        ys = np.arange(p.E) * p.U - p.pt + r * p.D
        yv = (ys >= 0) & (ys < p.H)
        for s in range(p.S):
            xs = np.arange(p.F) * p.U - p.pl + s * p.D
            xv = (xs >= 0) & (xs < p.W)
            n_valid = int(yv.sum()) * int(xv.sum())
            n_pad = p.E * p.F - n_valid
            view = masks.ifmap[:, :, :, ys[yv]][:, :, :, :, xs[xv]]  # (N, G, C, ey, fx)
            nzx = np.count_nonzero(view, axis=(0, 3, 4)).astype(np.int64)  # (G, C)
            kept_x = nzx if x_watch else np.full((p.G, p.C), p.N * n_valid, np.int64)
            w_rs = wsum[:, :, r, s]
            out["done_valid"] += int((w_rs * kept_x).sum())
            out["done"] += int((w_rs * (kept_x + p.N * n_pad)).sum())
            out["effectual"] += int((wall[:, :, r, s] * nzx).sum())
            out["valid"] += p.M * p.N * n_valid * p.G * p.C
    return out


def _skip_tables(p: Problem, masks: LayerMasks, watched: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The prefix sums :func:`.exact_kernel.skip_compute` takes."""
    wk = (masks.weight if "weight" in watched else np.ones_like(masks.weight)).astype(np.int64)
    pw = np.zeros((p.G, p.M + 1, p.C, p.R, p.S), np.int64)
    np.cumsum(wk, axis=1, out=pw[:, 1:])
    px = np.zeros((p.G, p.C, p.R, p.S, p.N + 1, p.E + 1, p.F + 1), np.int64)
    xm = masks.ifmap if "ifmap" in watched else np.ones_like(masks.ifmap)
    e, f = np.arange(p.E), np.arange(p.F)
    for r in range(p.R):
        ys = e * p.U - p.pt + r * p.D
        for s in range(p.S):
            xs = f * p.U - p.pl + s * p.D
            ok = ((ys >= 0) & (ys < p.H))[:, None] & ((xs >= 0) & (xs < p.W))[None, :]
            vals = np.ones((p.N, p.G, p.C, p.E, p.F), np.int64)  # padding lets a MAC proceed
            yi, xi = np.clip(ys, 0, p.H - 1), np.clip(xs, 0, p.W - 1)
            g = xm[:, :, :, yi][:, :, :, :, xi]
            vals = np.where(ok[None, None, None], g, vals)
            cs = vals.transpose(1, 2, 0, 3, 4).cumsum(2).cumsum(3).cumsum(4)
            px[:, :, r, s, 1:, 1:, 1:] = cs
    return pw, px


@dataclass(frozen=True)
class PlacedMasks:
    """Where the network schedule put an exact layer's input and output (the exact
    counterpart of :class:`~accelsim.engine.sparse.Placed`). ``input_on_chip``: the ifmap
    is already in the GLB (no DRAM read, no GLB fill). ``written``: what the write-back
    sends to DRAM in place of the layer's own output, as (mask, fiber) per stored tensor —
    its own output, a fused layer's (a pool's, an add's: that tensor's mask), or nothing
    when it stays on chip — each coded whole in the level's ofmap format at the layer's
    ofmap width, and read from the GLB on its way out as the layer's own write-back is."""

    input_on_chip: bool = False
    written: tuple[tuple[np.ndarray, int], ...] = ()


def exact_evaluate(p: Problem, spec: HardwareSpec, df: Dataflow, m: Mapping, lc: LayerCompression, masks: LayerMasks,
                   placed: PlacedMasks | None = None) -> SparseCost:
    """The layer under mapping ``m`` with the given masks: exact counts (integers, but for a
    CSR pointer's share of a partial fiber) and the cycles of its timeline; with ``placed``,
    its input and output where the network schedule put them (schedule/cost.py's
    ``array_cost`` rule: the input on chip is neither read from DRAM nor filled into the
    GLB, the write-back carries the written tensors' exact bits, and the timeline's DRAM
    fills and write-backs shrink with them, each tile's write-back by the same factor)."""
    systolic = spec.array.kind == "systolic"
    sp_ = spec.sparse
    z = sp_.zeros
    watched = z.on if z.handling != "none" else ()
    if systolic and z.handling == "skipping":
        raise AccelsimError(
            f"exact mode: the {spec.name} array is systolic and its config asks the PEs to skip zeros. A systolic array "
            "moves its operands in lockstep from PE to PE, so a PE cannot skip a MAC on its own. Expected: zeros: "
            "{handling: gating} (or none) on a systolic array, or the expected mode. Found: handling: skipping.")
    kernel_out = counted(p, df, m, systolic)  # shared with the dense evaluation of the same mapping
    dense = cost_from_kernel(spec, kernel_out)
    r, tile_row, rows, per = kernel_out
    native = {t: spec.word_bits[t] for t in DTYPES}
    width = {t: (lc.of(t).width(native[t]) if t != "psum" else native[t]) for t in DTYPES}
    ib = {t: lc.of(t).index_bits for t in MASKED}

    # per-element attributes: the mask (0), and the fillers of each run width a level needs
    fills: dict[str, list[np.ndarray]] = {}
    slot: dict[tuple[str, str], int | None] = {}
    nnz = {t: int(np.count_nonzero(masks.of(t))) for t in MASKED}
    for t in MASKED:
        mk = masks.of(t)
        fills[t] = []
        seen: dict[int, int] = {}
        for lv in ("DRAM", "GLB", "NoC"):
            fb = fill_bits(sp_.format(lv, t), ib[t])
            if fb is None:
                slot[(lv, t)] = None
                continue
            if fb not in seen:
                fills[t].append(fillers(mk, fb).astype(np.float32))
                seen[fb] = len(fills[t])
            slot[(lv, t)] = seen[fb]
    mask8 = {t: np.ascontiguousarray(masks.of(t)).view(np.uint8) for t in MASKED}
    fill32 = {t: np.stack(fills[t]) if fills[t] else np.zeros((0, 1, 1, 1, 1, 1), np.float32) for t in MASKED}
    t1, _order, sp, t3, po, ro, keep = m.arrays(df)
    loop_dim, loop_cnt = m.dram_loop_arrays(p)  # the DRAM nest: one loop per dim, or a dim split across several
    wblk, wtap = X.weight_sums(mask8["weight"], fill32["weight"], t1[1], t1[2], t1[3])
    arr, dram = X.exact_layer(p.as_array(), t1, loop_dim, loop_cnt, sp, t3, po, ro, keep, systolic, mask8["weight"], fill32["weight"], wblk,
                              mask8["ifmap"], fill32["ifmap"], mask8["ofmap"], fill32["ofmap"])

    # the encoder's choice per level and tensor: its format, or dense where that is smaller
    def chosen(lv: str, t: str) -> Format:
        fmt = sp_.format(lv, t)
        if fmt.kind == "dense":
            return fmt
        c, nz = masks.of(t).size, nnz[t]
        k = slot.get((lv, t))
        f = float(fills[t][k - 1].sum(dtype=np.float64)) if k is not None else 0.0
        coded = stream_bits(fmt, c, nz, f, width[t], ib[t], _fiber(p, t))
        return fmt if coded < c * width[t] else DENSE_FORMAT

    fmts = {(lv, t): chosen(lv, t) for lv in ("DRAM", "GLB", "NoC") for t in MASKED}

    def moved(lv: str, t: str, c, nzs: np.ndarray) -> tuple[object, object]:
        """(elements, bits) of transfers of c dense elements with attribute sums ``nzs``."""
        fmt = fmts[(lv, t)]
        if fmt.kind == "dense":
            return c, c * width[t]
        k = slot.get((lv, t))
        f = nzs[..., k] if k is not None else 0.0
        return nzs[..., 0], stream_bits(fmt, c, nzs[..., 0], f, width[t], ib[t], _fiber(p, t))

    tiles = tile_row.shape[0]
    rows_t = rows[tile_row]  # per tile, its dense counts
    wA, iA, oA = (1 + fill32[t].shape[0] for t in MASKED)
    glb_r = {"weight": arr[:, 0, X.GLB, :wA], "ifmap": arr[:, 1, X.GLB, :iA]}
    noc_r = {"weight": arr[:, 0, X.NOC, :wA], "ifmap": arr[:, 1, X.NOC, :iA]}
    fill = {"weight": dram[:, 0, :wA], "ifmap": dram[:, 1, :iA]}
    o_back, o_glb = dram[:, 2, :oA], dram[:tiles, 3, :oA]

    acc = dense.accesses
    elems: dict[str, dict[str, dict[str, float]]] = {lv: {} for lv in LEVELS}
    bits_of: dict[str, dict[str, dict[str, float]]] = {lv: {} for lv in LEVELS}

    def put(lv: str, t: str, rw: str, n_el, bits) -> None:
        elems[lv].setdefault(t, {})[rw] = n_el
        bits_of[lv].setdefault(t, {})[rw] = bits

    def total(x) -> float:
        return float(np.sum(x))

    bypass = bypassing(spec)  # streamed DRAM <-> NoC
    for t in ("weight", "ifmap"):
        c_fill = per[:, 0 if t == "weight" else 1]
        if t in bypass:  # what the array reads of it comes from DRAM itself
            e, b = moved("DRAM", t, rows_t[:, K.GLB_W if t == "weight" else K.GLB_I], glb_r[t])
        else:
            e, b = moved("DRAM", t, c_fill, fill[t])
        put("DRAM", t, "reads", total(e), total(b))
        put("DRAM", t, "writes", 0, 0)
        if acc["GLB"][t]["reads"] or acc["GLB"][t]["writes"]:
            e, b = moved("GLB", t, c_fill, fill[t])
            put("GLB", t, "writes", total(e), total(b))
            c_read = rows_t[:, K.GLB_W if t == "weight" else K.GLB_I]
            e, b = moved("GLB", t, c_read, glb_r[t])
            put("GLB", t, "reads", total(e), total(b))
        else:
            put("GLB", t, "reads", 0, 0)
            put("GLB", t, "writes", 0, 0)
        c_noc = rows_t[:, K.NOC_W if t == "weight" else K.NOC_I]
        e, b = moved("NoC", t, c_noc, noc_r[t])
        put("NoC", t, "reads", total(e), total(b))
        put("NoC", t, "writes", 0, 0)
    # ofmaps: every output is completed once, written to the GLB and on to DRAM once
    n_out = p.N * p.G * p.M * p.E * p.F
    if acc["DRAM"]["ofmap"]["writes"] not in (0, n_out) or acc["GLB"]["ofmap"]["writes"] not in (0, n_out):
        raise AssertionError("exact mode expects every output written as ofmap once per level")  # an engine invariant
    if "ofmap" in bypass:
        e, b = moved("DRAM", "ofmap", rows_t[:, K.GLB_WO], o_glb)
    else:
        e, b = moved("DRAM", "ofmap", per[:, 4], o_back)
    put("DRAM", "ofmap", "writes", total(e), total(b))
    put("DRAM", "ofmap", "reads", 0, 0)
    if acc["GLB"]["ofmap"]["writes"]:
        e, b = moved("GLB", "ofmap", per[:, 4], o_back)
        put("GLB", "ofmap", "reads", total(e), total(b))
        e, b = moved("GLB", "ofmap", rows_t[:, K.GLB_WO], o_glb)
        put("GLB", "ofmap", "writes", total(e), total(b))
    else:
        put("GLB", "ofmap", "reads", 0, 0)
        put("GLB", "ofmap", "writes", 0, 0)
    put("NoC", "ofmap", "reads", 0, 0)
    put("NoC", "ofmap", "writes", 0, 0)
    back_scale = 1.0  # the write-back's bits at DRAM after the schedule, over the layer's own
    if placed is not None:
        if placed.input_on_chip:
            if "ifmap" in bypass:
                raise AssertionError("an input kept in the GLB by a layer whose ifmaps bypass it")
            put("DRAM", "ifmap", "reads", 0, 0)
            put("GLB", "ifmap", "writes", 0, 0)  # its only GLB writes were the DRAM fills
        if "ofmap" in bypass:
            raise AssertionError("a written-back tensor placed by a layer whose ofmaps bypass the GLB")
        own_bits = bits_of["DRAM"]["ofmap"]["writes"]
        for lv, rw in (("DRAM", "writes"), ("GLB", "reads")):
            if lv == "GLB" and not acc["GLB"]["ofmap"]["writes"]:
                continue
            got = [coded(sp_.format(lv, "ofmap"), mk, width["ofmap"], ib["ofmap"], fib) for mk, fib in placed.written]
            put(lv, "ofmap", rw, sum(e for e, _ in got), sum(b for _, b in got))
        back_scale = bits_of["DRAM"]["ofmap"]["writes"] / own_bits if own_bits else 0.0
    for lv in ("DRAM", "GLB", "NoC"):
        for rw in ("reads", "writes"):
            c = acc[lv]["psum"][rw]
            put(lv, "psum", rw, c, c * width["psum"])

    # the PE: exact MAC and RF counts (the same for every mapping)
    mc = _exact_macs(p, masks, watched, wtap)
    macs = dense.macs
    done = mc["done"] if watched else macs
    gated = macs - done if z.handling == "gating" else 0
    skipped = macs - done if z.handling == "skipping" else 0
    gating = z.handling == "gating"
    rf = acc["RF"]
    for t in DTYPES:
        for rw in ("reads", "writes"):
            c = rf[t][rw]
            if watched and c and (rw == "reads" or t == "psum"):
                if t == "psum":
                    c = done
                elif t == "weight":
                    c = macs if gating and "weight" in watched else done
                elif t == "ifmap":
                    c = mc["valid"] if gating and "ifmap" in watched else mc["done_valid"]
            put("RF", t, rw, c, c * width[t])

    # bytes, and the energy table's accesses: bits / the native width (narrow words packed)
    words: dict[str, dict[str, dict[str, float]]] = {lv: {} for lv in LEVELS}
    for lv in LEVELS:
        for t in DTYPES:
            elems[lv][t]["bytes"] = (bits_of[lv][t]["reads"] + bits_of[lv][t]["writes"]) / 8.0
            words[lv][t] = {rw: bits_of[lv][t][rw] / native[t] for rw in ("reads", "writes")}
    mac_equiv = done * sp_.bits.mac_factor(width["weight"], width["ifmap"], native["weight"], native["ifmap"])
    actions = actions_from(spec, words, mac_equiv)  # type: ignore[arg-type]

    # cycles: each tile's own bits
    noc_bw, _bits, dram_bw, buf_of, buf_bw = machine_arrays(spec)
    if z.handling == "skipping" and done < macs:
        pw, px = _skip_tables(p, masks, watched)
        s = Fraction(z.skip_cycles).limit_denominator(1_000_000)
        compute = X.skip_compute(p.as_array(), t1, loop_dim, loop_cnt, sp, t3, po, pw, px, s.numerator, s.denominator)
    else:
        compute = rows_t[:, K.COMPUTE].astype(np.int64)
    glb_bits_w = moved("GLB", "weight", rows_t[:, K.GLB_W], glb_r["weight"])[1]
    glb_bits_i = moved("GLB", "ifmap", rows_t[:, K.GLB_I], glb_r["ifmap"])[1]
    noc_bits_w = moved("NoC", "weight", rows_t[:, K.GLB_W], glb_r["weight"])[1]
    noc_bits_i = moved("NoC", "ifmap", rows_t[:, K.GLB_I], glb_r["ifmap"])[1]
    noc = np.zeros((tiles, 3))
    noc[:, 0] = noc_bits_w / native["weight"]
    noc[:, 1] = noc_bits_i / native["ifmap"]
    noc[:, 2] = rows_t[:, K.GLB_RP] + rows_t[:, K.GLB_WP] + rows_t[:, K.GLB_WO]
    bufbits = np.zeros((tiles, buf_bw.shape[0]))
    o_glb_bits = moved("GLB", "ofmap", rows_t[:, K.GLB_WO], o_glb)[1]
    for i, part in enumerate((glb_bits_w, glb_bits_i, (rows_t[:, K.GLB_RP] + rows_t[:, K.GLB_WP]) * width["psum"], o_glb_bits)):
        if buf_of[i] >= 0:
            bufbits[:, buf_of[i]] += part
    # the five DRAM slots of each tile in bits (kernel.dram_phases drops those of a type no
    # buffer holds); such a type's array-side traffic streams from DRAM while the tile runs,
    # in DRAM's format (what the array reads of it, and the outputs it writes)
    per_bits = np.stack([moved("DRAM", "weight", per[:, 0], fill["weight"])[1] + np.zeros(tiles + 1),
                         moved("DRAM", "ifmap", per[:, 1], fill["ifmap"])[1] + np.zeros(tiles + 1),
                         per[:, 2] * width["psum"], per[:, 3] * width["psum"],
                         moved("DRAM", "ofmap", per[:, 4], o_back)[1] + np.zeros(tiles + 1)], axis=1).astype(np.float64)
    if placed is not None:
        if placed.input_on_chip:
            per_bits[:, 1] = 0.0
        per_bits[:, 4] *= back_scale
    fill_dram, back_dram = K.dram_phases(np.ascontiguousarray(per_bits), buf_of)
    stream = np.zeros(tiles)
    for i, (t, part) in enumerate((("weight", lambda: moved("DRAM", "weight", rows_t[:, K.GLB_W], glb_r["weight"])[1]),
                                   ("ifmap", lambda: moved("DRAM", "ifmap", rows_t[:, K.GLB_I], glb_r["ifmap"])[1]),
                                   ("psum", lambda: (rows_t[:, K.GLB_RP] + rows_t[:, K.GLB_WP]) * width["psum"]),
                                   ("ofmap", lambda: moved("DRAM", "ofmap", rows_t[:, K.GLB_WO], o_glb)[1]))):
        if buf_of[i] < 0:
            stream += part()
    cycles, comp, array_side = K.timeline_core(np.ascontiguousarray(compute, np.int64), noc, noc_bw, bufbits, buf_bw,
                                               fill_dram, back_dram, stream, dram_bw)
    return sparse_cost(spec, dense, elems, actions, (int(cycles), int(comp), int(array_side)), mc["effectual"], gated, skipped, 1.0)
