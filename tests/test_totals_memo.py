"""kernel.array_totals_memo: the per-dim sums kept across the candidates of one search
change no count. Every candidate of a sequence sharing one memo is held to the tile-by-tile
kernel.layer_detail (itself held to the set-based oracle in test_engine_counts.py), its
DRAM and MAX slots aside (the mapper fills those from the tile walk). The sequences are
long enough that the memo runs out of room (more than MEMO_CAP classes of a dim) and
forgets, and each layout keeps its own spatial factors and RF extents per dim."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.dataflow import DATAFLOWS
from accelsim.engine import kernel as K
from accelsim.engine.problem import DIMS
from strategies import ALL_DATAFLOWS, candidates, small_problems

ARRAY_SLOTS = [k for k in range(K.N_OUT) if not (K.DRAM_RW <= k <= K.DRAM_WO or k in (K.MAX_W, K.MAX_I, K.MAX_O))]


@st.composite
def searches(draw):
    """A layer, a dataflow and a sequence of candidates (GLB tile, spatial factors, RF extents)."""
    df, systolic = draw(st.sampled_from(ALL_DATAFLOWS))
    p = draw(small_problems(max_u=2, max_pad=1, max_hw=7))
    cands = []
    for _ in range(draw(st.integers(1, 40))):
        t1, sp, t3 = draw(candidates(df, p))
        cands.append((t1, [sp[d] for d in DIMS], [t3[d] for d in DIMS]))
    return df, systolic, p, cands


def _check(df, systolic, p, cands):
    keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
    po = np.array([DIMS.index(d) for d in df.pass_order], np.int64)
    ro = np.array([DIMS.index(d) for d in df.rf_order], np.int64)
    axis = np.array([1 if d in df.rows else 2 if d in df.cols else 0 for d in DIMS], np.int64)
    order = np.arange(6, dtype=np.int64)
    memo = K.totals_memo()
    for t1, sp, t3 in cands:
        t1a, spa, t3a = (np.array(v, np.int64) for v in (t1, sp, t3))
        want = K.layer_detail(p.as_array(), t1a, order, spa, t3a, po, ro, keep, df.uses_rf, axis, systolic)[0]
        got = K.array_totals_memo(p.as_array(), t1a, spa, t3a, po, ro, keep, df.uses_rf, axis, systolic, memo)
        assert [int(got[k]) for k in ARRAY_SLOTS] == [int(want[k]) for k in ARRAY_SLOTS], (t1, sp, t3)


@settings(max_examples=60, deadline=None)
@given(searches())
def test_memo_changes_no_count(case):
    _check(*case)


def test_memo_forgets_when_full():
    """More E classes than the memo holds (every E tile 1..7 × spatial factors 1..3 of E,
    padding clipping some): it forgets and counts on, every candidate still exact."""
    from accelsim.engine.problem import Problem

    p = Problem(1, 1, 2, 2, 7, 7, 3, 3, 7, 7, 1, 1, 1, 1)
    df = DATAFLOWS["rs"]
    assert "E" in df.cols
    cands = []
    for e in range(1, 8):
        for q in range(1, 4):
            sp = [1 if d != "E" else q for d in DIMS]
            cands.append(([1, 1, 2, 2, e, 7], sp, [1] * 8))
    assert len(cands) > K.MEMO_CAP
    _check(df, False, p, cands)
