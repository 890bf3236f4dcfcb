"""A mapping's own loop orders (a pinned Timeloop mapping's per-level permutations): the
pass loops and the RF loops in any order, the keep levels still named by their loops.
The reference model (accelsim/reference/oracle.py) runs the reordered nest literally with
real numbers — the output must be the convolution — and the engine's counts must equal
its counts, on the seeded random layers and mappings of accelsim/reference/check.py."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from accelsim.dataflow import DATAFLOWS, SYSTOLIC
from accelsim.engine.evaluate import run_kernel
from accelsim.engine.problem import DIMS
from accelsim.errors import AccelsimError
from accelsim.mapping.mapping import Mapping
from accelsim.mapping.pinned import pinned_mapping
from accelsim.reference.check import SLOTS, cases, engine_differs, reference_counts
from accelsim.reference.conv import conv_problem

RUNS = [(False, DATAFLOWS[d]) for d in ("ws", "os", "rs")] + [(True, SYSTOLIC["os"])]



def equals_reference(p, df, m, systolic, rng):
    """The reference model runs m on random integers: its output must be the convolution and
    its counts the kernel's; the reference's counts and the kernel's totals are returned."""
    w = rng.integers(-4, 5, (p.G, p.M, p.C, p.R, p.S))
    x = rng.integers(-4, 5, (p.N, p.G, p.C, p.H, p.W))
    out = np.zeros((p.N, p.G, p.M, p.E, p.F), np.int64)
    ref = reference_counts(p, df, m, systolic, values=(w, x, out))
    np.testing.assert_array_equal(out, conv_problem(p, w, x))
    assert ref["macs"] == p.macs
    got = run_kernel(p, df, m, systolic)[0]
    assert {k: int(got[i]) for k, i in SLOTS.items()} == {k: ref.get(k, 0) for k in SLOTS}
    return ref, got

@pytest.mark.parametrize("systolic, df", RUNS, ids=[("systolic-" if s else "") + df.name for s, df in RUNS])
def test_reordered_nest_equals_reference(systolic, df):
    rng = np.random.default_rng(19)
    changed = 0
    for p, t1, order, sp, t3 in cases(df, 10, seed=19):
        po = tuple(rng.permutation(list(DIMS)))
        for _ in range(20):  # an RF order the engine counts (Mapping.unsupported_rf_loop)
            ro = tuple(rng.permutation(list(df.rf_order)))
            m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols, po, ro)
            if m.unsupported_rf_loop(df, p) is None:
                break
        else:
            m = Mapping(df.name, tuple(t1), order, m.sp, m.t3, df.rows, df.cols, po)
            ro = df.rf_order
        nest = m.nest(df)
        assert (nest.pass_order, nest.rf_order, nest.keep) == (po, ro, df.keep)
        ref, got = equals_reference(p, df, m, systolic, rng)
        plain = run_kernel(p, df, Mapping(df.name, m.t1, order, m.sp, m.t3, df.rows, df.cols), systolic)[0]
        changed += not np.array_equal(plain, got)
    assert changed > 0  # the orders moved some count: the check is not of the dataflow's own nest


def test_pinned_yaml_takes_orders_and_refuses_a_wrong_one():
    from accelsim.engine.problem import Problem
    from accelsim.hardware import load_hardware
    from conftest import REPO

    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 4, 3, 5, 5, 3, 3, 7, 7)
    m = pinned_mapping({"pass_order": "NGMCEFRS", "rf_order": "FNCSM"}, p, spec, df, "c", "pins.yaml")
    assert (m.pass_order, m.rf_order) == (tuple("NGMCEFRS"), tuple("FNCSM"))
    assert m.describe(df)["rf_loops"].startswith("F")
    with pytest.raises(AccelsimError, match=r"pins.yaml.*rf_order.*permutation of NFCSM; found 'NFCS'"):
        pinned_mapping({"rf_order": "NFCS"}, p, spec, df, "c", "pins.yaml")
    # C split over the PE rows, its RF loop moved above the ifmap and psum keep level (F)
    with pytest.raises(AccelsimError, match=r"pins.yaml.*rf_order.*RF loop of C.*spatial C2"):
        pinned_mapping({"spatial": {"C": 2}, "rf": {"C": 2}, "rf_order": "CNFSM"}, p, spec, df, "c", "pins.yaml")


def test_an_idle_rf_step_is_where_the_models_part():
    """What unsupported_rf_loop refuses, shown: rs with C on 2 PE rows and 2 C per PE over a
    tile of 3 C, the C loop moved above the psum keep level — the PE holding C 2..3 idles
    at C step 1; the reference model keeps its psum block through that step, the engine
    counts it given back. If the engine learns that step, this test tells it to drop the
    refusal."""
    from accelsim.engine.problem import Problem

    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 1, 3, 2, 4, 2, 2, 3, 5)
    sp = {"N": 1, "G": 1, "M": 1, "C": 2, "E": 1, "F": 1, "R": 1, "S": 1}
    t3 = {"N": 1, "G": 1, "M": 1, "C": 2, "E": 1, "F": 2, "R": 1, "S": 2}
    m = Mapping("rs", (1, 1, 1, 3, 2, 4), "NGMCEF", tuple(sp.values()), tuple(t3.values()), df.rows, df.cols, (), tuple("NCFSM"))
    assert m.unsupported_rf_loop(df, p) == "C"
    assert engine_differs(p, df, m)


