"""Speed of the expected-value compression model against the dense run it sits on.

    python benchmarks/compression.py [--networks alexnet,googlenet] [--config eyeriss]

For every zoo network on one config (its default dataflow), the CPU time
(time.process_time) of the dense run, and of the same run with a compression: densities
only (``pruned``: weights 0.35, ifmaps 0.5 at the native width — the mapper's choice is the
dense one, so the extra cost is the model itself) and densities with 8-bit weights and
ifmaps (``quantized``: the mapper also searches tiles for the narrower words). The mapper's
memory is cleared before each timing, so each line is the network's own cost; each is the
least of ``--repeat`` (3) timings taken in turn with the other two. Issue 13's
target: an expected-mode run at most 1.5x the dense run's CPU time.

    python benchmarks/compression.py --exact [--networks alexnet]

The exact mode instead: the dense run, the same run with the pruned densities counted on
real masks drawn from a seed (``mode="exact"``), and Deep Compression's AlexNet file the same
way; issue 13's target: at most 10x the dense run on AlexNet.
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
    ap.add_argument("--exact", action="store_true", help="time the exact mode (real masks) instead")
    ap.add_argument("--repeat", type=int, default=3, help="time each line this many times, interleaved, and keep the least")
    args = ap.parse_args()
    spec = load_hardware(resolve_hardware_path(args.config))
    if args.exact:
        exact(args.networks if args.networks != ",".join(ZOO) else "alexnet", spec)
        return
    nets = {n: build(n) for n in args.networks.split(",")}
    run(nets[next(iter(nets))], spec, compress=PRUNED)  # compile / load the kernels
    tot = {"dense": 0.0, "pruned": 0.0, "quantized": 0.0}
    print(f"{'network':22} {'dense CPU-s':>11} {'pruned':>8} {'ratio':>6} {'quantized':>9} {'ratio':>6}")
    for n, net in nets.items():
        times: dict[str, list[float]] = {"dense": [], "pruned": [], "quantized": []}
        for _ in range(args.repeat):  # the three interleaved, so that a slow spell of the machine hits all of them
            times["dense"].append(cpu(lambda: run(net, spec)))
            times["pruned"].append(cpu(lambda: run(net, spec, compress=PRUNED)))
            times["quantized"].append(cpu(lambda: run(net, spec, compress=QUANTIZED)))
        d, p, q = (min(times[k]) for k in ("dense", "pruned", "quantized"))
        tot["dense"] += d
        tot["pruned"] += p
        tot["quantized"] += q
        print(f"{n:22} {d:11.2f} {p:8.2f} {p / d:6.2f} {q:9.2f} {q / d:6.2f}")
    print(f"{'zoo':22} {tot['dense']:11.2f} {tot['pruned']:8.2f} {tot['pruned'] / tot['dense']:6.2f} "
          f"{tot['quantized']:9.2f} {tot['quantized'] / tot['dense']:6.2f}   (target: ratio <= 1.5)")


def exact(networks: str, spec) -> None:
    nets = {n: build(n) for n in networks.split(",")}
    run(nets[next(iter(nets))], spec, compress=PRUNED, mode="exact")  # compile / load the kernels
    print(f"{'network':22} {'dense CPU-s':>11} {'exact pruned':>12} {'ratio':>6} {'exact DC':>9} {'ratio':>6}")
    for n, net in nets.items():
        d = min(cpu(lambda: run(net, spec)) for _ in range(3))
        x = min(cpu(lambda: run(net, spec, compress=PRUNED, mode="exact")) for _ in range(3))
        dc = min(cpu(lambda: run(net, spec, compress="deep_compression_alexnet", mode="exact")) for _ in range(3)) if n == "alexnet" else float("nan")
        print(f"{n:22} {d:11.3f} {x:12.3f} {x / d:6.2f} {dc:9.3f} {dc / d:6.2f}   (target: ratio <= 10; best of 3)")


if __name__ == "__main__":
    main()
