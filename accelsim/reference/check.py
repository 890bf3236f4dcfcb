"""Is a dataflow correct? Run it, literally, on random small layers and compare with NumPy.

:func:`check_dataflow` draws small conv layers (seeded: strides, padding, groups, odd
sizes, batch) and a mapping of each onto a few PEs, and runs the reference model
(:func:`accelsim.reference.oracle.simulate`) with real numbers. The reference model runs
the dataflow's RF loop nest as :meth:`Dataflow.order` yields it — an iteration skipped or
repeated is a product missing or added twice — so the output must equal a NumPy
convolution (:mod:`accelsim.reference.conv`) and the layer must take exactly its
N·G·M·C·E·F·R·S MACs. Then the loop nest must be the one ``rf_order`` declares (the engine
counts that one), and the engine's counts must equal the reference model's.

Each failure is an :class:`~accelsim.errors.AccelsimError` naming the dataflow, the layer,
and the first wrong output element (n, m, e, f) with the expected and the computed value.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator

import numpy as np

from ..dataflow.base import DIMS, Dataflow
from ..engine import kernel as K
from ..engine.evaluate import run_kernel
from ..engine.problem import Problem
from ..errors import AccelsimError
from ..mapping.mapping import Mapping
from .conv import conv_problem
from .oracle import simulate

SLOTS = {
    "noc_weight": K.NOC_W, "glb_read_weight": K.GLB_W, "rf_write_weight": K.RFW_W,
    "noc_ifmap": K.NOC_I, "glb_read_ifmap": K.GLB_I, "rf_write_ifmap": K.RFW_I,
    "noc_psum_out": K.NOC_PO, "glb_write_psum": K.GLB_WP, "glb_write_ofmap": K.GLB_WO,
    "glb_read_psum": K.GLB_RP, "noc_psum_in": K.NOC_PI, "macs": K.MACS,
    "rf_read_weight": K.RFR_W, "rf_read_ifmap": K.RFR_I, "rf_read_psum": K.RFR_P, "rf_write_psum": K.RFW_P,
    "dram_read_weight": K.DRAM_RW, "dram_read_ifmap": K.DRAM_RI, "dram_read_psum": K.DRAM_RP,
    "dram_write_psum": K.DRAM_WP, "dram_write_ofmap": K.DRAM_WO,
}
"""The reference model's counters and the kernel's output slots they correspond to."""

CASES = 8


def describe(p: Problem) -> str:
    """A layer as a student reads it: sizes at the layer's (not the group's) scale."""
    s = f"N={p.N} C={p.C * p.G} H={p.H} W={p.W} M={p.M * p.G} R={p.R} S={p.S} -> E={p.E} F={p.F}"
    extras = []
    if p.U > 1:
        extras.append(f"stride {p.U}")
    if p.pt or p.pl:
        extras.append(f"padding top {p.pt} left {p.pl}")
    if p.D > 1:
        extras.append(f"dilation {p.D}")
    if p.G > 1:
        extras.append(f"groups {p.G}")
    return s + (" (" + ", ".join(extras) + ")" if extras else "")


def small_problem(rng: np.random.Generator, stride: int, pad: int, groups: int) -> Problem:
    R, S = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    H = int(rng.integers(max(R, 2), 6))
    W = int(rng.integers(max(S, 2), 6))
    pt, pl = min(pad, R - 1), min(pad, S - 1)
    E = (H + 2 * pt - R) // stride + 1
    F = (W + 2 * pl - S) // stride + 1
    return Problem(int(rng.integers(1, 3)), groups, int(rng.integers(1, 4)), int(rng.integers(1, 4)),
                   E, F, R, S, H, W, stride, 1, pt, pl)


def cases(df: Dataflow, n: int = CASES, seed: int = 0) -> Iterator[tuple[Problem, list[int], str, dict[str, int], dict[str, int]]]:
    """``n`` layers and mappings: plain, strided, padded, grouped, then random."""
    rng = np.random.default_rng(seed)
    fixed = [(1, 0, 1), (2, 1, 1), (1, 1, 2), (2, 0, 2)]
    for k in range(n):
        stride, pad, groups = fixed[k] if k < len(fixed) else (int(rng.integers(1, 3)), int(rng.integers(0, 2)), int(rng.integers(1, 3)))
        p = small_problem(rng, stride, pad, groups)
        b = dict(zip(DIMS, p.bounds))
        t1 = [int(rng.integers(1, b[d] + 1)) for d in "NGMCEF"]
        order = "".join(rng.permutation(list("NGMCEF")))
        sp = dict.fromkeys(DIMS, 1)
        t3 = dict.fromkeys(DIMS, 1)
        for d in df.rows + df.cols:
            sp[d] = int(rng.integers(1, 4))
        for d in df.rf_order:
            t3[d] = int(rng.integers(1, 4))
        yield p, t1, order, sp, t3


def literal_order(df: Dataflow, origin: str) -> Callable[[dict[str, int]], Iterator[tuple[int, ...]]]:
    """``df.order`` as the reference model runs it: every step checked to be a tuple of
    indices of the RF loops, each within its loop's extent."""

    def steps(extent: dict[str, int]) -> Iterator[tuple[int, ...]]:
        limit = 4 * math.prod(extent.values()) + 16  # enough to show repeats; an endless order() stops here
        try:
            for k, it in enumerate(df.order(dict(extent))):
                if k >= limit:
                    raise AccelsimError(
                        f"order() does not stop: it yielded {limit} steps for loops of {math.prod(extent.values())} iterations",
                        where=origin, expected="one step per iteration of the RF loops", found=dict(extent),
                    )
                it = tuple(it) if isinstance(it, (tuple, list)) else (it,)
                ok = len(it) == len(df.rf_order) and all(isinstance(i, (int, np.integer)) and 0 <= i < extent[d] for i, d in zip(it, df.rf_order))
                if not ok:
                    raise AccelsimError(
                        f"order() step {k} is not a step of the RF loops", where=origin,
                        expected=f"a tuple of {len(df.rf_order)} indices ({', '.join(df.rf_order)}), each 0 <= index < "
                        + ", ".join(f"{extent[d]}" for d in df.rf_order),
                        found=it,
                    )
                yield tuple(int(i) for i in it)
        except AccelsimError:
            raise
        except Exception as exc:  # the user's order() failed
            raise AccelsimError(
                f"order() raised {type(exc).__name__}: {exc}", where=origin,
                expected="a generator of index tuples (see docs/teaching.md)",
            ) from None

    return steps


