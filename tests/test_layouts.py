"""The mapper's extra spatial layouts (search.spatial_layouts: the filters M spread along
an axis that E/F leave half idle) are counted by the kernel exactly as the set-based
oracle counts them, with real numbers pushed through (tests/test_engine_counts.py's
check, on the layouts as dataflows)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from accelsim.dataflow import DATAFLOWS
from accelsim.engine.problem import Problem
from accelsim.mapping.search import spatial_layouts
from test_engine_counts import check, mapped_layers

RS_M = replace(DATAFLOWS["rs"], rows=("R", "C"), cols=("E", "M"))
IS_M = replace(DATAFLOWS["is"], cols=("E", "M"))
OS_M = replace(DATAFLOWS["os"], rows=("E", "M"))


@settings(max_examples=40, deadline=None)
@given(mapped_layers(RS_M))
def test_rs_with_filters_across_the_columns(case):
    check(RS_M, case)


@settings(max_examples=40, deadline=None)
@given(mapped_layers(IS_M))
def test_is_with_filters_across_the_columns(case):
    check(IS_M, case)


@pytest.mark.xfail(strict=True, reason="kernel and oracle differ when M is spread and also an outer RF loop of OS")
@settings(max_examples=40, deadline=None)
@given(mapped_layers(OS_M))
def test_os_with_filters_across_the_rows(case):
    check(OS_M, case)


def test_the_mapper_offers_exactly_the_checked_layouts():
    fc = Problem(1, 1, 1000, 4096, 1, 1, 1, 1, 1, 1)
    assert spatial_layouts(fc, DATAFLOWS["rs"], 12, 14) == [(("R", "C", "M"), ("E",)), (("R", "C"), ("E", "M"))]
    assert spatial_layouts(fc, DATAFLOWS["is"], 12, 14) == [(("C",), ("E",)), (("C",), ("E", "M"))]
    assert spatial_layouts(fc, DATAFLOWS["os"], 12, 14) == [(("E",), ("F",))]
    for name in ("ws", "nlr"):
        assert len(spatial_layouts(fc, DATAFLOWS[name], 12, 14)) == 1
    big = Problem(1, 1, 64, 64, 56, 56, 3, 3, 58, 58)
    for df in DATAFLOWS.values():
        assert len(spatial_layouts(big, df, 12, 14)) == 1
