"""A real Dask cluster on 127.0.0.1 for the tests and the benchmark: ``dask scheduler`` and
``dask worker`` started as separate processes with Dask's own commands, on free ports.

::

    with loopback_cluster(workers=2) as address:   # 'tcp://127.0.0.1:PORT'
        run_sweep(spec, out, scheduler=address)

Each process runs in its own session and is stopped on the way out — SIGTERM, then
SIGKILL after a few seconds — whatever happened inside; starting gives up after
``timeout`` seconds with an error that holds the processes' logs.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask() -> str:
    here = Path(sys.executable).with_name("dask")
    found = str(here) if here.exists() else shutil.which("dask")
    if not found:
        raise RuntimeError("the 'dask' command is not installed (pip install 'accelsim[dask]')")
    return found


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


@contextmanager
def loopback_cluster(workers: int = 2, nthreads: int = 1, timeout: float = 90) -> Iterator[str]:
    from distributed import Client

    dask = _dask()
    address = f"tcp://127.0.0.1:{free_port()}"
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="accelsim-dask-") as logs:
        def start(name: str, args: list[str]) -> None:
            log = open(Path(logs) / f"{name}.log", "wb")
            procs.append(subprocess.Popen([dask, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True, cwd=logs))
            log.close()

        try:
            start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"])
            for i in range(workers):
                start(f"worker{i}", ["worker", address, "--host", "127.0.0.1", "--nthreads", str(nthreads), "--nworkers", "1",
                                     "--no-dashboard", "--name", f"accelsim-{i}", "--memory-limit", "0"])
            try:
                with Client(address, timeout=timeout, set_as_default=False) as c:
                    c.wait_for_workers(workers, timeout=timeout)
            except Exception as exc:
                text = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(Path(logs).glob("*.log")))
                raise RuntimeError(f"the loopback Dask cluster did not start within {timeout} s ({exc})\n{text}") from None
            yield address
        finally:
            _stop(procs)
