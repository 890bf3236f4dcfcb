"""The mapper's extra spatial layouts (search.spatial_layouts: the filters M spread along
an axis that E/F leave half idle) are counted by the kernel exactly as the set-based
oracle counts them, with real numbers pushed through (tests/test_engine_counts.py's
check, on the layouts as dataflows)."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

import numpy as np

from accelsim.dataflow import DATAFLOWS
from accelsim.engine import kernel as K
from accelsim.engine.problem import DIMS, Problem
from accelsim.mapping.search import spatial_layouts
from test_engine_counts import check, mapped_layers

RS_M = replace(DATAFLOWS["rs"], rows=("R", "C"), cols=("E", "M"))
IS_M = replace(DATAFLOWS["is"], cols=("E", "M"))
OS_M = replace(DATAFLOWS["os"], rows=("E", "M"))
OS_M_COLS = replace(DATAFLOWS["os"], cols=("F", "M"))


@settings(max_examples=40, deadline=None)
@given(mapped_layers(RS_M))
def test_rs_with_filters_across_the_columns(case):
    check(RS_M, case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(IS_M))
def test_is_with_filters_across_the_columns(case):
    check(IS_M, case)



# OS with M spread: M is also an RF loop with loops inside it, so at an RF step past a PE's
# last filter the PE is idle and fetches nothing (one fetch per MAC, docs/engine.md §3).
@settings(max_examples=40, deadline=None)
@given(mapped_layers(OS_M))
def test_os_with_filters_across_the_rows(case):
    check(OS_M, case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(OS_M_COLS))
def test_os_with_filters_across_the_columns(case):
    check(OS_M_COLS, case)


def test_strided_pe_blocks_count_each_weight_once():
    """M = 4 spread over 2 PEs with 2 filters each, one MAC per filter, weights streamed:
    each MAC needs its own weight, so 4 NoC transfers and 4 distinct GLB reads (the PEs'
    filters {0, 1} and {2, 3} are read one of each per RF step: the union at a step is 2
    elements, not the 3 of the hull [m, m + 3))."""
    p = Problem(1, 1, 4, 1, 1, 1, 1, 1, 1, 1)
    df = OS_M
    keep = np.array([df.keep_level(t) for t in ("weight", "ifmap", "psum")], np.int64)
    res = K.layer_detail(
        p.as_array(), np.array([1, 1, 4, 1, 1, 1], np.int64), np.arange(6, dtype=np.int64),
        np.array([2 if d == "M" else 1 for d in DIMS], np.int64), np.array([2 if d == "M" else 1 for d in DIMS], np.int64),
        np.array([DIMS.index(d) for d in df.pass_order], np.int64), np.array([DIMS.index(d) for d in df.rf_order], np.int64),
        keep, True, np.zeros(8, np.int64), False,
    )[0]
    assert res[K.MACS] == 4
    assert res[K.NOC_W] == 4 and res[K.GLB_W] == 4


def test_the_mapper_offers_exactly_the_checked_layouts():
    fc = Problem(1, 1, 1000, 4096, 1, 1, 1, 1, 1, 1)
    assert spatial_layouts(fc, DATAFLOWS["rs"], 12, 14) == [(("R", "C", "M"), ("E",)), (("R", "C"), ("E", "M"))]
    assert spatial_layouts(fc, DATAFLOWS["is"], 12, 14) == [(("C",), ("E",)), (("C",), ("E", "M"))]
    assert spatial_layouts(fc, DATAFLOWS["os"], 12, 14) == [(("E",), ("F",)), (("E", "M"), ("F",)), (("E",), ("F", "M"))]
    for name in ("ws", "nlr"):
        assert len(spatial_layouts(fc, DATAFLOWS[name], 12, 14)) == 1
    big = Problem(1, 1, 64, 64, 56, 56, 3, 3, 58, 58)
    for df in DATAFLOWS.values():
        # RS also offers PE sets where E could fill the columns (search.SETS): the RS_M layout above
        want = [(("R", "C", "M"), ("E",)), (("R", "C"), ("E", "M"))] if df.name == "rs" else [(df.rows, df.cols)]
        assert spatial_layouts(big, df, 12, 14) == want
