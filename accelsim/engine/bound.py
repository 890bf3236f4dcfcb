"""A cheap, exact lower bound of a candidate's counts, from its GLB tiling alone.

The mapper (accelsim/mapping/search.py) scores every candidate with the full kernel; most
candidates lose by so much that a bound computed from the GLB tile sizes and the DRAM
loop order already shows it. Each slot below is a bound the kernel's count can never go
under, whatever the spatial factors and RF extents (docs/engine.md §3):

- DRAM reads and writes: exact (the same tile walk the kernel runs);
- MACs and the RF reads/writes made by every MAC: exact closed forms;
- weight and ifmap GLB reads, NoC transfers (and RF fills where the RF keeps the type):
  at least the tile's footprint once per GLB tile, since the RFs start each tile empty
  and every element of a tile's footprint is used by some MAC;
- output NoC writes: each PE writes every output element of the tile back at least once;
  GLB ofmap writes: every output once; psum + ofmap GLB writes together: every output
  element once per GLB tile (:data:`OUT_TILES`, priced at the cheaper of the two);
- psum GLB reads and NoC reads: every output element once in each GLB tile that is not
  its first C tile (products of earlier C tiles were added before).

For one candidate, :func:`spread_bound` raises the NoC (and RF fill) slots by the PEs its
spatial factors make fetch the same weight or ifmap element, or write back psums of the
same output, in every tile. ``tests/test_bound.py`` holds every slot under the kernel's count on random layers and
mappings. Energy is Σ count × cost with costs ≥ 0, so the bound's energy is a bound of the
energy; cycles are bounded by the MACs over the PEs and by the DRAM traffic at its
bandwidth (docs/engine.md §5).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from . import kernel as K
from .footprint import rows_count
from .tiles import N_SLOTS, walk_tiles

OUT_TILES = K.N_OUT  # extra slot: Σ over GLB tiles of the tile's output elements
N_BOUND = K.N_OUT + 1


@njit(cache=True)
def _tile_rows_sum(E, T, R, U, D, pad, H):
    """Σ over the tiles of size T along E of the ifmap rows each touches."""
    s = 0
    e0 = np.int64(0)  # an int64, not the literal 0: rows_count compiles once
    while e0 < E:
        e1 = min(e0 + T, E)
        s += rows_count(e0, e1, np.int64(0), R, U, D, pad, H)
        e0 = e1
    return s


@njit(cache=True)
def lower_bound(p, t1, dram_order, keep, n_rf, uses_rf):
    """Slot-wise lower bounds of :func:`kernel.layer_detail`'s totals (plus OUT_TILES).

    ``p``: Problem.as_array; ``t1``: GLB tile sizes of N G M C E F; ``dram_order``: dim
    indices outermost first; ``keep``: keep levels of weight, ifmap, psum; ``n_rf``: the
    number of RF loops; ``uses_rf``: whether the dataflow has an RF. The DRAM slots
    are the walk's own totals (tiles.walk_tiles)."""
    return lower_bound_walked(p, t1, walk_tiles(p, t1, dram_order), keep, n_rf, uses_rf)


@njit(cache=True)
def lower_bound_walked(p, t1, dram, keep, n_rf, uses_rf):
    """:func:`lower_bound` from the DRAM walk's totals (``tiles.walk_tiles`` of the tile
    and order): the mapper walks a tiling once for every dataflow and objective."""
    out = np.zeros(N_BOUND, np.int64)
    N, G, M, C, E, F, R, S = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]
    H, W, U, D, pt, pl = p[8], p[9], p[10], p[11], p[12], p[13]
    for k in range(5):
        out[K.DRAM_RW + k] = dram[k]
    out[K.MAX_W] = dram[6]
    out[K.MAX_I] = dram[7]
    out[K.MAX_O] = dram[8]
    cnt = np.empty(6, np.int64)
    tiles = 1
    for d in range(6):
        cnt[d] = (p[d] + t1[d] - 1) // t1[d]
        tiles *= cnt[d]
    out[K.GLB_TILES] = tiles
    macs = N * G * M * C * E * F * R * S
    out[K.MACS] = macs
    w_tiles = G * M * C * R * S * cnt[0] * cnt[4] * cnt[5]
    i_tiles = N * G * C * cnt[2] * _tile_rows_sum(E, t1[4], R, U, D, pt, H) * _tile_rows_sum(F, t1[5], S, U, D, pl, W)
    outs = N * G * M * E * F
    out[K.NOC_W] = w_tiles
    out[K.GLB_W] = w_tiles
    out[K.NOC_I] = i_tiles
    out[K.GLB_I] = i_tiles
    out[K.NOC_PO] = outs * cnt[3]
    out[K.GLB_WO] = outs
    out[K.GLB_RP] = outs * (cnt[3] - 1)
    out[K.NOC_PI] = outs * (cnt[3] - 1)
    out[OUT_TILES] = outs * cnt[3]
    if uses_rf:
        if keep[0] < n_rf:
            out[K.RFW_W] = w_tiles
            out[K.RFR_W] = macs
        if keep[1] < n_rf:
            out[K.RFW_I] = i_tiles
            out[K.RFR_I] = N * G * M * C * K._valid_pairs(np.int64(0), E, R, U, D, pt, H) * K._valid_pairs(np.int64(0), F, S, U, D, pl, W)
        if keep[2] < n_rf:
            out[K.RFR_P] = macs
            out[K.RFW_P] = macs
    return out


