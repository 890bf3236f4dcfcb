"""Where a fresh ``accelsim run`` of a SCALE-Sim pair spends its CPU, and its ratio to SCALE-Sim 3.0.0.

    python benchmarks/startup.py [--repeat 3]

Issue 20 asks a fresh-process ``accelsim run TOPOLOGY.csv CONFIG.cfg`` to take 1,000x less
CPU than SCALE-Sim 3.0.0 on the same run. Here: AlexNet conv1-5 on SCALE-Sim's 32x32
``scale.cfg`` (tests/data/scalesim), os, ws and is, against SCALE-Sim's 260.5 / 260.5 /
325.1 CPU-s (../shared/reference/scalesim/MODEL.md §1, as benchmarks/scalesim_speed.py).

1. **CLI**: ``accelsim run`` in a fresh process per dataflow — its CPU (user + system of the
   child, ``RUSAGE_CHILDREN``), the least of ``--repeat``, and the ratio; with the compatible
   mode's ahead-of-time compiled kernels (``accelsim/scalesim/aot.py``, the default once built),
   with numba's jitted ones (``ACCELSIM_AOT=off``: numba's import and start-up included), with
   the table printed (to a pipe) instead of ``--quiet``, and with accelsim's bytecode cached.
   Where ``PYTHONDONTWRITEBYTECODE`` is set (this sandbox sets it) and the package is not
   installed from a wheel (an editable install, a checkout), no ``.pyc`` of accelsim is ever
   written, so every fresh process compiles the source of each module it imports; a wheel or
   ``pip install`` has them compiled once at install. The last column is that case: Python
   writes and reads its bytecode under a temporary ``PYTHONPYCACHEPREFIX`` (nothing is written
   into the tree; the first, warming run fills it).
2. **Phases**, in one fresh process that does what that command does, step by step, each
   timed with ``time.process_time``: the interpreter up to the first line; ``import numpy``
   (with the one OpenBLAS thread ``accelsim.cli.main`` asks for before anything imports
   numpy); the CLI's imports and the ``run`` parser; the compatible mode's modules with the
   compiled kernels loaded; the first run; a further run. Each line also gives the ratio the command
   would reach without that phase. Two columns: as the environment is, and with the bytecode
   cached (as in 1.).
3. **Floors**: fresh processes that do nothing (``python -c pass``), only import numpy, and
   what the jitted kernels would add: ``import numba`` and numba's own start-up (the first call
   of a one-line cached kernel: its typing and target contexts, whatever the kernel's size).
"""
from __future__ import annotations

