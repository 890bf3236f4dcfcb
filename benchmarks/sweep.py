"""Speed of accelsim sweep: a 1,000-task sweep of ResNet-18 on eyeriss, on 1 and 2 local
workers and through a 2-worker Dask cluster on 127.0.0.1.

    python benchmarks/sweep.py [--sample N] [--skip-dask]

The grid: array.rows × array.cols (5 × 5) × glbs.fmap_glb.size (5) × rf.split.weight (8)
= 1,000 designs, dataflow rs, one task each. Each backend sweeps into a fresh folder (no
task reused), with a warm numba cache. Prints, per backend, the wall time, tasks per
second, the peak resident memory of each worker process (ru_maxrss, reported by the
worker with each task), and the ratios: 2 workers to 1, Dask to the local pool of the
same size. Issue 16's targets: 1,000 tasks in under 5 minutes on a 2-core machine; 2
workers at least 1.7× one; Dask within 15 % of the local pool; each worker under 400 MB.
The machine's load average is printed before and after: other processes take cores too.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from accelsim.sweep import load_spec, run_sweep
from accelsim.sweep.table import VOLATILE

SPEC = """base: eyeriss
workloads: [resnet18]
dataflows: [rs]
axes:
  array.rows: [8, 10, 12, 14, 16]
  array.cols: [8, 10, 12, 14, 16]
  glbs.fmap_glb.size: [50 KiB, 75 KiB, 100 KiB, 150 KiB, 200 KiB]
  rf.split.weight: [32, 64, 96, 128, 160, 192, 224, 256]
objective: energy
"""


def _one(name: str, spec, out: Path, sample: int | None, **backend) -> dict:
    t = time.perf_counter()
    res = run_sweep(spec, out, sample=sample, **backend)
    wall = time.perf_counter() - t
    peaks = sorted(res.worker_peak_mb.values())
    print(f"{name:18} {res.tasks:6,} tasks {res.failed:3} failed {wall:7.1f} s {res.tasks / wall:7.2f} tasks/s; "
          f"tasks' CPU {res.cpu_s:6.1f} s ({1e3 * res.cpu_s / res.tasks:.0f} ms each); "
          f"worker peak RSS {', '.join(f'{p:.0f}' for p in peaks)} MB", flush=True)
    return {"wall": wall, "cpu": res.cpu_s, "rate": res.tasks / wall, "peaks": peaks,
            "rows": [{k: v for k, v in r.items() if k not in VOLATILE} for r in res.rows]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, help="only N designs of the grid (a quick check)")
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {len(os.sched_getaffinity(0))}")
    with tempfile.TemporaryDirectory(prefix="accelsim-bench-sweep-") as tmp:
        d = Path(tmp)
        (d / "spec.yaml").write_text(SPEC)
        spec = load_spec(d / "spec.yaml")
        run_sweep(spec, d / "warm", workers=1, sample=1)  # the numba cache warm, as in every later sweep
        r1 = _one("local, 1 worker", spec, d / "l1", args.sample, workers=1)
        r2 = _one("local, 2 workers", spec, d / "l2", args.sample, workers=2)
        print(f"2 workers / 1 worker: {r2['rate'] / r1['rate']:.2f}x (target >= 1.7x); "
              f"{len(r2['rows']):,} tasks on 2 workers in {r2['wall']:.0f} s (target: 1,000 in < 300 s)")
        assert r1["rows"] == r2["rows"], "the two local runs disagree"
        if not args.skip_dask:
            from accelsim.sweep.loopback import loopback_cluster

            with loopback_cluster(workers=2) as address:
                rd = _one("Dask, 2 workers", spec, d / "dask", args.sample, scheduler=address)
            print(f"Dask / local pool (2 workers each): {rd['rate'] / r2['rate']:.2f}x the rate (target >= 0.85x)")
            assert rd["rows"] == r2["rows"], "the Dask run disagrees with the local pool"
        peak = max(p for r in (r1, r2, *([rd] if not args.skip_dask else [])) for p in r["peaks"])
        print(f"largest worker peak RSS: {peak:.0f} MB (target < 400 MB)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