def spread_tiles(b: int, t: int, sp: int, t3: int) -> int:
    """Σ over the GLB tiles along one dim (extent ``b``, tiles of ``t``) of the PEs along
    its axis that get a share of the tile (spatial factor ``sp``, per-PE extent ``t3``):
    in a tile of extent x the first pass gives PE q a share exactly when q < sp and
    q·t3 < x, and a later pass gives none to a PE beyond those — min(sp, ⌈x/t3⌉) PEs.
    With ``sp`` 1 it is the number of tiles."""
    full, rest = divmod(b, t)
    n = full * min(sp, -(-t // t3))
    if rest:
        n += min(sp, -(-rest // t3))
    return n


def spread_factors(bounds: tuple[int, ...], ext: tuple[int, ...], sp: tuple[int, ...], t3: tuple[int, ...]) -> tuple[int, int, int]:
    """Per data type, the Σ over GLB tiles of the PEs that must each get its share
    (:func:`spread_tiles` along every dim of N G M C E F R S, tiles of extent ``ext``):
    a weight goes to the PEs along N, E, F, an ifmap element to those along M, and an
    output collects psums from those along C, R, S — the dims each type does not depend
    on. Returns (weight, ifmap, output); with every ``sp`` 1, the tile counts' products."""
    f = [spread_tiles(bounds[d], ext[d], sp[d], t3[d]) if sp[d] > 1 else -(-bounds[d] // ext[d]) for d in range(8)]
    return f[0] * f[4] * f[5], f[2], f[3] * f[6] * f[7]


def spread_bound(lb: np.ndarray, bounds: tuple[int, ...], t1: tuple[int, ...], sp: tuple[int, ...], t3: tuple[int, ...],
                 kept_w: bool, kept_i: bool) -> np.ndarray:
    """:func:`lower_bound`'s slots tightened for one candidate's spatial factors ``sp``
    and RF extents ``t3`` (N G M C E F R S; ``bounds``: the layer's N G M C E F R S,
    ``t1``: the GLB tile's N G M C E F; ``kept_w``, ``kept_i``: whether the RF keeps
    weights, ifmaps). Every PE that does a MAC of an element must hold it, and the RFs
    start each GLB tile empty, so in every tile each PE fetches each weight and ifmap
    element its MACs use at least once (an RF write too where the RF keeps the type), and
    writes back each output it adds products to at least once (§3). A weight is used by
    the PEs at every position along the spread N, E, F that gets a share of the tile
    (:func:`spread_tiles`), an ifmap element by those along M, and an output collects
    psums from the PEs along C, R, S: so the NoC weight and ifmap deliveries are at least
    the footprint once per tile times those PEs, and the output NoC writes every output
    once per tile times the PEs along C, R, S (:func:`spread_factors`). The footprint's
    per-tile sum and these PE counts run over different dims, so the sum over the tiles
    is their product (every factor 1: :func:`lower_bound`'s slot)."""
    ext = tuple(t1) + (bounds[6], bounds[7])
    fw, fi, fo = spread_factors(bounds, ext, sp, t3)
    cw, ci, co = spread_factors(bounds, ext, (1,) * 8, (1,) * 8)
    out = lb.copy()
    w = lb[K.NOC_W] // cw * fw
    i = lb[K.NOC_I] // ci * fi
    o = lb[K.NOC_PO] // co * fo
    out[K.NOC_W], out[K.NOC_I], out[K.NOC_PO] = w, i, o
    if kept_w:
        out[K.RFW_W] = w
    if kept_i:
        out[K.RFW_I] = i
    return out


def energy_bound(lb: np.ndarray, costs: np.ndarray) -> float:
    """A lower bound of Σ count × cost from :func:`lower_bound`'s slots (costs ≥ 0): the
    GLB writes of outputs beyond one ofmap write per element are priced at the cheaper of
    a psum and an ofmap write."""
    e = float(np.dot(lb[: K.N_OUT].astype(np.float64), costs))
    extra = int(lb[OUT_TILES] - lb[K.GLB_WO])
    if extra > 0:
        e += extra * min(costs[K.GLB_WP], costs[K.GLB_WO])
    return e


def cycles_bound(lb: np.ndarray, pes: int, dram_bits: float, dram_bits_per_cycle: float) -> float:
    """Cycles are at least the MACs spread over every PE, and at least the DRAM traffic
    (``dram_bits``, from the bound's DRAM slots) at the DRAM's bandwidth."""
    return max(lb[K.MACS] / pes, dram_bits / dram_bits_per_cycle)


@njit(cache=True)
def dram_traffic(p, tiles, orders, costs):
    """Σ DRAM count × cost (``costs``: the five DRAM slots' costs) of every GLB tile
    (rows of ``tiles``) under every DRAM loop order (rows of ``orders``): exact, the
    kernel's DRAM walk (tiles.walk_tiles, in closed form); and the walks' totals themselves (tiles × orders ×
    ``tiles.N_SLOTS``), so that the tilings picked by their traffic are not walked again."""
    out = np.empty((tiles.shape[0], orders.shape[0]), np.float64)
    walks = np.empty((tiles.shape[0], orders.shape[0], N_SLOTS), np.int64)
    for i in range(tiles.shape[0]):
        for j in range(orders.shape[0]):
            r = walk_tiles(p, tiles[i], orders[j])
            walks[i, j] = r
            s = 0.0
            for k in range(5):
                s += r[k] * costs[k]
            out[i, j] = s
    return out, walks


def cycles_bound_bw(lb: np.ndarray, pes: int, noc_bw: np.ndarray, elem_bits: np.ndarray, dram_bits_per_cycle: float,
                    buf_of: np.ndarray, buf_bits_per_cycle: np.ndarray) -> float:
    """A lower bound of the §5 timeline's cycles from :func:`lower_bound`'s slots and the
    machine's figures (:func:`accelsim.engine.evaluate.machine_arrays`), tighter than
    :func:`cycles_bound`: the cycles are at least Σ over tiles of each tile's run, and a
    run is at least its compute and each NoC port's and GLB buffer's traffic over its
    bandwidth, so the cycles are at least

    - the MACs over the PEs, and the DRAM bits over the DRAM's bandwidth;
    - per NoC port, its traffic over the layer at the port's elements per cycle: weight
      (GLB weight reads ≥ the bound's), ifmap (GLB ifmap reads), psum (psum reads, and the
      psum + ofmap writes ≥ every output once per GLB tile);
    - per GLB buffer, the bits of the reads and writes the bound guarantees there: the
      weight and ifmap reads, the psum reads, one ofmap write per output and, where psums
      and ofmaps share the buffer, the further output writes at the narrower width.

    Each term rounds down where the timeline rounds each tile's phase up, so it stays a
    bound; the caller subtracts a cycle for float rounding."""
    t = max(lb[K.MACS] / pes, 0.0)
    dram_bits = (lb[K.DRAM_RW] * elem_bits[0] + lb[K.DRAM_RI] * elem_bits[1] + (lb[K.DRAM_RP] + lb[K.DRAM_WP]) * elem_bits[2]
                 + lb[K.DRAM_WO] * elem_bits[3])
    if dram_bits_per_cycle > 0:
        t = max(t, dram_bits / dram_bits_per_cycle)
    extra = max(0, int(lb[OUT_TILES] - lb[K.GLB_WO]))
    ports = (float(lb[K.GLB_W]), float(lb[K.GLB_I]), float(lb[K.GLB_RP] + lb[OUT_TILES]))
    for k in range(3):
        if noc_bw[k] > 0:
            t = max(t, ports[k] / noc_bw[k])
    bits = np.zeros(len(buf_bits_per_cycle))
    if buf_of[0] >= 0:
        bits[buf_of[0]] += lb[K.GLB_W] * elem_bits[0]
    if buf_of[1] >= 0:
        bits[buf_of[1]] += lb[K.GLB_I] * elem_bits[1]
    if buf_of[2] >= 0:
        bits[buf_of[2]] += lb[K.GLB_RP] * elem_bits[2]
    if buf_of[3] >= 0:
        bits[buf_of[3]] += lb[K.GLB_WO] * elem_bits[3]
    if buf_of[2] >= 0 and buf_of[2] == buf_of[3]:
        bits[buf_of[2]] += extra * min(elem_bits[2], elem_bits[3])
    for b in range(len(bits)):
        if buf_bits_per_cycle[b] > 0:
            t = max(t, bits[b] / buf_bits_per_cycle[b])
    return float(t)
