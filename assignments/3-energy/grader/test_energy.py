"""Autograder of assignment 3 (where energy goes). The numbers are checked against
accelsim's own runs (the assignment is "use the tool and report"); the claims against
closed forms and published results:

- Yang, Chen, Sze, CVPR 2017 (PUBLISHED.md §3, [R]): "energy is dominated by memory
  accesses for both filter weights and feature maps";
- Chen, Emer, Sze, ISCA 2016 (PUBLISHED.md §1.4, [R]): row stationary is 1.4x-2.5x more
  energy efficient than the other dataflows on AlexNet's conv layers;
- Eyeriss's energy table (ISCA 2016, Table IV): a DRAM access costs 200 MACs.
"""
from __future__ import annotations

import math

import pytest

import accelsim
from accelsim.teach.grading import call, submission
from accelsim.workload.zoo import build

TYPES = ("weight", "ifmap", "psum", "ofmap")
DRAM_COST = 200  # per 16-bit access, in MACs (ISCA'16 Table IV)


@pytest.fixture(scope="module")
def sub():
    return submission("energy")


@pytest.fixture(scope="module")
def runs():
    return {net: accelsim.run(net, "eyeriss", dataflow="rs") for net in ("alexnet", "googlenet")}


def total(r) -> float:
    return math.fsum(v for l in r.layers for v in l.energy.values())


def test_movement_share(sub, runs):
    for net, r in runs.items():
        moving = math.fsum(l.energy[k] for l in r.layers for k in ("RF", "NoC", "GLB", "DRAM"))
        want = moving / total(r)
        got = call(sub.movement_share, r)
        assert math.isclose(got, want, rel_tol=1e-9), (
            f"{net}: movement_share = {got:.4f}, expected {want:.4f} (RF + NoC + GLB + DRAM energy over all energy; "
            "the MACs and the SIMD unit compute, they do not move data)")
        assert want > 0.5, f"{net}: data movement should dominate (Yang et al. 2017); accelsim gives {want:.2f}"


def test_energy_by_type_and_dominant(sub, runs):
    for net, r in runs.items():
        want = {t: math.fsum(l.energy_by_type[t] for l in r.layers) for t in TYPES}
        got = call(sub.energy_by_type, r)
        for t in TYPES:
            assert math.isclose(got.get(t, float("nan")), want[t], rel_tol=1e-9), f"{net}: energy of {t} is {want[t]:.4g}, you give {got.get(t)}"
        top = max(want, key=want.get)
        assert call(sub.dominant_type, r) == top, f"{net}: the data type with the most energy is {top}"


def test_alexnet_is_dominated_by_weights(sub, runs):
    r = runs["alexnet"]
    # closed form: every weight comes from DRAM at least once per image — already more than
    # half of the whole energy, whatever the dataflow does with the rest
    floor = DRAM_COST * build("alexnet").totals()["weights"]
    assert floor > total(r) / 2
    assert sub.ALEXNET_DOMINANT == "weight", (
        f"ALEXNET_DOMINANT = {sub.ALEXNET_DOMINANT!r}: reading each of AlexNet's {build('alexnet').totals()['weights']:,} weights "
        f"once from DRAM already costs {floor:.3g}, more than half of its {total(r):.3g}")
    assert sub.WHY_ALEXNET == "a", f"WHY_ALEXNET = {sub.WHY_ALEXNET!r}: which layers hold most of the weights, and how often is each used at batch 1?"


def test_googlenet_feature_maps(sub, runs):
    e = {t: math.fsum(l.energy_by_type[t] for l in runs["googlenet"].layers) for t in TYPES}
    truth = e["ifmap"] + e["psum"] + e["ofmap"] > e["weight"]
    assert sub.GOOGLENET_FMAPS_DOMINATE is truth, (
        f"GOOGLENET_FMAPS_DOMINATE = {sub.GOOGLENET_FMAPS_DOMINATE!r}: accelsim gives feature maps "
        f"{e['ifmap'] + e['psum'] + e['ofmap']:.3g} against weights {e['weight']:.3g}")


def test_compare_dataflows(sub):
    got = call(sub.compare_dataflows, "alexnet", "eyeriss")
    for df in ("ws", "os", "is", "rs", "nlr"):
        want = total(accelsim.run("alexnet", "eyeriss", dataflow=df))
        assert math.isclose(got.get(df, float("nan")), want, rel_tol=1e-9), f"alexnet, {df}: total energy {want:.4g}, you give {got.get(df)}"
    assert min(got, key=got.get) == "rs", "row stationary should use the least energy on Eyeriss (Chen et al., ISCA 2016)"
