"""What the cited static-energy default changes in the energy objective (issue 20).

    python benchmarks/static_energy.py [--layers alexnet:conv1,...] [--machines eyeriss/rs,...]

For each layer of benchmarks/mapper_quality.py's set on each machine, the full search's
(``--search full``) latency-best mapping and its energy-best mapping twice: with the
machine's table as shipped (nothing per cycle) and with ``static: jssc17`` (the cited
per-cycle default, accelsim/hardware/energy.py). Printed per layer: the energy-best
mapping's cycles over the latency-best's cycles (how much longer the run it takes for its
energy), its PEs used, and the dynamic energy it gives up against the static-0 energy-best
(its dynamic energy over that mapping's, both priced without energy per cycle). Then the
median and worst of each column.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from accelsim.dataflow import dataflow_for
from accelsim.engine.evaluate import evaluate
from accelsim.engine.problem import Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S
from accelsim.workload.zoo import build

REPO = Path(__file__).resolve().parent.parent
LAYERS = (
    ("alexnet", "conv1"), ("alexnet", "conv2"), ("alexnet", "conv3"), ("alexnet", "fc6"),
    ("vgg16", "features.2"), ("vgg16", "features.19"),
    ("resnet50", "layer3.1.conv1"), ("resnet50", "layer3.1.conv2"),
    ("mobilenet_v2", "features.2.conv.1.0"),
    ("mobilenet_v2", "features.2.conv.0.0"), ("mobilenet_v2", "features.14.conv.2"),
    ("efficientnet_b0", "features.2.0.block.2.fc1"),
)
MACHINES = (("eyeriss", "rs"), ("eyeriss", "ws"), ("edge_16x16", None))


def with_static(cfg: str, folder: Path):  # noqa: ANN201 - a HardwareSpec
    """The shipped config with ``static: jssc17`` added to its energy table."""
    text = (REPO / "hw_configs" / f"{cfg}.yaml").read_text()
    table = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("energy:"))
    path = folder / f"{cfg}_jssc17.yaml"
    path.write_text(text.replace(f"\nenergy: {table}\n", f"\nenergy: {{table: {table}, static: jssc17}}\n"))
    return load_hardware(path)



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", default=",".join(f"{n}:{l}" for n, l in LAYERS))
    ap.add_argument("--machines", default=",".join(f"{c}/{d}" if d else c for c, d in MACHINES))
    args = ap.parse_args()
    layers = [tuple(x.split(":")) for x in args.layers.split(",")]
    machines = [(m.split("/") + [None])[:2] for m in args.machines.split(",")]
    rows = []
    t0 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        for cfg, dfn in machines:
            plain = load_hardware(REPO / "hw_configs" / f"{cfg}.yaml")
            static = with_static(cfg, Path(tmp))
            df = dataflow_for(dfn or plain.dataflow, plain.array.kind)
            for net, name in layers:
                shape = next(x.shape for x in build(net).layers if x.name == name)
                p = Problem.from_shape(shape, 1)
                fast = evaluate(p, plain, df, S.full_search_mapping(p, plain, df, "latency"))
                m0 = S.full_search_mapping(p, plain, df, "energy")
                m1 = S.full_search_mapping(p, static, df, "energy")
                e0, e1 = evaluate(p, plain, df, m0), evaluate(p, plain, df, m1)
                s0, s1 = evaluate(p, static, df, m0), evaluate(p, static, df, m1)
                rows.append((f"{net}:{name}", f"{cfg}/{df.name}", e0.cycles / fast.cycles, e1.cycles / fast.cycles,
                             e1.total_energy / e0.total_energy, s1.total_energy / s0.total_energy,
                             (s1.total_energy - e1.total_energy) / s1.total_energy))
    print(f"{'layer':36} {'machine':14} {'cycles/latency-best':>21} {'dyn. energy':>12} {'total':>8} {'static':>7}")
    print(f"{'':36} {'':14} {'static 0':>10} {'jssc17':>10} {'jssc17/0':>12} {'jssc17/0':>8} {'share':>7}")
    for r in rows:
        print(f"{r[0]:36} {r[1]:14} {r[2]:10.2f} {r[3]:10.2f} {r[4]:12.3f} {r[5]:8.3f} {r[6]:7.1%}")
    for k, what in ((2, "cycles over the latency-best, static 0"), (3, "cycles over the latency-best, jssc17"),
                    (4, "dynamic energy given up (jssc17 pick / static-0 pick)"),
                    (5, "total energy with static, jssc17 pick / static-0 pick")):
        col = [r[k] for r in rows]
        print(f"{what:56} median {statistics.median(col):6.3f}  worst {max(col):6.3f}  best {min(col):6.3f}")
    print(f"{len(rows)} layer x machine pairs, {time.process_time() - t0:.1f} CPU-s")


if __name__ == "__main__":
    main()
