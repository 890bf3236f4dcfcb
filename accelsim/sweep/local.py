"""The local backend: a pool of worker processes, one per core by default.

The numba kernels are compiled once into their on-disk cache (``__pycache__`` beside the
engine, or ``NUMBA_CACHE_DIR``, which the workers inherit) and every worker loads them
from there: the first task runs alone, so that on a cold cache one process compiles and
the others start after it, instead of each compiling the same kernels at once.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from types import TracebackType
from typing import Any

from ..errors import AccelsimError
from .task import Task, execute


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def lost(task: Task, exc: BaseException) -> dict[str, Any]:
    """The outcome of a task whose worker died: reported, but not stored (it may succeed next time)."""
    return {"key": task.key, "error": f"the worker running it was lost ({type(exc).__name__}: {exc})", "transient": True}


class LocalPool:
    """``with LocalPool(n) as pool: for outcome in pool.run(tasks): ...`` (in completion order)."""

    def __init__(self, workers: int | None = None) -> None:
        n = default_workers() if workers is None else workers
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise AccelsimError("not a number of workers", where="--workers", expected="an integer >= 1", found=n)
        self.workers = self.parallel = n
        self.where = f"{n} local worker process{'es' if n > 1 else ''}"
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalPool":
        # spawn: a worker starts clean, with no copy of the parent's open store or threads
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._pool is not None
        self._pool.shutdown(wait=kind is None, cancel_futures=True)

    def run(self, tasks: Sequence[Task]) -> Iterator[dict[str, Any]]:
        assert self._pool is not None
        if not tasks:
            return
        first = self._pool.submit(execute, tasks[0])
        yield _outcome(first, tasks[0])
        futures: dict[Future, Task] = {self._pool.submit(execute, t): t for t in tasks[1:]}
        for f in as_completed(futures):
            yield _outcome(f, futures[f])


def _outcome(f: Future, task: Task) -> dict[str, Any]:
    try:
        return f.result()
    except Exception as exc:  # BrokenProcessPool: the worker died (killed, out of memory)
        return lost(task, exc)
