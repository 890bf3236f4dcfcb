"""Speed of accelsim run: every zoo network on every shipped config, every dataflow.

    python benchmarks/run_zoo.py [--networks googlenet,alexnet] [--configs eyeriss]

Prints the CPU time per network and config (all dataflows the array runs, mapping search
included), warm (numba's cache loaded, kernels compiled) — the first call in the process
is timed separately as the cold start. Issue 5's targets: GoogLeNet on eyeriss with all
five dataflows in under 2 s; the whole zoo x configs x dataflows in under 2 minutes.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from accelsim.api import run
from accelsim.hardware import load_hardware
from accelsim.workload.zoo import ZOO, build

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default=",".join(ZOO))
    ap.add_argument("--configs", default=",".join(p.stem for p in sorted((REPO / "hw_configs").glob("*.yaml"))))
    args = ap.parse_args()
    nets = {n: build(n) for n in args.networks.split(",")}
    specs = {c: load_hardware(REPO / "hw_configs" / f"{c}.yaml") for c in args.configs.split(",")}
    t0 = time.process_time()
    first = next(iter(nets.values()))
    spec0 = next(iter(specs.values()))
    run(first, spec0, spec0.dataflow)
    print(f"cold start (numba cache load or compile, first run): {time.process_time() - t0:.2f} CPU-s")
    total = 0.0
    print(f"{'network':22} {'config':16} {'dataflows':20} {'CPU-s':>7}")
    for c, spec in specs.items():
        for n, net in nets.items():
            t = time.process_time()
            for df in spec.dataflows:
                run(net, spec, df)
            dt = time.process_time() - t
            total += dt
            print(f"{n:22} {c:16} {','.join(spec.dataflows):20} {dt:7.2f}")
    print(f"total (warm): {total:.1f} CPU-s")


if __name__ == "__main__":
    main()
