"""`accelsim reproduce sparsity`: zeros and pruning on Eyeriss, each claim against the
published figure written here as the paper states it (COMPRESSION.md §2, §4)."""
from __future__ import annotations

import math

import pytest

from accelsim.reproduce import section


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in section("sparsity").claims}


def test_zero_gating_saves_about_45_percent_of_pe_power(claims):
    """JSSC'17 p.9 [R2]: "it can save the PE power consumption by 45%"; within ×1.5."""
    c = claims["sparsity.gating_pe"]
    assert c.paper == 0.45 and 0.45 / 1.5 <= c.accelsim <= 0.45 * 1.5 and c.ok
    assert "compute cycles unchanged: True" in c.note  # gating spends the cycle


def _real_input_share(H, R, U, pad):
    """Share of a square layer's (output, filter) row pairs that read a real input row, by
    enumeration; the column share is the same."""
    E = (H + 2 * pad - R) // U + 1
    ok = sum(1 for e in range(E) for r in range(R) if 0 <= e * U - pad + r < H)
    return ok / (E * R)


def test_gating_saving_is_bounded_by_the_zeros():
    """The PE gates exactly the MACs with a zero input: Table V's share of zeros z of the
    real inputs (0.01 %, 38.7 %, 72.5 %, 79.3 %, 77.6 %); padding is not the tensor's. AlexNet
    (Krizhevsky 2012 shapes): conv1 11x11/4 on 227 unpadded, conv2 5x5 pad 2 on 27, conv3-5
    3x3 pad 1 on 13."""
    from accelsim.reproduce.sparsity import compressed

    r = compressed("alexnet", "eyeriss", "jssc17", 4)
    z = {"conv1": 0.0001, "conv2": 0.387, "conv3": 0.725, "conv4": 0.793, "conv5": 0.776}
    v = {"conv1": _real_input_share(227, 11, 4, 0) ** 2, "conv2": _real_input_share(27, 5, 1, 2) ** 2,
         **{n: _real_input_share(13, 3, 1, 1) ** 2 for n in ("conv3", "conv4", "conv5")}}
    conv = [l for l in r.layers if l.name in z]
    for l in conv:
        assert math.isclose(l.compressed["macs_gated"], l.macs * v[l.name] * z[l.name], rel_tol=1e-12), l.name
    bound = math.fsum(l.compressed["macs_gated"] for l in conv) / sum(l.macs for l in conv)
    assert claims_value("sparsity.gating_pe") < bound


def claims_value(cid: str) -> float:
    return {c.id: c for c in section("sparsity").claims}[cid].accelsim


def test_pruning_saves_nothing_on_the_chip(claims):
    """JSSC'17 §IV-B [R2]: filters are not compressed; the PE gates on zero ifmaps only."""
    assert claims["sparsity.pruning_chip"].ok and claims["sparsity.pruning_chip"].accelsim == 0


def test_pruning_is_not_proportional_and_sits_in_fc(claims):
    """Deep Compression prunes AlexNet 9× (Table 4: 11 % of the weights, [R2]); the weights
    ratio from Table 4's densities and the Caffe shapes is 8.97× (COMPRESSION.md §2 [C])."""
    c = claims["sparsity.pruning_not_proportional"]
    assert "weights 8.97x fewer" in c.note
    assert 1 < c.accelsim < 8.97 / 2 and c.ok
    assert claims["sparsity.pruning_fc"].accelsim > 0.5 and claims["sparsity.pruning_fc"].ok
