"""The mapper's RF extents (accelsim/mapping/rf_blocks.py) are what a brute force over
the same grid picks: every combination of the free dims' extents (⌈tile/factor⌉ and the
powers of two below it, in ``itertools.product`` order) checked one by one with the
scalar rule ``search.rf_fits``, the two largest volumes kept, ties to the earlier one —
on split and shared RFs, every dataflow, random layers, tiles and spatial factors."""
from __future__ import annotations

import dataclasses
import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.dataflow import DATAFLOWS, SYSTOLIC
from accelsim.engine.problem import DIMS, Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S

from conftest import REPO

EYERISS = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
EDGE = load_hardware(REPO / "hw_configs" / "edge_16x16.yaml")
# the same RF unpartitioned: every type's bits against one size
SHARED = dataclasses.replace(EYERISS, rf=dataclasses.replace(EYERISS.rf, split=None, size_bits=EYERISS.rf.size_bits))
NO_RF = dataclasses.replace(EYERISS, rf=None)
FLOWS = list(DATAFLOWS.values()) + list(SYSTOLIC.values())


def brute_force(p: Problem, spec, df, t1: dict[str, int], sp: dict[str, int], base: dict[str, int]) -> list[dict[str, int]]:
    free = [d for d in df.rf_order if base[d] == 1 and t1[d] > 1 and d not in df.full_in_pass and d not in ("R", "S")]
    choices = []
    for d in free:
        top = -(-t1[d] // sp[d])
        choices.append(sorted({top} | {1 << k for k in range(top.bit_length()) if 1 << k < top}, reverse=True))
    fitting = []
    for i, combo in enumerate(itertools.product(*choices)):
        t3 = {**base, **dict(zip(free, combo))}
        if S.rf_fits(p, spec, df, t3):
            fitting.append((-math.prod(t3[d] for d in df.rf_order), i, t3))
    return [t3 for _, _, t3 in sorted(fitting, key=lambda x: x[:2])[:2]]


@st.composite
def cases(draw):
    spec = draw(st.sampled_from([EYERISS, EDGE, SHARED, NO_RF]))
    df = draw(st.sampled_from(FLOWS))
    R, S_ = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    U, D = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    E, F = draw(st.integers(1, 60)), draw(st.integers(1, 60))
    H = min((E - 1) * U + (R - 1) * D + 1, draw(st.integers(1, 300)))
    W = min((F - 1) * U + (S_ - 1) * D + 1, draw(st.integers(1, 300)))
    p = Problem(draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 200)), draw(st.integers(1, 200)),
                E, F, R, S_, H, W, U, D, 0, 0)
    b = dict(zip(DIMS, p.bounds))
    t1 = {d: draw(st.integers(1, b[d])) for d in "NGMCEF"} | {"R": R, "S": S_}
    sp = {d: draw(st.integers(1, 16)) for d in DIMS}
    base = dict.fromkeys(DIMS, 1)
    for d in df.rf_order:
        if d in df.full_in_pass or d in ("R", "S"):
            base[d] = -(-t1[d] // draw(st.sampled_from([1, 1, 2, 4])))  # t3_options halves them where nothing fits
    return p, spec, df, t1, sp, base


@settings(max_examples=600, deadline=None)
@given(cases())
def test_largest_blocks_are_the_brute_force_picks(case):
    p, spec, df, t1, sp, base = case
    assert S._t3_fill(p, spec, df, t1, sp, base) == brute_force(p, spec, df, t1, sp, base)
