"""A dim split across more than one loop at the DRAM level (Timeloop's ``P2 Q8 M2 … P4``
at one level): the GLB tiles are visited in the order of a nest where a dim has several
loops. The reference model (accelsim/reference/oracle.py) walks that nest literally —
every tile, every element it holds — and the engine's counts (the per-tile walk and the
class-wise totals) must equal its counts on seeded random layers and nests; the cycle
reference model runs one such nest on the clock."""
from __future__ import annotations

import numpy as np
import pytest

from accelsim.dataflow import DATAFLOWS
from accelsim.engine.evaluate import kernel_totals
from accelsim.engine.problem import DIMS
from accelsim.mapping.mapping import TILE_DIMS, Mapping
from accelsim.reference.check import SLOTS, cases, engine_differs, reference_counts


def split_nest(rng: np.random.Generator, counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """Each dim's tile count as one loop or two (a divisor and the rest), all shuffled."""
    loops = []
    for d in TILE_DIMS:
        c = counts[d]
        divs = [a for a in range(2, c) if c % a == 0]
        if divs and rng.random() < 0.8:
            a = int(rng.choice(divs))
            loops += [(d, a), (d, c // a)]
        else:
            loops.append((d, c))
    return tuple(loops[i] for i in rng.permutation(len(loops)))


@pytest.mark.parametrize("name", ["ws", "rs"])
def test_split_dram_nest_equals_reference(name):
    df = DATAFLOWS[name]
    rng = np.random.default_rng(7)
    split = 0
    changed = 0
    for p, t1, order, sp, t3 in cases(df, 8, seed=7):
        b = dict(zip(DIMS, p.bounds))
        t1 = [1 if d in "EF" and rng.random() < 0.7 else t for d, t in zip(TILE_DIMS, t1)]  # more tiles to split
        counts = {d: -(-b[d] // t) for d, t in zip(TILE_DIMS, t1)}
        loops = split_nest(rng, counts)
        split += len(loops) > 6
        m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols,
                    dram_loops=loops)
        assert engine_differs(p, df, m) == {}
        ref = reference_counts(p, df, m)
        assert {k: int(kernel_totals(p, df, m)[i]) for k, i in SLOTS.items()} == {k: ref.get(k, 0) for k in SLOTS}
        plain = reference_counts(p, df, Mapping(df.name, m.t1, order, m.sp, m.t3, df.rows, df.cols))
        changed += plain != ref
    assert split > 0 and changed > 0  # some nests split a dim, and some split moved a DRAM count


def test_split_dram_nest_on_the_clock():
    from accelsim.engine.problem import Problem
    from test_bypass import machine
    from test_cycles_reference import check

    spec = machine(())  # 2×2 PEs, one GLB, DRAM 1 byte per cycle
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 2, 2, 4, 4, 3, 3, 6, 6, 1, 1, 0, 0)
    # E in 4 tiles as E2 (outer) … E2 (inner), F in 2 tiles between them
    m = Mapping("rs", (1, 1, 2, 2, 1, 2), "NGMCEF", (1, 1, 1, 1, 1, 1, 2, 1), (1, 1, 1, 2, 1, 2, 1, 3), df.rows, df.cols,
                dram_loops=(("N", 1), ("G", 1), ("M", 1), ("C", 1), ("E", 2), ("F", 2), ("E", 2)))
    assert check(df, (p, spec, m)) >= {"several tiles"}


def test_pinned_yaml_takes_split_loops_and_refuses_a_bad_product():
    from accelsim.engine.problem import Problem
    from accelsim.errors import AccelsimError
    from accelsim.mapping.pinned import pinned_mapping
    from test_bypass import machine

    spec = machine(())
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 2, 2, 4, 4, 3, 3, 6, 6)
    m = pinned_mapping({"glb_tile": {"E": 1, "F": 2}, "dram_loops": "E2 F2 E2"}, p, spec, df, "c", "pins.yaml")
    assert m.dram_loops == (("N", 1), ("G", 1), ("M", 1), ("C", 1), ("E", 2), ("F", 2), ("E", 2))
    assert m.describe(df)["dram_loop_order"].startswith("N1 > G1 > M1 > C1 > E2 > F2 > E2")
    with pytest.raises(AccelsimError, match=r"pins.yaml.*dram_loops.*loops of E multiply to 6.*4 tiles of E"):
        pinned_mapping({"glb_tile": {"E": 1, "F": 2}, "dram_loops": "E2 F2 E3"}, p, spec, df, "c", "pins.yaml")
