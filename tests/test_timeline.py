"""The tile-by-tile timeline (docs/engine.md §5) against a hand-worked case."""
from __future__ import annotations

import numpy as np

from accelsim.engine import kernel as K


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
        np.zeros(3), np.full(4, 16.0), 32.0, np.full(4, -1, np.int64), np.zeros(0),
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
        np.array([0.0, 3.0, 0.0]), np.full(4, 16.0), 32.0, np.full(4, -1, np.int64), np.zeros(0),
    )
    assert (cycles, compute) == (150, 100)
