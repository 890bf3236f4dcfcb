"""``accelsim sweep SPEC.yaml --out DIR [--workers N] [--scheduler tcp://HOST:PORT] [--sample N] [--search N]``.

A thin layer over :func:`accelsim.sweep.run_sweep` and :func:`accelsim.sweep.write_sweep`:
a progress bar on stderr (tasks done / total, rate, ETA; none with ``--quiet`` or when
stderr is not a terminal), then what ran, the best design per workload and where the
files went.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..console import console as _console


class _Rate(ProgressColumn):
    def render(self, task) -> Text:  # type: ignore[no-untyped-def]
        return Text(f"{task.speed:.1f} tasks/s" if task.speed else "- tasks/s")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sweep", parents=[common], help="design-space exploration: many designs x workloads, locally or on a Dask cluster")
    p.add_argument("spec", help="the sweep spec (YAML: base, workloads, dataflows, axes, constraints, objective)")
    p.add_argument("--out", required=True, metavar="DIR", help="results.csv, figures, report.html and the resumable store sweep.sqlite")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the tasks on a Dask distributed cluster (accelsim[dask])")
    p.add_argument("--sample", type=int, metavar="N", help="N designs of the grid, random or Latin hypercube (the spec's sampling, seed)")
    p.add_argument("--search", type=int, metavar="N", help="model-based search (optuna TPE, accelsim[search]) for the best design in N designs")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no table: only errors")
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from . import load_spec, run_sweep, write_sweep
    from .report import _unit, best_table

    spec = load_spec(args.spec)
    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), _Rate(), TextColumn("ETA"), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True, disable=args.quiet or not sys.stderr.isatty())
    with bar:
        job = bar.add_task("tasks", total=None)
        res = run_sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler, sample=args.sample,
                        search=args.search, progress=lambda done, total: bar.update(job, completed=done, total=total))
    paths = write_sweep(res, args.out)
    if args.quiet:
        return 0
    console = _console(args.no_color)
    console.print(
        f"{res.tasks:,} tasks ({len(res.designs):,} designs of {spec.grid_size:,}, {res.chosen_by}; "
        f"{res.excluded:,} passed over for a constraint): "
        f"{res.ran:,} run, {res.reused:,} reused from {Path(args.out) / 'sweep.sqlite'}, {res.failed:,} failed; "
        f"{res.wall_s:.1f} s on {res.where}.", markup=False
    )
    head, rows = best_table(res, wide=False)
    if rows:
        table = Table(title=f"best design per workload (least {spec.objective}; energy unit: {_unit(res)})")
        for i, h in enumerate(head):
            table.add_column(Text(h), justify="left" if i < 3 else "right", overflow="fold")
        for r in rows:
            table.add_row(*r)
        console.print(table)
    console.print(f"wrote {len(paths)} files to {args.out}/ (open {Path(args.out) / 'report.html'}; every row in results.csv)", markup=False)
    return 0
