"""A data type that bypasses the GLB (``glb_bypass``) streams DRAM <-> NoC: every element
the array takes of it is a DRAM read, every element it gives back a DRAM write — not the
GLB's tile fills, which do not happen. Checked by hand on small cases and against the
cycle reference model (accelsim/reference/cycles.py), which reads a bypassed weight from
DRAM at every MAC and whose counts come from the oracle's literal walk; the random cases of
tests/test_cycles_reference.py cover the same layouts (weights, ifmaps, psums + ofmaps out
of the GLB) on every dataflow."""
from __future__ import annotations

import numpy as np
import pytest

from accelsim.dataflow import DATAFLOWS
from accelsim.engine import kernel as K
from accelsim.engine.evaluate import evaluate, run_kernel
from accelsim.engine.problem import Problem
from accelsim.hardware.loader import hardware_from_dict
from accelsim.mapping.mapping import Mapping
from accelsim.reference.cycles import Machine, simulate_cycles
from naive import conv2d

TYPES = ("weight", "ifmap", "psum", "ofmap")
P = Problem(1, 1, 2, 2, 3, 3, 1, 1, 3, 3)  # M=2 C=2, 3×3 ifmaps, 1×1 filters: 4 weights, 18 outputs


def machine(bypass: tuple[str, ...]):
    return hardware_from_dict({
        "name": "bypass", "clock_mhz": 100, "dataflow": "ws", "word_bits": 8,
        "array": {"rows": 2, "cols": 2, "kind": "spatial"}, "rf": {"split": {"weight": 4, "ifmap": 4, "psum": 4}},
        "noc": {"kind": "multicast", "bw": 64},
        "glbs": [{"name": "glb", "holds": [t for t in TYPES if t not in bypass], "size": "4 KiB", "bw": 64}],
        "glb_bypass": list(bypass), "dram": {"word_bits": 8, "bw": 1}, "simd": {"lanes": 1}, "energy": "eyeriss",
    })


# WS, C on the PE rows, M on the columns, each PE keeps one weight per pass.
# E tiled by 1 (3 GLB tiles, E innermost): the GLB keeps the 4 weights across the tiles,
# but the RFs start each tile empty, so the array reads all 4 in each tile.
E_TILES = Mapping("ws", (1, 1, 2, 2, 1, 3), "NGMCEF", (1, 1, 2, 2, 1, 1, 1, 1), (1, 1, 1, 1, 1, 3, 1, 1), ("C",), ("M",))
# C tiled by 1 (2 GLB tiles, the same output block): the first writes 18 psums back from the
# array, the second reads them and writes 18 ofmaps; the GLB keeps the block between them.
C_TILES = Mapping("ws", (1, 1, 2, 1, 3, 3), "NGMECF", (1, 1, 2, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 3, 1, 1), ("C",), ("M",))


@pytest.mark.parametrize("bypass, m, dram", [
    # weights from DRAM in each of the 3 tiles: 3 × 4 (the GLB's tile fills were 4)
    (("weight",), E_TILES, {"weight": (12, 0), "ifmap": (18, 0), "psum": (0, 0), "ofmap": (0, 18)}),
    # psums and ofmaps to and from DRAM: 18 written, 18 read back, 18 ofmaps (the GLB's: 0 psums)
    (("psum", "ofmap"), C_TILES, {"weight": (4, 0), "ifmap": (18, 0), "psum": (18, 18), "ofmap": (0, 18)}),
    (("ifmap",), E_TILES, {"weight": (4, 0), "ifmap": (18, 0), "psum": (0, 0), "ofmap": (0, 18)}),
])
def test_bypassed_type_counts_its_stream_at_dram(bypass, m, dram):
    spec = machine(bypass)
    df = DATAFLOWS["ws"]
    rng = np.random.default_rng(5)
    w = rng.integers(-4, 5, (1, 2, 2, 1, 1))
    x = rng.integers(-4, 5, (1, 1, 2, 3, 3))
    cost = evaluate(P, spec, df, m)
    got = {t: (cost.accesses["DRAM"][t]["reads"], cost.accesses["DRAM"][t]["writes"]) for t in TYPES}
    assert got == dram
    for t in bypass:
        assert cost.accesses["GLB"][t] == {"reads": 0, "writes": 0}
        assert not any(a.startswith("glb_") and a.endswith("." + t) for a in cost.actions)
    # the reference model: the same DRAM counts from its literal walk, the same cycles
    # from its clock, and the convolution computed with the bypassed values read from DRAM
    ref = simulate_cycles(P, df, m, Machine.from_spec(spec), w, x)
    assert (ref.counts["dram_read_weight"], ref.counts["dram_read_psum"], ref.counts["dram_write_psum"]) == (
        dram["weight"][0], dram["psum"][0], dram["psum"][1])
    assert (cost.cycles, cost.stall_cycles) == (ref.cycles, ref.stall_cycles)
    o, _ = conv2d(x[0, 0], w[0, :, :, :, :].reshape(2, 2, 1, 1), 1, (0, 0, 0, 0), 1, 1)
    np.testing.assert_array_equal(ref.output[0, 0], o)
    # what the fix changed: the kernel's DRAM slots are the GLB's tile fills
    r = run_kernel(P, df, m)[0]
    assert (r[K.DRAM_RW], r[K.DRAM_RP], r[K.DRAM_WP]) == (4, 0, 0)
