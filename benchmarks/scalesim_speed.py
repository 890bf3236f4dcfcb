"""How much faster is accelsim's SCALE-Sim-compatible mode than SCALE-Sim 3.0.0?

AlexNet's five conv layers on SCALE-Sim's default 32x32 array (``scale.cfg``: 64/64/64 kB, CALC)
under os, ws and is, in the compatible mode — every figure of SCALE-Sim's three reports,
checked here against SCALE-Sim's own Total Cycles. Prints the CPU time and the peak memory, and
the ratio to what SCALE-Sim 3.0.0 took for the same runs (../shared/reference/scalesim/MODEL.md
§1, one core of a 2-vCPU machine: 260.5 / 260.5 / 325.1 CPU-s and 1875 / 2646 / 2684 MB peak
resident memory for os / ws / is).

    python benchmarks/scalesim_speed.py [--repeat N] [--json]

Three CPU times are reported, all ``time.process_time`` (user + system CPU of this process):

- **run**: one compatible-mode run (parse, simulate, all report figures), the best of
  ``--repeat`` runs — what each further run costs in a session, a sweep or a test suite;
- **first run**: the first run in the process, which also loads the compiled kernels: the
  ahead-of-time compiled module (accelsim/scalesim/aot.py; built once, about 20 CPU-s, on a
  fresh checkout) or, with ``ACCELSIM_AOT=off``, numba's cached kernels and numba itself
  (about 0.5 s more, paid once per process);
- **process**: a fresh process that runs each dataflow once: interpreter start-up, imports
  (numpy, accelsim; numba too with ``ACCELSIM_AOT=off``) and the three first runs.

Peak memory is the process's peak resident set (``ru_maxrss``: Python, numpy, numba and LLVM
included) and, separately, the peak of the memory the runs themselves allocate (tracemalloc).
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from accelsim.scalesim import run_compat  # noqa: E402

DATA = REPO / "tests" / "data" / "scalesim"
TOPOLOGY = DATA / "topologies" / "alexnet.csv"
# SCALE-Sim 3.0.0 on the same runs (MODEL.md §1): CPU seconds, peak RSS MB, sum of Total Cycles
SCALESIM = {
    "os": (260.5, 1875, 850_960),
    "ws": (260.5, 2646, 1_136_239),
    "is": (325.1, 2684, 1_158_205),
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per dataflow; the best is reported")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args(argv)

    rss_after_imports = peak_rss_mb()
    configs = {df: DATA / "configs" / f"scale32_{df}.cfg" for df in SCALESIM}
    times: dict[str, list[float]] = {df: [] for df in SCALESIM}
    totals: dict[str, int] = {}
    for round_ in range(max(1, args.repeat)):
        for df, config in configs.items():
            t0 = time.process_time()
            result = run_compat(TOPOLOGY, config)
            times[df].append(time.process_time() - t0)
            totals[df] = result.total_cycles
            assert result.total_cycles == SCALESIM[df][2], (df, result.total_cycles)
        if round_ == 0:
            # a fresh process that runs each dataflow once: interpreter, imports, numba, three runs
            process_cpu = time.process_time()
    rows = {
        df: {"first_run_cpu_s": t[0], "run_cpu_s": min(t), "total_cycles": totals[df]} for df, t in times.items()
    }
    rss = peak_rss_mb()
    # what the runs themselves allocate (tracemalloc slows allocation down: measured separately)
    tracemalloc.start()
    for df in ("os", "ws", "is"):
        run_compat(TOPOLOGY, DATA / "configs" / f"scale32_{df}.cfg")
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()

    ss_cpu = sum(v[0] for v in SCALESIM.values())
    run_cpu = sum(r["run_cpu_s"] for r in rows.values())
    first_cpu = sum(r["first_run_cpu_s"] for r in rows.values())
    report = {
        "workload": "AlexNet conv1-5 (tests/data/scalesim/topologies/alexnet.csv)",
        "configs": "SCALE-Sim scale.cfg: 32x32, 64/64/64 kB, CALC; dataflow os/ws/is",
        "per_dataflow": {
            df: {
                **r,
                "scalesim_cpu_s": SCALESIM[df][0],
                "scalesim_peak_rss_mb": SCALESIM[df][1],
                "speedup_run": SCALESIM[df][0] / r["run_cpu_s"],
            }
            for df, r in rows.items()
        },
        "all_three": {
            "run_cpu_s": run_cpu,
            "first_runs_cpu_s": first_cpu,
            "process_cpu_s": process_cpu,
            "scalesim_cpu_s": ss_cpu,
            "speedup_run": ss_cpu / run_cpu,
            "speedup_first_runs": ss_cpu / first_cpu,
            "speedup_process": ss_cpu / process_cpu,
        },
        "memory": {
            "peak_rss_mb": rss,
            "rss_after_imports_mb": rss_after_imports,
            "traced_peak_mb": traced_peak,
            "scalesim_peak_rss_mb": max(v[1] for v in SCALESIM.values()),
            "ratio_rss": max(v[1] for v in SCALESIM.values()) / rss,
        },
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print("AlexNet conv1-5, 32x32, 64/64/64 kB, CALC — SCALE-Sim-compatible mode vs SCALE-Sim 3.0.0")
    print(f"{'df':4} {'run CPU-s':>10} {'first run':>10} {'SCALE-Sim':>10} {'speed-up':>9}   Total Cycles")
    for df, r in report["per_dataflow"].items():
        print(
            f"{df:4} {r['run_cpu_s']:10.3f} {r['first_run_cpu_s']:10.3f} {r['scalesim_cpu_s']:10.1f} "
            f"{r['speedup_run']:8.0f}x   {r['total_cycles']:,} (= SCALE-Sim's)"
        )
    a = report["all_three"]
    print(
        f"all three: {a['run_cpu_s']:.3f} CPU-s per run set ({a['speedup_run']:.0f}x less than SCALE-Sim's "
        f"{a['scalesim_cpu_s']:.1f} CPU-s); first runs {a['first_runs_cpu_s']:.3f} CPU-s "
        f"({a['speedup_first_runs']:.0f}x); a fresh process running each once, imports included, "
        f"{a['process_cpu_s']:.2f} CPU-s ({a['speedup_process']:.0f}x)"
    )
    m = report["memory"]
    print(
        f"memory: peak RSS {m['peak_rss_mb']:.0f} MB for the whole process, {m['rss_after_imports_mb']:.0f} MB of "
        f"it before the first run (SCALE-Sim: up to {m['scalesim_peak_rss_mb']} MB, {m['ratio_rss']:.0f}x more); "
        f"a run itself allocates at most {m['traced_peak_mb']:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