def test_reordered_nest_on_the_clock():
    """The same freedom on the cycle reference model (it runs the mapping's own orders):
    eyeriss, RS, a strided padded layer, the pass loops and the RF loops reordered."""
    from accelsim.engine.problem import Problem
    from accelsim.hardware import load_hardware
    from conftest import REPO
    from test_cycles_reference import check

    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 2, 2, 3, 3, 3, 3, 6, 6, 2, 1, 1, 1)
    m = pinned_mapping({"glb_tile": {"M": 1, "E": 2}, "spatial": {"R": 3, "E": 2}, "rf": {"F": 3, "S": 3, "M": 1, "C": 2},
                        "pass_order": "EFNGMCRS", "rf_order": "CNFSM"}, p, spec, df, "c", "pins.yaml")
    plain = pinned_mapping({"glb_tile": {"M": 1, "E": 2}, "spatial": {"R": 3, "E": 2}, "rf": {"F": 3, "S": 3, "M": 1, "C": 2}},
                           p, spec, df, "c", "pins.yaml")
    assert check(df, (p, spec, m)) >= {"several tiles"}
    assert run_kernel(p, df, m)[0].tolist() != run_kernel(p, df, plain)[0].tolist()


def split_case(rng: np.random.Generator, df):  # type: ignore[no-untyped-def]
    """A small layer and a mapping whose RF loops split one or two dims across two loops
    each (Timeloop's P4 … P14 inside a PE), in a random order with random keep levels;
    each split dim's bound is a multiple of its pass block (sp · t3), as Timeloop's
    factors are, so every pass covers it whole."""
    from accelsim.engine.problem import Problem

    U, pad = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    split = [str(d) for d in rng.choice(list(DIMS), size=int(rng.integers(1, 3)), replace=False)]
    sp = dict.fromkeys(DIMS, 1)
    for d in df.rows + df.cols:
        sp[d] = int(rng.integers(1, 3))
    loops = []
    t3 = dict.fromkeys(DIMS, 1)
    for d in split:
        a, c = int(rng.integers(1, 3)), int(rng.integers(2, 4))
        loops += [(d, a), (d, c)]
        t3[d] = a * c
    for d in df.rf_order:
        if d not in split:
            t3[d] = int(rng.integers(1, 3)) if sp[d] == 1 else 1
            loops.append((d, t3[d]))
    b = {d: int(rng.integers(1, 3)) for d in DIMS}
    for d in split:
        b[d] = sp[d] * t3[d] * int(rng.integers(1, 3)) if d not in "RS" else sp[d] * t3[d]
    if any(d in "RS" for d in split) or b["R"] * b["S"] > 9:
        b["R"], b["S"] = (b["R"], 1) if "R" in split else (1, b["S"]) if "S" in split else (b["R"], b["S"])
    pt, pl = min(pad, b["R"] - 1), min(pad, b["S"] - 1)
    H, W = (b["E"] - 1) * U + b["R"] - 2 * pt, (b["F"] - 1) * U + b["S"] - 2 * pl
    p = Problem(b["N"], b["G"], b["M"], b["C"], b["E"], b["F"], b["R"], b["S"], H, W, U, 1, pt, pl)
    assert (p.E, p.F) == (b["E"], b["F"])
    t1 = [b[d] if d in split or rng.random() < 0.5 else int(rng.integers(1, b[d] + 1)) for d in "NGMCEF"]
    t1 = [sp[d] * t3[d] * int(rng.integers(1, b[d] // (sp[d] * t3[d]) + 1)) if d in split else t for d, t in zip("NGMCEF", t1)]
    t1 = [t if b[d] % t == 0 or d not in split else b[d] for d, t in zip("NGMCEF", t1)]
    loops = [loops[i] for i in rng.permutation(len(loops))]
    keep = tuple(int(k) for k in rng.integers(0, len(loops) + 1, 3))
    m = Mapping(df.name, tuple(t1), "".join(rng.permutation(list("NGMCEF"))), tuple(sp[d] for d in DIMS),
                tuple(t3[d] for d in DIMS), df.rows, df.cols, tuple(str(d) for d in rng.permutation(list(DIMS))), (), (), tuple(loops), keep)
    return p, m


@pytest.mark.parametrize("systolic, df", RUNS, ids=[("systolic-" if s else "") + df.name for s, df in RUNS])
def test_split_rf_loops_equal_reference(systolic, df):
    """A dim split across two RF loops: the reference model runs the nest literally with real
    numbers (the output is the convolution) and the engine's counts equal its counts."""
    rng = np.random.default_rng(23)
    changed = 0
    for _ in range(12):
        while True:  # a nest the engine counts (Mapping.rf_split_error)
            p, m = split_case(rng, df)
            if m.rf_split_error(p) is None:
                break
        ref, got = equals_reference(p, df, m, systolic, rng)
        # the same nest with each split dim's two loops merged into one at the outer place
        merged = []
        for d, c in m.rf_loops:
            if d not in {e for e, _ in merged}:
                merged.append((d, dict(zip(DIMS, m.t3))[d]))
        inner = [i for i, (d, _) in enumerate(m.rf_loops) if [e for e, _ in m.rf_loops[:i]].count(d) == 1]
        keep = tuple(k - sum(1 for i in inner if i < k) for k in m.keep_at)
        one = dataclasses.replace(m, rf_loops=tuple(merged), keep_at=keep)
        changed += reference_counts(p, df, one, systolic) != ref
    assert changed > 0  # some split moved a count: the check is not of a one-loop nest
