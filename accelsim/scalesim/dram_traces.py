"""SCALE-Sim 3.0.0's DRAM trace files (``--traces DIR``): a plain-Python replay of its buffers.

SCALE-Sim writes, per layer, ``IFMAP_DRAM_TRACE.csv``, ``FILTER_DRAM_TRACE.csv`` and
``OFMAP_DRAM_TRACE.csv`` with ``np.savetxt(fmt='%s')`` of float matrices: one line per DRAM
cycle of a prefetch (reads) or a drain (writes), the cycle first, then the addresses moved in
that cycle. What each line holds is an artefact of SCALE-Sim's implementation, which this module
replays literally, one layer at a time, over the demand matrices :mod:`.traces` builds and the
serviced cycles the jitted walk (:func:`.dram.simulate_memory`) records:

- **CALC mode reads** (``memory/read_buffer_estimate_bw.py``): misses are gathered into sets of
  floor(E/100) words (Python ``set`` objects, filled in demand order); every 50 completed sets
  the window jumps and the 50 sets just completed are listed, each in its ``set``'s iteration
  order (CPython's order is deterministic for ints, so filling real ``set`` objects in the same
  order reproduces it), spread over the cycles since the previous jump at ceil(words/cycles)
  words per line, −1 after the last word; the first jump lists the first 50 sets before the
  first demand, 10 words a cycle. Chunks of different widths are padded with **1** (not −1) to
  the widest. The sets still open at the end are listed last (``complete_all_prefetches``).
- **USER mode reads** (``memory/read_buffer.py``): the fetch matrix (the prefetch matrix
  flattened into lines of bw words, −1 padded) is fetched ceil(E/2 / bw) lines before cycle 0,
  then, for each window move the walk counted, ceil(prefetch/bw) lines one cycle apart after
  the previous fetch. As in SCALE-Sim, every move restarts at the same line of the fetch matrix
  (its next-line index is not advanced past the first move), blanks the first words of its first
  line and the tail of its last line, and those blanks are written *into* the fetch matrix when
  the lines are a slice of it (NumPy views), so later fetches of the same lines see them.
- **OFMAP writes** (``memory/write_buffer.py``): ofmap words fill lines of bw; each drain
  writes up to ceil(drain/bw) lines, one per cycle from the cycle it starts, the partial line
  flushed as a line of its own (−1 padded); the final drains run from the last row's serviced
  cycle on.

The replay's DRAM counts are returned too; tests check them against the walk's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from ..errors import AccelsimError
from .config import ScaleSimConfig
from .demand import prefetch_layout
from .kernels import _prefetch_elem
from .dram import MemoryFigures
from .model import FoldMapping, ceil_div, ifmap_tables
from .topology import ScaleSimLayer

DRAM_TRACE_FILES = ("IFMAP_DRAM_TRACE.csv", "FILTER_DRAM_TRACE.csv", "OFMAP_DRAM_TRACE.csv")


@dataclass(frozen=True)
class DramTrace:
    """One DRAM trace: ``rows`` (cycle, then the addresses of that cycle; None if SCALE-Sim
    writes no file) and the number of DRAM words it counts."""

    rows: np.ndarray | None
    accesses: int


# ---------------------------------------------------------------- CALC-mode reads


def _rate(words: int, cycles: int) -> int:
    """Words per line of a prefetch spread over ``cycles`` (SCALE-Sim divides by it)."""
    if cycles <= 0:
        raise AccelsimError(
            "SCALE-Sim 3.0.0 stops with ZeroDivisionError here (two prefetch windows complete in the same cycle), "
            "so it writes no DRAM trace for this layer", where="--traces")
    return math.ceil(words / cycles)


def calc_read_trace(demand: np.ndarray, cycles: np.ndarray, words: int, bw: int = 10) -> DramTrace:
    """``ReadBufferEstimateBw`` over a demand matrix (−1 = no request) issued at ``cycles``."""
    per_set = words // 100
    sets: list[set[int]] = []
    latest: dict[int, int] = {}  # address -> id of the last set it was added to
    current: set[int] = set()
    win_start, win_end = 0, 49  # the active sets (ids), inclusive
    pf_start = pf_end = -1
    first_req: int | None = None
    last_start, last_end = -2, -1
    done_first = False
    chunks: list[np.ndarray] = []
    accesses = 0

    def emit(lo: int, hi: int, cyc_start: int, cyc_end: int, rate: int) -> None:
        nonlocal accesses
        addrs = [a for s in sets[lo:hi + 1] for a in s]
        accesses += len(addrs)
        n = max(cyc_end - cyc_start + 1, 0)
        body = np.full(n * rate, -1, dtype=np.int64)
        body[:len(addrs)] = addrs
        chunk = np.empty((n, rate + 1), dtype=np.int64)
        chunk[:, 0] = np.arange(cyc_start, cyc_end + 1) + 1  # the port's latency
        chunk[:, 1:] = body.reshape(n, rate)
        chunks.append(chunk)

    for row, cyc in zip(demand.tolist(), cycles.tolist()):
        if first_req is None and max(row) > -1:
            first_req = cyc
        for a in row:
            if a == -1:
                continue
            s = latest.get(a, -1)
            if s >= 0 and (win_start <= s < len(sets) or s == len(sets)):
                continue  # a hit in the active sets, or already in the open set
            current.add(a)
            latest[a] = len(sets)
            if len(current) < per_set:
                continue
            sets.append(current)
            current = set()
            if len(sets) != win_end + 1:
                continue
            if not done_first:
                last_end = first_req - 2  # type: ignore[operator]
                last_start = last_end - math.ceil(50 * per_set / bw) + 1
                emit(0, 49, last_start, last_end, bw)
                pf_start, pf_end = win_end + 1, win_end + 50
                done_first = True
            else:
                emit(pf_start, pf_end, last_start, last_end, _rate(50 * per_set, last_end - last_start + 1))
                pf_start += 50
                pf_end += 50
            win_start += 50
            win_end += 50
            last_start, last_end = last_end + 1, cyc
    # complete_all_prefetches
    last_id = len(sets) if current else len(sets) - 1
    if current:
        sets.append(current)
    if not done_first:
        n = math.ceil((last_id + 1) * per_set / bw)
        emit(0, last_id, -1 - n, -2, bw)
    else:
        emit(pf_start, last_id, last_start, last_end,
             _rate((last_id - pf_start + 1) * per_set, last_end - last_start + 1))
    width = max(c.shape[1] for c in chunks)
    out = np.ones((sum(c.shape[0] for c in chunks), width), dtype=np.int64)  # padded with ONES
    r = 0
    for c in chunks:
        out[r:r + c.shape[0], :c.shape[1]] = c
        r += c.shape[0]
    return DramTrace(out, accesses)


# ---------------------------------------------------------------- USER-mode reads


@numba.njit(cache=True)
def _prefetch_full(kind, blocks, tb, wb, rollout, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K):
    """The prefetch matrix in SCALE-Sim's fetch order, −1 entries kept (cf. prefetch_sequence)."""
    mt = blocks * tb
    out = np.empty(mt * wb, dtype=np.int64)
    n = 0
    if rollout == 1:
        for diag in range(mt + wb - 1):
            for r in range(min(diag, mt - 1), max(0, diag - wb + 1) - 1, -1):
                out[n] = _prefetch_elem(kind, r, diag - r, tb, wb, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K)
                n += 1
    else:
        for r in range(mt):
            for col in range(wb):
                out[n] = _prefetch_elem(kind, r, col, tb, wb, jfirst, limit, y0, x0, fy, fx, cc, H, W, C, K)
                n += 1
    return out


