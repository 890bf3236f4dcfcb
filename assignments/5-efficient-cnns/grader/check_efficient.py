"""Autograder of assignment 5 (efficient CNNs on hardware). Truth: the papers' MAC counts
for the ranking by MACs; accelsim's runs for the costs (a "use the tool" task) on every
shipped accelerator; the answers' claims against those runs."""
from __future__ import annotations

import math

import accelsim
from accelsim.teach.checks import call, expect, fixture, params, submission

# Published multiply-adds at 224x224 (227 for AlexNet), batch 1, in millions:
PUBLISHED_MMACS = {
    "shufflenet_v1_g3": 140,     # Zhang et al., CVPR 2018, Table 2 (1x, g = 3)
    "shufflenet_v2_x1_0": 146,   # Ma et al., ECCV 2018, Table 8 (1x)
    "mobilenet_v2": 300,         # Sandler et al., CVPR 2018, Table 4
    "squeezenet1_1": 349,        # torchvision / SqueezeNet v1.1 release notes: 2.4x less than 1.0's 833 M
    "mobilenet_v1": 569,         # Howard et al., 2017, Table 8
    "alexnet": 724,              # 666 M conv + 58.6 M fc (PUBLISHED.md §1.3; ISSCC'16)
}
CHECKED = ("eyeriss", "edge_16x16", "shidiannao", "tpu_v1", "scalesim_32x32")  # hw_configs/*.yaml
NETWORKS = tuple(PUBLISHED_MMACS)


@fixture
def sub():
    return submission("efficient")


@fixture
def costs():
    out = {}
    for hw in CHECKED:
        for n in NETWORKS:
            t = accelsim.run(n, hw).totals()
            out[hw, n] = (t["energy_total"], t["cycles"])
    return out


def ranked(costs, hw, i):
    return sorted(NETWORKS, key=lambda n: costs[hw, n][i])


def check_rank_by_macs(sub):
    want = sorted(PUBLISHED_MMACS, key=PUBLISHED_MMACS.get)
    got = list(call(sub.rank_by_macs))
    expect(got == want, "rank_by_macs() is not the order of the published MAC counts (see the handout's papers)",
           expected=want, found=got)


@params("hw", CHECKED)
def check_rankings_on_hardware(sub, costs, hw):
    for metric, i in (("energy", 0), ("latency", 1)):
        got = list(call(sub.rank, hw, metric))
        want = ranked(costs, hw, i)
        expect(got == want, f"rank({hw!r}, {metric!r}) is not the order of accelsim's runs on {hw}",
               expected=want, found=got)
    e, c = call(sub.cost, "mobilenet_v2", hw)
    expect(math.isclose(e, costs[hw, "mobilenet_v2"][0], rel_tol=1e-9) and c == costs[hw, "mobilenet_v2"][1],
           f"cost('mobilenet_v2', {hw!r}) differs from accelsim's run (total energy, cycles)",
           expected=costs[hw, "mobilenet_v2"], found=(e, c))


@params("hw", CHECKED)
def check_answers(sub, costs, hw):
    for metric, i in (("energy", 0), ("latency", 1)):
        want = ranked(costs, hw, i)[0]
        got = sub.CHEAPEST.get(hw, {}).get(metric)
        expect(got == want, f"CHEAPEST[{hw!r}][{metric!r}] = {got!r} is not the cheapest network in accelsim's runs",
               expected=want, found=got)
    by_macs = sorted(PUBLISHED_MMACS, key=PUBLISHED_MMACS.get)
    same = ranked(costs, hw, 0) == by_macs
    expect(sub.ENERGY_RANK_IS_MAC_RANK.get(hw) is same,
           f"ENERGY_RANK_IS_MAC_RANK[{hw!r}] does not match: compare your rank({hw!r}, 'energy') with rank_by_macs()",
           expected=same, found=sub.ENERGY_RANK_IS_MAC_RANK.get(hw))


def check_why(sub, costs):
    # the claim behind the answer: some network does fewer MACs than another yet costs more energy
    inversions = [(a, b) for a in NETWORKS for b in NETWORKS
                  if PUBLISHED_MMACS[a] < PUBLISHED_MMACS[b] and costs["eyeriss", a][0] > costs["eyeriss", b][0]]
    expect(inversions, "accelsim's Eyeriss energies follow the MAC counts here — the question's premise fails (a grader error)")
    expect(sub.WHY == "a", f"WHY = {sub.WHY!r} is not the reason: find a network that does fewer MACs than another "
           "yet costs more energy on Eyeriss — what do MACs leave out?", expected="a", found=sub.WHY)
