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

import accelsim
from accelsim.teach.checks import call, expect, fixture, submission
from accelsim.workload.zoo import build

TYPES = ("weight", "ifmap", "psum", "ofmap")
DRAM_COST = 200  # per 16-bit access, in MACs (ISCA'16 Table IV)


@fixture
def sub():
    return submission("energy")


@fixture
def runs():
    return {net: accelsim.run(net, "eyeriss", dataflow="rs") for net in ("alexnet", "googlenet")}


def total(r) -> float:
    return math.fsum(v for l in r.layers for v in l.energy.values())


def check_movement_share(sub, runs):
    for net, r in runs.items():
        moving = math.fsum(l.energy[k] for l in r.layers for k in ("RF", "NoC", "GLB", "DRAM"))
        want = moving / total(r)
        got = call(sub.movement_share, r)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9),
               f"{net}: movement_share is wrong: which levels move data? (the MACs and the SIMD unit compute, "
               "they do not move data)", expected=want, found=got)
        expect(want > 0.5, f"{net}: data movement should dominate (Yang et al. 2017) — a grader error if not",
               expected="> 0.5", found=want)


def check_energy_by_type_and_dominant(sub, runs):
    for net, r in runs.items():
        want = {t: math.fsum(l.energy_by_type[t] for l in r.layers) for t in TYPES}
        got = call(sub.energy_by_type, r)
        for t in TYPES:
            g = got.get(t, float("nan")) if isinstance(got, dict) else float("nan")
            expect(isinstance(g, (int, float)) and math.isclose(g, want[t], rel_tol=1e-9),
                   f"{net}: energy_by_type is wrong for {t}: sum each layer's energy_by_type", expected=want[t], found=g)
        top = max(want, key=want.get)
        g = call(sub.dominant_type, r)
        expect(g == top, f"{net}: dominant_type is not the data type with the most energy", expected=top, found=g)


def check_alexnet_is_dominated_by_weights(sub, runs):
    r = runs["alexnet"]
    # closed form: every weight comes from DRAM at least once per image — already more than
    # half of the whole energy, whatever the dataflow does with the rest
    floor = DRAM_COST * build("alexnet").totals()["weights"]
    expect(floor > total(r) / 2, "a grader error: the DRAM floor of the weights is not half the energy")
    expect(sub.ALEXNET_DOMINANT == "weight",
           f"ALEXNET_DOMINANT = {sub.ALEXNET_DOMINANT!r} is not right: compare what reading each of AlexNet's weights "
           "once from DRAM costs (Eyeriss's table: 200 MACs per access) with the network's whole energy",
           expected="weight", found=sub.ALEXNET_DOMINANT)
    expect(sub.WHY_ALEXNET == "a", f"WHY_ALEXNET = {sub.WHY_ALEXNET!r} is not the reason: which layers hold most of "
           "the weights, and how often is each used at batch 1?", expected="a", found=sub.WHY_ALEXNET)


def check_googlenet_feature_maps(sub, runs):
    e = {t: math.fsum(l.energy_by_type[t] for l in runs["googlenet"].layers) for t in TYPES}
    truth = e["ifmap"] + e["psum"] + e["ofmap"] > e["weight"]
    expect(sub.GOOGLENET_FMAPS_DOMINATE is truth,
           "GOOGLENET_FMAPS_DOMINATE does not match accelsim's run: add up the "
           "energy of ifmaps, psums and ofmaps and compare it with the weights'",
           expected=truth, found=sub.GOOGLENET_FMAPS_DOMINATE)


def check_compare_dataflows(sub):
    got = call(sub.compare_dataflows, "alexnet", "eyeriss")
    for df in ("ws", "os", "is", "rs", "nlr"):
        want = total(accelsim.run("alexnet", "eyeriss", dataflow=df))
        g = got.get(df, float("nan")) if isinstance(got, dict) else float("nan")
        expect(isinstance(g, (int, float)) and math.isclose(g, want, rel_tol=1e-9),
               f"alexnet, {df}: your total energy differs from accelsim's run with dataflow={df!r}", expected=want, found=g)
    expect(min(got, key=got.get) == "rs", "row stationary should use the least energy on Eyeriss (Chen et al., ISCA 2016)")