def check_dataflow(df: Dataflow, n: int = CASES, seed: int = 0, origin: str | None = None) -> None:
    """Raise an AccelsimError if ``df`` does not compute the convolution, or if its loop
    nest is not the one it declares; return None if it is correct on every case."""
    origin = origin or getattr(df, "origin", None) or f"dataflow '{df.name}'"  # a user's: its file and class
    steps = literal_order(df, origin)
    keep = {t: df.keep_level(t) for t in ("weight", "ifmap", "psum")}
    rng = np.random.default_rng(seed + 1)
    for p, t1, order, sp, t3 in cases(df, n, seed):
        w = rng.integers(-4, 5, (p.G, p.M, p.C, p.R, p.S))
        x = rng.integers(-4, 5, (p.N, p.G, p.C, p.H, p.W))
        out = np.zeros((p.N, p.G, p.M, p.E, p.F), np.int64)
        counts = simulate(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf, values=(w, x, out), order=steps)
        expect = conv_problem(p, w, x)
        mapping = _mapping_text(df, sp, t3)
        if not np.array_equal(out, expect):
            n_, g, m, e, f = (int(i) for i in np.argwhere(out != expect)[0])
            raise AccelsimError(
                f"computes a wrong output on the layer {describe(p)}, mapped {mapping}: "
                f"the first wrong output element is (n={n_}, m={g * p.M + m}, e={e}, f={f}), expected {int(expect[n_, g, m, e, f])}, "
                f"got {int(out[n_, g, m, e, f])}; the schedule did {counts['macs']} MACs, the layer needs {p.macs}",
                where=origin, expected="every product of the convolution added exactly once (an RF loop nest that skips or repeats no iteration)",
            )
        if counts["macs"] != p.macs:
            raise AccelsimError(
                f"does {counts['macs']} MACs on the layer {describe(p)}, mapped {mapping}, which needs {p.macs} "
                "(the outputs came out right only because the extra or missing products multiply padding zeros)",
                where=origin, expected="every product of the convolution exactly once",
            )
        _same_nest(df, steps, t3, origin)
        _engine_agrees(df, p, t1, order, sp, t3, counts, origin, mapping)