def fetch_matrix(layer: ScaleSimLayer, fm: FoldMapping, operand: str, offset: int, bw: int) -> np.ndarray:
    """``read_buffer.set_fetch_matrix``: the prefetch matrix flattened into lines of ``bw``."""
    blocks, tb, width, rollout, jfirst, limit = prefetch_layout(fm, operand)
    y0, x0, fy, fx, cc = ifmap_tables(layer)
    flat = _prefetch_full(0 if operand == "ifmap" else 1, blocks, tb, width, rollout, jfirst, limit,
                          y0, x0, fy, fx, cc, layer.H, layer.W, layer.C, fm.K)
    flat[flat >= 0] += offset
    lines = ceil_div(flat.size, bw)
    out = np.full(lines * bw, -1, dtype=np.int64)
    out[:flat.size] = flat
    return out.reshape(lines, bw)


def user_read_trace(fetch: np.ndarray, words: int, moves: int) -> DramTrace:
    """``read_buffer``: the first fill before cycle 0, then ``moves`` window moves."""
    lines, bw = fetch.shape
    active = ceil_div(words, 2)
    prefetch = words - active
    n = min(ceil_div(active, bw), lines)
    chunk = fetch[:n]  # a view: SCALE-Sim's blanks below land in the fetch matrix
    next_col = 0
    if n * bw > active:
        next_col = active % bw
        chunk[n - 1, next_col:] = -1
    parts = [np.column_stack((np.arange(-n, 0), chunk))]
    last = -1
    nxt = n % lines if n * bw > active else (n + 1) % lines
    per_move = ceil_div(prefetch, bw)
    for _ in range(moves):
        start, end = nxt, nxt + per_move
        if end > lines:
            chunk = np.concatenate((fetch[start:], fetch[:min(end - lines, start)]))
        else:
            chunk = fetch[start:end]
        chunk[0, :next_col] = -1
        if per_move * bw > active:
            chunk[-1, active % bw:] = -1
        if chunk.shape[0] != per_move:
            raise AccelsimError("SCALE-Sim 3.0.0 stops here (a prefetch longer than its fetch matrix), so it "
                                "writes no DRAM trace", where="--traces")
        parts.append(np.column_stack((np.arange(last + 2, last + 2 + per_move), chunk)))
        last += per_move + 1
        nxt = per_move % lines if per_move * bw > active else (per_move + 1) % lines
    return DramTrace(np.concatenate(parts), (n + moves * per_move) * bw)


