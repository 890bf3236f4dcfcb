"""The workload model against independent computations: a plain NumPy convolution for
shapes and MAC counts, closed forms for parameters and element operations."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import Where
from accelsim.workload import Tensor, workload_from_dict
from accelsim.workload.ops import FC, Add, BatchNorm, Concat, Conv, GlobalPool, MaxPool, Scale, conv_out
from accelsim.yamlio import parse_yaml
from naive import conv2d

AT = Where("test")


@st.composite
def conv_cases(draw):
    G = draw(st.integers(1, 3))
    C = G * draw(st.integers(1, 3))
    M = G * draw(st.integers(1, 3))
    R, S = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    D = draw(st.integers(1, 2))
    pad = tuple(draw(st.integers(0, 2)) for _ in range(4))
    H = draw(st.integers(max(1, D * (R - 1) + 1 - pad[0] - pad[1]), 9))
    W = draw(st.integers(max(1, D * (S - 1) + 1 - pad[2] - pad[3]), 9))
    U = draw(st.integers(1, 3))
    return C, H, W, M, R, S, U, pad, D, G


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv_shape_and_macs_equal_numpy_convolution(case):
    C, H, W, M, R, S, U, pad, D, G = case
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (C, H, W))
    w = rng.integers(-3, 4, (M, C // G, R, S))
    ref, ref_macs = conv2d(x, w, U, pad, D, G)
    op = Conv(M, R, S, U, pad, D, G)
    out = op.infer((Tensor(C, H, W),), AT)
    assert (out.C, out.H, out.W) == ref.shape
    assert op.macs((Tensor(C, H, W),), out) == ref_macs
    assert op.weights((Tensor(C, H, W),)) == w.size


def test_fc_is_the_convolution_covering_its_input():
    t = Tensor(16, 6, 6)
    fc = FC(10)
    out = fc.infer((t,), AT)
    shape = fc.shape((t,), out)
    assert (shape.R, shape.S, shape.E, shape.F) == (6, 6, 1, 1)
    rng = np.random.default_rng(1)
    x, w = rng.integers(-3, 4, (16, 6, 6)), rng.integers(-3, 4, (10, 16, 6, 6))
    ref, macs = conv2d(x, w)
    assert ref.shape == (10, 1, 1) and fc.macs((t,), out) == macs == shape.macs
    np.testing.assert_array_equal(ref[:, 0, 0], w.reshape(10, -1) @ x.reshape(-1))
    assert fc.weights((t,)) + fc.biases((t,)) == 16 * 36 * 10 + 10


def test_pool_sizes_follow_pytorch_ceil_mode():
    # torchvision GoogLeNet: MaxPool2d(3, 2, ceil_mode=True) takes 112 -> 56 -> 28 -> 14 -> 7
    # (torchvision/models/googlenet.py; the tests/data/torchvision dump records the same).
    sizes = [112]
    for _ in range(4):
        sizes.append(MaxPool(3, 3, 2, (0, 0, 0, 0), True).infer((Tensor(1, sizes[-1], sizes[-1]),), AT).H)
    assert sizes == [112, 56, 28, 14, 7]
    # floor mode: (112 - 3) // 2 + 1 = 55
    assert conv_out(112, 3, 2, 0, 0) == 55
    # ceil mode never starts a window in the right padding: 5 with k=2, s=2, pad 1 gives 3
    # windows [-1,0], [1,2], [3,4] (a 4th would start at 5, in the padding).
    assert conv_out(5, 2, 2, 1, 1, ceil=True) == 3


def test_element_ops_closed_forms():
    t = Tensor(8, 5, 5)
    assert Add().ops((t, t, t), t) == 2 * 8 * 25
    assert Scale().ops((t, Tensor(8, 1, 1)), t) == 8 * 25
    assert GlobalPool().ops((t,), Tensor(8, 1, 1)) == 8 * 25
    p = MaxPool(3, 3, 2)
    o = p.infer((t,), AT)
    assert o == Tensor(8, 2, 2) and p.ops((t,), o) == 8 * 4 * 9
    assert Concat().infer((t, Tensor(3, 5, 5)), AT) == Tensor(11, 5, 5)
    assert BatchNorm().bn_params((t,)) == 16


def test_batchnorm_folds_only_into_a_sole_consumer_conv():
    net = workload_from_dict(
        parse_yaml(
            """
name: f
input: {C: 3, H: 8, W: 8}
layers:
- {name: c, type: conv, inputs: [input], M: 4, R: 3, pad: 1}
- {name: bn, type: batchnorm, inputs: [c]}
- {name: bn2, type: batchnorm, inputs: [bn]}
- {name: c2, type: conv, inputs: [bn2], M: 4, R: 1}
- {name: bn3, type: batchnorm, inputs: [c2], fold: false}
"""
        )
    )
    assert [l.folded for l in net.layers] == [False, True, False, False, False]
    assert [l.ops for l in net.layers] == [0, 0, 2 * 4 * 64, 0, 2 * 4 * 64]


def test_standalone_list_of_layers():
    """SCALE-Sim/Timeloop style: each layer with explicit shape, no graph."""
    net = workload_from_dict(
        parse_yaml(
            """
name: alexnet_conv1
layers:
- {name: conv1, type: conv, C: 3, H: 227, W: 227, M: 96, R: 11, S: 11, stride: 4, E: 55, F: 55}
- {name: fc, type: fc, C: 256, H: 6, W: 6, M: 4096}
"""
        )
    )
    assert net.standalone
    # Eyeriss/AlexNet CONV1: 55·55·96·11·11·3 = 105,415,200 MACs (PUBLISHED.md §1.3 [C])
    assert net.layers[0].macs == 55 * 55 * 96 * 11 * 11 * 3 == 105_415_200
    assert net.layers[1].macs == 256 * 36 * 4096


def test_dag_order_is_topological_even_if_written_out_of_order():
    net = workload_from_dict(
        parse_yaml(
            """
name: d
input: {C: 2, H: 4, W: 4}
layers:
- {name: sum, type: add, inputs: [a, b]}
- {name: a, type: activation, fn: relu, inputs: [input]}
- {name: b, type: activation, fn: sigmoid, inputs: [input]}
"""
        )
    )
    assert [l.name for l in net.layers] == ["a", "b", "sum"]
    assert sorted(net.graph.predecessors("sum")) == ["a", "b"]


def test_slice_takes_a_channel_range():
    from accelsim.workload.ops import Slice

    t = Tensor(116, 28, 28)
    assert Slice(58, 116).infer((t,), AT) == Tensor(58, 28, 28)  # ShuffleNet v2's chunk
    assert Slice(58, 116).ops((t,), Tensor(58, 28, 28)) == 0
