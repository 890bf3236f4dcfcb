"""The DRAM-level tile walk against a literal re-enactment with Python sets.

The reference below keeps the actual sets of elements resident in the GLB and counts
every element fetched or written, following docs/engine.md §4 — no shared code.
"""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.engine.problem import Problem
from accelsim.engine.tiles import walk_tiles
from strategies import small_problems


def reference(p: Problem, tile, order):
    bounds = p.bounds[:6]
    ranges = [list(range(0, b, t)) for b, t in zip(bounds, tile)]
    counts = dict(w=0, i=0, pr=0, pw=0, ow=0)
    glb_w, glb_i = set(), set()
    cur_out = None
    seen_outputs = set()
    full_c = set(range(p.C))
    done_c = {}
    for pos in itertools.product(*(ranges[d] for d in order)):
        start = dict(zip(order, pos))
        rng = [range(start[d], min(start[d] + tile[d], bounds[d])) for d in range(6)]
        n_, g_, m_, c_, e_, f_ = rng
        need_w = {(g, m, c, r, s) for g in g_ for m in m_ for c in c_ for r in range(p.R) for s in range(p.S)}
        need_i = set()
        for n in n_:
            for g in g_:
                for c in c_:
                    for e in e_:
                        for r in range(p.R):
                            y = e * p.U - p.pt + r * p.D
                            if not 0 <= y < p.H:
                                continue
                            for f in f_:
                                for s in range(p.S):
                                    x = f * p.U - p.pl + s * p.D
                                    if 0 <= x < p.W:
                                        need_i.add((n, g, c, y, x))
        counts["w"] += len(need_w - glb_w)
        counts["i"] += len(need_i - glb_i)
        glb_w, glb_i = need_w, need_i
        out = frozenset((n, g, m, e, f) for n in n_ for g in g_ for m in m_ for e in e_ for f in f_)
        if out != cur_out:
            if cur_out is not None:
                key = "ow" if all(done_c[o] == full_c for o in cur_out) else "pw"
                counts[key] += len(cur_out)
            if out & seen_outputs:
                counts["pr"] += len(out)
            cur_out = out
            seen_outputs |= out
        for o in out:
            done_c.setdefault(o, set()).update(c_)
    key = "ow" if all(done_c[o] == full_c for o in cur_out) else "pw"
    counts[key] += len(cur_out)
    return counts


@st.composite
def cases(draw):
    p = draw(small_problems())
    tile = [draw(st.integers(1, b)) for b in p.bounds[:6]]
    order = draw(st.permutations(range(6)))
    return p, tile, list(order)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_walk_equals_set_reenactment(case):
    p, tile, order = case
    got = walk_tiles(p.as_array(), np.array(tile, np.int64), np.array(order, np.int64))
    ref = reference(p, tile, order)
    assert list(got[:5]) == [ref["w"], ref["i"], ref["pr"], ref["pw"], ref["ow"]]


def test_whole_layer_in_one_tile_reads_each_datum_once():
    # AlexNet CONV1 (227x227x3, 96 11x11/4): one tile reads every weight and pixel once
    # and writes every output once: 34,848 weights, 154,587 pixels, 290,400 outputs.
    p = Problem(1, 1, 96, 3, 55, 55, 11, 11, 227, 227, 4)
    got = walk_tiles(p.as_array(), np.array(p.bounds[:6], np.int64), np.arange(6, dtype=np.int64))
    assert list(got[:5]) == [96 * 3 * 121, 3 * 227 * 227, 0, 0, 96 * 55 * 55]
