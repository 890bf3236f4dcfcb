"""The Dask backend: the same tasks, submitted to a Dask distributed scheduler (``--scheduler``).

Needs the optional extra ``accelsim[dask]``. The workers must be able to import this
accelsim and read the sweep's workload and config files (zoo names resolve anywhere).
Reaching the scheduler, and finding a worker on it, each give up after
:data:`CONNECT_TIMEOUT_S` seconds with one error.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from ..errors import AccelsimError
from .local import lost
from .task import Task, execute

CONNECT_TIMEOUT_S = 5


class DaskCluster:
    """``with DaskCluster('tcp://host:port') as c: for outcome in c.run(tasks): ...``"""

    def __init__(self, address: str) -> None:
        self.address = address
        self.where = f"the Dask scheduler at {address}"
        self._client: Any = None
        self.parallel = 1

    def __enter__(self) -> "DaskCluster":
        try:
            from distributed import Client
        except ImportError:
            raise AccelsimError("--scheduler needs Dask distributed, which is not installed", where="--scheduler",
                                expected="pip install 'accelsim[dask]'", found=self.address) from None
        try:
            self._client = Client(self.address, timeout=CONNECT_TIMEOUT_S)
        except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address
            raise AccelsimError(f"cannot reach the Dask scheduler within {CONNECT_TIMEOUT_S} s ({type(exc).__name__})",
                                where="--scheduler", expected="a running 'dask scheduler' at tcp://HOST:PORT",
                                found=self.address) from None
        try:
            self._client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except Exception:
            self._client.close()
            raise AccelsimError(f"the Dask scheduler has no worker (waited {CONNECT_TIMEOUT_S} s)", where="--scheduler",
                                expected="at least one 'dask worker' connected to it", found=self.address) from None
        info = self._client.scheduler_info().get("workers", {})
        n = len(info)
        self.parallel = max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))
        self.where = f"the Dask scheduler at {self.address} ({n} worker{'s' if n != 1 else ''})"
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._client.close()

    def run(self, tasks: Sequence[Task]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        futures = {self._client.submit(execute, t, key=f"accelsim-sweep-{t.key}", pure=False): t for t in tasks}
        for f in as_completed(futures):
            try:
                yield f.result()
            except Exception as exc:  # the worker died or was lost
                yield lost(futures[f], exc)
