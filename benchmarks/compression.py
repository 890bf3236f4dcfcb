"""Speed of the expected-value compression model against the dense run it sits on.

    python benchmarks/compression.py [--networks alexnet,googlenet] [--config eyeriss]

For every zoo network on one config (its default dataflow), the CPU time
(time.process_time) of the dense run, and of the same run with a compression: densities
only (``pruned``: weights 0.35, ifmaps 0.5 at the native width — the mapper's choice is the
dense one, so the extra cost is the model itself) and densities with 8-bit weights and
ifmaps (``quantized``: the mapper also searches tiles for the narrower words). The mapper's
memory is cleared before each timing, so each line is the network's own cost. Issue 13's
target: an expected-mode run at most 1.5x the dense run's CPU time.
"""
from __future__ import annotations

import argparse
import time

from accelsim.api import run
from accelsim.compress.spec import Compression, LayerCompression, TensorCompression as T
from accelsim.mapping.search import clear_cache
from accelsim.paths import resolve_hardware_path
from accelsim.hardware import load_hardware
from accelsim.workload.zoo import ZOO, build

PRUNED = Compression("pruned", default=LayerCompression(T(density=0.35), T(density=0.5), T(density=0.5)))
QUANTIZED = Compression("quantized", default=LayerCompression(T(density=0.35, bits=8), T(density=0.5, bits=8), T(density=0.5)))


def cpu(fn) -> float:
    clear_cache()
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default=",".join(ZOO))
    ap.add_argument("--config", default="eyeriss")
    args = ap.parse_args()
    spec = load_hardware(resolve_hardware_path(args.config))
    nets = {n: build(n) for n in args.networks.split(",")}
    run(nets[next(iter(nets))], spec, compress=PRUNED)  # compile / load the kernels
    tot = {"dense": 0.0, "pruned": 0.0, "quantized": 0.0}
    print(f"{'network':22} {'dense CPU-s':>11} {'pruned':>8} {'ratio':>6} {'quantized':>9} {'ratio':>6}")
    for n, net in nets.items():
        d = cpu(lambda: run(net, spec))
        p = cpu(lambda: run(net, spec, compress=PRUNED))
        q = cpu(lambda: run(net, spec, compress=QUANTIZED))
        tot["dense"] += d
        tot["pruned"] += p
        tot["quantized"] += q
        print(f"{n:22} {d:11.2f} {p:8.2f} {p / d:6.2f} {q:9.2f} {q / d:6.2f}")
    print(f"{'zoo':22} {tot['dense']:11.2f} {tot['pruned']:8.2f} {tot['pruned'] / tot['dense']:6.2f} "
          f"{tot['quantized']:9.2f} {tot['quantized'] / tot['dense']:6.2f}   (target: ratio <= 1.5)")


if __name__ == "__main__":
    main()