import argparse
import json
import os
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
import os; os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as accelsim.cli.main does before numpy
import numpy; t.append(time.process_time())
import accelsim.cli; accelsim.cli.build_parser("run"); t.append(time.process_time())
from accelsim.scalesim import run_compat, aot; import accelsim.scalesim.run; aot.kernels(); t.append(time.process_time())
run_compat(sys.argv[1], sys.argv[2]); t.append(time.process_time())
run_compat(sys.argv[1], sys.argv[2]); t.append(time.process_time())
print(json.dumps(t), aot.kernels().source)
'''
NAMES = (
    "interpreter (to the first line)", "import numpy", "CLI imports and the run parser",
    "compatible mode's modules and kernels", "first run", "a further run",
)
TINY = "import numba\n\n@numba.njit(cache=True)\ndef one(x):\n    return x + 1\n"
FLOORS = {
    "python -c pass": "pass",
    "import numpy": "import numpy",
    "import numpy, one BLAS thread (as the CLI)": "import os; os.environ['OPENBLAS_NUM_THREADS'] = '1'; import numpy",
    "import numpy, numba": "import numpy, numba",
    "numba + a one-line cached kernel": "import sys; sys.path.insert(0, sys.argv[1]); import tiny; tiny.one(1)",
}


def cached_bytecode(prefix: str) -> dict[str, str]:
    """The environment with Python's bytecode written and read under ``prefix`` (an installed
    package's ``.pyc`` files, without writing into the tree)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = prefix
    return env


def child_cpu(cmd: list[str], env: dict[str, str] | None = None, stdout: int | None = subprocess.DEVNULL) -> float:
    """CPU-s (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=stdout, cwd=REPO, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def least(cmd: list[str], repeat: int, env: dict[str, str] | None = None, stdout: int | None = subprocess.DEVNULL) -> float:
    child_cpu(cmd, env, stdout)  # warm the OS page cache and the kernels' caches (builds them if missing)
    return min(child_cpu(cmd, env, stdout) for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement; the least is kept")
    args = ap.parse_args()
    bytecode = "not written (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "as Python does"
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores); CPU-s are user + system, the least of {args.repeat}; "
          f"accelsim's bytecode: {bytecode}")
    exe = [sys.executable, "-m", "accelsim"]
    jit = {**os.environ, "ACCELSIM_AOT": "off"}
    with tempfile.TemporaryDirectory() as tmp:
        pyc = cached_bytecode(str(Path(tmp) / "pycache"))
        print("1. fresh `accelsim run` of a SCALE-Sim pair (AlexNet conv1-5, 32x32 scale.cfg)")
        print(f"   {'':4} {'compiled':>22} {'jitted (numba)':>22} {'compiled, table':>22} {'compiled, bytecode':>22}")
        for df, ss in SCALESIM.items():
            cmd = [*exe, "run", str(TOPOLOGY), str(DATA / "configs" / f"scale32_{df}.cfg")]
            cells = [least([*cmd, "--quiet"], args.repeat), least([*cmd, "--quiet"], args.repeat, jit),
                     least(cmd, args.repeat), least([*cmd, "--quiet"], args.repeat, pyc)]
            print(f"   {df:4} " + " ".join(f"{c:6.3f} CPU-s {ss / c:7,.0f}x " for c in cells) + f"  (SCALE-Sim {ss} CPU-s)")
        (Path(tmp) / "tiny.py").write_text(TINY)
        cmd = [sys.executable, "-c", PHASES, str(TOPOLOGY), str(DATA / "configs" / "scale32_os.cfg")]
        columns = []
        for env in (None, pyc):
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=REPO, env=env)
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO, env=env).stdout
                line = out.strip().splitlines()[-1]
                t = json.loads(line.rsplit(" ", 1)[0])
                source = line.rsplit(" ", 1)[1]
                runs.append([t[0]] + [b - a for a, b in zip(t, t[1:])])
            columns.append([min(r[k] for r in runs) for k in range(len(NAMES))])
        floors = {name: least([sys.executable, "-c", code, tmp], args.repeat) for name, code in FLOORS.items()}
    phases = columns[0]
    ss = SCALESIM["os"]
    totals = [sum(c[:-1]) for c in columns]  # the process: every phase but the further run
    print(f"2. one fresh process doing the same (os, {source} kernels), least of {args.repeat} per phase:")
    print(f"   {'':40} {'as the environment is':>34}   {'bytecode cached':>34}")
    for k, name in enumerate(NAMES):
        cells = [f"{c[k]:6.3f} CPU-s" + (f"   without it: {ss / (tot - c[k]):6,.0f}x" if name != NAMES[-1] else " " * 21)
                 for c, tot in zip(columns, totals)]
        print(f"   {name:40} " + "   ".join(cells))
    print(f"   {'the process (all but the further run)':40} "
          + "   ".join(f"{tot:6.3f} CPU-s   {ss / tot:6,.0f}x" + " " * 13 for tot in totals)
          + f"\n   (1,000x needs <= {ss / 1000:.3f} CPU-s)")
    print("3. floors: fresh processes that do only this")
    for name, cpu in floors.items():
        print(f"   {name:40} {cpu:6.3f} CPU-s   (+ a further run: {ss / (cpu + phases[-1]):,.0f}x at best)")


if __name__ == "__main__":
    main()
