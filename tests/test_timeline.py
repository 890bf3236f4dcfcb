"""The tile-by-tile timeline (docs/engine.md §5) against a hand-worked case."""
from __future__ import annotations

import numpy as np

from accelsim.engine import kernel as K

# every data type in one buffer of unlimited bandwidth (a type in no buffer, -1, bypasses the
# GLB: its traffic streams from DRAM during the tile, tests/test_bypass.py)
HELD, UNLIMITED = np.zeros(4, np.int64), np.zeros(1)


def test_double_buffered_timeline_by_hand():
    # Two GLB tiles of 100 compute cycles each; 16-bit elements; DRAM 32 bits/cycle.
    rows = np.zeros((1, K.N_OUT), np.int64)
    rows[0, K.COMPUTE] = 100
    tile_row = np.array([0, 0], np.int64)
    per = np.zeros((3, 5), np.int64)
    per[0, 1] = 50  # tile 0 needs 50 ifmap elements first: 800 bits = 25 cycles, exposed
    per[1, 0] = 400  # tile 1 needs 400 weights: 6400 bits = 200 cycles, while tile 0 runs
    per[1, 3] = 10  # tile 1's start evicts 10 psums: 160 bits = 5 cycles, while tile 1 runs
    per[2, 4] = 20  # the final write-back: 320 bits = 10 cycles, exposed
    cycles, compute, array_side = K.timeline(
        tile_row, rows, per,
        np.zeros(3), np.full(4, 16.0), 32.0, HELD, UNLIMITED,
    )
    # 25 (first fill) + max(100, 200) + max(100, 5) + 10 (last write-back)
    assert (cycles, compute, array_side) == (25 + 200 + 100 + 10, 200, 200)


def test_noc_bandwidth_stretches_a_tile():
    rows = np.zeros((1, K.N_OUT), np.int64)
    rows[0, K.COMPUTE] = 100
    rows[0, K.GLB_I] = 450  # 450 ifmap values over a NoC of 3 per cycle: 150 cycles
    per = np.zeros((2, 5), np.int64)
    cycles, compute, _ = K.timeline(
        np.array([0], np.int64), rows, per,
        np.array([0.0, 3.0, 0.0]), np.full(4, 16.0), 32.0, HELD, UNLIMITED,
    )
    assert (cycles, compute) == (150, 100)


def test_every_phase_ends_on_a_clock_edge():
    # DRAM 19.2 bits/cycle (Eyeriss: 2.4 bytes per 200 MHz cycle), 16-bit elements, two
    # tiles of 10 compute cycles. Each DRAM phase ends on a clock edge (it cannot hand
    # its last partial cycle to the next phase, whose work waits for a tile to start):
    per = np.zeros((3, 5), np.int64)
    per[0, 1] = 5  # tile 0's fill: 80 bits = 4.17 cycles -> 5, exposed
    per[1, 0] = 17  # tile 1's fill: 272 bits = 14.17 cycles -> 15, during tile 0 (10)
    per[1, 3] = 1  # tile 1's start evicts 1 psum: 16 bits -> 1 cycle, during tile 1 (10)
    per[2, 4] = 5  # the last write-back: 80 bits = 4.17 cycles -> 5, exposed
    rows = np.zeros((1, K.N_OUT), np.int64)
    rows[0, K.COMPUTE] = 10
    cycles, compute, _ = K.timeline(
        np.array([0, 0], np.int64), rows, per,
        np.zeros(3), np.full(4, 16.0), 0.48e9 / 200e6 * 8, HELD, UNLIMITED,
    )
    # 5 + max(10, 15) + max(10, 1) + 5; a fluid sum rounded once would give ceil(32.5) = 33
    assert (cycles, compute) == (35, 20)


def test_a_tile_ends_on_a_clock_edge():
    # Two tiles of 100 compute cycles, each moving 301 ifmaps over a NoC of 3 per cycle
    # (100.33 cycles -> 101) and 50 16-bit weights through a 24 bits/cycle weight buffer
    # (33.3 cycles -> 34); no DRAM traffic.
    rows = np.zeros((1, K.N_OUT), np.int64)
    rows[0, K.COMPUTE] = 100
    rows[0, K.GLB_I] = 301
    rows[0, K.GLB_W] = 50
    cycles, compute, array_side = K.timeline(
        np.array([0, 0], np.int64), rows, np.zeros((3, 5), np.int64),
        np.array([0.0, 3.0, 0.0]), np.full(4, 16.0), 32.0, np.array([0, 1, 1, 1], np.int64), np.array([24.0, 0.0]),
    )
    assert (cycles, compute, array_side) == (202, 200, 202)
    rows[0, K.GLB_W] = 200  # 3200 bits at 24 per cycle: 133.3 -> 134 cycles per tile
    assert K.timeline(
        np.array([0, 0], np.int64), rows, np.zeros((3, 5), np.int64),
        np.array([0.0, 3.0, 0.0]), np.full(4, 16.0), 32.0, np.array([0, 1, 1, 1], np.int64), np.array([24.0, 0.0]),
    )[0] == 268


def test_bound_by_names_the_largest_share_of_the_cycles():
    from accelsim.engine.evaluate import bound_by

    # the hand-worked case above: 335 cycles, 200 computing, 0 waiting for the GLB/NoC,
    # 135 for DRAM (25 + 100 + 10): compute-bound, although DRAM stalls it
    assert bound_by(335, 200, 200) == "compute"
    assert bound_by(335, 100, 250) == "GLB/NoC bandwidth"  # 150 > 100, 85
    assert bound_by(335, 100, 120) == "DRAM bandwidth"  # 215 > 100, 20
    assert bound_by(300, 100, 200) == "compute"  # a three-way tie goes to compute


def test_layers_are_not_all_dram_bound():
    """GoogLeNet on Eyeriss: the 7×7 stem (118 M MACs on a 224×224 input) is
    compute-bound; the FC layer reads a million weights for one use each: DRAM-bound."""
    import accelsim

    r = accelsim.run("googlenet", "eyeriss", "rs")
    by = {l.name: l.mapping["bound_by"] for l in r.layers if "bound_by" in l.mapping}
    assert by["conv1.conv"] == "compute"
    assert by["fc"] == "DRAM bandwidth"
    assert "GLB/NoC bandwidth" in by.values()


def test_a_bypassed_type_streams_from_dram_during_its_tile():
    # One tile of 100 compute cycles whose array reads 400 16-bit weights; the weights are in
    # no buffer (-1): no tile fill of them (per's 300 is the GLB's and does not happen), and
    # the 6400 bits stream from DRAM (32 bits/cycle) while the tile runs: 200 cycles.
    rows = np.zeros((1, K.N_OUT), np.int64)
    rows[0, K.COMPUTE] = 100
    rows[0, K.GLB_W] = 400
    per = np.zeros((2, 5), np.int64)
    per[0, 0] = 300
    bypass = np.array([-1, 0, 0, 0], np.int64)
    assert K.timeline(np.array([0], np.int64), rows, per, np.zeros(3), np.full(4, 16.0), 32.0, bypass, UNLIMITED)[0] == 200
    # held in the buffer instead: the 300-weight fill is exposed (150 cycles), then the tile
    assert K.timeline(np.array([0], np.int64), rows, per, np.zeros(3), np.full(4, 16.0), 32.0, HELD, UNLIMITED)[0] == 250
