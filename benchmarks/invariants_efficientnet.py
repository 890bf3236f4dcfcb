"""Issue 5's NLR bound over EfficientNet B1–B7, too big for the CI sweep.

    python benchmarks/invariants_efficientnet.py [--networks efficientnet_b6,efficientnet_b7] [--configs edge_16x16]

The check of ``tests/test_invariants.py::test_nlr_is_the_upper_bound_at_the_same_tiling``
(``nlr_bound_failures``), on B1–B7 (built by name, not in the zoo's CI sweep: together
they would add minutes to a suite at 9 of its 10) on every shipped config whose array runs
nlr. It prints per config the (layer shape, dataflow) pairs checked, the failures, the
pairs where OS's partial-tile term (``os_edge_ifmap_reads``) is set aside, and the CPU
seconds. It exits 1 if any pair fails. The figure to read is ``failures 0``. Its ratio to
the target (0) is the count itself.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from accelsim.dataflow import dataflow_for  # noqa: E402
from accelsim.engine.problem import Problem  # noqa: E402
from accelsim.hardware import load_hardware  # noqa: E402
from accelsim.mapping import search as S  # noqa: E402
from accelsim.workload.ops import FC, Conv  # noqa: E402
from accelsim.workload.zoo import build  # noqa: E402
from test_invariants import nlr_bound_failures, os_edge_ifmap_reads  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default=",".join(f"efficientnet_b{i}" for i in range(1, 8)))
    ap.add_argument("--configs", default=",".join(p.stem for p in sorted((REPO / "hw_configs").glob("*.yaml"))))
    args = ap.parse_args()
    nets = {n: build(n) for n in args.networks.split(",")}
    bad = 0
    for c in args.configs.split(","):
        spec = load_hardware(REPO / "hw_configs" / f"{c}.yaml")
        if "nlr" not in spec.dataflows:
            print(f"{c:16s} no nlr on this array: skipped")
            continue
        t = time.process_time()
        checked, failures = nlr_bound_failures(spec, nets)
        edged = []
        if "os" in spec.dataflows:
            os_df = dataflow_for("os", spec.array.kind)
            for name, net in nets.items():
                for p in {Problem.from_shape(l.shape, 1) for l in net.layers if isinstance(l.op, (Conv, FC))}:
                    if p.E * p.F == 1 and (e := os_edge_ifmap_reads(p, S.best_mapping(p, spec, os_df)[0])):
                        edged.append((name, f"M={p.M} C={p.C}", e))
        print(f"{c:16s} checked {checked:5d}  failures {len(failures)}  OS partial-tile term set aside on "
              f"{len(edged)}  {time.process_time() - t:6.1f} CPU-s")
        for f in failures:
            print("   FAIL", *f)
        for e in edged:
            print("   os term", *e)
        bad += len(failures)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
