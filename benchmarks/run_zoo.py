"""Speed of accelsim run: every zoo network on every shipped config, every dataflow.

    python benchmarks/run_zoo.py [--networks googlenet,alexnet] [--configs eyeriss] [--search fast|full]

Prints the CPU time (time.process_time) and the wall time per network and config (all
dataflows the array runs, mapping search included), warm (numba's cache loaded, kernels
compiled) — the first call in the process is timed separately as the cold start. The
mapper remembers its choice for layers of the same shape; that memory is cleared before
each network, so every line is the network's own cost (repeated blocks inside it still
profit). Issue 20's targets (the default ``--search fast``): GoogLeNet on eyeriss with all
five dataflows in at most 1.0 CPU-s; the whole zoo x configs x dataflows in at most 60
CPU-s; the last lines print each figure as a share of its target. On a shared machine the CPU time is
the figure to read: the wall time includes waiting for the CPU; ``--repeat N`` keeps
the least of N timings of each line (other processes only ever add time).

``--fusion LEVEL`` runs that level of the network schedule (default onchip, as ``accelsim
run``); ``--vs-none`` also times every line with ``--fusion none`` (the schedule's model
before it existed) and prints the ratio, the figure issue 14 bounds (at most 1.10); every
cached tile list is then forgotten before each timing, so the lines are colder than without it.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from accelsim.api import run
from accelsim.hardware import load_hardware
from accelsim.mapping.search import clear_cache
from accelsim.workload.zoo import ZOO, build

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default=",".join(ZOO))
    ap.add_argument("--repeat", type=int, default=1, help="time each line this many times and keep the least")
    ap.add_argument("--search", default="fast", choices=("fast", "full"), help="the mapper's search (default fast)")
    ap.add_argument("--configs", default=",".join(p.stem for p in sorted((REPO / "hw_configs").glob("*.yaml"))))
    ap.add_argument("--fusion", default="onchip", help="none, views, ops or onchip (default onchip)")
    ap.add_argument("--vs-none", action="store_true", help="also time --fusion none and print the ratio")
    args = ap.parse_args()
    nets = {n: build(n) for n in args.networks.split(",")}
    specs = {c: load_hardware(REPO / "hw_configs" / f"{c}.yaml") for c in args.configs.split(",")}
    t0, w0 = time.process_time(), time.perf_counter()
    first = next(iter(nets.values()))
    spec0 = next(iter(specs.values()))
    run(first, spec0, spec0.dataflow)
    print(
        f"cold start (numba cache load or compile, first run): {time.process_time() - t0:.2f} CPU-s, "
        f"{time.perf_counter() - w0:.2f} wall-s"
    )
    total = wall = base = 0.0
    googlenet = None

    def cold() -> None:
        """--vs-none: forget every cached tile list and choice, so neither level profits from the other."""
        from accelsim.engine import evaluate
        from accelsim.mapping import search

        for mod in (search, evaluate):
            for v in vars(mod).values():
                if hasattr(v, "cache_clear"):
                    v.cache_clear()

    def timed(net, spec, fusion):
        dt = dw = float("inf")
        for _ in range(max(1, args.repeat)):
            clear_cache()
            if args.vs_none:
                cold()
            t, w = time.process_time(), time.perf_counter()
            for df in spec.dataflows:
                run(net, spec, df, fusion=fusion, search=args.search)
            dt, dw = min(dt, time.process_time() - t), min(dw, time.perf_counter() - w)
        return dt, dw

    extra = f" {'none CPU-s':>10} {'ratio':>6}" if args.vs_none else ""
    print(f"--fusion {args.fusion}")
    print(f"{'network':22} {'config':16} {'dataflows':20} {'CPU-s':>7} {'wall-s':>7}{extra}")
    for c, spec in specs.items():
        for n, net in nets.items():
            dt, dw = timed(net, spec, args.fusion)
            if (n, c) == ("googlenet", "eyeriss"):
                googlenet = dt
            total += dt
            wall += dw
            line = f"{n:22} {c:16} {','.join(spec.dataflows):20} {dt:7.2f} {dw:7.2f}"
            if args.vs_none:
                b, _ = timed(net, spec, "none")
                base += b
                line += f" {b:10.2f} {dt / b:6.2f}"
            print(line)
    print(f"total (warm): {total:.1f} CPU-s, {wall:.1f} wall-s"
          + (f"; --fusion none {base:.1f} CPU-s, ratio {total / base:.3f}" if args.vs_none else ""))
    if googlenet is not None:
        print(f"googlenet/eyeriss, five dataflows: {googlenet:.2f} CPU-s = {googlenet / 1.0:.2f} x the 1.0 CPU-s target")
    if len(nets) == len(ZOO) and len(specs) == len(list((REPO / "hw_configs").glob("*.yaml"))):
        print(f"whole zoo x configs x dataflows: {total:.1f} CPU-s = {total / 60.0:.2f} x the 60 CPU-s target")


if __name__ == "__main__":
    main()
