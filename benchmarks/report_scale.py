"""Cost of the report for a long network: the figures and report.html of an N-layer chain.

    python benchmarks/report_scale.py [--layers 5000] [--baseline]

Runs an N-layer chain of small convs (3x3, 8 channels, 8x8, each with a ReLU) on Eyeriss,
then times (CPU seconds, time.process_time) and measures (peak RSS growth, from
resource.getrusage) building the report in memory — every figure as PNG and SVG and
report.html, as ``--out`` writes them. Beyond report/figures.py's MAX_BARS layers the
per-layer figures are drawn for the top layers and per block (bounded); ``--baseline``
also draws the unbounded per-layer figures (one bar per layer, what accelsim drew before
issue 17/18) in a fresh process and prints the ratio. Issue 18 measured the unbounded
``--out`` on 5,000 layers at 87 s and 1 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def chain(n: int) -> dict:
    layers, prev = [], "input"
    for i in range(n // 2):
        layers.append({"name": f"c{i}", "type": "conv", "inputs": [prev], "M": 8, "R": 3, "S": 3, "pad": 1})
        layers.append({"name": f"r{i}", "type": "activation", "fn": "relu", "inputs": [f"c{i}"]})
        prev = f"r{i}"
    return {"name": f"chain{n}", "input": {"C": 8, "H": 8, "W": 8}, "layers": layers}


def measure(n: int, unbounded: bool) -> dict:
    import tempfile
    from pathlib import Path

    import yaml

    from accelsim.api import run

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "chain.yaml"
        p.write_text(yaml.safe_dump(chain(n)))
        r = run(p, "eyeriss")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.process_time()
    if unbounded:
        from accelsim.report.figures import energy_breakdown, latency
        from accelsim.report.output import render_all

        files = render_all({"energy_layers": energy_breakdown(r, group=False), "latency": latency(r, group=False)})
    else:
        from accelsim.report.write import report_files

        files = report_files(r)
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
    return {"layers": len(r.layers), "cpu_s": cpu, "rss_mb": rss / 1024, "files": len(files),
            "bytes": sum(len(v) for v in files.values())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=5000)
    ap.add_argument("--baseline", action="store_true", help="also the unbounded per-layer figures, for the ratio")
    ap.add_argument("--child", choices=("bounded", "unbounded"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.layers, args.child == "unbounded")))
        return
    rows = {}
    for kind in ("bounded", "unbounded") if args.baseline else ("bounded",):
        out = subprocess.run([sys.executable, __file__, "--layers", str(args.layers), "--child", kind],
                             capture_output=True, text=True, check=True).stdout
        rows[kind] = json.loads(out.strip().splitlines()[-1])
        m = rows[kind]
        what = "whole report (figures PNG+SVG, report.html)" if kind == "bounded" else "two unbounded per-layer figures"
        print(f"{kind:>9}: {m['layers']} layers, {what}: {m['cpu_s']:.1f} CPU-s, +{m['rss_mb']:.0f} MB peak RSS, "
              f"{m['files']} files, {m['bytes'] / 1e6:.1f} MB")
    if args.baseline:
        b, u = rows["bounded"], rows["unbounded"]
        print(f"ratio unbounded/bounded: {u['cpu_s'] / b['cpu_s']:.1f}x CPU time "
              f"(the bounded figure is the whole report, the unbounded only two of its figures)")


if __name__ == "__main__":
    main()
