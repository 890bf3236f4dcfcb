"""The expected compression model against the literal reference model moving real sparse
tensors: accelsim/reference/oracle.py walks every GLB tile, pass, PE and MAC with real sets
of elements, and — given each element's chance of being non-zero — counts the non-zeros
each transfer moves and gates or skips every MAC whose watched operand is zero (a padded
input is a zero), MAC by MAC.

- With every element's chance set to its tensor's density, the reference's counts are the
  exact expectations over uniform random masks (linearity of expectation, MAC by MAC): the
  expected mode must equal them, for every dataflow, spatial and systolic, on layers with
  strides, padding and groups.
- With real 0/1 masks drawn at those densities, the mean of the reference's counts over
  the masks must lie within 5 standard errors of the expected mode (a test that can fail).
"""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from accelsim.compress.spec import LayerCompression, TensorCompression as T
from accelsim.dataflow import DATAFLOWS, SYSTOLIC, dataflow_for
from accelsim.engine.problem import DIMS
from accelsim.engine.sparse import sparse_evaluate
from accelsim.hardware import hardware_from_dict
from accelsim.mapping.mapping import Mapping
from accelsim.paths import REPO
from accelsim.reference.check import cases
from accelsim.reference.oracle import simulate
from accelsim.yamlio import load_yaml

EYERISS = load_yaml(REPO / "hw_configs" / "eyeriss.yaml")
BITMASK = {t: "bitmask" for t in ("weight", "ifmap")}
FORMATS = {"DRAM": BITMASK, "GLB": BITMASK, "NoC": BITMASK}
DW, DI = 0.4, 0.7


def machine(kind: str, handling: str, operands: list[str]):
    d = copy.deepcopy(EYERISS)
    d["sparse"] = {"formats": FORMATS, "zeros": {"handling": handling, "operands": operands}}
    if kind == "systolic":
        d.update(array={"rows": 4, "cols": 4, "kind": "systolic"}, noc={"kind": "forwarding", "bw": {"weight": 4, "ifmap": 4, "psum": 4}},
                 dataflow="ws")
        d["rf"] = {"split": {"weight": 8, "ifmap": 8, "psum": 8}}
    return hardware_from_dict(d, f"{kind}_{handling}.yaml")


def reference(p, t1, order, sp, t3, df, density, zeros, systolic):
    keep = {t: df.keep_level(t) for t in ("weight", "ifmap", "psum")}
    return simulate(p, t1, order, sp, t3, df.pass_order, df.rf_order, keep, df.uses_rf, systolic=systolic,
                    density=density, zeros=zeros)


def constant(p, dw, di):
    return (np.full((p.G, p.M, p.C, p.R, p.S), dw), np.full((p.N, p.G, p.C, p.H, p.W), di))


def expected(p, t1, order, sp, t3, df, spec):
    m = Mapping(df.name, tuple(t1), order, tuple(sp[d] for d in DIMS), tuple(t3[d] for d in DIMS), df.rows, df.cols)
    return sparse_evaluate(p, spec, df, m, LayerCompression(weight=T(density=DW), ifmap=T(density=DI)))


PAIRS = {  # (reference counter, level, data type, reads|writes)
    "dram_read_weight_nz": ("DRAM", "weight", "reads"),
    "dram_read_ifmap_nz": ("DRAM", "ifmap", "reads"),
    "glb_read_weight_nz": ("GLB", "weight", "reads"),
    "glb_read_ifmap_nz": ("GLB", "ifmap", "reads"),
    "noc_weight_nz": ("NoC", "weight", "reads"),
    "noc_ifmap_nz": ("NoC", "ifmap", "reads"),
    "rf_read_weight_done": ("RF", "weight", "reads"),
    "rf_read_ifmap_done": ("RF", "ifmap", "reads"),
    "rf_read_psum_done": ("RF", "psum", "reads"),
}


def compare(ref, sc, rel=1e-9, tol=None):
    """The expected mode's figures against the reference's (exactly, or within ``tol``)."""
    got = {k: sc.accesses[lv][t][rw] for k, (lv, t, rw) in PAIRS.items()}
    got["macs_done"] = sc.macs - sc.macs_gated - sc.macs_skipped
    got["macs_effectual"] = sc.macs_effectual
    for k, v in got.items():
        want = ref.get(k, 0.0)
        if tol is None:
            assert v == pytest.approx(want, rel=rel, abs=1e-9), k
        else:
            assert abs(v - want) <= tol[k], (k, v, want, tol[k])


SETTINGS = [("gating", ["ifmap"]), ("gating", ["weight", "ifmap"]), ("skipping", ["weight"]), ("skipping", ["weight", "ifmap"])]


@pytest.mark.parametrize("handling,operands", SETTINGS)
@pytest.mark.parametrize("name", DATAFLOWS)
def test_expected_mode_is_the_exact_expectation_spatial(name, handling, operands):
    df = dataflow_for(name, "spatial")
    spec = machine("spatial", handling, operands)
    for p, t1, order, sp, t3 in cases(df, n=6, seed=3):
        ref = reference(p, t1, order, sp, t3, df, constant(p, DW, DI), (handling, operands), False)
        compare(ref, expected(p, t1, order, sp, t3, df, spec))


@pytest.mark.parametrize("name", sorted(SYSTOLIC))
def test_expected_mode_is_the_exact_expectation_systolic(name):
    df = dataflow_for(name, "systolic")
    spec = machine("systolic", "gating", ["weight", "ifmap"])
    for p, t1, order, sp, t3 in cases(df, n=6, seed=4):
        ref = reference(p, t1, order, sp, t3, df, constant(p, DW, DI), ("gating", ["weight", "ifmap"]), True)
        compare(ref, expected(p, t1, order, sp, t3, df, spec))


def test_real_masks_average_to_the_expected_mode():
    """300 pairs of real 0/1 masks at densities 0.4 (weights) and 0.7 (ifmaps) on a strided,
    padded, grouped layer under row stationary, gating both operands: the masks' mean count
    lies within 5 standard errors of the expected mode, every counter."""
    df = dataflow_for("rs", "spatial")
    spec = machine("spatial", "gating", ["weight", "ifmap"])
    p, t1, order, sp, t3 = list(cases(df, n=4, seed=1))[3]
    assert p.U > 1 or p.pt > 0 or p.G > 1
    rng = np.random.default_rng(2)
    runs = []
    for _ in range(300):
        w = (rng.random((p.G, p.M, p.C, p.R, p.S)) < DW).astype(float)
        x = (rng.random((p.N, p.G, p.C, p.H, p.W)) < DI).astype(float)
        runs.append(reference(p, t1, order, sp, t3, df, (w, x), ("gating", ["weight", "ifmap"]), False))
    keys = list(PAIRS) + ["macs_done", "macs_effectual"]
    mean = {k: float(np.mean([r.get(k, 0.0) for r in runs])) for k in keys}
    se = {k: float(np.std([r.get(k, 0.0) for r in runs], ddof=1)) / math.sqrt(len(runs)) for k in keys}
    compare(mean, expected(p, t1, order, sp, t3, df, spec), tol={k: 5 * se[k] + 1e-9 for k in keys})
    assert any(se[k] > 0 for k in keys)  # the masks did vary the counts
