"""ONNX in: graphs built here with onnx.helper (no downloads), op by op, against closed forms.

Every expected count below is written out from the layer's definition (MACs =
M·E·F·(C/G)·R·S, output sizes from the ONNX operator spec's formulas), not taken from
accelsim's output. PyTorch's exporters' own files are checked in test_onnx_torch.py.
"""
from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the ONNX importer needs the optional 'onnx' package (pip install 'accelsim[onnx]')")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from accelsim.errors import AccelsimError  # noqa: E402
from accelsim.workload import load_workload  # noqa: E402
from accelsim.workload.importers.onnx import import_onnx  # noqa: E402

F32 = TensorProto.FLOAT


class G:
    """A tiny graph writer: nodes, weights as initializers (random data), one image input."""

    def __init__(self, shape=(1, 3, 16, 16), opset=17, dims=None):
        self.nodes, self.inits, self.opset = [], [], opset
        self.input = helper.make_tensor_value_info("x", F32, list(dims if dims is not None else shape))
        self.k = 0

    def w(self, *shape, name=None, value=None, dtype=np.float32):
        self.k += 1
        name = name or f"w{self.k}"
        arr = np.asarray(value, dtype=dtype) if value is not None else np.random.default_rng(self.k).standard_normal(shape).astype(dtype)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def n(self, op, ins, name=None, outs=1, domain="", **attrs):
        self.k += 1
        name = name or f"{op.lower()}{self.k}"
        out = [f"{name}_out{i}" if outs > 1 else f"{name}_out" for i in range(outs)]
        self.nodes.append(helper.make_node(op, ins, out, name=name, domain=domain, **attrs))
        return out if outs > 1 else out[0]

    def model(self, *outputs):
        outs = [helper.make_tensor_value_info(o, F32, None) for o in outputs]
        g = helper.make_graph(self.nodes, "t", [self.input], outs, initializer=self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", self.opset)])
        m.ir_version = 8
        return m

    def bytes(self, *outputs):
        return self.model(*outputs).SerializeToString()


def imp(g, *outputs, **kw):
    return import_onnx(g.bytes(*outputs), **kw)


def conv_out(size, k, s, lo, hi, d=1, ceil=False):
    span = size + lo + hi - d * (k - 1) - 1
    return (-(-span // s) if ceil else span // s) + 1


# ---------------------------------------------------------------- MAC layers


def test_conv_group_dilation_pads_stride():
    g = G((1, 8, 17, 15))
    y = g.n("Conv", ["x", g.w(12, 4, 3, 5), g.w(12)], "c1", group=2, dilations=[2, 2], strides=[2, 2], pads=[1, 2, 3, 0])
    net = imp(g, y)
    (l,) = net.layers
    E, F = conv_out(17, 3, 2, 1, 3, 2), conv_out(15, 5, 2, 2, 0, 2)
    assert (l.type, l.op.groups, l.op.dilation, l.op.stride, l.op.pad, l.op.bias) == ("conv", 2, 2, 2, (1, 3, 2, 0), True)
    assert (l.out.C, l.out.H, l.out.W) == (12, E, F)
    assert l.macs == 12 * E * F * 4 * 3 * 5
    assert (l.weights, l.biases) == (12 * 4 * 3 * 5, 12)


@pytest.mark.parametrize("auto_pad, lo_hi", [("SAME_UPPER", (1, 2)), ("SAME_LOWER", (2, 1)), ("VALID", (0, 0))])
def test_conv_auto_pad(auto_pad, lo_hi):
    # H = 15, k = 4, s = 2: SAME output ceil(15/2) = 8 needs (8-1)*2 + 4 - 15 = 3 rows of padding.
    g = G((1, 3, 15, 15))
    y = g.n("Conv", ["x", g.w(4, 3, 4, 4)], auto_pad=auto_pad, strides=[2, 2])
    (l,) = imp(g, y).layers
    lo, hi = lo_hi
    assert l.op.pad == (lo, hi, lo, hi)
    assert l.out.H == (8 if auto_pad != "VALID" else conv_out(15, 4, 2, 0, 0))


def test_gemm_and_matmul_with_add_bias_after_flatten():
    g = G((1, 4, 3, 3))
    f = g.n("Flatten", ["x"], axis=1)
    a = g.n("Gemm", [f, g.w(10, 36), g.w(10)], "fc1", transB=1)
    r = g.n("Relu", [a])
    m = g.n("MatMul", [r, g.w(10, 5)], "fc2")
    b = g.n("Add", [m, g.w(5)])
    net = imp(g, b)
    assert [l.type for l in net.layers] == ["fc", "activation", "fc"]
    fc1, _, fc2 = net.layers
    assert (fc1.macs, fc1.biases, fc2.macs, fc2.biases) == (360, 10, 50, 5)
    assert net.totals()["params"] == 36 * 10 + 10 + 10 * 5 + 5


def test_matmul_of_two_activations_is_an_error_naming_the_node():
    g = G((1, 8))
    a = g.n("Relu", ["x"])
    m = g.n("MatMul", [a, "x"], "attn")
    with pytest.raises(AccelsimError, match=r"node 'attn' \(MatMul\).*not a layer on an activation"):
        imp(g, m)


# ---------------------------------------------------------------- pools, reductions


def test_pools_ceil_mode_pads_and_global():
    g = G((1, 6, 14, 14))
    p = g.n("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    q = g.n("AveragePool", [p], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0)
    r = g.n("GlobalAveragePool", [q])
    net = imp(g, r)
    mp, ap, gp = net.layers
    E1 = conv_out(14, 3, 2, 0, 0, ceil=True)  # 7 (PyTorch/ONNX ceil rule)
    assert (mp.type, mp.out.H, mp.op.ceil_mode) == ("maxpool", E1, True)
    E2 = conv_out(E1, 2, 2, 1, 1)
    assert (ap.type, ap.out.H, ap.op.pad) == ("avgpool", E2, (1, 1, 1, 1))
    assert (gp.type, gp.out.C, gp.out.H) == ("globalpool", 6, 1)
    assert mp.ops == 6 * E1 * E1 * 9 and gp.ops == 6 * E2 * E2


@pytest.mark.parametrize("opset", [13, 18])
def test_reduce_mean_over_h_w_is_a_global_pool(opset):
    g = G((1, 5, 7, 7), opset=opset)
    if opset >= 18:
        y = g.n("ReduceMean", ["x", g.w(2, value=[2, 3], dtype=np.int64)], keepdims=1)
    else:
        y = g.n("ReduceMean", ["x"], axes=[2, 3], keepdims=0)
    (l,) = imp(g, y).layers
    assert (l.type, l.op.kind, l.out.C, l.out.H, l.out.W) == ("globalpool", "avg", 5, 1, 1)


# ---------------------------------------------------------------- element-wise and channel ops


def test_residual_squeeze_excite_swish_and_activations():
    g = G((1, 8, 6, 6))
    c = g.n("Conv", ["x", g.w(8, 8, 1, 1)], "conv")
    s = g.n("GlobalAveragePool", [c], "se.pool")
    s = g.n("Conv", [s, g.w(2, 8, 1, 1), g.w(2)], "se.fc1")
    s = g.n("Relu", [s], "se.relu")
    s = g.n("Conv", [s, g.w(8, 2, 1, 1), g.w(8)], "se.fc2")
    s = g.n("HardSigmoid", [s], "se.gate")
    y = g.n("Mul", [c, s], "se.scale")
    sig = g.n("Sigmoid", [y], "swish")
    y = g.n("Mul", [sig, y], "swish.mul")           # x·sigmoid(x), operands either way round
    y = g.n("Clip", [y, g.w(value=0.0), g.w(value=6.0)], "relu6")
    y = g.n("HardSwish", [y], "hs")
    y = g.n("LeakyRelu", [y], "lrelu", alpha=0.1)
    y = g.n("Tanh", [y], "tanh")
    y = g.n("Sum", [y, "x", c], "res")
    net = imp(g, y)
    kinds = [(l.name, l.type, getattr(l.op, "fn", "")) for l in net.layers]
    assert kinds == [
        ("conv", "conv", ""), ("se.pool", "globalpool", ""), ("se.fc1", "conv", ""), ("se.relu", "activation", "relu"),
        ("se.fc2", "conv", ""), ("se.gate", "activation", "hsigmoid"), ("se.scale", "scale", ""), ("swish", "activation", "swish"),
        ("relu6", "activation", "relu6"), ("hs", "activation", "hswish"), ("lrelu", "activation", "leaky_relu"),
        ("tanh", "activation", "tanh"), ("res", "add", ""),
    ]
    res = net.layers[-1]
    assert res.ops == 2 * 8 * 6 * 6  # (k − 1)·C·H·W for k = 3
    assert net.layer("se.scale").inputs == ("conv", "se.gate")


def test_concat_split_slice_and_channel_shuffle():
    g = G((1, 12, 5, 5))
    a, b = g.n("Split", ["x", g.w(2, value=[4, 8], dtype=np.int64)], "split", outs=2, axis=1)
    c = g.n("Slice", ["x", g.w(1, value=[2], dtype=np.int64), g.w(1, value=[2**63 - 1], dtype=np.int64),
                      g.w(1, value=[1], dtype=np.int64)], "tail")
    y = g.n("Concat", [a, b, c], "cat", axis=1)            # 4 + 8 + 10 = 22 channels
    y = g.n("Conv", [y, g.w(24, 22, 1, 1)], "pw")
    r = g.n("Reshape", [y, g.w(5, value=[1, 3, 8, 5, 5], dtype=np.int64)], "shuffle")
    t = g.n("Transpose", [r], perm=[0, 2, 1, 3, 4])
    y = g.n("Reshape", [t, g.w(4, value=[1, -1, 5, 5], dtype=np.int64)])
    net = imp(g, y)
    assert [(l.name, l.type) for l in net.layers] == [
        ("split.0", "slice"), ("split.1", "slice"), ("tail", "slice"), ("cat", "concat"), ("pw", "conv"), ("shuffle", "shuffle")]
    assert [(l.op.start, l.op.stop) for l in net.layers[:3]] == [(0, 4), (4, 12), (2, 12)]
    assert net.layer("cat").out.C == 22 and net.layer("shuffle").op.groups == 3


def test_batchnorm_folds_into_its_conv_and_notes_say_so():
    g = G((1, 3, 8, 8))
    c = g.n("Conv", ["x", g.w(4, 3, 3, 3)], "conv", pads=[1, 1, 1, 1])
    bn = g.n("BatchNormalization", [c, g.w(4), g.w(4), g.w(4), g.w(4)], "bn")
    y = g.n("Relu", [bn], "relu")
    b2 = g.n("BatchNormalization", [y, g.w(4), g.w(4), g.w(4), g.w(4)], "bn2")   # after a ReLU: not foldable
    net = imp(g, b2)
    assert [(l.name, l.folded) for l in net.layers if l.type == "batchnorm"] == [("bn", True), ("bn2", False)]
    assert net.totals()["bn_params"] == 2 * 4 + 2 * 4
    assert any("1 folded into the conv/fc" in n for n in net.notes)


def test_lrn_pad_dropout_identity_cast():
    g = G((1, 4, 9, 9))
    p = g.n("Pad", ["x", g.w(8, value=[0, 0, 1, 2, 0, 0, 3, 4], dtype=np.int64)], "pad")
    c = g.n("Conv", [p, g.w(6, 4, 3, 3)], "conv")
    y = g.n("LRN", [c], "lrn", size=5)
    y = g.n("Dropout", [y])
    y = g.n("Identity", [y])
    y = g.n("Cast", [y], to=F32)
    net = imp(g, y)
    conv, lrn = net.layers
    assert conv.op.pad == (1, 3, 2, 4)  # ONNX pads: begins (N, C, H, W) then ends
    assert (conv.out.H, conv.out.W) == (9 + 1 + 3 - 2, 9 + 2 + 4 - 2)
    assert lrn.ops == 6 * 11 * 13 * (5 + 3)


def test_torchscript_shape_arithmetic_around_a_reshape():
    """Shape → Gather → Unsqueeze → Concat → Reshape, and a channel split whose bounds are
    Shape → Gather → Div (TorchScript's chunk): both folded, neither becomes a layer."""
    g = G((1, 8, 4, 4))
    sh = g.n("Shape", ["x"])
    c = g.n("Gather", [sh, g.w(value=1, dtype=np.int64)], axis=0)
    half = g.n("Div", [c, g.w(value=2, dtype=np.int64)])
    end = g.n("Unsqueeze", [half, g.w(1, value=[0], dtype=np.int64)])
    lo = g.n("Slice", ["x", g.w(1, value=[0], dtype=np.int64), end, g.w(1, value=[1], dtype=np.int64)], "chunk0")
    n = g.n("Gather", [sh, g.w(value=0, dtype=np.int64)], axis=0)
    n = g.n("Unsqueeze", [n, g.w(1, value=[0], dtype=np.int64)])
    tgt = g.n("Concat", [n, g.w(1, value=[-1], dtype=np.int64)], axis=0)
    flat = g.n("Reshape", [lo, tgt])
    y = g.n("Gemm", [flat, g.w(3, 64)], "fc", transB=1)
    net = imp(g, y)
    assert [(l.name, l.type) for l in net.layers] == [("chunk0", "slice"), ("fc", "fc")]
    assert net.layer("chunk0").out.C == 4 and net.layer("fc").macs == 3 * 4 * 4 * 4


def test_quantized_ops_are_read_and_reported():
    g = G((1, 3, 8, 8))
    q = g.n("QuantizeLinear", ["x", g.w(value=0.1), g.w(value=0, dtype=np.uint8)], "q")
    w = g.w(4, 3, 3, 3, dtype=np.int8)
    y = g.n("QLinearConv", [q, g.w(value=0.1), g.w(value=0, dtype=np.uint8), w, g.w(value=0.1), g.w(value=0, dtype=np.int8),
                            g.w(value=0.1), g.w(value=0, dtype=np.uint8)], "qconv")
    y = g.n("DequantizeLinear", [y, g.w(value=0.1), g.w(value=0, dtype=np.uint8)], "dq")
    net = imp(g, y)
    (l,) = net.layers
    assert (l.name, l.type, l.macs) == ("qconv", "conv", 4 * 6 * 6 * 3 * 9)
    note = " ".join(net.notes)
    assert "QLinearConv 'qconv': 8-bit weights, 8-bit activations" in note and "QuantizeLinear 'q': 8-bit" in note


# ---------------------------------------------------------------- unsupported ops


def _with_unsupported():
    g = G((1, 4, 8, 8))
    y = g.n("Conv", ["x", g.w(4, 4, 1, 1)], "conv")
    a = g.n("Softmax", [y], "sm1", axis=1)
    b = g.n("Softmax", [a], "sm2", axis=1)
    c = g.n("Erf", [b], "erf")
    d = g.n("Transpose", [c], "tr", perm=[0, 1, 3, 2])
    return g, g.n("Relu", [d], "relu")


def test_unsupported_ops_are_one_error_listing_every_type_with_names_and_counts():
    g, y = _with_unsupported()
    with pytest.raises(AccelsimError) as e:
        imp(g, y)
    msg = str(e.value)
    assert "4 nodes of 3 op types accelsim does not import" in msg
    assert "Softmax ×2 ('sm1', 'sm2'" in msg and "Erf ×1 ('erf'" in msg and "Transpose ×1 ('tr'" in msg
    assert "--skip-unsupported" in msg


def test_skip_unsupported_counts_their_tensors_as_data_movement():
    g, y = _with_unsupported()
    net = imp(g, y, skip_unsupported=True)
    assert [l.type for l in net.layers] == ["conv", "opaque", "opaque", "opaque", "opaque", "activation"]
    sm = net.layer("sm1")
    assert (sm.op.op, sm.ops, sm.macs, sm.ifmap_size, sm.ofmap_size) == ("Softmax", 0, 0, 256, 256)
    assert any("--skip-unsupported: 4 nodes" in n for n in net.notes)


# ---------------------------------------------------------------- bad input


def test_not_onnx_truncated_and_directory(tmp_path):
    txt = tmp_path / "model.onnx"
    txt.write_text("name: tiny\nlayers: []\n")
    with pytest.raises(AccelsimError, match="not an ONNX model"):
        import_onnx(txt)
    g = G()
    full = g.bytes(g.n("Relu", ["x"]))
    for cut in (len(full) // 3, len(full) - 3):
        with pytest.raises(AccelsimError, match="not an ONNX model"):
            import_onnx(full[:cut])
    with pytest.raises(AccelsimError, match="no such file"):
        import_onnx(tmp_path / "missing.onnx")


def test_dynamic_shapes_say_how_to_give_them():
    g = G(dims=["batch", 3, 16, 16])
    y = g.n("Relu", ["x"])
    with pytest.raises(AccelsimError, match=r"a dynamic batch.*--input-shape 1,3,224,224"):
        imp(g, y)
    assert imp(g, y, input_shape=[1, 3, 16, 16]).layers[0].out.H == 16
    g = G(dims=[1, 3, "h", "w"])
    y = g.n("Relu", ["x"])
    with pytest.raises(AccelsimError, match=r"no static shape.*\[1, 3, h, w\]"):
        imp(g, y)
    g = G((4, 3, 8, 8))
    with pytest.raises(AccelsimError, match="batch is not 1"):
        imp(g, g.n("Relu", ["x"]))


# ---------------------------------------------------------------- names, CLI


def test_pytorch_style_names_are_readable_and_unique():
    g = G((1, 3, 8, 8))
    c = y = g.n("Conv", ["x", g.w(4, 3, 1, 1)], "/layer1/layer1.0/conv1/Conv")
    y = g.n("Relu", [y], "/layer1/layer1.0/relu/Relu")
    y = g.n("Relu", [y], "/layer1/layer1.0/relu/Relu_1")
    y = g.n("Add", [y, c], "/layer1/layer1.0/Add")
    y = g.n("Relu", [y], "")
    net = imp(g, y)
    names = [l.name for l in net.layers]
    assert names[:4] == ["layer1.0.conv1", "layer1.0.relu.relu", "layer1.0.relu.relu_1", "layer1.0.add"]
    assert len(set(names)) == len(names)


def _small_model(tmp_path, dims=(1, 3, 16, 16)):
    g = G(dims=list(dims))
    y = g.n("Conv", ["x", g.w(8, 3, 3, 3), g.w(8)], "conv1", pads=[1, 1, 1, 1])
    y = g.n("Relu", [y], "relu1")
    y = g.n("GlobalAveragePool", [y], "pool")
    y = g.n("Flatten", [y])
    y = g.n("Gemm", [y, g.w(10, 8), g.w(10)], "fc", transB=1)
    p = tmp_path / "small.onnx"
    p.write_bytes(g.bytes(y))
    return p


def test_cli_import_info_run(tmp_path, run_cli):
    p = _small_model(tmp_path)
    out = tmp_path / "small.yaml"
    code, stdout, err = run_cli("import", p, "-o", out)
    assert code == 0, err
    assert f"wrote {out}" in stdout
    net = load_workload(out)
    assert [l.name for l in net.layers] == ["conv1", "relu1", "pool", "fc"]
    assert net.totals()["macs"] == 8 * 16 * 16 * 27 + 80
    code, stdout, _ = run_cli("info", p, "--no-color")
    assert code == 0 and f"{8 * 16 * 16 * 27 + 80:,} MACs" in stdout and "note:" in stdout
    code, stdout, err = run_cli("run", p, "eyeriss", "--json")
    assert code == 0, err
    import json

    assert json.loads(stdout)["totals"]["macs"] == 8 * 16 * 16 * 27 + 80


def test_cli_bad_input_is_exit_2_and_writes_nothing(tmp_path, run_cli):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage" * 5)
    out = tmp_path / "out.yaml"
    code, stdout, err = run_cli("import", bad, "-o", out)
    assert code == 2 and "Traceback" not in err and "not an ONNX model" in err and not out.exists()
    dyn = _small_model(tmp_path, dims=("N", 3, 16, 16))
    code, _, err = run_cli("import", dyn, "-o", out)
    assert code == 2 and "--input-shape" in err and not out.exists()
    code, _, err = run_cli("import", dyn, "-o", out, "--input-shape", "1,3,16,16")
    assert code == 0 and out.exists()
    code, _, err = run_cli("info", "resnet18", "--input-shape", "1,3,16,16")
    assert code == 2 and "apply to an ONNX model" in err
    code, _, err = run_cli("info", dyn, "--input-shape", "one,two")
    assert code == 2 and "not a tensor shape" in err


def test_cli_skip_unsupported_runs_and_says_so(tmp_path, run_cli):
    g, y = _with_unsupported()
    p = tmp_path / "uns.onnx"
    p.write_bytes(g.bytes(y))
    out = tmp_path / "uns.yaml"
    code, _, err = run_cli("import", p, "-o", out)
    assert code == 2 and "Softmax ×2" in err and not out.exists()
    code, stdout, err = run_cli("run", p, "eyeriss", "--skip-unsupported", "--no-color")
    assert code == 0, err
    assert "note: --skip-unsupported: 4 nodes" in stdout


def test_conv_transpose_lowered_and_spatial_slice_is_a_crop():
    g = G((1, 6, 7, 9))
    up = g.n("ConvTranspose", ["x", g.w(6, 4, 2, 2), g.w(4)], "up", strides=[2, 2])      # U-Net's up-conv
    y = g.n("ConvTranspose", [up, g.w(4, 3, 4, 4)], "up2", strides=[2, 2], pads=[1, 1, 1, 1])  # DCGAN's
    y = g.n("Slice", [y, g.w(2, value=[2, 3], dtype=np.int64), g.w(2, value=[-2, -3], dtype=np.int64),
                      g.w(2, value=[2, 3], dtype=np.int64)], "crop")
    net = imp(g, y)
    up_l, up2_l, crop = net.layer("up"), net.layer("up2"), net.layer("crop")
    # ONNX: out = (in − 1)·s − 2p + K
    assert (up_l.type, up_l.out.H, up_l.out.W) == ("interleave", 14, 18)
    assert (up2_l.out.H, up2_l.out.W) == (28, 36)
    assert sum(l.macs for l in net.layers if l.name.startswith("up.phase")) == 6 * 4 * 2 * 2 * 7 * 9
    assert sum(l.weights for l in net.layers if l.name.startswith("up.")) == 6 * 4 * 4
    assert sum(l.biases for l in net.layers if l.name.startswith("up.")) == 4
    assert (crop.type, crop.op.crop, crop.out.H, crop.out.W) == ("crop", (2, 2, 3, 3), 24, 30)