# ---------------------------------------------------------------- OFMAP writes


def write_trace(demand: np.ndarray, cycles: np.ndarray, words: int, bw: int) -> DramTrace:
    """``write_buffer`` over the ofmap demand matrix issued at ``cycles``."""
    active = ceil_div(words, 2)
    per_drain = ceil_div(words - active, bw)
    lines: list[list[int]] = []  # every line ever filled, in order
    line: list[int] = []  # the line being filled
    drain_cycles: list[int] = []  # one per drained line
    free, drained, drain_end, writes = words, 0, 0, 0

    def flush() -> None:
        nonlocal line
        if line:
            lines.append(line + [-1] * (bw - len(line)))
            line = []

    def drain(start: int) -> None:
        """empty_drain_buf: the next lines, one a cycle from ``start``."""
        nonlocal free, drained, drain_end, writes
        hi = min(drained + per_drain, len(lines))
        if hi == drained:
            raise AccelsimError("SCALE-Sim 3.0.0 stops here (an empty OFMAP drain), so it writes no DRAM trace",
                                where="--traces")
        size = (hi - drained) * bw - lines[hi - 1].count(-1)  # −1 padding counts but in the last line
        writes += size
        free += size
        drain_cycles.extend(range(start, start + hi - drained))
        drain_end = start + hi - drained - 1
        drained = hi

    last = 0
    for row, cyc in zip(demand.tolist(), cycles.tolist()):
        cur = cyc
        for a in row:
            if a == -1:
                continue
            line.append(a)
            free -= 1
            if len(line) == bw:
                lines.append(line)
                line = []
            if cur < drain_end:
                if free <= 0:  # full while the last drain runs: the array waits for it
                    cur = drain_end
            elif free < active:
                flush()
                drain(cur)
        last = cur
    flush()  # empty_all_buffers, from the last row's serviced cycle
    while drained < len(lines):
        drain(last)
        last = drain_end + 1
    if not drain_cycles:
        return DramTrace(None, 0)
    out = np.empty((len(lines), bw + 1), dtype=np.int64)
    out[:, 0] = drain_cycles
    out[:, 1:] = lines
    return DramTrace(out, writes)


# ---------------------------------------------------------------- one layer


def dram_traces(layer: ScaleSimLayer, cfg: ScaleSimConfig, fm: FoldMapping, figures: MemoryFigures,
                serviced: np.ndarray, demand: list[np.ndarray]) -> list[DramTrace]:
    """The three DRAM traces of one layer, from its demand matrices (SRAM traces without their
    cycle column), the walk's record of each row (serviced cycles, then the row's own
    cycle) and its report figures."""
    cycles = serviced[:, 3]
    if cfg.user_bandwidth:
        reads = []
        for operand, words, bw, offset, total in (
            ("ifmap", cfg.ifmap_words, cfg.ifmap_dram_bw, cfg.ifmap_offset, figures.dram_ifmap_reads),
            ("filter", cfg.filter_words, cfg.filter_dram_bw, cfg.filter_offset, figures.dram_filter_reads),
        ):
            fetch = fetch_matrix(layer, fm, operand, offset, bw)
            first = min(ceil_div(ceil_div(words, 2), bw), fetch.shape[0])
            per_move = ceil_div(words - ceil_div(words, 2), bw)
            moves = (total // bw - first) // per_move if per_move else 0
            reads.append(user_read_trace(fetch, words, moves))
    else:
        reads = [calc_read_trace(demand[0], cycles, cfg.ifmap_words, cfg.ifmap_dram_bw),
                 calc_read_trace(demand[1], cycles, cfg.filter_words, cfg.filter_dram_bw)]
    return reads + [write_trace(demand[2], cycles, cfg.ofmap_words, cfg.ofmap_dram_bw)]


def _float_text(v: int) -> str:
    """``str(np.float64(v))`` for an integer ``v``: ``12.0``; beyond 2**53 the float's own text."""
    return f"{v}.0" if -2**53 <= v <= 2**53 else repr(float(v))


def savetxt_float(mat: np.ndarray) -> str:
    """``np.savetxt(..., fmt='%s', delimiter=',')`` of the float matrix SCALE-Sim holds."""
    return "".join(",".join(map(_float_text, r)) + "\n" for r in mat.tolist())
