"""Running a sweep: designs → tasks → (store | backend) → the tidy table.

:func:`run_sweep` is the Python API behind ``accelsim sweep``. A design that breaks a
constraint is not run (and counted); a design whose axis values do not make a valid
config together gives one failed row per task, with the loader's error. Tasks already in
the store are reused, the others go to the backend (a local process pool, or a Dask
cluster with ``scheduler``), and each outcome is stored as it arrives.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import AccelsimError
from ..hardware import HardwareSpec
from .designs import candidates, label, values_at
from .spec import SweepSpec, figures
from .store import Store
from .table import FIGURE_COLUMNS
from .task import Task, file_digest, task_key, workload_digest

Progress = Callable[[int, int], None]


class Backend(Protocol):
    where: str
    parallel: int  # how many tasks it runs at once

    def run(self, tasks: Sequence[Task]) -> Iterator[dict[str, Any]]: ...


@dataclass(frozen=True)
class Design:
    index: int
    values: tuple[Any, ...]
    label: str
    config: dict[str, Any] = field(repr=False)
    figures: dict[str, float] | None  # None: the values do not make a valid config
    error: str | None = None


@dataclass
class SweepResult:
    spec: SweepSpec
    rows: list[dict[str, Any]]
    designs: list[Design]
    excluded: int  # designs that break a constraint
    tasks: int
    ran: int
    reused: int
    failed: int
    wall_s: float
    where: str
    worker_peak_mb: dict[int, float]  # per worker process id: its peak resident memory
    chosen_by: str = "the full grid"

    @property
    def cpu_s(self) -> float:
        """CPU seconds the tasks took where they ran (reused ones included, as first measured)."""
        return sum(r.get("cpu_s") or 0.0 for r in self.rows)


def design(spec: SweepSpec, index: int) -> Design:
    values = values_at(spec, index)
    cfg = spec.config(values)
    try:
        hw: HardwareSpec = spec.hardware(values)
    except AccelsimError as exc:
        return Design(index, values, label(spec, values), cfg, None, str(exc))
    return Design(index, values, label(spec, values), cfg, figures(hw))


def feasible(spec: SweepSpec, d: Design) -> bool:
    return d.figures is None or all(c.holds(d.figures) for c in spec.constraints)


def choose(spec: SweepSpec, sample: int | None) -> tuple[list[Design], int]:
    """The designs to run and how many were passed over for breaking a constraint."""
    chosen: list[Design] = []
    excluded = 0
    for i in candidates(spec, sample):
        d = design(spec, i)
        if not feasible(spec, d):
            excluded += 1
            continue
        chosen.append(d)
        if sample is not None and spec.sampling == "random" and len(chosen) == sample:
            break
    if not chosen:
        where = "constraints" if excluded else "axes"
        raise AccelsimError(f"empty grid: every one of the {excluded:,} designs breaks a constraint" if excluded
                            else "empty grid", file=spec.file, where=where,
                            expected="at least one design that meets the constraints", found=[c.text for c in spec.constraints])
    return sorted(chosen, key=lambda d: d.index), excluded


class Planner:
    """Tasks of designs, with the digests of the workloads and compression files computed once."""

    def __init__(self, spec: SweepSpec) -> None:
        self.spec = spec
        self.wl = {w: workload_digest(w) for w in spec.workloads}
        self.cz = {c: file_digest(c) for c in spec.compress}

    def tasks(self, d: Design) -> list[Task]:
        s = self.spec
        return [
            Task(task_key(d.config, s.base, self.wl[w], df, b, self.cz[c], s.objective), d.index, d.values, w, self.wl[w],
                 df, b, c, s.objective, d.config, s.base)
            for w in s.workloads for df in s.dataflows for b in s.batches for c in s.compress
        ]


def row(spec: SweepSpec, d: Design, t: Task, outcome: dict[str, Any]) -> dict[str, Any]:
    r: dict[str, Any] = {"design": d.index}
    r.update({a.path: v for a, v in zip(spec.axes, d.values)})
    r.update({"workload": spec.workload_names[spec.workloads.index(t.workload)], "dataflow": t.dataflow, "batch": t.batch,
              "compress": spec.compress_names[spec.compress.index(t.compress)]})
    figs = d.figures or {}
    r.update({f: figs.get(f) for f in (*FIGURE_COLUMNS, *(c.figure for c in spec.constraints))})
    r.update({k: v for k, v in outcome.items() if k not in ("pid", "maxrss_mb", "transient")})
    r["key"] = t.key
    return r


def execute_all(store: Store, backend: Backend | None, tasks: Sequence[Task], progress: Progress | None,
                done: int = 0, total: int | None = None) -> tuple[dict[str, dict[str, Any]], int, int, dict[int, float]]:
    """Every task's outcome (reused from the store, else run and stored); how many were reused
    and how many run; the peak memory of each worker process that ran one."""
    unique = list({t.key: t for t in tasks}.values())
    outcomes = store.get(t.key for t in unique)
    reused = len(outcomes)
    todo = [t for t in unique if t.key not in outcomes]
    total = len(unique) if total is None else total
    done += reused
    if progress:
        progress(done, total)
    peaks: dict[int, float] = {}
    if todo:
        assert backend is not None
        for o in backend.run(todo):
            if not o.get("transient"):
                store.put(o)
            if "pid" in o:
                peaks[o["pid"]] = max(peaks.get(o["pid"], 0.0), o["maxrss_mb"])
            outcomes[o["key"]] = o
            done += 1
            if progress:
                progress(done, total)
    return outcomes, reused, len(todo), peaks


def open_backend(workers: int | None, scheduler: str | None) -> Any:
    if scheduler and workers is not None:
        raise AccelsimError("--workers sizes the local pool; a Dask cluster has the workers started on it",
                            where="--workers", expected="--workers or --scheduler, not both", found=workers)
    if scheduler:
        from .cluster import DaskCluster

        return DaskCluster(scheduler)
    from .local import LocalPool

    return LocalPool(workers)


def run_sweep(spec: SweepSpec, out: str | Path, workers: int | None = None, scheduler: str | None = None,
              sample: int | None = None, search: int | None = None, progress: Progress | None = None) -> SweepResult:
    """Run (or resume) a sweep into ``out``; see the module docstring. ``search`` runs the
    model-based search of :mod:`accelsim.sweep.search` instead of the grid or a sample."""
    if sample is not None and search is not None:
        raise AccelsimError("give --sample or --search, not both", where="--search", expected="one of them", found="both")
    start = time.perf_counter()
    planner = Planner(spec)
    open_backend(workers, scheduler)  # a bad --workers/--scheduler pair fails before any design is built
    if search is not None:
        from .search import check_search

        check_search(spec, search)
    chosen = None if search is not None else choose(spec, sample)
    # The backend first: a bad --workers or an unreachable scheduler leaves no DIR behind.
    with open_backend(workers, scheduler) as backend:
        store = Store(out)
        try:
            if chosen is None:
                from .search import search_designs

                designs, excluded, outcomes, reused, ran, peaks = search_designs(spec, planner, store, backend, search, progress)
            else:
                designs, excluded = chosen
                runnable = [t for d in designs if d.figures is not None for t in planner.tasks(d)]
                outcomes, reused, ran, peaks = execute_all(store, backend, runnable, progress)
        finally:
            store.close()
        where = backend.where
    rows = []
    for d in designs:
        for t in planner.tasks(d):
            o = outcomes.get(t.key) if d.figures is not None else {"key": t.key, "error": d.error}
            rows.append(row(spec, d, t, o or {"key": t.key, "error": "not run"}))
    failed = sum(1 for r in rows if r.get("error"))
    chosen_by = ("the full grid" if sample is None and search is None
                 else f"--sample {sample} ({spec.sampling}, seed {spec.seed})" if search is None
                 else f"--search {search} (optuna TPE, seed {spec.seed})")
    return SweepResult(spec, rows, designs, excluded, len(rows), ran, reused, failed, time.perf_counter() - start, where, peaks,
                       chosen_by)
