"""A pinned mapping's own spatial dims (``rows``/``cols``: Timeloop's free spatial factors,
Eyeriss' t PE sets that share an ifmap with different filters side by side, JSSC'17
§IV-A, Fig. 5). The engine's counts equal the reference model's literal walk with any
dims spread over the PEs, and on a small RS layer the t = 2 arrangement — filters beside
output rows on the columns — reads the ifmap from the GLB fewer times than output rows
alone on the same PEs (what made CONV1 GIN-bound), on the clocked reference model too."""
from __future__ import annotations

import numpy as np
import pytest

from accelsim.dataflow import DATAFLOWS
from accelsim.engine.evaluate import evaluate
from accelsim.engine.problem import DIMS, Problem
from accelsim.errors import AccelsimError
from accelsim.mapping.mapping import Mapping
from accelsim.mapping.pinned import pinned_mapping
from accelsim.reference.check import cases, engine_differs


@pytest.mark.parametrize("name", ["ws", "rs"])
def test_any_spatial_dims_equal_reference(name):
    df = DATAFLOWS[name]
    rng = np.random.default_rng(23)
    n = 0
    for p, t1, order, sp, t3 in cases(df, 12, seed=23):
        sp = {d: (int(rng.integers(2, 4)) if rng.random() < 0.4 else sp[d]) for d in DIMS}
        m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols)
        if m.unsupported_rf_loop(df, p) is not None:
            continue
        assert engine_differs(p, df, m) == {}
        n += any(sp[d] > 1 for d in DIMS if d not in df.rows + df.cols)
    assert n >= 3  # cases with a dim the dataflow does not spread, spread


def test_pe_sets_side_by_side_read_the_ifmap_fewer_times():
    """RS, 3×3 filters at stride 2, 4 filters, 6×6 outputs, on 3 × 6 PEs: E6 on the columns
    (one filter per PE set) against E3 × M2 (two PE sets of 3 × 3 with different filters,
    t = 2): the same MACs per pass, but 7 ifmap rows multicast per pass instead of 13."""
    from test_bypass import TYPES
    from test_cycles_reference import check

    from accelsim.hardware.loader import hardware_from_dict

    spec = hardware_from_dict({
        "name": "pe-sets", "clock_mhz": 100, "dataflow": "rs", "word_bits": 16,
        "array": {"rows": 3, "cols": 6, "kind": "spatial"}, "rf": {"split": {"weight": 32, "ifmap": 12, "psum": 8}},
        "noc": {"kind": "multicast", "bw": {"weight": 4, "ifmap": 1, "psum": 4, "ofmap": 4}},
        "glbs": [{"name": "glb", "holds": list(TYPES), "size": "16 KiB", "bw": 64}],
        "dram": {"word_bits": 16, "bw": 8}, "simd": {"lanes": 1}, "energy": "eyeriss",
    })
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 4, 1, 6, 6, 3, 3, 13, 13, 2, 1, 0, 0)
    base = {"spatial": {"R": 3, "E": 6}, "rf": {"F": 6, "S": 3, "M": 2}}
    one_set = pinned_mapping(base, p, spec, df, "c", "pins.yaml")
    two_sets = pinned_mapping({"spatial": {"R": 3, "E": 3, "M": 2}, "rf": {"F": 6, "S": 3, "M": 2}, "rows": "RC", "cols": "EM"},
                              p, spec, df, "c", "pins.yaml")
    a, b = evaluate(p, spec, df, one_set), evaluate(p, spec, df, two_sets)
    # closed form: E6 passes over M (2 of 4 filters per PE): 2 passes × 13 rows × 13 columns;
    # E3 × M2: E in 2 passes × 7 rows × 13 columns, one pass over M
    assert (a.accesses["GLB"]["ifmap"]["reads"], b.accesses["GLB"]["ifmap"]["reads"]) == (2 * 13 * 13, 2 * 7 * 13)
    assert a.macs == b.macs == p.macs
    assert b.cycles < a.cycles
    for m in (one_set, two_sets):
        check(df, (p, spec, m))  # counts and cycles equal the clocked reference model's


def test_free_spatial_dims_refused_where_they_cannot_be_counted():
    spec_rs = __import__("test_bypass").machine(())
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 2, 2, 4, 4, 3, 3, 6, 6)
    with pytest.raises(AccelsimError, match=r"pins.yaml.*cols: M on both"):
        pinned_mapping({"cols": "EM"}, p, spec_rs, df, "c", "pins.yaml")


def test_eyeriss_conv1_on_the_chips_pe_sets():
    """reproduce eyeriss' CONV1 in the chip's PE-set shape (R11 rows, E7 × M2 columns, p = 16;
    GLB tiles M32 C1 E28 F28): the GLB ifmap reads in closed form — N 4 × C tiles 3 × M tiles
    3 × Σ over E tiles and passes of the rows a pass reads (E 0..28: 4 passes of 7 outputs,
    6·4 + 11 = 35 rows each; E 28..55: 3 × 35 and 6 outputs, 31 rows) × Σ over F tiles of
    the columns (28 outputs: 119; 27: 115)."""
    from accelsim.reproduce.eyeriss import pe_sets_conv1

    c = pe_sets_conv1(4)
    assert c.accesses["GLB"]["ifmap"]["reads"] == 4 * 3 * 3 * (4 * 35 + 3 * 35 + 31) * (119 + 115)
    assert c.macs == 4 * 96 * 3 * 55 * 55 * 11 * 11
