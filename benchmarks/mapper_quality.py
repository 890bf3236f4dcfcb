"""Quality of the mapper: its picks against the best of a seeded random search of the space.

    python benchmarks/mapper_quality.py [--samples 20000] [--seed 0] [--layers alexnet:conv1,...] [--machines eyeriss/rs,...]

On a fixed set of 12 layers (issue 20: AlexNet conv1-3 and fc6, VGG-16 conv1_2 and conv4_2,
ResNet-50 stage-3 1x1 and 3x3, MobileNet-v2 a depthwise and two pointwise layers, an
EfficientNet-B0 squeeze-excite fc) x eyeriss (rs, ws) and edge_16x16 (its dataflow), for
the objectives energy, latency and EDP: the best of ``--samples`` valid mappings drawn at
random from the whole space (accelsim/mapping/space.py: random_mapping, at most 256 GLB
tiles each, seeded), every one scored by accelsim's own engine, next to the pick of the
fast search (the fixed enumeration, what runs use by default) and of the full search
(``--search full``). Prints per layer the ratio of each pick to the random best (1.000:
equal; below 1: the mapper beat the random search), the CPU time per layer of each search,
and the median, worst and the count within the issue's goals (energy 2 %, latency 5 %).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from accelsim.dataflow import dataflow_for
from accelsim.engine import kernel as K
from accelsim.engine.evaluate import cost_vector, machine_arrays, run_kernel
from accelsim.engine.problem import Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S
from accelsim.mapping import space as SP
from accelsim.workload.zoo import build

LAYERS = (
    ("alexnet", "conv1"), ("alexnet", "conv2"), ("alexnet", "conv3"), ("alexnet", "fc6"),
    ("vgg16", "features.2"), ("vgg16", "features.19"),  # conv1_2, conv4_2
    ("resnet50", "layer3.1.conv1"), ("resnet50", "layer3.1.conv2"),  # stage 3: 1x1, 3x3
    ("mobilenet_v2", "features.2.conv.1.0"),  # depthwise 3x3
    ("mobilenet_v2", "features.2.conv.0.0"), ("mobilenet_v2", "features.14.conv.2"),  # pointwise
    ("efficientnet_b0", "features.2.0.block.2.fc1"),  # squeeze-excite fc
)
MACHINES = (("eyeriss", "rs"), ("eyeriss", "ws"), ("edge_16x16", None))
OBJECTIVES = ("energy", "latency", "edp")
GOALS = {"energy": 0.02, "latency": 0.05, "edp": None}


def energy_cycles(p: Problem, spec, df, m) -> tuple[float, int]:
    """The engine's energy (pJ) and cycles of one mapping (one kernel run)."""
    r, tile_row, rows, per = run_kernel(p, df, m, spec.array.kind == "systolic")
    e = float(np.dot(r[: K.N_OUT].astype(np.float64), cost_vector(spec)))
    return e, int(K.timeline(tile_row, rows, per, *machine_arrays(spec))[0])


def value(ec: tuple[float, int], objective: str) -> float:
    e, c = ec
    return e if objective == "energy" else float(c) if objective == "latency" else e * c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=20000, help="valid random mappings per layer and machine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layers", default=",".join(f"{n}:{l}" for n, l in LAYERS))
    ap.add_argument("--machines", default=",".join(f"{c}/{d}" if d else c for c, d in MACHINES), help="config[/dataflow],...")
    args = ap.parse_args()
    machines = [(x.partition("/")[0], x.partition("/")[2] or None) for x in args.machines.split(",")]
    chosen = [tuple(x.split(":")) for x in args.layers.split(",")]
    nets = {n: build(n) for n in dict.fromkeys(n for n, _ in chosen)}
    ratios: dict[tuple[str, str], list[float]] = {}
    print(f"{'layer':34} {'machine':14} {'objective':9} {'random best':>12} {'fast':>6} {'full':>6} {'fast s':>7} {'full s':>7}")
    for cfg, dfn in machines:
        spec = load_hardware(f"hw_configs/{cfg}.yaml")
        df = dataflow_for(dfn or spec.dataflow, spec.array.kind)
        for net_name, layer in chosen:
            shape = next(l.shape for l in nets[net_name].layers if l.name == layer)
            p = Problem.from_shape(shape, 1)
            rng = np.random.default_rng(args.seed)
            drawn: list[tuple[float, int]] = []
            while len(drawn) < args.samples:
                m = SP.random_mapping(p, spec, df, rng, max_tiles=256)
                if m is not None:
                    drawn.append(energy_cycles(p, spec, df, m))
            for objective in OBJECTIVES:
                rand = min(value(ec, objective) for ec in drawn)
                row = []
                for kind, fn in (("fast", S.search_mapping), ("full", S.full_search_mapping)):
                    t = time.process_time()
                    m = fn(p, spec, df, objective)
                    dt = time.process_time() - t
                    r = value(energy_cycles(p, spec, df, m), objective) / rand
                    ratios.setdefault((objective, kind), []).append(r)
                    row.append((r, dt))
                print(
                    f"{net_name + ':' + layer:34} {cfg + '/' + df.name:14} {objective:9} {rand:12.4g} "
                    f"{row[0][0]:6.3f} {row[1][0]:6.3f} {row[0][1]:7.3f} {row[1][1]:7.3f}", flush=True,
                )
    print(f"\nratio to the best of {args.samples} random valid mappings per layer (seed {args.seed}):")
    for (objective, kind), rs in ratios.items():
        goal = GOALS[objective]
        within = f", {sum(r <= 1 + goal for r in rs)}/{len(rs)} within {goal:.0%}" if goal else ""
        print(f"  {objective:8} {kind}: median {statistics.median(rs):.3f}, worst {max(rs):.3f}, best {min(rs):.3f}{within}")


if __name__ == "__main__":
    main()
