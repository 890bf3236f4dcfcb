"""Quality of the mapper: its picks against the best of a seeded random search of the space.

    python benchmarks/mapper_quality.py [--samples 20000] [--seed 0] [--jobs 2] [--no-prune]
        [--layers alexnet:conv1,...] [--machines eyeriss/rs,...] [--searches fast,full]
        [--cache FILE]

On a fixed set of 12 layers (issue 20: AlexNet conv1-3 and fc6, VGG-16 conv1_2 and conv4_2,
ResNet-50 stage-3 1x1 and 3x3, MobileNet-v2 a depthwise and two pointwise layers, an
EfficientNet-B0 squeeze-excite fc) x eyeriss (rs, ws) and edge_16x16 (its dataflow), for
the objectives energy, latency and EDP: the best of ``--samples`` distinct valid mappings
drawn at random from the whole space (accelsim/mapping/space.py: random_mappings, at most
256 GLB tiles each — 16× more until one fits where none does — seeded; the space the full
search covers: on a multicast array half the draws on a random layout of their own, a
quarter of the draws whose tiling allows it with one dim's DRAM loop split in two around
others, half the draws of a dataflow with an RF with each type's keep level drawn too, a
quarter of those on a split RF nest, half of those with a further dim split where one can
be, loop orders of their own), next to the pick of the fast search (the fixed enumeration,
what runs use by default) and of the full search (``--search full``).

Every draw is priced as engine/evaluate.py's ``score`` prices a mapping (the kernel's
counts at the config's costs plus the table's energy per cycle, the timeline's cycles),
once for all three objectives. A draw whose exact lower bounds (engine/bound.py: the
energy and cycle bounds of its GLB tile and DRAM order, the MACs over the PEs its spatial
factors occupy) exceed the best score of an objective cannot be the best of the draws for
it: per objective the draws are scored in order of their bound until the next bound
exceeds the best so far, so the random best is the same as scoring every draw
(``--no-prune`` scores every one, to check that). ``--cache FILE`` keeps the random bests
(they depend on the layer, machine, samples and seed, not on the mapper) in a JSON file and
reads them back on the next run, so a change to the mapper is measured in the searches' time.

Prints per layer and machine the ratio of each pick to the random best (1.000: equal;
below 1: the mapper beat the random search), the CPU time of each search per layer, and
per objective and search the median, worst and the count within the issue's goals (energy
2 %, latency 5 %), overall and per machine.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from accelsim.dataflow import dataflow_for
from accelsim.engine import kernel as K
from accelsim.engine.bound import cycles_bound_bw, energy_bound, lower_bound, lower_bound_walked
from accelsim.engine.evaluate import cost_vector, machine_arrays, run_kernel, score, static_per_cycle
from accelsim.engine.problem import Problem
from accelsim.engine.tiles import walk_tiles_loops
from accelsim.hardware import load_hardware
from accelsim.mapping import full as F
from accelsim.mapping import search as S
from accelsim.mapping import space as SP
from accelsim.mapping.mapping import TILE_DIMS
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
MAX_TILES = 256  # GLB tiles per random mapping at most (x16 until one fits, where none does)


def energy_cycles(p: Problem, spec, df, m) -> tuple[float, int]:
    """The engine's energy (pJ, the table's per-cycle energy included) and cycles of one
    mapping, from one kernel run: the figures evaluate.score combines into each objective."""
    r, tile_row, rows, per = run_kernel(p, df, m, spec.array.kind == "systolic")
    cycles = int(K.timeline(tile_row, rows, per, *machine_arrays(spec))[0])
    return float(np.dot(r[: K.N_OUT].astype(np.float64), cost_vector(spec))) + static_per_cycle(spec) * cycles, cycles


def values(e: float, c: float) -> tuple[float, float, float]:
    return e, c, e * c


def random_best(p: Problem, spec, df, n: int, seed: int, prune: bool) -> tuple[tuple[float, ...], int, int, int, int]:
    """The least energy, cycles and EDP over ``n`` distinct random valid mappings; the
    number of them run through the kernel; the draws taken (distinct ones kept); the cap
    on GLB tiles per draw; the distinct mappings drawn (fewer than ``n`` only when three
    batches of draws in a row find none new: the space is about that small).

    Best first: per objective, the mappings in order of their lower bound, scored until
    the bound of the next exceeds the best score so far (none after it can beat it); EDP
    last, its bound the product of each draw's energy and cycle bounds raised to the least
    energy and the least cycles of all draws (found by then)."""
    rng = np.random.default_rng(seed)
    drawn = 0
    kept: dict = {}
    max_tiles = MAX_TILES
    while not SP.random_mappings(p, spec, df, rng, 16, max_tiles=max_tiles, tries=100):
        if max_tiles > math.prod(p.bounds):
            raise ValueError(f"no valid mapping drawn for {p} on {spec.name}/{df.name}")
        max_tiles *= 16  # no tiling of at most max_tiles GLB tiles fits (e.g. fc6's weights on eyeriss)
    stale = 0
    while len(kept) < n and stale < 3:  # a small layer's space may hold fewer than n mappings
        batch = SP.random_mappings(p, spec, df, rng, min(4096, n - len(kept)), max_tiles=max_tiles)
        drawn += len(batch)
        size = len(kept)
        kept.update(dict.fromkeys(batch))
        stale = stale + 1 if len(kept) == size else 0
    ms = list(kept)[:n]
    costs, static = cost_vector(spec), static_per_cycle(spec)
    if not (prune and bool(np.all(costs >= 0)) and static >= 0):
        scores = [values(*energy_cycles(p, spec, df, m)) for m in ms]
        return tuple(min(s[k] for s in scores) for k in range(3)), len(ms), drawn, max_tiles, len(ms)
    pa = p.as_array()
    machine = machine_arrays(spec)
    lbs = np.empty((len(ms), 3))
    for i, m in enumerate(ms):
        keep = np.array(SP.keep_levels(df, m), np.int64)  # its own keep levels (indices into the dataflow's RF loops)
        t1 = np.array(m.t1, np.int64)
        if m.dram_loops:  # a split DRAM nest: the bound of its own walk
            lb = lower_bound_walked(pa, t1, walk_tiles_loops(pa, t1, *m.dram_loop_arrays(p))[0], keep, len(df.rf_order), df.uses_rf)
        else:
            lb = lower_bound(pa, t1, np.array([TILE_DIMS.index(d) for d in m.dram_order], np.int64), keep, len(df.rf_order),
                             df.uses_rf)
        c = max(0.0, cycles_bound_bw(lb, spec.pes, *machine) - 1.0, p.macs / math.prod(m.sp) - 1.0)
        lbs[i] = values(energy_bound(lb, costs) + static * c, c)
    scored: dict[int, tuple[float, float, float]] = {}
    energy: dict[int, float] = {}
    best: list[float] = []
    for k in range(3):
        if k == 2:  # each draw's energy and cycles are at least the least of all draws: EDP's bound tightened
            lbs[:, 2] = np.maximum(lbs[:, 0], best[0]) * np.maximum(lbs[:, 1], best[1])
        b = math.inf
        for i in np.argsort(lbs[:, k], kind="stable").tolist():
            if lbs[i, k] > b * (1 + S.SLACK):
                break
            if k == 0 and i not in scored:  # energy alone: evaluate.score's path (the kernel's totals)
                b = min(b, energy.setdefault(i, score(p, spec, df, ms[i], "energy")))
                continue
            if i not in scored:
                scored[i] = values(*energy_cycles(p, spec, df, ms[i]))
            b = min(b, scored[i][k])
        best.append(b)
    return tuple(best), len(scored.keys() | energy.keys()), drawn, max_tiles, len(ms)


def one(task: tuple) -> tuple:
    """One layer on one machine: the random best (or its cached figures) and the searches' picks."""
    (cfg, dfn), (net_name, layer), n, seed, prune, searches, cached = task
    spec = load_hardware(f"hw_configs/{cfg}.yaml")
    df = dataflow_for(dfn or spec.dataflow, spec.array.kind)
    shape = next(l.shape for l in build(net_name).layers if l.name == layer)
    p = Problem.from_shape(shape, 1)
    # numba's kernels loaded before any timing (a small layer of another shape)
    S.search_mapping(Problem(N=1, G=1, M=4, C=4, E=4, F=4, R=3, S=3, H=6, W=6, U=1, D=1, pt=0, pl=0), spec, df)
    t = time.process_time()
    if cached is None:
        rand, scored, drawn, max_tiles, distinct = random_best(p, spec, df, n, seed, prune)
    else:
        rand, scored, drawn, max_tiles, distinct = tuple(cached[0]), *cached[1:]
    t_rand = time.process_time() - t
    rows = []
    fns = {"fast": S.search_mapping, "full": F.full_search_mapping}
    for k, objective in enumerate(OBJECTIVES):
        row = []
        for fn in (fns[s] for s in searches):
            t = time.process_time()
            m = fn(p, spec, df, objective)
            dt = time.process_time() - t
            row.append((values(*energy_cycles(p, spec, df, m))[k] / rand[k], dt))
        rows.append((objective, rand[k], row))
    return f"{net_name}:{layer}", f"{cfg}/{df.name}", rows, t_rand, (list(rand), scored, drawn, max_tiles, distinct)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=20000, help="distinct valid random mappings per layer and machine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (layer x machine pairs in parallel)")
    ap.add_argument("--no-prune", action="store_true", help="run every draw through the kernel (no bound)")
    ap.add_argument("--layers", default=",".join(f"{n}:{l}" for n, l in LAYERS))
    ap.add_argument("--machines", default=",".join(f"{c}/{d}" if d else c for c, d in MACHINES), help="config[/dataflow],...")
    ap.add_argument("--searches", default="fast,full", help="the mapper's searches to measure (fast, full or both)")
    ap.add_argument("--cache", default=None, help="a JSON file of random bests, read if present and written back")
    args = ap.parse_args()
    searches = tuple(args.searches.split(","))
    cache = json.loads(Path(args.cache).read_text()) if args.cache and Path(args.cache).exists() else {}
    key = lambda mc, ly: f"{mc[0]}/{mc[1]}|{ly[0]}:{ly[1]}|{args.samples}|{args.seed}|{not args.no_prune}"  # noqa: E731
    machines = [(x.partition("/")[0], x.partition("/")[2] or None) for x in args.machines.split(",")]
    chosen = [tuple(x.split(":")) for x in args.layers.split(",")]
    tasks = [(mc, ly, args.samples, args.seed, not args.no_prune, searches, cache.get(key(mc, ly))) for mc in machines for ly in chosen]
    ratios: dict[tuple[str, str, str], list[float]] = {}
    times: dict[str, list[float]] = {**{s: [] for s in searches}, "random": []}
    print(f"{'layer':40} {'machine':14} {'objective':9} {'random best':>12} " + " ".join(f"{s:>6}" for s in searches)
          + " " + " ".join(f"{s + ' s':>7}" for s in searches))
    with ProcessPoolExecutor(args.jobs) as pool:
        for task, (name, machine, rows, t_rand, rand) in zip(tasks, pool.map(one, tasks)):
            cache[key(task[0], task[1])] = rand
            scored, drawn, max_tiles, distinct = rand[1:]
            for objective, rbest, row in rows:
                for kind, (r, dt) in zip(searches, row):
                    ratios.setdefault((objective, kind, machine), []).append(r)
                    times[kind].append(dt)
                print(f"{name:40} {machine:14} {objective:9} {rbest:12.5g} " + " ".join(f"{r:6.3f}" for r, _ in row) + " "
                      + " ".join(f"{dt:7.3f}" for _, dt in row), flush=True)
            times["random"].append(t_rand)
            print(f"{'':40} {'':14} random: {distinct} distinct of {drawn} draws (<= {max_tiles} GLB tiles), {scored} scored by the kernel, {t_rand:.1f} CPU-s",
                  flush=True)
    print(f"\nratio to the best of {args.samples} distinct random valid mappings per layer (seed {args.seed}):")
    groups = list(dict.fromkeys(m for _, _, m in ratios))
    if args.cache:
        Path(args.cache).write_text(json.dumps(cache, indent=0, sort_keys=True))
    for objective in OBJECTIVES:
        for kind in searches:
            rs = [r for (o, k, _), v in ratios.items() if o == objective and k == kind for r in v]
            goal = GOALS[objective]
            within = f", {sum(r <= 1 + goal for r in rs)}/{len(rs)} within {goal:.0%}" if goal else ""
            per = "; ".join(
                f"{g} {sum(r <= 1 + goal for r in ratios[(objective, kind, g)])}/{len(ratios[(objective, kind, g)])}" for g in groups
            ) if goal else ""
            print(f"  {objective:8} {kind}: median {statistics.median(rs):.3f}, worst {max(rs):.3f}, best {min(rs):.3f}{within}"
                  + (f" ({per})" if per else ""))
    for kind, ts in times.items():
        print(f"  CPU-s per layer and {'objective' if kind != 'random' else 'machine'}, {kind}: median {statistics.median(ts):.3f}, max {max(ts):.3f}")


if __name__ == "__main__":
    main()