def _mapping_text(df: Dataflow, sp: dict[str, int], t3: dict[str, int]) -> str:
    rows = "×".join(f"{d}{sp[d]}" for d in df.rows) or "-"
    cols = "×".join(f"{d}{sp[d]}" for d in df.cols) or "-"
    return f"PE rows {rows}, cols {cols}, RF loops " + " > ".join(f"{d}{t3[d]}" for d in df.rf_order)


def _same_nest(df: Dataflow, steps, t3: dict[str, int], origin: str) -> None:
    extent = {d: t3[d] for d in df.rf_order}
    nested = itertools.product(*(range(extent[d]) for d in df.rf_order))
    for k, (got, want) in enumerate(itertools.zip_longest(steps(extent), nested)):
        if got != want:
            raise AccelsimError(
                f"order() is not the loop nest rf_order = {' > '.join(df.rf_order)} declares (the engine counts that one): "
                f"with extents {extent}, step {k} is {got} where the nest visits {want}",
                where=origin, expected="order() to nest the loops as rf_order lists them, or rf_order changed to match order()",
            )


def _engine_agrees(df, p, t1, order, sp, t3, counts, origin, mapping) -> None:
    m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols)
    res = run_kernel(p, df, m)[0]
    for k, i in SLOTS.items():
        if int(res[i]) != counts.get(k, 0):
            raise AccelsimError(
                f"the engine counts {k} = {int(res[i])} where the reference model counts {counts.get(k, 0)} "
                f"on the layer {describe(p)}, mapped {mapping} — an accelsim bug; please report it with this dataflow",
                where=origin,
            )


def reference_counts(p: Problem, df: Dataflow, m: Mapping, systolic: bool = False, values=None):  # type: ignore[no-untyped-def]
    """The reference model's counts of mapping ``m`` with every freedom it takes (its own
    pass and RF orders, spatial dims and DRAM-level loops)."""
    pass_order, rf_order, keep, rf_loops = m.reference_nest(df)
    return simulate(p, list(m.t1), m.dram_order, dict(zip(DIMS, m.sp)), dict(zip(DIMS, m.t3)), pass_order, rf_order,
                    keep, df.uses_rf, values=values, systolic=systolic, dram_loops=list(m.dram_loops) or None, rf_loops=rf_loops)


def engine_differs(p: Problem, df: Dataflow, m: Mapping, systolic: bool = False) -> dict[str, tuple[int, int]]:
    """The counters where the engine's count (first) is not the reference model's (second)."""
    ref = reference_counts(p, df, m, systolic)
    got = run_kernel(p, df, m, systolic)[0]
    return {k: (int(got[i]), ref.get(k, 0)) for k, i in SLOTS.items() if int(got[i]) != ref.get(k, 0)}


_VERIFIED: set[tuple] = set()


def verified(df: Dataflow) -> None:
    """:func:`check_dataflow`, once per distinct dataflow (class and declarations) in a process."""
    key = (type(df), df.name, df.rows, df.cols, df.rf_order, tuple(sorted(df.keep.items())), df.pass_order, df.uses_rf, df.full_in_pass)
    if key not in _VERIFIED:
        check_dataflow(df)
        _VERIFIED.add(key)
