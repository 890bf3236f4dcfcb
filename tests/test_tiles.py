"""The DRAM-level tile walk against a literal re-enactment with Python sets.

The reference below keeps the actual sets of elements resident in the GLB and counts
every element fetched or written, following docs/engine.md §4 — no shared code. Both
the per-tile walk (walk_tiles_detail) and its closed form (walk_tiles) are held to it,
and to each other on larger grids than the reference can afford.
"""
from __future__ import annotations

import itertools
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.engine.problem import Problem
from accelsim.engine.tiles import walk_tiles, walk_tiles_detail
from strategies import small_problems


def reference(p: Problem, tile, order):
    bounds = p.bounds[:6]
    ranges = [list(range(0, b, t)) for b, t in zip(bounds, tile)]
    counts = dict(w=0, i=0, pr=0, pw=0, ow=0, tiles=0, w_max=0, i_max=0, o_max=0)
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
        counts["tiles"] += 1
        counts["w_max"] = max(counts["w_max"], len(need_w))
        counts["i_max"] = max(counts["i_max"], len(need_i))
        counts["w"] += len(need_w - glb_w)
        counts["i"] += len(need_i - glb_i)
        glb_w, glb_i = need_w, need_i
        out = frozenset((n, g, m, e, f) for n in n_ for g in g_ for m in m_ for e in e_ for f in f_)
        counts["o_max"] = max(counts["o_max"], len(out))
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


SLOTS = ("w", "i", "pr", "pw", "ow", "tiles", "w_max", "i_max", "o_max")  # tiles.W_READS … O_MAX


@settings(max_examples=300, deadline=None)
@given(cases())
def test_walk_equals_set_reenactment(case):
    p, tile, order = case
    args = p.as_array(), np.array(tile, np.int64), np.array(order, np.int64)
    ref = reference(p, tile, order)
    want = [ref[k] for k in SLOTS]
    assert list(walk_tiles(*args)) == want  # the closed form
    walked, per = walk_tiles_detail(*args)
    assert list(walked) == want  # the per-tile walk
    assert list(per.sum(axis=0)) == want[:5]


def _random_case(rng: random.Random, max_hw: int, max_c: int) -> tuple[Problem, list[int], list[int]]:
    """A layer (strides, dilation, padding up to past the filter, groups) with a random
    GLB tile (1, 2 or many tiles per dim, partial edge tiles) and DRAM loop order."""
    U, D = rng.randint(1, 4), rng.randint(1, 3)
    R, S = rng.randint(1, 5), rng.randint(1, 5)
    pt, pl = rng.randint(0, D * (R - 1) + 1), rng.randint(0, D * (S - 1) + 1)
    H = rng.randint(max(1, D * (R - 1) + 1 - 2 * pt), max_hw)
    W = rng.randint(max(1, D * (S - 1) + 1 - 2 * pl), max_hw)
    E = (H + 2 * pt - D * (R - 1) - 1) // U + 1
    F = (W + 2 * pl - D * (S - 1) - 1) // U + 1
    p = Problem(rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, max_c), rng.randint(1, max_c), E, F, R, S, H, W, U, D,
                pt, pl)

    def size(b: int) -> int:
        kind = rng.randrange(4)
        if kind == 0:
            return b  # one tile
        if kind == 1:
            return max(1, (b + 1) // 2)  # two tiles where b > 1, the second maybe partial
        return rng.randint(1, b)

    tile = [size(b) for b in p.bounds[:6]]
    return p, tile, rng.sample(range(6), 6)


def test_closed_form_equals_walk_on_larger_grids():
    # ~300 layers up to 40x40 outputs and 24 channels, up to thousands of tiles: every
    # slot of the closed form equals the per-tile walk's
    rng = random.Random(20261204)
    for _ in range(300):
        p, tile, order = _random_case(rng, max_hw=40, max_c=24)
        args = p.as_array(), np.array(tile, np.int64), np.array(order, np.int64)
        assert list(walk_tiles(*args)) == list(walk_tiles_detail(*args)[0]), (p, tile, order)


def test_edge_tiles_with_padding_touch_more_rows_than_the_first():
    # 3x3 filter, padding 1, E = 5 in tiles of 2 (2 + 2 + 1): the first tile's outputs
    # e = 0, 1 touch rows -1..2, of which 3 are real (row -1 is padding); the middle tile
    # e = 2, 3 touches rows 1..4, all 4 real; so the largest ifmap block is 4 rows, not 3
    p = Problem(1, 1, 1, 1, 5, 5, 3, 3, 5, 5, 1, 1, 1, 1)
    tile = [1, 1, 1, 1, 2, 5]
    got = walk_tiles(p.as_array(), np.array(tile, np.int64), np.arange(6, dtype=np.int64))
    ref = reference(p, tile, list(range(6)))
    assert got[7] == ref["i_max"] == 4 * 5


def test_whole_layer_in_one_tile_reads_each_datum_once():
    # AlexNet CONV1 (227x227x3, 96 11x11/4): one tile reads every weight and pixel once
    # and writes every output once: 34,848 weights, 154,587 pixels, 290,400 outputs.
    p = Problem(1, 1, 96, 3, 55, 55, 11, 11, 227, 227, 4)
    got = walk_tiles(p.as_array(), np.array(p.bounds[:6], np.int64), np.arange(6, dtype=np.int64))
    assert list(got[:5]) == [96 * 3 * 121, 3 * 227 * 227, 0, 0, 96 * 55 * 55]
