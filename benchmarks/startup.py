"""Where a fresh ``accelsim run`` of a SCALE-Sim pair spends its CPU, and its ratio to SCALE-Sim 3.0.0.

    python benchmarks/startup.py [--repeat 3]

Issue 20 asks a fresh-process ``accelsim run TOPOLOGY.csv CONFIG.cfg`` to take 1,000x less
CPU than SCALE-Sim 3.0.0 on the same run. Here: AlexNet conv1-5 on SCALE-Sim's 32x32
``scale.cfg`` (tests/data/scalesim), os, ws and is, against SCALE-Sim's 260.5 / 260.5 /
325.1 CPU-s (../shared/reference/scalesim/MODEL.md §1, as benchmarks/scalesim_speed.py).

1. **CLI**: ``accelsim run`` in a fresh process per dataflow — its CPU (user + system of the
   child, ``RUSAGE_CHILDREN``), the least of ``--repeat``, and the ratio.
2. **Phases**, in one fresh process that does what that command does, step by step, each
   timed with ``time.process_time``: the interpreter up to the first line; ``import numpy``;
   ``import numba``; numba's own start-up (the first call of any cached kernel: it builds
   its typing and target contexts — measured on a one-line kernel cached in a temporary
   folder, so it is numba's fixed cost, not the size of accelsim's kernels); the CLI's
   imports (``accelsim.cli`` and the parser with every subcommand); the compatible mode's
   modules; the first run (loading accelsim's own cached kernels); a second run. Each line
   also gives the ratio the command would reach without that phase.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "scalesim"
TOPOLOGY = DATA / "topologies" / "alexnet.csv"
SCALESIM = {"os": 260.5, "ws": 260.5, "is": 325.1}  # SCALE-Sim 3.0.0, CPU-s (MODEL.md §1)

PHASES = r'''
import sys, time, json
t = [time.process_time()]
import numpy; t.append(time.process_time())
import numba; t.append(time.process_time())
sys.path.insert(0, sys.argv[1]); import tiny; tiny.one(1); t.append(time.process_time())
import accelsim.cli; accelsim.cli.build_parser(); t.append(time.process_time())
from accelsim.scalesim import run_compat; import accelsim.scalesim.run; t.append(time.process_time())
run_compat(sys.argv[2], sys.argv[3]); t.append(time.process_time())
run_compat(sys.argv[2], sys.argv[3]); t.append(time.process_time())
print(json.dumps(t))
'''
NAMES = (
    "interpreter (to the first line)", "import numpy", "import numba", "numba start-up (first cached kernel)",
    "CLI imports and parser", "compatible mode's modules", "first run (accelsim's kernels loaded)", "a further run",
)
TINY = "import numba\n\n@numba.njit(cache=True)\ndef one(x):\n    return x + 1\n"


def child_cpu(cmd: list[str]) -> float:
    """CPU-s (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement; the least is kept")
    args = ap.parse_args()
    exe = Path(sys.executable).parent / "accelsim"
    print("1. fresh `accelsim run` of a SCALE-Sim pair (AlexNet conv1-5, 32x32 scale.cfg)")
    cli = {}
    for df, ss in SCALESIM.items():
        cmd = [str(exe), "run", str(TOPOLOGY), str(DATA / "configs" / f"scale32_{df}.cfg"), "--quiet"]
        child_cpu(cmd)  # warm the OS page cache and numba's cache files
        cli[df] = min(child_cpu(cmd) for _ in range(args.repeat))
        print(f"   {df}: {cli[df]:.3f} CPU-s, SCALE-Sim {ss} CPU-s: {ss / cli[df]:,.0f}x")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "tiny.py").write_text(TINY)
        cmd = [sys.executable, "-c", PHASES, tmp, str(TOPOLOGY), str(DATA / "configs" / "scale32_os.cfg")]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=REPO)  # compiles the tiny kernel once
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO).stdout
            t = json.loads(out.strip().splitlines()[-1])
            runs.append([t[0]] + [b - a for a, b in zip(t, t[1:])])
    phases = [min(r[k] for r in runs) for k in range(len(NAMES))]
    total = sum(phases[:-1])  # the process: every phase but the further run
    ss = SCALESIM["os"]
    print(f"2. one fresh process doing the same (os), least of {args.repeat} per phase:")
    for name, cpu in zip(NAMES, phases):
        print(f"   {name:40} {cpu:6.3f} CPU-s" + (f"   without it: {ss / (total - cpu):,.0f}x" if name != NAMES[-1] else ""))
    print(f"   {'the process (all but the further run)':40} {total:6.3f} CPU-s   {ss / total:,.0f}x; 1,000x needs <= {ss / 1000:.3f} CPU-s")


if __name__ == "__main__":
    main()
