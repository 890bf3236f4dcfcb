"""The full search's repair of RF blocks that overflow (mapping/full.py: _rf_repairs): a
move that grows an RF extent keeps each type's block further in until it fits.

Checked against the space's own fit test (space.rf_ok, which counts each block as
pinned.rf_need does), level by level: with a spad per type (eyeriss), the one repaired
mapping has each type at the first of its levels, from its own inward, whose block fits
its spad alone (the other types streamed); with one RF shared by the types, every repaired
mapping fits, keeps its tiles, factors, extents and nest, moves blocks only inward, and one
that moves a single type moves it to the first level where all fit.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from accelsim.dataflow import dataflow_for
from accelsim.engine.problem import DIMS, Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import space as SP
from accelsim.mapping.full import _rf_repairs

from conftest import REPO

LAYER = Problem(N=1, G=1, M=16, C=8, E=12, F=12, R=3, S=3, H=25, W=25, U=2, D=1, pt=1, pl=1)


def _overflowing(p: Problem, spec, df, seed: int) -> list:
    """Random mappings of the space with one free RF extent grown to its whole share (the
    full search's tile and RF-extent moves), in the space's form, and a few nests splitting
    that extent's loop: those whose blocks overflow."""
    rng = np.random.default_rng(seed)
    systolic = spec.array.kind == "systolic"
    out = []
    for m in SP.random_mappings(p, spec, df, rng, 300):
        t1 = dict(zip("NGMCEF", m.t1))
        for d in SP.free_rf_dims(df, {**t1, "R": p.R, "S": p.S}):
            i = DIMS.index(d)
            share = -(-t1[d] // m.sp[i])
            grown = SP.respan(df, replace(m, t3=m.t3[:i] + (share,) + m.t3[i + 1 :]), systolic)
            # and that extent's RF loop split in two around others (the full search's last neighbourhood)
            for x in [grown] + SP.split_moves(df, grown, systolic, between=False, dim=d)[:3]:
                if not SP.rf_ok(p, spec, df, x):
                    out.append(x)
    return out


def _shape(m) -> tuple:
    """What a repair keeps: tiles, order, layout, factors, extents (a split nest whose two
    loops of a dim no level separates any more is that dim's one loop: space.with_levels)."""
    return m.t1, m.dram_order, m.sp, m.t3, m.rows, m.cols


@pytest.mark.parametrize("dataflow", ["rs", "ws"])
def test_each_spad_at_the_first_level_that_fits(dataflow):
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = dataflow_for(dataflow, spec.array.kind)
    cases = _overflowing(LAYER, spec, df, 3)
    assert len(cases) >= 20 and sum(SP._split_inner(m.rf_loops) >= 0 for m in cases) >= 10
    found = 0
    for m in cases:
        levels = SP.keep_levels(df, m)
        opts = SP.level_options(df, m)
        n = len(m.rf_loops) if m.rf_loops else len(df.rf_order)
        split = SP._split_inner(m.rf_loops) >= 0
        at = lambda ls: replace(m, keep_at=ls) if split else SP.with_levels(df, m, ls)  # noqa: E731  (the nest as it is)
        want = []
        for i in range(3):  # the type alone in the RF (the others streamed): its spad's fit
            alone = lambda lv: SP.rf_ok(LAYER, spec, df, at(tuple(lv if j == i else n for j in range(3))))  # noqa: E731
            want.append(next(lv for lv in opts[i] if lv >= levels[i] and alone(lv)))
        got = _rf_repairs(LAYER, spec, df, m, False)
        # in the space's form (space.with_levels): a split nest whose two loops no level
        # separates any more is merged into the dataflow's nest, which may not fit: none then
        x = SP.with_levels(df, m, tuple(want))
        assert got == ([x] if SP.rf_ok(LAYER, spec, df, x) else []), m
        assert all(SP.rf_ok(LAYER, spec, df, r) and _shape(r) == _shape(m) for r in got)
        found += bool(got)
    assert found >= 20


def test_one_shared_rf():
    base = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    spec = replace(base, rf=replace(base.rf, split=None, size_bits=32 * 16))  # 32 words for all three types
    df = dataflow_for("rs", spec.array.kind)
    cases = [m for m in _overflowing(LAYER, spec, df, 5) if SP._split_inner(m.rf_loops) < 0]
    assert len(cases) >= 20
    singles = 0
    for m in cases:
        # the levels in canonical form (a block inside loops of one trip is the block outside them)
        t3 = dict(zip(DIMS, m.t3))
        counts = [c for _, c in m.rf_loops] if m.rf_loops else [t3[d] for d in df.rf_order]
        levels = tuple(SP._canonical_level(counts, k) for k in SP.keep_levels(df, m))
        opts = SP.level_options(df, m)
        got = _rf_repairs(LAYER, spec, df, m, False)
        assert got and len(set(got)) == len(got)
        for r in got:
            moved = SP.keep_levels(df, r)
            assert SP.rf_ok(LAYER, spec, df, r) and _shape(r) == _shape(m) and r != m
            assert all(a >= b for a, b in zip(moved, levels)), (m, r)
            changed = [i for i in range(3) if moved[i] != levels[i]]
            if len(changed) == 1:
                singles += 1
                i = changed[0]
                for lv in opts[i]:
                    if levels[i] <= lv < moved[i]:
                        assert not SP.rf_ok(LAYER, spec, df, SP.with_levels(df, m, levels[:i] + (lv,) + levels[i + 1 :]))
    assert singles > 0
