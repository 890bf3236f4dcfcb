"""How long does importing an ONNX model take? (Issue 15's target: a 200-layer model under 2 s.)

Three models, each imported ``--repeat`` times from the bytes of a file (protobuf parsing
included), best and median CPU time (``time.process_time``) printed:

- ``efficientnet_b0`` (238 accelsim layers, 5.3 M parameters) and ``densenet121`` (426
  layers, 8.0 M): the zoo networks exported by accelsim's ONNX exporter, with every weight
  filled with real float32 data (initializers, 21 and 32 MB), as a trained model's file is;
- ``googlenet.torchscript17``: torchvision's GoogLeNet as PyTorch's TorchScript exporter
  writes it (``tests/data/onnx``, weights stripped), with its shape-arithmetic plumbing.

The baseline is what any ONNX reader pays before it can look at a layer: ``onnx.load`` of
the same bytes plus ONNX's own shape inference (``onnx.shape_inference.infer_shapes``);
the ratio says how much accelsim's import (constant folding, pattern matching, building and
checking the network) adds to it.

    python benchmarks/onnx_import.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import onnx  # noqa: E402

from accelsim.workload.exporters.onnx import to_onnx  # noqa: E402
from accelsim.workload.importers.onnx import import_onnx  # noqa: E402
from accelsim.workload.zoo import build  # noqa: E402

TARGET_S = 2.0


def with_weights(name: str) -> bytes:
    """The zoo network exported to ONNX, its typed parameter inputs turned into initializers of random data."""
    model, _ = to_onnx(build(name))
    g = model.graph
    rng = np.random.default_rng(0)
    params = list(g.input[1:])
    del g.input[1:]
    for vi in params:
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        g.initializer.append(onnx.numpy_helper.from_array(rng.standard_normal(dims).astype(np.float32), vi.name))
    return model.SerializeToString()


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        out.append(time.process_time() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    models = {
        "efficientnet_b0 (accelsim export, weights)": with_weights("efficientnet_b0"),
        "densenet121 (accelsim export, weights)": with_weights("densenet121"),
        "googlenet.torchscript17 (PyTorch export)": (REPO / "tests/data/onnx/googlenet.torchscript17.onnx").read_bytes(),
    }
    print(f"{'model':44} {'MB':>6} {'layers':>6} {'import s (best/median)':>24} {'load+infer s':>13} {'ratio':>6} target<{TARGET_S:g}s")
    ok = True
    for label, data in models.items():
        net = import_onnx(data)
        ours = timed(lambda: import_onnx(data), args.repeat)
        base = timed(lambda: onnx.shape_inference.infer_shapes(onnx.load_from_string(data)), args.repeat)
        best = min(ours)
        ok &= best < TARGET_S
        print(f"{label:44} {len(data) / 1e6:6.1f} {len(net.layers):6d} {best:11.3f} / {statistics.median(ours):.3f}"
              f" {min(base):13.3f} {best / min(base):6.1f} {'pass' if best < TARGET_S else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
