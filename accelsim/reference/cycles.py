"""The cycle-by-cycle reference model: a slow machine that steps a clock.

It replays the oracle's schedule (:func:`.oracle.simulate` with a :class:`.oracle.Trace`:
every GLB tile's counts and every PE's MACs per pass) on a clock, one cycle at a time,
and moves real numbers: DRAM holds the weights, the ifmaps and the outputs; the GLB
holds the current tile's operands (loaded from DRAM during the previous tile) and its
output block (psums read back from DRAM, or zeros); every MAC multiplies two values read
from the GLB copy and adds into the output block; evicted blocks go back to DRAM. What
it steps (docs/engine.md §7):

- **A pass, spatial array**: every PE has its own queue of MACs; each cycle every PE with
  work does one. The pass ends when the busiest PE's queue is empty.
- **A pass, systolic array**: a stationary operand (kept for the pass) is first shifted
  down the rows used, one row per cycle; then the operands are skewed in: the waves of
  the lockstep streams (as long as the longest PE's) enter at PE (0, 0) one per cycle and
  PE (i, j) does its k-th MAC when wave k reaches it, at cycle preload + i + j + k. The
  pass ends when the last wave leaves the last PE. Row i and column j are the PE's rank
  among the distinct positions of the row and column dims active in the pass.
- **A GLB tile**: its passes run back to back while its GLB <-> array traffic moves, each
  NoC port at most its elements per cycle and each GLB buffer at most its bits per cycle
  (the four flows weight, ifmap, psum, ofmap; psum and ofmap share the psum port). The
  transfers are paced: each cycle every flow moves its remaining amount divided by the
  cycles the busiest port still needs, so all finish with the bottleneck (the schedule a
  tile's DMA would be programmed with); every cycle is checked against every port's
  bandwidth. The tile ends on the first cycle at which its compute and its transfers
  are complete.
- **DRAM** at its bits per cycle, the GLB double-buffered: before tile 0, its fill; while
  tile i runs, tile i+1's fill, the write-back tile i's start caused and tile i's stream
  of every type that bypasses the GLB (it goes DRAM <-> NoC; the MACs read a bypassed
  weight or ifmap from DRAM, not from a GLB copy); tile i+1 starts
  on the cycle after both tile i and that DRAM work are done; after the last tile, the
  last write-back. A DRAM phase that ends mid-cycle wastes the rest of that cycle.

Stall cycles = cycles − compute cycles (the passes' cycles); utilization = MACs / (PEs ×
cycles). Bandwidths are exact fractions (a config's float is read as the nearest
fraction with a denominator up to 10⁶: 2.4 bytes per cycle is 12/5).

It shares no code with :mod:`accelsim.engine`: the engine derives the same numbers in
closed form, and ``tests/test_cycles_reference.py`` holds the two equal.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..dataflow import Dataflow
from ..hardware import HardwareSpec
from ..mapping.mapping import Mapping
from .oracle import DIMS, Trace, simulate

TYPES = ("weight", "ifmap", "psum", "ofmap")
PORTS = ("weight", "ifmap", "psum")  # NoC ports; ofmap leaves by the psum port


def _exact(x: float) -> Fraction:
    return Fraction(x).limit_denominator(1_000_000)


@dataclass(frozen=True)
class Machine:
    """What the clocked model needs of a hardware config, as exact numbers.

    ``noc``: elements per cycle per NoC port (0: unlimited); ``bits``: width of each data
    type; ``buffer_of``: the GLB buffer holding each data type (None: it bypasses);
    ``buffer_bw``: bits per cycle per buffer (0: unlimited); ``dram_bw``: bits per cycle;
    ``dram_bits``: the width of each data type as it crosses DRAM, where it differs from
    ``bits`` (the network schedule's tensors kept on chip cross at 0: accelsim/schedule/cost.py)."""

    pes: int
    systolic: bool
    noc: dict[str, Fraction]
    bits: dict[str, int]
    buffer_of: dict[str, str | None]
    buffer_bw: dict[str, Fraction]
    dram_bw: Fraction
    dram_bits: dict[str, Fraction] | None = None

    @classmethod
    def from_spec(cls, spec: HardwareSpec) -> "Machine":
        buffer_of = {}
        for t in TYPES:
            holders = [g.name for g in spec.glbs if t in g.holds]
            buffer_of[t] = holders[0] if holders else None
        return cls(
            pes=spec.array.rows * spec.array.cols,
            systolic=spec.array.kind == "systolic",
            noc={t: _exact(spec.noc.bw.get(t, 0) or 0) for t in PORTS},
            bits={t: int(spec.word_bits[t]) for t in TYPES},
            buffer_of=buffer_of,
            buffer_bw={
                g.name: _exact((g.read_bw if g.shared_bw else g.read_bw + g.write_bw) * g.word_bits) for g in spec.glbs
            },
            dram_bw=_exact((spec.dram.read_bw if spec.dram.shared_bw else spec.dram.read_bw + spec.dram.write_bw) * spec.dram.word_bits),
        )


@dataclass(frozen=True)
class TileTiming:
    """One GLB tile on the clock: its first cycle, its compute cycles, the cycles its
    array-side transfers took, the cycles it ran (until both were done), and the cycles
    from its start until the next tile could start (DRAM included)."""

    start: int
    compute: int
    transfer: int
    run: int
    span: int


@dataclass(frozen=True)
class CycleResult:
    cycles: int
    compute_cycles: int
    stall_cycles: int
    macs: int
    utilization: Fraction
    counts: Counter  # the oracle's counts (the same keys as its simulate())
    output: np.ndarray  # o[n, g, m, e, f], read back from DRAM at the end
    tiles: tuple[TileTiming, ...]
    first_fill: int  # cycles before tile 0 starts
    last_write_back: int  # cycles after the last tile


# ------------------------------------------------------------------ passes
# A pass is a generator that does one cycle's work per step and yields whether the pass
# has cycles left after it.


def _spatial_pass(queues: dict, mac, cost=None, skip=None) -> Iterator[bool]:
    """Every PE with work does its next MAC, each cycle, until every queue is empty.

    ``cost(op)``: (the cycles a MAC takes, whether it is computed) — a PE that skips zeros
    takes 1 for a MAC it does and the skip cost for one it skips, which it does not
    compute; by default (1, True). A PE works through its queue as long as its time so far
    plus the next MAC's cost fits in the cycles elapsed, so the pass ends on the first
    cycle edge after its busiest PE's total (and lasts at least one cycle)."""
    heads = {q: 0 for q in queues}
    used = {q: Fraction(0) for q in queues}
    clock = 0
    while True:
        clock += 1
        for q, work in queues.items():
            while heads[q] < len(work):
                op = work[heads[q]]
                c, computed = (1, True) if cost is None else cost(op)
                if used[q] + c > clock:
                    break
                used[q] += c
                if computed:
                    mac(op)
                elif skip is not None:
                    skip(op)
                heads[q] += 1
        yield any(heads[q] < len(queues[q]) for q in queues)


def _rank(keys) -> dict:
    return {k: i for i, k in enumerate(sorted(set(keys)))}


def _systolic_pass(queues: dict, mac, rows: tuple[str, ...], cols: tuple[str, ...], preload: bool) -> Iterator[bool]:
    """Skewed lockstep streams: PE (i, j) does its k-th MAC when wave k reaches it."""
    ri = [DIMS.index(d) for d in rows]
    ci = [DIMS.index(d) for d in cols]
    row_of = _rank(tuple(q[k] for k in ri) for q in queues)
    col_of = _rank(tuple(q[k] for k in ci) for q in queues)
    at = {}  # anti-diagonal i + j -> the PEs on it
    for q in queues:
        i, j = row_of[tuple(q[k] for k in ri)], col_of[tuple(q[k] for k in ci)]
        at.setdefault(i + j, []).append(q)
    last_diagonal = len(row_of) - 1 + len(col_of) - 1
    if preload:
        # the stationary operands enter at the top and move down one row per cycle, the
        # bottom row's first: all are in place after as many shifts as rows are used
        column: list[int | None] = [None] * len(row_of)
        pending = list(range(len(row_of) - 1, -1, -1))
        while column != list(range(len(row_of))):
            column = [pending.pop(0) if pending else None] + column[:-1]
            yield True
    waves = max(len(work) for work in queues.values())
    injected = 0
    front: dict[int, int] = {}  # wave in the array -> the anti-diagonal it is on
    while True:
        for k in front:
            front[k] += 1
        if injected < waves:
            front[injected] = 0
            injected += 1
        for k, diagonal in front.items():
            for q in at.get(diagonal, ()):
                if k < len(queues[q]):
                    mac(queues[q][k])
        # a wave leaves once it has passed the last PE (rows − 1, cols − 1)
        front = {k: d for k, d in front.items() if d < last_diagonal}
        yield injected < waves or bool(front)


# ------------------------------------------------------------------ transfers


class _Transfers:
    """A tile's GLB <-> array traffic, paced to finish with its bottleneck port."""

    def __init__(self, m: Machine, array: Counter, formats: dict | None = None):
        g = lambda k: Fraction(array.get(k, 0))  # noqa: E731

        def coded(level: str, t: str) -> Fraction:
            """A compressed flow's bits per element it moves (1 for a dense one); what the
            array reads of t comes from the GLB, or from DRAM when t bypasses it."""
            c = g(f"glb_read_{t}") + g(f"dram_read_{t}")
            if c == 0 or _format(formats, level, t) == "dense":
                return Fraction(1)
            nz = g(f"glb_read_{t}_nz") + g(f"dram_read_{t}_nz")
            return _coded_bits(formats, level, t, c, nz, m.bits[t]) / (c * m.bits[t])

        # flow: (NoC port, buffer, elements, bits per element, NoC load per element)
        # a type that bypasses the GLB moves the same way between the NoC and DRAM (the
        # oracle counts it as dram_*; the DRAM side of that stream is added to the tile's DRAM
        # work); a compressed flow moves its non-zeros and one bit per element
        self.flows = [
            ("weight", m.buffer_of["weight"], g("glb_read_weight") + g("dram_read_weight"), m.bits["weight"] * coded("GLB", "weight"),
             coded("NoC", "weight")),
            ("ifmap", m.buffer_of["ifmap"], g("glb_read_ifmap") + g("dram_read_ifmap"), m.bits["ifmap"] * coded("GLB", "ifmap"),
             coded("NoC", "ifmap")),
            ("psum", m.buffer_of["psum"], g("glb_read_psum") + g("glb_write_psum") + g("dram_read_psum") + g("dram_write_psum"),
             m.bits["psum"], Fraction(1)),
            ("psum", m.buffer_of["ofmap"], g("glb_write_ofmap") + g("dram_write_ofmap"), m.bits["ofmap"], Fraction(1)),
        ]
        self.left = [f[2] for f in self.flows]
        self.m = m

    def _loads(self, amounts) -> dict[tuple[str, str], Fraction]:
        """Per port (NoC port or buffer): elements or bits, and that port's capacity."""
        use: dict[tuple[str, str], Fraction] = {}
        for (port, buf, _, bits, load), x in zip(self.flows, amounts):
            use[("noc", port)] = use.get(("noc", port), Fraction(0)) + x * load
            if buf is not None:
                use[("glb", buf)] = use.get(("glb", buf), Fraction(0)) + x * bits
        return use

    def _capacity(self, key: tuple[str, str]) -> Fraction:
        return self.m.noc[key[1]] if key[0] == "noc" else self.m.buffer_bw[key[1]]

    @property
    def done(self) -> bool:
        return not any(self.left)

    def step(self) -> None:
        """One cycle of transfers."""
        need = Fraction(0)  # the cycles the busiest port still needs
        for key, x in self._loads(self.left).items():
            cap = self._capacity(key)
            if cap > 0 and x > 0:
                need = max(need, x / cap)
        moved = list(self.left) if need <= 1 else [x / need for x in self.left]
        for key, x in self._loads(moved).items():
            cap = self._capacity(key)
            if cap > 0 and x > cap:
                raise AssertionError(f"the transfers exceeded {key} in a cycle: {x} > {cap}")
        self.left = [a - b for a, b in zip(self.left, moved)]


# ------------------------------------------------------------------ the layer


class _Memories:
    """Real numbers in DRAM and in the GLB: the current tile's operands and output block.
    The GLB is double-buffered, so the next tile's values move while a tile runs; they are
    swapped in at the tile boundary (the bits are what the clock counts)."""

    def __init__(self, w: np.ndarray, x: np.ndarray, out_shape: tuple[int, ...], bypass: frozenset = frozenset(), red: int = 0):
        self.w, self.x = w, x
        self.bypass, self.red = bypass, red  # the types no GLB holds; the MACs an output takes
        self.macs: Counter = Counter()  # MACs done per output element
        self.dram_out: dict[tuple, int] = {}
        self.out = np.zeros(out_shape, np.int64)
        self.glb_w: dict = {}
        self.glb_i: dict = {}
        self.glb_o: dict = {}
        self.block: frozenset = frozenset()

    def operands_of(self, rec) -> tuple[set, set, frozenset]:
        ws, xs, os_ = set(), set(), set()
        for queues in rec.passes:
            for work in queues.values():
                for wk, xk, ok in work:
                    ws.add(wk)
                    if xk is not None:
                        xs.add(xk)
                    os_.add(ok)
        return ws, xs, frozenset(os_)

    def write_back(self) -> int:
        """The current output block goes back to DRAM; returns the elements the GLB
        writes back (none when the block's type — ofmap if complete, else psum — bypasses
        the GLB: the array sent those values to DRAM itself)."""
        self.dram_out.update(self.glb_o)
        done = all(self.macs[k] == self.red for k in self.glb_o)
        return 0 if ("ofmap" if done else "psum") in self.bypass else len(self.glb_o)

    def load(self, ws: set, xs: set, block: frozenset) -> tuple[int, int, int]:
        """Fill the GLB with a tile's operands and output block from DRAM; returns the
        weights, ifmaps and psums read (what the GLB did not already hold)."""
        ws = set() if "weight" in self.bypass else ws  # a bypassed operand is read from DRAM by the MACs
        xs = set() if "ifmap" in self.bypass else xs
        new_w = ws - self.glb_w.keys()
        new_i = xs - self.glb_i.keys()
        self.glb_w = {k: (self.glb_w[k] if k in self.glb_w else int(self.w[k])) for k in ws}
        self.glb_i = {k: (self.glb_i[k] if k in self.glb_i else int(self.x[k])) for k in xs}
        psums = 0
        if block != self.block:
            seen = [k for k in block if k in self.dram_out]
            psums = len(block) if seen and "psum" not in self.bypass else 0
            self.glb_o = {k: self.dram_out.get(k, 0) for k in block}
            self.block = block
        return len(new_w), len(new_i), psums

    def skip(self, op) -> None:
        """A MAC a PE skipped (its product is zero): the output's sum has passed it."""
        self.macs[op[2]] += 1

    def mac(self, op) -> None:
        """One MAC on the values in the GLB (a missing one is a KeyError: the tile's fill
        did not bring it); a padding ifmap contributes nothing."""
        wk, xk, ok = op
        self.macs[ok] += 1
        weight = int(self.w[wk]) if "weight" in self.bypass else self.glb_w[wk]
        if xk is not None:
            self.glb_o[ok] += weight * (int(self.x[xk]) if "ifmap" in self.bypass else self.glb_i[xk])


def _format(formats: dict | None, level: str, t: str) -> str:
    return (formats or {}).get((level, t), "dense")


def _coded_bits(formats: dict | None, level: str, t: str, c, nz, bits):
    """Bits of c elements of which nz are non-zeros, as ``level`` stores type t: dense
    (c·b) or a bitmask (nz·b + c; the only compressed format this model moves)."""
    kind = _format(formats, level, t)
    if kind == "dense":
        return c * bits
    if kind == "bitmask":
        return nz * bits + c
    raise ValueError(f"the clocked reference moves dense and bitmask tensors, not {kind}")


def _bits(m: Machine, c: Counter, kind: str, formats: dict | None = None) -> int | Fraction:
    b = m.dram_bits or m.bits
    if kind == "fill":
        return (_coded_bits(formats, "DRAM", "weight", c["dram_read_weight"], c["dram_read_weight_nz"], b["weight"])
                + _coded_bits(formats, "DRAM", "ifmap", c["dram_read_ifmap"], c["dram_read_ifmap_nz"], b["ifmap"])
                + c["dram_read_psum"] * b["psum"])
    return c["dram_write_psum"] * b["psum"] + c["dram_write_ofmap"] * b["ofmap"]


class _Dram:
    """DRAM moving a phase's bits at its bits per cycle."""

    def __init__(self, m: Machine, bits: int):
        if m.dram_bw <= 0:
            raise ValueError(f"DRAM bandwidth must be positive, not {m.dram_bw}")
        self.left = Fraction(bits)
        self.bw = m.dram_bw

    def step(self) -> None:
        self.left -= min(self.left, self.bw)


def _dram_cycles(m: Machine, bits: int | Fraction) -> int:
    """Cycles of a DRAM phase with nothing else running (the first fill, the last write-back)."""
    dram, n = _Dram(m, bits), 0
    while dram.left > 0:
        dram.step()
        n += 1
    return n


def _skip_cost(zeros: tuple, w: np.ndarray, x: np.ndarray):
    """A skipping PE's cost of one MAC: (``skip_cycles``, not computed) when a watched
    operand is zero, else (1, computed)."""
    _, watched, skip = zeros
    skip = Fraction(skip).limit_denominator(1_000_000)

    def cost(op):
        wk, xk, _ = op
        zero = ("weight" in watched and w[wk] == 0) or ("ifmap" in watched and xk is not None and x[xk] == 0)
        return (skip, False) if zero else (1, True)

    return cost


def simulate_cycles(p, df: Dataflow, mapping: Mapping, machine: Machine, w: np.ndarray, x: np.ndarray,
                    zeros: tuple | None = None, formats: dict | None = None) -> CycleResult:
    """Run layer ``p`` (an :class:`accelsim.engine.problem.Problem`-like object with N G M C E
    F R S H W U D pt pl) under ``mapping`` on ``machine`` with weights w[g, m, c, r, s] and
    ifmaps x[n, g, c, y, x], one clock cycle at a time.

    Sparse tensors: the zeros are the values' own. ``zeros = (handling, operands,
    skip_cycles)`` (hardware/sparse.py): with ``skipping`` a PE spends ``skip_cycles`` on a
    MAC whose watched operand is zero and does not compute it (gating spends the cycle);
    ``formats``: {(level, type): "dense" | "bitmask"} for DRAM, GLB and NoC and weight /
    ifmap — a compressed flow moves its non-zeros and one bit per element."""
    df = mapping.nest(df)  # the mapping's own pass and RF loop orders, if it has them
    sp = dict(zip(DIMS, mapping.sp))
    t3 = dict(zip(DIMS, mapping.t3))
    pass_order, rf_order, keep, rf_loops = mapping.reference_nest(df)  # a dim split across RF loops: rf_loops
    trace = Trace()
    sparse = zeros is not None or formats is not None
    bypass = frozenset(t for t in TYPES if machine.buffer_of[t] is None)
    counts = simulate(
        p, list(mapping.t1), list(mapping.dram_order), sp, t3, pass_order, rf_order, keep, df.uses_rf, rf_loops=rf_loops,
        systolic=machine.systolic, trace=trace, bypass=bypass, dram_loops=list(mapping.dram_loops) or None,
        density=((w != 0).astype(float), (x != 0).astype(float)) if sparse else None,
        zeros=(zeros[0], tuple(zeros[1])) if zeros is not None and zeros[0] != "none" else None,
    )
    cost = _skip_cost(zeros, w, x) if zeros is not None and zeros[0] == "skipping" else None
    rows, cols = mapping.rows or df.rows, mapping.cols or df.cols
    preload = keep["weight"] == 0 or keep["ifmap"] == 0
    mem = _Memories(w, x, (p.N, p.G, p.M, p.E, p.F), bypass, p.C * p.R * p.S)
    recs = trace.tiles

    def check(what: str, moved: int, counted: int) -> None:
        if moved != counted:
            raise AssertionError(f"{what}: the model moved {moved} values, the oracle counted {counted}")

    def stage(i: int) -> None:
        """The DRAM data movement of the phase before tile i: the write-back its start
        causes, then its fill (values land in the GLB half tile i will use)."""
        ws, xs, block = mem.operands_of(recs[i])
        if block != mem.block and mem.block:
            check("write-back", mem.write_back(), recs[i].dram["dram_write_psum"] + recs[i].dram["dram_write_ofmap"])
        nw, ni, npsum = mem.load(ws, xs, block)
        check("weight fill", nw, recs[i].dram["dram_read_weight"])
        check("ifmap fill", ni, recs[i].dram["dram_read_ifmap"])
        check("psum fill", npsum, recs[i].dram["dram_read_psum"])

    def compute(rec) -> Iterator[bool]:
        """The tile's passes back to back; yields whether compute continues."""
        for n, queues in enumerate(rec.passes):
            last = n == len(rec.passes) - 1
            run = _systolic_pass(queues, mem.mac, rows, cols, preload) if machine.systolic else _spatial_pass(queues, mem.mac, cost, mem.skip)
            for more in run:
                yield more or not last
                if not more:
                    break

    clock = _dram_cycles(machine, _bits(machine, recs[0].dram, "fill", formats))  # before tile 0: its fill
    first_fill = clock
    stage(0)
    timings = []
    compute_total = 0
    for i, rec in enumerate(recs):
        # tile i runs; DRAM meanwhile brings tile i+1's fill, takes the write-back tile
        # i's start caused, and streams tile i's traffic of the types that bypass the GLB
        moving = (_bits(machine, recs[i + 1].dram, "fill", formats) if i + 1 < len(recs) else 0) + _bits(machine, rec.dram, "back")
        moving += _bits(machine, rec.array, "fill", formats) + _bits(machine, rec.array, "back")  # in DRAM's formats
        dram = _Dram(machine, moving)
        steps, transfers = compute(rec), _Transfers(machine, rec.array, formats)
        busy = True
        t = comp = moved = run = 0
        while busy or not transfers.done or dram.left > 0:
            t += 1
            if busy:
                busy = next(steps)
                comp = t
            if not transfers.done:
                transfers.step()
                moved = t
            if not busy and transfers.done and not run:
                run = t
            if dram.left > 0:
                dram.step()
        timings.append(TileTiming(clock, comp, moved, run, t))
        compute_total += comp
        clock += t  # tile i+1 starts on the next clock edge
        if i + 1 < len(recs):
            stage(i + 1)
    # after the last tile: the last write-back
    check("last write-back", mem.write_back(), trace.final["dram_write_psum"] + trace.final["dram_write_ofmap"])
    last = _dram_cycles(machine, _bits(machine, trace.final, "back"))
    clock += last
    for k, v in mem.dram_out.items():
        mem.out[k] = v
    macs = counts["macs"]
    return CycleResult(
        cycles=clock,
        compute_cycles=compute_total,
        stall_cycles=clock - compute_total,
        macs=macs,
        utilization=Fraction(macs, machine.pes * clock),
        counts=counts,
        output=mem.out,
        tiles=tuple(timings),
        first_fill=first_fill,
        last_write_back=last,
    )
