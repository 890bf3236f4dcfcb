"""Scale (issue 18): long networks through the CLI, each in a fresh process.

    python benchmarks/scale.py [--chain 20000] [--info 5000] [--out 5000] [--skip out]

Three measurements, each ``python -m accelsim ...`` in a child process, timed by the child's
own rusage (CPU seconds, user + system) and its peak resident memory (ru_maxrss), with the
wall time beside them:

- ``run`` of a chain of 20,000 3x3 convs (16 channels, 16x16) on eyeriss, ``--quiet``;
- ``info`` of a chain of 5,000 (the table printed to a pipe);
- ``run --out DIR`` of the 5,000 (result.json, layers.csv, figures, report.html).

Each line prints the ratio to the figure issue 18 measured before the fault work (20,000-layer
run 26 s / 400 MB; info of 5,000 layers 17 s; --out of 5,000 layers 87 s / 1 GB): below 1 is
faster or smaller. On this shared 2-core machine read the CPU seconds; the wall time includes
waiting for the CPU. The workloads are generated into a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# what issue 18 measured (seconds, MB); None: not measured there
ISSUE = {"run": (26.0, 400.0), "info": (17.0, None), "out": (87.0, 1000.0)}


def chain(n: int) -> str:
    """A workload YAML of ``n`` chained 3x3 convs, 16 channels on 16x16 (same padding)."""
    lines = [f"name: chain{n}", "input: {C: 16, H: 16, W: 16}", "layers:"]
    prev = "input"
    for i in range(n):
        lines.append(f"- {{name: conv{i}, type: conv, inputs: [{prev}], M: 16, R: 3, S: 3, pad: 1}}")
        prev = f"conv{i}"
    return "\n".join(lines) + "\n"


def measure(argv: list[str]) -> tuple[float, float, float]:
    """(CPU-s, peak MB, wall-s) of ``python -m accelsim ARGV`` in a child process (its own rusage, os.wait4)."""
    with tempfile.TemporaryFile("w+") as err:
        w = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-m", "accelsim", *argv], cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - w
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"accelsim {' '.join(argv)} failed:\n{err.read()}")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, wall  # ru_maxrss in kB (Linux)


def report(name: str, what: str, cpu: float, mb: float, wall: float) -> None:
    t_ref, m_ref = ISSUE[name]
    ratio = f"time {cpu / t_ref:.2f}x" + (f", memory {mb / m_ref:.2f}x" if m_ref else "")
    print(f"{what:38} {cpu:8.1f} CPU-s {mb:7.0f} MB {wall:8.1f} wall-s   vs issue 18: {ratio}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chain", type=int, default=20_000, help="layers of the run chain (default 20,000)")
    ap.add_argument("--info", type=int, default=5_000, help="layers for info (default 5,000)")
    ap.add_argument("--out", type=int, default=5_000, help="layers for run --out (default 5,000)")
    ap.add_argument("--skip", default="", help="comma-separated: run, info, out")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; each line one fresh process")
        if "info" not in skip:
            (t / "info.yaml").write_text(chain(args.info))
            report("info", f"info, {args.info:,} layers", *measure(["info", str(t / "info.yaml")]))
        if "out" not in skip:
            (t / "out.yaml").write_text(chain(args.out))
            report("out", f"run --out, {args.out:,} layers",
                   *measure(["run", str(t / "out.yaml"), "eyeriss", "--quiet", "--out", str(t / "report")]))
        if "run" not in skip:
            (t / "run.yaml").write_text(chain(args.chain))
            report("run", f"run, {args.chain:,} layers", *measure(["run", str(t / "run.yaml"), "eyeriss", "--quiet"]))


if __name__ == "__main__":
    main()
